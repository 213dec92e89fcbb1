"""The audit log and import jobs

GDPR exports and erasures, user administration and imports are recorded in `audit_log`: who did
what when (no foreign keys: an entry outlives what it names). `import_jobs` keeps an uploaded file
with its mapping and progress, in the database so any worker can run it.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 16:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'audit_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('actor_id', sa.String(length=36), nullable=True),
        sa.Column('actor_label', sa.String(length=254), nullable=False),
        sa.Column('action', sa.String(length=40), nullable=False),
        sa.Column('target_type', sa.String(length=16), nullable=True),
        sa.Column('target_id', sa.String(length=36), nullable=True),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.Column('details', sa.JSON(none_as_null=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('audit_log') as batch_op:
        batch_op.create_index('ix_audit_log_at', ['at'], unique=False)
        batch_op.create_index('ix_audit_log_actor_id', ['actor_id'], unique=False)
        batch_op.create_index('ix_audit_log_action', ['action'], unique=False)
        batch_op.create_index('ix_audit_log_target_id', ['target_id'], unique=False)
    op.create_table(
        'import_jobs',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by', sa.String(length=36), nullable=True),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('options', sa.JSON(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('result', sa.JSON(none_as_null=True), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['created_by'], ['users.id'], name='fk_import_jobs_created_by_users'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('import_jobs') as batch_op:
        batch_op.create_index('ix_import_jobs_created_by', ['created_by'], unique=False)


def downgrade():
    with op.batch_alter_table('import_jobs') as batch_op:
        batch_op.drop_index('ix_import_jobs_created_by')
    op.drop_table('import_jobs')
    with op.batch_alter_table('audit_log') as batch_op:
        batch_op.drop_index('ix_audit_log_target_id')
        batch_op.drop_index('ix_audit_log_action')
        batch_op.drop_index('ix_audit_log_actor_id')
        batch_op.drop_index('ix_audit_log_at')
    op.drop_table('audit_log')
