from flask import Blueprint

bp = Blueprint("sessions", __name__, template_folder="templates")

from workspace.sessions import routes  # noqa: E402,F401
from workspace.sessions import origins  # noqa: E402,F401  (registers sessions as origins)
