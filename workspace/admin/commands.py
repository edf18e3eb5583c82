"""`flask create-admin`: the first administrator of a new installation."""
import click
from flask.cli import with_appcontext
from sqlalchemy import select

from workspace import audit
from workspace.extensions import db
from workspace.models import Area, Organization, User


@click.command("create-admin")
@click.option("--email", prompt=True, help="The administrator's email, used to log in.")
@click.option("--name", prompt=True, help="Their full name.")
@click.option("--organization", prompt=True, help="Their organisation (made, as government, if new).")
@click.option("--country", default="National", show_default=True,
              help="Name of the national area (made if there is none yet).")
@click.password_option(help="Their password (at least 10 characters).")
@with_appcontext
def create_admin_command(email, name, organization, country, password):
    """Create an administrator, with the national area and their organisation if they are missing."""
    email = email.strip().lower()
    if len(password) < 10:
        raise click.BadParameter("use at least 10 characters", param_hint="password")
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise click.BadParameter("an account with this email exists", param_hint="email")
    national = db.session.scalar(select(Area).where(Area.level == "national"))
    if national is None:
        national = Area(name=country, level="national")
        db.session.add(national)
        db.session.flush()
        audit.record("create", national, after=audit.snapshot(national))
    home = db.session.scalar(select(Organization).where(Organization.name == organization))
    if home is None:
        home = Organization(name=organization, kind="government", area=national)
        db.session.add(home)
        db.session.flush()
        audit.record("create", home, after=audit.snapshot(home))
    user = User(email=email, name=name, organization=home, is_admin=True)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record("create", user, after=audit.snapshot(user))
    db.session.commit()
    click.echo(f"Administrator {email} created. Log in and add the rest in the app.")
