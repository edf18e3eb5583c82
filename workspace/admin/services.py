"""Account changes made by administrators: each is audited and committed with the change."""
from sqlalchemy import select

from workspace import audit, edits
from workspace.auth.services import issue_link
from workspace.auth.sessions import end_sessions
from workspace.extensions import db
from workspace.models import SetPasswordLink, User


def create_user(form) -> tuple[User, str | None]:
    """Creates the account from a NewUserForm. Returns the user and, for an invitation, the
    one-time token to show the administrator (it is never stored)."""
    user = User(name=form.name.data, email=form.email.data, organization_id=form.organization_id.data,
                is_admin=form.is_admin.data, handles_sensitive=form.handles_sensitive.data)
    db.session.add(user)
    token = None
    if form.how.data == "password":
        user.set_password(form.password.data)
    db.session.flush()
    if form.how.data == "invite":
        token = issue_link(user, "invite")
    audit.record("create", user, after=audit.snapshot(user))
    db.session.commit()
    return user, token


def update_user(user: User, form) -> None:
    before = audit.snapshot(user)
    edits.apply(user, form.stated(), {name: form[name].data for name in form.edit_fields}, form.labels())
    after = audit.snapshot(user)
    if after != before:
        audit.record("update", user, before=before, after=after)
    db.session.commit()


def reset_password(user: User) -> str:
    """Ends the old password and every session at once; returns the one-time link's token."""
    user.clear_password()
    end_sessions(user)
    token = issue_link(user, "reset")
    audit.record("password_reset", user)
    db.session.commit()
    return token


def set_active(user: User, active: bool) -> None:
    before = audit.snapshot(user)
    user.active = active
    if not active:
        end_sessions(user)  # signs them out now, not at their next request's expiry
        for link in db.session.scalars(select(SetPasswordLink).where(
                SetPasswordLink.user_id == user.id, SetPasswordLink.used_at.is_(None))):
            db.session.delete(link)
    audit.record("activate" if active else "deactivate", user, before=before, after=audit.snapshot(user))
    db.session.commit()
