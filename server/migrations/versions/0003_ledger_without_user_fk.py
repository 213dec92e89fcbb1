"""The op ledger keeps user ids as plain text, without a foreign key to users

The ledger is an append-only log written once per op of every push. On PostgreSQL the foreign key
made the server look up and lock the user's row for every ledger row (3-5 us a row, as much as the
row itself); the ids come from the authenticated user, so the check never caught anything.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 09:05:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

# SQLite's foreign keys have no names: batch mode names them by this convention when it copies the table
NAMING = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}


def upgrade():
    bind = op.get_bind()
    names = [fk["name"] for fk in sa.inspect(bind).get_foreign_keys("op_ledger") if fk["referred_table"] == "users"]
    if not names:
        return
    if bind.dialect.name == "postgresql":
        op.drop_constraint(names[0], "op_ledger", type_="foreignkey")
        return
    with op.batch_alter_table("op_ledger", naming_convention=NAMING, recreate="always") as batch_op:
        batch_op.drop_constraint(names[0] or "fk_op_ledger_user_id_users", type_="foreignkey")


def downgrade():
    with op.batch_alter_table("op_ledger") as batch_op:
        batch_op.create_foreign_key("op_ledger_user_id_fkey", "users", ["user_id"], ["id"])
