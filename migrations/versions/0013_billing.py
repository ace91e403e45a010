"""billing: venues' billing identities, invoices and credit notes with their lines, their gap-free counters; payments

Revision ID: 0013_billing
Revises: 0018_fair_use
Create Date: 2026-12-02 08:00:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_billing'
down_revision = '0018_fair_use'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('billing_identities',
    sa.Column('venue_id', sa.Integer(), nullable=False),
    sa.Column('legal_name', sa.String(length=160), nullable=False),
    sa.Column('street', sa.String(length=255), nullable=False),
    sa.Column('postal_code', sa.String(length=10), nullable=False),
    sa.Column('city', sa.String(length=120), nullable=False),
    sa.Column('siret', sa.String(length=14), nullable=False),
    sa.Column('vat_exempt', sa.Boolean(), nullable=False),
    sa.Column('vat_number', sa.String(length=20), nullable=False),
    sa.Column('vat_rate_basis_points', sa.Integer(), nullable=False),
    sa.Column('exemption_wording', sa.String(length=255), nullable=False),
    sa.Column('iban', sa.String(length=34), nullable=False),
    sa.Column('bic', sa.String(length=11), nullable=False),
    sa.Column('payment_terms_days', sa.Integer(), nullable=False),
    sa.Column('legal_mentions', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('payment_terms_days >= 0', name=op.f('ck_billing_identities_payment_terms_non_negative')),
    sa.CheckConstraint('vat_rate_basis_points >= 0 AND vat_rate_basis_points <= 10000', name=op.f('ck_billing_identities_vat_rate_range')),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_billing_identities_venue_id_venues'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('venue_id', name=op.f('pk_billing_identities'))
    )
    op.create_table('invoice_counters',
    sa.Column('venue_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('invoice', 'credit_note', name='billing_document_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.CheckConstraint('last_number >= 0', name=op.f('ck_invoice_counters_last_number_non_negative')),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_invoice_counters_venue_id_venues'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('venue_id', 'kind', 'year', name=op.f('pk_invoice_counters'))
    )
    op.create_table('invoices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('invoice', 'credit_note', name='billing_document_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('venue_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('buyer_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('business_buyer', sa.Boolean(), nullable=False),
    sa.Column('seller', sa.JSON(), nullable=False),
    sa.Column('buyer', sa.JSON(), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('net_cents', sa.Integer(), nullable=False),
    sa.Column('vat_cents', sa.Integer(), nullable=False),
    sa.Column('total_cents', sa.Integer(), nullable=False),
    sa.Column('transfer_reference', sa.String(length=40), nullable=False),
    sa.Column('credits_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('file_name', sa.String(length=120), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('rendered_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('net_cents >= 0 AND vat_cents >= 0 AND total_cents = net_cents + vat_cents', name=op.f('ck_invoices_totals')),
    sa.CheckConstraint('sequence >= 1', name=op.f('ck_invoices_sequence_positive')),
    sa.ForeignKeyConstraint(['buyer_id'], ['users.id'], name=op.f('fk_invoices_buyer_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['credits_id'], ['invoices.id'], name=op.f('fk_invoices_credits_id_invoices'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_invoices_organisation_id_organisations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_invoices_venue_id_venues'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoices')),
    sa.UniqueConstraint('venue_id', 'kind', 'year', 'sequence', name='uq_invoices_venue_kind_year_sequence'),
    sa.UniqueConstraint('venue_id', 'number', name='uq_invoices_venue_number')
    )
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.create_index('ix_invoices_buyer', ['buyer_id', 'issued_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoices_credits_id'), ['credits_id'], unique=False)
        batch_op.create_index('ix_invoices_venue_issued', ['venue_id', 'issued_at'], unique=False)

    op.create_table('invoice_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('source_type', sa.String(length=20), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(length=255), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price_cents', sa.Integer(), nullable=False),
    sa.Column('net_cents', sa.Integer(), nullable=False),
    sa.Column('vat_rate_basis_points', sa.Integer(), nullable=False),
    sa.CheckConstraint('net_cents >= 0', name=op.f('ck_invoice_lines_net_non_negative')),
    sa.CheckConstraint('quantity >= 1', name=op.f('ck_invoice_lines_quantity_positive')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_invoice_lines_invoice_id_invoices'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_lines')),
    sa.UniqueConstraint('invoice_id', 'position', name='uq_invoice_lines_position')
    )
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.create_index('ix_invoice_lines_source', ['source_type', 'source_id'], unique=False)

    op.create_table('invoice_payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.Enum('transfer', 'cheque', 'cash', name='payment_method', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('reference', sa.String(length=120), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('amount_cents > 0', name=op.f('ck_invoice_payments_amount_positive')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_invoice_payments_invoice_id_invoices'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_invoice_payments_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_payments'))
    )
    with op.batch_alter_table('invoice_payments', schema=None) as batch_op:
        batch_op.create_index('ix_invoice_payments_invoice', ['invoice_id', 'received_on'], unique=False)



def downgrade():
    with op.batch_alter_table('invoice_payments', schema=None) as batch_op:
        batch_op.drop_index('ix_invoice_payments_invoice')

    op.drop_table('invoice_payments')
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_invoice_lines_source')

    op.drop_table('invoice_lines')
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_index('ix_invoices_venue_issued')
        batch_op.drop_index(batch_op.f('ix_invoices_credits_id'))
        batch_op.drop_index('ix_invoices_buyer')

    op.drop_table('invoices')
    op.drop_table('invoice_counters')
    op.drop_table('billing_identities')
