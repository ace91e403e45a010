"""create path: the sums of bookings created, pending until a report adds them to the roll-up; one lead venue at most

A booking created writes its roll-up sums as one pending row (``app.reports.rollup.add_created``)
instead of reading the months built and adding to each sum; a report adds the pending sums before
it reads (``apply_pending``). The lead venue is unique (a partial unique index): an agreement's
snapshot may take it from the venues already loaded.

Revision ID: 0030_create_path
Revises: 0029_kept_deposit
Create Date: 2026-12-03 18:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0030_create_path"
down_revision = "0029_kept_deposit"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_rollup_pending",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sums", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    # The first lead venue stays the lead, as the agreements read it until now (the lowest id).
    op.execute(
        "UPDATE venues SET is_lead = false WHERE is_lead AND id > (SELECT min(id) FROM venues WHERE is_lead)"
    )
    op.create_index(
        "uq_venues_one_lead",
        "venues",
        ["is_lead"],
        unique=True,
        sqlite_where=sa.text("is_lead"),
        postgresql_where=sa.text("is_lead"),
    )


def downgrade():
    op.drop_index("uq_venues_one_lead", table_name="venues")
    # Sums still pending are lost with their table: every month is to be rebuilt when next read.
    op.execute("DELETE FROM report_rollup_months")
    op.drop_table("report_rollup_pending")
