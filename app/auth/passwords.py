"""Password hashing with Argon2id (argon2-cffi).

The parameters come from the configuration (``ARGON2_TIME_COST``, ``ARGON2_MEMORY_COST`` in KiB,
``ARGON2_PARALLELISM``). Their defaults are the first line of OWASP's Password Storage Cheat
Sheet for Argon2id: 19 MiB, time cost 2, parallelism 1. Each hash holds its memory while it
runs, so a worker computes at most ``ARGON2_MAX_CONCURRENT`` (2) at once, whatever its number of
threads; the others wait their turn, and eight simultaneous log-ins cost a worker 2 × 19 MiB, not
8 × 19. The test suite lowers the cost to save time; a hash made with other parameters than
the configured ones (the earlier default was 64 MiB, t=3, p=4) is upgraded at the next successful
log-in (``needs_rehash``).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
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


# OWASP's Password Storage Cheat Sheet, Argon2id: m=19 MiB, t=2, p=1.
DEFAULT_PARAMETERS = {"ARGON2_TIME_COST": 2, "ARGON2_MEMORY_COST": 19 * 1024, "ARGON2_PARALLELISM": 1}
DEFAULT_MAX_CONCURRENT = 2


@lru_cache(maxsize=4)
def _slots_of(size: int) -> threading.BoundedSemaphore:
    return threading.BoundedSemaphore(size)


def _slots() -> threading.BoundedSemaphore:
    config = current_app.config if has_app_context() else {}
    return _slots_of(max(1, int(config.get("ARGON2_MAX_CONCURRENT", DEFAULT_MAX_CONCURRENT))))


@contextmanager
def hashing_slot(blocking: bool = True) -> Iterator[bool]:
    """One of the worker's ``ARGON2_MAX_CONCURRENT`` turns to hash; yields False, without
    waiting, when ``blocking`` is false and every turn is taken."""
    slots = _slots()
    taken = slots.acquire(blocking=blocking)
    try:
        yield taken
    finally:
        if taken:
            slots.release()


@lru_cache(maxsize=4)
def _hasher_for(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def hasher() -> PasswordHasher:
    """The hasher of the configured parameters (the defaults outside an application)."""
    config = current_app.config if has_app_context() else {}
    values = [int(config.get(name, default)) for name, default in DEFAULT_PARAMETERS.items()]
    return _hasher_for(*values)


def hash_password(password: str) -> str:
    with hashing_slot():
        return hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        with hashing_slot():
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
