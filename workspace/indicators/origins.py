"""Indicators as origins: an agenda item raised from an off-track indicator names it."""
from sqlalchemy.orm import joinedload

from workspace import origins
from workspace.indicators.owners import owner_of
from workspace.models import Indicator

origins.register("indicator", origins.OriginKind(
    model=Indicator,
    label=lambda indicator: f"{indicator.owner_name}: {indicator.short_name}",
    endpoint=lambda indicator: ("indicators.indicator", {"indicator_id": indicator.id}),
    can_view=lambda user, indicator: owner_of(indicator).can(user, "see"),
    load_options=(joinedload(Indicator.organization), joinedload(Indicator.committee)),
))
