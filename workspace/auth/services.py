"""Signing in with a rate limit, and the one-time links that set a password."""
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from workspace import audit
from workspace.auth import attempts
from workspace.auth.sessions import end_sessions
from workspace.clock import utcnow
from workspace.extensions import db
from workspace.models import SetPasswordLink, User, hash_token, password_matches


def _limits(email: str, address: str) -> dict[str, int]:
    config = current_app.config
    return {f"login-email:{email}": config["LOGIN_MAX_FAILURES"],
            f"login-address:{address}": config["LOGIN_MAX_FAILURES_PER_ADDRESS"]}


def authenticate(email: str, password: str, address: str) -> User | None:
    """The user if the email and password match an account; None otherwise.

    Raises TooManyAttempts once an email or an address has failed too often in the window.
    Failures are counted even for unknown emails, and an unknown email costs the same password
    check as a real one, so neither the limit nor the time taken reveals which accounts exist.
    """
    email = email.strip().lower()
    limits = _limits(email, address)
    attempts.check(limits)
    user = db.session.scalar(select(User).where(User.email == email))
    if not password_matches(user, password):
        attempts.record_failure(limits, current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"])
        return None
    attempts.forget(f"login-email:{email}")
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def issue_link(user: User, purpose: str) -> str:
    """Makes a one-time link to set a password and returns its token (shown once)."""
    hours = current_app.config["INVITE_VALID_HOURS"]
    # A new link replaces any earlier one that was not used.
    for old in db.session.scalars(select(SetPasswordLink).where(
            SetPasswordLink.user_id == user.id, SetPasswordLink.used_at.is_(None))):
        old.used_at = utcnow()
    link, token = SetPasswordLink.issue(user, purpose, timedelta(hours=hours))
    db.session.add(link)
    return token


def find_link(token: str) -> SetPasswordLink | None:
    link = db.session.scalar(select(SetPasswordLink).where(SetPasswordLink.token_hash == hash_token(token)))
    return link if link is not None and link.usable and link.user.active else None


def use_link(link: SetPasswordLink, password: str) -> User:
    user = link.user
    user.set_password(password)
    end_sessions(user)
    link.used_at = utcnow()
    audit.record("password_set_by_link", user, actor=user)
    db.session.commit()
    return user


def change_password(user: User, password: str) -> None:
    """Sets a new password and ends the user's other sessions; the one making the change goes on."""
    user.set_password(password)
    end_sessions(user, keep_current=True)
    audit.record("password_changed", user, actor=user)
    db.session.commit()
