"""Fixtures: a fresh database per test (SQLite by default, PostgreSQL when DATABASE_URL is set),
the app, a client, a CLI runner, and logging in as someone."""
import os
import re

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import event, text

from workspace import create_app
from workspace.config import database_uri
from workspace.extensions import db
from tests import factories

TEST_SECRET = "test-secret-not-for-production"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("DATABASE_URL")
    if not url:
        return database_uri(None, str(tmp_path_factory.mktemp("instance")))
    url = database_uri(url, "")
    # The suite empties the database it is given: refuse anything not named for tests.
    if not re.search(r"test", url.rsplit("/", 1)[-1]):
        pytest.exit(f"DATABASE_URL must name a test database (its name must contain 'test'): {url}")
    return url


class RequestClient(FlaskClient):
    """Each request runs in its own app context, with its own database session and `g`, as it
    does when served; the test's own session then sees what the request committed."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if db.session.is_active:
            db.session.commit()  # ends the test's transaction and expires what it had loaded
        return response


def make_app(database_url: str, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
    }
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
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(table.name for table in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        # Areas point at areas: check the keys once everything is gone.
        db.session.execute(text("PRAGMA defer_foreign_keys = ON"))
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def app_config():
    """Overrides for one test module's app: override this fixture to change them."""
    return {}


@pytest.fixture
def app(migrated, app_config):
    app = make_app(migrated, **app_config)
    with app.app_context():
        yield app
        db.session.remove()
        empty_database()
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
