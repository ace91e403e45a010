"""``flask billing render``: make every invoice and credit-note file not made yet (or that failed);
overdue reminders go out with ``flask reminders``. ``flask payments sync``: ask the payment provider
about the online payments whose webhook never came, and send the refunds not sent yet.
``flask invoices run`` (daily) and ``flask invoices monthly --month YYYY-MM``: the invoices of the
venues that invoice after the booking or monthly (``app.billing.schedule``)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.billing import online, providers, storage
from app.core.clock import utcnow
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


invoices_cli = AppGroup("invoices", help="Invoices issued later than the approval (after the booking, monthly).")


def _commit_each(_invoice) -> None:
    db.session.commit()  # each invoice its own transaction: a failure later keeps those issued


@invoices_cli.command("monthly")
@click.option("--month", default=None, help="YYYY-MM (default: the month before this one).")
def monthly(month: str | None) -> None:
    """One invoice per organisation for the month's bookings, at the venues that invoice monthly."""
    from app.billing import schedule

    try:
        first = schedule.parse_month(month) if month else schedule.previous_month(utcnow())
    except ValueError:
        raise click.BadParameter("expected YYYY-MM, e.g. 2026-11", param_hint="--month") from None
    try:
        report = schedule.monthly(first, on_issued=_commit_each)
    except schedule.MonthNotOver:
        raise click.BadParameter(f"{first:%Y-%m} is not over yet", param_hint="--month") from None
    db.session.commit()
    click.echo(f"{first:%Y-%m}: {len(report.issued)} invoice(s) issued for {report.bookings} booking(s).")


@invoices_cli.command("run")
def run() -> None:
    """What a daily cron calls: the ended bookings of the venues that invoice after the booking,
    and last month's invoices of those that invoice monthly (nothing is issued twice)."""
    from app.billing import schedule

    now = utcnow()
    after = schedule.after_bookings(now, on_issued=_commit_each)
    first = schedule.previous_month(now)
    month = schedule.monthly(first, now, on_issued=_commit_each)
    db.session.commit()
    click.echo(
        f"After the booking: {len(after.issued)} invoice(s); {first:%Y-%m}: {len(month.issued)} invoice(s) "
        f"for {month.bookings} booking(s)."
    )
