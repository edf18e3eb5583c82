"""Committees: the list, a committee's page, its details and its members; the calendar feed."""
from functools import cache

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import Date, DateTime, Select, String, bindparam, case, cast, func, literal_column, null, select, union_all
from sqlalchemy.orm import aliased, contains_eager, joinedload, selectinload

from workspace import access, audit
from workspace.clock import utcnow
from workspace.committees import bp, reports, services
from workspace.committees.calendar import calendar_response
from workspace.committees.forms import CommitteeEditForm, CommitteeForm, MemberForm, RoleForm
from workspace.committees.loaders import COMMITTEE_NAME, committee_row_or_404, get_committee_or_404
from workspace.extensions import db
from workspace.forms import EmptyForm
from workspace.i18n import gettext as _
from workspace.inputs import whole_number
from workspace.labels import translated
from workspace.pages import paginate_built, render_form
from workspace.models import (
    COMMITTEE_LEVELS, COMMITTEE_ROLES, MEETING_STATUSES, SECTOR_OF_KIND, SECTORS, ActionPlan, Area, Committee, Meeting,
    Membership, Organization, User,
)

UPCOMING_SHOWN = 5
PAST_SHOWN = 5
PLANS_SHOWN = 5
MEMBERS_SHOWN = 12  # the chair and secretary first; "All members" lists everyone
CHILDREN_SHOWN = 12  # committees reporting here; the committee list filtered by parent shows all
COMMITTEES_PER_PAGE = MEETINGS_PER_PAGE = 25
MEETINGS_COUNTED = 100_000
ROLE_ORDER = {"chair": 0, "secretary": 1, "member": 2, "observer": 3}
ROLE_RANK = case(ROLE_ORDER, value=Membership.role)


@bp.route("/committees")
@login_required
def committees():
    level = request.args.get("level", "")
    level = level if level in COMMITTEE_LEVELS else None
    # ?parent=<committee>: the committees reporting to it (linked from its page).
    parent = request.args.get("parent", type=whole_number)
    mine = not access.is_admin(current_user)
    page = paginate_built(_committees_listed(mine, level is not None, bool(parent)),
                          {"user": current_user.id, "level": level, "parent": parent, "now": utcnow()},
                          COMMITTEES_PER_PAGE, _committee_rows)
    if parent:
        parent = reports.read(COMMITTEE_NAME, {"committee": parent}).one_or_none()
    return render_template("committees/list.html", page=page, level=level or "", levels=COMMITTEE_LEVELS,
                           parent=parent if parent and access.can_see_committee(current_user, parent) else None,
                           my_roles=access.committee_roles(current_user), roles=translated(COMMITTEE_ROLES),
                           level_labels=translated(COMMITTEE_LEVELS))


@cache
def _committees_listed(mine: bool, by_level: bool, by_parent: bool) -> Select:
    """The ids of the committees listed, in the list's order: the person's own (all for an
    administrator), of a level, reporting to a committee."""
    query = select(Committee.id).order_by(Committee.name, Committee.id)
    if mine:
        query = query.where(Committee.id.in_(select(Membership.committee_id).where(Membership.user_id == bindparam("user"))))
    if by_level:
        query = query.where(Committee.level == bindparam("level"))
    if by_parent:
        query = query.where(Committee.parent_id == bindparam("parent"))
    return query


_Parent = aliased(Committee)


def _committee_rows(page_ids) -> Select:
    """The page's committees as rows of what the list shows: name, level, area, the committee
    each reports to, and the next planned meeting (from the index on committee, status, start)."""
    next_meeting = (select(func.min(Meeting.starts_at))
                    .where(Meeting.committee_id == Committee.id, Meeting.status == "planned",
                           Meeting.starts_at >= bindparam("now"))
                    .scalar_subquery())
    return (select(Committee.id, Committee.name, Committee.level, Area.name.label("area_name"),
                   _Parent.name.label("parent_name"), next_meeting.label("next_meeting"))
            .join(page_ids, page_ids.c.id == Committee.id).join(Area, Area.id == Committee.area_id)
            .outerjoin(_Parent, _Parent.id == Committee.parent_id).order_by(Committee.name, Committee.id))


@bp.route("/committees/new", methods=["GET", "POST"])
@access.admin_required
def new_committee():
    form = CommitteeForm()
    if form.validate_on_submit():
        committee = Committee()
        form.populate_obj(committee)
        db.session.add(committee)
        audit.record("create", committee, after=audit.snapshot(committee))
        db.session.commit()
        flash(_("Committee created. Now add its chair, secretary and members."), "success")
        return redirect(url_for("committees.members", committee_id=committee.id))
    return render_form("committees/committee_form.html", form, committee=None)


