"""``flask reports rebuild``: the reports' roll-up (``app.reports.rollup``) built again from the bookings.

Every change to the bookings keeps the roll-up current in its own transaction; a statement over many
rows at once notes every month, which the next report then rebuilds. Run this after a deployment, a
restore or a bulk import, so that no report pays for a build.
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
