"""Error pages in the layout, and fragments for htmx requests that fail."""
from flask import current_app, g, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError

from workspace.extensions import db, login_manager
from workspace.i18n import lazy_gettext as _l
from workspace.pages import wants_fragment

TITLES = {
    400: _l("Bad request"),
    403: _l("Not allowed"),
    404: _l("Not found"),
    405: _l("Not allowed"),
    413: _l("File too large"),
    429: _l("Too many requests"),
    500: _l("Something went wrong"),
    503: _l("Unavailable for a moment"),
}
EXPLANATIONS = {
    400: _l("The request could not be understood. Go back, reload the page and try again."),
    403: _l("You do not have access to this. If you think you should, ask an administrator."),
    404: _l("There is nothing here. The link may be out of date."),
    405: _l("That action cannot be done this way."),
    413: _l("What you sent is larger than this workspace accepts. Send a smaller file, or split it in parts."),
    429: _l("Too many attempts. Wait a few minutes and try again."),
    500: _l("The change was not saved. Try again; if it happens again, tell an administrator."),
    503: _l("The workspace cannot reach its database just now. Wait a minute and try again; if you were "
            "saving something, check afterwards that it was saved."),
}
RETRY_AFTER_SECONDS = 30  # what a 503 asks browsers and proxies to wait before trying again

# Driver errors that mean "the database cannot be reached (or is busy past its timeout)", as
# opposed to a mistake in a query. PostgreSQL: SQLSTATE classes 08 (connection), 57P (the server
# shutting down or starting), 53 (out of connections or resources); no SQLSTATE at all is an
# error on the client's side of the connection. SQLite: its messages.
POSTGRESQL_UNAVAILABLE = ("08", "57P", "53")
SQLITE_UNAVAILABLE = ("database is locked", "database table is locked", "unable to open database",
                      "disk i/o error")


def database_unavailable(error: Exception) -> bool:
    if isinstance(error, (DisconnectionError, InterfaceError)):
        return True
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True  # SQLAlchemy saw a lost connection (and has invalidated the pool)
    if not isinstance(error, OperationalError):
        return False
    original = error.orig
    if hasattr(original, "sqlstate"):  # psycopg
        return original.sqlstate is None or original.sqlstate.startswith(POSTGRESQL_UNAVAILABLE)
    message = str(original).lower()
    return any(text in message for text in SQLITE_UNAVAILABLE)


def render_error(code: int, detail: str | None = None, headers: dict | None = None):
    context = {"code": code, "title": TITLES.get(code, TITLES[500]),
               "explanation": detail or EXPLANATIONS.get(code, EXPLANATIONS[500])}
    headers = dict(headers or {})
    if wants_fragment():
        # Shown in the page's message area whatever element the request meant to replace.
        html = render_template("errors/_error.html", **context)
        return html, code, {"HX-Retarget": "#messages", "HX-Reswap": "innerHTML", **headers}
    return render_template("errors/error.html", **context), code, headers


def render_without_database(code: int, headers: dict | None = None):
    """The error page with nothing in it that needs the database: the layout leaves out the
    person's name and menus (finding who is logged in takes a query)."""
    g.database_unavailable = True
    # Flask-Login loads the user for every template it renders unless one is already known.
    g._login_user = login_manager.anonymous_user()
    return render_error(code, headers=headers)


def release_session() -> None:
    """Drops whatever the request's session had half-done, even when its connection is gone."""
    try:
        db.session.rollback()
    except SQLAlchemyError:
        pass  # a dead connection cannot roll back; the pool discards it


def handle_http_error(error: HTTPException):
    return render_error(error.code or 500)


def handle_csrf_error(error: CSRFError):
    return render_error(400, str(_l("This form has expired. Reload the page and send it again.")))


def handle_database_error(error: SQLAlchemyError):
    if not database_unavailable(error):
        raise error  # a fault in the app, not in reaching the database: a 500 as any other
    current_app.logger.error("Database unavailable: %s", error.orig if isinstance(error, DBAPIError) else error)
    release_session()
    return render_without_database(503, {"Retry-After": str(RETRY_AFTER_SECONDS)})


def handle_server_error(error: InternalServerError):
    release_session()  # nothing half-saved
    try:
        return render_error(500)
    except SQLAlchemyError:
        # The page itself needed the database (to know who is logged in) and it is gone.
        release_session()
        return render_without_database(500)


def register(app) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    for code in (400, 403, 404, 405, 413, 429):
        app.register_error_handler(code, handle_http_error)
    for error in (OperationalError, InterfaceError, DisconnectionError):
        app.register_error_handler(error, handle_database_error)
    app.register_error_handler(500, handle_server_error)
