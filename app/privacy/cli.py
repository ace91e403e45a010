"""``flask privacy purge``: what is past its retention period goes (see ``docs/privacy.md``).

For cron (as the user running the app, with its environment):

    # every day at 03:40
    40 3 * * *  cd /srv/fnt-partage && .venv/bin/flask --app app privacy purge
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from app.extensions import db


@click.group("privacy", help="Données personnelles / personal data.")
def privacy_cli() -> None:
    pass


@privacy_cli.command("purge")
@with_appcontext
def purge_command() -> None:
    """Delete never-confirmed accounts whose link expired, and copies of emails sent over 90 days ago."""
    from app.privacy.retention import purge

    gone = purge(confirmation_max_age=current_app.config["EMAIL_CONFIRMATION_MAX_AGE"])
    db.session.commit()
    click.echo(
        f"{gone['unconfirmed_accounts']} compte(s) jamais confirmé(s) et {gone['emails']} e-mail(s) supprimé(s) "
        f"(never-confirmed accounts and emails deleted)."
    )
