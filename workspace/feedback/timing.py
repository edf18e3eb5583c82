"""Answer times: when a case must be acknowledged and resolved, and how it stands against that."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from workspace.extensions import db
from workspace.i18n import lazy_gettext as _l
from workspace.models import DEFAULT_ANSWER_TIMES, AnswerTime

AT_RISK_SHARE = 0.25  # the last quarter of the time allowed is "at risk"
LABELS = {"on_track": _l("On track"), "at_risk": _l("At risk"), "breached": _l("Breached"),
          "met": _l("Answered in time"), "late": _l("Answered late")}
BADGES = {"on_track": "ok", "at_risk": "warn", "breached": "bad", "met": "ok", "late": "muted"}


# Read on every page of cases: built once.
ANSWER_TIMES = select(AnswerTime.category, AnswerTime.acknowledge_hours, AnswerTime.resolve_days)


def answer_times() -> dict[str, tuple[int, int]]:
    """{category: (hours to acknowledge, days to resolve)}: one query."""
    times = dict(DEFAULT_ANSWER_TIMES)
    for category, hours, days in db.session.execute(ANSWER_TIMES):
        times[category] = (hours, days)
    return times


@dataclass
class Standing:
    state: str  # on_track, at_risk, breached, met, late
    due: datetime | None  # the deadline that matters now (None once resolved)
    label: str
    badge: str


def translated(labels: dict) -> dict[str, str]:
    """Labels translated once for a page that shows them on every row."""
    return {key: str(label) for key, label in labels.items()}


def standing_labels() -> dict[str, str]:
    return translated(LABELS)


def standing(case, now: datetime, times: dict, labels: dict | None = None) -> Standing:
    hours, days = times[case.category]
    acknowledge_by = case.received_at + timedelta(hours=hours)
    resolve_by = case.received_at + timedelta(days=days)
    if case.status in ("resolved", "closed"):
        state = "met" if case.resolved_at and case.resolved_at <= resolve_by else "late"
        return Standing(state, None, labels[state] if labels else str(LABELS[state]), BADGES[state])
    due, allowed = (acknowledge_by, timedelta(hours=hours)) if case.status == "received" \
        else (resolve_by, timedelta(days=days))
    if now > due:
        state = "breached"
    elif now >= due - allowed * AT_RISK_SHARE:
        state = "at_risk"
    else:
        state = "on_track"
    return Standing(state, due, labels[state] if labels else str(LABELS[state]), BADGES[state])


def current_due(case, times: dict) -> datetime | None:
    """The deadline that matters now, kept on the case (due_at) so lists sort by it in SQL."""
    hours, days = times[case.category]
    if case.status == "received":
        return case.received_at + timedelta(hours=hours)
    if case.status in ("acknowledged", "in_progress"):
        return case.received_at + timedelta(days=days)
    return None
