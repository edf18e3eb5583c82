"""Hostile input: whatever is sent, the app answers with a page (400, 404, 413, 422, a redirect),
never a 500, and saves nothing half-way.

The fuzzing is generated from the access table (tests/test_access.py), which has a row for every
route: a new route is fuzzed without anyone adding it here. For each row, one world is built and
a role that may use the route sends every hostile variant:

- GET: each integer in the path replaced by ids no column holds; the query keys the page's own
  forms and links use, and the names the code reads, given huge, negative, NUL, over-long, invalid
  and repeated values;
- POST: the route's own form (found on its page, filled as a person would) with each field in turn
  made hostile, and every field name of every form in the app at once; uploads with a NUL in the
  name, a cell over the csv module's limit, binary content.
"""
import csv
import io
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest
from flask_wtf import FlaskForm
from openpyxl import load_workbook
from sqlalchemy import String, cast, func, literal
from werkzeug.datastructures import MultiDict
from wtforms.fields.core import UnboundField
from wtforms.validators import NumberRange

from tests import factories
from tests.conftest import login
from tests.test_access import TABLE, fresh_world
from workspace.exports import safe_cell
from workspace.forms import FloatField, IntegerField
from workspace.extensions import db
from workspace.inputs import whole_number
from workspace.models import Area, Indicator, IndicatorValue, User

# The role each row is fuzzed as: the first of these that the row lets in.
PREFERENCE = ("admin", "chair", "secretary", "member", "community", "ngo", "government", "observer", "guest",
              "anonymous")
REFUSED = (302, 403, 404)

HOSTILE_IDS = (str(2**31), str(2**63), str(10**30), "-1", "0")
# Query values: ids no column holds, a NUL, a string longer than any field, an impossible date.
HOSTILE_QUERY = {
    "huge31": str(2**31),
    "huge63": str(2**63),
    "negative": "-1",
    "float": "1e400",
    "nul": "1\x00",
    "long": "x" * 20_000,
    "date": "2024-02-30",
    "unicode_digits": "\u0661\u0662",
}
# The names the code reads from query strings, beyond those the pages' own forms and links show.
QUERY_KEYS = ("page", "per_page", "q", "status", "organization", "committee", "plan", "area", "due", "scope",
              "type", "id", "actor", "kind", "level", "category", "unassigned", "code", "new", "seen", "view",
              "next", "user", "meeting", "period")
# Field values, each sent in one field at a time over an otherwise sensible form, by the kind of
# input the field is on its page.
TEXT = {
    "oversize": "x" * 100_000,
    "control": "a\x01\x08\x0b\x1b\x7fb",
    "rtl_emoji": "\u202eabc\u200f \u0645\u0631\u062d\u0628\u0627 \U0001f469\U0001f3fd\u200d\U0001f33e",
    "formula": '=HYPERLINK("http://example.org")',
}
NUMBERS = {"huge63": str(2**63), "huge31": str(2**31), "negative": "-1", "float": "1e400", "nan": "nan"}
DATES = {"invalid": "2024-02-30", "last_day": "9999-12-31", "first_day": "0001-01-01"}
HOSTILE_FIELD = {
    "text": TEXT,
    "number": NUMBERS,
    "date": DATES,
    "choice": {"huge63": NUMBERS["huge63"], "huge31": NUMBERS["huge31"], "negative": "-1"},
    "hidden": {"huge63": NUMBERS["huge63"], "negative": "-1", "oversize": TEXT["oversize"]},
}
INPUT_KINDS = {"number": "number", "date": "date", "time": "date", "datetime-local": "date", "hidden": "hidden",
               "radio": "choice"}
# Field values sent in every field name the app knows at once.
HOSTILE_ALL = {
    "nul": "a\x00b",
    "oversize": "x" * 5_000,
    "huge63": str(2**63),
}
TODAY = date.today().isoformat()


def all_form_field_names() -> set[str]:
    """Every field name of every FlaskForm subclass the app defines."""
    names, pending, seen = set(), list(FlaskForm.__subclasses__()), set()
    while pending:
        form = pending.pop()
        if form in seen:
            continue
        seen.add(form)
        pending.extend(form.__subclasses__())
        names.update(name for name in dir(form) if isinstance(getattr(form, name, None), UnboundField))
    return names


