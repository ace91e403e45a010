"""Fixtures of the whole suite: a real database (SQLite file, or PostgreSQL when TEST_DATABASE_URL is set),
the app, its clients and the mail outbox.

The schema is built once per run by the Alembic migrations, as in production;
each test starts from empty tables. On PostgreSQL every run creates a database
of its own (``fnt_test_<random>``) and drops it at the end, so runs never collide.

The tests mirror the app: ``tests/<feature>/`` holds the tests of ``app/<feature>/``, its
``conftest.py`` the fixtures of that feature (its worlds are built by ``tests.factories``);
``tests/whole/`` the tests of the application as a whole, ``tests/e2e/`` the browser tests.
Helpers shared by tests are in ``tests.helpers``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from app.extensions import db, limiter
from tests.helpers import TEST_DATABASE_URL, BrowserLikeClient, Outbox, make_test_config, scratch_database

# Every test on the pinned clock (``--at``); the SMTP server and localstripe on loopback as fixtures.
pytest_plugins = ["tests.clock", "tests.smtp_server", "tests.factories.localstripe"]

# A developer's own environment file never reaches the tests (each test instance has none).
os.environ.pop("FNT_ENV_FILE", None)


@pytest.fixture(scope="session")
def instance_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("instance")
    os.environ["FNT_INSTANCE_PATH"] = str(path)
    return path


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, instance_dir) -> str:
    with scratch_database("fnt_test", tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture(scope="session")
def migrated_database(database_url, instance_dir) -> str:
    app = create_app(make_test_config(database_url, instance_dir))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return database_url


@pytest.fixture(scope="session")
def _cleaner(migrated_database) -> sa.Engine:
    engine = sa.create_engine(migrated_database)
    yield engine
    engine.dispose()


def empty_all_tables(engine: sa.Engine) -> None:
    """Every table emptied, children first, and PostgreSQL's id sequences back to 1.

    DELETE, not TRUNCATE: on tables of a few rows TRUNCATE costs PostgreSQL about 200 ms
    (it makes new files for every table), DELETE a few milliseconds.
    """
    with engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("SELECT setval(oid, 1, false) FROM pg_class WHERE relkind = 'S'")


@pytest.fixture()
def app_factory(migrated_database, instance_dir, _cleaner):
    """Build an app on the test database with some settings changed; the test starts on empty tables."""
    empty_all_tables(_cleaner)
    built = []

    def build(**overrides):
        application = create_app(make_test_config(migrated_database, instance_dir, **overrides))
        built.append(application)
        return application

    yield build
    for application in built:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()
    # The limiter is one object for the process: an app built with limits on leaves it on.
    limiter.enabled = False


@pytest.fixture()
def monday():
    """A Monday between 8 and 14 days from now (Paris)."""
    from tests.factories.bookings import monday_ahead

    return monday_ahead()


@pytest.fixture(scope="session")
def _shared_app(migrated_database, instance_dir):
    """The app with the test settings, built once: building one costs about 60 ms (Werkzeug
    compiles every URL rule), and its connection pool stays warm. ``app`` gives it to each test
    and puts back whatever the test changed of its settings."""
    application = create_app(make_test_config(migrated_database, instance_dir))
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture()
def app(app_factory, _shared_app, instance_dir):
    application = _shared_app
    settings = dict(application.config)
    application.test_client_class = BrowserLikeClient
    outbox = instance_dir / "outbox"
    if outbox.exists():
        for message in outbox.glob("*.eml"):
            message.unlink()
    try:
        with application.app_context():
            yield application
            db.session.rollback()
            db.session.remove()
    finally:
        application.config.clear()
        application.config.update(settings)


@pytest.fixture()
def client(app) -> BrowserLikeClient:
    return app.test_client()


@pytest.fixture()
def runner(app):
    return app.test_cli_runner()


@pytest.fixture()
def outbox(instance_dir):
    """The emails written by the development mail delivery, oldest first."""
    return Outbox(instance_dir / "outbox")


def pytest_collection_modifyitems(config, items):
    """Tests of one database's own behaviour run only on that database."""
    on_postgres = bool(TEST_DATABASE_URL)
    for item in items:
        if on_postgres and item.get_closest_marker("sqlite_only"):
            item.add_marker(pytest.mark.skip(reason="SQLite-specific test; this run is on PostgreSQL"))
        if not on_postgres and item.get_closest_marker("postgres_only"):
            item.add_marker(pytest.mark.skip(reason="PostgreSQL-specific test; set TEST_DATABASE_URL to run it"))
