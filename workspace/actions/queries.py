"""Which actions a person sees, and the filters every action list shares (lists, timeline,
exports): one query whatever the number of actions.

The statements are built once for each combination of filters in use, with who asks and the
filters' values as parameters: building a statement (and its cache key) costs more than running it."""
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, lru_cache
from typing import NamedTuple

from flask import g
from sqlalchemy import Index, Select, bindparam, func, literal_column, or_, select
from sqlalchemy.orm import aliased

from workspace import access, kept, pages
from workspace.inputs import whole_number
from workspace.models import (
    ACTION_STATUSES, OPEN_STATUSES, SOON_DAYS, Action, ActionPlan, Committee, Organization, User, within_area,
)
from workspace.pages import Page, page_asked, read
from workspace.reading import CUSTOM_PLAN, fixed_parameter

SCOPES = ("mine", "organization", "all")
DUE = ("overdue", "soon")

# Indexes of the lists (migration d16c00000001). The open (or overdue, or due soon) actions of an
# organisation or a person, read from the index alone: with ix_actions_plan_status_due, each set a
# person sees (visible_to) is, so a status filter does not read every action of the set to test it.
Index("ix_actions_responsible_status_due", Action.responsible_organization_id, Action.status, Action.due_date)
Index("ix_actions_focal_person_status_due", Action.focal_person_id, Action.status, Action.due_date)
# The actions in due order with what visible_to and the status filters test: a list read in due
# order (in_due_order) tests each action from the index, not from the table's row.
Index("ix_actions_due_seen_by", Action.due_date, Action.id, Action.plan_id, Action.responsible_organization_id,
      Action.focal_person_id, Action.status)


@dataclass
class ActionFilters:
    scope: str = "all"
    status: str = ""
    organization: int | None = None
    committee: int | None = None
    plan: int | None = None
    area: int | None = None
    due: str = ""
    q: str = ""

    @classmethod
    def from_args(cls, args, **fixed) -> "ActionFilters":
        # Read from a plain dict (the first value of each name): a request's MultiDict raises, and
        # builds, an exception for each name it lacks, and most filters are not given.
        given = args.to_dict()

        def number(name):
            try:
                return whole_number(given[name]) if name in given else None
            except ValueError:
                return None

        scope, status, due = given.get("scope"), given.get("status"), given.get("due")
        filters = cls(
            scope=scope if scope in SCOPES else "all",
            status=status if status in ACTION_STATUSES or status == "open" else "",
            organization=number("organization"), committee=number("committee"), plan=number("plan"),
            area=number("area"), due=due if due in DUE else "",
            q=given.get("q", "").strip()[:100],
        )
        for name, value in fixed.items():
            setattr(filters, name, value)
        return filters

    def as_args(self) -> dict:
        """For links that keep the filters (exports, timeline, pages)."""
        # vars(), not asdict(): a page asks for these several times, and asdict copies every value deeply.
        return {k: v for k, v in vars(self).items() if v not in (None, "") and not (k == "scope" and v == "all")}


class Shape(NamedTuple):
    """Which conditions a list's statement has; their values are its parameters (see values)."""

    visible: bool  # narrowed to what the person sees: not for administrators, nor when the rest implies it
    scope: str
    status: str  # "", "open" or "one"
    organization: bool
    committee: bool
    plan: bool
    area: bool
    due: str
    search: bool

    @classmethod
    def of(cls, user, filters: ActionFilters, seen: bool = False) -> "Shape":
        """seen: the person sees every action the filters find (the plan's page, once the plan is
        seen). "Mine" and "my organisation's" are seen too: the focal person and the responsible
        organisation see an action (access.can_see_action)."""
        return cls(not (seen or filters.scope != "all" or access.is_admin(user)), filters.scope,
                   "open" if filters.status == "open" else "one" if filters.status else "",
                   bool(filters.organization), bool(filters.committee), bool(filters.plan), bool(filters.area),
                   filters.due, bool(filters.q))

    @property
    def narrow(self) -> bool:
        """A filter that finds a few hundred actions through its own index, to test each for
        whether the person sees it (see visible_to's in_due_order)."""
        return self.visible and (self.plan or self.committee or self.organization)


def values(user, filters: ActionFilters, today: date, shape: Shape) -> dict:
    """The parameters of a statement of this shape: who asks and what the filters ask for."""
    given = {"user_id": user.id, "organization_id": user.organization_id}
    if shape.visible:
        given["plans"] = seen_plans(user)
    if shape.status == "one":
        given["status"] = filters.status
    for name in ("organization", "committee", "plan", "area"):
        if getattr(shape, name):
            given[name] = getattr(filters, name)
    if shape.due:
        given["today"] = today
    if shape.due == "soon":
        given["soon"] = today + timedelta(days=SOON_DAYS)
    if shape.search:
        given["pattern"] = f"%{filters.q}%"
    return given