def dynamic_field_names(world) -> set[str]:
    """The names of the forms built per record (committees.forms.record_form, indicators.entry)."""
    names = {f"attendance_{user.id}" for user in db.session.scalars(db.select(User))}
    for item in world.meeting.items:
        names |= {f"minutes_{item.id}", f"new_decision_{item.id}"}
    names.add(f"decision_{world.decision.id}")
    for indicator in db.session.scalars(db.select(Indicator)):
        names |= {f"v_{indicator.id}_0", f"version_{indicator.id}_0", f"comment_{indicator.id}",
                  f"story_{indicator.id}", f"explanation_{indicator.id}"}
    return names


@dataclass
class PageForm:
    action: str
    method: str
    fields: MultiDict = field(default_factory=MultiDict)
    editable: dict = field(default_factory=dict)  # name -> kind of input (a key of HOSTILE_FIELD)
    files: list = field(default_factory=list)


class PageReader(HTMLParser):
    """A page's forms, filled as a person would fill them, and its links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[PageForm] = []
        self.links: list[str] = []
        self._form = None
        self._select = None  # (name, multiple, options, selected)
        self._textarea = None  # (name, text)
        self._radios: dict = {}

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "form":
            self._form = PageForm(a.get("action", ""), (a.get("method") or "get").lower())
            self._radios = {}
            self.forms.append(self._form)
        if self._form is None or not a.get("name") and tag != "option":
            return
        name = a.get("name")
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                return
            if kind == "file":
                self._form.files.append(name)
            elif kind == "checkbox":
                if "checked" in a:
                    self._form.fields.add(name, a.get("value", "y"))
            elif kind == "radio":
                options = self._radios.setdefault(name, [])
                options.append(a.get("value", ""))
                if "checked" in a:
                    self._form.fields.setlist(name, [a.get("value", "")])
                elif name not in self._form.fields:
                    self._form.fields.setlist(name, [options[0]])
            else:
                self._form.fields.setlist(name, [a.get("value") or self._sensible(kind)])
            if kind not in ("checkbox", "file"):
                self._remember(name, INPUT_KINDS.get(kind, "text"))
        elif tag == "select":
            self._select = (name, "multiple" in a, [], [])
            self._remember(name, "choice")
        elif tag == "option" and self._select is not None:
            self._select[2].append(a.get("value", ""))
            if "selected" in a:
                self._select[3].append(a.get("value", ""))
        elif tag == "textarea":
            self._textarea = (name, [])
            self._remember(name, "text")

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, multiple, options, selected = self._select
            chosen = selected or [next((o for o in options if o), options[0] if options else "")]
            self._form.fields.setlist(name, chosen if multiple else chosen[:1])
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            name, text = self._textarea
            self._form.fields.setlist(name, ["".join(text).strip() or "Some words"])
            self._textarea = None

    def _remember(self, name, kind):
        if name != "csrf_token":
            self._form.editable.setdefault(name, kind)

    @staticmethod
    def _sensible(kind: str) -> str:
        return {"date": TODAY, "number": "1", "email": "someone@example.org", "time": "10:00",
                "datetime-local": f"{TODAY}T10:00", "hidden": ""}.get(kind, "Some words")


def read_page(html: str) -> PageReader:
    reader = PageReader()
    reader.feed(html)
    return reader


def allowed_role(row) -> str:
    for role in PREFERENCE:
        if row.expect.get(role, row.expect["anonymous"]) not in REFUSED:
            return role
    return "anonymous"


def sign_in(client, world, role: str) -> None:
    if role == "guest":
        client.post("/join", data={"code": world.session.join_code, "display_name": "Halima"})
    elif role != "anonymous":
        login(client, world.users[role])


class Fuzzer:
    """Sends the variants and keeps every 5xx, with what was sent."""

    def __init__(self, client):
        self.client = client
        self.failures: list[str] = []
        self.sent = 0

    def send(self, method: str, url: str, kind: str, query=None, data=None, headers=None):
        self.sent += 1
        try:
            response = self.client.open(url, method=method, query_string=query, data=data, headers=headers)
        except Exception as error:  # the test app lets exceptions through, where a server would answer 500
            self.failures.append(f"500 {method} {url} [{kind}]: {error!r}"[:500])
            if db.session.is_active:
                db.session.rollback()
            return None
        if response.status_code >= 500:
            body = response.get_data(as_text=True)
            self.failures.append(f"{response.status_code} {method} {url} [{kind}]: {body[:300]!r}")
        return response


def path_variants(url: str):
    """The URL with each integer segment in turn replaced by each hostile id."""
    path, _, query = url.partition("?")
    parts = path.split("/")
    for index, part in enumerate(parts):
        if part.isdigit():
            for hostile in HOSTILE_IDS:
                yield "/".join(parts[:index] + [hostile] + parts[index + 1:]) + ("?" + query if query else "")


def query_keys(page: PageReader, path: str) -> set[str]:
    keys = set()
    for form in page.forms:
        if form.method == "get":
            keys.update(form.fields.keys())
    for link in page.links:
        parts = urlsplit(link)
        if parts.path in ("", path):
            keys.update(k for k, _v in parse_qsl(parts.query, keep_blank_values=True))
    return keys


def fuzz_get(fuzzer: Fuzzer, url: str) -> None:
    for variant in path_variants(url):
        fuzzer.send("GET", variant, "path id")
    for variant in list(path_variants(url))[:1]:
        fuzzer.send("GET", variant, "path id, htmx", headers={"HX-Request": "true"})
    response = fuzzer.send("GET", url, "plain")
    own_keys = set()
    if response is not None and response.mimetype == "text/html":
        own_keys = query_keys(read_page(response.get_data(as_text=True)), urlsplit(url).path)
    every_key = own_keys | set(QUERY_KEYS)
    for kind, value in HOSTILE_QUERY.items():
        fuzzer.send("GET", url, f"query {kind}", query={key: value for key in every_key})
    # The keys the page itself uses, one at a time: one refused value must not hide another.
    for key in sorted(own_keys):
        fuzzer.send("GET", url, f"query {key}=huge63", query={key: HOSTILE_QUERY["huge63"]})
    fuzzer.send("GET", url, "repeated keys",
                query=MultiDict([(key, value) for key in every_key for value in ("1", str(2**63))]))


def find_form(fuzzer: Fuzzer, url: str) -> PageForm | None:
    """The route's own form, as found on its page or the page above it."""
    path = urlsplit(url).path
    candidates = [path]
    parts = path.rstrip("/").split("/")
    while len(parts) > 2:
        parts = parts[:-1]
        candidates.append("/".join(parts))
    for candidate in candidates[:3]:
        response = fuzzer.client.get(candidate)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        for form in read_page(response.get_data(as_text=True)).forms:
            action = urlsplit(form.action).path or candidate
            if form.method == "post" and action == path:
                return form
    return None


