"""Account rules: registration, authentication, passwords, profile, roles, reset tokens."""

import pytest
from argon2 import PasswordHasher

from app.accounts import services
from app.accounts.models import Role, User
from app.accounts.passwords import needs_rehash, verify_password
from app.core.db import commit
from app.core.errors import Conflict, RuleViolation, Unauthenticated
from tests.conftest import PASSWORD

NEW_PASSWORD = "een nieuw en lang wachtwoord"


def register(db, **fields):
    data = {"email": "jan@example.com", "password": PASSWORD, "display_name": "Jan", **fields}
    user = services.register(db.session, **data)
    commit(db.session)
    return user


def reset_token_for(db, email: str) -> str:
    """Ask for a reset of this address and return the token that would be mailed."""
    tokens: list[str] = []
    services.request_password_reset(db.session, email, lambda token: tokens.append(token) or "")
    commit(db.session)
    [token] = tokens
    return token


# Registration


def test_register_creates_a_resident(db):
    user = register(db)
    assert user.role == Role.RESIDENT
    assert user.display_name == "Jan"
    assert not user.verified


def test_register_stores_the_email_in_lower_case(db):
    assert register(db, email="Jan.Jansen@Example.COM").email == "jan.jansen@example.com"


def test_register_trims_the_email(db):
    assert register(db, email="  jan@example.com \t").email == "jan@example.com"


def test_register_trims_the_name(db):
    assert register(db, display_name="  Jan  ").display_name == "Jan"


def test_register_keeps_the_language(db):
    assert register(db, language="en").language == "en"


def test_register_stores_an_argon2id_hash(db):
    user = register(db)
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_register_refuses_a_taken_email(db, make_user):
    make_user(email="jan@example.com")
    with pytest.raises(Conflict) as caught:
        register(db)
    assert "email" in caught.value.errors


def test_register_refuses_a_taken_email_in_other_case(db, make_user):
    make_user(email="jan@example.com")
    with pytest.raises(Conflict):
        register(db, email="JAN@EXAMPLE.COM")


def test_register_refuses_an_invalid_email(db):
    with pytest.raises(RuleViolation) as caught:
        register(db, email="jan@@example")
    assert "email" in caught.value.errors


def test_register_refuses_a_weak_password(db):
    with pytest.raises(RuleViolation) as caught:
        register(db, password="wachtwoord123")
    assert "password" in caught.value.errors


def test_register_refuses_the_email_as_password(db):
    with pytest.raises(RuleViolation):
        register(db, email="jan.jansen@example.com", password="jan.jansen@example.com")


def test_register_refuses_the_name_as_password(db):
    with pytest.raises(RuleViolation):
        register(db, display_name="Mohamed El Amrani", password="Mohamed El Amrani")


def test_refused_registration_stores_nothing(db):
    with pytest.raises(RuleViolation):
        register(db, password="kort")
    db.session.rollback()
    assert db.session.query(User).count() == 0


def test_create_user_gives_the_role(db):
    user = services.create_user(
        db.session,
        email="sanne@example.com",
        password=PASSWORD,
        display_name="Sanne",
        role=Role.STAFF,
    )
    commit(db.session)
    assert user.role == Role.STAFF
    assert user.is_staff


def test_create_user_applies_the_password_rules(db):
    with pytest.raises(RuleViolation):
        services.create_user(
            db.session,
            email="sanne@example.com",
            password="kort",
            display_name="Sanne",
            role=Role.ADMIN,
        )


# Authentication


def test_authenticate_returns_the_user(db, make_user):
    user = make_user()
    assert services.authenticate(db.session, user.email, PASSWORD) is user


def test_authenticate_ignores_email_case_and_spaces(db, make_user):
    user = make_user(email="jan@example.com")
    assert services.authenticate(db.session, "  JAN@example.com ", PASSWORD) is user


def test_authenticate_records_the_login_time(db, make_user):
    user = make_user()
    services.authenticate(db.session, user.email, PASSWORD)
    assert user.last_login_at is not None


def test_authenticate_refuses_a_wrong_password(db, make_user):
    user = make_user()
    with pytest.raises(Unauthenticated):
        services.authenticate(db.session, user.email, "bijna goed maar niet helemaal")


def test_authenticate_gives_the_same_message_for_an_unknown_email(db, make_user):
    user = make_user()
    with pytest.raises(Unauthenticated) as wrong_password:
        services.authenticate(db.session, user.email, "bijna goed maar niet helemaal")
    with pytest.raises(Unauthenticated) as unknown_email:
        services.authenticate(db.session, "niemand@example.com", PASSWORD)
    assert wrong_password.value.message == unknown_email.value.message


def test_authenticate_replaces_an_outdated_hash(db, make_user):
    user = make_user()
    user.password_hash = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    commit(db.session)
    services.authenticate(db.session, user.email, PASSWORD)
    commit(db.session)
    assert not needs_rehash(user.password_hash)
    assert verify_password(user.password_hash, PASSWORD)


def test_authenticate_keeps_a_current_hash(db, make_user):
    user = make_user()
    before = user.password_hash
    services.authenticate(db.session, user.email, PASSWORD)
    assert user.password_hash == before


# Sessions, passwords and roles


def test_end_all_sessions_changes_the_session_version(db, make_user):
    user = make_user()
    before = user.get_id()
    services.end_all_sessions(db.session, user)
    assert user.get_id() != before


def test_change_password_sets_the_new_password(db, make_user):
    user = make_user()
    services.change_password(db.session, user, PASSWORD, NEW_PASSWORD)
    commit(db.session)
    assert services.authenticate(db.session, user.email, NEW_PASSWORD) is user