@cache
def _seen_plans_query() -> Select:
    return select(ActionPlan.id).where(or_(ActionPlan.committee_id.in_(bindparam("committees", expanding=True)),
                                           ActionPlan.organization_id == bindparam("organization_id")))


def seen_plans(user) -> list[int]:
    """The ids of the plans the person sees (access.can_see_plan): their committees' and their
    group's, looked up once a request. A list of ids, not a subquery, in visible_to: PostgreSQL
    reads "plan in (ids) or organisation = … or focal person = …" through the three indexes and
    merges them, where with a subquery it reads every action to test it."""
    known = g.setdefault("seen_plans", {})
    if user.id not in known:
        known[user.id] = read(_seen_plans_query(), {
            "committees": list(access.committee_roles(user)), "organization_id": user.organization_id}).scalars().all()
    return known[user.id]


def visible_to(in_due_order: bool = False):
    """The SQL condition for the actions a person may see (access.can_see_action, in SQL), with the
    plans they see, their organisation and their id as parameters (plans, organization_id, user_id).
    Each alternative is a condition on the action's own columns, so that the database reads each
    through its index and merges them, rather than joining every action to its plan to test them.

    in_due_order: for someone who sees thousands of actions, reading the actions in due order and
    testing each is quicker than collecting all they see to sort them: the first page is found
    after a few hundred. "+ 0" keeps the database from reading the condition's columns through
    their indexes (on SQLite and PostgreSQL alike), so that it takes the due-date index instead
    (or the index of a narrower filter: a plan, a committee, an organisation)."""
    def column(attribute):
        return attribute + literal_column("0") if in_due_order else attribute

    # The plans' ids written into the statement (ids read from the database, not typed by anyone):
    # PostgreSQL plans and runs it about twice as fast as with a parameter for each.
    return or_(column(Action.plan_id).in_(bindparam("plans", expanding=True, literal_execute=True)),
               column(Action.responsible_organization_id) == bindparam("organization_id"),
               column(Action.focal_person_id) == bindparam("user_id"))


def conditions(shape: Shape, in_due_order: bool = False) -> list:
    """The WHERE of a list of this shape, its values left as parameters."""
    where = [visible_to(in_due_order)] if shape.visible else []
    if shape.scope == "mine":
        where.append(Action.focal_person_id == bindparam("user_id"))
    elif shape.scope == "organization":
        where.append(Action.responsible_organization_id == bindparam("organization_id"))
    if shape.status == "one":
        where.append(Action.status == bindparam("status"))
    if shape.status == "open" or shape.due:
        where.append(Action.status.in_(OPEN_STATUSES))
    if shape.organization:
        where.append(Action.responsible_organization_id == bindparam("organization"))
    if shape.committee:
        where.append(Action.plan_id.in_(select(ActionPlan.id).where(ActionPlan.committee_id == bindparam("committee"))))
    if shape.plan:
        where.append(Action.plan_id == bindparam("plan"))
    if shape.area:
        where.append(Action.responsible_organization_id.in_(
            select(Organization.id).where(within_area(Organization.area_id, bindparam("area")))))
    if shape.due == "overdue":
        where.append(Action.due_date < bindparam("today"))
    elif shape.due == "soon":
        where.extend([Action.due_date >= bindparam("today"), Action.due_date <= bindparam("soon")])
    if shape.search:
        pattern = bindparam("pattern")
        where.append(or_(Action.title.ilike(pattern), Action.description.ilike(pattern)))
    return where


class ListedAction(NamedTuple):
    """An action as lists, timelines and exports show it: its own fields and the names of its plan,
    the plan's owner, the responsible organisation and the focal person (read with it as columns:
    a list of fifty actions builds no records), and whether it is overdue on the day it was read."""

    id: int
    title: str
    plan_title: str
    owner_name: str
    responsible_name: str
    focal_name: str | None
    start_date: date
    due_date: date
    status: str
    progress: int
    blocked_reason: str | None
    overdue: bool = False  # open and past its due date (Action.is_overdue) on the day it was read


