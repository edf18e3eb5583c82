"""Period sign-off: a community group's coordinator signs a verified period off, a committee over
its area approves it

Revision ID: d14a00000001
Revises: d13a00000002
Create Date: 2026-12-07 06:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd14a00000001'
down_revision = 'd13a00000002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'period_signoffs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organization_id', sa.Integer(), nullable=False),
        sa.Column('period', sa.String(length=10), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('signed_by_id', sa.Integer(), nullable=True),
        sa.Column('signed_at', sa.DateTime(), nullable=False),
        sa.Column('approved_by_id', sa.Integer(), nullable=True),
        sa.Column('approved_at', sa.DateTime(), nullable=True),
        sa.Column('committee_id', sa.Integer(), nullable=True),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.CheckConstraint("state IN ('signed_off', 'approved')", name=op.f('ck_period_signoffs_state')),
        sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'],
                                name=op.f('fk_period_signoffs_organization_id_organizations'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['signed_by_id'], ['users.id'], name=op.f('fk_period_signoffs_signed_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'],
                                name=op.f('fk_period_signoffs_approved_by_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['committee_id'], ['committees.id'],
                                name=op.f('fk_period_signoffs_committee_id_committees'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_period_signoffs')),
        sa.UniqueConstraint('organization_id', 'period', name='uq_period_signoffs_period'),
    )
    op.create_index(op.f('ix_period_signoffs_organization_id'), 'period_signoffs', ['organization_id'])


def downgrade():
    op.drop_table('period_signoffs')
