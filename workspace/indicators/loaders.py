"""Load a group's indicator records for the current user: 404 for anyone who may not see the
group's data, 403 for someone who sees it but may not do this."""
from flask import abort
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from workspace import access
from workspace.extensions import db
from workspace.models import Indicator, IndicatorValue, Organization

NEEDS = {
    "see": access.can_see_group_data,
    "define": access.can_define_indicators,
    "coordinate": access.is_coordinator,
    "enter": access.can_enter_values,
    "verify": access.is_verifier,
}


def check(group: Organization, need: str) -> None:
    if group.kind != "community_group" or not access.can_see_group_data(current_user, group):
        abort(404)
    if not NEEDS[need](current_user, group):
        abort(403)


def get_group_or_404(group_id: int, need: str = "see") -> Organization:
    group = db.get_or_404(Organization, group_id)
    check(group, need)
    return group


def get_indicator_or_404(indicator_id: int, need: str = "see") -> Indicator:
    indicator = db.session.scalar(select(Indicator).where(Indicator.id == indicator_id)
                                  .options(joinedload(Indicator.organization)))
    if indicator is None:
        abort(404)
    check(indicator.organization, need)
    return indicator


def get_value_or_404(value_id: int, need: str = "verify") -> IndicatorValue:
    value = db.session.scalar(select(IndicatorValue).where(IndicatorValue.id == value_id)
                              .options(joinedload(IndicatorValue.indicator).joinedload(Indicator.organization)))
    if value is None:
        abort(404)
    check(value.indicator.organization, need)
    return value
