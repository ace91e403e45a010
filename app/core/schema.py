"""Refuse to serve a database that is missing its migrations."""

from __future__ import annotations

import sys

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask

from app.extensions import db


class SchemaOutOfDate(SystemExit):
    """Stops the process with exit code 3, which gunicorn reads as "worker failed to boot"
    (it stops instead of restarting workers forever)."""

    def __init__(self, message: str):
        super().__init__(3)
        self.message = message

    def __str__(self) -> str:
        return self.message


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
        message = (
            "La base de données n'est pas à jour (migrations manquantes). "
            "Lancez : flask --app app db upgrade\n"
            "The database is missing migrations. Run: flask --app app db upgrade"
        )
        print(message, file=sys.stderr)
        raise SchemaOutOfDate(message)
