"""reports: the indexes of the activity reports (bookings crossing a period, requests made in one)

Revision ID: 0016_reports
Revises: 0014_documentation
Create Date: 2026-12-02 08:00:00

"""
from alembic import op


revision = '0016_reports'
down_revision = '0014_documentation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_bookings_ends_starts', 'bookings', ['ends_at', 'starts_at'], unique=False)
    op.create_index('ix_test_space_requests_created', 'test_space_requests', ['created_at'], unique=False)


def downgrade():
    op.drop_index('ix_test_space_requests_created', table_name='test_space_requests')
    op.drop_index('ix_bookings_ends_starts', table_name='bookings')
