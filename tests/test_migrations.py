"""The Alembic migrations build the whole schema, tear it down, and match the models."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app import create_app
from app.extensions import db
from tests.conftest import TEST_DATABASE_URL, _postgres_admin_url, make_test_config


@pytest.fixture()
def blank_database_url(tmp_path):
    """A database with nothing in it, of the kind this run tests."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'blank.db'}"
        return
    admin_url = _postgres_admin_url(TEST_DATABASE_URL)
    name = f"fnt_migr_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def _tables(engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}


def test_upgrade_downgrade_upgrade(blank_database_url, instance_dir):
    application = create_app(make_test_config(blank_database_url, instance_dir))
    expected = {table.name for table in db.metadata.sorted_tables}
    with application.app_context():
        upgrade()
        assert _tables(db.engine) == expected
        downgrade(revision="base")
        assert _tables(db.engine) == set()
        upgrade()
        assert _tables(db.engine) == expected
        db.engine.dispose()


def test_models_and_migrations_agree(app):
    """Autogenerate against the migrated database finds nothing to add or change."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []
