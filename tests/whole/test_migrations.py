"""The Alembic migrations build the whole schema, tear it down, and match the models."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app import create_app
from app.documentation.search import FTS_TABLE_PREFIX, managed_by_models
from app.extensions import db
from tests.helpers import make_test_config, scratch_database


@pytest.fixture()
def blank_database_url(tmp_path):
    """A database with nothing in it, of the kind this run tests."""
    with scratch_database("fnt_migr", tmp_path) as url:
        yield url


def _tables(engine) -> set[str]:
    """The tables of the models (SQLite's full-text index tables aside: the migrations make them)."""
    names = sa.inspect(engine).get_table_names()
    return {name for name in names if not name.startswith(FTS_TABLE_PREFIX)} - {"alembic_version"}


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
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_name": managed_by_models})
        differences = compare_metadata(context, db.metadata)
    assert differences == []
