"""Configuration defaults. Overridden by instance/config.py, then by environment variables."""
import os
from datetime import timedelta

DEFAULTS = {
    "SQLALCHEMY_DATABASE_URI": None,  # set in create_app: DATABASE_URL or SQLite in instance/
    # Pooled connections are not checked before each use: on PostgreSQL that is one more round
    # trip on every request. After a database restart, the first request on an old connection
    # gets the "unavailable for a moment" page and the pool is emptied; the next gets a new
    # connection. ({"pool_pre_ping": True} checks each time instead, for that round trip.)
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": False},
    "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,  # bytes per request (uploads); larger gets a 413 page
    "IMPORT_MAX_ROWS": 5000,  # rows in one CSV import of indicator values
    "SMS_WEBHOOK_SECRET": None,  # the shared secret of the SMS gateway's webhook; without it, the webhook is off
    "APPEAL_DAYS": 30,  # days after a complaint's answer in which the person may appeal it
    # Photos and files that back a value (its means of verification): where they are kept (None:
    # the instance folder's evidence/), how big one may be, and how many an indicator's period holds.
    "EVIDENCE_DIR": None,
    "EVIDENCE_MAX_BYTES": 4 * 1024 * 1024,
    "EVIDENCE_MAX_FILES": 5,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    # A login lasts this long (a working day), or REMEMBER_COOKIE_DURATION with "keep me logged
    # in", renewed each time the remember-me cookie logs the browser in again.
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
    "REMEMBER_COOKIE_DURATION": timedelta(days=30),
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
    # The languages the interface ships in (catalogs in workspace/translations/), and the one a
    # reader gets who has chosen none and whose browser asks for none of them.
    "LANGUAGES": ["en", "bn", "fr"],
    "BABEL_DEFAULT_LOCALE": "en",
    "TIMEZONE": "UTC",  # the deployment's time zone: timestamps are stored in UTC, shown in this
    "LOGIN_MAX_FAILURES": 5,  # per email address within the window
    "LOGIN_MAX_FAILURES_PER_ADDRESS": 30,  # per client IP within the window
    "LOGIN_FAILURE_WINDOW_MINUTES": 15,
    "JOIN_MAX_FAILURES_PER_ADDRESS": 10,  # wrong session join codes per client IP within the window
    "JOIN_MAX_FAILURES_PER_BROWSER": 10,  # and per browser session
    "JOIN_FAILURE_WINDOW_MINUTES": 15,
    # How many reverse proxies in front of the app set X-Forwarded-For and X-Forwarded-Proto.
    # 0 (the default) ignores those headers: anyone can write them. Set it only behind a proxy.
    "TRUSTED_PROXIES": 0,
    "INVITE_VALID_HOURS": 72,
    "PER_PAGE": 50,
    # Public submissions within the window: from one browser (or from clients that keep no cookie,
    # together), and from one address whatever the browsers behind it (a community centre's or an
    # NGO office's shared connection: many people, one address).
    "FEEDBACK_MAX_PER_DEVICE": 5,
    "FEEDBACK_MAX_PER_ADDRESS": 60,
    "FEEDBACK_WINDOW_MINUTES": 60,
    "CLUSTER_SIZE": 5,  # this many cases of a kind in an area and month make a pattern worth raising
    # Email for reminders. Without MAIL_SERVER, messages stay in the outbox that administrators read.
    "MAIL_SERVER": "",
    "MAIL_PORT": 587,
    "MAIL_USERNAME": "",
    "MAIL_PASSWORD": "",
    "MAIL_USE_TLS": True,
    "MAIL_FROM": "workspace@localhost",
    # Where people reach the app: links in messages written outside a request use it.
    "BASE_URL": "http://127.0.0.1:5000",
}

# Environment variables that override the file configuration, and how to read them.
ENVIRONMENT = {
    "SECRET_KEY": str,
    "DATABASE_URL": str,
    "TIMEZONE": str,
    "BABEL_DEFAULT_LOCALE": str,
    "SESSION_COOKIE_SECURE": lambda v: v.lower() in {"1", "true", "yes"},
    "TRUSTED_PROXIES": int,
    "MAIL_SERVER": str,
    "MAIL_PORT": int,
    "MAIL_USERNAME": str,
    "MAIL_PASSWORD": str,
    "MAIL_USE_TLS": lambda v: v.lower() in {"1", "true", "yes"},
    "MAIL_FROM": str,
    "BASE_URL": str,
}


def from_environment() -> dict:
    found = {}
    for name, parse in ENVIRONMENT.items():
        if os.environ.get(name):
            found[name] = parse(os.environ[name])
    return found


def database_uri(url: str | None, instance_path: str) -> str:
    """DATABASE_URL selects PostgreSQL (through psycopg 3); without it, SQLite in instance/."""
    if not url:
        return "sqlite:///" + os.path.join(instance_path, "workspace.db")
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
