"""``flask billing render``: make every invoice and credit-note file not made yet (or that failed);
overdue reminders go out with ``flask reminders``."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.billing import storage
from app.extensions import db

billing_cli = AppGroup("billing", help="Invoices and credit notes: files to make.")


@billing_cli.command("render")
@click.option("--limit", type=int, default=None, help="At most this many files.")
def render(limit: int | None) -> None:
    """Make the Factur-X files still missing."""
    done = failed = 0
    for invoice in storage.pending()[:limit]:
        try:
            storage.ensure_file(invoice)
            db.session.commit()
            done += 1
        except Exception as error:  # one bad file does not stop the others
            db.session.rollback()
            failed += 1
            click.echo(f"{invoice.number}: {error}", err=True)
    click.echo(f"{done} file(s) made, {failed} failed.")
    if failed:
        raise SystemExit(1)
