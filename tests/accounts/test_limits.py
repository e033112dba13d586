"""Rate limits on login, registration and reset requests (Flask-Limiter, in-memory storage)."""

from flask import Flask

from tests.conftest import PASSWORD, ApiClient, form_token, problem

WRONG = "bijna goed maar niet helemaal"


def client_of(app: Flask, address: str = "127.0.0.1") -> ApiClient:
    """An API client that connects from the given IP address."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return ApiClient(client)


def test_failed_logins_for_one_account_are_limited(limited, make_user):
    app = limited(LOGIN_LIMIT_PER_ACCOUNT="3/minute")
    user = make_user()
    api = client_of(app)
    statuses = [api.login(user.email, WRONG).status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]


def test_limited_login_is_a_problem_with_retry_after(limited, make_user):
    app = limited(LOGIN_LIMIT_PER_ACCOUNT="3/minute")
    user = make_user()
    api = client_of(app)
    for _ in range(3):
        api.login(user.email, WRONG)
    response = api.login(user.email, WRONG)
    problem(response, 429)
    assert int(response.headers["Retry-After"]) > 0


def test_limited_account_refuses_even_the_right_password(limited, make_user):
    app = limited(LOGIN_LIMIT_PER_ACCOUNT="3/minute")
    user = make_user()
    api = client_of(app)
    for _ in range(3):
        api.login(user.email, WRONG)
    problem(api.login(user.email, PASSWORD), 429)
    problem(api.get("/me"), 401)


def test_account_limit_holds_from_another_address(limited, make_user):
    app = limited(LOGIN_LIMIT_PER_ACCOUNT="3/minute")
    user = make_user()
    for n in range(3):
        client_of(app, f"10.0.0.{n + 1}").login(user.email, WRONG)
    problem(client_of(app, "10.0.0.99").login(user.email, PASSWORD), 429)


def test_account_limit_ignores_the_case_of_the_email(limited, make_user):
    app = limited(LOGIN_LIMIT_PER_ACCOUNT="3/minute")
    make_user(email="jan@example.com")
    api = client_of(app)
    for email in ("jan@example.com", "JAN@example.com", " Jan@Example.com "):
        api.login(email, WRONG)
    problem(api.login("jan@example.com", PASSWORD), 429)


def test_account_limit_leaves_other_accounts_alone(limited, make_user):
    app = limited(LOGIN_LIMIT_PER_ACCOUNT="3/minute")
    user, neighbour = make_user(), make_user()
    api = client_of(app)
    for _ in range(3):
        api.login(user.email, WRONG)
    assert api.login(neighbour.email).status_code == 200


def test_successful_logins_do_not_count(limited, make_user):
    app = limited(LOGIN_LIMIT_PER_ACCOUNT="2/minute")
    user = make_user()
    api = client_of(app)
    statuses = [api.login(user.email).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 200]


def test_invalid_login_requests_do_not_count(limited, make_user):
    app = limited(LOGIN_LIMIT_PER_ACCOUNT="2/minute")
    user = make_user()
    api = client_of(app)
    for _ in range(3):
        problem(api.post("/auth/login", json={"email": user.email}), 422)
    assert api.login(user.email).status_code == 200


def test_failed_logins_from_one_address_are_limited_across_emails(limited, make_user):
    app = limited(LOGIN_LIMIT_PER_IP="3/minute")
    users = [make_user() for _ in range(4)]
    api = client_of(app)
    statuses = [api.login(user.email, WRONG).status_code for user in users[:3]]
    assert statuses == [401, 401, 401]
    problem(api.login(users[3].email, PASSWORD), 429)


def test_address_limit_leaves_other_addresses_alone(limited, make_user):
    app = limited(LOGIN_LIMIT_PER_IP="3/minute")
    user = make_user()
    for n in range(3):
        client_of(app, "10.0.0.1").login(f"niemand{n}@example.com", WRONG)
    assert client_of(app, "10.0.0.2").login(user.email).status_code == 200


def test_login_page_is_limited_too(limited, make_user):
    app = limited(LOGIN_LIMIT_PER_ACCOUNT="2/minute")
    user = make_user()
    client = app.test_client()
    statuses = []
    for password in (WRONG, WRONG, PASSWORD):
        page = client.get("/inloggen")
        fields = {"email": user.email, "password": password, "csrf_token": form_token(page)}
        statuses.append(client.post("/inloggen", data=fields).status_code)
    assert statuses == [401, 401, 429]


def test_limited_login_page_is_an_html_page(limited, make_user):
    app = limited(LOGIN_LIMIT_PER_ACCOUNT="1/minute")
    user = make_user()
    client = app.test_client()
    for _ in range(2):
        fields = {"email": user.email, "password": WRONG}
        response = client.post(
            "/inloggen", data={**fields, "csrf_token": form_token(client.get("/inloggen"))}
        )
    assert response.status_code == 429
    assert response.mimetype == "text/html"
    assert "Retry-After" in response.headers


def test_login_form_stays_open_while_limited(limited, make_user):
    app = limited(LOGIN_LIMIT_PER_ACCOUNT="1/minute")
    user = make_user()
    client = app.test_client()
    fields = {"email": user.email, "password": WRONG}
    client.post("/inloggen", data={**fields, "csrf_token": form_token(client.get("/inloggen"))})
    assert client.get("/inloggen").status_code == 200


def test_registrations_from_one_address_are_limited(limited):
    app = limited(SIGNUP_LIMIT_PER_IP="2/hour")
    statuses = []
    for n in range(3):
        api = client_of(app)
        fields = {"email": f"bewoner{n}@example.com", "password": PASSWORD, "display_name": "Jan"}
        statuses.append(api.post("/auth/register", json=fields).status_code)
    assert statuses == [201, 201, 429]


def test_reset_requests_for_one_account_are_limited(limited, make_user):
    app = limited(RESET_LIMIT_PER_ACCOUNT="2/hour")
    user = make_user()
    statuses = [
        client_of(app, f"10.0.0.{n}")
        .post("/auth/password-reset", json={"email": user.email})
        .status_code
        for n in range(3)
    ]
    assert statuses == [202, 202, 429]


def test_failed_logins_on_the_page_and_the_api_count_together(limited, make_user):
    app = limited(LOGIN_LIMIT_PER_ACCOUNT="2/minute")
    user = make_user()
    client_of(app).login(user.email, WRONG)
    page_client = app.test_client()
    fields = {"email": user.email, "password": WRONG}
    page_client.post(
        "/inloggen", data={**fields, "csrf_token": form_token(page_client.get("/inloggen"))}
    )
    problem(client_of(app).login(user.email, PASSWORD), 429)


def register_on_page(app, email: str) -> int:
    client = app.test_client()
    fields = {"display_name": "Jan", "email": email, "password": PASSWORD}
    token = form_token(client.get("/registreren"))
    return client.post("/registreren", data={**fields, "csrf_token": token}).status_code


def test_registrations_on_the_page_and_the_api_count_together(limited):
    app = limited(SIGNUP_LIMIT_PER_IP="2/hour")
    fields = {"email": "api@example.com", "password": PASSWORD, "display_name": "Jan"}
    assert client_of(app).post("/auth/register", json=fields).status_code == 201
    assert register_on_page(app, "page@example.com") == 302
    assert register_on_page(app, "derde@example.com") == 429


def test_reset_requests_from_one_address_are_limited(limited, make_user):
    app = limited(SIGNUP_LIMIT_PER_IP="2/hour")
    users = [make_user() for _ in range(3)]
    api = client_of(app)
    statuses = [
        api.post("/auth/password-reset", json={"email": user.email}).status_code for user in users
    ]
    assert statuses == [202, 202, 429]


def test_reset_requests_leave_the_registration_budget_alone(limited, make_user):
    app = limited(SIGNUP_LIMIT_PER_IP="2/hour")
    user = make_user()
    api = client_of(app)
    for _ in range(2):
        api.post("/auth/password-reset", json={"email": user.email})
    fields = {"email": "nieuw@example.com", "password": PASSWORD, "display_name": "Jan"}
    assert api.post("/auth/register", json=fields).status_code == 201


def test_guessing_the_current_password_is_throttled(make_app, make_user):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_LIMIT_PER_ACCOUNT="2/minute")
    with app.app_context():
        email = make_user(email="guess@example.com").email
        client = app.test_client()
        token = client.get("/api/v1/auth/csrf").get_json()["csrf_token"]
        client.post(
            "/api/v1/auth/login",
            json={"email": email, "password": PASSWORD},
            headers={"X-CSRFToken": token},
        )
        token = client.get("/api/v1/auth/csrf").get_json()["csrf_token"]
        attempt = {"current_password": "not my password", "new_password": "a brand new sentence"}
        statuses = [
            client.post(
                "/api/v1/me/password", json=attempt, headers={"X-CSRFToken": token}
            ).status_code
            for _ in range(3)
        ]
    assert statuses == [422, 422, 429]
