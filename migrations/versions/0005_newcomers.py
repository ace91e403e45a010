"""newcomers: test-space requests, their messages, the routing table theme -> venue

Revision ID: 0005_newcomers
Revises: 0006_manage
Create Date: 2026-11-29 00:21:40.733549

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_newcomers'
down_revision = '0006_manage'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('newcomer_routes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.Column('support_kind', sa.Enum('test_space', 'coaching', 'networking', 'equipment', 'training', 'other', name='support_kind', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('venue_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], name=op.f('fk_newcomer_routes_theme_id_themes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_newcomer_routes_venue_id_venues'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_newcomer_routes'))
    )
    with op.batch_alter_table('newcomer_routes', schema=None) as batch_op:
        batch_op.create_index('ix_newcomer_routes_position', ['position'], unique=False)

    op.create_table('test_space_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('new', 'under_review', 'accepted', 'declined', 'redirected', 'withdrawn', name='test_space_request_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('venue_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=255), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('organisation_name', sa.String(length=160), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('project_title', sa.String(length=160), nullable=False),
    sa.Column('project_description', sa.Text(), nullable=False),
    sa.Column('support_kind', sa.Enum('test_space', 'coaching', 'networking', 'equipment', 'training', 'other', name='support_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('space_kind', sa.Enum('none', 'workshop', 'office', 'meeting_room', 'studio', 'land', 'outdoor', 'other', name='space_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('equipment', sa.Text(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('consent_at', sa.DateTime(), nullable=False),
    sa.Column('retention_days', sa.Integer(), nullable=False),
    sa.Column('link_nonce', sa.String(length=32), nullable=False),
    sa.Column('awaiting_venue_since', sa.DateTime(), nullable=True),
    sa.Column('reminded_at', sa.DateTime(), nullable=True),
    sa.Column('last_activity_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('test_space_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('invited_at', sa.DateTime(), nullable=True),
    sa.Column('account_created_at', sa.DateTime(), nullable=True),
    sa.Column('anonymised_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('period_start <= period_end', name=op.f('ck_test_space_requests_period_ordered')),
    sa.CheckConstraint('retention_days >= 1', name=op.f('ck_test_space_requests_retention_positive')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_test_space_requests_organisation_id_organisations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['test_space_id'], ['resources.id'], name=op.f('fk_test_space_requests_test_space_id_resources'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_test_space_requests_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_test_space_requests_venue_id_venues'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_test_space_requests'))
    )
    with op.batch_alter_table('test_space_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_test_space_requests_email'), ['email'], unique=False)
        batch_op.create_index('ix_test_space_requests_last_activity', ['last_activity_at'], unique=False)
        batch_op.create_index('ix_test_space_requests_venue_status', ['venue_id', 'status'], unique=False)

    op.create_table('test_space_request_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('author', sa.Enum('newcomer', 'venue', name='message_author', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_test_space_request_messages_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['test_space_requests.id'], name=op.f('fk_test_space_request_messages_request_id_test_space_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_test_space_request_messages'))
    )
    with op.batch_alter_table('test_space_request_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_test_space_request_messages_request_id'), ['request_id'], unique=False)

    op.create_table('test_space_request_themes',
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['test_space_requests.id'], name=op.f('fk_test_space_request_themes_request_id_test_space_requests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], name=op.f('fk_test_space_request_themes_theme_id_themes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('request_id', 'theme_id', name=op.f('pk_test_space_request_themes'))
    )
    op.create_table('test_space_request_venues',
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('venue_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['test_space_requests.id'], name=op.f('fk_test_space_request_venues_request_id_test_space_requests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_test_space_request_venues_venue_id_venues'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('request_id', 'venue_id', name=op.f('pk_test_space_request_venues'))
    )
    with op.batch_alter_table('test_space_request_venues', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_test_space_request_venues_venue_id'), ['venue_id'], unique=False)



def downgrade():
    with op.batch_alter_table('test_space_request_venues', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_test_space_request_venues_venue_id'))

    op.drop_table('test_space_request_venues')
    op.drop_table('test_space_request_themes')
    with op.batch_alter_table('test_space_request_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_test_space_request_messages_request_id'))

    op.drop_table('test_space_request_messages')
    with op.batch_alter_table('test_space_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_test_space_requests_venue_status')
        batch_op.drop_index('ix_test_space_requests_last_activity')
        batch_op.drop_index(batch_op.f('ix_test_space_requests_email'))

    op.drop_table('test_space_requests')
    with op.batch_alter_table('newcomer_routes', schema=None) as batch_op:
        batch_op.drop_index('ix_newcomer_routes_position')

    op.drop_table('newcomer_routes')
