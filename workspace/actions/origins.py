"""Decisions and actions as origins: an action names the decision it came from; an agenda item
raised from an action names the action."""
from sqlalchemy.orm import joinedload

from workspace import access, origins
from workspace.models import Action, AgendaItem, Decision


def _decision_label(decision: Decision) -> str:
    meeting = decision.item.meeting
    where = meeting.title if meeting else decision.item.committee.name
    text = decision.text if len(decision.text) <= 90 else decision.text[:89] + "…"
    return f"{where}: {text}"


origins.register("decision", origins.OriginKind(
    model=Decision,
    label=_decision_label,
    endpoint=lambda d: ("committees.meeting", {"meeting_id": d.item.meeting_id, "_anchor": f"decision-{d.id}"}),
    can_view=lambda user, d: access.can_see_committee(user, d.item.committee_id),
    load_options=(joinedload(Decision.item).joinedload(AgendaItem.meeting),
                  joinedload(Decision.item).joinedload(AgendaItem.committee)),
))

origins.register("action", origins.OriginKind(
    model=Action,
    label=lambda action: action.title,
    endpoint=lambda action: ("actions.action", {"action_id": action.id}),
    can_view=access.can_see_action,
    load_options=(joinedload(Action.plan),),
))
