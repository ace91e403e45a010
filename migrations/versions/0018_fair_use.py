"""fair use: resources' quotas, members' requests for a training, the project holders' tariff

Revision ID: 0018_fair_use
Revises: 0019_venue_messages_off
Create Date: 2026-12-02 08:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0018_fair_use'
down_revision = '0019_venue_messages_off'
branch_labels = None
depends_on = None

OLD_AUDIENCES = "'consortium', 'partner', 'external'"
NEW_AUDIENCES = "'consortium', 'partner', 'external', 'project_holder'"
# The resources' quotas of hours (NULL: no limit).
QUOTA_COLUMNS = ('quota_member_week', 'quota_member_month', 'quota_organisation_week', 'quota_organisation_month')
# The two columns whose CHECK constraint lists the tariff audiences.
AUDIENCE_COLUMNS = (('tariffs', 'audience'), ('bookings', 'tariff_audience'))


def _audiences(values):
    for table, column in AUDIENCE_COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'ck_{table}_tariff_audience'), type_='check')
            batch_op.create_check_constraint(op.f(f'ck_{table}_tariff_audience'), f'{column} IN ({values})')


def upgrade():
    with op.batch_alter_table('resources', schema=None) as batch_op:
        for column in QUOTA_COLUMNS:
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))

    op.create_table('training_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('handled_at', sa.DateTime(), nullable=True),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['handled_by_id'], ['users.id'], name=op.f('fk_training_requests_handled_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['resource_id'], ['resources.id'], name=op.f('fk_training_requests_resource_id_resources'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_training_requests_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_requests'))
    )
    with op.batch_alter_table('training_requests', schema=None) as batch_op:
        batch_op.create_index('ix_training_requests_resource_handled', ['resource_id', 'handled_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_requests_user_id'), ['user_id'], unique=False)

    _audiences(NEW_AUDIENCES)


def downgrade():
    op.execute("DELETE FROM tariffs WHERE audience = 'project_holder'")
    op.execute("UPDATE bookings SET tariff_audience = 'external' WHERE tariff_audience = 'project_holder'")
    _audiences(OLD_AUDIENCES)
    with op.batch_alter_table('training_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_requests_user_id'))
        batch_op.drop_index('ix_training_requests_resource_handled')
    op.drop_table('training_requests')
    with op.batch_alter_table('resources', schema=None) as batch_op:
        for column in reversed(QUOTA_COLUMNS):
            batch_op.drop_column(column)
