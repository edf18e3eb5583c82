"""Fixtures: a fresh database per test (SQLite by default, PostgreSQL when DATABASE_URL is set),
the app, a client, a CLI runner, and logging in as someone."""
import atexit
import os
import re
import shutil
import sqlite3
import tempfile

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import URL, create_engine, event, make_url, text
from sqlalchemy.engine import Engine

from workspace import create_app, kept
from workspace.i18n import compile_catalogs
from workspace.config import DEFAULTS, database_uri
from workspace.extensions import db
from tests import factories


def pytest_configure(config):
    """The catalogs compiled, as `make test` does, so that pytest alone runs the same suite (once,
    in the process that starts the workers)."""
    if not hasattr(config, "workerinput"):
        compile_catalogs()

TEST_SECRET = "test-secret-not-for-production"
# Evidence files the tests keep, in a folder of this process removed at its end (not instance/).
EVIDENCE_DIR = tempfile.mkdtemp(prefix="workspace-evidence-")
atexit.register(shutil.rmtree, EVIDENCE_DIR, ignore_errors=True)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """SQLite in a folder of this run (of this worker, under pytest-xdist); or the PostgreSQL
    database DATABASE_URL names, and under pytest-xdist one database per worker beside it
    (workspace_test_gw0, workspace_test_gw1, ...), made here when missing."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return database_uri(None, str(tmp_path_factory.mktemp("instance")))
    url = make_url(database_uri(url, ""))
    # The suite empties the database it is given: refuse anything not named for tests.
    if not re.search(r"test", url.database or ""):
        pytest.exit(f"DATABASE_URL must name a test database (its name must contain 'test'): {url}")
    worker = os.environ.get("PYTEST_XDIST_WORKER")  # gw0, gw1, ... under pytest-xdist
    if worker:
        url = worker_database(url, f"{url.database}_{worker}")
    return url.render_as_string(hide_password=False)


def worker_database(url: URL, name: str) -> URL:
    """Creates the database `name` (owned by the suite's role, which needs CREATEDB) unless it
    exists, connecting through the database DATABASE_URL names."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            if not connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}):
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return url.set(database=name)


class RequestClient(FlaskClient):
    """Each request runs in its own app context, with its own database session and `g`, as it
    does when served; the test's own session then sees what the request committed."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if db.session.is_active:
            db.session.commit()  # ends the test's transaction and expires what it had loaded
        return response


@event.listens_for(Engine, "connect")
def _no_waiting_on_the_disk(dbapi_connection, _record):
    """Tests need each commit visible, not surviving a power cut: SQLite does not wait for the
    disk on each commit (PostgreSQL: synchronous_commit off, in make_app)."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA synchronous = OFF")


def make_app(database_url: str, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "EVIDENCE_DIR": EVIDENCE_DIR,
    }
    if database_url.startswith("postgresql"):
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {**DEFAULTS["SQLALCHEMY_ENGINE_OPTIONS"],
                                               "connect_args": {"options": "-c synchronous_commit=off"}}
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = RequestClient
    return app


@pytest.fixture(scope="session")
def migrated(database_url):
    """The schema, made once per run by the migrations themselves (never create_all)."""
    app = make_app(database_url)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        upgrade()
        db.engine.dispose()
    return database_url


def empty_database() -> None:
    """Every table emptied, dependents first, and ids counting from 1 again. (On PostgreSQL,
    DELETE on the few rows a test leaves takes milliseconds; TRUNCATE takes a third of a second.)"""
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        # One round trip for every table and sequence (a statement each took 40 ms a test).
        db.session.connection().exec_driver_sql("; ".join(
            [f'DELETE FROM "{table.name}"' for table in tables]
            + ["SELECT " + ", ".join(f"setval(pg_get_serial_sequence('{table.name}', 'id'), 1, false)"
                                     for table in tables if "id" in table.c and table.c.id.primary_key)]))
    else:
        # Only the tables a test wrote to, found in one statement. Areas point at areas: check the
        # keys once everything is gone.
        written = set(db.session.scalars(text(" UNION ALL ".join(
            f"SELECT '{table.name}' WHERE EXISTS (SELECT 1 FROM \"{table.name}\")" for table in tables))))
        db.session.execute(text("PRAGMA defer_foreign_keys = ON"))
        for table in tables:
            if table.name in written:
                db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def app_config():
    """Overrides for one test module's app: override this fixture to change them."""
    return {}


# Apps already made, by their overrides: making one (its routes, its compiled templates) costs
# more than most tests, so tests with the same overrides share one, as requests do when served.
_apps: dict[str, object] = {}


def _setup_of(app) -> tuple:
    return (tuple(app.view_functions), tuple(map(tuple, app.before_request_funcs.values())),
            tuple(map(tuple, app.after_request_funcs.values())))


@pytest.fixture
def app(migrated, app_config):
    """The app, with an empty database after each test. Settings a test changes are put back;
    a test that adds a route or a hook leaves its app behind, and the next one gets a new app."""
    key = repr(sorted(app_config.items()))
    app = _apps.get(key)
    if app is None:
        app = _apps[key] = make_app(migrated, **app_config)
    app._got_first_request = False  # lets a test add a route before its first request, as on a new app
    config, setup = dict(app.config), _setup_of(app)
    with app.app_context():
        yield app
        db.session.remove()
        empty_database()
        kept.forget_all()  # what one test read and kept (counts, picker lists) is not the next one's
    app.config.clear()
    app.config.update(config)
    if _setup_of(app) != setup:
        del _apps[key]
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def login(client, user, password=factories.PASSWORD):
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, "login failed"
    return response


@pytest.fixture
def login_as(client):
    """login_as(user): the test client is now that user."""
    return lambda user, password=factories.PASSWORD: login(client, user, password)


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, *args):
        self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """with count_queries() as counter: ...; counter.count is the number of SQL statements."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        counter = QueryCounter()
        event.listen(db.engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", counter)

    return counting
