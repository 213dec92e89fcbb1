"""Activities get a covering index for each customer's last done contact (the traffic light)

The desk's customer list filters and sorts 20 000 customers by their traffic light, which needs
max(coalesce(starts_at, ends_at)) of done, live activities per customer (office/lights.py
last_contacts). With only ix_activities_status the database reads half the activities table's
rows; this index answers the whole GROUP BY from the index, in customer order.
(Model side: Activity.__table_args__ = (Index("ix_activities_done_by_customer", "status",
"deleted", "customer_id", "starts_at", "ends_at"),).)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 16:15:00

"""
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_activities_done_by_customer', 'activities',
                    ['status', 'deleted', 'customer_id', 'starts_at', 'ends_at'], unique=False)


def downgrade():
    op.drop_index('ix_activities_done_by_customer', table_name='activities')
