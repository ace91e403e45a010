"""Commands: ``flask outbox …`` (sending), ``flask notifications digest``, ``flask reminders``.

For production (as the user running the app, with its environment)::

    # the sender, as a long-running service (systemd unit, Restart=always); several may run
    flask --app app outbox send --loop
    # or, without a service, every minute from cron
    * * * * *   cd /srv/fnt-partage && .venv/bin/flask --app app outbox send
    # every day at 07:30: the managers' daily digests
    30 7 * * *  cd /srv/fnt-partage && .venv/bin/flask --app app notifications digest
    # every day at 08:00: reminders (bookings tomorrow, kits, agreements, newcomers' requests)
    0 8 * * *   cd /srv/fnt-partage && .venv/bin/flask --app app reminders
"""

from __future__ import annotations

import signal
import threading

import click
from flask.cli import AppGroup, with_appcontext

from app.extensions import db

outbox_cli = AppGroup("outbox", help="Envoi des e-mails en attente / sending queued emails.")
notifications_cli = AppGroup("notifications", help="Résumés quotidiens / daily digests.")


@outbox_cli.command("send")
@click.option("--loop", is_flag=True, help="Keep running: send what is due, then wait and start again.")
@click.option("--interval", type=float, default=None, help="Seconds to wait when nothing is due (OUTBOX_POLL_SECONDS).")
def send_command(loop: bool, interval: float | None) -> None:
    """Send the emails that are due (once, or as a worker with --loop)."""
    from app.notifications.outbox import run_worker, send_due

    if not loop:
        report = send_due()
        click.echo(
            f"{report.sent} envoyé(s) (sent), {report.retried} à réessayer (to retry), {report.dead} en échec (dead)."
        )
        return
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    click.echo("Envoi en continu ; Ctrl-C pour arrêter (sending until stopped).")
    run_worker(stop, interval, echo=click.echo)


@outbox_cli.command("dead")
def dead_command() -> None:
    """List the messages given up on, with their last error."""
    from app.notifications.outbox import dead_letters

    messages = dead_letters()
    for message in messages:
        click.echo(
            f"{message.id}\t{message.created_at:%Y-%m-%d %H:%M}Z\t{message.to_address}\t"
            f"{message.subject}\t{message.attempts}\t{message.last_error}"
        )
    click.echo(f"{len(messages)} message(s) en échec (dead).")


@outbox_cli.command("retry")
@click.argument("ids", nargs=-1, type=int)
@click.option("--all", "everything", is_flag=True, help="Every dead message.")
def retry_command(ids: tuple[int, ...], everything: bool) -> None:
    """Give dead messages a fresh series of tries."""
    from app.notifications.models import OutboxMessage
    from app.notifications.outbox import dead_letters, retry_dead

    messages = dead_letters(limit=100_000) if everything else [db.session.get(OutboxMessage, i) for i in ids]
    retried = sum(1 for message in messages if message is not None and retry_dead(message))
    db.session.commit()
    click.echo(f"{retried} message(s) remis en file (queued again).")


@notifications_cli.command("digest")
def digest_command() -> None:
    """Gather the messages held for managers into one email each."""
    from app.notifications.digest import send_digests

    gathered = send_digests()
    db.session.commit()
    click.echo(f"{len(gathered)} résumé(s) écrit(s) (digests queued), {sum(gathered.values())} message(s).")


@click.command("reminders")
@with_appcontext
def reminders_command() -> None:
    """Queue today's reminders; each one goes out once (cron, every morning)."""
    from app.notifications.reminders import send_reminders

    counts = send_reminders()
    db.session.commit()
    for kind, count in counts.items():
        click.echo(f"{kind}: {count}")
