from flask import Blueprint

bp = Blueprint("admin", __name__, template_folder="templates")

from workspace.admin import audit_routes, directory_routes, group_role_routes, outbox_routes, user_routes  # noqa: E402,F401,I001
