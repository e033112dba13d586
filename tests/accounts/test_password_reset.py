"""Password reset by e-mail, over a real SMTP connection, through the API and the pages."""

import json
import re

from itsdangerous.encoding import base64_decode, base64_encode

from tests.accounts.conftest import dutch, english, reset_token, shows
from tests.conftest import PASSWORD, form_token, problem

NEW_PASSWORD = "een nieuw en lang wachtwoord"
MAIL_BODY = (
    "Hello %(name)s,\n\nSomeone asked to set a new password for your Leefbaar "
    "account. Open this link within an hour to choose one:\n\n%(link)s\n\n"
    "Did you not ask for this? Then you can ignore this e-mail."
)


def body(mail) -> str:
    return mail.get_content().replace("\r\n", "\n").strip()


def link(mail) -> str:
    [url] = re.findall(r"https?://\S+", body(mail))
    return url


def ask_reset(api, email: str):
    return api.post("/auth/password-reset", json={"email": email})


def test_reset_request_for_a_known_email_answers_202(mail_api, make_user):
    user = make_user()
    assert ask_reset(mail_api, user.email).status_code == 202


def test_reset_request_answers_alike_for_an_unknown_email(mail_api, make_user):
    user = make_user()
    known = ask_reset(mail_api, user.email)
    unknown = ask_reset(mail_api, "niemand@example.com")
    assert (unknown.status_code, unknown.mimetype, unknown.data) == (
        known.status_code,
        known.mimetype,
        known.data,
    )


def test_reset_request_mails_one_link_to_the_known_address(mail_api, make_user, outbox):
    user = make_user()
    ask_reset(mail_api, user.email)
    [mail] = outbox
    assert mail["To"] == user.email
    assert "/wachtwoord-vergeten/" in mail.get_content()


def test_reset_request_for_an_unknown_email_sends_nothing(mail_api, make_user, outbox):
    make_user()
    ask_reset(mail_api, "niemand@example.com")
    assert outbox == []


def test_reset_request_finds_the_account_in_any_case(mail_api, make_user, outbox):
    user = make_user(email="jan@example.com")
    ask_reset(mail_api, "  JAN@Example.com ")
    assert [mail["To"] for mail in outbox] == [user.email]


def test_reset_mail_is_in_dutch_for_a_dutch_user(mail_api, make_user, outbox):
    user = make_user(language="nl")
    ask_reset(mail_api, user.email)  # the request itself comes without any language preference
    [mail] = outbox
    assert mail["Subject"] == dutch("Set a new password for Leefbaar")
    assert body(mail) == dutch(MAIL_BODY, name=user.display_name, link=link(mail))


def test_reset_mail_is_in_english_for_an_english_user(mail_api, make_user, outbox):
    user = make_user(language="en")
    mail_api.post(
        "/auth/password-reset", json={"email": user.email}, headers={"Accept-Language": "nl"}
    )
    [mail] = outbox
    assert mail["Subject"] == english("Set a new password for Leefbaar")
    assert body(mail) == english(MAIL_BODY, name=user.display_name, link=link(mail))


def test_reset_request_refuses_a_missing_email(mail_api, outbox):
    assert problem(mail_api.post("/auth/password-reset", json={}), 422)["errors"]["email"]
    assert outbox == []


def test_reset_request_refuses_an_oversized_email(mail_api):
    response = ask_reset(mail_api, "j" * 300 + "@example.com")
    assert problem(response, 422)["errors"]["email"]


def test_reset_request_refuses_a_wrong_type(mail_api):
    problem(mail_api.post("/auth/password-reset", json={"email": {"$ne": ""}}), 422)


def test_reset_link_sets_a_new_password(mail_api, make_mail_api, make_user, outbox):
    user = make_user()
    ask_reset(mail_api, user.email)
    token = reset_token(outbox[0])
    response = mail_api.post(f"/auth/password-reset/{token}", json={"password": NEW_PASSWORD})
    assert response.status_code == 204
    assert make_mail_api().login(user.email, NEW_PASSWORD).status_code == 200


def test_reset_link_retires_the_old_password(mail_api, make_mail_api, make_user, outbox):
    user = make_user()
    ask_reset(mail_api, user.email)
    mail_api.post(f"/auth/password-reset/{reset_token(outbox[0])}", json={"password": NEW_PASSWORD})
    problem(make_mail_api().login(user.email, PASSWORD), 401)


