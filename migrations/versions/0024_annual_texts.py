"""reports: the annual report's texts kept per year (the coordinator's foreword, each venue's paragraph)

Revision ID: 0024_annual_texts
Revises: 0016_reports
Create Date: 2026-12-02 13:30:00

"""
from alembic import op
import sqlalchemy as sa

from app.models.types import UTCDateTime


revision = '0024_annual_texts'
down_revision = '0016_reports'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'annual_report_texts',
        sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('venue_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('year', 'venue_id'),
    )


def downgrade():
    op.drop_table('annual_report_texts')
