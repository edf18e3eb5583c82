"""Decisions and appeals: the outcome of a resolved case, and appeals linked to the case they appeal

Revision ID: d15a00000003
Revises: d15a00000002
Create Date: 2026-12-07 11:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd15a00000003'
down_revision = 'd15a00000002'
branch_labels = None
depends_on = None


def upgrade():
    # A column with its check, in one statement both databases take (SQLite adds no constraint later).
    op.execute("ALTER TABLE feedback_cases ADD COLUMN outcome VARCHAR(20) CONSTRAINT ck_feedback_cases_outcome"
               " CHECK (outcome IS NULL OR outcome IN ('upheld', 'partly_upheld', 'not_upheld', 'referred'))")
    op.create_table(
        'case_appeals',
        sa.Column('appeal_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('original_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['appeal_id'], ['feedback_cases.id'],
                                name=op.f('fk_case_appeals_appeal_id_feedback_cases'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['original_id'], ['feedback_cases.id'],
                                name=op.f('fk_case_appeals_original_id_feedback_cases'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('appeal_id', name=op.f('pk_case_appeals')),
        sa.UniqueConstraint('original_id', name=op.f('uq_case_appeals_original_id')),
    )


def downgrade():
    op.drop_table('case_appeals')
    op.drop_column('feedback_cases', 'outcome')
