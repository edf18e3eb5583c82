from flask import Blueprint

bp = Blueprint("admin", __name__, template_folder="templates")

from workspace.admin import directory_routes, user_routes, audit_routes  # noqa: E402,F401
