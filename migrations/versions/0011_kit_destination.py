"""kits: where a kit is used, asked at hand-over (the commune, and the partner it goes to)

Revision ID: 0011_kit_destination
Revises: 0010_holiday_openings
Create Date: 2026-12-02 06:05:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0011_kit_destination'
down_revision = '0010_holiday_openings'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('kit_checks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('commune', sa.String(length=120), server_default='', nullable=False))
        batch_op.add_column(sa.Column('partner', sa.String(length=200), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('kit_checks', schema=None) as batch_op:
        batch_op.drop_column('partner')
        batch_op.drop_column('commune')
