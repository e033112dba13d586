"""Login sessions: cookie flags, logging out, other devices, password change, role change."""

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from app.accounts import services
from app.accounts.models import Role
from app.core.db import commit
from tests.accounts.conftest import SESSION_COOKIE
from tests.conftest import PASSWORD, problem

NEW_PASSWORD = "een nieuw en lang wachtwoord"


def copy_session(source, target) -> None:
    """Put a copy of source's session cookie in target, as a thief would."""
    cookie = source.client.get_cookie(SESSION_COOKIE)
    assert cookie is not None
    target.client.set_cookie(SESSION_COOKIE, cookie.value)


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
    monkeypatch.setenv("BASE_URL", "https://leefbaar.test")
    production = make_app(APP_CONFIG="production", JOBS_SQLITE_PATH=str(tmp_path / "jobs.db"))
    client, https = production.test_client(), "https://leefbaar.test"
    token = client.get("/api/v1/auth/csrf", base_url=https).get_json()["csrf_token"]
    response = client.post(
        "/api/v1/auth/login",
        base_url=https,
        json={"email": user.email, "password": PASSWORD},
        headers={"X-CSRFToken": token, "Referer": https + "/"},
    )
    assert response.status_code == 200, response.get_json()
    header = session_set_cookie(response, "__Host-session")
    assert "Secure" in header
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header
    assert "Path=/" in header
    assert "Domain=" not in header


def test_session_cookie_lasts_thirty_days(api, make_user):
    user = make_user()
    header = session_set_cookie(api.login(user.email))
    expires = parsedate_to_datetime(re.search(r"Expires=([^;]+)", header).group(1))
    assert 29 < (expires - datetime.now(UTC)).total_seconds() / 86400 <= 30


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
