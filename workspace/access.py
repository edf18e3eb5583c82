"""Who may do what: small named rules, used by routes (the protection) and templates (the buttons).

Routes guard themselves with the decorators here and with loaders that call the object rules,
so that a request the rules refuse never reaches the view's work.
"""
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from workspace.extensions import htmx


def is_admin(user) -> bool:
    return bool(user and user.is_authenticated and user.is_admin)


def same_organization(user, organization_id: int | None) -> bool:
    return bool(user and user.is_authenticated and organization_id is not None
                and user.organization_id == organization_id)


def in_sector(user, sector: str) -> bool:
    return bool(user and user.is_authenticated and user.sector == sector)


def can_manage_users(user) -> bool:
    return is_admin(user)


def can_manage_directory(user) -> bool:
    """Areas and organisations are kept by administrators."""
    return is_admin(user)


def can_read_audit(user) -> bool:
    return is_admin(user)


def deny():
    """403 for pages and for htmx requests alike; the error handler picks page or fragment."""
    abort(403)


def admin_required(view):
    @login_required
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not is_admin(current_user):
            deny()
        return view(*args, **kwargs)

    return wrapped


RULES = {
    "is_admin": is_admin,
    "same_organization": same_organization,
    "in_sector": in_sector,
    "can_manage_users": can_manage_users,
    "can_manage_directory": can_manage_directory,
    "can_read_audit": can_read_audit,
}


def register(app) -> None:
    """Templates ask the same rules: {% if can_manage_users(current_user) %}."""
    app.jinja_env.globals.update(RULES)
    app.jinja_env.globals["htmx"] = htmx
