"""Who may do what: small named rules, used by routes (the protection) and templates (the buttons).

Routes guard themselves with the decorators here and with loaders that call the object rules,
so that a request the rules refuse never reaches the view's work.
"""
from functools import lru_cache, wraps

from flask import abort, g
from flask_login import current_user, login_required
from sqlalchemy import String, and_, bindparam, cast, func, or_, select

from workspace.extensions import htmx


def is_admin(user) -> bool:
    return bool(user and user.is_authenticated and user.is_admin)


def same_organization(user, organization_id: int | None) -> bool:
    return bool(user and user.is_authenticated and organization_id is not None
                and user.organization_id == organization_id)


def in_sector(user, sector: str) -> bool:
    return bool(user and user.is_authenticated and user.sector == sector)


def can_manage_users(user) -> bool:
    return is_admin(user)


def can_manage_directory(user) -> bool:
    """Areas and organisations are kept by administrators."""
    return is_admin(user)


def can_read_audit(user) -> bool:
    return is_admin(user)


# --- Committees --------------------------------------------------------------------------------

def committee_roles(user) -> dict[int, str]:
    """{committee id: role} for the user, looked up once per request."""
    if not (user and user.is_authenticated):
        return {}
    cache = g.setdefault("committee_roles", {})
    if user.id not in cache:
        from workspace.pages import read

        cache[user.id] = dict(read(_roles_statement("committees"), {"user": user.id}).all())
    return cache[user.id]


@lru_cache(maxsize=None)
def _roles_statement(of: str):
    """A person's roles in committees or in community groups, as (id, role) rows: built once (most
    pages ask), who asks bound on each use."""
    from workspace.models import GroupRole, Membership

    if of == "committees":
        return select(Membership.committee_id, Membership.role).where(Membership.user_id == bindparam("user"))
    return select(GroupRole.organization_id, GroupRole.role).where(GroupRole.user_id == bindparam("user"))


@lru_cache(maxsize=None)
def roles_of_user_columns(user_id) -> tuple:
    """The person's committee roles and group roles as two columns of text ("12:chair,15:member"),
    for the query that loads the person: most pages ask for them, and reading them there saves a
    round trip to the database (see keep_roles)."""
    from workspace.models import GroupRole, Membership

    def joined(id_column, role_column, user_column):
        return (select(func.aggregate_strings(cast(id_column, String) + ":" + role_column, ","))
                .where(user_column == user_id).scalar_subquery())

    return (joined(Membership.committee_id, Membership.role, Membership.user_id).label("committee_roles"),
            joined(GroupRole.organization_id, GroupRole.role, GroupRole.user_id).label("group_roles"))


def keep_roles(user, committees: str | None, groups: str | None) -> None:
    """The roles read with the person (roles_of_user_columns), kept as committee_roles and
    group_roles would look them up for this request."""
    def pairs(text: str | None):
        for pair in (text or "").split(","):
            if pair:
                key, _, role = pair.partition(":")
                yield int(key), role

    g.setdefault("committee_roles", {})[user.id] = dict(pairs(committees))
    found: dict[int, set[str]] = {}
    for organization_id, role in pairs(groups):
        found.setdefault(organization_id, set()).add(role)
    g.setdefault("group_roles", {})[user.id] = found


def committee_role(user, committee) -> str | None:
    return committee_roles(user).get(committee.id if hasattr(committee, "id") else committee)


def can_see_committee(user, committee) -> bool:
    """Members in any role, and administrators. Nobody else learns that it exists."""
    return is_admin(user) or committee_role(user, committee) is not None


def can_run_committee(user, committee) -> bool:
    """Chair and secretary: meetings, agendas, attendance, minutes, decisions, proposals."""
    return committee_role(user, committee) in ("chair", "secretary")


def can_manage_committee(user, committee) -> bool:
    """The committee's details and its membership: chair, secretary, administrators."""
    return is_admin(user) or can_run_committee(user, committee)


def can_place_committee(user) -> bool:
    """Where a committee sits (its area and the committee it reports to) decides what its members
    read and where they raise items: administrators set it, never the committee's own chair."""
    return is_admin(user)


def can_propose_item(user, committee) -> bool:
    """Any member but an observer: observers read, never write."""
    return committee_role(user, committee) in ("chair", "secretary", "member")


def can_create_committee(user) -> bool:
    return is_admin(user)


