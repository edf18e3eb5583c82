"""Signing in with a rate limit, and the one-time links that set a password."""
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from workspace import audit
from workspace.clock import utcnow
from workspace.extensions import db
from workspace.models import LoginFailure, SetPasswordLink, User, hash_token


class TooManyAttempts(Exception):
    pass


def _keys(email: str, address: str) -> tuple[str, str]:
    return f"email:{email}", f"ip:{address}"


def _window_start():
    return utcnow() - timedelta(minutes=current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"])


def check_rate_limit(email: str, address: str) -> None:
    email_key, address_key = _keys(email, address)
    rows = db.session.execute(
        select(LoginFailure.key, func.count())
        .where(LoginFailure.key.in_([email_key, address_key]), LoginFailure.at >= _window_start())
        .group_by(LoginFailure.key)
    ).all()
    counts = dict(rows)
    if (counts.get(email_key, 0) >= current_app.config["LOGIN_MAX_FAILURES"]
            or counts.get(address_key, 0) >= current_app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]):
        raise TooManyAttempts


def authenticate(email: str, password: str, address: str) -> User | None:
    """The user if the email and password match an active account; None otherwise.

    Raises TooManyAttempts once an email or an address has failed too often in the window.
    Failures are counted even for unknown emails, so the limit reveals nothing.
    """
    email = email.strip().lower()
    check_rate_limit(email, address)
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None or not user.check_password(password):
        db.session.add_all([LoginFailure(key=key) for key in _keys(email, address)])
        # Old failures are of no further use.
        db.session.execute(delete(LoginFailure).where(LoginFailure.at < _window_start()))
        db.session.commit()
        return None
    db.session.execute(delete(LoginFailure).where(LoginFailure.key == f"email:{email}"))
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
    link.used_at = utcnow()
    audit.record("password_set_by_link", user, actor=user)
    db.session.commit()
    return user


def change_password(user: User, password: str) -> None:
    user.set_password(password)
    audit.record("password_changed", user, actor=user)
    db.session.commit()
