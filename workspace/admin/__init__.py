from flask import Blueprint

bp = Blueprint("admin", __name__, template_folder="templates")

from workspace.admin import audit_routes, directory_routes, group_role_routes, outbox_routes, user_routes  # noqa: E402,F401,I001
from workspace.admin.rows import area_rows, organization_rows, user_rows  # noqa: E402


@bp.app_context_processor
def directory_rows():
    # The rows of the area tree, the organisation list and the list of people, drawn in rows.py.
    return {"area_rows": area_rows, "organization_rows": organization_rows, "user_rows": user_rows}
