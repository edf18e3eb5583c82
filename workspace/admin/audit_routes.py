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
from workspace.pages import paginate_built


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


@cache
def _events_listed(by_type: bool, by_record: bool, by_actor: bool) -> Select:
    """The events shown, newest first: of a kind of record, of one record, by one person (built once
    for each kind of filter; what is asked is bound on each use)."""
    query = select(AuditEvent.id).order_by(AuditEvent.id.desc())
    if by_type:
        query = query.where(AuditEvent.entity_type == bindparam("type"))
    if by_record:
        query = query.where(AuditEvent.entity_id == bindparam("id"))
    if by_actor:
        query = query.where(AuditEvent.actor_id == bindparam("actor"))
    return query


@bp.route("/audit")
@login_required
def audit_log():
    if not can_read_audit(current_user):
        deny()
    entity_type = request.args.get("type", "").strip()
    entity_id = request.args.get("id", type=whole_number)
    actor_id = request.args.get("actor", type=whole_number)
    page = paginate_built(_events_listed(bool(entity_type), bool(entity_id), bool(actor_id)),
                          {"type": entity_type, "id": entity_id, "actor": actor_id}, current_app.config["PER_PAGE"])
    # The page's events read as rows, not records; AuditEvent.changes reads only before and after.
    rows = db.session.execute(_event_rows(), {"ids": page.items}).all() if page.items else []
    events = [(event, AuditEvent.changes(event)) for event in rows]
    # Each row's links filled into a link made once a page (per kind of record), not by url_for.
    actor_href = url_pattern("admin.audit_log", "actor")
    record_hrefs = {kind: url_pattern("admin.audit_log", "id", type=kind) for kind in {row.entity_type for row in rows}}
    return render_template("admin/audit.html", page=page, events=events, actor_href=actor_href,
                           record_hrefs=record_hrefs, types=audited_types(),
                           entity_type=entity_type, entity_id=entity_id, actor_id=actor_id)
