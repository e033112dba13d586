"""Configuration classes, chosen with APP_CONFIG and overridable with FLASK_* variables."""

from __future__ import annotations

import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_PATH = Path(os.environ.get("INSTANCE_PATH", PROJECT_ROOT / "instance"))


def normalize_database_url(url: str) -> str:
    """Point plain postgres:// URLs at the psycopg 3 driver we ship."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class ConfigurationError(RuntimeError):
    """Raised when the environment lacks a setting the configuration cannot run without."""


class Config:
    """Settings shared by every environment; environment variables win."""

    SECRET_KEY: str | None = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = normalize_database_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_PATH / 'leefbaar.db'}")
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # Ping pooled connections idle for longer than this before use (app.core.db.ping_when_idle);
    # pool_pre_ping would cost a round trip on every request.
    DB_PING_AFTER_IDLE_SECONDS = 10.0
    REDIS_URL = os.environ.get("REDIS_URL")
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")  # empty: maps without tiles, no third party
    MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "")

    TRUSTED_PROXIES = 0  # reverse proxies in front that set X-Forwarded-For/-Proto/-Host
    MAX_CONTENT_LENGTH = 25 * 1024 * 1024  # a whole request: five phone photos with room to spare
    MAX_JSON_BYTES = 1024 * 1024  # a 5000-row household import is about 300 kB

    SESSION_COOKIE_NAME = "leefbaar_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = timedelta(days=30)  # since the last visit (sliding)
    SESSION_REFRESH_INTERVAL = timedelta(hours=1)  # re-sign an unchanged cookie at most this often
    REMEMBER_COOKIE_DURATION = timedelta(seconds=0)
    HSTS_ENABLED = False

    WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session they are bound to
    WTF_CSRF_SSL_STRICT = True

    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_STRATEGY = "moving-window"
    LOGIN_LIMIT_PER_ACCOUNT = "10/minute"
    LOGIN_LIMIT_PER_IP = "30/minute"
    SIGNUP_LIMIT_PER_IP = "20/hour"
    RESET_LIMIT_PER_ACCOUNT = "5/hour"
    VERIFY_LIMIT_PER_USER = "10/hour"
    VERIFY_LIMIT_PER_IP = "30/hour"
    IDEA_LIMIT_PER_USER = "20/hour"
    COMMENT_LIMIT_PER_USER = "60/hour"
    FLAG_LIMIT_PER_USER = "30/hour"

    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"
    LANGUAGES = ("nl", "en")

    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "false").lower() == "true"
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Leefbaar <noreply@leefbaar.local>")

    PASSWORD_RESET_MAX_AGE = 3600
    INVITE_CODE_DAYS = 90

    # Photos (app/core/uploads.py, storage.py): local disk by default, or S3-compatible storage.
    STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "local")
    STORAGE_LOCAL_ROOT = os.environ.get("STORAGE_LOCAL_ROOT")  # default: <instance>/uploads
    STORAGE_S3_BUCKET = os.environ.get("STORAGE_S3_BUCKET")
    STORAGE_S3_ENDPOINT_URL = os.environ.get("STORAGE_S3_ENDPOINT_URL")  # unset: AWS itself
    STORAGE_S3_REGION = os.environ.get("STORAGE_S3_REGION")
    STORAGE_S3_ACCESS_KEY_ID = os.environ.get("STORAGE_S3_ACCESS_KEY_ID")
    STORAGE_S3_SECRET_ACCESS_KEY = os.environ.get("STORAGE_S3_SECRET_ACCESS_KEY")
    STORAGE_S3_PREFIX = os.environ.get("STORAGE_S3_PREFIX", "")
    UPLOAD_MAX_FILE_BYTES = int(os.environ.get("UPLOAD_MAX_FILE_BYTES", str(20 * 1024 * 1024)))
    UPLOAD_MAX_PIXELS = int(os.environ.get("UPLOAD_MAX_PIXELS", "40000000"))
    UPLOAD_DAILY_QUOTA = int(os.environ.get("UPLOAD_DAILY_QUOTA", "60"))  # photos per person

    JOBS_IMMEDIATE = False
    # Serve anonymous lists from a per-process cache emptied on every relevant commit.
    VISITOR_CACHE = True
    PASSWORD_HASHING = "standard"  # noqa: S105  (a profile name, not a password)
    JOBS_SQLITE_PATH = str(INSTANCE_PATH / "jobs.db")

    PWA_VERSION_SALT = os.environ.get("PWA_VERSION_SALT", "")  # change to make clients update

    API_TITLE = "Leefbaar API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"


class DevelopmentConfig(Config):
    """Embedded defaults for `make run`: SQLite, local files, log-printed mail."""

    DEBUG = False

    @classmethod
    def prepare(cls) -> None:
        """Create the instance folder and a persistent secret key on first run."""
        INSTANCE_PATH.mkdir(parents=True, exist_ok=True)
        if not cls.SECRET_KEY:
            key_file = INSTANCE_PATH / "secret_key"
            if not key_file.exists():
                key_file.write_text(secrets.token_hex(32))
                key_file.chmod(0o600)
            cls.SECRET_KEY = key_file.read_text().strip()


class TestingConfig(Config):
    """Fast, isolated settings for the test suite."""

    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    RATELIMIT_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    JOBS_IMMEDIATE = True
    PASSWORD_HASHING = "fast"  # noqa: S105  (profile name; tests only, see accounts/passwords)
    MAIL_SERVER = None
    SERVER_NAME = None
    # Never the real instance/uploads; tests that look at files pass their own tmp_path.
    STORAGE_BACKEND = "local"
    STORAGE_LOCAL_ROOT = str(Path(tempfile.gettempdir()) / "leefbaar-test-uploads")

    @classmethod
    def prepare(cls) -> None:
        """Nothing to prepare: tests pass their own database."""


class ProductionConfig(Config):
    """Hardened settings; refuses to start without its secrets."""

    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-session"
    HSTS_ENABLED = True
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def prepare(cls) -> None:
        """Check that the secrets production needs are present."""
        required = ("SECRET_KEY", "DATABASE_URL", "BASE_URL")
        missing = [name for name in required if not os.environ.get(name)]
        if missing:
            raise ConfigurationError(
                f"Production needs these environment variables: {', '.join(missing)}"
            )
        cls.SECRET_KEY = os.environ["SECRET_KEY"]
        cls.SQLALCHEMY_DATABASE_URI = normalize_database_url(os.environ["DATABASE_URL"])
        cls.BASE_URL = os.environ["BASE_URL"]


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_class(name: str | None = None) -> type[Config]:
    """Return the configuration class named by APP_CONFIG (development by default)."""
    name = name or os.environ.get("APP_CONFIG", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise ConfigurationError(f"Unknown APP_CONFIG {name!r}; use {', '.join(CONFIGS)}") from None
