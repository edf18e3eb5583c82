from flask import Blueprint

bp = Blueprint("feedback", __name__, template_folder="templates")

from workspace.feedback import public_routes, case_routes, routing_routes, sms  # noqa: E402,F401
from workspace.feedback import origins  # noqa: E402,F401  (registers cases and clusters as origins)
