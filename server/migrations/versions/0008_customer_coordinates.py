"""Customers get coordinates (`latitude`, `longitude`, decimal degrees, optional)

The rep's "nearby" screen sorts customers by distance from where the rep stands. A customer's
place comes from an import, from the rep's "the customer is here" tap on the card, or later from a
geocoder. Plain doubles: a metre is the fifth decimal, far inside a double's precision, and the
wire carries them as JSON numbers. Not indexed: the phone sorts its own copy of the customers.
(Model side: Customer.latitude / Customer.longitude, Float, nullable.)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 17:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('customers') as batch_op:
        batch_op.add_column(sa.Column('latitude', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('longitude', sa.Float(), nullable=True))


def downgrade():
    with op.batch_alter_table('customers') as batch_op:
        batch_op.drop_column('longitude')
        batch_op.drop_column('latitude')
