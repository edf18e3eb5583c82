from flask import Blueprint

from workspace.labels import translated
from workspace.models import ACTION_STATUSES

bp = Blueprint("actions", __name__, template_folder="templates")

# How each status looks as a badge.
STATUS_BADGES = {"not_started": "muted", "in_progress": "info", "done": "ok", "blocked": "bad", "cancelled": "muted"}

from workspace.actions import routes, plan_routes  # noqa: E402,F401
from workspace.actions import origins  # noqa: E402,F401  (registers decisions and actions as origins)
from workspace.actions.rows import table_rows, timeline_rows  # noqa: E402


@bp.app_context_processor
def status_badges():
    # Status names as a template calls them once for a table (labels.translated), not once a row;
    # the rows of the action table and the timeline, drawn in rows.py.
    return {"status_badges": STATUS_BADGES, "action_status_names": lambda: translated(ACTION_STATUSES),
            "action_table_rows": table_rows, "timeline_rows": timeline_rows}