@cache
def listed_columns(looked_up: bool = False) -> Select:
    """select(the columns of ListedAction but overdue) over actions and what they name, in its order.

    looked_up: the names read by a subquery for each action rather than by joining their tables,
    for a page of actions: PostgreSQL takes longer to plan a join of six tables (trying their
    orders) than to run it for fifty actions; an export of thousands joins them."""
    if looked_up:
        def name(model, key):
            return select(model.name).where(model.id == key).scalar_subquery()

        names = (func.coalesce(name(Committee, ActionPlan.committee_id), name(Organization, ActionPlan.organization_id)),
                 name(Organization, Action.responsible_organization_id), name(User, Action.focal_person_id))
        joined = select(Action.id).select_from(Action).join(ActionPlan, ActionPlan.id == Action.plan_id)
    else:
        owner_committee, owner_group = aliased(Committee), aliased(Organization)
        responsible, focal = aliased(Organization), aliased(User)
        names = (func.coalesce(owner_committee.name, owner_group.name), responsible.name, focal.name)
        joined = (select(Action.id).select_from(Action).join(ActionPlan, ActionPlan.id == Action.plan_id)
                  .outerjoin(owner_committee, owner_committee.id == ActionPlan.committee_id)
                  .outerjoin(owner_group, owner_group.id == ActionPlan.organization_id)
                  .join(responsible, responsible.id == Action.responsible_organization_id)
                  .outerjoin(focal, focal.id == Action.focal_person_id))
    return joined.with_only_columns(
        Action.id, Action.title, ActionPlan.title, *names, Action.start_date, Action.due_date, Action.status,
        Action.progress, Action.blocked_reason, maintain_column_froms=False)


@lru_cache(maxsize=256)
def statement(shape: Shape, purpose: str, in_due_order: bool = False) -> Select:
    """The list's statement for a purpose, built once for each shape: "count" (its rows, up to the
    parameter up_to), "page" (the ListedAction columns of the page from offset, limit long: the
    actions are found and sorted as ids, and only the page's names are looked up), or
    "export" (the ListedAction columns of all of them, up to the parameter limit)."""
    ids = select(Action.id).where(*conditions(shape, in_due_order))
    if purpose == "count":
        counting = select(func.count()).select_from(ids.limit(fixed_parameter("up_to")).subquery())
        # Planned once for any day, a count of actions due before or after a day read every
        # action's due date (23 ms for an overdue count that takes 6).
        return counting.execution_options(**CUSTOM_PLAN) if shape.due else counting
    in_order = (Action.due_date, Action.id)
    if purpose == "page":
        page_ids = ids.order_by(*in_order).limit(fixed_parameter("limit")).offset(fixed_parameter("offset")).subquery()
        return listed_columns(looked_up=True).join(page_ids, page_ids.c.id == Action.id).order_by(*in_order)
    return listed_columns().where(*conditions(shape, in_due_order)).order_by(*in_order).limit(bindparam("limit"))


# An action list's count under its bound is kept this many seconds, by list, person and filters:
# paging through the overdue actions of a chair's committees (hundreds, on PostgreSQL 2 ms to
# count) counts them once. A page whose rows do not match the count kept is counted again at once,
# and so is every list once this process saves an action.
COUNT_KEPT = 15


def find_actions(user, filters: ActionFilters, today: date, per_page: int, seen: bool = False) -> Page:
    """One page of the actions the person sees and the filters ask for, as ListedActions, and
    their count up to pages.COUNT_UP_TO: two queries (and seen_plans, once a request), one while
    the count is kept (pages.kept_count: past the bound, or for COUNT_KEPT seconds). seen: see
    Shape.of."""
    shape = Shape.of(user, filters, seen)
    given = values(user, filters, today, shape)
    up_to = pages.COUNT_UP_TO
    counting = statement(shape, "count", shape.narrow)
    counted = pages.kept_count(counting, up_to, given)
    kept = counted is not None
    while True:
        if counted is None:
            counted = read(counting, {**given, "up_to": up_to + 1}).scalar()
            pages.remember_count(counting, up_to, given, counted, within=COUNT_KEPT)
        total, more = min(counted, up_to), counted > up_to
        number = page_asked(total, per_page)
        rows = read(statement(shape, "page", shape.narrow or more),
                     {**given, "limit": per_page, "offset": (number - 1) * per_page}).all()
        # A kept count that no longer matches the page's rows (actions done or gone meanwhile) is
        # read again, with the page.
        if not kept or more or len(rows) == min(per_page, total - (number - 1) * per_page):
            break
        counted, kept = None, False
    return Page([ListedAction(*row, row.status in OPEN_STATUSES and row.due_date < today) for row in rows],
                number, per_page, total, more)


kept.forget_on_save(pages.forget_counts, Action)


def export_query(user, filters: ActionFilters, today: date, limit: int) -> tuple[Select, dict]:
    """The statement and parameters of every action the filters find (up to limit), in the lists'
    order, as the columns of ListedAction but overdue."""
    shape = Shape.of(user, filters)
    return statement(shape, "export", shape.narrow), {**values(user, filters, today, shape), "limit": limit}
