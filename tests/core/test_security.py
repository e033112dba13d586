"""Security headers, cache rules and configuration safety."""

import pytest

from app import create_app
from app.config import ConfigurationError


def test_csp_forbids_inline_code_and_framing(client):
    csp = client.get("/").headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    for directive in (
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "worker-src 'self'",
        "script-src 'self'",
    ):
        assert directive in csp


def test_baseline_headers_on_every_response(client):
    for path in ("/", "/api/v1/neighbourhoods", "/manifest.webmanifest", "/nope"):
        headers = client.get(path).headers
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "Content-Security-Policy" in headers


def test_pages_have_no_inline_scripts_or_styles(client):
    for path in ("/", "/inloggen", "/registreren", "/wijken", "/offline"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>" not in html and "<script " not in html.replace(
            '<script type="module" src=', ""
        )
        assert " style=" not in html and "<style" not in html
        assert " on" + "click=" not in html


def test_authenticated_responses_are_not_stored(client, make_user, login):
    login(make_user())
    assert client.get("/").headers["Cache-Control"] == "no-store"
    assert client.get("/api/v1/me").headers["Cache-Control"] == "no-store"


def test_anonymous_pages_may_be_revalidated(client):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")


def test_versioned_static_files_are_immutable(client):
    html = client.get("/").get_data(as_text=True)
    start = html.index("/static/pwa/app.css?v=")
    url = html[start : html.index('"', start)]
    response = client.get(url)
    response.close()
    assert response.status_code == 200
    assert "immutable" in response.headers["Cache-Control"]


def test_no_hsts_in_development(client):
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_production_sends_hsts_and_secure_cookies(monkeypatch, database_url, tmp_path):
    monkeypatch.setenv("FLASK_JOBS_SQLITE_PATH", str(tmp_path / "jobs.db"))
    monkeypatch.setenv("BASE_URL", "https://leefbaar.example")
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("DATABASE_URL", database_url)
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_NAME"].startswith("__Host-")
    with app.app_context():
        response = app.test_client().get("/", base_url="https://leefbaar.example")
        assert "max-age" in response.headers["Strict-Transport-Security"]
        from app.extensions import db

        db.engine.dispose()


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "BASE_URL"])
def test_production_refuses_to_start_without_secrets(monkeypatch, missing):
    monkeypatch.setenv("BASE_URL", "https://leefbaar.example")
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.delenv(missing)
    with pytest.raises(ConfigurationError, match=missing):
        create_app("production")


def test_unknown_config_name_is_refused():
    with pytest.raises(ConfigurationError):
        create_app("staging")


def test_development_generates_a_secret_key_once(monkeypatch, tmp_path):
    from app import config

    monkeypatch.setattr(config, "INSTANCE_PATH", tmp_path)
    monkeypatch.setattr(config.DevelopmentConfig, "SECRET_KEY", None)
    config.DevelopmentConfig.prepare()
    first = (tmp_path / "secret_key").read_text()
    monkeypatch.setattr(config.DevelopmentConfig, "SECRET_KEY", None)
    config.DevelopmentConfig.prepare()
    assert (tmp_path / "secret_key").read_text() == first
    assert len(first) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_flask_prefixed_env_overrides_settings(monkeypatch, make_app):
    monkeypatch.setenv("FLASK_RATELIMIT_ENABLED", "false")
    monkeypatch.setenv("FLASK_INVITE_CODE_DAYS", "7")
    app = make_app()
    assert app.config["RATELIMIT_ENABLED"] is False
    assert app.config["INVITE_CODE_DAYS"] == 7


def test_client_address_comes_from_trusted_proxy_only(make_app):
    from flask import request

    seen = []
    for proxies in (0, 1):
        app = make_app(TRUSTED_PROXIES=proxies)
        app.add_url_rule("/__addr", "addr", lambda: seen.append(request.remote_addr) or "ok")
        app.test_client().get("/__addr", headers={"X-Forwarded-For": "203.0.113.9"})
    assert seen == ["127.0.0.1", "203.0.113.9"]
