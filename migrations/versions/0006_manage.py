"""manage: photos of resources

Revision ID: 0006_manage
Revises: 0001_initial
Create Date: 2026-11-29 00:12:14.349240

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_manage'
down_revision = '0001_initial'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('resource_photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=80), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('alt_text', sa.String(length=255), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('width >= 1 AND height >= 1 AND size_bytes >= 1', name=op.f('ck_resource_photos_dimensions_positive')),
    sa.ForeignKeyConstraint(['resource_id'], ['resources.id'], name=op.f('fk_resource_photos_resource_id_resources'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_resource_photos_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resource_photos')),
    sa.UniqueConstraint('filename', name=op.f('uq_resource_photos_filename'))
    )
    with op.batch_alter_table('resource_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resource_photos_resource_id'), ['resource_id'], unique=False)



def downgrade():
    with op.batch_alter_table('resource_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resource_photos_resource_id'))

    op.drop_table('resource_photos')
