"""Input that the database or a file format cannot hold is turned away with a clear page.

- An id in an address is bounded to what a PostgreSQL integer holds (from 1): beyond it, 404.
- A number read from the query string goes through whole_number(): out of range, it is ignored.
- A NUL byte in the query, a form, an uploaded file's name or the address is a 400.
- Whatever still gets past (a value the database refuses as data, a number too large for Python
  to turn into a date or an offset) ends in a 400 page with the transaction rolled back: never a
  500, never half-saved.
"""
from flask import request
from sqlalchemy.exc import DataError
from werkzeug.routing import IntegerConverter

from workspace.i18n import gettext as _

MAX_ID = 2**31 - 1  # the largest PostgreSQL integer, and so the largest id or count we store


class BoundedIntegerConverter(IntegerConverter):
    """<int:...> in every route is an id: 1 to MAX_ID, so an id no row can have is simply not found
    (and 0 never reaches code that reads it as "none given")."""

    def __init__(self, map, fixed_digits=0, min=1, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits, min, max, signed)


def whole_number(text: str) -> int:
    """type= for request.args.get(): a whole number from 0 to MAX_ID, else ValueError (the default)."""
    if not text.isascii() or not text.isdigit() or len(text) > len(str(MAX_ID)) or int(text) > MAX_ID:
        raise ValueError(text)
    return int(text)


def _has_nul(pairs) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in pairs)


def refuse_nul():
    """A NUL byte is never text a person typed, and PostgreSQL cannot store one."""
    view_args = (request.view_args or {}).items()
    if (_has_nul(request.args.items(multi=True)) or _has_nul(request.form.items(multi=True))
            or _has_nul((name, upload.filename or "") for name, upload in request.files.items(multi=True))
            or _has_nul((name, value) for name, value in view_args if isinstance(value, str))):
        from workspace.errors import render_error

        return render_error(400, _("The request holds a character that cannot be saved (a NUL byte). "
                                   "Remove it and try again."))
    return None


def handle_bad_data(error):
    from workspace.errors import render_error
    from workspace.extensions import db

    db.session.rollback()  # nothing half-saved
    return render_error(400, _("A value is too large or not of the right kind, so nothing was saved. "
                               "Check the numbers and dates you typed and try again."))


def register(app) -> None:
    """Called from create_app before the blueprints, so that their routes use the bounded <int:...>."""
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.before_request(refuse_nul)
    app.register_error_handler(OverflowError, handle_bad_data)
    app.register_error_handler(DataError, handle_bad_data)
