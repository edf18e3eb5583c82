"""Feedback cases: intake (public and staff), handling through their states, answer times,
and the way back to the committee. Every change is audited."""
from datetime import timedelta

from flask import current_app, has_request_context, url_for
from sqlalchemy import delete, func, insert, select

from workspace import audit, edits
from workspace.clock import utcnow
from workspace.extensions import db
from workspace.feedback import routing
from workspace.feedback.timing import answer_times, current_due
from workspace.formatting import as_period
from workspace.i18n import gettext as _, in_language
from workspace.models.feedback import FeedbackClusterCase, new_tracking_code
from workspace.models import (
    CATEGORIES, NEXT_STATUSES, AnswerTime, CaseAppeal, CaseNote, FeedbackCase, FeedbackCluster, IntakeHit,
    Organization, SmsMessage, User,
)


def track_url(code: str) -> str:
    """The full address of a case's public page, for a text message: in a request or out of one
    (a command), where BASE_URL says where the app is served."""
    if has_request_context():
        return url_for("feedback.track", code=code, _external=True)
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        return url_for("feedback.track", code=code, _external=True)


class CaseRuleError(Exception):
    """A change the rules refuse; the message says why."""


class TooManySubmissions(Exception):
    pass


def check_intake_limit(address: str, device: str | None = None) -> None:
    """Refuses a submission past the limits of its browser or of its address (config.py: a shared
    connection is many people, so one browser's limit is lower than its address's)."""
    config = current_app.config
    window = utcnow() - timedelta(minutes=config["FEEDBACK_WINDOW_MINUTES"])
    from_device = IntakeHit.device.is_(None) if device is None else IntakeHit.device == device
    by_device, by_address = db.session.execute(
        select(func.count().filter(from_device), func.count()).select_from(IntakeHit)
        .where(IntakeHit.address == address, IntakeHit.at >= window)).one()
    if by_device >= config["FEEDBACK_MAX_PER_DEVICE"] or by_address >= config["FEEDBACK_MAX_PER_ADDRESS"]:
        raise TooManySubmissions


def take_intake(address: str, device: str | None) -> None:
    """Counts a public submission against its limits (check_intake_limit), forgetting a day's old ones."""
    check_intake_limit(address, device)
    db.session.add(IntakeHit(address=address, device=device))
    db.session.execute(delete(IntakeHit).where(IntakeHit.at < utcnow() - timedelta(days=1)))


def unique_code() -> str:
    """A tracking code no case has: a clash of random codes is most unlikely (31^10); still, never
    hand out a code twice."""
    code = new_tracking_code()
    while db.session.scalar(select(FeedbackCase.id).where(FeedbackCase.code == code)):
        code = new_tracking_code()
    return code


def create_case(*, address: str | None = None, device: str | None = None, recorded_by: User | None = None,
                along=None, **fields) -> FeedbackCase:
    """A new case. From the public form (address given: rate-limited) or recorded by staff. The
    routing rules name the organisation that handles it; where none covers it, a recorded case
    stays with the recorder's organisation and a public one waits to be routed by hand. `along`:
    given the case, the records that come with it (a text message), saved in the same commit."""
    if address is not None:
        take_intake(address, device)
    if fields.get("anonymous"):
        fields["contact_name"], fields["contact_phone"] = "", ""  # anonymous cases keep no contact at all
    case = FeedbackCase(recorded_by_id=recorded_by.id if recorded_by else None, **fields)
    if case.assigned_organization_id is None:
        handler = routing.route(case.area_id, case.category, case.programme_id)
        if handler is not None:
            case.assigned_organization_id = handler
            case.notes.append(CaseNote(from_status="received", to_status="received", text=_(
                "Routed to %(organization)s by the routing rules.",
                organization=db.session.get(Organization, handler).name)))
    if recorded_by is not None and case.assigned_organization_id is None:
        case.assigned_organization_id = recorded_by.organization_id  # no rule covers it: theirs
    case.status, case.received_at = "received", utcnow()
    case.due_at = current_due(case, answer_times())
    case.code = unique_code()
    db.session.add(case)
    audit.record("create", case, after=audit.snapshot(case), actor=recorded_by)
    if along is not None:
        db.session.add_all(along(case))  # records that come with the case, saved with it or not at all
    db.session.commit()
    return case