def upload_variants(form: PageForm):
    big_cell = "indicator_id,cell,value\n1,," + "9" * 200_000 + "\n"
    for kind, filename, content in (
            ("file name with NUL", "values\x00.csv", b"indicator_id,cell,value\n"),
            ("cell over the csv limit", "values.csv", big_cell.encode()),
            ("NUL in content", "values.csv", b"indicator_id,cell,value\n1,\x00,3\n"),
            ("binary content", "values.csv", bytes(range(256)) * 10),
            ("huge ids in content", "values.csv", f"indicator_id,cell,value\n{2**63},,{2**63}\n".encode())):
        data = MultiDict(form.fields)
        for name in form.files:
            data.setlist(name, [(io.BytesIO(content), filename)])
        yield kind, data


def fuzz_post(fuzzer: Fuzzer, url: str, world) -> None:
    form = find_form(fuzzer, url)
    base = MultiDict(form.fields) if form else MultiDict()
    fuzzer.send("POST", url, "missing fields", data={})
    if form:
        fuzzer.send("POST", url, "the form as a person fills it", data=MultiDict(base))
        for name, input_kind in form.editable.items():
            for kind, value in HOSTILE_FIELD[input_kind].items():
                data = MultiDict(base)
                data.setlist(name, [value])
                fuzzer.send("POST", url, f"{name}={kind}", data=data)
        for kind, data in upload_variants(form) if form.files else ():
            fuzzer.send("POST", url, kind, data=data)
    names = all_form_field_names() | dynamic_field_names(world) | set(base.keys())
    for kind, value in HOSTILE_ALL.items():
        data = MultiDict(base)
        for name in names:
            data.setlist(name, [value])
        fuzzer.send("POST", url, f"every field {kind}", data=data)
    repeated = MultiDict(base)
    for name in names:
        repeated.setlist(name, repeated.getlist(name)[:1] + [str(2**63), "a\u202e"])
    fuzzer.send("POST", url, "repeated fields", data=repeated)


