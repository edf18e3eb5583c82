"""What every page shares: headers, CSRF, error pages, configuration, migrations, the demo."""
import functools
import re

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask

from workspace import create_app
from workspace.config import database_uri
from workspace.demo import DEMO_PASSWORD, seed_demo
from workspace.extensions import db
from workspace.models import Area, AuditEvent, Organization, User
from tests import factories
from tests.conftest import login, make_app


def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "HX-Request" in response.headers["Vary"]


def test_pages_carry_no_inline_script_or_style(client):
    admin = factories.make_admin()
    login(client, admin)
    for url in ("/login", "/", "/admin/users", "/admin/organizations", "/admin/areas", "/admin/audit"):
        text = client.get(url).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), url
        assert "<style" not in text and " style=" not in text and "onclick" not in text, url
        assert "http://" not in text.replace("http://localhost", "") and "https://" not in text, url


def test_vendored_htmx_is_version_2(client):
    response = client.get("/static/htmx.min.js")
    assert response.status_code == 200
    assert re.search(rb'version:"2\.\d+\.\d+"', response.data)
    response.close()


def test_not_found_page_is_in_the_layout(client):
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert "<html" in response.get_data(as_text=True) and "Not found" in response.get_data(as_text=True)


def test_failed_htmx_request_gets_a_fragment_for_the_message_area(client):
    login(client, factories.make_user())
    response = client.get("/admin/users", headers={"HX-Request": "true"})
    assert response.status_code == 403
    assert response.headers["HX-Retarget"] == "#messages"
    assert "<html" not in response.get_data(as_text=True) and "Not allowed" in response.get_data(as_text=True)


def test_server_error_rolls_back_and_shows_the_page(migrated):
    app = make_app(migrated, PROPAGATE_EXCEPTIONS=False)

    @app.route("/explode")
    def explode():
        db.session.add(Area(name="Half saved", level="national"))
        db.session.flush()
        raise RuntimeError("boom")

    with app.app_context():
        try:
            response = app.test_client().get("/explode")
            assert response.status_code == 500
            assert "Something went wrong" in response.get_data(as_text=True)
            assert db.session.scalar(db.select(Area).where(Area.name == "Half saved")) is None
        finally:
            db.session.remove()
            db.engine.dispose()


class TestWithCsrf:
    """CSRF on, as in production: forms and htmx requests must carry the token."""

    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def token(self, client, url):
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                         client.get(url).get_data(as_text=True)).group(1)

    def test_a_post_without_the_token_is_refused(self, client):
        user = factories.make_user()
        response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
        assert response.status_code == 400
        assert "This form has expired" in response.get_data(as_text=True)

    def test_forms_and_htmx_carry_the_token(self, client):
        admin = factories.make_admin()
        token = self.token(client, "/login")
        response = client.post("/login", data={"email": admin.email, "password": factories.PASSWORD, "csrf_token": token})
        assert response.status_code == 302
        page = client.get("/admin/organizations").get_data(as_text=True)
        header_token = re.search(r'data-hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', page).group(1)
        data = {"name": "Through htmx", "kind": "ngo", "area_id": factories.national_area().id}
        assert client.post("/admin/organizations", data=data, headers={"HX-Request": "true"}).status_code == 400
        response = client.post("/admin/organizations", data=data,
                               headers={"HX-Request": "true", "X-CSRFToken": header_token})
        assert response.status_code == 200
        assert db.session.scalar(db.select(Organization).where(Organization.name == "Through htmx"))


def test_missing_secret_key_is_an_error(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    # An empty instance folder: no instance/config.py to take the key from.
    monkeypatch.setattr("workspace.Flask", functools.partial(Flask, instance_path=str(tmp_path)))
    with pytest.raises(RuntimeError, match="SECRET_KEY is not set"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_database_url_selects_the_driver(tmp_path):
    assert database_uri(None, str(tmp_path)) == f"sqlite:///{tmp_path}/workspace.db"
    assert database_uri("postgres://u@h/db", "") == "postgresql+psycopg://u@h/db"
    assert database_uri("postgresql://u@h/db", "") == "postgresql+psycopg://u@h/db"
    assert database_uri("postgresql+psycopg://u@h/db", "") == "postgresql+psycopg://u@h/db"


def test_sqlite_runs_with_foreign_keys_and_wal(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings")
    connection = db.session.connection()
    assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_migrations_match_the_models(app):
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []


def test_database_refuses_what_the_forms_refuse(app):
    from sqlalchemy.exc import IntegrityError
    national = factories.national_area()
    for bad in (Area(name="Loose", level="district"), Area(name="Second", level="national"),
                Area(name="Odd", level="planet", parent_id=national.id),
                Organization(name="Weird", kind="club", area_id=national.id),
                Organization(name="Nowhere", kind="ngo", area_id=national.id + 999)):
        db.session.add(bad)
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_seed_demo_is_complete_and_idempotent(app, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "admin@workspace.example" in result.output and DEMO_PASSWORD in result.output

    def counts():
        return [db.session.scalar(db.select(db.func.count()).select_from(model))
                for model in (Area, Organization, User, AuditEvent)]

    first = counts()
    hashes = dict(db.session.execute(db.select(User.email, User.password_hash)).all())
    seed_demo()
    assert counts() == first
    assert dict(db.session.execute(db.select(User.email, User.password_hash)).all()) == hashes

    users = list(db.session.scalars(db.select(User)))
    assert {u.sector for u in users if not u.is_admin} >= {"government", "ngo", "community"}
    assert any(u.is_admin for u in users)
    kinds = set(db.session.scalars(db.select(Organization.kind)))
    assert kinds >= {"government", "ngo", "community_group"}
    levels = set(db.session.scalars(db.select(Area.level)))
    assert levels == {"national", "region", "district", "subdistrict", "community"}


def test_demo_login_works(app, client):
    seed_demo()
    response = client.post("/login", data={"email": "admin@workspace.example", "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_create_admin_command(app, runner, client):
    result = runner.invoke(args=["create-admin", "--email", "Chief@Example.org", "--name", "Chief Admin",
                                 "--organization", "Ministry of Social Welfare", "--country", "Republic",
                                 "--password", "a long admin password"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User).where(User.email == "chief@example.org"))
    assert user.is_admin and user.organization.area.name == "Republic"
    login(client, user, "a long admin password")
    again = runner.invoke(args=["create-admin", "--email", "chief@example.org", "--name", "X",
                                "--organization", "Y", "--password", "a long admin password"])
    assert again.exit_code != 0 and "exists" in again.output
    short = runner.invoke(args=["create-admin", "--email", "b@example.org", "--name", "X",
                                "--organization", "Y", "--password", "short"])
    assert short.exit_code != 0 and db.session.scalar(db.select(User).where(User.email == "b@example.org")) is None


@pytest.mark.parametrize("attributes", [
    {"value": 5, "selected": True},
    {"name": "a<b", "id": "x", "class_": "c d", "data_hx_get": "/x?a=1&b=2", "aria_invalid": "true",
     "required": True, "disabled": False},
    {"value": "<b>\"'&", "label": 'q"x', "for_": "f"},
])
def test_form_fields_write_their_attributes_as_wtforms_would(attributes):
    from wtforms.widgets import core

    from workspace.forms import WTFORMS_HTML_PARAMS, html_params

    assert core.html_params is html_params  # what the widgets call
    assert html_params(**attributes) == WTFORMS_HTML_PARAMS(**attributes)
