from flask import Blueprint

bp = Blueprint("programmes", __name__, template_folder="templates")

from workspace.programmes import routes, committee_routes, settings_routes  # noqa: E402,F401
from workspace.programmes import origins  # noqa: E402,F401  (registers overlaps as origins)
