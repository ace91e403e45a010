"""Password hashing with Argon2id (argon2-cffi).

The parameters come from the configuration (``ARGON2_TIME_COST``, ``ARGON2_MEMORY_COST`` in KiB,
``ARGON2_PARALLELISM``). Their defaults are argon2-cffi's profile, RFC 9106's "low memory" one
(time cost 3, 64 MiB, parallelism 4), above OWASP's minimum for Argon2id (19 MiB, t=2, p=1).
The test suite lowers them to save time; a hash made with other parameters than the configured
ones is upgraded at the next successful log-in (``needs_rehash``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from zxcvbn import zxcvbn

MIN_PASSWORD_LENGTH = 10
MIN_STRENGTH = 3  # zxcvbn's score (0-4): 3 is "safely unguessable", about 10^10 guesses


def weakness(password: str, identity: Iterable[str] = ()) -> str | None:
    """Why a new password would be easy to guess (ASVS 5.0, level 2), or None when it is fine.

    ``identity``: what the account is known by (email, name); a password made of it is refused.
    Strength is judged by zxcvbn against its bundled lists of common and leaked passwords, names
    and words, with the identity added to them. Returns ``"identity"`` or ``"guessable"``.
    """
    known = [part for text in identity if text for part in (text, *re.split(r"[\s@._-]+", text)) if len(part) >= 3]
    rest = password.casefold()
    for part in sorted(known, key=len, reverse=True):
        rest = rest.replace(part.casefold(), "")
    if rest != password.casefold() and len(re.sub(r"[\W\d_]+", "", rest)) < 4:
        return "identity"  # nothing much but the email or the name (and digits)
    if zxcvbn(password[:100], user_inputs=known)["score"] < MIN_STRENGTH:
        return "guessable"
    return None


_DEFAULTS = PasswordHasher()
DEFAULT_PARAMETERS = {
    "ARGON2_TIME_COST": _DEFAULTS.time_cost,
    "ARGON2_MEMORY_COST": _DEFAULTS.memory_cost,
    "ARGON2_PARALLELISM": _DEFAULTS.parallelism,
}


@lru_cache(maxsize=4)
def _hasher_for(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def hasher() -> PasswordHasher:
    """The hasher of the configured parameters (the defaults outside an application)."""
    config = current_app.config if has_app_context() else {}
    values = [int(config.get(name, default)) for name, default in DEFAULT_PARAMETERS.items()]
    return _hasher_for(*values)


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return hasher().check_needs_rehash(password_hash)


@lru_cache(maxsize=4)
def _dummy_hash_for(current: PasswordHasher) -> str:
    return current.hash("not-a-real-password-0")


def verify_against_nobody(password: str) -> None:
    """Spend the time of a verification when the email is unknown, so that the log-in form
    does not reveal who has an account (the same parameters as real hashes)."""
    verify_password(_dummy_hash_for(hasher()), password)