@pytest.fixture
def app_config():
    # The public form's limit per address would turn most of its variants into 429s.
    return {"FEEDBACK_MAX_PER_ADDRESS": 10**6}


GET_ROWS = [row for row in TABLE if row.method == "GET"]
POST_ROWS = [row for row in TABLE if row.method != "GET"]


def check(fuzzer: Fuzzer) -> None:
    assert not fuzzer.failures, f"{len(fuzzer.failures)} of {fuzzer.sent} requests failed:\n" + "\n".join(
        fuzzer.failures[:20])


@pytest.mark.parametrize("role", sorted({allowed_role(row) for row in GET_ROWS}))
def test_get_never_fails(app, client, role):
    """Reading changes nothing, so one world serves every page a role reads."""
    world = fresh_world()
    sign_in(client, world, role)
    fuzzer = Fuzzer(client)
    for row in GET_ROWS:
        if allowed_role(row) == role:
            fuzz_get(fuzzer, row.url(world))
    check(fuzzer)


@pytest.mark.parametrize("row", POST_ROWS, ids=lambda row: f"{row.endpoint} {POST_ROWS.index(row)}")
def test_post_never_fails(app, client, row):
    world = fresh_world()
    sign_in(client, world, allowed_role(row))
    fuzzer = Fuzzer(client)
    fuzz_post(fuzzer, row.url(world), world)
    check(fuzzer)


# --- Names that are markup ------------------------------------------------------------------------

HOSTILE_NAME = '"><script>x</script><svg onload=alert(1)>'
MARKERS = ("<script>x</script>", "<svg onload=alert(1)>")
# The columns people name and describe things in.
NAMED_COLUMNS = {
    "name", "title", "short_name", "question", "text", "description", "place", "presenter", "display_name",
    "minutes", "blocked_reason", "purpose", "subject", "body", "public_summary", "contact_name", "comment",
    "story", "explanation", "cancel_reason", "decline_reason", "return_reason", "label", "terms_of_reference",
    "means_of_verification", "response", "note",
}


def make_hostile_world():
    """The access table's world with every name and text written as markup (each kept unique)."""
    world = fresh_world()
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if column.name not in NAMED_COLUMNS or not isinstance(column.type, String):
                continue
            if column.type.length and column.type.length < len(HOSTILE_NAME) + 12:
                continue
            value = literal(HOSTILE_NAME + " ")
            value = value + cast(table.c.id, String) if "id" in table.c else value
            db.session.execute(table.update().values({column.name: value}))
    db.session.commit()
    db.session.expire_all()
    return world


def assert_escaped(response, what: str) -> None:
    if response.mimetype == "text/html":
        body = response.get_data(as_text=True)
        for marker in MARKERS:
            assert marker not in body, f"{what} shows {marker} unescaped: ...{body[body.find(marker) - 200:][:400]}"


@pytest.mark.parametrize("role", sorted({allowed_role(row) for row in GET_ROWS}))
def test_names_are_never_markup(app, client, role):
    world = make_hostile_world()
    sign_in(client, world, role)
    for row in GET_ROWS:
        if allowed_role(row) == role:
            url = row.url(world)
            assert_escaped(client.get(url), url)
            assert_escaped(client.get(url, headers={"HX-Request": "true"}), f"{url} (htmx)")


def test_a_new_plan_named_from_a_meeting_is_escaped(app, client):
    world = make_hostile_world()
    login(client, world.users["chair"])
    response = client.get(f"/decisions/{world.decision.id}/actions/new")
    assert response.status_code == 200
    assert_escaped(response, "the decision's new action page")
    assert "&lt;script&gt;x&lt;/script&gt;" in response.get_data(as_text=True)


def test_a_focal_person_outside_the_organisation_is_named_escaped(app, client):
    world = make_hostile_world()
    login(client, world.users["chair"])
    outsider = world.users["government"]
    response = client.post(f"/plans/{world.plan.id}/actions/new", data={
        "title": "Registration days", "responsible_organization_id": world.users["ngo"].organization_id,
        "focal_person_id": outsider.id, "start_date": TODAY, "due_date": TODAY, "status": "not_started",
        "progress": "0"})
    assert response.status_code == 422
    assert_escaped(response, "the focal person's error")
    assert "is not in the responsible organisation" in response.get_data(as_text=True)


