"""Password hashing with Argon2id (argon2-cffi).

The parameters come from the configuration (``ARGON2_TIME_COST``, ``ARGON2_MEMORY_COST`` in KiB,
``ARGON2_PARALLELISM``). Their defaults are argon2-cffi's profile, RFC 9106's "low memory" one
(time cost 3, 64 MiB, parallelism 4), above OWASP's minimum for Argon2id (19 MiB, t=2, p=1).
The test suite lowers them to save time; a hash made with other parameters than the configured
ones is upgraded at the next successful log-in (``needs_rehash``).
"""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context

MIN_PASSWORD_LENGTH = 10

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
