from functools import cache

from flask import Blueprint, render_template
from flask_login import current_user, login_required
from datetime import timedelta

from sqlalchemy import Select, bindparam, case, func, select
from sqlalchemy.orm import load_only

from workspace.clock import local_today, utcnow
from workspace.extensions import db
from workspace import access
from workspace.feedback import routing
from workspace.models import (
    COMMITTEE_ROLES, OPEN_STATUSES, SOON_DAYS, Action, Committee, FeedbackCase, Meeting, Membership,
)
from workspace.pages import bounded_count
from workspace.reading import fixed

bp = Blueprint("home", __name__, template_folder="templates")

COMMITTEES_SHOWN = 10


# The page's statements, the same for everyone and built once (building them each time cost as
# much as running them); who asks, and when, are parameters.
@cache
def _my_committees() -> Select:
    return (select(Membership.role, Committee).join(Committee, Committee.id == Membership.committee_id)
            .options(load_only(Committee.name))  # not the terms of reference of each
            .where(Membership.user_id == bindparam("user")).order_by(Committee.name).limit(COMMITTEES_SHOWN))


@cache
def _next_meetings() -> Select:
    soonest = (select(Meeting.committee_id, func.min(Meeting.starts_at).label("starts_at"))
               .where(Meeting.committee_id.in_(bindparam("committees", expanding=True)),
                      Meeting.status == fixed("planned"), Meeting.starts_at >= bindparam("now"))
               .group_by(Meeting.committee_id)).subquery()
    return (select(Meeting).options(load_only(Meeting.committee_id, Meeting.title, Meeting.starts_at))
            .join(soonest, (Meeting.committee_id == soonest.c.committee_id) & (Meeting.starts_at == soonest.c.starts_at)))


@cache
def _my_actions() -> Select:
    # Bucket by due date; grouped by the label, so PostgreSQL sees one expression, not two.
    bucket = case((Action.due_date < bindparam("today"), "overdue"),
                  (Action.due_date <= bindparam("soon"), "soon"), else_="later").label("bucket")
    return (select(bucket, func.count()).where(Action.focal_person_id == bindparam("user"),
                                               Action.status.in_(OPEN_STATUSES)).group_by(bucket))


@bp.route("/")
@login_required
def index():
    """Where a person starts: their committees and what comes next in each."""
    memberships = db.session.execute(_my_committees(), {"user": current_user.id}).all()
    ids = [committee.id for _role, committee in memberships]
    next_meetings = {}
    if ids:
        for meeting in db.session.scalars(_next_meetings(), {"committees": ids, "now": utcnow()}):
            next_meetings[meeting.committee_id] = meeting
    today = local_today()
    mine = dict(db.session.execute(_my_actions(), {
        "user": current_user.id, "today": today, "soon": today + timedelta(days=SOON_DAYS)}).all())
    return render_template("home/index.html", memberships=memberships, next_meetings=next_meetings,
                           roles=COMMITTEE_ROLES, my_actions=mine, cases=_case_counts())


def _case_counts() -> dict:
    """For those who handle feedback: their organisation's new cases, not yet acknowledged; for
    administrators, the open cases no rule routed: each (how many, whether there are more)."""
    counts = {}
    if access.can_record_cases(current_user):
        counts["new"] = bounded_count(select(FeedbackCase.id).where(
            access.visible_cases(current_user), FeedbackCase.assigned_organization_id == current_user.organization_id,
            FeedbackCase.status == fixed("received")), routing.REMINDER_COUNT_UP_TO)
    if access.is_admin(current_user):
        counts["to_route"] = routing.to_route(current_user)
    return counts
