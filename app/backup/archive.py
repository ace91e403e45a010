"""Backing up an instance into a folder, and restoring it into an empty one. No Flask here: the
commands (``app.backup.cli``) pass the database URL, the folders and the time; the database's
own copy is in ``app.backup.databases``.

A backup folder holds:

- the database: ``database.sqlite3`` (SQLite, copied with the online backup API, so a running
  instance gives a consistent copy) or ``database.pgdump`` (PostgreSQL, ``pg_dump`` custom format);
- the files of each area, under the area's name: ``agreements/2027/FNT-2027-0001-v1.pdf``,
  ``uploads/resources/….png``, ``uploads/events/….jpg``;
- ``manifest.json``: every file with its SHA-256 and size, the kind of database, its Alembic
  revision, the time and the version of the application, and the secrets left out;
- ``LISEZMOI.txt``: the same, for a person.

The database is copied first, then the files: a file is written before the row that records it
is committed (agreements, photos), so every file the copied database knows of is already there.

The secrets (``SECRET_KEY``, the seal's key and certificate, the environment file) are never
copied: a backup is meant to travel to other disks, the secrets must not. They are named in the
manifest and in ``LISEZMOI.txt`` so that whoever restores knows what else to bring.

Restoring checks everything before writing anything: every file against the manifest, the kind
of database, that the application knows the backup's revision, that the target database has no
table and the target folders no file.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from app.backup.databases import (
    DATABASE_FILES,
    BackupError,
    backup_postgresql,
    backup_sqlite,
    database_kind,
    existing_tables,
    restore_postgresql,
    restore_sqlite,
)

__all__ = ["DATABASE_FILES", "Area", "BackupError", "Secret", "backup", "existing_tables", "restore", "verify"]

FORMAT = 1
MANIFEST = "manifest.json"
README = "LISEZMOI.txt"
DATABASE_AREA = "database"
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Area:
    """A folder of files of the instance, saved under ``name`` in the backup."""

    name: str
    path: Path
    read_only: bool = False  # restored files are made read-only (the agreements: never rewritten)


@dataclass(frozen=True)
class Secret:
    """Something the backup leaves out on purpose, to be saved separately."""

    name: str
    what: str
    where: str = ""


# --- Files -----------------------------------------------------------------------------------------


def sha256_of_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _copy(source: Path, target: Path, mode: int) -> tuple[str, int]:
    """Copy a file (never over another) and return the SHA-256 and size of the bytes written."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with source.open("rb") as reader, target.open("xb") as writer:
        for chunk in iter(lambda: reader.read(CHUNK), b""):
            digest.update(chunk)
            writer.write(chunk)
            size += len(chunk)
        writer.flush()
        os.fsync(writer.fileno())
    os.chmod(target, mode)
    return digest.hexdigest(), size


