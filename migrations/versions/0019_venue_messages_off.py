"""notifications: a manager may receive no email about their venues at all (the desk is enough)

Revision ID: 0019_venue_messages_off
Revises: 0017_booking_changes
Create Date: 2026-12-02 09:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0019_venue_messages_off'
down_revision = '0017_booking_changes'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('venue_messages_off', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('venue_messages_off')
