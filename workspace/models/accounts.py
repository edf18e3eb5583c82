"""People who sign in, their login sessions, the one-time links that let them set a password, and
failed attempts (logins, join codes) counted for rate limits."""
import functools
import hashlib
import secrets
from datetime import datetime, timedelta

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from workspace.clock import utcnow
from workspace.extensions import db
from workspace.models.versioning import Versioned
from workspace.models.directory import SECTORS, Organization


class User(UserMixin, Versioned, db.Model):
    __tablename__ = "users"
    __table_args__ = (Index("ix_users_name", "name", "id"),)  # lists of people, by name
    __audit_fields__ = ("name", "email", "organization_id", "is_admin", "handles_sensitive", "active")

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    is_admin: Mapped[bool] = mapped_column(default=False)
    # A named focal point of their organisation for sensitive feedback cases (abuse, exploitation,
    # violence, fraud by staff): only they read such a case in full (workspace/access.py).
    handles_sensitive: Mapped[bool] = mapped_column(default=False, server_default=false())
    active: Mapped[bool] = mapped_column(default=True)
    # None while an invitation or a reset is waiting for the person to choose a password.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # The interface language the person chose (a code of LANGUAGES); None follows the browser.
    language: Mapped[str | None] = mapped_column(String(12))

    organization: Mapped[Organization] = relationship()

    # The secret of the login session this request runs in (not a column): set when the person
    # logs in or is loaded from a cookie, it is half of the id Flask-Login keeps in the cookies.
    login_token = None

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return password_matches(self, password)

    def clear_password(self) -> None:
        self.password_hash = None

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        if not self.login_token:
            raise RuntimeError("log in through workspace.auth.sessions.log_in, which opens a login session")
        return f"{self.id}:{self.login_token}"

    @property
    def sector(self) -> str:
        return self.organization.sector

    @property
    def sector_label(self) -> str:
        return str(SECTORS[self.sector])

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email!r}>"


@functools.cache
def _dummy_hash() -> str:
    """A hash of nothing anyone knows, made once, by the method real passwords use."""
    return generate_password_hash(secrets.token_urlsafe(16))


def password_matches(user: User | None, password: str) -> bool:
    """Whether the password is the user's; as slow for an unknown email as for a real account."""
    if user is None or user.password_hash is None:
        check_password_hash(_dummy_hash(), password)  # the same work as a real check
        return False
    return check_password_hash(user.password_hash, password)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SetPasswordLink(db.Model):
    """A one-time link to choose a password: an invitation or a reset. Only its hash is kept."""

    __tablename__ = "set_password_links"
    __table_args__ = (CheckConstraint("purpose IN ('invite', 'reset')", name="purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    @classmethod
    def issue(cls, user: User, purpose: str, valid_for: timedelta) -> tuple["SetPasswordLink", str]:
        """Returns the link record and the token, which is shown once and never stored."""
        token = secrets.token_urlsafe(32)
        link = cls(user=user, token_hash=hash_token(token), purpose=purpose,
                   expires_at=utcnow() + valid_for)
        return link, token

    @property
    def usable(self) -> bool:
        return self.used_at is None and self.expires_at > utcnow()


class LoginSession(db.Model):
    """One logged-in browser. The cookies carry the token; only its hash is kept here, so logging
    out (deleting the row) ends the session even for a copy of the cookies."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)

    @classmethod
    def open(cls, user: User, valid_for: timedelta) -> tuple["LoginSession", str]:
        """Returns the row and the token, which goes into the cookies and is never stored."""
        token = secrets.token_urlsafe(32)
        row = cls(user_id=user.id, token_hash=hash_token(token), expires_at=utcnow() + valid_for)
        return row, token


class FailedAttempt(db.Model):
    """One failed attempt (a login, a join code) under a key such as "login-email:…" or
    "join-address:…", counted for rate limits until it expires."""

    __tablename__ = "failed_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
