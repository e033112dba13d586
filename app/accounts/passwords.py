"""Password hashing (argon2id) and the password policy: length and known-bad lists only."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from flask_babel import gettext

MIN_LENGTH = 10
MAX_LENGTH = 128

# "standard": argon2id with the library's recommended parameters (~90 ms a hash). "fast" is
# still argon2id, with the least work; only the test suite uses it (PASSWORD_HASHING).
HASHERS = {
    "standard": PasswordHasher(),
    "fast": PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1),
}


@cache
def _dummy_hash(profile: str) -> str:
    return HASHERS[profile].hash("leefbaar-timing-equaliser")


def _profile() -> str:
    if has_app_context() and current_app.testing:  # never weaker hashes outside the tests
        return current_app.config["PASSWORD_HASHING"]
    return "standard"


@cache
def common_passwords() -> frozenset[str]:
    """Load the shipped list of passwords that attackers try first."""
    path = Path(__file__).with_name("common_passwords.txt")
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip())


def password_problems(password: str, *, email: str = "", name: str = "") -> list[str]:
    """Return what is wrong with a new password, in the user's language (empty if fine)."""
    if len(password) < MIN_LENGTH:
        return [gettext("Use at least %(n)d characters.", n=MIN_LENGTH)]
    if len(password) > MAX_LENGTH:
        return [gettext("Use at most %(n)d characters.", n=MAX_LENGTH)]
    lowered = password.lower()
    personal = {email.lower(), email.split("@")[0].lower(), name.lower()} - {""}
    if lowered in common_passwords() or lowered in personal or len(set(lowered)) < 3:
        return [gettext("This password is too easy to guess. Try a short sentence.")]
    return []


def hash_password(password: str) -> str:
    """Hash a password with argon2id."""
    return HASHERS[_profile()].hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Check a password; spend the same time when there is no account to check against."""
    profile = _profile()
    try:
        checked = HASHERS[profile].verify(stored_hash or _dummy_hash(profile), password)
        return checked and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Tell whether the hash was made with older parameters and should be replaced."""
    return HASHERS[_profile()].check_needs_rehash(stored_hash)