# --- Action plans and actions ----------------------------------------------------------------------

def can_see_plan(user, plan) -> bool:
    """A committee's plan: its members (and administrators). A group's plan: the group's people."""
    if is_admin(user):
        return True
    if plan.committee_id is not None:
        return can_see_committee(user, plan.committee_id)
    return same_organization(user, plan.organization_id)


def can_manage_plan(user, plan) -> bool:
    """Add actions, edit the plan: the committee's chair and secretary, or the group's people."""
    if plan.committee_id is not None:
        return can_run_committee(user, plan.committee_id)
    return same_organization(user, plan.organization_id)


def can_see_action(user, action) -> bool:
    """Those who see its plan, and those who must do it: the responsible organisation and the
    focal person."""
    return (can_see_plan(user, action.plan) or same_organization(user, action.responsible_organization_id)
            or (user.is_authenticated and user.id == action.focal_person_id))


def can_update_action(user, action) -> bool:
    """The focal person, the responsible organisation's people, and the plan's managers."""
    return bool(user.is_authenticated and (
        user.id == action.focal_person_id or same_organization(user, action.responsible_organization_id)
        or can_manage_plan(user, action.plan)))


def can_create_group_plan(user, organization) -> bool:
    return organization.kind == "community_group" and same_organization(user, organization.id)


# --- Community indicators -------------------------------------------------------------------------

def group_roles(user) -> dict[int, set[str]]:
    """{group id: {"coordinator", "verifier"}} for the user, looked up once per request."""
    if not (user and user.is_authenticated):
        return {}
    cache = g.setdefault("group_roles", {})
    if user.id not in cache:
        from workspace.pages import read

        found: dict[int, set[str]] = {}
        for organization_id, role in read(_roles_statement("groups"), {"user": user.id}):
            found.setdefault(organization_id, set()).add(role)
        cache[user.id] = found
    return cache[user.id]


def _group_id(group) -> int:
    return group.id if hasattr(group, "id") else group


def is_group_member(user, group) -> bool:
    return same_organization(user, _group_id(group))


def is_coordinator(user, group) -> bool:
    return is_group_member(user, group) and "coordinator" in group_roles(user).get(_group_id(group), set())


def is_verifier(user, group) -> bool:
    return "verifier" in group_roles(user).get(_group_id(group), set())


def reads_through_committee(user, group) -> bool:
    """A member of a committee whose area holds the group's area reads the group's results."""
    committees = committee_roles(user)
    if not committees:
        return False
    cache = g.setdefault("committee_reads", {})
    key = (user.id, group.id)
    if key not in cache:
        from workspace.extensions import db
        from workspace.models import AreaLineage, Committee

        # The group's area or one above it (the area lineage) is the area of one of those committees.
        cache[key] = db.session.scalar(select(Committee.id).join(
            AreaLineage, AreaLineage.ancestor_id == Committee.area_id).where(
            Committee.id.in_(list(committees)), AreaLineage.area_id == group.area_id).limit(1)) is not None
    return cache[key]


def can_see_group_data(user, group) -> bool:
    """The group's people, its verifiers, administrators, and committees over its area."""
    return bool(user and user.is_authenticated) and (
        is_admin(user) or is_group_member(user, group) or is_verifier(user, group)
        or reads_through_committee(user, group))


def can_define_indicators(user, group) -> bool:
    """Any of the group's people proposes; the coordinator adopts or drops."""
    return group.kind == "community_group" and is_group_member(user, group)


def can_enter_values(user, group) -> bool:
    return group.kind == "community_group" and is_group_member(user, group)


# --- Feedback cases ---------------------------------------------------------------------------------

def can_handle_case(user, case) -> bool:
    """Those handling a case: its assigned organisation's people, and administrators. Only they
    see the case itself, the contact of the person who raised it among it. A sensitive case only
    the named focal points of the organisation handling it (administrators who are focal points,
    while no organisation has it yet): everyone else, committees included, sees counts only."""
    if case.sensitive:
        return bool(user and user.is_authenticated and user.handles_sensitive) and (
            same_organization(user, case.assigned_organization_id)
            or (case.assigned_organization_id is None and is_admin(user)))
    return is_admin(user) or same_organization(user, case.assigned_organization_id)


