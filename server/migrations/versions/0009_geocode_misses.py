"""Addresses the geocoder could not place (`geocode_misses`)

`flask --app server geocode` asks a geocoder about customers without coordinates. An address it
cannot place (not found, or an unusable answer) is remembered here with a fingerprint of the
address, so the next run does not ask again (the public Nominatim's policy frowns on repeated
queries) until the address changes or the admin says --retry-failed. A table rather than a field on
the customer: it is server bookkeeping, not customer data, and must not sync to every phone.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 19:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'geocode_misses',
        sa.Column('customer_id', sa.String(length=36), nullable=False),
        sa.Column('address_key', sa.String(length=32), nullable=False),
        sa.Column('outcome', sa.String(length=16), nullable=False),
        sa.Column('detail', sa.String(length=300), nullable=False),
        sa.Column('tried_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name='fk_geocode_misses_customer_id',
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('customer_id'),
    )


def downgrade():
    op.drop_table('geocode_misses')
