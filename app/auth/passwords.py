"""Password hashing with Argon2id (argon2-cffi).

argon2-cffi's default profile is RFC 9106's "low memory" one (time cost 3,
64 MiB, parallelism 4), above OWASP's minimum for Argon2id (19 MiB, t=2, p=1).
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
