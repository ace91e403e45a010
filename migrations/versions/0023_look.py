"""look: each venue has one of the six venue colours (app.core.colours)

Revision ID: 0023_look
Revises: 0022_payments
Create Date: 2026-12-02 13:30:00

Existing venues get the colours in the order they were created (id order).
"""
from alembic import op
import sqlalchemy as sa


revision = '0023_look'
down_revision = '0022_payments'
branch_labels = None
depends_on = None

COLOURS = ("brique", "ocre", "pre", "lagune", "indigo", "prune")


def upgrade():
    with op.batch_alter_table('venues', schema=None) as batch_op:
        batch_op.add_column(sa.Column('colour', sa.String(length=20), nullable=False, server_default=''))
    venues = sa.table('venues', sa.column('id', sa.Integer), sa.column('colour', sa.String))
    connection = op.get_bind()
    ids = [row.id for row in connection.execute(sa.select(venues.c.id).order_by(venues.c.id))]
    for position, venue_id in enumerate(ids):
        connection.execute(
            venues.update().where(venues.c.id == venue_id).values(colour=COLOURS[position % len(COLOURS)])
        )


def downgrade():
    with op.batch_alter_table('venues', schema=None) as batch_op:
        batch_op.drop_column('colour')