def test_reset_link_works_once(mail_api, make_user, outbox):
    user = make_user()
    ask_reset(mail_api, user.email)
    token = reset_token(outbox[0])
    mail_api.post(f"/auth/password-reset/{token}", json={"password": NEW_PASSWORD})
    mail_api.token = None  # using the link ends the session, and its CSRF token with it
    second = mail_api.post(f"/auth/password-reset/{token}", json={"password": "weer iets anders!"})
    assert problem(second, 400)["type"].endswith("invalid-token")


def test_expired_reset_link_is_refused(make_app, make_user, smtp_server, app):
    host, port, collector = smtp_server
    impatient = make_app(MAIL_SERVER=host, MAIL_PORT=port, PASSWORD_RESET_MAX_AGE=-1)
    with impatient.app_context():
        user = make_user()
        client = impatient.test_client()
        token = client.get("/api/v1/auth/csrf").get_json()["csrf_token"]
        headers = {"X-CSRFToken": token}
        client.post("/api/v1/auth/password-reset", json={"email": user.email}, headers=headers)
        link = f"/api/v1/auth/password-reset/{reset_token(collector.messages[0])}"
        response = client.post(link, json={"password": NEW_PASSWORD}, headers=headers)
    assert problem(response, 400)["type"].endswith("invalid-token")


def test_forged_reset_link_is_refused(mail_api, make_user):
    make_user()
    response = mail_api.post(
        "/auth/password-reset/eyJ1IjogMX0.Zz9aaa.forgedsignature", json={"password": NEW_PASSWORD}
    )
    assert problem(response, 400)["type"].endswith("invalid-token")


def test_reset_link_for_one_user_cannot_be_edited_to_another(mail_api, make_user, outbox):
    user, victim = make_user(), make_user()
    ask_reset(mail_api, user.email)
    payload, _, signature = reset_token(outbox[0]).partition(".")
    data = json.loads(base64_decode(payload))
    assert data["u"] == user.id
    data["u"] = victim.id
    edited = base64_encode(json.dumps(data).encode()).decode() + "." + signature
    response = mail_api.post(f"/auth/password-reset/{edited}", json={"password": NEW_PASSWORD})
    assert problem(response, 400)["type"].endswith("invalid-token")


def test_reset_refuses_a_weak_password(mail_api, make_user, outbox):
    user = make_user()
    ask_reset(mail_api, user.email)
    token = reset_token(outbox[0])
    response = mail_api.post(f"/auth/password-reset/{token}", json={"password": "wachtwoord123"})
    assert problem(response, 422)["errors"]["password"]


def test_reset_refuses_a_missing_password(mail_api, make_user, outbox):
    user = make_user()
    ask_reset(mail_api, user.email)
    response = mail_api.post(f"/auth/password-reset/{reset_token(outbox[0])}", json={})
    assert problem(response, 422)["errors"]["password"]


def test_reset_logs_out_other_sessions(mail_api, make_mail_api, make_user, outbox):
    user = make_user()
    phone = make_mail_api()
    phone.login(user.email)
    ask_reset(mail_api, user.email)
    mail_api.post(f"/auth/password-reset/{reset_token(outbox[0])}", json={"password": NEW_PASSWORD})
    problem(phone.get("/me"), 401)


def test_reset_without_csrf_token_is_refused(mail_api, make_user, outbox):
    user = make_user()
    response = mail_api.post("/auth/password-reset", json={"email": user.email}, csrf=False)
    assert problem(response, 400)["type"].endswith("csrf")
    assert outbox == []


# The pages


def test_forgot_password_page_shows_a_form(mail_app):
    response = mail_app.test_client().get("/wachtwoord-vergeten")
    assert response.status_code == 200
    assert b'name="email"' in response.data


def main_part(response) -> bytes:
    return response.data.split(b"<main", 1)[1].split(b"</main>", 1)[0]


def post_forgot(client, email: str):
    page = client.get("/wachtwoord-vergeten")
    return client.post(
        "/wachtwoord-vergeten", data={"email": email, "csrf_token": form_token(page)}
    )


def test_forgot_password_page_sends_the_mail(mail_app, make_user, outbox):
    user = make_user()
    response = post_forgot(mail_app.test_client(), user.email)
    assert response.status_code == 200
    assert [mail["To"] for mail in outbox] == [user.email]


def test_forgot_password_page_answers_alike_for_an_unknown_email(mail_app, make_user, outbox):
    user = make_user(email="jan@example.com")
    client = mail_app.test_client()
    known = post_forgot(client, user.email)
    unknown = post_forgot(client, "piet@example.com")
    assert known.status_code == unknown.status_code == 200
    assert main_part(known).replace(b"jan@", b"") == main_part(unknown).replace(b"piet@", b"")
    assert len(outbox) == 1


