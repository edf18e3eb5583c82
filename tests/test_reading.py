"""PostgreSQL: a GET request reads outside a transaction until it writes (workspace/reading.py);
what it writes is still saved all together or not at all."""
import pytest
from sqlalchemy import event, func, select, text

from workspace import kept
from workspace.extensions import db
from workspace.models import Area
from workspace.reading import reads_only
from tests import factories


@pytest.mark.parametrize("statement, safe", [
    ("SELECT id FROM areas", True),
    ("  select count(*) from actions", True),
    ("SELECT id FROM meetings WHERE id = %(id)s FOR UPDATE", False),
    ("SELECT id FROM indicators FOR KEY SHARE", False),
    ("SELECT id FROM indicators FOR NO KEY UPDATE", False),
    ("SELECT pg_advisory_xact_lock(1)", False),
    ("INSERT INTO areas (name) VALUES (%(name)s)", False),
    ("UPDATE actions SET status = 'done'", False),
    ("WITH gone AS (DELETE FROM areas RETURNING id) SELECT count(*) FROM gone", False),
])
def test_what_may_run_outside_a_transaction(statement, safe):
    assert reads_only(statement) is safe


@pytest.fixture
def postgresql(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's driver begins a transaction only when something writes")


def test_a_page_reads_without_beginning_a_transaction(postgresql, app, client):
    seen = []

    def record(_connection, cursor, statement, *_):
        seen.append((cursor.connection.autocommit, statement.split()[0]))

    db.session.remove()  # the page checks out its own connection, as in production
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get("/feedback/board").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert seen and all(autocommit and verb.upper() == "SELECT" for autocommit, verb in seen)


def test_what_a_get_request_writes_is_all_or_nothing(postgresql, app, client):
    national = factories.national_area().id

    @app.get("/test/write-then-fail")
    def write_then_fail():
        db.session.scalar(select(func.count()).select_from(Area))  # a read first, outside a transaction
        db.session.add(Area(name="First", level="region", parent_id=national))
        db.session.flush()
        db.session.add(Area(name="Second", level="region", parent_id=national))
        db.session.flush()
        raise RuntimeError("fails after writing")

    @app.get("/test/write")
    def write():
        db.session.add(Area(name="Kept", level="region", parent_id=national))
        db.session.commit()
        return "ok"

    db.session.remove()
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert client.get("/test/write-then-fail").status_code == 500
    assert client.get("/test/write").status_code == 200
    db.session.remove()
    names = set(db.session.scalars(select(Area.name)))
    assert "Kept" in names and not {"First", "Second"} & names


def test_a_statement_marked_custom_plan_is_never_prepared(postgresql, app):
    """psycopg prepares a statement run five times (PostgreSQL then plans it once for any values);
    one with CUSTOM_PLAN is sent unprepared every time, so it is planned for its values."""
    from workspace.reading import CUSTOM_PLAN

    with db.engine.connect() as connection:
        for _ in range(8):
            connection.execute(select(Area.id.label("generic_plan")).where(Area.name == "A"))
            connection.execute(select(Area.id.label("custom_plan")).where(Area.name == "A")
                               .execution_options(**CUSTOM_PLAN))
        count = connection.execute(text(
            "SELECT count(*) FILTER (WHERE statement LIKE '%generic_plan%'), "
            "count(*) FILTER (WHERE statement LIKE '%custom_plan%') FROM pg_prepared_statements")).one()
    assert tuple(count) == (1, 0)


def test_fixed_values_are_written_into_the_sql(app):
    from workspace.reading import fixed, fixed_parameter

    statement = (select(Area.id).where(Area.level.in_(fixed(("region", "district"))), Area.name != fixed("x"))
                 .limit(fixed_parameter("size")))
    seen = []

    def record(_connection, _cursor, sql, *_):
        seen.append(sql)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        db.session.connection().execute(statement, {"size": 7}).all()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert "'region', 'district'" in seen[0] and "'x'" in seen[0] and "LIMIT 7" in seen[0]


def test_a_picker_keeps_one_plan_however_often_it_runs(postgresql, app, client):
    """With its limit and levels written into the SQL, PostgreSQL plans the places offered with
    nothing typed once, not again on each of the public form's views."""
    district = factories.make_area("Hill District", "district", parent=factories.make_area("North", "region"))
    db.session.execute(Area.__table__.insert(), [  # a country's villages: most areas are not offered
        {"name": f"Village {n}", "level": "community", "parent_id": district.id} for n in range(3000)])
    db.session.commit()
    db.session.execute(text("ANALYZE areas"))
    db.session.commit()
    db.session.remove()
    # Prepared statements belong to one connection: with a single one in the pool, every view
    # below runs on it and so does the question after them.
    db.engine.dispose()
    for _ in range(12):
        kept.forget_all()  # the list is read on each view, not kept for the minute
        assert client.get("/feedback").status_code == 200
    with db.engine.connect() as connection:
        generic, custom = connection.execute(text(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
            "WHERE statement LIKE '%FROM areas LEFT OUTER JOIN areas%'")).one()
    assert generic > 0 and custom <= 5
