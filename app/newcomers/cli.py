"""``flask newcomers …``: the scheduled upkeep of test-space requests.

For cron (as the user running the app, with its environment):

    # every day at 03:30: anonymise requests past their retention period
    30 3 * * *  cd /srv/fnt-partage && .venv/bin/flask --app app newcomers purge
    # every day at 08:00: remind venues of requests waiting for an answer
    0 8 * * *   cd /srv/fnt-partage && .venv/bin/flask --app app newcomers remind
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from app.extensions import db


@click.group("newcomers", help="Demandes d'espace test / test-space requests.")
def newcomers_cli() -> None:
    pass


@newcomers_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="List what would be anonymised, change nothing.")
@with_appcontext
def purge_command(dry_run: bool) -> None:
    """Anonymise the requests without follow-up for longer than their retention period."""
    from app.newcomers.upkeep import purge

    purged = purge()
    ids = ", ".join(str(request.id) for request in purged) or "-"
    if dry_run:
        db.session.rollback()
        click.echo(f"{len(purged)} demande(s) à anonymiser (would anonymise): {ids}")
        return
    db.session.commit()
    click.echo(f"{len(purged)} demande(s) anonymisée(s) (requests anonymised): {ids}")


@newcomers_cli.command("remind")
@with_appcontext
def remind_command() -> None:
    """Email the venues whose requests wait for an answer for too long."""
    from app.newcomers.upkeep import send_reminders

    reminded = send_reminders()
    db.session.commit()
    click.echo(f"{len(reminded)} rappel(s) envoyé(s) (reminders sent).")


@newcomers_cli.command("default-routing")
@with_appcontext
def default_routing_command() -> None:
    """Fill an empty routing table with the consortium's roles."""
    from app.newcomers.routing import install_default_routing

    created, missing = install_default_routing()
    db.session.commit()
    click.echo(f"{len(created)} règle(s) d'orientation installée(s) (routes installed).")
    if missing:
        click.echo(f"Introuvables (not found): {', '.join(missing)}")
