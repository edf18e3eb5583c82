"""Agenda items as origins: an item raised from another committee names the item it came from."""
from sqlalchemy.orm import joinedload

from workspace import access, origins
from workspace.models import AgendaItem


def _endpoint(item: AgendaItem):
    if item.meeting_id:
        return "committees.meeting", {"meeting_id": item.meeting_id, "_anchor": f"item-{item.id}"}
    return "committees.proposals", {"committee_id": item.committee_id, "_anchor": f"item-{item.id}"}


origins.register("agenda_item", origins.OriginKind(
    model=AgendaItem,
    label=lambda item: f"{item.committee.name}: {item.title}",
    endpoint=_endpoint,
    can_view=lambda user, item: access.can_see_committee(user, item.committee_id),
    load_options=(joinedload(AgendaItem.committee),),
))
