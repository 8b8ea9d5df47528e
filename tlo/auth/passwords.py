"""Password hashing with argon2id (argon2-cffi), the OWASP-recommended default."""

from __future__ import annotations

import hmac

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from tlo.config import get_settings
from tlo.errors import ValidationError

MIN_PASSWORD_LENGTH = 10
# Every demo account's password (tlo/demo.py); the README publishes it, so in production
# (TLO_ENV=production) it is refused both as a new password and at sign-in.
DEMO_PASSWORD = "tlo-demo-2026"
DEMO_PASSWORD_REFUSED = "That is the demo password, which the README publishes; choose another."

_hasher = PasswordHasher()
# Verified against when the username is unknown, so an unknown name costs as much time as a
# wrong password and sign-in timing does not reveal which usernames exist.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    check_password_strength(password)
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def rehash(password: str) -> str:
    """A fresh hash of a password that has just verified (the hasher's settings changed). No
    policy check: a password chosen under an older policy must not make sign-in fail."""
    return _hasher.hash(password)


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def is_demo_password(password: str) -> bool:
    return hmac.compare_digest(password.encode(), DEMO_PASSWORD.encode())


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            f"A password needs at least {MIN_PASSWORD_LENGTH} characters; "
            f"this one has {len(password)}."
        )
    if password.strip() != password:
        raise ValidationError("A password may not start or end with spaces.")
    if is_demo_password(password) and get_settings().production:
        raise ValidationError(DEMO_PASSWORD_REFUSED)