def _files_of(folder: Path) -> list[Path]:
    """The files of a folder, recursively, by name; symbolic links and the storage's half-written
    ``.tmp-`` files left out."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.rglob("*"):
        if path.is_symlink() or not path.is_file() or path.name.startswith(".tmp-"):
            continue
        found.append(path)
    return sorted(found)


def _entry(path: str, area: str, sha256: str, size: int) -> dict:
    return {"path": path, "area": area, "sha256": sha256, "size": size}


# --- Backup ----------------------------------------------------------------------------------------


def _refuse_non_empty(directory: Path) -> None:
    if directory.exists() and not directory.is_dir():
        raise BackupError(f"{directory} existe et n'est pas un dossier ({directory} is not a folder).")
    if directory.is_dir() and any(directory.iterdir()):
        raise BackupError(
            f"Le dossier {directory} n'est pas vide : choisissez un dossier neuf ou vide, "
            f"une sauvegarde n'en écrase jamais une autre. "
            f"(The folder is not empty: a backup never overwrites another.)"
        )


def _readme(manifest: dict) -> str:
    database = manifest["database"]
    lines = [
        "Sauvegarde de FNT Partage (FNT Partage backup)",
        "",
        f"Faite le (made at): {manifest['created_at']}",
        f"Version de l'application (app version): {manifest['app_version']}",
        f"Base de données (database): {database['kind']}, révision (revision) {database['alembic_revision']}",
        f"Fichiers (files): {len(manifest['files'])}, listés avec leur SHA-256 dans {MANIFEST}",
        "",
        "Restaurer dans une instance vide (restore into an empty instance):",
        "    flask --app app restore CE_DOSSIER",
        "",
        "NON COMPRIS, à sauvegarder à part et à garder en lieu sûr",
        "(NOT INCLUDED: save them separately, somewhere safe):",
    ]
    for secret in manifest["not_included"]:
        where = f" [{secret['where']}]" if secret["where"] else ""
        lines.append(f"- {secret['name']}: {secret['what']}{where}")
    return "\n".join(lines) + "\n"


def _write_json(path: Path, data: dict) -> None:
    staging = path.with_name(f".{path.name}.tmp")
    with staging.open("w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=2)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(staging, 0o400)
    os.replace(staging, path)


def backup(
    directory: Path,
    database_url: str,
    areas: Sequence[Area],
    *,
    now: datetime,
    app_version: str,
    secrets: Iterable[Secret] = (),
) -> dict:
    """Write a backup of the instance into ``directory`` (new or empty); return its manifest.

    On a failure, what was written is removed: a folder without ``manifest.json`` is no backup.
    """
    directory = Path(directory)
    _refuse_non_empty(directory)
    for area in areas:
        if directory.resolve().is_relative_to(area.path.resolve()):
            raise BackupError(
                f"Le dossier de sauvegarde ne peut pas être dans {area.path}, que la sauvegarde copie "
                f"(the backup folder cannot be inside a folder it copies)."
            )
    kind = database_kind(database_url)
    created = not directory.exists()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        database_file = directory / DATABASE_FILES[kind]
        if kind == "sqlite":
            revision = backup_sqlite(database_url, database_file)
        else:
            revision = backup_postgresql(database_url, database_file)
        os.chmod(database_file, 0o400)
        files = [_entry(database_file.name, DATABASE_AREA, *sha256_of_file(database_file))]
        for area in areas:
            for source in _files_of(area.path):
                relative = source.relative_to(area.path).as_posix()
                path = f"{area.name}/{relative}"
                files.append(_entry(path, area.name, *_copy(source, directory / path, 0o400)))
        manifest = {
            "format": FORMAT,
            "application": "fnt-partage",
            "app_version": app_version,
            "created_at": now.isoformat(),
            "database": {"kind": kind, "file": database_file.name, "alembic_revision": revision},
            "areas": [area.name for area in areas],
            "files": files,
            "not_included": [{"name": s.name, "what": s.what, "where": s.where} for s in secrets],
        }
        (directory / README).write_text(_readme(manifest), encoding="utf-8")
        _write_json(directory / MANIFEST, manifest)  # last: its presence says the backup is whole
    except BaseException:
        if created:
            shutil.rmtree(directory, ignore_errors=True)
        else:
            for child in directory.iterdir():
                if child.is_dir() and not child.is_symlink():
                    shutil.rmtree(child, ignore_errors=True)
                else:
                    child.unlink(missing_ok=True)
        raise
    return manifest


# --- Restore ---------------------------------------------------------------------------------------


def read_manifest(directory: Path) -> dict:
    path = Path(directory) / MANIFEST
    if not path.is_file():
        raise BackupError(
            f"Pas de {MANIFEST} dans {directory} : ce n'est pas une sauvegarde complète de FNT Partage. "
            f"(No {MANIFEST}: not a complete FNT Partage backup.)"
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(manifest, dict):
            raise ValueError("not an object")
        files, database = manifest["files"], manifest["database"]
        if not isinstance(files, list) or not isinstance(database, dict):
            raise ValueError("files or database of the wrong type")
    except (ValueError, KeyError) as error:
        raise BackupError(f"{MANIFEST} illisible (unreadable): {error}.") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(
            f"Format de sauvegarde inconnu : {manifest.get('format')!r} (unknown backup format; expected {FORMAT})."
        )
    return manifest


def _safe_relative(path: object) -> PurePosixPath:
    """A path of the manifest: relative, inside the backup (a changed manifest must not make the
    restore write elsewhere)."""
    if not isinstance(path, str) or not path or "\\" in path:
        raise BackupError(f"Chemin invalide dans {MANIFEST} (invalid path): {path!r}.")
    pure = PurePosixPath(path)
    if pure.is_absolute() or any(part in ("", ".", "..") for part in pure.parts):
        raise BackupError(f"Chemin invalide dans {MANIFEST} (invalid path): {path!r}.")
    return pure


def verify(directory: Path) -> dict:
    """Check every file of the backup against its manifest; return the manifest.

    Raises ``BackupError`` naming the first file missing, of another size or another SHA-256.
    """
    directory = Path(directory)
    manifest = read_manifest(directory)
    for entry in manifest["files"]:
        if not isinstance(entry, dict):
            raise BackupError(f"Entrée invalide dans {MANIFEST} (invalid entry): {entry!r}.")
        relative = _safe_relative(entry.get("path"))
        path = directory / relative
        if path.is_symlink() or not path.is_file():
            raise BackupError(f"Fichier manquant dans la sauvegarde (file missing from the backup): {relative}.")
        sha256, size = sha256_of_file(path)
        if sha256 != entry.get("sha256") or size != entry.get("size"):
            raise BackupError(
                f"Le fichier {relative} ne correspond pas au manifeste (SHA-256 ou taille) : la sauvegarde "
                f"est abîmée ou a été modifiée, rien n'a été restauré. "
                f"(The file {relative} does not match the manifest: nothing was restored.)"
            )
    return manifest


def _plan(manifest: dict, areas: Sequence[Area]) -> tuple[PurePosixPath, list[tuple[dict, Path, Area]]]:
    """The database file of the backup and, for each other file, where it goes."""
    by_name = {area.name: area for area in areas}
    database: PurePosixPath | None = None
    placed = []
    for entry in manifest["files"]:
        relative = _safe_relative(entry["path"])
        if entry.get("area") == DATABASE_AREA:
            database = relative
            continue
        area = by_name.get(entry.get("area", ""))
        prefix = PurePosixPath(str(entry.get("area", "")))
        if area is None or relative.parts[: len(prefix.parts)] != prefix.parts or relative == prefix:
            raise BackupError(
                f"Le fichier {relative} appartient à un dossier que cette version ne connaît pas "
                f"({entry.get('area')!r}) (the file belongs to an unknown area)."
            )
        placed.append((entry, area.path.joinpath(*relative.parts[len(prefix.parts) :]), area))
    if database is None or str(database) != manifest["database"].get("file"):
        raise BackupError(f"La base de données manque au manifeste (the database is missing from {MANIFEST}).")
    return database, placed


def restore(
    directory: Path,
    database_url: str,
    areas: Sequence[Area],
    *,
    known_revisions: set[str] | None = None,
) -> dict:
    """Restore the backup in ``directory`` into the empty instance of ``database_url`` and ``areas``.

    Everything is checked first (files, database kind, revision, empty database and folders);
    nothing is written unless all holds. Returns the manifest.
    """
    directory = Path(directory)
    manifest = verify(directory)
    kind = database_kind(database_url)
    backed_up = manifest["database"].get("kind")
    if backed_up != kind:
        raise BackupError(
            f"La sauvegarde est une base {backed_up}, l'instance cible est configurée sur {kind} : "
            f"restaurez dans une base du même type. (The backup is a {backed_up} database, the target is {kind}.)"
        )
    revision = manifest["database"].get("alembic_revision")
    if known_revisions is not None and revision:
        unknown = [part for part in str(revision).split() if part not in known_revisions]
        if unknown:
            raise BackupError(
                f"La sauvegarde vient d'une version plus récente de FNT Partage (révision {', '.join(unknown)} "
                f"inconnue ici) : installez d'abord cette version ({manifest.get('app_version')}). "
                f"(The backup comes from a newer version: its revision is unknown here.)"
            )
    database, placed = _plan(manifest, areas)
    tables = existing_tables(database_url)
    if tables:
        shown = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
        raise BackupError(
            f"La base de données cible n'est pas vide : elle contient déjà {len(tables)} table(s) "
            f"ou séquence(s) ({shown}). "
            f"Restaurez dans une base neuve, sans lancer « flask db upgrade » avant ; rien n'a été écrit. "
            f"(The target database is not empty: nothing was written.)"
        )
    for area in areas:
        present = _files_of(area.path)
        if present:
            raise BackupError(
                f"Le dossier {area.path} de l'instance cible contient déjà {len(present)} fichier(s) : "
                f"restaurez dans une instance vide ; rien n'a été écrit. "
                f"(The target folder is not empty: nothing was written.)"
            )
    if kind == "sqlite":
        restore_sqlite(directory / database, database_url)
    else:
        restore_postgresql(directory / database, database_url)
    for entry, target, area in placed:
        sha256, _size = _copy(directory / entry["path"], target, 0o444 if area.read_only else 0o644)
        if sha256 != entry["sha256"]:  # changed since it was checked
            target.unlink()
            raise BackupError(f"Le fichier {entry['path']} a changé pendant la restauration (changed while restoring).")
    return manifest
