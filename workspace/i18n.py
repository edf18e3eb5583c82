"""The interface's words in the reader's language.

The catalog of a request is looked up once and kept for the request: Flask-Babel's own gettext
looks it up anew for every string, which on a page of a few hundred strings (table headings,
status names, the labels of fifty rows) is a large part of the page's time. Code and templates
translate through the functions here; Flask-Babel chooses the locale and loads the catalogs.
"""
from flask import g, has_app_context
from flask_babel import get_translations
from flask_babel.speaklater import LazyString


def request_translations():
    translations = g.get("_translations")
    if translations is None:
        translations = g._translations = get_translations()
    return translations


def gettext(string: str, **variables) -> str:
    text = request_translations().ugettext(string) if has_app_context() else string
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    if has_app_context():
        text = request_translations().ungettext(singular, plural, num)
    else:
        text = singular if num == 1 else plural
    return text % variables


def lazy_gettext(string: str, **variables) -> LazyString:
    """A text translated when it is shown, in the language of whoever it is shown to."""
    return LazyString(gettext, string, **variables)


def register(app) -> None:
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