def move(case: FeedbackCase, user: User, stated: edits.Stated, to_status: str, note: str) -> None:
    edits.check(case, stated, {"status": to_status}, {"status": _("Status")})
    if to_status not in NEXT_STATUSES[case.status]:
        raise CaseRuleError(_("A case that is %(status)s cannot go there.", status=case.status_label.lower()))
    if to_status == "resolved" and not case.response.strip():
        raise CaseRuleError(_("Write the response to the person before resolving the case."))
    if to_status == "resolved" and case.category == "complaint" and not case.outcome:
        raise CaseRuleError(_("Record the decision (upheld, partly upheld, not upheld or referred) before "
                              "resolving the complaint."))
    before = audit.snapshot(case)
    now = utcnow()
    case.notes.append(CaseNote(author_id=user.id, from_status=case.status, to_status=to_status, text=note.strip()))
    case.status = to_status
    if to_status == "acknowledged":
        case.acknowledged_at = now
    elif to_status == "resolved":
        case.resolved_at = now
    elif to_status == "closed":
        case.closed_at = now
    elif to_status == "in_progress" and before["status"] == "resolved":
        case.resolved_at = None  # reopened
    case.due_at = current_due(case, answer_times())
    if to_status == "resolved" and case.contact_phone:
        # Word of the answer by text, waiting for the gateway with the other texts (workspace/feedback/sms.py).
        with in_language(case.language):
            text = _("Your case %(code)s has been answered. Read the answer at %(url)s", code=case.code,
                     url=track_url(case.code))
        db.session.add(SmsMessage(direction="out", phone=case.contact_phone, text=text, case=case))
    audit.record(to_status, case, before=before, after=audit.snapshot(case))
    db.session.commit()


def assign(case: FeedbackCase, user: User, stated: edits.Stated, organization_id: int, person: User | None,
           labels: dict | None = None) -> None:
    if person is not None and person.organization_id != organization_id:
        raise CaseRuleError(_("%(name)s is not in that organisation.", name=person.name))
    if person is not None and case.sensitive and not person.handles_sensitive:
        raise CaseRuleError(_("%(name)s is not a focal point for sensitive cases: choose one who is.",
                              name=person.name))
    before = audit.snapshot(case)
    edits.apply(case, stated, {"assigned_organization_id": organization_id,
                               "assigned_user_id": person.id if person else None}, labels)
    case.notes.append(CaseNote(author_id=user.id, from_status=case.status, to_status=case.status,
                               text=_("Assigned.") if before["assigned_organization_id"] is None else _("Reassigned.")))
    audit.record("assign", case, before=before, after=audit.snapshot(case))
    db.session.commit()


def respond(case: FeedbackCase, stated: edits.Stated, response: str, publishable: bool, public_summary: str,
            labels: dict | None = None, outcome: str | None = None) -> None:
    if publishable and case.sensitive:
        raise CaseRuleError(_("A sensitive case is never published."))
    if publishable and not public_summary.strip():
        raise CaseRuleError(_("Write what was raised in words fit to publish (no names, no numbers)."))
    before = audit.snapshot(case)
    edits.apply(case, stated, {"response": response.strip(), "publishable": publishable,
                               "public_summary": public_summary.strip(), "outcome": outcome or None}, labels)
    audit.record("respond", case, before=before, after=audit.snapshot(case))
    db.session.commit()


def set_answer_times(times: dict[str, tuple[int, int]], stated: dict[str, edits.Stated] | None = None) -> None:
    """Saves the answer times and moves the deadlines of open cases with them. stated: the
    version of each saved row the form showed; a row saved by someone else meanwhile merges, and
    where both changed one time differently nothing is saved (EditConflict)."""
    rows = {category: db.session.get(AnswerTime, category) for category in times}
    writes, conflicts = {}, []
    for category, (hours, days) in times.items():
        row = rows[category]
        if row is None:
            continue
        started = edits.Stated(row.version) if stated is None else stated.get(category, edits.Stated(0))
        writes[category], found = edits.merge(
            row, started, {"acknowledge_hours": hours, "resolve_days": days},
            {"acknowledge_hours": _("Hours to acknowledge"), "resolve_days": _("Days to resolve")},
            str(CATEGORIES[category]))
        conflicts.extend(found)
    if conflicts:
        raise edits.EditConflict(conflicts)
    for category, (hours, days) in times.items():
        row = rows[category]
        before = audit.snapshot(row) if row else None
        if row is None:
            row = AnswerTime(category=category, acknowledge_hours=hours, resolve_days=days)
            db.session.add(row)
        for name, value in writes.get(category, {}).items():
            setattr(row, name, value)
        if audit.snapshot(row) != before:
            audit.record("update" if before else "create", row, before=before, after=audit.snapshot(row))
    db.session.flush()
    current = answer_times()
    for case in db.session.scalars(select(FeedbackCase).where(
            FeedbackCase.status.in_(("received", "acknowledged", "in_progress")))):
        case.due_at = current_due(case, current)
    db.session.commit()


