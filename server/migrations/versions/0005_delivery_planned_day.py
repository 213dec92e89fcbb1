"""Deliveries get the planned delivery day (`deliver_on`)

An order says when the customer wants it; production is planned by that day (the back office's
production list). `delivered_on` stays the day it actually went. Indexed: the production list
reads a few days' worth of orders out of all of them.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 16:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('deliveries') as batch_op:
        batch_op.add_column(sa.Column('deliver_on', sa.Date(), nullable=True))
        batch_op.create_index('ix_deliveries_deliver_on', ['deliver_on'], unique=False)


def downgrade():
    with op.batch_alter_table('deliveries') as batch_op:
        batch_op.drop_index('ix_deliveries_deliver_on')
        batch_op.drop_column('deliver_on')
