"""The audit log, for administrators."""
from flask import current_app, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from workspace.access import can_read_audit, deny
from workspace.admin import bp
from workspace.extensions import db
from workspace.pages import paginate
from workspace.inputs import whole_number
from workspace.models import AuditEvent
from flask_login import current_user, login_required


def audited_types() -> list[str]:
    """The kinds of record the trail names, from the models that keep one (not a scan of the trail)."""
    return sorted({mapper.class_.__name__ for mapper in db.Model.registry.mappers
                   if hasattr(mapper.class_, "__audit_fields__")})


@bp.route("/audit")
@login_required
def audit_log():
    if not can_read_audit(current_user):
        deny()
    query = select(AuditEvent).options(joinedload(AuditEvent.actor)).order_by(AuditEvent.id.desc())
    entity_type = request.args.get("type", "").strip()
    if entity_type:
        query = query.where(AuditEvent.entity_type == entity_type)
    entity_id = request.args.get("id", type=whole_number)
    if entity_id:
        query = query.where(AuditEvent.entity_id == entity_id)
    actor_id = request.args.get("actor", type=whole_number)
    if actor_id:
        query = query.where(AuditEvent.actor_id == actor_id)
    types = audited_types()
    page = paginate(query, current_app.config["PER_PAGE"])
    return render_template("admin/audit.html", page=page, types=types, entity_type=entity_type,
                           entity_id=entity_id, actor_id=actor_id)
