"""Load an owner's indicator records for the current user: 404 for anyone who may not see the
owner's data, 403 for someone who sees it but may not do this."""
from flask import abort
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from workspace.extensions import db
from workspace.indicators.owners import Owner, owner_of
from workspace.models import Committee, Indicator, IndicatorValue, Organization


def get_owner_or_404(group_id: int | None = None, committee_id: int | None = None, need: str = "see") -> Owner:
    record = db.get_or_404(Organization, group_id) if group_id is not None else db.get_or_404(Committee, committee_id)
    owner = Owner(record)
    owner.check(current_user, need)
    return owner


def get_indicator_or_404(indicator_id: int, need: str = "see") -> Indicator:
    indicator = db.session.scalar(select(Indicator).where(Indicator.id == indicator_id)
                                  .options(joinedload(Indicator.organization), joinedload(Indicator.committee)))
    if indicator is None:
        abort(404)
    owner_of(indicator).check(current_user, need)
    return indicator


def get_value_or_404(value_id: int, need: str = "verify") -> IndicatorValue:
    value = db.session.scalar(select(IndicatorValue).where(IndicatorValue.id == value_id).options(
        joinedload(IndicatorValue.indicator).joinedload(Indicator.organization),
        joinedload(IndicatorValue.indicator).joinedload(Indicator.committee)))
    if value is None:
        abort(404)
    owner_of(value.indicator).check(current_user, need)
    return value
