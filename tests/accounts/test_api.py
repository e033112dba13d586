"""The accounts JSON API: register, log in and out, sessions, profile, CSRF and bad input."""

from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher

from app.accounts import services
from app.accounts.models import Role, User
from app.accounts.passwords import needs_rehash
from app.core.db import commit
from tests.accounts.conftest import SESSION_COOKIE, dutch, english
from tests.conftest import PASSWORD, problem

NEW_PASSWORD = "een nieuw en lang wachtwoord"


def registration(**fields) -> dict:
    return {"email": "jan@example.com", "password": PASSWORD, "display_name": "Jan", **fields}


def copy_session(source, target) -> None:
    """Put a copy of source's session cookie in target, as a thief would."""
    cookie = source.client.get_cookie(SESSION_COOKIE)
    assert cookie is not None
    target.client.set_cookie(SESSION_COOKIE, cookie.value)


# CSRF


def test_csrf_token_is_handed_out(api):
    response = api.get("/auth/csrf")
    assert response.status_code == 200
    assert response.get_json()["csrf_token"]


def test_post_without_csrf_token_is_refused(api):
    body = problem(api.post("/auth/register", json=registration(), csrf=False), 400)
    assert body["type"].endswith("csrf")


def test_post_with_a_wrong_csrf_token_is_refused(api):
    response = api.post("/auth/register", json=registration(), headers={"X-CSRFToken": "forged"})
    assert problem(response, 400)["type"].endswith("csrf")


def test_csrf_token_of_another_session_is_refused(api, make_api):
    response = api.post(
        "/auth/register", json=registration(), headers={"X-CSRFToken": make_api().csrf()}
    )
    assert problem(response, 400)["type"].endswith("csrf")


def test_refused_csrf_creates_no_account(api, db):
    api.post("/auth/register", json=registration(), csrf=False)
    assert services.find_user_by_email(db.session, "jan@example.com") is None


def test_patch_without_csrf_token_is_refused(api, make_user):
    user = make_user()
    api.login(user.email)
    response = api.patch("/me", json={"display_name": "Hacker"}, csrf=False)
    assert problem(response, 400)["type"].endswith("csrf")
    assert api.get("/me").get_json()["display_name"] == user.display_name


# Register


def test_register_answers_201_with_the_account(api):
    response = api.post("/auth/register", json=registration())
    assert response.status_code == 201
    body = response.get_json()
    assert body["email"] == "jan@example.com"
    assert body["role"] == "resident"
    assert body["verified"] is False


def test_register_logs_in(api):
    api.post("/auth/register", json=registration())
    assert api.get("/me").get_json()["email"] == "jan@example.com"


def test_register_normalises_the_email_to_lower_case(api):
    response = api.post("/auth/register", json=registration(email="Jan@Example.COM"))
    assert response.get_json()["email"] == "jan@example.com"


def test_register_refuses_a_taken_email_with_409(api, make_user):
    make_user(email="jan@example.com")
    body = problem(api.post("/auth/register", json=registration(email="JAN@example.com")), 409)
    assert body["errors"]["email"]


def test_register_refuses_a_bad_email_with_422(api):
    body = problem(api.post("/auth/register", json=registration(email="jan.example.com")), 422)
    assert body["errors"]["email"]


def test_register_refuses_a_short_password(api):
    body = problem(api.post("/auth/register", json=registration(password="kort123")), 422)
    assert body["errors"]["password"]


def test_register_refuses_a_password_over_128_characters(api):
    response = api.post("/auth/register", json=registration(password="lange zin " * 13))
    assert problem(response, 422)["errors"]["password"]


def test_register_refuses_a_huge_password_before_hashing(api):
    response = api.post("/auth/register", json=registration(password="x" * 100_000))
    assert problem(response, 422)["errors"]["password"]


def test_register_refuses_a_common_password(api):
    response = api.post("/auth/register", json=registration(password="welkom2026"))
    assert problem(response, 422)["errors"]["password"]


def test_register_refuses_the_email_as_password(api):
    fields = registration(email="jan.jansen@example.com", password="jan.jansen@example.com")
    assert problem(api.post("/auth/register", json=fields), 422)["errors"]["password"]


def test_register_refuses_the_name_as_password(api):
    fields = registration(display_name="Mohamed El Amrani", password="Mohamed El Amrani")
    assert problem(api.post("/auth/register", json=fields), 422)["errors"]["password"]


def test_register_accepts_a_long_lowercase_sentence(api):
    response = api.post("/auth/register", json=registration(password="ik woon hier al jaren"))
    assert response.status_code == 201


