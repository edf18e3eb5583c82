"""Edits of saved records: the one mechanism every form that changes an existing record uses.

A form that edits a record carries, in one hidden field, the version of the record it was made
from and a fingerprint of each field as it was then ("3:title=1f0c…,place=9a2e…"). On save,
`merge()` compares three things per field: the value the editor started from (its fingerprint),
the value saved now (someone else may have changed it meanwhile) and the value the editor sends.

- only the editor changed it: written;
- only someone else changed it: theirs is kept (the editor left it as it was);
- both changed it to different values: a conflict, and nothing at all is saved.

So two people correcting different fields of one record both keep their work, and where they
changed the same field the second one sees theirs and their own instead of overwriting it. The
database has the last word: every versioned model has a version column (SQLAlchemy's
version_id_col), so a save racing another one between the read and the write fails with
StaleDataError, which is answered with the same conflict page, never a 500.
"""
import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from flask import render_template, request
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from wtforms import HiddenField
from wtforms.validators import StopValidation

from workspace.extensions import db
from workspace.i18n import gettext as _
from workspace.pages import wants_fragment


# --- Fingerprints ------------------------------------------------------------------------------

def _plain(value):
    """A stable text form of a field's value: ids for related records, ISO dates, numbers
    however they were typed (12, 12.0 and Decimal("12.00") are one value)."""
    if isinstance(value, (list, tuple, set)):
        if all(hasattr(v, "__table__") for v in value):  # related records: which, not in what order
            return ",".join(sorted(str(v.id) for v in value))
        return "\x1f".join(str(_plain(v)) for v in value)  # an ordered list, as given
    if hasattr(value, "__table__") and hasattr(value, "id"):
        return value.id
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return format(Decimal(str(value)).normalize(), "f")
    if isinstance(value, str):
        return value.replace("\r\n", "\n")
    return value


def digest(value) -> str:
    return hashlib.sha256(repr(_plain(value)).encode()).hexdigest()[:12]


def same(a, b) -> bool:
    return _plain(a) == _plain(b)


def stamp(record, fields) -> str:
    """What an edit form carries: the record's version and each field's fingerprint."""
    prints = ",".join(f"{name}={digest(getattr(record, name))}" for name in fields)
    return f"{record.version}:{prints}"


@dataclass
class Stated:
    """The version an edit was made from, and the fingerprints of what it started from."""

    version: int | None
    prints: dict = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str | None) -> "Stated":
        """Whatever arrives: a malformed value states nothing (and so cannot merge)."""
        version, _, rest = str(text or "").partition(":")
        if not version.isdigit() or len(version) > 10:
            return cls(None)
        prints = {}
        for part in rest.split(",") if rest else []:
            name, _, value = part.partition("=")
            if name and value:
                prints[name] = value
        return cls(int(version), prints)


# --- Merging -----------------------------------------------------------------------------------

@dataclass
class FieldConflict:
    record: str  # which record, in words, for a form that edits several
    label: str  # the field, in words
    theirs: object  # what is saved now
    yours: object  # what this editor sent


class EditConflict(Exception):
    """Someone changed what this editor changed, differently. Nothing was saved."""

    def __init__(self, conflicts: list[FieldConflict] | None = None, record=None):
        super().__init__("edit conflict")
        self.conflicts = conflicts or []
        self.record = record  # the record, when there is one: the page says who saved it last


class NotStated(Exception):
    """An edit that does not say which version it was made from."""


def merge(record, stated: Stated, changes: dict, labels: dict | None = None,
          record_label: str = "") -> tuple[dict, list[FieldConflict]]:
    """The changes to write, and the conflicts; see the module's docstring. Writes nothing."""
    if stated.version is None:
        raise NotStated
    labels = labels or {}
    to_write, conflicts = {}, []
    untouched_since = stated.version == record.version
    for name, yours in changes.items():
        theirs = getattr(record, name)
        if same(yours, theirs):
            continue
        if untouched_since:
            to_write[name] = yours
            continue
        started_from = stated.prints.get(name)
        if started_from is not None and digest(theirs) == started_from:
            to_write[name] = yours  # only this editor changed it
        elif started_from is not None and digest(yours) == started_from:
            continue  # only someone else changed it: theirs stays
        else:
            conflicts.append(FieldConflict(record_label, str(labels.get(name, name)), theirs, yours))
    return to_write, conflicts


def check(record, stated: Stated, changes: dict, labels: dict | None = None) -> dict:
    """What of the changes is to be written; raises EditConflict if anything conflicts. Sets nothing."""
    to_write, conflicts = merge(record, stated, changes, labels)
    if conflicts:
        raise EditConflict(conflicts, record)
    return to_write


