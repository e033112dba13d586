"""The password policy (length and known-bad lists only) and argon2id hashing."""

import pytest
from argon2 import PasswordHasher

from app.accounts.passwords import (
    MAX_LENGTH,
    MIN_LENGTH,
    common_passwords,
    hash_password,
    needs_rehash,
    password_problems,
    verify_password,
)


def test_password_shorter_than_ten_characters_is_refused(app):
    assert password_problems("tulpgracht"[: MIN_LENGTH - 1])


def test_password_of_exactly_ten_characters_is_accepted(app):
    assert password_problems("tulpgracht"[:MIN_LENGTH]) == []


def test_password_longer_than_128_characters_is_refused(app):
    assert password_problems("de kat zit op de mat " * 7)  # 147 characters


def test_password_of_exactly_128_characters_is_accepted(app):
    password = ("de kat zit op de mat " * 7)[:MAX_LENGTH]
    assert password_problems(password) == []


def test_common_passwords_are_refused(app):
    for password in ("wachtwoord123", "1234567890", "qwertyuiop"):
        assert password_problems(password), password


def test_common_password_is_refused_in_any_case(app):
    assert password_problems("WachtWoord123")


def test_every_common_password_of_allowed_length_is_refused(app):
    candidates = [p for p in common_passwords() if MIN_LENGTH <= len(p) <= MAX_LENGTH]
    assert candidates
    assert all(password_problems(p) for p in candidates)


def test_password_equal_to_email_is_refused(app):
    assert password_problems("jan.jansen@example.com", email="jan.jansen@example.com")


def test_password_equal_to_email_local_part_is_refused(app):
    assert password_problems("jan.jansen.gouda", email="jan.jansen.gouda@example.com")


def test_password_equal_to_name_is_refused(app):
    assert password_problems("Mohamed El Amrani", name="Mohamed El Amrani")


def test_password_equal_to_name_in_other_case_is_refused(app):
    assert password_problems("mohamed el amrani", name="Mohamed El Amrani")


def test_password_of_one_repeated_character_is_refused(app):
    assert password_problems("aaaaaaaaaaaaaaaa")


@pytest.mark.parametrize(
    "password",
    [
        "onze buurt wordt steeds mooier",  # lowercase only, no digits, no symbols
        "1984-en-nog-wat",
        "ÉÉN GROTE KAT SLAAPT",
    ],
)
def test_no_composition_rules_apply(app, password):
    assert password_problems(password, email="jan@example.com", name="Jan") == []


def test_password_problem_is_in_dutch_by_default(app):
    [message] = password_problems("kort")
    assert "10" in message
    assert message != "Use at least 10 characters."


def test_hash_is_argon2id(app):
    assert hash_password("onze buurt wordt mooier").startswith("$argon2id$")


def test_hash_is_salted(app):
    assert hash_password("onze buurt wordt mooier") != hash_password("onze buurt wordt mooier")


def test_verify_accepts_the_right_password(app):
    assert verify_password(hash_password("onze buurt wordt mooier"), "onze buurt wordt mooier")


def test_verify_refuses_a_wrong_password(app):
    assert not verify_password(hash_password("onze buurt wordt mooier"), "onze buurt wordt lelijk")


def test_verify_without_a_hash_refuses(app):
    assert not verify_password(None, "leefbaar-timing-equaliser")


def test_verify_with_a_damaged_hash_refuses(app):
    assert not verify_password("not-a-hash", "onze buurt wordt mooier")


def test_hash_with_weak_parameters_needs_rehash(app):
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("onze buurt")
    assert needs_rehash(weak)


def test_fresh_hash_needs_no_rehash(app):
    assert not needs_rehash(hash_password("onze buurt wordt mooier"))