def test_register_refuses_missing_fields(api):
    body = problem(api.post("/auth/register", json={}), 422)
    assert set(body["errors"]) == {"email", "password", "display_name"}


def test_register_refuses_a_blank_name(api):
    body = problem(api.post("/auth/register", json=registration(display_name="   ")), 422)
    assert body["errors"]["display_name"]


def test_register_refuses_a_name_over_80_characters(api):
    body = problem(api.post("/auth/register", json=registration(display_name="J" * 81)), 422)
    assert body["errors"]["display_name"]


def test_register_refuses_an_email_over_254_characters(api):
    email = "j" * 60 + "@" + ".".join(["a" * 60] * 4) + ".nl"
    body = problem(api.post("/auth/register", json=registration(email=email)), 422)
    assert body["errors"]["email"]


def test_register_refuses_wrong_types(api):
    body = problem(api.post("/auth/register", json=registration(email=42, password=["x"])), 422)
    assert {"email", "password"} <= set(body["errors"])


def test_register_refuses_to_choose_a_role(api, db):
    body = problem(api.post("/auth/register", json=registration(role="admin")), 422)
    assert body["errors"]["role"]
    assert services.find_user_by_email(db.session, "jan@example.com") is None


def test_register_refuses_an_unsupported_language(api):
    body = problem(api.post("/auth/register", json=registration(language="de")), 422)
    assert body["errors"]["language"]


def test_register_refuses_malformed_json(api):
    response = api.post("/auth/register", data='{"email": ', content_type="application/json")
    assert problem(response, 400)["type"].endswith("malformed-json")


def test_register_refuses_a_json_array(api):
    assert problem(api.post("/auth/register", json=[registration()]), 422)


def test_register_refuses_form_encoding(api):
    response = api.post("/auth/register", data=registration())
    problem(response, 415)


def test_register_refuses_an_oversized_body(api):
    response = api.post("/auth/register", json=registration(display_name="J" * 300_000))
    problem(response, 413)


def test_concurrent_registrations_of_one_email_create_one_account(app, make_api, db):
    clients = [make_api() for _ in range(4)]
    for client in clients:
        client.csrf()

    def attempt(client):
        return client.post("/auth/register", json=registration()).status_code

    with ThreadPoolExecutor(len(clients)) as pool:
        statuses = sorted(pool.map(attempt, clients))
    assert statuses == [201, 409, 409, 409]
    assert db.session.query(User).filter_by(email="jan@example.com").count() == 1


# Log in


def test_login_answers_200_with_the_account(api, make_user):
    user = make_user(language="en")
    response = api.login(user.email)
    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == user.id
    assert body["email"] == user.email
    assert body["display_name"] == user.display_name
    assert body["role"] == "resident"
    assert body["verified"] is False
    assert body["language"] == "en"


def test_login_does_not_reveal_the_password_hash(api, make_user):
    user = make_user()
    body = api.login(user.email).get_json()
    assert not {"password", "password_hash", "session_version"} & set(body)


def test_login_accepts_the_email_in_any_case(api, make_user):
    user = make_user(email="jan@example.com")
    assert api.login(" JAN@Example.com").status_code == 200
    assert api.get("/me").get_json()["id"] == user.id


def test_login_refuses_a_wrong_password_with_401(api, make_user):
    user = make_user()
    problem(api.login(user.email, "bijna goed maar niet helemaal"), 401)
    problem(api.get("/me"), 401)


def test_wrong_password_and_unknown_email_get_the_same_answer(api, make_user):
    user = make_user()
    wrong = problem(api.login(user.email, "bijna goed maar niet helemaal"), 401)
    unknown = problem(api.login("niemand@example.com"), 401)
    for key in ("status", "title", "detail", "type"):
        assert wrong[key] == unknown[key]


def test_login_refuses_missing_fields(api):
    body = problem(api.post("/auth/login", json={"email": "jan@example.com"}), 422)
    assert body["errors"]["password"]


def test_login_refuses_a_huge_password_before_hashing(api, make_user):
    user = make_user()
    body = problem(api.login(user.email, "x" * 5000), 422)
    assert body["errors"]["password"]


def test_login_refuses_malformed_json(api):
    response = api.post("/auth/login", data="{email", content_type="application/json")
    assert problem(response, 400)["type"].endswith("malformed-json")


def test_login_refuses_wrong_types(api):
    response = api.post("/auth/login", json={"email": ["jan@example.com"], "password": 12})
    assert set(problem(response, 422)["errors"]) == {"email", "password"}


