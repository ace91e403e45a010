"""payments: online payments (intents), the webhook events applied, refunds; card payments; quotes

Revision ID: 0022_payments
Revises: 0021_api
Create Date: 2026-12-02 13:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0022_payments'
down_revision = '0021_api'
branch_labels = None
depends_on = None

OLD_METHODS = "'transfer', 'cheque', 'cash'"
NEW_METHODS = "'transfer', 'cheque', 'cash', 'card'"


def _methods(values):
    with op.batch_alter_table('invoice_payments', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_invoice_payments_payment_method'), type_='check')
        batch_op.create_check_constraint(op.f('ck_invoice_payments_payment_method'), f'method IN ({values})')


def upgrade():
    _methods(NEW_METHODS)
    op.create_table('online_payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=20), nullable=False),
    sa.Column('intent_id', sa.String(length=120), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('status', sa.Enum('open', 'succeeded', 'canceled', name='online_payment_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('settled_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('amount_cents > 0', name=op.f('ck_online_payments_amount_positive')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_online_payments_invoice_id_invoices'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['payment_id'], ['invoice_payments.id'], name=op.f('fk_online_payments_payment_id_invoice_payments'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_online_payments')),
    sa.UniqueConstraint('provider', 'intent_id', name='uq_online_payments_provider_intent')
    )
    with op.batch_alter_table('online_payments', schema=None) as batch_op:
        batch_op.create_index('ix_online_payments_invoice', ['invoice_id', 'status'], unique=False)

    op.create_table('provider_events',
    sa.Column('provider', sa.String(length=20), nullable=False),
    sa.Column('event_id', sa.String(length=120), nullable=False),
    sa.Column('type', sa.String(length=80), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('provider', 'event_id', name=op.f('pk_provider_events'))
    )
    op.create_table('refunds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('credit_note_id', sa.Integer(), nullable=False),
    sa.Column('online_payment_id', sa.Integer(), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'succeeded', 'failed', name='refund_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('provider_reference', sa.String(length=120), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('amount_cents > 0', name=op.f('ck_refunds_amount_positive')),
    sa.ForeignKeyConstraint(['credit_note_id'], ['invoices.id'], name=op.f('fk_refunds_credit_note_id_invoices'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['online_payment_id'], ['online_payments.id'], name=op.f('fk_refunds_online_payment_id_online_payments'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refunds'))
    )
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refunds_credit_note_id'), ['credit_note_id'], unique=False)
        batch_op.create_index('ix_refunds_status', ['status'], unique=False)

    op.create_table('quote_counters',
    sa.Column('venue_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.CheckConstraint('last_number >= 0', name=op.f('ck_quote_counters_last_number_non_negative')),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_quote_counters_venue_id_venues'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('venue_id', 'year', name=op.f('pk_quote_counters'))
    )
    op.create_table('quotes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('venue_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=60), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('requester_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=True),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(length=255), nullable=False),
    sa.Column('business_buyer', sa.Boolean(), nullable=False),
    sa.Column('seller', sa.JSON(), nullable=False),
    sa.Column('buyer', sa.JSON(), nullable=False),
    sa.Column('net_cents', sa.Integer(), nullable=False),
    sa.Column('vat_cents', sa.Integer(), nullable=False),
    sa.Column('total_cents', sa.Integer(), nullable=False),
    sa.Column('accepted_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('net_cents > 0 AND vat_cents >= 0 AND total_cents = net_cents + vat_cents', name=op.f('ck_quotes_totals')),
    sa.CheckConstraint('sequence >= 1', name=op.f('ck_quotes_sequence_positive')),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_quotes_booking_id_bookings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_quotes_organisation_id_organisations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['requester_id'], ['users.id'], name=op.f('fk_quotes_requester_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['resource_id'], ['resources.id'], name=op.f('fk_quotes_resource_id_resources'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_quotes_venue_id_venues'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quotes')),
    sa.UniqueConstraint('number', name='uq_quotes_number'),
    sa.UniqueConstraint('venue_id', 'year', 'sequence', name='uq_quotes_venue_year_sequence')
    )
    with op.batch_alter_table('quotes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quotes_booking_id'), ['booking_id'], unique=False)
        batch_op.create_index('ix_quotes_requester', ['requester_id', 'issued_at'], unique=False)


def downgrade():
    with op.batch_alter_table('quotes', schema=None) as batch_op:
        batch_op.drop_index('ix_quotes_requester')
        batch_op.drop_index(batch_op.f('ix_quotes_booking_id'))
    op.drop_table('quotes')
    op.drop_table('quote_counters')
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_index('ix_refunds_status')
        batch_op.drop_index(batch_op.f('ix_refunds_credit_note_id'))
    op.drop_table('refunds')
    op.drop_table('provider_events')
    with op.batch_alter_table('online_payments', schema=None) as batch_op:
        batch_op.drop_index('ix_online_payments_invoice')
    op.drop_table('online_payments')
    op.execute("DELETE FROM invoice_payments WHERE method = 'card'")
    _methods(OLD_METHODS)
