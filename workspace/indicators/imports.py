"""Saving an imported file of a period's values: the same rules as saving the entry page
(services.save_period), in a handful of statements whatever the number of rows, so that a file
of thousands of values is saved in about a second, not row by row.

One query reads what the period already holds; new values go in with one multi-row INSERT,
changed drafts with one multi-row UPDATE, and their audit events with one more INSERT. All in one
transaction: every value and its event land, or none does.
"""
from sqlalchemy import bindparam, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from workspace import audit
from workspace.extensions import db
from workspace.i18n import gettext as _
from workspace.indicators import periods
from workspace.indicators.services import EDITABLE, Entry, IndicatorRuleError, period_saved_whole
from workspace.indicators.values import cells
from workspace.models import Indicator, IndicatorValue, User
from workspace.models.indicators import refresh_standings

VALUES = IndicatorValue.__table__
VERSIONED = hasattr(IndicatorValue, "version")  # optimistic locking: a Core UPDATE must bump it too


class ChangedMeanwhile(Exception):
    """A value changed between reading the period and writing the file."""


def _check(owner, period: str, entries: list[Entry]) -> None:
    for entry in entries:
        indicator = entry.indicator
        if not owner.owns(indicator) or indicator.status != "adopted":
            raise IndicatorRuleError(_("“%(name)s” is not an adopted indicator here.", name=indicator.short_name))
        if not periods.belongs(period, indicator.frequency):
            raise IndicatorRuleError(_("%(period)s is not a period of “%(name)s”.", period=period,
                                       name=indicator.short_name))


def _saved(owner, period: str) -> dict[tuple[int, str], IndicatorValue]:
    """What the owner's indicators already hold for the period, by (indicator, cell)."""
    return {(v.indicator_id, v.cell): v for v in db.session.scalars(
        select(IndicatorValue).join(Indicator).where(owner.column == owner.id, IndicatorValue.period == period))}


def save_import(owner, period: str, user: User, entries: list[Entry]) -> int:
    """Saves the entries as drafts; values already submitted or verified are left alone, as on
    the entry page. Returns how many values were written. All or nothing."""
    _check(owner, period, entries)
    saved = _saved(owner, period)
    draft = {"state": "draft", "comment": "", "story": "", "explanation": "", "entered_by_id": user.id}
    new, changed = [], []
    for entry in entries:
        indicator = entry.indicator
        for cell in cells(indicator.dimensions) + ([""] if indicator.dimensions else []):
            if cell not in entry.values:
                continue
            fields = {**draft, "value": entry.values[cell], "wording_version": indicator.wording_version}
            value = saved.get((indicator.id, cell))
            if value is None:
                row = {"indicator_id": indicator.id, "period": period, "cell": cell, "return_reason": "", **fields}
                if VERSIONED:
                    row["version"] = 1
                new.append(row)
            elif value.state in EDITABLE:
                changed.append((value, fields))
    with period_saved_whole(IntegrityError, ChangedMeanwhile):
        events = _insert(new, owner, period) + _update(changed)
        audit.record_many(IndicatorValue, events, actor=user)
        # Core statements pass by the flush hook that keeps the standings: refresh them here.
        refresh_standings(indicators=Indicator.id.in_(sorted({e.indicator.id for e in entries})))
    return len(new) + len(changed)


def _label(period: str, cell: str) -> str:
    return f"{period} {cell}".strip()  # as IndicatorValue.name, which record() would use


def _insert(rows: list[dict], owner, period: str) -> list[tuple]:
    """New values in one statement; then one query for the ids their audit events name."""
    if not rows:
        return []
    db.session.execute(insert(VALUES), rows)
    ids = {(indicator_id, cell): id_ for id_, indicator_id, cell in db.session.execute(
        select(IndicatorValue.id, IndicatorValue.indicator_id, IndicatorValue.cell).join(Indicator)
        .where(owner.column == owner.id, IndicatorValue.period == period))}
    return [("enter", ids[row["indicator_id"], row["cell"]], _label(period, row["cell"]), None,
             audit.snapshot_of(IndicatorValue, row)) for row in rows]


def _update(changes: list[tuple[IndicatorValue, dict]]) -> list[tuple]:
    """Drafts and returned values rewritten in one statement. Each row is matched on the version
    read a moment ago (and on being still editable): if anyone changed one since, nothing is saved."""
    if not changes:
        return []
    events = []
    for value, fields in changes:
        before = audit.snapshot(value)
        after = {**before, **fields, **({"version": value.version + 1} if VERSIONED else {})}
        events.append(("enter", value.id, _label(value.period, value.cell), before,
                       audit.snapshot_of(IndicatorValue, after)))
    editable = or_(*(VALUES.c.state == state for state in EDITABLE))  # (executemany takes no IN list)
    statement = (update(VALUES).where(VALUES.c.id == bindparam("row_id"), editable)
                 .values({name: bindparam(f"new_{name}") for name in changes[0][1]}))
    if VERSIONED:
        statement = statement.where(VALUES.c.version == bindparam("row_version")) \
            .values(version=VALUES.c.version + 1)
    rows = [{"row_id": value.id, "row_version": getattr(value, "version", None),
             **{f"new_{name}": new for name, new in fields.items()}} for value, fields in changes]
    if db.session.execute(statement, rows).rowcount != len(rows):
        raise ChangedMeanwhile
    return events