def test_login_stores_an_argon2id_hash_on_registration(api, db):
    api.post("/auth/register", json=registration())
    user = services.find_user_by_email(db.session, "jan@example.com")
    assert user.password_hash.startswith("$argon2id$")


def test_login_rehashes_an_outdated_hash(api, db, make_user):
    user = make_user()
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    user.password_hash = weak
    commit(db.session)
    assert api.login(user.email).status_code == 200
    db.session.refresh(user)
    assert user.password_hash != weak
    assert user.password_hash.startswith("$argon2id$")
    assert not needs_rehash(user.password_hash)


def test_login_still_works_after_the_rehash(api, make_api, db, make_user):
    user = make_user()
    user.password_hash = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    commit(db.session)
    api.login(user.email)
    assert make_api().login(user.email).status_code == 200


def test_login_switches_from_another_account(api, make_user):
    first, second = make_user(), make_user()
    api.login(first.email)
    api.login(second.email)
    assert api.get("/me").get_json()["id"] == second.id


# Session cookie


def session_set_cookie(response, name: str = SESSION_COOKIE) -> str:
    [header] = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(name + "=")]
    return header


def test_session_cookie_is_http_only_and_same_site_lax(api, make_user):
    user = make_user()
    header = session_set_cookie(api.login(user.email))
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header


def test_session_cookie_is_secure_with_host_prefix_in_production(
    make_app, make_user, database_url, monkeypatch, tmp_path
):
    user = make_user()
    monkeypatch.setenv("SECRET_KEY", "production-secret-for-this-test-only")
    monkeypatch.setenv("DATABASE_URL", database_url)
    production = make_app(APP_CONFIG="production", JOBS_SQLITE_PATH=str(tmp_path / "jobs.db"))
    client = production.test_client(base_url="https://leefbaar.test")
    same_origin = {"Referer": "https://leefbaar.test/"}
    token = client.get("/api/v1/auth/csrf").get_json()["csrf_token"]
    response = client.post(
        "/api/v1/auth/login",
        json={"email": user.email, "password": PASSWORD},
        headers={"X-CSRFToken": token, **same_origin},
    )
    assert response.status_code == 200, response.get_json()
    header = session_set_cookie(response, "__Host-session")
    assert "Secure" in header
    assert "HttpOnly" in header
    assert "Path=/" in header
    assert "Domain=" not in header


def test_session_cookie_lasts_thirty_days(api, make_user):
    user = make_user()
    assert "Expires=" in session_set_cookie(api.login(user.email))


# Log out and sessions


def test_logout_answers_204(api, make_user):
    user = make_user()
    api.login(user.email)
    assert api.post("/auth/logout").status_code == 204
    problem(api.get("/me"), 401)


def test_logout_makes_a_copy_of_the_cookie_useless(api, make_api, make_user):
    user = make_user()
    api.login(user.email)
    thief = make_api()
    copy_session(api, thief)
    assert thief.get("/me").status_code == 200
    api.post("/auth/logout")
    problem(thief.get("/me"), 401)


def test_logout_when_not_logged_in_answers_204(api):
    assert api.post("/auth/logout").status_code == 204


def test_revoke_sessions_logs_out_other_devices(api, make_api, make_user):
    user = make_user()
    phone, laptop = api, make_api()
    phone.login(user.email)
    laptop.login(user.email)
    assert laptop.post("/me/sessions/revoke").status_code == 204
    problem(phone.get("/me"), 401)


def test_revoke_sessions_logs_out_this_device(api, make_user):
    user = make_user()
    api.login(user.email)
    api.post("/me/sessions/revoke")
    problem(api.get("/me"), 401)


def test_revoke_sessions_leaves_other_users_logged_in(api, make_api, make_user):
    user, neighbour = make_user(), make_user()
    api.login(user.email)
    other = make_api()
    other.login(neighbour.email)
    api.post("/me/sessions/revoke")
    assert other.get("/me").status_code == 200


def test_revoke_sessions_needs_a_login(api):
    problem(api.post("/me/sessions/revoke"), 401)


def test_can_log_in_again_after_revoking(api, make_user):
    user = make_user()
    api.login(user.email)
    api.post("/me/sessions/revoke")
    api.token = None  # the session was cleared, and its CSRF token with it
    assert api.login(user.email).status_code == 200


