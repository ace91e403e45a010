"""``flask billing render``: make every invoice and credit-note file not made yet (or that failed);
overdue reminders go out with ``flask reminders``. ``flask payments sync``: ask the payment provider
about the online payments whose webhook never came, and send the refunds not sent yet."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.billing import online, providers, storage
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


payments_cli = AppGroup("payments", help="Online payments: reconcile with the provider.")


@payments_cli.command("sync")
def sync() -> None:
    """Settle the paid intents whose webhook never came; send the pending refunds."""
    provider = providers.configured()
    if provider is None:
        click.echo("Online payment is off (no Stripe keys): nothing to reconcile.")
        return
    report = online.sync(provider)
    click.echo(
        f"{report.settled} settled, {report.canceled} cancelled, {report.open} still open, "
        f"{report.failed} unreachable; {report.refunds_sent} refund(s) sent, {report.refunds_pending} pending."
    )
    if report.failed or report.refunds_pending:
        raise SystemExit(1)
