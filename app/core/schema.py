"""Refuse to serve a database that is missing its migrations."""

from __future__ import annotations

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask

from app.extensions import db


class SchemaOutOfDate(SystemExit):
    pass


def schema_heads(app: Flask) -> tuple[set[str], set[str]]:
    """(revisions applied to the database, head revisions of migrations/)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", app.extensions["migrate"].directory)
    script = ScriptDirectory.from_config(config)
    with app.app_context(), db.engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    return current, set(script.get_heads())


def require_current_schema(app: Flask) -> None:
    current, heads = schema_heads(app)
    if current != heads:
        raise SchemaOutOfDate(
            "La base de données n'est pas à jour (migrations manquantes). "
            "Lancez : flask --app app db upgrade\n"
            "The database is missing migrations. Run: flask --app app db upgrade"
        )
