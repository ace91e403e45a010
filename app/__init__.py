"""FNT Partage: the application factory."""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import click
from flask import Flask

from app.config import ConfigurationError, load_environment_file, load_settings
from app.extensions import babel, csrf, db, htmx, limiter, login_manager, migrate

__all__ = ["ConfigurationError", "create_app"]

# In the source tree, migrations/ beside app/; an installed package carries a copy (setup.py).
_PACKAGED_MIGRATIONS = Path(__file__).resolve().parent / "_migrations"
MIGRATIONS_DIR = (
    _PACKAGED_MIGRATIONS if _PACKAGED_MIGRATIONS.is_dir() else Path(__file__).resolve().parent.parent / "migrations"
)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application.

    ``test_config`` overrides the settings read from the environment (tests use it
    to point at their own database and to switch features off).
    """
    environment_file = load_environment_file()  # FNT_ENV_FILE, which may name the instance folder
    instance_path = os.environ.get("FNT_INSTANCE_PATH")
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    environment_file = environment_file or load_environment_file(app.instance_path)
    app.config.from_mapping(load_settings(app.instance_path))
    app.config["ENVIRONMENT_FILE"] = str(environment_file) if environment_file else None
    if test_config:
        app.config.from_mapping(test_config)

    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    from app.core.errors import register_error_handlers
    from app.core.web import BoundedIntegerConverter, register_web_hooks

    app.url_map.converters["int"] = BoundedIntegerConverter  # before any rule is added
    _register_models()
    _init_extensions(app)
    _register_blueprints(app)
    _register_notices()

    register_error_handlers(app)
    register_web_hooks(app)
    _register_cli(app)

    from app.core.static_files import init_static_files

    if app.config.get("STATIC_FOLDER"):  # tests serve a copy of the static files
        app.static_folder = app.config["STATIC_FOLDER"]
    init_static_files(app)

    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.info_name == "run" and app.config["CHECK_MIGRATIONS"]:
        from app.core.schema import require_current_schema

        require_current_schema(app)
    return app


def _init_extensions(app: Flask) -> None:
    from app.core.i18n import install_template_translations, select_locale, select_timezone
    from app.extensions import configure_sqlite

    importlib.import_module("app.models")  # registers every table on the metadata

    _limit_statement_time(app)
    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    htmx.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    install_template_translations(app)
    limiter.init_app(app)

    from app.auth.session import configure_login

    configure_login(app, login_manager)


def _limit_statement_time(app: Flask) -> None:
    """On PostgreSQL, no statement runs longer than ``DATABASE_STATEMENT_TIMEOUT_MS``: the server
    cancels it, the request fails with a 503 page and its worker is free again."""
    timeout = app.config["DATABASE_STATEMENT_TIMEOUT_MS"]
    if not timeout or not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        return
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    connect_args = dict(options.get("connect_args") or {})
    connect_args["options"] = f"{connect_args.get('options', '')} -c statement_timeout={int(timeout)}".strip()
    options["connect_args"] = connect_args
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _register_blueprints(app: Flask) -> None:
    from app.auth.profile import bp as account_bp
    from app.auth.views import bp as auth_bp
    from app.catalogue.views import bp as catalogue_bp
    from app.site.views import bp as site_bp

    app.register_blueprint(site_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(catalogue_bp)

    from app.newcomers.views import bp as newcomers_bp

    app.register_blueprint(newcomers_bp)

    from app import manage

    manage.register(app)

    from app.agreements.views import bp as agreements_bp

    app.register_blueprint(agreements_bp)

    from app.bookings.views import bp as bookings_bp

    app.register_blueprint(bookings_bp)

    from app.desk.views import bp as desk_bp

    app.register_blueprint(desk_bp)

    from app.fairuse.views import bp as fairuse_bp

    app.register_blueprint(fairuse_bp)
    from app.billing import quote_views  # noqa: F401  (the quotes' routes, on the billing blueprint)
    from app.billing.views import bp as billing_bp

    app.register_blueprint(billing_bp)

    from app.calendars.views import bp as calendars_bp
    from app.notifications.views import bp as notifications_bp

    app.register_blueprint(notifications_bp)
    app.register_blueprint(calendars_bp)

    from app.privacy.views import bp as privacy_bp

    app.register_blueprint(privacy_bp)

    from app.documentation.views import bp as documentation_bp

    app.register_blueprint(documentation_bp)
    from app.reports.views import bp as reports_bp

    app.register_blueprint(reports_bp)
    from app.dashboards.views import bp as dashboards_bp

    app.register_blueprint(dashboards_bp)

    from app.events.views import bp as events_bp

    app.register_blueprint(events_bp)

    from app.api import web as api_web

    api_web.register(app)


def _register_models() -> None:
    """The shared tables and those each feature owns, all in ``db.metadata`` (``app.models``)."""
    import app.agreements.models
    import app.api.models
    import app.billing.models
    import app.documentation.models
    import app.events.models
    import app.events.tickets
    import app.fairuse.models
    import app.models
    import app.newcomers.models
    import app.notifications.models
    import app.reports.models
    import app.reports.rollup  # noqa: F401  (its tables, and the listener keeping them in step)


def _register_notices() -> None:
    """Each feature's emails and reminders: imported, they connect to the booking engine's signals
    and register their reminders (``app.notifications.reminders``)."""
    import app.agreements.notices
    import app.billing.issuing
    import app.billing.notices
    import app.billing.online
    import app.bookings.change_notices
    import app.bookings.kit_notices
    import app.bookings.notices
    import app.events.notices
    import app.newcomers.upkeep  # noqa: F401


def _register_cli(app: Flask) -> None:
    from app.demo.cli import demo_cli

    app.cli.add_command(demo_cli)

    from app.newcomers.cli import newcomers_cli

    app.cli.add_command(newcomers_cli)

    from app.agreements.cli import agreements_cli

    app.cli.add_command(agreements_cli)

    from app.billing.cli import billing_cli, invoices_cli, payments_cli

    app.cli.add_command(billing_cli)
    app.cli.add_command(payments_cli)
    app.cli.add_command(invoices_cli)

    from app.notifications.cli import notifications_cli, outbox_cli, reminders_command

    app.cli.add_command(outbox_cli)
    app.cli.add_command(notifications_cli)
    app.cli.add_command(reminders_command)

    from app.privacy.cli import privacy_cli

    app.cli.add_command(privacy_cli)

    from app.manage.cli import users_cli

    app.cli.add_command(users_cli)

    from app.backup.cli import backup_command, restore_command

    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)

    from app.reports.cli import reports_cli

    app.cli.add_command(reports_cli)
