"""Indicators as origins: an agenda item raised from an off-track indicator names it."""
from sqlalchemy.orm import joinedload

from workspace import access, origins
from workspace.models import Indicator

origins.register("indicator", origins.OriginKind(
    model=Indicator,
    label=lambda indicator: f"{indicator.organization.name}: {indicator.short_name}",
    endpoint=lambda indicator: ("indicators.indicator", {"indicator_id": indicator.id}),
    can_view=lambda user, indicator: access.can_see_group_data(user, indicator.organization),
    load_options=(joinedload(Indicator.organization),),
))