def apply(record, stated: Stated, changes: dict, labels: dict | None = None) -> dict:
    """Merges and sets the changes on one record; raises EditConflict and sets nothing if any."""
    to_write = check(record, stated, changes, labels)
    for name, value in to_write.items():
        setattr(record, name, value)
    return to_write


def check_unchanged(record, stated: Stated) -> None:
    """For a change that has no fields to merge (a status move, a removal): the record must be as
    the person saw it."""
    if stated.version is None:
        raise NotStated
    if stated.version != record.version:
        raise EditConflict(record=record)


# --- Forms -------------------------------------------------------------------------------------

class StampField(HiddenField):
    """A record's stamp in a form that edits several records (a record added meanwhile has none)."""

    def process_formdata(self, valuelist):
        # Sent without one: nothing stated (never the record's own version, which `obj=` gives).
        self.data = valuelist[0] if valuelist else None


class VersionField(StampField):
    """The stated version of an edit form: filled from the record on display, sent back on save.
    A form sent without one is refused with a message, never saved blind."""

    def pre_validate(self, form):
        if Stated.parse(self.data).version is None:
            raise StopValidation(_("This page does not say which version you started from. "
                                   "Reload it and make your change again."))


class EditForm:
    """Mixed into a form that edits a saved record: `stamp(record)` when showing it, then
    `stated()` and `labels()` for the service that saves it."""

    version = VersionField()
    # The record's attributes this form edits (what its fingerprint covers).
    edit_fields: tuple[str, ...] = ()
    # Attributes whose field in the form has another name: {attribute: form field}.
    field_names: dict[str, str] = {}

    def stamp(self, record) -> None:
        """Fills the version from the record, unless the form came with the request: then it
        keeps the version the person started from (or its absence)."""
        if self.version.raw_data is None:
            self.version.data = stamp(record, self.edit_fields)

    def stated(self) -> Stated:
        return Stated.parse(self.version.data)

    def labels(self) -> dict:
        """Each edited attribute in words, for the conflict page."""
        found = {}
        for name in self.edit_fields:
            field = self._fields.get(self.field_names.get(name, name))
            found[name] = field.label.text if field is not None else name
        return found


# --- The answer when an edit loses ---------------------------------------------------------------

def last_saved(record):
    """Who saved the record last, and when, from the audit trail (None if it does not say)."""
    from workspace.models import AuditEvent

    if record is None:
        return None
    return db.session.scalar(db.select(AuditEvent).where(
        AuditEvent.entity_type == type(record).__name__, AuditEvent.entity_id == record.id)
        .order_by(AuditEvent.id.desc()).limit(1))


def conflict_response(conflicts: list[FieldConflict], record=None):
    """409: the saved values beside the ones sent, so nothing typed is lost, and a way back."""
    back = request.referrer if _same_site(request.referrer) else None
    # The form again, now filled from what is saved: its own address when it has a page.
    shows_form = request.url_rule is not None and "GET" in request.url_rule.methods
    context = {"conflicts": conflicts, "retry": request.url if shows_form else back,
               "back": back if shows_form else None, "last": last_saved(record)}
    if wants_fragment():
        html = render_template("errors/_conflict.html", **context)
        return html, 409, {"HX-Retarget": "#messages", "HX-Reswap": "innerHTML"}
    return render_template("errors/conflict.html", **context), 409


def _same_site(url: str | None) -> bool:
    return bool(url) and url.startswith(request.host_url)


def handle_conflict(error: EditConflict):
    db.session.rollback()
    return conflict_response(error.conflicts, error.record)


def handle_stale(error: StaleDataError):
    # Two saves of one record at the same moment: the later one finds its version gone.
    db.session.rollback()
    return conflict_response([])


def handle_integrity(error: IntegrityError):
    # A database rule refused the write. Forms check the rules first, so this is a race with
    # another save (two people adding the same member, two items at one agenda position).
    db.session.rollback()
    return conflict_response([])


def handle_not_stated(error: NotStated):
    from workspace.errors import render_error

    db.session.rollback()
    return render_error(400, _("This form does not say which version it was made from. "
                               "Reload the page and make your change again."))


def register(app) -> None:
    # For forms drawn in a list, one per record: <input type="hidden" name="version" value="{{ edit_stamp(record, fields) }}">
    app.jinja_env.globals["edit_stamp"] = stamp
    app.register_error_handler(EditConflict, handle_conflict)
    app.register_error_handler(StaleDataError, handle_stale)
    app.register_error_handler(IntegrityError, handle_integrity)
    app.register_error_handler(NotStated, handle_not_stated)
