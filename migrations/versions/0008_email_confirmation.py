"""auth: an account made through the sign-up opens only once its address is confirmed

Revision ID: 0008_email_confirmation
Revises: 0007_login_throttle
Create Date: 2026-12-02 01:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0008_email_confirmation'
down_revision = '0007_login_throttle'
branch_labels = None
depends_on = None


def upgrade():
    # Every account made before this revision counts as confirmed.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_confirmed', sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email_confirmed')
