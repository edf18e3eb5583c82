"""One-line makers of the records tests need. Each commits, so the app sees the record at once."""
from itertools import count

from werkzeug.security import generate_password_hash

from workspace.extensions import db
from workspace.models import Area, Organization, User

PASSWORD = "correct horse battery"
# Hashing at full strength costs a few hundred milliseconds; tests need the check, not the cost.
_FAST_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
_sequence = count(1)

SECTOR_KIND = {"government": "government", "ngo": "ngo", "community": "community_group", "other": "other"}


def _n() -> int:
    return next(_sequence)


def national_area() -> Area:
    area = db.session.scalar(db.select(Area).where(Area.level == "national"))
    if area is None:
        area = Area(name="National", level="national")
        db.session.add(area)
        db.session.commit()
    return area


def make_area(name: str | None = None, level: str = "district", parent: Area | None = None) -> Area:
    if level == "national":
        return national_area()
    area = Area(name=name or f"Area {_n()}", level=level, parent=parent or national_area())
    db.session.add(area)
    db.session.commit()
    return area


def make_organization(name: str | None = None, kind: str = "ngo", area: Area | None = None) -> Organization:
    organization = Organization(name=name or f"Organisation {_n()}", kind=kind, area=area or national_area())
    db.session.add(organization)
    db.session.commit()
    return organization


def make_user(name: str | None = None, sector: str = "ngo", organization: Organization | None = None,
              is_admin: bool = False, email: str | None = None, active: bool = True) -> User:
    n = _n()
    organization = organization or make_organization(kind=SECTOR_KIND[sector])
    user = User(name=name or f"Person {n}", email=email or f"person{n}@example.org",
                organization=organization, is_admin=is_admin, active=active, password_hash=_FAST_HASH)
    db.session.add(user)
    db.session.commit()
    return user


def make_admin(**kwargs) -> User:
    return make_user(sector="government", is_admin=True, **kwargs)
