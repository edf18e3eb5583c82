"""A session as an origin: the actions it produced name it."""
from workspace import access, origins
from workspace.models import PlanningSession

origins.register("session", origins.OriginKind(
    model=PlanningSession,
    label=lambda session: session.title,
    endpoint=lambda session: ("sessions.session", {"session_id": session.id}),
    can_view=lambda user, session: access.can_read_closed_session(user, session) if not session.is_open
    else access.can_facilitate(user, session) or access.may_join_session(user, session),
))
