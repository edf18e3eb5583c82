"""Evidence: photos and files that back an indicator's value for a period

Revision ID: d14a00000002
Revises: d14a00000001
Create Date: 2026-12-07 11:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd14a00000002'
down_revision = 'd14a00000001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'value_evidence',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('indicator_id', sa.Integer(), nullable=False),
        sa.Column('period', sa.String(length=10), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('stored_name', sa.String(length=64), nullable=False),
        sa.Column('content_type', sa.String(length=40), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.Column('uploaded_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("content_type IN ('image/jpeg', 'image/png', 'image/webp', 'application/pdf')",
                           name=op.f('ck_value_evidence_content_type')),
        sa.CheckConstraint('size > 0 AND length(filename) > 0', name=op.f('ck_value_evidence_file')),
        sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'],
                                name=op.f('fk_value_evidence_indicator_id_indicators'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_value_evidence_uploaded_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_value_evidence')),
        sa.UniqueConstraint('stored_name', name=op.f('uq_value_evidence_stored_name')),
    )
    op.create_index('ix_value_evidence_period', 'value_evidence', ['indicator_id', 'period'])


def downgrade():
    op.drop_table('value_evidence')
