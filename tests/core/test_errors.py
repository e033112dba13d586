"""Every error is a problem document under /api/ and a page in the user's language elsewhere."""

import io
import logging

from flask import Blueprint

from tests.conftest import problem


def test_unknown_api_path_is_a_problem_document(api):
    body = problem(api.get("/does-not-exist"), 404)
    assert body["type"] == "about:blank"
    assert "request_id" in body


def test_wrong_method_is_405_problem(api):
    problem(api.request("DELETE", "/auth/csrf"), 405)


def test_malformed_json_is_400_problem(api):
    response = api.post("/auth/login", data="{not json", content_type="application/json")
    body = problem(response, 400)
    assert body["type"].endswith("malformed-json")


def test_validation_errors_are_keyed_by_field(api):
    body = problem(api.post("/auth/login", json={"email": 5, "extra": True}), 422)
    assert set(body["errors"]) == {"email", "password", "extra"}
    assert body["type"].endswith("validation-error")


def test_json_array_instead_of_object_is_422(api):
    problem(api.post("/auth/login", json=["a", "b"]), 422)


def test_unsupported_content_type_is_415(api):
    response = api.post("/auth/login", data="email=a", content_type="text/plain")
    problem(response, 415)


def test_oversized_json_is_413(api):
    response = api.post("/auth/login", json={"email": "a" * 1_100_000, "password": "x"})
    problem(response, 413)


def test_oversized_upload_is_413(make_app):
    app = make_app(MAX_CONTENT_LENGTH=1024)
    client = app.test_client()
    token = client.get("/api/v1/auth/csrf").get_json()["csrf_token"]
    response = client.post(
        "/api/v1/neighbourhoods/x/households",
        data=b"x" * 4096,
        content_type="text/csv",
        headers={"X-CSRFToken": token},
    )
    problem(response, 413)


def test_missing_csrf_token_is_refused(api):
    body = problem(
        api.post("/auth/login", json={"email": "a@b.nl", "password": "x"}, csrf=False), 400
    )
    assert body["type"].endswith("csrf")


def test_cross_site_write_is_refused(api):
    response = api.post(
        "/auth/login",
        json={"email": "a@b.nl", "password": "x"},
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    problem(response, 403)


def test_same_site_write_is_allowed(api, make_user):
    user = make_user()
    response = api.post(
        "/auth/login",
        json={"email": user.email, "password": "correct horse battery staple"},
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 200


def test_html_404_page_is_in_dutch_by_default(client):
    response = client.get("/bestaat-niet")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert b'<html lang="nl">' in response.data
    assert b"Niet gevonden" in response.data


def test_html_404_page_follows_accept_language(client):
    response = client.get("/bestaat-niet", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert b'<html lang="en">' in response.data
    assert b"Not found" in response.data


def test_problem_detail_follows_accept_language(api):
    body = problem(api.get("/nope", headers={"Accept-Language": "nl"}), 404)
    assert body["title"] == "Niet gevonden"


def _crashing_app(make_app):
    app = make_app()
    crash = Blueprint("crash", __name__)

    @crash.get("/api/v1/crash")
    def api_crash():
        raise RuntimeError("secret internals")

    @crash.get("/crash")
    def page_crash():
        raise RuntimeError("secret internals")

    app.register_blueprint(crash)
    return app


def test_api_500_hides_details_and_logs_request_id(make_app, caplog):
    app = _crashing_app(make_app)
    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/api/v1/crash", headers={"X-Request-ID": "req-12345678"})
    body = problem(response, 500)
    assert "secret" not in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)
    assert body["request_id"] == "req-12345678"
    assert any("req-12345678" in r.getMessage() and r.exc_info for r in caplog.records), [
        (r.name, r.getMessage()) for r in caplog.records
    ]


def test_html_500_is_a_page_without_details(make_app):
    app = _crashing_app(make_app)
    response = app.test_client().get("/crash")
    assert response.status_code == 500
    assert response.mimetype == "text/html"
    assert b"secret internals" not in response.data


def test_request_id_is_echoed_or_made(client):
    assert (
        client.get("/", headers={"X-Request-ID": "abcdef123456"}).headers["X-Request-ID"]
        == "abcdef123456"
    )
    generated = client.get("/", headers={"X-Request-ID": "bad id with spaces"}).headers[
        "X-Request-ID"
    ]
    assert len(generated) == 32


def test_deeply_nested_json_is_a_400_problem(api):
    body = "[" * 100_000 + "]" * 100_000
    response = api.post("/auth/login", data=body, content_type="application/json")
    assert problem(response, 400)["type"].endswith("malformed-json")


def test_chunked_json_body_over_the_limit_is_413(make_app):
    app = make_app(MAX_JSON_BYTES=1024)
    client = app.test_client()
    token = client.get("/api/v1/auth/csrf").get_json()["csrf_token"]
    body = b'{"email": "' + b"a" * 10_000 + b'", "password": "x"}'
    response = client.post(
        "/api/v1/auth/login",
        input_stream=io.BytesIO(body),
        headers={
            "X-CSRFToken": token,
            "Content-Type": "application/json",
            "Transfer-Encoding": "chunked",
        },
        environ_overrides={"wsgi.input_terminated": True},  # as servers pass chunked bodies
    )
    problem(response, 413)


def test_huge_ids_in_paths_are_404_not_500(api):
    problem(api.post("/households/99999999999999999999999/invite-code"), 404)
