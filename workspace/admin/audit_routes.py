"""The audit log, for administrators."""
from functools import cache

from flask import current_app, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import Select, bindparam, select

from workspace.access import can_read_audit, deny
from workspace.admin import bp
from workspace.extensions import db
from workspace.inputs import whole_number
from workspace.links import url_pattern
from workspace.models import AuditEvent, User
from workspace.pages import paginate


@cache
def audited_types() -> list[str]:
    """The kinds of record the trail names, from the models that keep one (not a scan of the trail);
    the models do not change while the app runs."""
    return sorted({mapper.class_.__name__ for mapper in db.Model.registry.mappers
                   if hasattr(mapper.class_, "__audit_fields__")})


# Built once (its cache key too): the columns the log shows for the page's `ids`, with the actor's
# name, in the order audit.html unpacks them.
@cache
def _event_rows() -> Select:
    return (select(AuditEvent.id, AuditEvent.at, AuditEvent.actor_id, User.name.label("actor_name"),
                   AuditEvent.action, AuditEvent.entity_type, AuditEvent.entity_id, AuditEvent.label,
                   AuditEvent.before, AuditEvent.after)
            .outerjoin(User, User.id == AuditEvent.actor_id).where(AuditEvent.id.in_(bindparam("ids", expanding=True)))
            .order_by(AuditEvent.id.desc()))


@bp.route("/audit")
@login_required
def audit_log():
    if not can_read_audit(current_user):
        deny()
    query = select(AuditEvent.id).order_by(AuditEvent.id.desc())
    entity_type = request.args.get("type", "").strip()
    if entity_type:
        query = query.where(AuditEvent.entity_type == entity_type)
    entity_id = request.args.get("id", type=whole_number)
    if entity_id:
        query = query.where(AuditEvent.entity_id == entity_id)
    actor_id = request.args.get("actor", type=whole_number)
    if actor_id:
        query = query.where(AuditEvent.actor_id == actor_id)
    page = paginate(query, current_app.config["PER_PAGE"])
    # The page's events read as rows, not records; AuditEvent.changes reads only before and after.
    rows = db.session.execute(_event_rows(), {"ids": page.items}).all() if page.items else []
    events = [(event, AuditEvent.changes(event)) for event in rows]
    # Each row's links filled into a link made once a page (per kind of record), not by url_for.
    actor_href = url_pattern("admin.audit_log", "actor")
    record_hrefs = {kind: url_pattern("admin.audit_log", "id", type=kind) for kind in {row.entity_type for row in rows}}
    return render_template("admin/audit.html", page=page, events=events, actor_href=actor_href,
                           record_hrefs=record_hrefs, types=audited_types(),
                           entity_type=entity_type, entity_id=entity_id, actor_id=actor_id)