@bp.route("/committees/<int:committee_id>")
@login_required
def committee(committee_id: int):
    # As get_committee_or_404(): outsiders learn nothing, and nothing is read for them.
    if not access.can_see_committee(current_user, committee_id):
        abort(404)
    page = reports.committee_page(committee_id, current_user)
    if page is None:
        abort(404)
    committee, figures = page
    # The next planned meetings, the last others and the latest plans, each sorted here: one query.
    shown = {"upcoming": [], "past": [], "plan": []}
    for row in reports.read(_meetings_and_plans_shown(), {"committee": committee.id, "now": utcnow()}):
        shown[row.list].append(row)
    upcoming = sorted(shown["upcoming"], key=lambda meeting: meeting.starts_at)
    past = sorted(shown["past"], key=lambda meeting: meeting.starts_at, reverse=True)
    plans = sorted(shown["plan"], key=lambda plan: plan.period_end, reverse=True)
    memberships = reports.read(_members_shown(), {"committee": committee.id}).all()
    sector_labels = translated(SECTORS)
    return render_template(
        "committees/committee.html", committee=committee, memberships=memberships, upcoming=upcoming, past=past,
        figures=figures, sectors=reports.attendance_by_sector(committee),
        role=access.committee_role(current_user, committee), plans=plans, sector_labels=sector_labels,
        kind_sectors={kind: sector_labels[sector] for kind, sector in SECTOR_OF_KIND.items()},
        status_labels=translated(MEETING_STATUSES), role_labels=translated(COMMITTEE_ROLES),
        level_labels=translated(COMMITTEE_LEVELS), children=visible_children(committee), children_shown=CHILDREN_SHOWN)


# The committee page's lists, as rows of what they show, each statement built once.

def _shown(name: str, *columns):
    """A list's columns, named alike in every list: list, id, title, starts_at, place, status, period_start, period_end."""
    names = ("id", "title", "starts_at", "place", "status", "period_start", "period_end")
    return select(literal_column(f"'{name}'").label("list"), *(column.label(n) for column, n in zip(columns, names)))


@cache
def _meetings_and_plans_shown():
    """The next planned meetings, the last others and the latest action plans, in one query:
    `list` tells them apart; each has the columns its list shows, and nulls for the others'."""
    no_plan = (cast(null(), Date), cast(null(), Date))
    meeting = (Meeting.id, Meeting.title, Meeting.starts_at, Meeting.place, Meeting.status)
    upcoming = (_shown("upcoming", *meeting, *no_plan)
                .where(Meeting.committee_id == bindparam("committee"), Meeting.status == "planned",
                       Meeting.starts_at >= bindparam("now"))
                .order_by(Meeting.starts_at).limit(UPCOMING_SHOWN).subquery())
    past = (_shown("past", *meeting, *no_plan)
            .where(Meeting.committee_id == bindparam("committee"),
                   (Meeting.starts_at < bindparam("now")) | (Meeting.status != "planned"))
            .order_by(Meeting.starts_at.desc()).limit(PAST_SHOWN).subquery())
    plans = (_shown("plan", ActionPlan.id, ActionPlan.title, cast(null(), DateTime), cast(null(), String),
                    cast(null(), String), ActionPlan.period_start, ActionPlan.period_end)
             .where(ActionPlan.committee_id == bindparam("committee"))
             .order_by(ActionPlan.period_end.desc()).limit(PLANS_SHOWN).subquery())
    return union_all(select(upcoming), select(past), select(plans))


@cache
def _members_shown():
    """The first members: name, role, organisation and its kind; chair, secretary, members, observers, each by name."""
    return (select(User.name, Membership.role, Organization.name.label("organization"), Organization.kind)
            .join(User, User.id == Membership.user_id).join(Organization, Organization.id == User.organization_id)
            .where(Membership.committee_id == bindparam("committee"))
            .order_by(ROLE_RANK, func.lower(User.name), User.id).limit(MEMBERS_SHOWN))


@cache
def _children(for_admin: bool):
    query = (select(Committee.id, Committee.name, Committee.level).where(Committee.parent_id == bindparam("committee"))
             .order_by(Committee.name, Committee.id).limit(CHILDREN_SHOWN + 1))
    if not for_admin:  # as access.can_see_committee: members only
        query = query.where(Committee.id.in_(bindparam("mine", expanding=True)))
    return query


def visible_children(committee) -> list:
    """The first committees reporting to this one that the person may see (id, name, level), one
    more than are shown when there are more: a national committee has dozens."""
    if access.is_admin(current_user):
        return reports.read(_children(True), {"committee": committee.id}).all()
    return reports.read(_children(False), {"committee": committee.id,
                                           "mine": list(access.committee_roles(current_user))}).all()


def members_in_order(committee: Committee):
    """The committee's memberships with their people: chair, secretary, members, observers, each by name."""
    return (select(Membership).join(Membership.user).where(Membership.committee_id == committee.id)
            .options(contains_eager(Membership.user).joinedload(User.organization))
            .order_by(ROLE_RANK, func.lower(User.name), User.id))


