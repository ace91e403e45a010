"""privacy: when a member asked for the erasure of their account, and when it was erased

Revision ID: 0009_erasure_requests
Revises: 0008_email_confirmation
Create Date: 2026-12-02 01:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0009_erasure_requests'
down_revision = '0008_email_confirmation'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erasure_requested_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(), nullable=True))
        batch_op.create_index('ix_users_erasure_requested_at', ['erasure_requested_at'], unique=False)


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('ix_users_erasure_requested_at')
        batch_op.drop_column('erased_at')
        batch_op.drop_column('erasure_requested_at')
