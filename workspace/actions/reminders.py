"""`flask send-reminders`: each focal person gets one digest a day of their overdue actions and
those due within 14 days, with the feedback cases assigned to them that are past their answer time;
a community group's people are told which of its indicators have nothing sent for the period that
has just ended, and the staff of an organisation handling feedback of its new cases. Sent by email when SMTP is set up; kept in the outbox either way."""
import smtplib
from datetime import date, timedelta
from email.message import EmailMessage

import click
from flask import current_app, url_for
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from workspace.clock import local_today, utcnow
from workspace.extensions import db
from workspace.formatting import as_percent, as_period
from workspace.i18n import gettext as _, in_language, ngettext
from workspace.indicators import reporting
from workspace.models import OPEN_STATUSES, SOON_DAYS, Action, FeedbackCase, Organization, OutboxMessage, User

KIND = "action_digest"


NEW_CASES_LISTED = 10  # of an organisation's new cases, in its people's digest; then a count of the rest


def digest_body(user: User, overdue: list[Action], soon: list[Action], today: date, breached=(), unsent=(),
                new_cases=()) -> str:
    """The digest's text, in the language of whoever is translating now (see send_reminders)."""
    lines = [_("Dear %(name)s,", name=user.name), "", _("This is your daily summary in Workspace."), ""]
    if breached:
        lines.append(_("Feedback cases past their answer time:"))
        for case in breached:
            link = url_for("feedback.case", case_id=case.id, _external=True)
            lines.append(_("- %(code)s (%(category)s, %(status)s)", code=case.code, category=case.category_label,
                           status=case.status_label) + "\n  " + link)
        lines.append("")
    if new_cases:
        lines.append(_("New feedback cases for your organisation, waiting to be acknowledged:"))
        for case in new_cases[:NEW_CASES_LISTED]:
            link = url_for("feedback.case", case_id=case.id, _external=True)
            lines.append(_("- %(code)s (%(category)s, %(area)s)", code=case.code, category=case.category_label,
                           area=case.area.name if case.area else _("no area given")) + "\n  " + link)
        if len(new_cases) > NEW_CASES_LISTED:
            lines.append(_("… and %(num)s more.", num=len(new_cases) - NEW_CASES_LISTED))
        lines.append("")
    if unsent:
        lines.append(_("Data not yet sent:"))
        for missing in unsent:
            link = url_for("indicators.enter", group_id=missing.group_id, period=missing.period, _external=True)
            lines.append(_("- %(group)s, %(period)s: %(indicators)s", group=missing.group_name,
                           period=as_period(missing.period), indicators=", ".join(missing.indicators)) + "\n  " + link)
        lines.append("")
    for heading, actions in ((_("Overdue:"), overdue),
                             (ngettext("Due in the next %(num)s day:", "Due in the next %(num)s days:", SOON_DAYS), soon)):
        if actions:
            lines.append(heading)
            for action in actions:
                days = (action.due_date - today).days
                if days < 0:
                    when = ngettext("%(num)s day late", "%(num)s days late", -days)
                elif days == 0:
                    when = _("due today")
                else:
                    when = ngettext("due in %(num)s day", "due in %(num)s days", days)
                link = url_for("actions.action", action_id=action.id, _external=True)
                lines.append(_("- %(title)s (%(when)s, %(progress)s done)", title=action.title, when=when,
                               progress=as_percent(action.progress / 100)) + "\n  " + link)
            lines.append("")
    if overdue or soon:
        lines.append(_("Post an update on each action's page so that your committee sees where it stands."))
    return "\n".join(lines)


def digest_subject(overdue: int, soon: int, breached: int, unsent=(), new_cases: int = 0) -> str:
    if new_cases and not (overdue or soon or breached):
        return ngettext("Workspace: %(num)s new feedback case for your organisation",
                        "Workspace: %(num)s new feedback cases for your organisation", new_cases)
    if unsent and not (overdue or soon or breached):
        return _("Workspace: data for %(period)s not yet sent", period=as_period(unsent[0].period))
    if breached:
        return _("Workspace: %(overdue)s overdue, %(soon)s due soon, %(breached)s feedback cases past their "
                 "answer time", overdue=overdue, soon=soon, breached=breached)
    return _("Workspace: %(overdue)s overdue, %(soon)s due soon", overdue=overdue, soon=soon)


def _send(message: OutboxMessage) -> None:
    config = current_app.config
    email = EmailMessage()
    email["From"], email["To"], email["Subject"] = config["MAIL_FROM"], message.to_address, message.subject
    email.set_content(message.body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)


