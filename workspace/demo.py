"""`flask seed-demo`: a demo workspace that looks like a real one. Running it again changes nothing."""
import click
from flask.cli import with_appcontext
from sqlalchemy import select

from workspace import audit
from workspace.extensions import db
from workspace.models import Area, Organization, User

DEMO_PASSWORD = "demo-workspace-2026"

# (name, level, parent name)
AREAS = [
    ("National", "national", None),
    ("Northern Region", "region", "National"),
    ("Coastal Region", "region", "National"),
    ("Mapleton District", "district", "Northern Region"),
    ("Seaview District", "district", "Coastal Region"),
    ("Mapleton Municipality", "subdistrict", "Mapleton District"),
    ("Eastbrook Sub-district", "subdistrict", "Mapleton District"),
    ("Seaview Municipality", "subdistrict", "Seaview District"),
    ("Kanta Village", "community", "Eastbrook Sub-district"),
    ("Greenhill Ward", "community", "Mapleton Municipality"),
    ("Dovepoint Village", "community", "Seaview Municipality"),
]

# (name, kind, area name)
ORGANIZATIONS = [
    ("Ministry of Social Welfare", "government", "National"),
    ("Ministry of Local Government", "government", "National"),
    ("Department of Disaster Management", "government", "National"),
    ("Ministry of Women and Children Affairs", "government", "National"),
    ("Ministry of Finance", "government", "National"),
    ("Ministry of Education", "government", "National"),
    ("Mapleton District Social Welfare Office", "government", "Mapleton District"),
    ("Seaview District Council", "government", "Seaview District"),
    ("Community Action for Social Protection", "ngo", "National"),
    ("Coastal Livelihoods Trust", "ngo", "Coastal Region"),
    ("Child Rights Forum", "ngo", "Northern Region"),
    ("Kanta Women's Savings Group", "community_group", "Kanta Village"),
    ("Greenhill Mothers' Group", "community_group", "Greenhill Ward"),
    ("Dovepoint Village Development Committee", "community_group", "Dovepoint Village"),
]

# (name, email, organisation, is_admin, what they do: printed with the logins)
USERS = [
    ("Amina Rahman", "admin@workspace.example", "Ministry of Social Welfare", True, "administrator"),
    ("Joseph Okello", "joseph.okello@workspace.example", "Ministry of Social Welfare", False,
     "government: national committee chair"),
    ("Farida Haque", "farida.haque@workspace.example", "Ministry of Local Government", False,
     "government: national committee secretary"),
    ("Daniel Mensah", "daniel.mensah@workspace.example", "Mapleton District Social Welfare Office", False,
     "government: district officer"),
    ("Grace Njeri", "grace.njeri@workspace.example", "Community Action for Social Protection", False,
     "NGO: programme manager and facilitator"),
    ("Samuel Tetteh", "samuel.tetteh@workspace.example", "Coastal Livelihoods Trust", False,
     "NGO: field officer"),
    ("Mariam Sultana", "mariam.sultana@workspace.example", "Kanta Women's Savings Group", False,
     "community: savings group coordinator"),
    ("Ruth Achieng", "ruth.achieng@workspace.example", "Greenhill Mothers' Group", False,
     "community: mothers' group member"),
    ("Peter Banda", "peter.banda@workspace.example", "Dovepoint Village Development Committee", False,
     "community: village committee secretary"),
]


def _get_or_create(model, lookup: dict, **values):
    record = db.session.scalar(select(model).filter_by(**lookup))
    if record is None:
        record = model(**lookup, **values)
        db.session.add(record)
        db.session.flush()
        audit.record("create", record, after=audit.snapshot(record))
    return record


def seed_demo() -> list[tuple[str, str]]:
    """Creates what is missing of the demo workspace; returns (email, role) of the demo logins."""
    areas: dict[str, Area] = {}
    for name, level, parent in AREAS:
        parent_id = areas[parent].id if parent else None
        areas[name] = _get_or_create(Area, {"name": name, "parent_id": parent_id}, level=level)
    organizations: dict[str, Organization] = {}
    for name, kind, area in ORGANIZATIONS:
        organizations[name] = _get_or_create(Organization, {"name": name}, kind=kind, area_id=areas[area].id)
    logins = []
    for name, email, organization, is_admin, role in USERS:
        user = _get_or_create(User, {"email": email}, name=name, is_admin=is_admin,
                              organization_id=organizations[organization].id)
        if user.password_hash is None:
            user.set_password(DEMO_PASSWORD)
        logins.append((email, role))
    db.session.commit()
    return logins


@click.command("seed-demo")
@with_appcontext
def seed_demo_command():
    """Load the demo workspace (areas, organisations, people). Safe to run again."""
    logins = seed_demo()
    click.echo("Demo workspace ready. Log in at http://127.0.0.1:5000 with any of these")
    click.echo(f"(password for all: {DEMO_PASSWORD}):")
    for email, role in logins:
        click.echo(f"  {email:40} {role}")
