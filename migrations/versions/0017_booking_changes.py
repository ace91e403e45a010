"""bookings: changes to approved bookings waiting for a decision, resources out of service, bookings
kept as exceptions to a closure or an outage

Revision ID: 0017_booking_changes
Revises: 0011_kit_destination
Create Date: 2026-12-02 08:05:00

"""

from alembic import op
import sqlalchemy as sa


revision = "0017_booking_changes"
down_revision = "0011_kit_destination"
branch_labels = None
depends_on = None

CHANGE_STATUSES = ("pending", "approved", "refused", "withdrawn")


def _enum(values, name):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=20)


def upgrade():
    op.create_table(
        "booking_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("status", _enum(CHANGE_STATUSES, "change_status"), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("holds_until", sa.DateTime(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("attendees", sa.Integer(), nullable=True),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("tariff_audience", sa.String(length=20), nullable=True),
        sa.Column("price_cents", sa.Integer(), nullable=False),
        sa.Column("deposit_cents", sa.Integer(), nullable=False),
        sa.Column("payment_status", sa.String(length=20), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.CheckConstraint("starts_at < ends_at", name=op.f("ck_booking_changes_starts_before_ends")),
        sa.CheckConstraint("ends_at <= holds_until", name=op.f("ck_booking_changes_hold_covers_booking")),
        sa.CheckConstraint("quantity >= 1", name=op.f("ck_booking_changes_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["bookings.id"], name=op.f("fk_booking_changes_booking_id_bookings"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_booking_changes_requested_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_booking_changes_decided_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_changes")),
    )
    op.create_index("ix_booking_changes_booking_id", "booking_changes", ["booking_id"])
    op.create_index("ix_booking_changes_status", "booking_changes", ["status", "requested_at"])
    op.create_index(
        "uq_booking_changes_one_pending",
        "booking_changes",
        ["booking_id"],
        unique=True,
        sqlite_where=sa.text("status = 'pending'"),
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_table(
        "resource_outages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.String(length=255), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("starts_at < ends_at", name=op.f("ck_resource_outages_starts_before_ends")),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["resources.id"],
            name=op.f("fk_resource_outages_resource_id_resources"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_resource_outages_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resource_outages")),
    )
    op.create_index("ix_resource_outages_period", "resource_outages", ["resource_id", "ends_at", "starts_at"])
    op.create_table(
        "kept_bookings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("closure_id", sa.Integer(), nullable=True),
        sa.Column("outage_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["bookings.id"], name=op.f("fk_kept_bookings_booking_id_bookings"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["closure_id"], ["closures.id"], name=op.f("fk_kept_bookings_closure_id_closures"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["outage_id"],
            ["resource_outages.id"],
            name=op.f("fk_kept_bookings_outage_id_resource_outages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_kept_bookings_decided_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kept_bookings")),
        sa.UniqueConstraint("booking_id", "closure_id", name=op.f("uq_kept_bookings_closure")),
        sa.UniqueConstraint("booking_id", "outage_id", name=op.f("uq_kept_bookings_outage")),
    )
    op.create_index("ix_kept_bookings_booking_id", "kept_bookings", ["booking_id"])
    op.create_index("ix_kept_bookings_closure_id", "kept_bookings", ["closure_id"])
    op.create_index("ix_kept_bookings_outage_id", "kept_bookings", ["outage_id"])


def downgrade():
    op.drop_table("kept_bookings")
    op.drop_index("ix_resource_outages_period", table_name="resource_outages")
    op.drop_table("resource_outages")
    op.drop_index("uq_booking_changes_one_pending", table_name="booking_changes")
    op.drop_table("booking_changes")
