"""The interface's words in the reader's language.

The catalog of a request is looked up once and kept for the request: Flask-Babel's own gettext
looks it up anew for every string, which on a page of a few hundred strings (table headings,
status names, the labels of fifty rows) is a large part of the page's time. Code and templates
translate through the functions here; Flask-Babel chooses the locale and loads the catalogs.
"""
import os
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from babel import Locale, support
from flask import current_app, g, has_app_context, has_request_context, request
from flask.globals import _cv_app
from flask_babel import force_locale, get_locale, get_translations
from flask_babel.speaklater import LazyString
from jinja2 import pass_eval_context
from markupsafe import Markup
from wtforms.i18n import messages_path

CATALOGS = Path(__file__).parent / "translations"
# The cookie that keeps the language of someone without an account (or not logged in).
LANGUAGE_COOKIE = "language"
# The per-request caches of this module and of formatting.py, emptied when the language changes.
_CACHED = ("_translations", "_reader_context")


def request_translations():
    # The app context's `g` read directly: through the `g` proxy, a page of a few hundred strings
    # spends more on finding `g` than on translating.
    context = _cv_app.get(None)
    if context is None:
        return get_translations()
    translations = getattr(context.g, "_translations", None)
    if translations is None:
        translations = context.g._translations = get_translations()
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


def shipped_languages() -> dict[str, str]:
    """Code → the language's own name (English, বাংলা, Français), in the order offered."""
    return _own_names(tuple(current_app.config["LANGUAGES"]))


@lru_cache(maxsize=8)  # every page shows the switch; the names never change
def _own_names(codes: tuple[str, ...]) -> dict[str, str]:
    return {code: Locale.parse(code).get_display_name(code).capitalize() for code in codes}


def select_locale() -> str:
    """The language a request reads in: the person's own choice if logged in, then the choice
    kept in the cookie, then the browser's Accept-Language, then the deployment's default."""
    languages = current_app.config["LANGUAGES"]
    if has_request_context():
        from flask_login import current_user

        chosen = current_user.is_authenticated and current_user.language
        if chosen in languages:
            return chosen
        if (cookie := request.cookies.get(LANGUAGE_COOKIE)) in languages:
            return cookie
        if asked := request.accept_languages.best_match(languages):
            return asked
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def reading_language() -> str:
    """The request's language code, for <html lang>."""
    return str(get_locale())


def text_direction() -> str:
    """ltr or rtl, for <html dir>: a right-to-left language lays out from the right."""
    return "rtl" if get_locale().character_order == "right-to-left" else "ltr"


@contextmanager
def in_language(code: str | None):
    """Words, dates and numbers in `code` (a recipient's language) for the block's length, then
    back to the request's own."""
    code = code if code in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]
    saved = {name: g.pop(name, None) for name in _CACHED}
    try:
        with force_locale(code):
            yield
    finally:
        for name, value in saved.items():
            g.pop(name, None)
            if value is not None:
                setattr(g, name, value)


@lru_cache(maxsize=8)
def _form_catalog(code: str) -> support.NullTranslations:
    return support.Translations.load(messages_path(), [code], domain="wtforms")


class _FormMessages:
    """WTForms' own messages ("This field is required.") in the request's language: WTForms'
    catalog, else the app's (workspace/form_messages.py). Flask-WTF reads WTForms' catalog from
    disk again on every request that builds a form; here it is read once per language and handed
    to Flask-WTF through the request attribute it looks in first."""

    def ugettext(self, string: str) -> str:
        text = _form_catalog(str(get_locale())).ugettext(string)
        return text if text != string else request_translations().ugettext(string)

    def ungettext(self, singular: str, plural: str, num: int) -> str:
        text = _form_catalog(str(get_locale())).ungettext(singular, plural, num)
        return text if text not in (singular, plural) else request_translations().ungettext(singular, plural, num)


_FORM_MESSAGES = _FormMessages()


def _give_form_messages() -> None:
    request.wtforms_translations = _FORM_MESSAGES


def _vary_by_language(response):
    """What the app writes depends on the reader's language: a shared cache must keep one copy per
    language asked for (the cookie and the account already vary it by Cookie)."""
    if request.endpoint != "static":
        response.vary.add("Accept-Language")
    return response


def register(app) -> None:
    app.after_request(_vary_by_language)
    app.before_request(_give_form_messages)
    app.jinja_env.globals.update(shipped_languages=shipped_languages, text_direction=text_direction,
                                 reading_language=reading_language, language_cookie=LANGUAGE_COOKIE)
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    # `_()` and `{% trans %}` straight to the catalog (see _template_gettext).
    app.jinja_env.globals.update(_=_template_gettext, gettext=_template_gettext,
                                 ngettext=_template_ngettext)


# Jinja's own new-style callables reach the catalog through three calls and always format the
# text, an empty `Markup % {}` included; a page has hundreds of `_()`, so these do in one call what
# those do, with the same result: the text is a format string ("%%" reads "%") whenever it has a
# "%", and is escaped where the template autoescapes.
@pass_eval_context
def _template_gettext(eval_context, string: str, **variables) -> str:
    text = request_translations().ugettext(string)
    if eval_context.autoescape:
        text = Markup(text)
    return text % variables if variables or "%" in text else text


@pass_eval_context
def _template_ngettext(eval_context, singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    text = request_translations().ungettext(singular, plural, num)
    if eval_context.autoescape:
        text = Markup(text)
    return text % variables


def compile_catalogs() -> list[Path]:
    """Compiles each catalog whose .mo is missing or older than its .po (what `make translations`
    does, for whoever runs the app or its tests without make)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    compiled = []
    for po in sorted(CATALOGS.glob("*/LC_MESSAGES/messages.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as file:
            catalog = read_po(file, locale=po.parent.parent.name)
        partial = mo.with_suffix(f".mo.{os.getpid()}")
        with partial.open("wb") as file:
            write_mo(file, catalog)
        partial.replace(mo)  # whole or not at all, for a process reading it meanwhile
        compiled.append(mo)
    return compiled


if __name__ == "__main__":  # python -m workspace.i18n: compile the catalogs of an installed copy
    for path in compile_catalogs():
        print(f"compiled {path}")
