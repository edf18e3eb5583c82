"""The shipped languages are complete, and every string a person reads can be translated.

- Each catalog (workspace/translations/<code>/LC_MESSAGES/messages.po) translates every message
  the code and templates use today, none of them fuzzy, each with the placeholders of its source.
- No user-facing string is left out of translation: templates hold no bare words outside
  `_()`, and Python passes no plain literal to flash(), a validation error or a form field.
"""
import ast
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "workspace"
CATALOGS = PACKAGE / "translations"
SHIPPED = ("bn", "fr")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


@pytest.fixture(scope="module")
def source_messages() -> dict[str, tuple]:
    """Every message the code and templates ask to translate, as `make messages` extracts them."""
    method_map = [("workspace/**.py", "python"), ("workspace/**/templates/**.html", "jinja2")]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
    found = {}
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, keywords=keywords, options_map={"**.html": {"extensions": ""}}):
        ids = message if isinstance(message, tuple) else (message,)
        found[ids[0]] = ids
    return found


def catalog(code: str):
    with open(CATALOGS / code / "LC_MESSAGES" / "messages.po", "rb") as file:
        return read_po(file, locale=code)


@pytest.mark.parametrize("code", SHIPPED)
def test_catalog_translates_every_message(code, source_messages):
    translations = catalog(code)
    problems = []
    for msgid, ids in source_messages.items():
        message = translations.get(msgid)
        if message is None:
            problems.append(f"missing: {msgid!r}")
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
        if not all(strings) or (len(ids) > 1 and len(strings) < 2):
            problems.append(f"untranslated: {msgid!r}")
            continue
        wanted = set(PLACEHOLDER.findall(" ".join(ids)))
        for string in strings:
            got = set(PLACEHOLDER.findall(string))
            # A plural's singular may say "one" in words instead of %(num)s.
            if got - wanted or (wanted - got - {"%(num)s", "%(num)d"}):
                problems.append(f"placeholders {sorted(got)} for {sorted(wanted)}: {msgid!r}")
    # Babel's own checks, as compiling runs them (a "% d" in a translation is a broken placeholder).
    problems += [f"{error}: {message.id!r}" for message, errors in translations.check() for error in errors]
    assert not problems, f"{len(problems)} problems in {code}:\n" + "\n".join(problems[:40])


def test_no_catalog_keeps_fuzzy_or_obsolete_entries():
    for code in SHIPPED:
        translations = catalog(code)
        assert not translations.fuzzy, f"{code}: the catalog's header is marked fuzzy"
        assert not translations.obsolete, f"{code}: obsolete entries: run make messages"


# --- Strings left out of translation --------------------------------------------------------------

JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.S)
JINJA_CODE = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S)
SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I)
# Blocks that fill in an attribute (`{% block body_class %}projector-page{% endblock %}`), entities.
NOT_TEXT = re.compile(r"\{% block \w*class %\}.*?\{% endblock %\}|&#?\w+;", re.S)
TAG = re.compile(r"<[^>]*>", re.S)
READ_ATTRIBUTE = re.compile(r'\b(title|placeholder|aria-label|alt)="([^"]*)"')
WORD = re.compile(r"[A-Za-z]{2,}")
# Names and formats, the same in every language; an example tracking code.
NOT_WORDS = {"Workspace", "CSV", "XLSX", "ID", "ABCDE"}


def bare_words(html: str) -> list[str]:
    """Text a person reads in a template that is not passed through _(), its words found after
    taking out Jinja's code (the translated strings are inside it) and the markup."""
    html = NOT_TEXT.sub("", SCRIPT_OR_STYLE.sub("", JINJA_COMMENT.sub("", html)))
    # A tag split by Jinja code ("<p {% if x %}class=…{% endif %}>") stays one tag.
    html = JINJA_CODE.sub("\x00", html)
    found = [value for _name, value in READ_ATTRIBUTE.findall(html) if set(WORD.findall(value)) - NOT_WORDS]
    for text in TAG.sub("\x01", html).split("\x01"):
        for piece in text.split("\x00"):
            if set(WORD.findall(piece)) - NOT_WORDS:
                found.append(piece.strip())
    return found


def test_bare_words_are_found():
    assert bare_words('<p title="Open it">{{ _("Hello") }} there</p>') == ["Open it", "there"]
    assert bare_words('<p class="x">{{ _("Hello") }} · {{ n|number }} &lt;{{ a }}&gt;</p>') == []
    assert bare_words('{% block body_class %}wide-page{% endblock %}<b>Done</b>') == ["Done"]


def test_templates_translate_every_word():
    found = {str(path.relative_to(ROOT)): words for path in sorted(PACKAGE.rglob("templates/**/*.html"))
             if (words := bare_words(path.read_text()))}
    assert not found, found


# Calls whose text a person reads: flash(message), ValidationError(message), render_error(code,
# message), form fields' labels and descriptions, validators' messages.
READ_CALLS = {"flash": 0, "ValidationError": 0, "StopValidation": 0, "render_error": 1}
READ_KEYWORDS = {"message", "description", "label"}
# Demonstration and scale data are what people type, not the interface.
NOT_INTERFACE = {"demo.py", "scale.py"}


def _literal_words(node) -> bool:
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str) and bool(WORD.search(node.value)))


def untranslated_calls(source: str) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", "")
        position = READ_CALLS.get(name)
        if position is not None and len(node.args) > position and _literal_words(node.args[position]):
            lines.append(node.lineno)
        elif name.endswith("Field") and node.args and _literal_words(node.args[0]):
            lines.append(node.lineno)
        elif (name == "append" and getattr(node.func.value, "attr", "") in {"errors", "form_errors"}
              and node.args and _literal_words(node.args[0])):
            lines.append(node.lineno)
        elif any(k.arg in READ_KEYWORDS and _literal_words(k.value) for k in node.keywords):
            lines.append(node.lineno)
    return lines


def test_untranslated_calls_are_found():
    assert untranslated_calls('flash("Saved.", "success")\nflash(_("Saved."), "success")\n'
                              'StringField("Name")\nx.errors.append(f"{n} bad")\n'
                              'Length(max=3, message=_l("Too long"))') == [1, 3, 4]


def test_python_translates_every_message():
    found = {str(path.relative_to(ROOT)): lines for path in sorted(PACKAGE.rglob("*.py"))
             if path.name not in NOT_INTERFACE and (lines := untranslated_calls(path.read_text()))}
    assert not found, found
