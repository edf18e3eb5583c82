"""Escalation of feedback cases past their time: how far up a case has gone, and when

Revision ID: d15a00000002
Revises: d15a00000001
Create Date: 2026-12-07 11:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd15a00000002'
down_revision = 'd15a00000001'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('feedback_cases', sa.Column('escalation_level', sa.SmallInteger(), server_default='0',
                                              nullable=False))
    op.add_column('feedback_cases', sa.Column('escalated_at', sa.DateTime(), nullable=True))


def downgrade():
    op.drop_column('feedback_cases', 'escalated_at')
    op.drop_column('feedback_cases', 'escalation_level')
