"""The database of a backup: copied and restored whole, SQLite with its online backup API,
PostgreSQL with ``pg_dump`` (custom format) and ``pg_restore``. No Flask here."""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

import sqlalchemy as sa

DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(RuntimeError):
    """A backup or a restore that cannot be done; the message (French, then English) says why."""


def database_kind(url: str) -> str:
    backend = sa.make_url(url).get_backend_name()
    if backend not in DATABASE_FILES:
        raise BackupError(
            f"Base de données non prise en charge : {backend} (unsupported database; SQLite or PostgreSQL only)."
        )
    return backend


def _sqlite_path(url: str) -> Path:
    database = sa.make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError(
            f"La base SQLite doit être un fichier (the SQLite database must be a file): {database or '(vide)'}."
        )
    return Path(database)


def _revision_of(connection: sqlite3.Connection | sa.Connection) -> str | None:
    query = "SELECT version_num FROM alembic_version ORDER BY version_num"
    try:
        if isinstance(connection, sqlite3.Connection):
            rows = [row[0] for row in connection.execute(query)]
        else:
            rows = list(connection.scalars(sa.text(query)))
    except (sqlite3.Error, sa.exc.DBAPIError):
        return None
    return " ".join(rows) or None


def backup_sqlite(url: str, target: Path) -> str | None:
    source_path = _sqlite_path(url)
    if not source_path.is_file():
        raise BackupError(f"Base SQLite introuvable (SQLite database not found): {source_path}.")
    source = sqlite3.connect(source_path, timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # one step: a consistent snapshot, even while the instance writes
        copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
        revision = _revision_of(copy)
    finally:
        copy.close()
        source.close()
    return revision


def pg_tool(name: str) -> str:
    """The path of a PostgreSQL client program: on PATH, in /usr/bin, or the newest of
    /usr/lib/postgresql/*/bin (Debian, Ubuntu)."""
    found = shutil.which(name)
    if found:
        return found
    candidates = [f"/usr/bin/{name}"]

    def major(path: str) -> int:
        version = Path(path).parts[-3]
        return int(version) if version.isdigit() else 0

    candidates += sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=major, reverse=True)
    for candidate in candidates:
        if os.access(candidate, os.X_OK):
            return candidate
    raise BackupError(
        f"{name} est introuvable : installez les outils clients de PostgreSQL (paquet postgresql-client), "
        f"de la même version que le serveur ou plus récente. "
        f"({name} not found: install the PostgreSQL client tools, postgresql-client.)"
    )


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A connection string for the PostgreSQL programs, and their environment: the password goes
    in ``PGPASSWORD``, never on the command line (where ``ps`` would show it)."""
    parsed = sa.make_url(url)
    environment = dict(os.environ)
    if parsed.password:
        environment["PGPASSWORD"] = str(parsed.password)
    conninfo = parsed.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return conninfo, environment


def _run(command: list[str], environment: dict[str, str], what: str) -> str:
    result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()
        raise BackupError(f"{what} a échoué ({what} failed):\n{detail}")
    return result.stdout


def _engine(url: str) -> sa.Engine:
    return sa.create_engine(url, poolclass=sa.pool.NullPool)


def backup_postgresql(url: str, target: Path) -> str | None:
    pg_dump = pg_tool("pg_dump")
    engine = _engine(url)
    try:
        with engine.connect() as connection:
            revision = _revision_of(connection)
    finally:
        engine.dispose()
    conninfo, environment = _libpq(url)
    _run([pg_dump, "--format=custom", f"--file={target}", f"--dbname={conninfo}"], environment, "pg_dump")
    return revision


def existing_tables(url: str) -> list[str]:
    """The tables (and views, sequences) already in a database: a restore needs none."""
    if database_kind(url) == "sqlite":
        path = _sqlite_path(url)
        if not path.exists() or path.stat().st_size == 0:
            return []
        lite = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            query = "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'"
            return sorted(row[0] for row in lite.execute(query))
        finally:
            lite.close()
    engine = _engine(url)
    try:
        with engine.connect() as connection:
            return list(
                connection.scalars(
                    sa.text(
                        "SELECT n.nspname || '.' || c.relname FROM pg_class c "
                        "JOIN pg_namespace n ON n.oid = c.relnamespace "
                        "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') "
                        "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
                        "AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%' "
                        "ORDER BY 1"
                    )
                )
            )
    except sa.exc.OperationalError as error:
        raise BackupError(
            f"Impossible d'ouvrir la base cible (cannot connect to the target database): {error.orig}"
        ) from error
    finally:
        engine.dispose()


def restore_sqlite(source: Path, url: str) -> None:
    target = _sqlite_path(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    backup = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    restored = sqlite3.connect(target, timeout=30)
    try:
        backup.backup(restored)
    finally:
        restored.close()
        backup.close()


def restore_postgresql(source: Path, url: str) -> None:
    pg_restore = pg_tool("pg_restore")
    conninfo, environment = _libpq(url)
    # Everything but the comments on extensions (btree_gist): only the extension's owner may set
    # them, and a database user restoring into an extension a superuser created is not.
    listing = _run([pg_restore, "--list", str(source)], environment, "pg_restore --list")
    kept = [line for line in listing.splitlines() if not (" COMMENT " in line and " EXTENSION " in line)]
    with tempfile.TemporaryDirectory() as scratch:
        use_list = Path(scratch) / "restore.list"
        use_list.write_text("\n".join(kept) + "\n")
        _run(
            [
                pg_restore,
                "--no-owner",  # the objects belong to the user restoring them
                "--no-privileges",
                "--single-transaction",  # all or nothing
                "--exit-on-error",
                f"--use-list={use_list}",
                f"--dbname={conninfo}",
                str(source),
            ],
            environment,
            "pg_restore",
        )