def raise_cluster(committee, user: User, category: str, programme: str, month: str, case_ids: list[int]):
    """Proposes a cluster of cases as one agenda item; actions from it name the cluster."""
    from workspace.committees import services as committee_services

    cluster = FeedbackCluster(committee=committee, category=category, programme=programme, month=month,
                              case_ids=sorted(case_ids))
    db.session.add(cluster)
    db.session.flush()
    db.session.execute(insert(FeedbackClusterCase), [{"cluster_id": cluster.id, "case_id": case_id}
                                                     for case_id in sorted(set(case_ids))])
    audit.record("create", cluster, after=audit.snapshot(cluster))
    title = _("%(count)s cases (%(category)s) about %(programme)s, %(month)s", count=len(case_ids),
              category=CATEGORIES[category], programme=programme or _("no programme named"),
              month=as_period(month))
    return committee_services.propose_item(committee, user, origin=("feedback_cluster", cluster.id),
                                           title=title[:200], kind="discussion", minutes_allotted=15,
                                           description=_("Raised from the feedback cases of the area."))


class CannotAppeal(CaseRuleError):
    pass


def appeal_refusal(case: FeedbackCase, now=None) -> str | None:
    """Why the person may not appeal the case now, or None if they may: a complaint resolved
    within APPEAL_DAYS, not itself an appeal, not appealed already."""
    now = now or utcnow()
    if case.category != "complaint" or case.status not in ("resolved", "closed") or case.resolved_at is None:
        return _("Only a complaint that has been answered can be appealed.")
    if case.resolved_at + timedelta(days=current_app.config["APPEAL_DAYS"]) < now:
        return _("The time to appeal (%(days)s days from the answer) has passed.",
                 days=current_app.config["APPEAL_DAYS"])
    if db.session.get(CaseAppeal, case.id) is not None:
        return _("This is an appeal already: its decision is the last one.")
    if db.session.scalar(select(CaseAppeal.appeal_id).where(CaseAppeal.original_id == case.id)) is not None:
        return _("This case has been appealed already.")
    return None


def appeal(case: FeedbackCase, reason: str, address: str, device: str | None = None) -> FeedbackCase:
    """The person's appeal against the decision: a new case, linked to this one, handled by the
    organisation the rules name for the area above (else waiting to be routed by hand)."""
    refusal = appeal_refusal(case)
    if refusal:
        raise CannotAppeal(refusal)
    take_intake(address, device)
    appeal_case = FeedbackCase(
        category=case.category, channel="web", description=reason.strip(), area_id=case.area_id,
        programme=case.programme, programme_id=case.programme_id, anonymous=case.anonymous, sensitive=case.sensitive,
        contact_name=case.contact_name, contact_phone=case.contact_phone, language=case.language,
        assigned_organization_id=routing.handler_above(case), status="received", received_at=utcnow(),
        code=unique_code())
    appeal_case.due_at = current_due(appeal_case, answer_times())
    appeal_case.notes.append(CaseNote(from_status="received", to_status="received",
                                      text=_("An appeal against the decision on case %(code)s.", code=case.code)))
    case.notes.append(CaseNote(from_status=case.status, to_status=case.status,
                               text=_("Appealed by the person: case %(code)s.", code=appeal_case.code)))
    db.session.add(appeal_case)
    db.session.flush()
    link = CaseAppeal(appeal_id=appeal_case.id, original_id=case.id)
    db.session.add(link)
    audit.record("create", appeal_case, after=audit.snapshot(appeal_case))
    audit.record("appeal", link, after=audit.snapshot(link))
    db.session.commit()
    return appeal_case
