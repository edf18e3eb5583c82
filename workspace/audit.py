"""The one helper every write calls, so that each change leaves an AuditEvent.

The event is added to the same session as the change and committed with it: both land or
neither does.
"""
from datetime import date, datetime
from decimal import Decimal

from flask_login import current_user
from sqlalchemy import insert

from workspace.extensions import db
from workspace.models import AuditEvent, User


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(record) -> dict:
    """The audited fields of a record (its model names them in __audit_fields__)."""
    return {name: _plain(getattr(record, name)) for name in record.__audit_fields__}


def _label(record) -> str:
    for attribute in ("name", "title", "email"):
        value = getattr(record, attribute, None)
        if value:
            return str(value)[:300]
    return ""


def record(action: str, target, before: dict | None = None, after: dict | None = None,
           actor: User | None = None) -> AuditEvent:
    """Note that `action` was done to `target`. Call it before the commit that makes the change."""
    db.session.flush()  # gives a new record its id
    if actor is None and current_user and current_user.is_authenticated:
        actor = current_user._get_current_object()
    event = AuditEvent(
        actor=actor,
        action=action,
        entity_type=type(target).__name__,
        entity_id=target.id,
        label=_label(target),
        before=before,
        after=after,
    )
    db.session.add(event)
    return event


def snapshot_of(model, fields: dict) -> dict:
    """snapshot() of a record written with a Core statement: its audited fields, from a dict."""
    return {name: _plain(fields.get(name)) for name in model.__audit_fields__}


def record_many(model, events: list[tuple], actor: User | None = None) -> None:
    """Events for many records of one model written in bulk (Core statements rather than
    objects), in one INSERT: each event is (action, id, label, before, after). Like record(),
    call it before the commit that makes the changes."""
    if not events:
        return
    if actor is None and current_user and current_user.is_authenticated:
        actor = current_user._get_current_object()
    db.session.execute(insert(AuditEvent.__table__), [
        {"actor_id": actor.id if actor else None, "action": action, "entity_type": model.__name__,
         "entity_id": entity_id, "label": label[:300], "before": before, "after": after}
        for action, entity_id, label, before, after in events])
