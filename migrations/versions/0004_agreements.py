"""agreements: numbered, versioned agreement records, the bookings they cover, the yearly counter

Revision ID: 0004_agreements
Revises: 0002_booking_engine
Create Date: 2026-11-29 00:53:53.585742

The partial unique index ``uq_agreements_current_number`` (at most one version of a number
that is not void) is supported by both SQLite and PostgreSQL.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_agreements'
down_revision = '0002_booking_engine'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('agreement_counters',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.CheckConstraint('last_number >= 0', name=op.f('ck_agreement_counters_last_number_non_negative')),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_agreement_counters'))
    )
    op.create_table('agreements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('booking', 'test_space', name='agreement_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('status', sa.Enum('issued', 'accepted', 'signed', 'void', name='agreement_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('venue_id', sa.Integer(), nullable=False),
    sa.Column('borrower_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('series_id', sa.Integer(), nullable=True),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('verification_code', sa.String(length=24), nullable=False),
    sa.Column('previous_id', sa.Integer(), nullable=True),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('file_name', sa.String(length=120), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('rendered_at', sa.DateTime(), nullable=True),
    sa.Column('accepted_at', sa.DateTime(), nullable=True),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('accepted_name', sa.String(length=160), nullable=False),
    sa.Column('accepted_ip', sa.String(length=45), nullable=False),
    sa.Column('countersigned_at', sa.DateTime(), nullable=True),
    sa.Column('countersigned_by_id', sa.Integer(), nullable=True),
    sa.Column('countersigned_name', sa.String(length=160), nullable=False),
    sa.Column('countersigned_ip', sa.String(length=45), nullable=False),
    sa.Column('final_file_name', sa.String(length=120), nullable=True),
    sa.Column('final_sha256', sa.String(length=64), nullable=True),
    sa.Column('sealed_at', sa.DateTime(), nullable=True),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=False),
    sa.CheckConstraint('version >= 1 AND sequence >= 1', name=op.f('ck_agreements_version_and_sequence_positive')),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['users.id'], name=op.f('fk_agreements_accepted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['borrower_id'], ['users.id'], name=op.f('fk_agreements_borrower_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['countersigned_by_id'], ['users.id'], name=op.f('fk_agreements_countersigned_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_agreements_organisation_id_organisations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['previous_id'], ['agreements.id'], name=op.f('fk_agreements_previous_id_agreements')),
    sa.ForeignKeyConstraint(['series_id'], ['series.id'], name=op.f('fk_agreements_series_id_series'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_agreements_venue_id_venues'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreements')),
    sa.UniqueConstraint('number', 'version', name='uq_agreements_number_version'),
    sa.UniqueConstraint('previous_id', name=op.f('uq_agreements_previous_id')),
    sa.UniqueConstraint('verification_code', name=op.f('uq_agreements_verification_code')),
    sa.UniqueConstraint('year', 'sequence', 'version', name='uq_agreements_year_sequence_version')
    )
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.create_index('ix_agreements_borrower', ['borrower_id', 'issued_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreements_final_sha256'), ['final_sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreements_series_id'), ['series_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreements_sha256'), ['sha256'], unique=False)
        batch_op.create_index('ix_agreements_venue_status', ['venue_id', 'status'], unique=False)
        batch_op.create_index('uq_agreements_current_number', ['number'], unique=True, sqlite_where=sa.text("status != 'void'"), postgresql_where=sa.text("status != 'void'"))

    op.create_table('agreement_bookings',
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], name=op.f('fk_agreement_bookings_agreement_id_agreements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_agreement_bookings_booking_id_bookings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('agreement_id', 'booking_id', name=op.f('pk_agreement_bookings'))
    )
    with op.batch_alter_table('agreement_bookings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_bookings_booking_id'), ['booking_id'], unique=False)



def downgrade():
    with op.batch_alter_table('agreement_bookings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_bookings_booking_id'))

    op.drop_table('agreement_bookings')
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.drop_index('uq_agreements_current_number', sqlite_where=sa.text("status != 'void'"), postgresql_where=sa.text("status != 'void'"))
        batch_op.drop_index('ix_agreements_venue_status')
        batch_op.drop_index(batch_op.f('ix_agreements_sha256'))
        batch_op.drop_index(batch_op.f('ix_agreements_series_id'))
        batch_op.drop_index(batch_op.f('ix_agreements_final_sha256'))
        batch_op.drop_index('ix_agreements_borrower')

    op.drop_table('agreements')
    op.drop_table('agreement_counters')
