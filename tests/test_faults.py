"""When the database cannot be reached: a 503 page in the layout that needs no database, and
recovery on the next request once it is back."""
from contextlib import contextmanager

import psycopg
import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from workspace.errors import database_unavailable
from workspace.extensions import db
from tests import factories
from tests.conftest import login, make_app


@contextmanager
def database_cut_off():
    """Every new connection fails as the driver fails when the server is down; the pool is
    emptied first, so nothing already open is reused."""
    engine = db.engine
    error = engine.dialect.loaded_dbapi.OperationalError

    def refuse(*_args):
        raise error("unable to open database file: connection refused")

    engine.dispose()
    event.listen(engine, "do_connect", refuse)
    try:
        yield
    finally:
        event.remove(engine, "do_connect", refuse)


def assert_unavailable_page(response, *, fragment=False):
    text = response.get_data(as_text=True)
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert "Unavailable for a moment" in text and "cannot reach its database" in text
    assert "Traceback" not in text and "OperationalError" not in text
    if fragment:
        assert "<html" not in text and response.headers["HX-Retarget"] == "#messages"
    else:
        assert 'class="brand"' in text and "Log out" not in text  # the layout, without the account
    return text


def test_anonymous_page_while_the_database_is_down_then_back(client):
    with database_cut_off():
        assert_unavailable_page(client.get("/feedback/board"))
    assert client.get("/feedback/board").status_code == 200  # same app, no restart


def test_logged_in_page_and_htmx_while_the_database_is_down_then_back(app, client):
    user = factories.make_user(name="Amina Yusuf")
    login(client, user)
    with database_cut_off():
        text = assert_unavailable_page(client.get("/"))
        assert "Amina Yusuf" not in text
        assert_unavailable_page(client.get("/actions?scope=mine", headers={"HX-Request": "true"}), fragment=True)
        assert_unavailable_page(client.post("/logout"))
    response = client.get("/")
    assert response.status_code == 200 and "Amina Yusuf" in response.get_data(as_text=True)


def test_a_connection_the_server_ended_costs_one_unavailable_page_then_the_app_reconnects(app, client):
    """Pooled connections are not checked before each use (a round trip on every request): after a
    database restart the first request on an old connection gets the 503 page, the next a new
    connection."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("a SQLite connection is a file opened in the process: nothing can end it from outside")
    from sqlalchemy import create_engine, text

    db.session.remove()
    db.engine.dispose()  # the page below opens the pool's one connection
    assert client.get("/feedback/board").status_code == 200
    with db.engine.connect() as connection:
        pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    other = create_engine(db.engine.url)
    with other.connect() as connection:  # as a restart does (only this app's connection: others share the server)
        ended = connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
    other.dispose()
    assert ended
    assert_unavailable_page(client.get("/feedback/board"))
    assert client.get("/feedback/board").status_code == 200


def test_server_error_page_survives_a_lost_database(migrated):
    """A fault that has nothing to do with the database, while the database is also gone: the 500
    page still comes in the layout, without the parts that need the database."""
    app = make_app(migrated, PROPAGATE_EXCEPTIONS=False)

    @app.route("/explode")
    def explode():
        raise RuntimeError("boom")

    with app.app_context():
        try:
            client = app.test_client()
            login(client, factories.make_user())
            with database_cut_off():
                response = client.get("/explode")
            text = response.get_data(as_text=True)
            assert response.status_code == 500 and "Something went wrong" in text
            assert 'class="brand"' in text and "Traceback" not in text
        finally:
            from tests.conftest import empty_database

            db.session.remove()
            empty_database()
            db.engine.dispose()


def sqlite_error(message):
    import sqlite3

    return OperationalError("SELECT 1", {}, sqlite3.OperationalError(message))


def postgresql_error(error):
    return OperationalError("SELECT 1", {}, error)


@pytest.mark.parametrize("error, unavailable", [
    (sqlite_error("database is locked"), True),  # busy past the timeout
    (sqlite_error("unable to open database file"), True),
    (sqlite_error("no such table: users"), False),  # a fault in the app, not in reaching it
    (postgresql_error(psycopg.OperationalError("connection refused")), True),
    (postgresql_error(psycopg.errors.AdminShutdown()), True),
    (postgresql_error(psycopg.errors.TooManyConnections()), True),
    (postgresql_error(psycopg.errors.QueryCanceled()), False),
    (postgresql_error(psycopg.errors.DeadlockDetected()), False),
])
def test_which_database_errors_mean_unavailable(error, unavailable):
    assert database_unavailable(error) is unavailable
