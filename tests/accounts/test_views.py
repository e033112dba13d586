"""The account pages: register, log in and out, account, profile, password, sessions."""

import re

import pytest

from app.accounts import services
from app.accounts.models import User
from tests.accounts.conftest import dutch, english, shows
from tests.conftest import PASSWORD, form_token, problem

NEW_PASSWORD = "een nieuw en lang wachtwoord"


def submit(client, path: str, data: dict, page: str | None = None, **kwargs):
    """Fill in the form of a page (path, unless another page holds it) and post it."""
    token = form_token(client.get(page or path))
    return client.post(path, data={**data, "csrf_token": token}, **kwargs)


def marked_invalid(response, name: str) -> bool:
    """Tell whether the form field with this name is marked invalid for assistive technology."""
    tags = re.findall(rb"<(?:input|select)[^>]*>", response.data)
    [tag] = [t for t in tags if f'name="{name}"'.encode() in t]
    return b'aria-invalid="true"' in tag


def is_logged_in(client) -> bool:
    return client.get("/account").status_code == 200


# Register


def test_register_page_shows_the_form(client):
    response = client.get("/registreren")
    assert response.status_code == 200
    for name in (b'name="display_name"', b'name="email"', b'name="password"'):
        assert name in response.data


def test_register_page_creates_an_account_and_logs_in(client, db):
    fields = {"display_name": "Jan", "email": "Jan@Example.com", "password": PASSWORD}
    response = submit(client, "/registreren", fields)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account")
    assert services.find_user_by_email(db.session, "jan@example.com").display_name == "Jan"
    assert is_logged_in(client)


def test_register_page_welcomes_in_dutch(client):
    fields = {"display_name": "Jan", "email": "jan@example.com", "password": PASSWORD}
    response = submit(client, "/registreren", fields, follow_redirects=True)
    assert shows(response, dutch("Welcome, %(name)s! Your account is ready.", name="Jan"))


def test_register_page_keeps_the_page_language(client, db):
    client.get("/registreren", headers={"Accept-Language": "en"})
    fields = {"display_name": "Jan", "email": "jan@example.com", "password": PASSWORD}
    submit(client, "/registreren", fields, headers={"Accept-Language": "en"})
    assert services.find_user_by_email(db.session, "jan@example.com").language == "en"


def test_register_page_marks_a_weak_password(client, db):
    fields = {"display_name": "Jan", "email": "jan@example.com", "password": "kort"}
    response = submit(client, "/registreren", fields)
    assert response.status_code == 200
    assert marked_invalid(response, "password")
    assert shows(response, dutch("Use at least %(n)d characters.", n=10))
    assert services.find_user_by_email(db.session, "jan@example.com") is None


def test_register_page_marks_a_taken_email(client, make_user):
    make_user(email="jan@example.com")
    fields = {"display_name": "Jan", "email": "jan@example.com", "password": PASSWORD}
    response = submit(client, "/registreren", fields)
    assert marked_invalid(response, "email")
    assert shows(response, dutch("There is already an account with this e-mail address."))


def test_register_page_marks_an_invalid_email(client):
    fields = {"display_name": "Jan", "email": "geen e-mailadres", "password": PASSWORD}
    response = submit(client, "/registreren", fields)
    assert shows(response, dutch("Enter a valid e-mail address."))


def test_register_page_marks_empty_fields_in_dutch(client):
    response = submit(client, "/registreren", {})
    assert response.data.count(b'aria-invalid="true"') == 3
    assert shows(response, dutch("Please fill this in."))


def test_register_page_keeps_what_was_typed_but_not_the_password(client):
    fields = {"display_name": "Jan", "email": "jan@example.com", "password": "kort-maar"}
    response = submit(client, "/registreren", fields)
    assert b'value="jan@example.com"' in response.data
    assert b"kort-maar" not in response.data


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("display_name", "J" * 81),
        ("email", "j" * 250 + "@example.com"),
        ("password", "lange zin " * 103),
    ],
)
def test_register_page_refuses_oversized_fields(client, db, name, value):
    fields = {"display_name": "Jan", "email": "jan@example.com", "password": PASSWORD}
    response = submit(client, "/registreren", {**fields, name: value})
    assert response.status_code == 200
    assert marked_invalid(response, name)
    assert db.session.query(User).count() == 0


def test_register_page_without_token_is_refused(client, db):
    fields = {"display_name": "Jan", "email": "jan@example.com", "password": PASSWORD}
    response = client.post("/registreren", data=fields)
    assert response.status_code == 400
    assert services.find_user_by_email(db.session, "jan@example.com") is None


# Log in


def test_login_page_shows_the_form(client):
    response = client.get("/inloggen")
    assert response.status_code == 200
    assert b'name="password"' in response.data


