"""``flask backup DIR`` and ``flask restore DIR``: a copy of the instance, and bringing it back.

    flask --app app backup /var/backups/fnt-partage/2027-03-28
    flask --app app restore /var/backups/fnt-partage/2027-03-28 [--check]

The backup holds the database, the agreement files, the uploads and a manifest of their SHA-256;
never the secrets (``SECRET_KEY``, the seal's key and certificate, the environment file), which
it names: save them separately. A restore goes into an empty instance only (a new database, no
files), after checking every file of the backup.
"""

from __future__ import annotations

import os
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import click
from alembic.config import Config
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from flask.cli import with_appcontext

from app.agreements import storage
from app.backup import archive
from app.core.clock import utcnow
from app.manage import photos


def _areas(app: Flask) -> list[archive.Area]:
    return [
        archive.Area("agreements", storage.storage_dir(), read_only=True),
        archive.Area("uploads/resources", photos.upload_folder(app)),
        archive.Area("uploads/events", photos.upload_folder(app, "events")),
    ]


def _app_version() -> str:
    try:
        return version("fnt-partage")
    except PackageNotFoundError:  # pragma: no cover - run from a checkout that was never installed
        return "inconnue"


def _setting(app: Flask, name: str) -> str:
    return str(app.config.get(name) or os.environ.get(name) or "")


def secrets_left_out(app: Flask) -> list[archive.Secret]:
    """What the backup does not hold, and where this instance keeps it (paths, never values)."""
    instance = Path(app.instance_path)
    seal_dir = instance / "agreement-seal"
    key = _setting(app, "AGREEMENT_SEAL_KEY") or f"{seal_dir / 'key.pem'} (développement)"
    cert = _setting(app, "AGREEMENT_SEAL_CERT") or f"{seal_dir / 'cert.pem'} (développement)"
    secret_key = "variable d'environnement" if os.environ.get("SECRET_KEY") else str(instance / "secret_key")
    left_out = [
        archive.Secret(
            "SECRET_KEY", "la clé secrète : signe les sessions et les liens envoyés (the secret key)", secret_key
        ),
        archive.Secret("AGREEMENT_SEAL_KEY", "la clé privée du sceau des conventions (the seal's private key)", key),
        archive.Secret("AGREEMENT_SEAL_CERT", "le certificat du sceau (the seal's certificate)", cert),
    ]
    if _setting(app, "AGREEMENT_SEAL_PASSPHRASE"):
        left_out.append(
            archive.Secret(
                "AGREEMENT_SEAL_PASSPHRASE", "la phrase de passe de la clé du sceau (its passphrase)", "environnement"
            )
        )
    if _setting(app, "AGREEMENT_SEAL_CHAIN"):
        left_out.append(
            archive.Secret(
                "AGREEMENT_SEAL_CHAIN",
                "la chaîne de certificats du sceau (the certificate chain)",
                _setting(app, "AGREEMENT_SEAL_CHAIN"),
            )
        )
    left_out.append(
        archive.Secret(
            "fichier d'environnement",
            "les réglages de production : DATABASE_URL, SMTP_PASSWORD, BASE_URL… (the environment file)",
            str(app.config.get("ENVIRONMENT_FILE") or ""),
        )
    )
    return left_out


def _migrations(app: Flask) -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", app.extensions["migrate"].directory)
    return ScriptDirectory.from_config(config)


def _size(total: int) -> str:
    return f"{total / 1024 / 1024:.1f} Mo" if total >= 1024 * 1024 else f"{total / 1024:.0f} Ko"


@click.command("backup")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def backup_command(directory: Path) -> None:
    """Sauvegarder l'instance dans DIRECTORY (neuf ou vide) : base, conventions, photos, manifeste.

    Back up the instance into DIRECTORY (new or empty). The secrets are not included.
    """
    app = current_app
    try:
        manifest = archive.backup(
            directory,
            app.config["SQLALCHEMY_DATABASE_URI"],
            _areas(app),
            now=utcnow(),
            app_version=_app_version(),
            secrets=secrets_left_out(app),
        )
    except archive.BackupError as error:
        raise click.ClickException(str(error)) from error
    files = manifest["files"]
    database = manifest["database"]
    click.echo(
        f"Sauvegarde écrite dans {directory} (backup written): base {database['kind']} "
        f"(révision {database['alembic_revision']}), {len(files) - 1} fichier(s), "
        f"{_size(sum(entry['size'] for entry in files))} ; {archive.MANIFEST} liste leurs SHA-256."
    )
    click.echo("NON COMPRIS : à sauvegarder à part, en lieu sûr (NOT INCLUDED: save them separately):")
    for secret in manifest["not_included"]:
        where = f" [{secret['where']}]" if secret["where"] else ""
        click.echo(f"  - {secret['name']} : {secret['what']}{where}")


@click.command("restore")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--check", is_flag=True, help="Vérifier la sauvegarde seulement, sans rien restaurer (verify only).")
@with_appcontext
def restore_command(directory: Path, check: bool) -> None:
    """Restaurer la sauvegarde DIRECTORY dans cette instance, qui doit être vide (base neuve, aucun fichier).

    Restore the backup into this instance, which must be empty. Every file is checked first.
    """
    app = current_app
    script = _migrations(app)
    try:
        if check:
            manifest = archive.verify(directory)
            click.echo(
                f"Sauvegarde intacte (backup intact): {len(manifest['files'])} fichier(s) conformes au manifeste."
            )
            return
        manifest = archive.restore(
            directory,
            app.config["SQLALCHEMY_DATABASE_URI"],
            _areas(app),
            known_revisions={revision.revision for revision in script.walk_revisions()},
        )
    except archive.BackupError as error:
        raise click.ClickException(str(error)) from error
    database = manifest["database"]
    click.echo(
        f"Restauré depuis {directory} (restored): base {database['kind']} (révision {database['alembic_revision']}), "
        f"{len(manifest['files']) - 1} fichier(s), sauvegarde du {manifest['created_at']}."
    )
    if set(str(database["alembic_revision"] or "").split()) != set(script.get_heads()):
        click.echo("Mettez ensuite la base à jour (then upgrade the database): flask --app app db upgrade")
    names = ", ".join(secret["name"] for secret in manifest["not_included"])
    click.echo(f"Remettez en place ce que la sauvegarde ne contient pas (put back what it does not hold): {names}.")
