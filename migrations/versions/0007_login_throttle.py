"""auth: failed log-ins per account, and the moment the next try is allowed

Revision ID: 0007_login_throttle
Revises: 0003_notifications
Create Date: 2026-12-01 23:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0007_login_throttle'
down_revision = '0003_notifications'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('login_blocked_until', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('login_blocked_until')
        batch_op.drop_column('failed_logins')
