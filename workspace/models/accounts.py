"""People who sign in, the one-time links that let them set a password, and failed logins."""
import hashlib
import secrets
from datetime import datetime, timedelta

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from workspace.clock import utcnow
from workspace.extensions import db
from workspace.models.directory import SECTORS, Organization


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __audit_fields__ = ("name", "email", "organization_id", "is_admin", "active")

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    is_admin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    # None while an invitation or a reset is waiting for the person to choose a password.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # Part of the session id: raising it signs the user out everywhere (password change, reset).
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    organization: Mapped[Organization] = relationship()

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)
        self.session_version = (self.session_version or 1) + 1

    def check_password(self, password: str) -> bool:
        return self.password_hash is not None and check_password_hash(self.password_hash, password)

    def clear_password(self) -> None:
        self.password_hash = None
        self.session_version = (self.session_version or 1) + 1

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def sector(self) -> str:
        return self.organization.sector

    @property
    def sector_label(self) -> str:
        return str(SECTORS[self.sector])

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email!r}>"


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


class LoginFailure(db.Model):
    """One failed login, keyed by email and by client address, for rate limiting."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