def visible_cases(user):
    """SQL: the cases this person may see in a list (can_handle_case, for many cases at once)."""
    from workspace.models import FeedbackCase

    cases = FeedbackCase
    if is_admin(user):
        if user.handles_sensitive:
            return or_(~cases.sensitive, cases.assigned_organization_id.is_(None),
                       cases.assigned_organization_id == user.organization_id)
        return ~cases.sensitive
    mine = cases.assigned_organization_id == user.organization_id
    return mine if user.handles_sensitive else and_(mine, ~cases.sensitive)


def can_record_cases(user) -> bool:
    """Staff record feedback that came by phone, in person, by letter: government and NGO people."""
    return is_admin(user) or in_sector(user, "government") or in_sector(user, "ngo")


# --- Programmes -------------------------------------------------------------------------------------

def can_read_programmes(user) -> bool:
    """Every signed-in person reads the repository: who does what where is no secret among partners."""
    return bool(user and user.is_authenticated)


def can_add_programmes(user) -> bool:
    """Government and NGO people keep their organisations' programmes; administrators keep any."""
    return is_admin(user) or in_sector(user, "government") or in_sector(user, "ngo")


def can_edit_programme(user, programme) -> bool:
    return is_admin(user) or (can_add_programmes(user) and same_organization(user, programme.organization_id))


def can_manage_programme_lists(user) -> bool:
    """Lifecycle groups, clusters and GDP figures: the repository's settings, kept by administrators."""
    return is_admin(user)


# --- Action-planning sessions -----------------------------------------------------------------------

def may_join_session(user, session) -> bool:
    """Members with accounts who may take part: a committee's members but observers, a group's people."""
    if session.committee_id is not None:
        return can_propose_item(user, session.committee_id)
    return same_organization(user, session.organization_id)


def can_facilitate(user, session) -> bool:
    return bool(user and user.is_authenticated and user.id == session.facilitator_id)


def can_start_session(user, owner) -> bool:
    """NGO or government staff run sessions: for a committee they belong to, or for a group they are
    assigned to verify (or belong to)."""
    if not (in_sector(user, "ngo") or in_sector(user, "government")):
        return False
    if hasattr(owner, "kind"):  # an organisation: a community group
        return owner.kind == "community_group" and (is_verifier(user, owner) or same_organization(user, owner.id))
    return can_propose_item(user, owner)


def can_read_closed_session(user, session) -> bool:
    """After closing, the result is the owner's: its members read the summary."""
    if is_admin(user) or can_facilitate(user, session):
        return True
    if session.committee_id is not None:
        return can_see_committee(user, session.committee_id)
    return same_organization(user, session.organization_id)


def deny():
    """403 for pages and for htmx requests alike; the error handler picks page or fragment."""
    abort(403)


def admin_required(view):
    @login_required
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not is_admin(current_user):
            deny()
        return view(*args, **kwargs)

    return wrapped


RULES = {
    "is_admin": is_admin,
    "same_organization": same_organization,
    "in_sector": in_sector,
    "can_manage_users": can_manage_users,
    "can_manage_directory": can_manage_directory,
    "can_read_audit": can_read_audit,
    "committee_role": committee_role,
    "can_see_committee": can_see_committee,
    "can_run_committee": can_run_committee,
    "can_manage_committee": can_manage_committee,
    "can_propose_item": can_propose_item,
    "can_create_committee": can_create_committee,
    "can_place_committee": can_place_committee,
    "can_see_plan": can_see_plan,
    "can_manage_plan": can_manage_plan,
    "can_see_action": can_see_action,
    "can_update_action": can_update_action,
    "can_create_group_plan": can_create_group_plan,
    "is_coordinator": is_coordinator,
    "is_verifier": is_verifier,
    "can_see_group_data": can_see_group_data,
    "can_define_indicators": can_define_indicators,
    "can_enter_values": can_enter_values,
    "can_handle_case": can_handle_case,
    "can_record_cases": can_record_cases,
    "can_read_programmes": can_read_programmes,
    "can_add_programmes": can_add_programmes,
    "can_edit_programme": can_edit_programme,
    "can_manage_programme_lists": can_manage_programme_lists,
    "may_join_session": may_join_session,
    "can_facilitate": can_facilitate,
    "can_start_session": can_start_session,
}


def register(app) -> None:
    """Templates ask the same rules: {% if can_manage_users(current_user) %}."""
    app.jinja_env.globals.update(RULES)
    app.jinja_env.globals["htmx"] = htmx
