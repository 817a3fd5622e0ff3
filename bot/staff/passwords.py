"""Password hashes with scrypt, a memory-hard KDF from the standard library.

A hash is stored as ``scrypt$<n>$<r>$<p>$<salt>$<key>`` (base64), so the cost can
be raised later and old hashes still verify. Checking compares in constant time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

#: scrypt cost: 2^14 × 8 × 128 bytes = 16 MiB of memory per check, ~50 ms here.
N, R, P = 2**14, 8, 1
KEY_BYTES = 32
MIN_LENGTH = 10
MAX_LENGTH = 256


class WeakPassword(ValueError):
    """The password is too short or too long; the message says what is needed."""


def check_strength(password: str) -> None:
    """Refuses passwords that are too short or long.

    Raises:
        WeakPassword: Saying what is required.
    """
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"a password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"a password may have at most {MAX_LENGTH} characters")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str) -> str:
    """The stored form of a password (a fresh random salt each time).

    Raises:
        WeakPassword: When the password is too short or long.
    """
    check_strength(password)
    salt = secrets.token_bytes(16)
    key = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=N, r=R, p=P, dklen=KEY_BYTES, maxmem=64 * 2**20
    )
    return f"scrypt${N}${R}${P}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches the stored hash; False for any malformed hash."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(key)
        actual = hashlib.scrypt(
            password.encode("utf-8")[: MAX_LENGTH * 4],
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
            maxmem=64 * 2**20,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


#: A hash no password matches, checked for unknown names so timing does not tell them apart.
DUMMY_HASH = f"scrypt${N}${R}${P}${_b64(b'0' * 16)}${_b64(b'0' * KEY_BYTES)}"
