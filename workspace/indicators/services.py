"""Defining indicators together, entering a period's values, verifying them. Every change is
audited; a period's values are saved together or not at all."""
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from workspace import audit, edits
from workspace.extensions import db
from workspace.i18n import gettext as _, lazy_gettext as _l
from workspace.indicators import periods
from workspace.indicators.values import cells
from workspace.models import Indicator, IndicatorTarget, IndicatorValue, IndicatorWording, PeriodSignoff, User


class IndicatorRuleError(Exception):
    """A change the rules refuse; the message says why."""


# --- Definition --------------------------------------------------------------------------------

def propose(owner, proposer: User, **fields) -> Indicator:
    """owner: an indicators.owners.Owner (a community group or a committee)."""
    indicator = Indicator(**owner.owner_fields(), proposed_by=proposer, status="proposed", **fields)
    db.session.add(indicator)
    audit.record("propose", indicator, after=audit.snapshot(indicator))
    db.session.commit()
    return indicator


def decide(indicator: Indicator, status: str) -> None:
    """The coordinator adopts or drops a proposed indicator (or drops an adopted one)."""
    if status == "adopted" and indicator.status != "proposed":
        raise IndicatorRuleError(_("Only a proposed indicator can be adopted."))
    before = audit.snapshot(indicator)
    indicator.status = status
    audit.record("adopt" if status == "adopted" else "drop", indicator, before=before,
                 after=audit.snapshot(indicator))
    db.session.commit()


def has_values(indicator: Indicator) -> bool:
    return db.session.scalar(select(IndicatorValue.id).where(IndicatorValue.indicator_id == indicator.id).limit(1)) \
        is not None


def update(indicator: Indicator, stated: edits.Stated, labels: dict | None = None, **fields) -> None:
    """Saves a change made from the version the person saw (merged: see workspace/edits.py); new
    words on an indicator with data start a new wording version, and the old words stay with the
    old values."""
    fields, conflicts = edits.merge(indicator, stated, fields, labels)
    if conflicts:
        raise edits.EditConflict(conflicts, indicator)
    if has_values(indicator) and (fields.get("unit", indicator.unit) != indicator.unit
                                  or fields.get("dimensions", indicator.dimensions) != indicator.dimensions):
        raise IndicatorRuleError(_("The unit and the split cannot change once data exists: propose a new indicator."))
    before = audit.snapshot(indicator)
    reworded = (fields.get("question", indicator.question) != indicator.question
                or fields.get("short_name", indicator.short_name) != indicator.short_name)
    if reworded and has_values(indicator):
        db.session.add(IndicatorWording(indicator_id=indicator.id, version=indicator.wording_version,
                                        short_name=indicator.short_name, question=indicator.question))
        indicator.wording_version += 1
    for name, value in fields.items():
        setattr(indicator, name, value)
    if audit.snapshot(indicator) != before:
        audit.record("update", indicator, before=before, after=audit.snapshot(indicator))
    db.session.commit()


def set_target(indicator: Indicator, period: str, target: float, seen: dict[str, int] | None = None) -> None:
    """seen: {period: version} of the targets the person's page showed; a period's target set by
    someone else since (to another value) is a conflict, not overwritten. None: not from a page."""
    existing = db.session.scalar(select(IndicatorTarget).where(IndicatorTarget.indicator_id == indicator.id,
                                                               IndicatorTarget.period == period))
    if (existing is not None and seen is not None and seen.get(period) != existing.version
            and not edits.same(existing.target, target)):
        raise edits.EditConflict([edits.FieldConflict(periods.label(period), _("Target"), existing.target, target)],
                                 existing)
    if existing is None:
        existing = IndicatorTarget(indicator_id=indicator.id, period=period, target=target)
        db.session.add(existing)
        audit.record("create", existing, after=audit.snapshot(existing))
    else:
        before = audit.snapshot(existing)
        existing.target = target
        audit.record("update", existing, before=before, after=audit.snapshot(existing))
    db.session.commit()


# --- Entering a period ------------------------------------------------------------------------

