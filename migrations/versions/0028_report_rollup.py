"""reports: the monthly (and yearly) roll-up of the bookings (sums per resource and organisation, per resource and
home venue, per venue, kind, weekday and hour, kit loans per commune), the months built, the months to rebuild

The tables are created empty with one note "every month to rebuild": each month is then built from
the bookings by the first report that reads it (``app.reports.rollup.refresh``), or all at once by
``flask reports rebuild``. The migration does not run the application's queries itself, so it stays
true whatever they become.

Revision ID: 0028_report_rollup
Revises: 0026_billing_schedule
Create Date: 2026-12-02 18:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0028_report_rollup"
down_revision = "0026_billing_schedule"
branch_labels = None
depends_on = None


def _sums(name, *keys):
    op.create_table(
        name,
        sa.Column("span", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        *keys,
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.Column("seconds", sa.BigInteger(), nullable=False),
        sa.Column("unit_seconds", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("span", "month", *[key.name for key in keys]),
    )


def upgrade():
    _sums(
        "report_usage",
        sa.Column("resource_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("organisation_id", sa.Integer(), autoincrement=False, nullable=False),
    )
    _sums(
        "report_home_usage",
        sa.Column("resource_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("home_venue_id", sa.Integer(), autoincrement=False, nullable=False),
    )
    op.create_table(
        "report_heat",
        sa.Column("span", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("venue_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("weekday", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("hour", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seconds", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("span", "month", "venue_id", "kind", "weekday", "hour"),
    )
    op.create_table(
        "report_communes",
        sa.Column("span", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("resource_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("commune", sa.String(length=120), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("span", "month", "resource_id", "commune"),
    )
    op.create_table(
        "report_rollup_months",
        sa.Column("span", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("span", "month"),
    )
    stale = op.create_table(
        "report_rollup_stale",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(stale, [{"month": None}])


def downgrade():
    op.drop_table("report_rollup_stale")
    op.drop_table("report_rollup_months")
    op.drop_table("report_communes")
    op.drop_table("report_heat")
    op.drop_table("report_home_usage")
    op.drop_table("report_usage")
