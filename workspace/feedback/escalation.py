"""Escalation: a case past its time goes up, visibly, with its history kept. When its time to
acknowledge (or to resolve) passes, it goes to the organisation the routing rules name for the area
above its own; if that one too lets the time the stage allows pass, or there is none, it goes to
the committee over the area, as a proposal for its next meeting. `flask escalate-cases` does this;
run it every hour (cron), as `flask send-reminders` is run every day."""
from datetime import datetime, timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from workspace import audit
from workspace.clock import utcnow
from workspace.extensions import db
from workspace.feedback import figures, routing
from workspace.feedback.timing import answer_times
from workspace.i18n import gettext as _
from workspace.models import AreaLineage, CaseNote, Committee, FeedbackCase, Organization

TO_HANDLER_ABOVE, TO_COMMITTEE = 1, 2


def next_escalation(case: FeedbackCase, times: dict) -> datetime | None:
    """When the case goes up next: when its deadline passes; once escalated, when the time its
    stage allows has passed again since; None once it is with the committee or answered."""
    if case.status not in ("received", "acknowledged", "in_progress") or case.escalation_level >= TO_COMMITTEE:
        return None
    if case.escalation_level == 0:
        return case.due_at
    hours, days = times[case.category]
    return case.escalated_at + (timedelta(hours=hours) if case.status == "received" else timedelta(days=days))


def _committee_over(case: FeedbackCase) -> Committee | None:
    if case.area_id is None:
        return None
    return db.session.scalar(select(Committee).join(AreaLineage, AreaLineage.ancestor_id == Committee.area_id)
                             .where(AreaLineage.area_id == case.area_id)
                             .order_by(AreaLineage.depth, Committee.id).limit(1))


def escalate(case: FeedbackCase, now: datetime) -> None:
    """Takes the case one level up (to the committee when there is no handler above)."""
    from workspace.committees import services as committee_services

    before = audit.snapshot(case)
    stage = _("its time to acknowledge") if case.status == "received" else _("its time to resolve")
    handler = routing.handler_above(case) if case.escalation_level == 0 else None
    if handler is not None and handler != case.assigned_organization_id:
        passed_from = case.assigned_organization.name if case.assigned_organization else _("nobody")
        case.assigned_organization_id, case.assigned_user_id = handler, None
        case.escalation_level, case.escalated_at = TO_HANDLER_ABOVE, now
        text = _("Escalated, past %(stage)s: passed from %(from)s to %(to)s, who handle the area above.",
                 stage=stage, **{"from": passed_from, "to": db.session.get(Organization, handler).name})
        committee = None
    else:
        committee = _committee_over(case)
        case.escalation_level, case.escalated_at = TO_COMMITTEE, now
        text = (_("Escalated, past %(stage)s: raised to %(committee)s for its next meeting.", stage=stage,
                  committee=committee.name) if committee else
                _("Past %(stage)s, and no committee covers the area to raise it to.", stage=stage))
    case.notes.append(CaseNote(from_status=case.status, to_status=case.status, text=text))
    audit.record("escalate", case, before=before, after=audit.snapshot(case))
    if committee is not None:
        # A case shows there as its kind and code only (workspace/feedback/origins.py); a sensitive
        # one as no more than that one is late, with nothing that leads to it.
        title = (_("A sensitive case, past %(stage)s", stage=stage) if case.sensitive else
                 _("%(category)s %(code)s, past %(stage)s", category=case.category_label, code=case.code, stage=stage))
        committee_services.propose_item(
            committee, None, origin=None if case.sensitive else ("feedback_case", case.id), kind="discussion",
            minutes_allotted=10, title=title[:200],
            description=_("Escalated from the feedback cases: the organisations handling it did not answer in time."))
    else:
        db.session.commit()


def escalate_due(now: datetime | None = None) -> int:
    """Escalates every open case whose time has come; returns how many went up."""
    now = now or utcnow()
    times, count = answer_times(), 0
    for case in db.session.scalars(
            select(FeedbackCase).where(figures.OPEN, FeedbackCase.due_at < now,
                                       FeedbackCase.escalation_level < TO_COMMITTEE)
            .options(joinedload(FeedbackCase.area), joinedload(FeedbackCase.assigned_organization))
            .order_by(FeedbackCase.due_at)).all():
        when = next_escalation(case, times)
        if when is not None and when <= now:
            escalate(case, now)
            count += 1
    return count


@click.command("escalate-cases")
@with_appcontext
def escalate_cases_command():
    """Escalate the feedback cases past their time (safe to run as often as you like)."""
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        count = escalate_due()
    click.echo(f"Cases escalated: {count}.")