# --- Exports --------------------------------------------------------------------------------------

FORMULA = '=HYPERLINK("http://example.org","x")'


def test_safe_cell_neutralises_formulas_and_drops_what_a_file_cannot_hold():
    assert safe_cell(FORMULA) == "'" + FORMULA
    for start in ("+", "-", "@", "\t", "\r"):
        assert safe_cell(start + "cmd|' /C calc'!A0").startswith("'")
    assert safe_cell("\x01=1+1") == "'=1+1"  # a control character does not hide a formula
    assert safe_cell("-3") == "-3" and safe_cell("+1.5") == "+1.5"  # numbers stay numbers
    assert safe_cell("a\x00b\x0bc\x1fd\ufffe") == "abcd"
    rtl = "\u202eمرحبا\u200f 👩🏽‍🌾"
    assert safe_cell(rtl) == rtl
    assert safe_cell(7) == 7 and safe_cell(None) is None


def test_action_exports_neutralise_formulas_and_control_characters(app, client):
    world = fresh_world()
    world.action.title = FORMULA + "\x01\x1b"
    world.action.blocked_reason = "@SUM(1+1)"
    db.session.commit()
    login(client, world.users["admin"])
    text = client.get("/actions/export.csv").get_data(as_text=True)
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert "'" + FORMULA in cells and "'@SUM(1+1)" in cells and "\x01" not in text
    response = client.get("/actions/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    cells = [cell.value for row in sheet.iter_rows(min_row=2) for cell in row]
    assert "'" + FORMULA in cells and "'@SUM(1+1)" in cells


def test_values_export_neutralises_formulas(app, client):
    world = fresh_world()
    world.indicator.short_name = "=1+2"
    world.value.comment = "+cmd|' /C calc'!A0"
    db.session.commit()
    login(client, world.users["community"])
    text = client.get(f"/groups/{world.group.id}/values.csv").get_data(as_text=True)
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert "'=1+2" in cells and "'+cmd|' /C calc'!A0" in cells and "=1+2" not in cells


def test_calendar_drops_control_characters(app, client):
    world = fresh_world()
    world.meeting.title = "Quarterly\x01 review\r\nDTSTART:19700101T000000Z"
    db.session.commit()
    login(client, world.users["chair"])
    text = client.get(f"/meetings/{world.meeting.id}/meeting.ics").get_data(as_text=True)
    assert "\x01" not in text
    assert "SUMMARY:Quarterly review\\nDTSTART:19700101T000000Z" in text
    assert sum(line.startswith("DTSTART") for line in text.split("\r\n")) == 1


def test_xlsx_export_survives_a_stored_control_character(app, client):
    """A value stored before the guard (or by another way in) cannot break the export for everyone."""
    world = fresh_world()
    world.action.title = "Kits\x00 and\x0b forms \u202eمرحبا 👩🏽‍🌾"
    if db.engine.dialect.name == "postgresql":
        world.action.title = world.action.title.replace("\x00", "")  # PostgreSQL cannot store it at all
    db.session.commit()
    login(client, world.users["admin"])
    response = client.get("/actions/export.xlsx")
    assert response.status_code == 200
    cells = [cell.value for row in load_workbook(io.BytesIO(response.data)).active.iter_rows() for cell in row]
    assert "Kits and forms \u202eمرحبا 👩🏽‍🌾" in cells


# --- The guard and the safety net -----------------------------------------------------------------

@pytest.mark.parametrize("request_args", [
    {"path": "/feedback/track", "query_string": {"code": "AB\x00"}},
    {"path": "/feedback", "method": "POST", "data": {"category": "complaint", "description": "Late\x00"}},
    {"path": "/login", "method": "POST", "data": {"email": "a@example.org\x00", "password": "x"}},
    {"path": "/join", "method": "POST", "data": {"code": "ABC", "display_name": "Hal\x00ima"}},
])
def test_a_nul_byte_is_refused_with_a_page(app, client, request_args):
    response = client.open(**request_args)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "NUL" in body and "<nav" in body  # the message, in the layout


def test_a_nul_byte_in_an_uploaded_file_name_is_refused(app, client):
    world = fresh_world()
    login(client, world.users["community"])
    response = client.post(f"/groups/{world.group.id}/periods/{world.period}/import",
                           data={"file": (io.BytesIO(b"indicator_id,cell,value\n"), "values\x00.csv")})
    assert response.status_code == 400


@pytest.mark.parametrize("url", ["/feedback/board?area=2147483648", f"/feedback/board?area={2**63}",
                                 "/actions?organization=99999999999999999999&page=99999999999999999999",
                                 f"/admin/audit?id={2**63}&actor=-1", "/admin/users?organization=1e400"])
def test_query_numbers_out_of_range_are_ignored(app, client, url):
    login(client, factories.make_admin())
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("segment", ["0", str(2**31), str(2**63), str(10**30), "9" * 5000])
def test_path_ids_out_of_range_are_not_found(app, client, segment):
    login(client, factories.make_admin())
    assert client.get(f"/committees/{segment}").status_code == 404
    assert client.get("/committees/2147483647").status_code == 404  # the largest id still routes


def test_whole_number():
    assert whole_number("2147483647") == 2**31 - 1
    for bad in ("2147483648", "-1", "1e3", " 1", "\u0661", "", "9" * 5000):
        with pytest.raises(ValueError):
            whole_number(bad)


def test_form_numbers_out_of_range_are_refused_with_a_message(app):
    class NumbersForm(FlaskForm):
        count = IntegerField()
        share = FloatField()
        percent = IntegerField(validators=[NumberRange(0, 100, message="From 0 to 100.")])

    cases = [({"count": str(2**63)}, "count", "This number is too large."),
             ({"count": str(2**31)}, "count", "This number is too large."),
             ({"count": "-1"}, "count", "Type a number of 0 or more."),
             ({"share": "1e400"}, "share", "Type a number."),
             ({"share": "nan"}, "share", "Type a number."),
             ({"share": "1e13"}, "share", "This number is too large."),
             ({"percent": str(2**63)}, "percent", "From 0 to 100.")]  # the field's own range speaks
    for data, name, message in cases:
        with app.test_request_context(method="POST", data=data):
            form = NumbersForm()
            assert not form.validate() and form[name].errors == [message], (data, form.errors)
    with app.test_request_context(method="POST", data={"count": "2147483647", "share": "0.5", "percent": "7"}):
        assert NumbersForm().validate()


def test_a_huge_progress_gets_the_progress_message(app, client):
    world = fresh_world()
    login(client, world.users["chair"])
    response = client.post(f"/actions/{world.action.id}/updates",
                           data={"text": "x", "status": "in_progress", "progress": str(2**63)})
    assert response.status_code == 422 and "from 0 to 100" in response.get_data(as_text=True)


def test_bad_data_from_the_database_is_a_400_with_nothing_saved(app, client):
    """The safety net: a value the database refuses as data is a 400 page, rolled back."""
    @app.route("/test-overflow")
    def overflow():
        db.session.add(Area(name="Half saved", level="district", parent=factories.national_area()))
        db.session.flush()
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    response = client.get("/test-overflow")
    assert response.status_code == 400 and "nothing was saved" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(Area).where(Area.name == "Half saved")) is None


