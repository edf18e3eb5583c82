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


# --- Committees ----------------------------------------------------------------------------------

def make_committee(name: str | None = None, level: str = "national", area: Area | None = None,
                   parent=None, **fields):
    from workspace.models import Committee

    committee = Committee(name=name or f"Committee {_n()}", level=level, area=area or national_area(),
                          parent=parent, **fields)
    db.session.add(committee)
    db.session.commit()
    return committee


def add_member(committee, user: User | None = None, role: str = "member", sector: str = "ngo"):
    from workspace.models import Membership

    membership = Membership(committee=committee, user=user or make_user(sector=sector), role=role)
    db.session.add(membership)
    db.session.commit()
    return membership.user


def make_meeting(committee, title: str | None = None, days_from_now: float = 7, status: str = "planned",
                 items: int = 0, **fields):
    from datetime import timedelta

    from workspace.clock import utcnow
    from workspace.models import AgendaItem, Meeting

    meeting = Meeting(committee=committee, title=title or f"Meeting {_n()}", status=status,
                      starts_at=(utcnow() + timedelta(days=days_from_now)).replace(microsecond=0),
                      place=fields.pop("place", "Conference room"), **fields)
    for position in range(1, items + 1):
        meeting.items.append(AgendaItem(committee=committee, title=f"Item {position}", position=position,
                                        minutes_allotted=15, status="accepted"))
    db.session.add(meeting)
    db.session.commit()
    return meeting


def make_proposal(committee, proposer: User, title: str = "A proposed item"):
    from workspace.models import AgendaItem

    item = AgendaItem(committee=committee, title=title, status="proposed", proposed_by=proposer, minutes_allotted=15)
    db.session.add(item)
    db.session.commit()
    return item


# --- Action plans ----------------------------------------------------------------------------------

def make_plan(committee=None, organization: Organization | None = None, title: str | None = None):
    from datetime import timedelta

    from workspace.clock import utcnow
    from workspace.models import ActionPlan

    today = utcnow().date()
    plan = ActionPlan(title=title or f"Plan {_n()}", committee=committee, organization=organization,
                      period_start=today - timedelta(days=60), period_end=today + timedelta(days=300))
    db.session.add(plan)
    db.session.commit()
    return plan


def make_action(plan, organization: Organization | None = None, focal_person: User | None = None,
                title: str | None = None, start_days: int = -10, due_days: int = 20, **fields):
    from datetime import timedelta

    from workspace.clock import utcnow
    from workspace.models import Action

    today = utcnow().date()
    organization = organization or (focal_person.organization if focal_person else make_organization())
    action = Action(plan=plan, title=title or f"Action {_n()}", responsible_organization=organization,
                    focal_person=focal_person, start_date=today + timedelta(days=start_days),
                    due_date=today + timedelta(days=due_days), **fields)
    db.session.add(action)
    db.session.commit()
    return action


# --- Programmes ------------------------------------------------------------------------------------

def make_programme(name: str | None = None, organization: Organization | None = None, areas=(),
                   groups=("elderly",), support: str = "cash", cluster: str = "social_allowances",
                   starts_on=None, ends_on=None, **fields):
    """A programme in the repository: groups and cluster by their seed keys, areas as records."""
    from datetime import date

    from workspace.models import LifecycleGroup, ProgrammeCluster
    from workspace.programmes import services

    services.ensure_lists()
    by_key = {g.key: g for g in db.session.scalars(db.select(LifecycleGroup))}
    cluster_id = db.session.scalar(db.select(ProgrammeCluster.id).where(ProgrammeCluster.key == cluster))
    return services.create_programme(
        name=name or f"Programme {_n()}", organization_id=(organization or make_organization(kind="ngo")).id,
        cluster_id=cluster_id, support_kind=support, starts_on=starts_on or date(2024, 1, 1), ends_on=ends_on,
        groups=[by_key[key] for key in groups], areas=list(areas) or [national_area()], **fields)