@bp.route("/committees/<int:committee_id>/edit", methods=["GET", "POST"])
@login_required
def edit_committee(committee_id: int):
    committee = get_committee_or_404(committee_id, need="manage")
    form = CommitteeEditForm(obj=committee, record=committee, may_place=access.can_place_committee(current_user))
    form.stamp(committee)
    if form.validate_on_submit():
        services.update_committee(committee, form.stated(), form.labels(), **form.committee_fields())
        flash(_("Saved."), "success")
        return redirect(url_for("committees.committee", committee_id=committee.id))
    return render_form("committees/committee_form.html", form, committee=committee)


@bp.route("/committees/<int:committee_id>/members", methods=["GET", "POST"])
@login_required
def members(committee_id: int):
    committee = get_committee_or_404(committee_id)
    memberships = db.session.scalars(members_in_order(committee)).all()
    form = MemberForm(exclude={m.user_id for m in memberships})
    status = 200
    if request.method == "POST":
        if not access.can_manage_committee(current_user, committee):
            abort(403)
        if form.validate_on_submit():
            try:
                membership = services.add_member(committee, db.session.get(User, form.user_id.data), form.role.data)
            except services.CommitteeRuleError as error:
                form.form_errors.append(str(error))
            else:
                flash(_("%(name)s joined as %(role)s.", name=membership.user.name, role=membership.role_label), "success")
                return redirect(url_for("committees.members", committee_id=committee.id))
        status = 422
    return render_template("committees/members.html", committee=committee, memberships=memberships,
                           form=form, role_form=RoleForm), status


def _membership_or_404(committee: Committee, membership_id: int) -> Membership:
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.committee_id != committee.id:
        abort(404)
    return membership


@bp.route("/committees/<int:committee_id>/members/<int:membership_id>/role", methods=["POST"])
@login_required
def change_role(committee_id: int, membership_id: int):
    committee = get_committee_or_404(committee_id, need="manage")
    membership = _membership_or_404(committee, membership_id)
    form = RoleForm()
    if form.validate_on_submit():
        try:
            services.change_role(membership, form.stated(), form.role.data)
            flash(_("%(name)s is now %(role)s.", name=membership.user.name, role=membership.role_label), "success")
        except services.CommitteeRuleError as error:
            flash(str(error), "error")
    else:
        flash(_("Choose a role from the list."), "error")
    return redirect(url_for("committees.members", committee_id=committee.id))


@bp.route("/committees/<int:committee_id>/members/<int:membership_id>/remove", methods=["POST"])
@login_required
def remove_member(committee_id: int, membership_id: int):
    committee = get_committee_or_404(committee_id, need="manage")
    membership = _membership_or_404(committee, membership_id)
    if EmptyForm().validate_on_submit():
        name = membership.user.name
        try:
            services.remove_member(membership)
            flash(_("%(name)s is no longer a member.", name=name), "success")
        except services.CommitteeRuleError as error:
            flash(str(error), "error")
    return redirect(url_for("committees.members", committee_id=committee.id))


@bp.route("/committees/<int:committee_id>/meetings")
@login_required
def meetings(committee_id: int):
    committee = committee_row_or_404(committee_id)
    # A committee's meetings are a few hundred at most: all counted, the page says how many.
    page = paginate_built(_meetings_listed(), {"committee": committee.id}, MEETINGS_PER_PAGE, _meeting_rows,
                          count_up_to=MEETINGS_COUNTED)
    return render_template("committees/meetings.html", committee=committee, page=page,
                           status_labels=translated(MEETING_STATUSES))


@cache
def _meetings_listed() -> Select:
    return (select(Meeting.id).where(Meeting.committee_id == bindparam("committee"))
            .order_by(Meeting.starts_at.desc(), Meeting.id.desc()))


def _meeting_rows(page_ids) -> Select:
    """The page's meetings as rows of what the list shows."""
    return (select(Meeting.id, Meeting.title, Meeting.starts_at, Meeting.place, Meeting.call_link, Meeting.status)
            .join(page_ids, page_ids.c.id == Meeting.id).order_by(Meeting.starts_at.desc(), Meeting.id.desc()))


@bp.route("/committees/<int:committee_id>/calendar/<token>.ics")
def calendar_feed(committee_id: int, token: str):
    """A member's subscription address: the token stands in for a login that calendar apps
    cannot do, and stops working when the membership ends."""
    membership = db.session.scalar(select(Membership).where(
        Membership.committee_id == committee_id, Membership.feed_token == token))
    if membership is None or not membership.user.active:
        abort(404)
    meetings = db.session.scalars(
        select(Meeting).where(Meeting.committee_id == committee_id).order_by(Meeting.starts_at.desc())
        .limit(500).options(selectinload(Meeting.items), joinedload(Meeting.committee))).all()
    return calendar_response(meetings, membership.committee.name, f"{membership.committee.name}.ics")