def test_deleting_the_user_ends_the_session(api, db, make_user):
    user = make_user()
    api.login(user.email)
    db.session.delete(user)
    commit(db.session)
    problem(api.get("/me"), 401)


def test_role_change_ends_the_sessions(api, db, make_user):
    user = make_user()
    api.login(user.email)
    services.set_role(db.session, user, Role.STAFF)
    commit(db.session)
    problem(api.get("/me"), 401)


def test_new_role_applies_after_logging_in_again(api, db, make_user):
    user = make_user()
    services.set_role(db.session, user, Role.STAFF)
    commit(db.session)
    assert api.login(user.email).get_json()["role"] == "staff"


def test_tampered_session_cookie_is_ignored(api, make_api, make_user):
    user = make_user()
    api.login(user.email)
    value = api.client.get_cookie(SESSION_COOKIE).value
    forger = make_api()
    forger.client.set_cookie(SESSION_COOKIE, value[:-4] + "AAAA")
    problem(forger.get("/me"), 401)


# Password change


def test_change_password_answers_204(api, make_user):
    user = make_user()
    api.login(user.email)
    response = api.post(
        "/me/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 204


def test_change_password_keeps_this_device_logged_in(api, make_user):
    user = make_user()
    api.login(user.email)
    api.post("/me/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert api.get("/me").status_code == 200


def test_change_password_logs_out_other_devices(api, make_api, make_user):
    user = make_user()
    api.login(user.email)
    other = make_api()
    other.login(user.email)
    api.post("/me/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    problem(other.get("/me"), 401)


def test_change_password_makes_the_new_password_work(api, make_api, make_user):
    user = make_user()
    api.login(user.email)
    api.post("/me/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    other = make_api()
    problem(other.login(user.email, PASSWORD), 401)
    assert other.login(user.email, NEW_PASSWORD).status_code == 200


def test_change_password_refuses_a_wrong_current_password(api, make_user):
    user = make_user()
    api.login(user.email)
    response = api.post(
        "/me/password", json={"current_password": "raden maar", "new_password": NEW_PASSWORD}
    )
    assert problem(response, 422)["errors"]["current_password"]


def test_change_password_refuses_a_weak_new_password(api, make_user):
    user = make_user()
    api.login(user.email)
    response = api.post(
        "/me/password", json={"current_password": PASSWORD, "new_password": "wachtwoord123"}
    )
    assert problem(response, 422)["errors"]["password"]


def test_refused_password_change_keeps_other_devices(api, make_api, make_user):
    user = make_user()
    api.login(user.email)
    other = make_api()
    other.login(user.email)
    api.post("/me/password", json={"current_password": "raden maar", "new_password": NEW_PASSWORD})
    assert other.get("/me").status_code == 200


def test_change_password_refuses_missing_fields(api, make_user):
    user = make_user()
    api.login(user.email)
    body = problem(api.post("/me/password", json={"new_password": NEW_PASSWORD}), 422)
    assert body["errors"]["current_password"]


def test_change_password_needs_a_login(api):
    response = api.post(
        "/me/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    problem(response, 401)


# Me


def test_me_needs_a_login(api):
    problem(api.get("/me"), 401)


def test_me_shows_the_own_account(api, make_user):
    user = make_user()
    api.login(user.email)
    body = api.get("/me").get_json()
    assert (body["id"], body["email"]) == (user.id, user.email)
    assert body["home_neighbourhood"] is None
    assert body["household"] is None


def test_me_shows_the_verified_household(api, make_user, make_household):
    household = make_household()
    user = make_user(household=household)
    api.login(user.email)
    body = api.get("/me").get_json()
    assert body["verified"] is True
    assert body["household"] == household.address_line
    assert body["home_neighbourhood"] == household.neighbourhood.slug


def test_patch_me_changes_the_display_name(api, make_user):
    user = make_user()
    api.login(user.email)
    response = api.patch("/me", json={"display_name": "  Joke   Jansen "})
    assert response.status_code == 200
    assert response.get_json()["display_name"] == "Joke Jansen"


def test_patch_me_changes_the_language(api, make_user):
    user = make_user()
    api.login(user.email)
    assert api.patch("/me", json={"language": "en"}).get_json()["language"] == "en"


def test_patch_me_refuses_an_unsupported_language(api, make_user):
    user = make_user()
    api.login(user.email)
    assert problem(api.patch("/me", json={"language": "de"}), 422)["errors"]["language"]


def test_patch_me_sets_the_home_neighbourhood(api, make_user, make_neighbourhood):
    neighbourhood = make_neighbourhood("Korte Akkeren")
    user = make_user()
    api.login(user.email)
    response = api.patch("/me", json={"home_neighbourhood": neighbourhood.slug})
    assert response.get_json()["home_neighbourhood"] == neighbourhood.slug


def test_patch_me_clears_the_home_neighbourhood_with_null(api, make_user, make_neighbourhood):
    neighbourhood = make_neighbourhood("Korte Akkeren")
    user = make_user()
    api.login(user.email)
    api.patch("/me", json={"home_neighbourhood": neighbourhood.slug})
    response = api.patch("/me", json={"home_neighbourhood": None})
    assert response.get_json()["home_neighbourhood"] is None


def test_patch_me_refuses_an_unknown_neighbourhood(api, make_user):
    user = make_user()
    api.login(user.email)
    body = problem(api.patch("/me", json={"home_neighbourhood": "atlantis"}), 422)
    assert body["errors"]["home_neighbourhood"]


def test_patch_me_refuses_unknown_fields(api, make_user):
    user = make_user()
    api.login(user.email)
    assert problem(api.patch("/me", json={"nickname": "Jantje"}), 422)["errors"]["nickname"]


def test_patch_me_cannot_raise_the_own_role(api, db, make_user):
    user = make_user()
    api.login(user.email)
    assert problem(api.patch("/me", json={"role": "admin"}), 422)["errors"]["role"]
    db.session.refresh(user)
    assert user.role == Role.RESIDENT


def test_patch_me_cannot_change_the_email(api, make_user):
    user = make_user()
    api.login(user.email)
    problem(api.patch("/me", json={"email": "ander@example.com"}), 422)
    assert api.get("/me").get_json()["email"] == user.email


def test_patch_me_cannot_touch_another_user(api, db, make_user):
    user, neighbour = make_user(), make_user(name="Buur")
    api.login(user.email)
    problem(api.patch("/me", json={"id": neighbour.id, "display_name": "Gehackt"}), 422)
    db.session.refresh(neighbour)
    assert neighbour.display_name == "Buur"


def test_patch_me_changes_only_the_own_account(api, db, make_user):
    user, neighbour = make_user(), make_user(name="Buur")
    api.login(user.email)
    api.patch("/me", json={"display_name": "Jan"})
    db.session.refresh(neighbour)
    assert neighbour.display_name == "Buur"


def test_patch_me_refuses_wrong_types(api, make_user):
    user = make_user()
    api.login(user.email)
    body = problem(api.patch("/me", json={"display_name": 7, "language": ["en"]}), 422)
    assert {"display_name", "language"} <= set(body["errors"])


def test_patch_me_refuses_a_blank_name(api, make_user):
    user = make_user()
    api.login(user.email)
    assert problem(api.patch("/me", json={"display_name": "  "}), 422)["errors"]["display_name"]


def test_patch_me_refuses_a_null_name(api, make_user):
    user = make_user()
    api.login(user.email)
    assert problem(api.patch("/me", json={"display_name": None}), 422)["errors"]["display_name"]


def test_patch_me_refuses_a_name_over_80_characters(api, make_user):
    user = make_user()
    api.login(user.email)
    problem(api.patch("/me", json={"display_name": "J" * 81}), 422)


def test_patch_me_refuses_malformed_json(api, make_user):
    user = make_user()
    api.login(user.email)
    response = api.patch("/me", data="{'language': 'en'}", content_type="application/json")
    assert problem(response, 400)["type"].endswith("malformed-json")


def test_patch_me_with_an_empty_object_changes_nothing(api, make_user):
    user = make_user()
    api.login(user.email)
    assert api.patch("/me", json={}).get_json()["display_name"] == user.display_name


def test_patch_me_needs_a_login(api):
    problem(api.patch("/me", json={"display_name": "Jan"}), 401)


def test_after_choosing_english_errors_come_in_english(api, make_user):
    user = make_user()
    api.login(user.email)
    api.patch("/me", json={"language": "en"})
    response = api.post(
        "/me/password", json={"current_password": "raden maar", "new_password": NEW_PASSWORD}
    )
    detail = problem(response, 422)["detail"]
    assert detail == english("Your current password is not correct.")


def test_errors_come_in_dutch_by_default(api, make_user):
    user = make_user()
    body = problem(api.login(user.email, "bijna goed maar niet helemaal"), 401)
    assert body["detail"] == dutch("The e-mail address or password is not correct.")


def test_unknown_api_path_is_a_problem(api):
    problem(api.get("/does-not-exist"), 404)
