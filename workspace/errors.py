"""Error pages in the layout, and fragments for htmx requests that fail."""
from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from workspace.extensions import db
from workspace.pages import wants_fragment

TITLES = {
    400: _l("Bad request"),
    403: _l("Not allowed"),
    404: _l("Not found"),
    405: _l("Not allowed"),
    429: _l("Too many requests"),
    500: _l("Something went wrong"),
}
EXPLANATIONS = {
    400: _l("The request could not be understood. Go back, reload the page and try again."),
    403: _l("You do not have access to this. If you think you should, ask an administrator."),
    404: _l("There is nothing here. The link may be out of date."),
    405: _l("That action cannot be done this way."),
    429: _l("Too many attempts. Wait a few minutes and try again."),
    500: _l("The change was not saved. Try again; if it happens again, tell an administrator."),
}


def render_error(code: int, detail: str | None = None):
    context = {"code": code, "title": TITLES.get(code, TITLES[500]),
               "explanation": detail or EXPLANATIONS.get(code, EXPLANATIONS[500])}
    if wants_fragment():
        # Shown in the page's message area whatever element the request meant to replace.
        html = render_template("errors/_error.html", **context)
        return html, code, {"HX-Retarget": "#messages", "HX-Reswap": "innerHTML"}
    return render_template("errors/error.html", **context), code


def handle_http_error(error: HTTPException):
    return render_error(error.code or 500)


def handle_csrf_error(error: CSRFError):
    return render_error(400, str(_l("This form has expired. Reload the page and send it again.")))


def handle_server_error(error: InternalServerError):
    db.session.rollback()  # nothing half-saved
    return render_error(500)


def register(app) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    for code in (400, 403, 404, 405, 429):
        app.register_error_handler(code, handle_http_error)
    app.register_error_handler(500, handle_server_error)
