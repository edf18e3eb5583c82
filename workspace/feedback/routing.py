"""Routing at intake: every new case, from any channel, goes to the organisation the rules name for
its area, kind and programme. Administrators keep the rules (/admin/routing). Of the rules that
cover a case, the one of the nearest area wins (the case's own area, then the one above, up to a
rule for anywhere), then one naming the case's programme, then one naming its kind. A case no rule
covers waits, unassigned, in the administrators' "to route" list."""
from functools import cache

from sqlalchemy import Select, and_, bindparam, case, func, literal, or_, select
from sqlalchemy.exc import IntegrityError

from workspace import access, audit
from workspace.extensions import db
from workspace.i18n import gettext as _
from workspace.feedback import figures
from workspace.models import AreaLineage, FeedbackCase, RoutingRule, User
from workspace.pages import bounded_count

ANYWHERE_DEPTH = 1_000_000  # a rule for anywhere comes after every area's own


class RuleError(ValueError):
    """Why a rule is refused, in words for the administrator."""


@cache
def _match() -> Select:
    """The organisation of the rule that covers a case (area_id, category, programme_id bound;
    None for what the case does not name): one indexed lookup per area above the case's."""
    lineage = AreaLineage
    depth = func.coalesce(lineage.depth, literal(ANYWHERE_DEPTH))
    return (select(RoutingRule.organization_id)
            .outerjoin(lineage, and_(lineage.ancestor_id == RoutingRule.area_id,
                                     lineage.area_id == bindparam("area_id")))
            .where(or_(RoutingRule.area_id.is_(None), lineage.area_id.is_not(None)),
                   or_(RoutingRule.category.is_(None), RoutingRule.category == bindparam("category")),
                   or_(RoutingRule.programme_id.is_(None), RoutingRule.programme_id == bindparam("programme_id")))
            .order_by(depth, case((RoutingRule.programme_id.is_(None), 1), else_=0),
                      case((RoutingRule.category.is_(None), 1), else_=0), RoutingRule.id)
            .limit(1))


def route(area_id: int | None, category: str, programme_id: int | None) -> int | None:
    """The organisation that handles a new case, or None when no rule covers it."""
    return db.session.scalar(_match(), {"area_id": area_id or 0, "category": category,
                                        "programme_id": programme_id or 0})


def handler_above(case) -> int | None:
    """The next organisation up from the one handling the case (escalations and appeals): the
    rules' handler for the area above the case's, or higher up, the first that is not the one
    handling it now. None when there is none up to the top."""
    if case.area_id is None:
        return None
    above = db.session.scalars(select(AreaLineage.ancestor_id).where(AreaLineage.area_id == case.area_id,
                                                                     AreaLineage.depth > 0)
                               .order_by(AreaLineage.depth)).all()
    for area_id in above:
        handler = route(area_id, case.category, case.programme_id)
        if handler is not None and handler != case.assigned_organization_id:
            return handler
    return None


def add_rule(user: User, organization_id: int, area_id: int | None, category: str | None,
             programme_id: int | None) -> RoutingRule:
    rule = RoutingRule(organization_id=organization_id, area_id=area_id, category=category or None,
                       programme_id=programme_id)
    db.session.add(rule)
    try:
        db.session.flush()  # the database keeps one rule per area, kind and programme
    except IntegrityError:
        db.session.rollback()
        raise RuleError(_("A rule for this area, kind and programme exists already: remove it first.")) from None
    audit.record("create", rule, after=audit.snapshot(rule), actor=user)
    db.session.commit()
    return rule


def remove_rule(rule: RoutingRule) -> None:
    audit.record("delete", rule, before=audit.snapshot(rule))
    db.session.delete(rule)
    db.session.commit()


# Counts shown as a reminder, not a list: beyond this many, "more than" says enough and costs less.
REMINDER_COUNT_UP_TO = 100


def to_route(user: User) -> tuple[int, bool]:
    """How many open cases no organisation handles yet that this administrator may see (counted
    up to REMINDER_COUNT_UP_TO), and whether there are more."""
    return bounded_count(select(FeedbackCase.id).where(FeedbackCase.assigned_organization_id.is_(None), figures.OPEN,
                                                       access.visible_cases(user)), REMINDER_COUNT_UP_TO)