def send_reminders(today: date | None = None) -> dict[str, int]:
    """Writes (and, with SMTP, sends) today's digests; a person who has today's already is skipped."""
    today = today or local_today()
    soon_until = today + timedelta(days=SOON_DAYS)
    actions = db.session.scalars(
        select(Action).where(Action.status.in_(OPEN_STATUSES), Action.focal_person_id.is_not(None),
                             Action.due_date <= soon_until)
        .options(joinedload(Action.focal_person)).order_by(Action.due_date)).all()
    by_person: dict[int, list[Action]] = {}
    people: dict[int, User] = {}
    for action in actions:
        if action.focal_person.active:
            by_person.setdefault(action.focal_person_id, []).append(action)
            people[action.focal_person_id] = action.focal_person
    breached_by_person: dict[int, list[FeedbackCase]] = {}
    for case in db.session.scalars(select(FeedbackCase).where(
            FeedbackCase.due_at < utcnow(), FeedbackCase.assigned_user_id.is_not(None))
            .options(joinedload(FeedbackCase.assigned_user)).order_by(FeedbackCase.due_at)):
        if case.assigned_user.active:
            breached_by_person.setdefault(case.assigned_user_id, []).append(case)
            people[case.assigned_user_id] = case.assigned_user
    unsent_by_person: dict[int, list] = {}
    unsent = reporting.unsent(today)
    by_group: dict[int, list] = {}
    for missing in unsent:
        by_group.setdefault(missing.group_id, []).append(missing)
    if by_group:
        for person in db.session.scalars(select(User).where(User.organization_id.in_(by_group), User.active)
                                         .order_by(User.id)):
            unsent_by_person[person.id] = by_group[person.organization_id]
            people[person.id] = person
    new_by_person: dict[int, list[FeedbackCase]] = {}
    new_by_organization: dict[int, list[FeedbackCase]] = {}
    for case in db.session.scalars(select(FeedbackCase).where(
            FeedbackCase.status == "received", FeedbackCase.assigned_organization_id.is_not(None))
            .options(joinedload(FeedbackCase.area)).order_by(FeedbackCase.received_at)):
        new_by_organization.setdefault(case.assigned_organization_id, []).append(case)
    if new_by_organization:
        for person in db.session.scalars(select(User).join(Organization, Organization.id == User.organization_id)
                                         .where(User.organization_id.in_(new_by_organization), User.active,
                                                Organization.kind.in_(("government", "ngo")))):
            theirs = [case for case in new_by_organization[person.organization_id]
                      if person.handles_sensitive or not case.sensitive]  # a sensitive case: its focal points
            if theirs:
                new_by_person[person.id] = theirs
                people[person.id] = person
    already = set(db.session.scalars(select(OutboxMessage.recipient_id).where(
        OutboxMessage.kind == KIND, OutboxMessage.day == today)))
    counts = {"written": 0, "sent": 0, "skipped": 0, "failed": 0}
    for person_id, person in people.items():
        if person_id in already:
            counts["skipped"] += 1
            continue
        theirs = by_person.get(person_id, [])
        breached = breached_by_person.get(person_id, [])
        theirs_unsent = unsent_by_person.get(person_id, [])
        new_cases = new_by_person.get(person_id, [])
        overdue = [a for a in theirs if a.due_date < today]
        soon = [a for a in theirs if a.due_date >= today]
        with in_language(person.language):  # each person reads theirs in their own language
            subject = digest_subject(len(overdue), len(soon), len(breached), theirs_unsent, len(new_cases))
            body = digest_body(person, overdue, soon, today, breached, theirs_unsent, new_cases)
        message = OutboxMessage(recipient=person, to_address=person.email, kind=KIND, day=today, subject=subject,
                                body=body)
        db.session.add(message)
        try:
            db.session.commit()  # the unique key makes a second run on the same day a no-op
        except IntegrityError:
            db.session.rollback()
            counts["skipped"] += 1
            continue
        counts["written"] += 1
        if current_app.config["MAIL_SERVER"]:
            try:
                _send(message)
                message.sent_at = utcnow()
                counts["sent"] += 1
            except (OSError, smtplib.SMTPException) as error:
                message.error = str(error)[:500]
                counts["failed"] += 1
            db.session.commit()
    return counts


@click.command("send-reminders")
@with_appcontext
def send_reminders_command():
    """Send today's reminders (safe to run more than once a day)."""
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):  # for the links
        counts = send_reminders()
    how = "by email" if current_app.config["MAIL_SERVER"] else "to the outbox only: no MAIL_SERVER is set"
    click.echo(f"Reminders ({how}): {counts['written']} written, {counts['sent']} sent by email, "
               f"{counts['skipped']} people already had today's, {counts['failed']} failed.")
