"""closures: the French public holidays on which a venue chose to open

Revision ID: 0010_holiday_openings
Revises: 0009_erasure_requests
Create Date: 2026-12-02 05:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0010_holiday_openings'
down_revision = '0009_erasure_requests'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'venue_holiday_openings',
        sa.Column('venue_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_venue_holiday_openings_decided_by_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_venue_holiday_openings_venue_id_venues'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('venue_id', 'day', name=op.f('pk_venue_holiday_openings')),
    )


def downgrade():
    op.drop_table('venue_holiday_openings')
