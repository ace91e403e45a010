"""events: categories, events and registrations; event bookings (kind); monthly series

Revision ID: 0020_events
Revises: 0024_annual_texts
Create Date: 2026-12-02 13:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0020_events'
down_revision = '0024_annual_texts'
branch_labels = None
depends_on = None

CATEGORIES = (
    ('apero-tiers-lieux', 'Apéro tiers-lieux', 'Tiers-lieux get-together', False),
    ('atelier', 'Atelier', 'Workshop', False),
    ('mediation-numerique', 'Médiation numérique', 'Digital mediation', False),
    ('formation', 'Formation', 'Training', True),
    ('portes-ouvertes', 'Portes ouvertes', 'Open day', False),
    ('conference', 'Conférence', 'Talk', False),
    ('reunion-de-pilotage', 'Réunion de pilotage', 'Steering meeting', False),
)


def upgrade():
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.Enum('member', 'event', name='booking_kind', native_enum=False, create_constraint=True, length=20), server_default='member', nullable=False))
    with op.batch_alter_table('series', schema=None) as batch_op:
        batch_op.add_column(sa.Column('month_position', sa.Integer(), nullable=True))
        batch_op.drop_constraint(op.f('ck_series_frequency_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_series_frequency_known'), "frequency IN ('daily', 'weekly', 'monthly')")

    categories = op.create_table('event_categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('name_fr', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('is_training', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_categories')),
    sa.UniqueConstraint('slug', name=op.f('uq_event_categories_slug'))
    )
    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('venue_id', sa.Integer(), nullable=False),
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('image_path', sa.String(length=255), nullable=False),
    sa.Column('audience', sa.Enum('all', 'adults', 'young', 'families', 'professionals', name='event_audience', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('members_only', sa.Boolean(), nullable=False),
    sa.Column('price_full_cents', sa.Integer(), nullable=False),
    sa.Column('price_reduced_cents', sa.Integer(), nullable=False),
    sa.Column('price_member_cents', sa.Integer(), nullable=False),
    sa.Column('accessibility', sa.Text(), nullable=False),
    sa.Column('organiser', sa.String(length=200), nullable=False),
    sa.Column('machine_type', sa.String(length=80), nullable=False),
    sa.Column('status', sa.Enum('published', 'cancelled', name='event_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('programme_status', sa.Enum('none', 'proposed', 'validated', 'returned', name='programme_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('programme_note', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('capacity >= 1', name=op.f('ck_events_capacity_positive')),
    sa.CheckConstraint('price_full_cents >= 0 AND price_reduced_cents >= 0 AND price_member_cents >= 0', name=op.f('ck_events_prices_non_negative')),
    sa.CheckConstraint('starts_at < ends_at', name=op.f('ck_events_starts_before_ends')),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_events_booking_id_bookings'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['category_id'], ['event_categories.id'], name=op.f('fk_events_category_id_event_categories'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_events_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['resource_id'], ['resources.id'], name=op.f('fk_events_resource_id_resources'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['series_id'], ['series.id'], name=op.f('fk_events_series_id_series'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_events_venue_id_venues'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events')),
    sa.UniqueConstraint('booking_id', name=op.f('uq_events_booking_id'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_status_starts', ['status', 'starts_at'], unique=False)
        batch_op.create_index('ix_events_venue_starts', ['venue_id', 'starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_series_id'), ['series_id'], unique=False)

    op.create_table('event_themes',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_themes_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], name=op.f('fk_event_themes_theme_id_themes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'theme_id', name=op.f('pk_event_themes'))
    )
    op.create_table('event_registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=255), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('status', sa.Enum('confirmed', 'waitlisted', 'cancelled', name='registration_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('consent_at', sa.DateTime(), nullable=True),
    sa.Column('attended', sa.Boolean(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_registrations_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_event_registrations_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_registrations')),
    sa.UniqueConstraint('token', name=op.f('uq_event_registrations_token'))
    )
    with op.batch_alter_table('event_registrations', schema=None) as batch_op:
        batch_op.create_index('ix_event_registrations_email', ['email'], unique=False)
        batch_op.create_index('ix_event_registrations_event_status', ['event_id', 'status', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_registrations_user_id'), ['user_id'], unique=False)

    op.bulk_insert(categories, [
        {'slug': slug, 'name_fr': fr, 'name_en': en, 'position': position, 'is_training': training}
        for position, (slug, fr, en, training) in enumerate(CATEGORIES)
    ])


def downgrade():
    op.drop_table('event_registrations')
    op.drop_table('event_themes')
    op.drop_table('events')
    op.drop_table('event_categories')
    op.execute("DELETE FROM bookings WHERE kind = 'event'")
    op.execute("DELETE FROM series WHERE frequency = 'monthly'")
    with op.batch_alter_table('series', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_series_frequency_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_series_frequency_known'), "frequency IN ('daily', 'weekly')")
        batch_op.drop_column('month_position')
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_bookings_booking_kind'), type_='check')
        batch_op.drop_column('kind')
