"""Load an owner's indicator records for the current user: 404 for anyone who may not see the
owner's data, 403 for someone who sees it but may not do this."""
from functools import cache

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload

from workspace.extensions import db
from workspace.indicators.owners import Owner, owner_of
from workspace.models import Committee, Indicator, IndicatorValue, Organization, ValueEvidence


# The statements are built once (building one, with its options, costs about as much as running
# it); the id is bound on each use.
@cache
def _indicator() -> Select:
    return (select(Indicator).where(Indicator.id == bindparam("id"))
            .options(joinedload(Indicator.organization), joinedload(Indicator.committee)))


@cache
def _value() -> Select:
    return select(IndicatorValue).where(IndicatorValue.id == bindparam("id")).options(
        joinedload(IndicatorValue.indicator).joinedload(Indicator.organization),
        joinedload(IndicatorValue.indicator).joinedload(Indicator.committee))


def get_owner_or_404(group_id: int | None = None, committee_id: int | None = None, need: str = "see") -> Owner:
    # session.get: a group already loaded (a person's own, with them) is not read again.
    record = db.session.get(Organization, group_id) if group_id is not None else db.session.get(Committee, committee_id)
    if record is None:
        abort(404)
    owner = Owner(record)
    owner.check(current_user, need)
    return owner


def get_indicator_or_404(indicator_id: int, need: str = "see") -> Indicator:
    indicator = db.session.scalar(_indicator(), {"id": indicator_id})
    if indicator is None:
        abort(404)
    owner_of(indicator).check(current_user, need)
    return indicator


def get_value_or_404(value_id: int, need: str = "verify") -> IndicatorValue:
    value = db.session.scalar(_value(), {"id": value_id})
    if value is None:
        abort(404)
    owner_of(value.indicator).check(current_user, need)
    return value


def get_evidence_or_404(evidence_id: int, need: str = "see") -> ValueEvidence:
    item = db.session.get(ValueEvidence, evidence_id)
    if item is None:
        abort(404)
    owner_of(item.indicator).check(current_user, need)
    return item
