"""PostgreSQL: a GET or HEAD request reads outside a transaction until it writes.

In a transaction, a page pays two more round trips (BEGIN, and ROLLBACK when its connection goes
back to the pool), and psycopg forgets the statements it has prepared at every ROLLBACK, so every
query of every page was parsed and planned again. A reading request's connection is put in
autocommit mode instead: each query reads what was committed when it started (as READ COMMITTED
does inside a transaction), nothing is rolled back, and prepared statements stay prepared. The
first statement that writes or locks rows turns the connection back to transactions, so what a
request writes is still saved all together or not at all.
"""
import re

from flask import has_request_context, request
from sqlalchemy import Integer, bindparam, event, literal
from sqlalchemy.engine import Engine

READING_METHODS = ("GET", "HEAD")
_READS = re.compile(r"\s*SELECT\b", re.IGNORECASE)
_LOCKS = re.compile(r"\bFOR\s+(NO\s+KEY\s+UPDATE|UPDATE|KEY\s+SHARE|SHARE)\b|\bpg_advisory", re.IGNORECASE)


# Execution options of a statement whose best plan depends on its values: the actions a person
# sees, say, are ten for one and forty thousand for another. Planned once for any values, such a
# statement was read through the wrong index (an overdue count took 23 ms instead of 6).
CUSTOM_PLAN = {"custom_plan": True}


def fixed(value):
    """A constant of a statement written into its SQL rather than sent as a parameter.

    psycopg prepares a statement run five times, and PostgreSQL then tries a plan made for any
    parameters. Made without the number after LIMIT (it assumes a tenth of the table) or the
    constant a column is compared with, that plan looks dearer than one made for the values, so
    PostgreSQL plans the statement again on every run; with the constants in the SQL, it keeps
    one plan. For values that never vary with the request (a list's length, a level, a state).
    Look at the plan it keeps (after ten runs): for the case list and a bounded count it kept a
    slower one, and those keep their parameters (feedback.figures.offset_window, pages.bounded_count)."""
    if isinstance(value, (tuple, list)):
        return bindparam(None, list(value), expanding=True, literal_execute=True)
    return literal(value, literal_execute=True)


def fixed_parameter(name: str, type_=Integer):
    """A parameter written into the SQL when the statement runs (see fixed()): for a value that
    varies little and decides the plan, such as a page's length and start, or an area level."""
    return bindparam(name, type_=type_, literal_execute=True)


def reads_only(statement: str) -> bool:
    """A SELECT that takes no lock: safe to run outside a transaction."""
    return bool(_READS.match(statement)) and not _LOCKS.search(statement)


def register(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        return  # SQLite's driver begins a transaction only when something writes

    @event.listens_for(engine, "checkout")
    def _read_outside_transactions(dbapi_connection, _record, _proxy):
        if has_request_context() and request.method in READING_METHODS:
            dbapi_connection.autocommit = True

    @event.listens_for(engine, "before_cursor_execute")
    def _write_in_a_transaction(_connection, cursor, statement, _parameters, context, _executemany):
        # A streamed read (an export) needs a transaction too: its server-side cursor lives in one.
        if cursor.connection.autocommit and (
                not reads_only(statement) or (context is not None and context.execution_options.get("stream_results"))):
            cursor.connection.autocommit = False  # this statement begins the request's transaction

    @event.listens_for(engine, "do_execute")
    def _planned_for_its_values(cursor, statement, parameters, context):
        # psycopg prepares a statement run five times, and PostgreSQL then plans it once for any
        # values. A statement marked `custom_plan` (see CUSTOM_PLAN) is planned for its values
        # every time instead.
        if context.execution_options.get("custom_plan"):
            cursor.execute(statement, parameters, prepare=False)
            return True
        return None

    @event.listens_for(engine, "checkin")
    def _back_to_transactions(dbapi_connection, _record):
        # After the pool's reset (a rollback), so the connection is idle and may change mode.
        if dbapi_connection is not None and dbapi_connection.autocommit:
            dbapi_connection.autocommit = False