@dataclass
class Entry:
    """What the form says for one indicator in one period."""

    indicator: Indicator
    values: dict[str, float]  # cell -> value ("" is the total)
    comment: str = ""
    story: str = ""
    explanation: str = ""
    versions: dict[str, int] = field(default_factory=dict)  # cell -> version the person saw


EDITABLE = ("draft", "returned")


def period_locked(group_id: int | None, period: str) -> bool:
    """A group's period signed off (workspace/indicators/signoff.py): nothing in it changes until it
    is reopened. A committee's own values are never locked so."""
    return group_id is not None and db.session.scalar(select(PeriodSignoff.id).where(
        PeriodSignoff.organization_id == group_id, PeriodSignoff.period == period)) is not None


LOCKED_MESSAGE = _l("This period is signed off: nothing in it changes until it is reopened.")


@contextmanager
def period_saved_whole(*races: type[Exception]):
    """A period's values are saved whole or not at all. `races` are the errors that mean another
    save of the same period came first: the person is told, with nothing of theirs saved."""
    try:
        yield
        db.session.commit()
    except races:
        db.session.rollback()
        raise IndicatorRuleError(_("Someone else entered values for this period at the same moment. Nothing of "
                                   "yours was saved: reload the page to see theirs.")) from None
    except Exception:
        db.session.rollback()
        raise


def save_period(owner, period: str, user: User, entries: list[Entry], submit: bool) -> int:
    """Saves a period's values as drafts, or submits them for verification. Returns how many
    values were written. Values already submitted or verified are left alone. All or nothing."""
    existing = {(v.indicator_id, v.cell): v for v in db.session.scalars(select(IndicatorValue).where(
        IndicatorValue.indicator_id.in_([e.indicator.id for e in entries]), IndicatorValue.period == period))}
    written = 0
    if period_locked(owner.id if owner.is_group else None, period):
        raise IndicatorRuleError(str(LOCKED_MESSAGE))
    with period_saved_whole(IntegrityError, StaleDataError):
        for entry in entries:
            indicator = entry.indicator
            if not owner.owns(indicator) or indicator.status != "adopted":
                raise IndicatorRuleError(_("“%(name)s” is not an adopted indicator here.",
                                           name=indicator.short_name))
            if not periods.belongs(period, indicator.frequency):
                raise IndicatorRuleError(_("%(period)s is not a period of “%(name)s”.", period=period,
                                           name=indicator.short_name))
            for cell in cells(indicator.dimensions) + ([""] if indicator.dimensions else []):
                if cell not in entry.values:
                    continue
                value = existing.get((indicator.id, cell))
                if value is not None and value.state not in EDITABLE:
                    continue
                # Saved by someone else since the page showed it (or created since it showed none):
                # the same value is no harm, another one is a conflict (workspace/edits.py). A split's
                # total is not typed but summed: its cells' versions speak for it.
                derived = cell == "" and bool(indicator.dimensions)
                if (value is not None and not derived and entry.versions.get(cell) != value.version
                        and not edits.same(value.value, entry.values[cell])):
                    name = f"{indicator.short_name} ({cell})" if cell else indicator.short_name
                    raise edits.EditConflict([edits.FieldConflict(name, _("Value"), value.value, entry.values[cell])],
                                             value)
                fields = {"value": entry.values[cell], "comment": entry.comment, "story": entry.story,
                          "explanation": entry.explanation, "state": "submitted" if submit else "draft",
                          "entered_by_id": user.id, "wording_version": indicator.wording_version}
                if value is None:
                    value = IndicatorValue(indicator=indicator, period=period, cell=cell, **fields)
                    db.session.add(value)
                    audit.record("enter", value, after=audit.snapshot(value))
                else:
                    before = audit.snapshot(value)
                    for name, new in fields.items():
                        setattr(value, name, new)
                    value.return_reason = "" if submit else value.return_reason
                    audit.record("submit" if submit else "enter", value, before=before, after=audit.snapshot(value))
                written += 1
    return written


# --- Verification ------------------------------------------------------------------------------
# A verifier decides on an indicator's period as a whole: its total and every cell of its split
# together. Verifying passes what was submitted; returning sends all of the period back to the
# group (whatever of it was verified too), with the reason, to correct and submit again.

