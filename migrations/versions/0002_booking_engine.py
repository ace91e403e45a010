"""booking engine: kit checks, waitlist, overlap index and exclusion constraint

Revision ID: 0002_booking_engine
Revises: 0005_newcomers
Create Date: 2026-11-29 00:41:44.338410

The exclusion constraint is PostgreSQL only and written by hand (autogenerate
neither detects nor renders it correctly): two bookings of the same resource
that hold their slot (exclusive resources, status approved or handed over) never
overlap, buffer included (``holds_until``). The columns are ``timestamp without
time zone`` holding UTC, hence ``tsrange``; ``[)`` makes back-to-back bookings
legal. On SQLite the same guarantee comes from the engine's check inside a
``BEGIN IMMEDIATE`` transaction (see app/extensions.py).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002_booking_engine'
down_revision = '0005_newcomers'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('kit_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('handover', 'return', name='kit_check_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('checklist', sa.JSON(), nullable=False),
    sa.Column('condition_notes', sa.Text(), nullable=False),
    sa.Column('deposit_cents', sa.Integer(), nullable=False),
    sa.CheckConstraint('deposit_cents >= 0', name=op.f('ck_kit_checks_deposit_non_negative')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_kit_checks_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_kit_checks_booking_id_bookings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kit_checks')),
    sa.UniqueConstraint('booking_id', 'kind', name='uq_kit_checks_booking_kind')
    )
    op.create_table('waitlist_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('waiting', 'offered', 'fulfilled', 'withdrawn', name='waitlist_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('offered_at', sa.DateTime(), nullable=True),
    sa.Column('offered_booking_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('quantity >= 1', name=op.f('ck_waitlist_entries_quantity_positive')),
    sa.CheckConstraint('starts_at < ends_at', name=op.f('ck_waitlist_entries_starts_before_ends')),
    sa.ForeignKeyConstraint(['offered_booking_id'], ['bookings.id'], name=op.f('fk_waitlist_entries_offered_booking_id_bookings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['resource_id'], ['resources.id'], name=op.f('fk_waitlist_entries_resource_id_resources'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_waitlist_entries_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_waitlist_entries'))
    )
    op.create_index('ix_waitlist_entries_resource_status_ends', 'waitlist_entries', ['resource_id', 'status', 'ends_at'], unique=False)
    op.create_index('ix_waitlist_entries_user', 'waitlist_entries', ['user_id', 'created_at'], unique=False)
    op.create_index('ix_bookings_resource_holds', 'bookings', ['resource_id', 'holds_until', 'starts_at', 'status', 'quantity'], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute(
            "ALTER TABLE bookings ADD CONSTRAINT ex_bookings_no_overlap EXCLUDE USING gist ("
            " resource_id WITH =,"
            " tsrange(starts_at, holds_until, '[)') WITH &&"
            ") WHERE (exclusive AND status IN ('approved', 'handed_over'))"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        # The btree_gist extension stays: other objects may use it, and it is harmless.
        op.execute("ALTER TABLE bookings DROP CONSTRAINT IF EXISTS ex_bookings_no_overlap")
    op.drop_index('ix_bookings_resource_holds', table_name='bookings')
    op.drop_index('ix_waitlist_entries_user', table_name='waitlist_entries')
    op.drop_index('ix_waitlist_entries_resource_status_ends', table_name='waitlist_entries')
    op.drop_table('waitlist_entries')
    op.drop_table('kit_checks')