def test_login_page_logs_in_and_goes_home(client, make_user):
    user = make_user()
    response = submit(client, "/inloggen", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert is_logged_in(client)


def test_login_page_refuses_a_wrong_password_in_dutch(client, make_user):
    user = make_user()
    response = submit(client, "/inloggen", {"email": user.email, "password": "raden maar"})
    assert response.status_code == 401
    assert b'role="alert"' in response.data
    assert shows(response, dutch("The e-mail address or password is not correct."))
    assert not is_logged_in(client)


def test_login_page_answers_alike_for_an_unknown_email(client, make_user):
    user = make_user()
    wrong = submit(client, "/inloggen", {"email": user.email, "password": "raden maar"})
    unknown = submit(client, "/inloggen", {"email": "niemand@example.com", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    message = dutch("The e-mail address or password is not correct.")
    assert shows(wrong, message) and shows(unknown, message)


def test_login_page_marks_empty_fields(client):
    response = submit(client, "/inloggen", {})
    assert response.data.count(b'aria-invalid="true"') == 2


def test_login_page_refuses_an_oversized_password(client, make_user):
    user = make_user()
    response = submit(client, "/inloggen", {"email": user.email, "password": "x" * 5000})
    assert response.status_code == 200
    assert marked_invalid(response, "password")
    assert not is_logged_in(client)


def test_login_page_without_token_is_refused(client, make_user):
    user = make_user()
    response = client.post("/inloggen", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert not is_logged_in(client)


def test_login_page_follows_a_local_next(client, make_user):
    user = make_user()
    fields = {"email": user.email, "password": PASSWORD, "next": "/account"}
    response = submit(client, "/inloggen?next=/account", fields, page="/inloggen?next=/account")
    assert response.headers["Location"] == "/account"


def test_login_page_carries_next_in_the_form(client):
    response = client.get("/inloggen?next=/account")
    assert b'name="next" type="hidden" value="/account"' in response.data


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        " //evil.example",
        "javascript:alert(1)",
    ],
)
def test_login_page_ignores_a_foreign_next(client, make_user, target):
    user = make_user()
    fields = {"email": user.email, "password": PASSWORD, "next": target}
    response = submit(client, "/inloggen", fields)
    assert response.headers["Location"] == "/"


def test_login_page_ignores_a_foreign_next_in_the_link(client, make_user):
    user = make_user()
    page = client.get("/inloggen?next=//evil.example")
    [carried] = re.findall(rb'name="next" type="hidden" value="([^"]*)"', page.data)
    fields = {"email": user.email, "password": PASSWORD, "next": carried.decode()}
    response = client.post(
        "/inloggen?next=//evil.example", data={**fields, "csrf_token": form_token(page)}
    )
    assert response.headers["Location"] == "/"


def test_account_page_sends_visitors_to_the_login_page(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"] == "/inloggen?next=/account"


# Log out


def test_logout_page_asks_to_confirm(client, make_user, login):
    login(make_user())
    response = client.get("/uitloggen")
    assert response.status_code == 200
    assert is_logged_in(client)


def test_logout_page_logs_out(client, make_user, login):
    login(make_user())
    response = submit(client, "/uitloggen", {})
    assert response.status_code == 302
    assert not is_logged_in(client)


def test_logout_page_ends_copies_of_the_cookie(app, client, make_user, login):
    login(make_user())
    copy = app.test_client()
    copy.set_cookie("leefbaar_session", client.get_cookie("leefbaar_session").value)
    submit(client, "/uitloggen", {})
    assert not is_logged_in(copy)


def test_logout_page_without_token_keeps_you_logged_in(client, make_user, login):
    login(make_user())
    assert client.post("/uitloggen").status_code == 400
    assert is_logged_in(client)


def test_logout_page_sends_visitors_home(client):
    response = client.get("/uitloggen")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


# Account and profile


def test_account_page_shows_the_account(client, make_user, login):
    user = make_user()
    login(user)
    response = client.get("/account")
    assert response.status_code == 200
    assert shows(response, user.email)
    assert shows(response, dutch("Your account"))
    assert b'<html lang="nl">' in response.data


def test_profile_form_saves_name_language_and_neighbourhood(
    client, db, make_user, make_neighbourhood, login
):
    neighbourhood = make_neighbourhood("Korte Akkeren")
    user = make_user()
    login(user)
    fields = {"display_name": "Joke", "language": "en", "home_neighbourhood": neighbourhood.slug}
    response = submit(client, "/account/profiel", fields, page="/account")
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.display_name, user.language) == ("Joke", "en")
    assert user.home_neighbourhood_id == neighbourhood.id


def test_profile_form_clears_the_neighbourhood(client, db, make_household, make_user, login):
    user = make_user(household=make_household())
    login(user)
    fields = {"display_name": user.display_name, "language": "nl", "home_neighbourhood": ""}
    submit(client, "/account/profiel", fields, page="/account")
    db.session.refresh(user)
    assert user.home_neighbourhood is None


def test_after_choosing_english_pages_come_in_english(client, make_user, login):
    user = make_user()
    login(user)
    fields = {"display_name": user.display_name, "language": "en", "home_neighbourhood": ""}
    submit(client, "/account/profiel", fields, page="/account")
    response = client.get("/account")
    assert b'<html lang="en">' in response.data
    assert shows(response, english("Your account"))


def test_profile_form_refuses_an_unknown_neighbourhood(client, db, make_user, login):
    user = make_user()
    login(user)
    fields = {"display_name": "Joke", "language": "nl", "home_neighbourhood": "atlantis"}
    response = submit(client, "/account/profiel", fields, page="/account")
    assert response.status_code == 422
    assert marked_invalid(response, "home_neighbourhood")
    db.session.refresh(user)
    assert user.display_name != "Joke"


def test_profile_form_refuses_an_unknown_language(client, make_user, login):
    login(make_user())
    fields = {"display_name": "Joke", "language": "de", "home_neighbourhood": ""}
    response = submit(client, "/account/profiel", fields, page="/account")
    assert response.status_code == 422


def test_profile_form_refuses_an_empty_name(client, make_user, login):
    login(make_user())
    fields = {"display_name": "", "language": "nl", "home_neighbourhood": ""}
    response = submit(client, "/account/profiel", fields, page="/account")
    assert response.status_code == 422
    assert shows(response, dutch("Please fill this in."))


def test_profile_form_refuses_a_name_over_80_characters(client, make_user, login):
    login(make_user())
    fields = {"display_name": "J" * 81, "language": "nl", "home_neighbourhood": ""}
    response = submit(client, "/account/profiel", fields, page="/account")
    assert response.status_code == 422


def test_profile_form_without_token_is_refused(client, db, make_user, login):
    user = make_user()
    login(user)
    fields = {"display_name": "Joke", "language": "nl", "home_neighbourhood": ""}
    assert client.post("/account/profiel", data=fields).status_code == 400
    db.session.refresh(user)
    assert user.display_name != "Joke"


def test_profile_form_needs_a_login(client):
    fields = {"display_name": "Joke", "language": "nl", "home_neighbourhood": ""}
    response = submit(client, "/account/profiel", fields, page="/inloggen")
    assert response.status_code == 401


# Password and sessions


def test_password_form_changes_the_password_and_keeps_this_device(
    client, make_api, make_user, login
):
    user = make_user()
    login(user)
    fields = {"current_password": PASSWORD, "password": NEW_PASSWORD}
    response = submit(client, "/account/wachtwoord", fields, page="/account")
    assert response.status_code == 302
    assert is_logged_in(client)
    assert make_api().login(user.email, NEW_PASSWORD).status_code == 200


def test_password_form_logs_out_other_devices(client, make_api, make_user, login):
    user = make_user()
    other = make_api()
    other.login(user.email)
    login(user)
    fields = {"current_password": PASSWORD, "password": NEW_PASSWORD}
    submit(client, "/account/wachtwoord", fields, page="/account")
    problem(other.get("/me"), 401)


def test_password_form_refuses_a_wrong_current_password(client, make_api, make_user, login):
    user = make_user()
    login(user)
    fields = {"current_password": "raden maar", "password": NEW_PASSWORD}
    response = submit(client, "/account/wachtwoord", fields, page="/account")
    assert response.status_code == 422
    assert marked_invalid(response, "current_password")
    assert not marked_invalid(response, "password")
    assert shows(response, dutch("Your current password is not correct."))
    problem(make_api().login(user.email, NEW_PASSWORD), 401)


def test_password_form_refuses_a_weak_new_password(client, make_user, login):
    login(make_user())
    fields = {"current_password": PASSWORD, "password": "wachtwoord123"}
    response = submit(client, "/account/wachtwoord", fields, page="/account")
    assert response.status_code == 422
    assert shows(response, dutch("This password is too easy to guess. Try a short sentence."))


def test_password_form_does_not_echo_passwords(client, make_user, login):
    login(make_user())
    fields = {"current_password": "geheim-huidig-1", "password": "kort"}
    response = submit(client, "/account/wachtwoord", fields, page="/account")
    assert b"geheim-huidig-1" not in response.data


def test_logout_everywhere_ends_every_session(client, make_api, make_user, login):
    user = make_user()
    other = make_api()
    other.login(user.email)
    login(user)
    response = submit(client, "/account/overal-uitloggen", {}, page="/account")
    assert response.status_code == 302
    assert not is_logged_in(client)
    problem(other.get("/me"), 401)


def test_logout_everywhere_without_token_is_refused(client, make_user, login):
    login(make_user())
    assert client.post("/account/overal-uitloggen").status_code == 400
    assert is_logged_in(client)
