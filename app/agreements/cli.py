"""``flask agreements render``: render, seal and store every agreement file not made yet.

Run it from a timer (every few minutes) or after a deployment: then borrowers and managers never
wait for a first rendering. Without it, the first download renders the file.
"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.agreements import storage
from app.extensions import db

agreements_cli = AppGroup("agreements", help="Agreements (conventions): files to render.")


@agreements_cli.command("render")
@click.option("--limit", type=int, default=None, help="At most this many files.")
def render(limit: int | None) -> None:
    """Render, seal and store the agreement files still missing."""
    done = failed = 0
    for agreement, final in storage.pending()[:limit]:
        try:
            storage.ensure_file(agreement, final)
            db.session.commit()
            done += 1
        except Exception as error:  # one bad file does not stop the others
            db.session.rollback()
            failed += 1
            click.echo(f"{agreement.label}{' (final)' if final else ''}: {error}", err=True)
    click.echo(f"{done} file(s) rendered, {failed} failed.")
    if failed:
        raise SystemExit(1)
