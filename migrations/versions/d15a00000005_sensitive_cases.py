"""Sensitive feedback cases, read only by named focal points of the handling organisation

Revision ID: d15a00000005
Revises: d15a00000004
Create Date: 2026-12-07 12:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd15a00000005'
down_revision = 'd15a00000004'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('users', sa.Column('handles_sensitive', sa.Boolean(), server_default=sa.false(), nullable=False))
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds no constraint to a table later: the check comes with the column.
        op.execute("ALTER TABLE feedback_cases ADD COLUMN sensitive BOOLEAN DEFAULT 0 NOT NULL"
                   " CONSTRAINT ck_feedback_cases_sensitive_unpublished CHECK (NOT (sensitive AND publishable))")
    else:
        op.add_column('feedback_cases', sa.Column('sensitive', sa.Boolean(), server_default=sa.false(),
                                                  nullable=False))
        op.create_check_constraint('ck_feedback_cases_sensitive_unpublished', 'feedback_cases',
                                   'NOT (sensitive AND publishable)')


def downgrade():
    op.drop_column('feedback_cases', 'sensitive')
    op.drop_column('users', 'handles_sensitive')
