from flask import Blueprint

bp = Blueprint("committees", __name__, template_folder="templates")

from workspace.committees import routes, meeting_routes, proposal_routes  # noqa: E402,F401
from workspace.committees import origins  # noqa: E402,F401  (registers the agenda item origin)
