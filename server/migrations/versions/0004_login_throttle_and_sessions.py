"""Login failures remember the client address; users get a session generation

Throttling counts failures per (e-mail, client address) and per address across e-mails (SPEC §4),
so a stranger's guesses no longer lock the owner out; `client` is indexed with `at` for the
per-address count. `session_generation` is part of the back-office session's user id: bumping it
at logout or on a new password ends every copy of the session cookie.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('login_failures') as batch_op:
        batch_op.add_column(sa.Column('client', sa.String(length=64), nullable=False, server_default=''))
        batch_op.create_index('ix_login_failures_client_at', ['client', 'at'], unique=False)
    with op.batch_alter_table('users') as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), nullable=False, server_default='0'))


def downgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('session_generation')
    with op.batch_alter_table('login_failures') as batch_op:
        batch_op.drop_index('ix_login_failures_client_at')
        batch_op.drop_column('client')
