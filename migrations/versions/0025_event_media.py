"""event media: an event's image has its description (alt text) and its size in pixels

Revision ID: 0025_event_media
Revises: 0023_look
Create Date: 2026-12-02 17:45:00

``events.image_path`` (since 0020) names the image file under ``uploads/events/``; the smaller
copies for ``srcset`` sit beside it (``…-w320.jpg``, as for the resources' photos).
"""
from alembic import op
import sqlalchemy as sa


revision = '0025_event_media'
down_revision = '0023_look'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('image_alt', sa.String(length=255), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('image_width', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('image_height', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('image_height')
        batch_op.drop_column('image_width')
        batch_op.drop_column('image_alt')