# --- The CSV import -------------------------------------------------------------------------------

def test_an_import_with_a_cell_over_the_csv_limit_is_refused_and_saves_nothing(app, client):
    world = fresh_world()
    login(client, world.users["community"])
    before = db.session.scalar(db.select(func.count()).select_from(IndicatorValue))
    rows = f"indicator_id,cell,value\n{world.indicator.id},,4\n{world.indicator.id},," + "9" * 200_000 + "\n"
    response = client.post(f"/groups/{world.group.id}/periods/{world.period}/import",
                           data={"file": (io.BytesIO(rows.encode()), "values.csv")})
    assert response.status_code == 422
    assert "cannot be read as CSV" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(func.count()).select_from(IndicatorValue)) == before


def test_a_chosen_record_out_of_range_is_an_invalid_choice(app, client):
    """A select's id is checked before any validator looks it up (the area's name is unique within
    its parent, so the name check reads the parent)."""
    world = fresh_world()
    login(client, world.users["admin"])
    for parent in (str(2**31), str(2**63), "0", "-1"):
        response = client.post(f"/admin/areas/{world.area.id}/edit",
                               data={"name": "Renamed", "level": "community", "parent_id": parent})
        assert response.status_code == 422, parent
    assert db.session.get(Area, world.area.id).name != "Renamed"
