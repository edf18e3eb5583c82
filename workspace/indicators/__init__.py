from flask import Blueprint

bp = Blueprint("indicators", __name__, template_folder="templates")

from workspace.indicators import routes, entry_routes  # noqa: E402,F401
from workspace.indicators import origins  # noqa: E402,F401  (registers indicators as origins)