def test_forgot_password_page_without_token_is_refused(mail_app, make_user, outbox):
    user = make_user()
    response = mail_app.test_client().post("/wachtwoord-vergeten", data={"email": user.email})
    assert response.status_code == 400
    assert outbox == []


def test_reset_page_sets_a_new_password(mail_app, make_mail_api, make_user, outbox):
    user = make_user()
    client = mail_app.test_client()
    post_forgot(client, user.email)
    link = f"/wachtwoord-vergeten/{reset_token(outbox[0])}"
    page = client.get(link)
    response = client.post(link, data={"password": NEW_PASSWORD, "csrf_token": form_token(page)})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/inloggen")
    assert make_mail_api().login(user.email, NEW_PASSWORD).status_code == 200


def test_reset_page_shows_a_used_link(mail_app, make_user, outbox):
    user = make_user()
    client = mail_app.test_client()
    post_forgot(client, user.email)
    link = f"/wachtwoord-vergeten/{reset_token(outbox[0])}"
    client.post(link, data={"password": NEW_PASSWORD, "csrf_token": form_token(client.get(link))})
    page = client.get(link)
    response = client.post(
        link, data={"password": "weer iets anders!", "csrf_token": form_token(page)}
    )
    assert response.status_code == 200
    assert shows(response, dutch("This link has already been used. Ask for a new one."))


def test_reset_page_refuses_a_forged_link(mail_app, make_user):
    make_user()
    client = mail_app.test_client()
    link = "/wachtwoord-vergeten/forged.token.here"
    response = client.post(
        link, data={"password": NEW_PASSWORD, "csrf_token": form_token(client.get(link))}
    )
    assert shows(response, dutch("This link is not valid. Ask for a new one."))


def test_reset_page_marks_a_weak_password(mail_app, make_user, outbox):
    user = make_user()
    client = mail_app.test_client()
    post_forgot(client, user.email)
    link = f"/wachtwoord-vergeten/{reset_token(outbox[0])}"
    page = client.get(link)
    response = client.post(link, data={"password": "kort", "csrf_token": form_token(page)})
    assert response.status_code == 200
    assert b'aria-invalid="true"' in response.data


def test_reset_page_keeps_the_link_usable_after_a_weak_password(mail_app, make_user, outbox):
    user = make_user()
    client = mail_app.test_client()
    post_forgot(client, user.email)
    link = f"/wachtwoord-vergeten/{reset_token(outbox[0])}"
    client.post(link, data={"password": "kort", "csrf_token": form_token(client.get(link))})
    page = client.get(link)
    response = client.post(link, data={"password": NEW_PASSWORD, "csrf_token": form_token(page)})
    assert response.status_code == 302


def test_forgot_password_page_escapes_the_typed_email(mail_app):
    response = post_forgot(mail_app.test_client(), "<b>jan</b>@example.com")
    assert b"<b>jan</b>" not in response.data
    assert b"&lt;b&gt;jan&lt;/b&gt;@example.com" in response.data


def test_reset_link_points_at_the_reset_page_of_this_site(mail_app, mail_api, make_user, outbox):
    user = make_user()
    ask_reset(mail_api, user.email)
    base = mail_app.config["BASE_URL"].rstrip("/")
    assert link(outbox[0]) == f"{base}/wachtwoord-vergeten/{reset_token(outbox[0])}"


def test_reset_link_ignores_a_forged_host_header(mail_app, make_user, outbox):
    user = make_user()
    client, forged = mail_app.test_client(), "http://evil.example"
    token = client.get("/api/v1/auth/csrf", base_url=forged).get_json()["csrf_token"]
    response = client.post(
        "/api/v1/auth/password-reset",
        base_url=forged,
        json={"email": user.email},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 202
    [mail] = outbox
    assert "evil.example" not in body(mail)


def test_reset_page_link_ignores_a_forged_host_header(mail_app, make_user, outbox):
    user = make_user()
    client, forged = mail_app.test_client(), "http://evil.example"
    page = client.get("/wachtwoord-vergeten", base_url=forged)
    client.post(
        "/wachtwoord-vergeten",
        base_url=forged,
        data={"email": user.email, "csrf_token": form_token(page)},
    )
    [mail] = outbox
    assert "evil.example" not in body(mail)