def period_values(indicator_id: int, period: str) -> list[IndicatorValue]:
    return list(db.session.scalars(select(IndicatorValue).where(
        IndicatorValue.indicator_id == indicator_id, IndicatorValue.period == period).order_by(IndicatorValue.cell)))


def period_stamp(values) -> str:
    """What a decision carries (workspace/edits.py's stamp format): the period's values and their
    versions as the verifier saw them, so that one corrected or added meanwhile is not decided unseen."""
    seen = sorted((value.id, value.version) for value in values)
    # The text edits.digest() makes of these pairs of whole numbers, written out: the same
    # fingerprint without its walk through each number.
    plain = "\x1f".join(f"{value_id}\x1f{version}" for value_id, version in seen)
    return f"{sum(version for _id, version in seen)}:values={edits.digest(plain)}"


def _decide(value: IndicatorValue, verifier: User, stated: edits.Stated | None,
            decided: tuple[str, ...] = ("submitted",)) -> list[IndicatorValue]:
    """The values of the period about to be decided, once it is checked that it may be: some of
    them are in one of the `decided` states, none entered by the verifier."""
    if period_locked(value.indicator.organization_id, value.period):
        raise IndicatorRuleError(str(LOCKED_MESSAGE))
    values = period_values(value.indicator_id, value.period)
    if stated is not None:
        if stated.version is None:
            raise edits.NotStated
        if stated.prints.get("values") != period_stamp(values).partition("values=")[2]:
            raise edits.EditConflict(record=value)
    waiting = [v for v in values if v.state in decided]
    if not waiting:
        raise IndicatorRuleError(_("Only a submitted value is verified or returned."))
    if any(v.entered_by_id == verifier.id for v in waiting):
        raise IndicatorRuleError(_("You entered this value: someone else must verify it."))
    return values


def _verify(value: IndicatorValue, verifier: User, stated: edits.Stated | None) -> int:
    decided = 0
    for each in _decide(value, verifier, stated):
        if each.state == "submitted":
            before = audit.snapshot(each)
            each.state, each.verified_by_id, each.return_reason = "verified", verifier.id, ""
            audit.record("verify", each, before=before, after=audit.snapshot(each))
            decided += 1
    return decided


def verify(value: IndicatorValue, verifier: User, stated: edits.Stated | None = None) -> None:
    """Verifies the period of this value's indicator: its total and its split. stated: the period as
    the verifier saw it (None: no page)."""
    _verify(value, verifier, stated)
    db.session.commit()


def verify_all(decisions: list[tuple[IndicatorValue, edits.Stated]], verifier: User) -> int:
    """Verifies several indicators' periods at once, all or none. Returns how many values."""
    try:
        decided = sum(_verify(value, verifier, stated) for value, stated in decisions)
    except Exception:
        db.session.rollback()
        raise
    db.session.commit()
    return decided


def return_value(value: IndicatorValue, verifier: User, reason: str, stated: edits.Stated | None = None) -> None:
    """Returns the period of this value's indicator to the group, all of it, with the reason: what
    waits, or what was verified (once a signed-off period is reopened, to be corrected)."""
    values = _decide(value, verifier, stated, decided=("submitted", "verified"))
    if not reason.strip():
        raise IndicatorRuleError(_("Say why it goes back, for the group."))
    for each in values:
        if each.state in ("submitted", "verified"):
            before = audit.snapshot(each)
            each.state, each.return_reason, each.verified_by_id = "returned", reason.strip()[:500], None
            audit.record("return", each, before=before, after=audit.snapshot(each))
    db.session.commit()


def reopen_values(group_id: int, period: str, reason: str) -> int:
    """A reopened period's verified values go back to the group with the reason, to correct and
    submit again (no commit: part of reopening). Returns how many."""
    values = db.session.scalars(select(IndicatorValue).join(Indicator).where(
        Indicator.organization_id == group_id, IndicatorValue.period == period,
        IndicatorValue.state == "verified")).all()
    for each in values:
        before = audit.snapshot(each)
        each.state, each.return_reason, each.verified_by_id = "returned", reason.strip()[:500], None
        audit.record("return", each, before=before, after=audit.snapshot(each))
    return len(values)
