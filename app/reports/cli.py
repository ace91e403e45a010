"""``flask reports rebuild``: the reports' roll-up (``app.reports.rollup``) built again from the bookings.

Reports keep the roll-up current by themselves (each month changed since is rebuilt when a report
next reads it); run this after a deployment or a restore, so that no report pays for a first build.
"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.reports import rollup

reports_cli = AppGroup("reports", help="Reports: the monthly roll-up of the bookings.")


@reports_cli.command("rebuild")
def rebuild() -> None:
    """Rebuild every month's sums from the bookings, from scratch."""
    months = rollup.rebuild_all()
    click.echo(f"{months} month(s) rebuilt.")
