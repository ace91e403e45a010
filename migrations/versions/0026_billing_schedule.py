"""billing schedule: when a venue invoices (at approval, after the booking, monthly), and event tickets

Revision ID: 0026_billing_schedule
Revises: 0025_event_media
Create Date: 2026-12-02 17:50:00

``billing_identities.invoicing``: existing venues keep invoicing at approval. ``event_tickets``: the
ticket of a paid registration (its category, price, invoice, and how long its seat is held unpaid).
"""
from alembic import op
import sqlalchemy as sa


revision = '0026_billing_schedule'
down_revision = '0025_event_media'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('billing_identities', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'invoicing',
                sa.Enum('at_approval', 'after_booking', 'monthly', name='invoicing_schedule', native_enum=False,
                        create_constraint=True, length=20),
                nullable=False,
                server_default='at_approval',
            )
        )
    op.create_table(
        'event_tickets',
        sa.Column('registration_id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('category', sa.Enum('full', 'reduced', 'member', name='ticket_category', native_enum=False,
                                      create_constraint=True, length=20), nullable=False),
        sa.Column('price_cents', sa.Integer(), nullable=False),
        sa.Column('invoice_id', sa.Integer(), nullable=True),
        sa.Column('held_until', sa.DateTime(), nullable=True),
        sa.Column('released_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint('price_cents >= 0', name=op.f('ck_event_tickets_price_non_negative')),
        sa.ForeignKeyConstraint(['registration_id'], ['event_registrations.id'],
                                name=op.f('fk_event_tickets_registration_id_event_registrations'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_tickets_event_id_events'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_event_tickets_invoice_id_invoices'),
                                ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('registration_id', name=op.f('pk_event_tickets')),
    )
    with op.batch_alter_table('event_tickets', schema=None) as batch_op:
        batch_op.create_index('ix_event_tickets_held', ['held_until'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_tickets_event_id'), ['event_id'], unique=False)


def downgrade():
    with op.batch_alter_table('event_tickets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_tickets_event_id'))
        batch_op.drop_index('ix_event_tickets_held')
    op.drop_table('event_tickets')
    with op.batch_alter_table('billing_identities', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_billing_identities_invoicing_schedule'), type_='check')
        batch_op.drop_column('invoicing')
