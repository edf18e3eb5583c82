"""The one helper every write calls, so that each change leaves an AuditEvent.

The event is added to the same session as the change and committed with it: both land or
neither does.
"""
from datetime import date, datetime
from decimal import Decimal

from flask_login import current_user

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