def test_change_password_ends_the_sessions(db, make_user):
    user = make_user()
    before = user.session_version
    services.change_password(db.session, user, PASSWORD, NEW_PASSWORD)
    assert user.session_version > before


def test_change_password_refuses_a_wrong_current_password(db, make_user):
    user = make_user()
    with pytest.raises(RuleViolation) as caught:
        services.change_password(db.session, user, "niet mijn wachtwoord", NEW_PASSWORD)
    assert "current_password" in caught.value.errors


def test_change_password_applies_the_password_rules(db, make_user):
    user = make_user()
    with pytest.raises(RuleViolation) as caught:
        services.change_password(db.session, user, PASSWORD, "kort")
    assert "password" in caught.value.errors


def test_set_role_changes_the_role_and_ends_the_sessions(db, make_user):
    user = make_user()
    before = user.session_version
    services.set_role(db.session, user, Role.STAFF)
    commit(db.session)
    assert user.role == Role.STAFF
    assert user.session_version > before


# Profile


def test_update_profile_changes_name_and_language(db, make_user):
    user = make_user()
    services.update_profile(db.session, user, {"display_name": " Joke ", "language": "en"})
    assert (user.display_name, user.language) == ("Joke", "en")


def test_update_profile_refuses_an_unsupported_language(db, make_user):
    user = make_user()
    with pytest.raises(RuleViolation):
        services.update_profile(db.session, user, {"language": "de"})


def test_update_profile_sets_the_home_neighbourhood_by_slug(db, make_user, make_neighbourhood):
    neighbourhood = make_neighbourhood("Korte Akkeren")
    user = make_user()
    services.update_profile(db.session, user, {"home_neighbourhood": neighbourhood.slug})
    assert user.home_neighbourhood == neighbourhood


def test_update_profile_clears_the_home_neighbourhood(db, make_user, make_neighbourhood):
    neighbourhood = make_neighbourhood("Korte Akkeren")
    user = make_user()
    services.update_profile(db.session, user, {"home_neighbourhood": neighbourhood.slug})
    services.update_profile(db.session, user, {"home_neighbourhood": None})
    assert user.home_neighbourhood is None


def test_update_profile_refuses_an_unknown_neighbourhood(db, make_user):
    user = make_user()
    with pytest.raises(RuleViolation) as caught:
        services.update_profile(db.session, user, {"home_neighbourhood": "atlantis"})
    assert "home_neighbourhood" in caught.value.errors


def test_update_profile_leaves_fields_not_given(db, make_user):
    user = make_user(name="Jan", language="en")
    services.update_profile(db.session, user, {})
    assert (user.display_name, user.language) == ("Jan", "en")


# Password reset


def test_reset_is_not_offered_for_an_unknown_email(db):
    tokens: list[str] = []
    services.request_password_reset(db.session, "niemand@example.com", tokens.append)
    assert tokens == []


def test_reset_token_sets_a_new_password(db, make_user):
    user = make_user()
    token = reset_token_for(db, user.email)
    services.reset_password(db.session, token, NEW_PASSWORD)
    commit(db.session)
    assert verify_password(user.password_hash, NEW_PASSWORD)


def test_reset_token_ends_the_sessions(db, make_user):
    user = make_user()
    before = user.session_version
    services.reset_password(db.session, reset_token_for(db, user.email), NEW_PASSWORD)
    assert user.session_version > before


def test_reset_token_works_once(db, make_user):
    user = make_user()
    token = reset_token_for(db, user.email)
    services.reset_password(db.session, token, NEW_PASSWORD)
    commit(db.session)
    with pytest.raises(services.InvalidToken):
        services.reset_password(db.session, token, "nog een ander lang wachtwoord")


def test_reset_token_stops_working_after_a_password_change(db, make_user):
    user = make_user()
    token = reset_token_for(db, user.email)
    services.change_password(db.session, user, PASSWORD, NEW_PASSWORD)
    commit(db.session)
    with pytest.raises(services.InvalidToken):
        services.reset_password(db.session, token, "nog een ander lang wachtwoord")


def test_reset_token_survives_a_refused_password(db, make_user):
    user = make_user()
    token = reset_token_for(db, user.email)
    with pytest.raises(RuleViolation):
        services.reset_password(db.session, token, "kort")
    db.session.rollback()
    services.reset_password(db.session, token, NEW_PASSWORD)


def test_forged_reset_token_is_refused(db, make_user):
    make_user()
    with pytest.raises(services.InvalidToken):
        services.reset_password(db.session, "eyJ1IjoxfQ.forged.signature", NEW_PASSWORD)


def test_tampered_reset_token_is_refused(db, make_user):
    user = make_user()
    token = reset_token_for(db, user.email)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    with pytest.raises(services.InvalidToken):
        services.reset_password(db.session, tampered, NEW_PASSWORD)


def test_reset_token_signed_with_another_key_is_refused(db, make_user, make_app):
    user = make_user()
    other = make_app(SECRET_KEY="an-entirely-different-secret-key")
    with other.app_context():
        token = reset_token_for(db, user.email)
    with pytest.raises(services.InvalidToken):
        services.reset_password(db.session, token, NEW_PASSWORD)


def test_expired_reset_token_is_refused(db, make_user, make_app):
    user = make_user()
    token = reset_token_for(db, user.email)
    impatient = make_app(PASSWORD_RESET_MAX_AGE=-1)
    with impatient.app_context(), pytest.raises(services.InvalidToken):
        services.reset_password(db.session, token, NEW_PASSWORD)


def test_reset_token_of_a_deleted_user_is_refused(db, make_user):
    user = make_user()
    token = reset_token_for(db, user.email)
    db.session.delete(user)
    commit(db.session)
    with pytest.raises(services.InvalidToken):
        services.reset_password(db.session, token, NEW_PASSWORD)
