"""Workspace: committees, action plans, community indicators and feedback in one place."""
import os
import sqlite3

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from workspace.config import DEFAULTS, database_uri, from_environment


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """SQLite: enforce foreign keys, let readers and a writer work at once, wait on locks."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(from_environment())
    if test_config:
        app.config.update(test_config)

    if not app.config.get("SECRET_KEY"):
        raise RuntimeError(
            "SECRET_KEY is not set. Put SECRET_KEY = '...' in instance/config.py "
            "or set the SECRET_KEY environment variable (`make run` writes one for you)."
        )
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = database_uri(
            app.config.get("DATABASE_URL"), app.instance_path
        )
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["TIMEZONE"]
    if app.config["BABEL_DEFAULT_LOCALE"] not in app.config["LANGUAGES"]:
        raise RuntimeError(f"BABEL_DEFAULT_LOCALE must be one of the shipped languages: "
                           f"{', '.join(app.config['LANGUAGES'])}.")

    from workspace import access, assets, edits, errors, formatting, i18n, inputs, links, reading, richtext, security
    from workspace.extensions import babel, csrf, db, htmx, login_manager, migrate

    db.init_app(app)
    with app.app_context():
        reading.register(db.engine)  # PostgreSQL: pages read outside a transaction until they write
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    csrf.init_app(app)
    htmx.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    login_manager.init_app(app)
    assets.init_app(app)  # compressed responses, static files under content-hashed URLs

    from workspace.auth import bp as auth_bp
    from workspace.auth.sessions import configure_login
    from workspace.admin import bp as admin_bp
    from workspace.actions import bp as actions_bp
    from workspace.committees import bp as committees_bp
    from workspace.feedback import bp as feedback_bp
    from workspace.home import bp as home_bp
    from workspace.sessions import bp as sessions_bp
    from workspace.indicators import bp as indicators_bp
    from workspace.pickers import bp as pickers_bp
    from workspace.programmes import bp as programmes_bp
    from workspace.words import bp as words_bp

    inputs.register(app)  # before the blueprints: their <int:...> ids are bounded
    configure_login(login_manager)
    app.register_blueprint(auth_bp)
    app.register_blueprint(home_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(committees_bp)
    app.register_blueprint(actions_bp)
    app.register_blueprint(indicators_bp)
    app.register_blueprint(feedback_bp)
    app.register_blueprint(sessions_bp)
    app.register_blueprint(programmes_bp)
    app.register_blueprint(pickers_bp)
    app.register_blueprint(words_bp)

    access.register(app)
    formatting.register(app)
    i18n.register(app)  # after Flask-Babel's: translations read once per request
    links.register(app)
    richtext.register(app)
    security.register(app)
    errors.register(app)
    edits.register(app)

    from workspace.actions.reminders import send_reminders_command
    from workspace.admin.commands import create_admin_command
    from workspace.demo import seed_demo_command
    from workspace.feedback.escalation import escalate_cases_command
    from workspace.indicators.evidence import sweep_evidence_command
    from workspace.scale import seed_scale_command

    app.cli.add_command(seed_demo_command)
    app.cli.add_command(seed_scale_command)
    app.cli.add_command(create_admin_command)
    app.cli.add_command(send_reminders_command)
    app.cli.add_command(escalate_cases_command)
    app.cli.add_command(sweep_evidence_command)
    return app
