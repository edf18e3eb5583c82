"""Routing rules: which organisation handles the new feedback cases of an area, kind and programme

Revision ID: d15a00000001
Revises: d14a00000002
Create Date: 2026-12-07 11:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd15a00000001'
down_revision = 'd14a00000002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'routing_rules',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('area_id', sa.Integer(), nullable=True),
        sa.Column('category', sa.String(length=20), nullable=True),
        sa.Column('programme_id', sa.Integer(), nullable=True),
        sa.Column('organization_id', sa.Integer(), nullable=False),
        sa.Column('scope', sa.String(length=60), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("category IS NULL OR category IN ('complaint', 'suggestion', 'question', 'appreciation')",
                           name=op.f('ck_routing_rules_category')),
        sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_routing_rules_area_id_areas'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'],
                                name=op.f('fk_routing_rules_programme_id_programmes'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'],
                                name=op.f('fk_routing_rules_organization_id_organizations'), ondelete='CASCADE'),
        sa.CheckConstraint("scope = coalesce(CAST(area_id AS VARCHAR(20)), '') || ':' || coalesce(category, '') "
                           "|| ':' || coalesce(CAST(programme_id AS VARCHAR(20)), '')",
                           name=op.f('ck_routing_rules_scope')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_routing_rules')),
        sa.UniqueConstraint('scope', name=op.f('uq_routing_rules_scope')),
    )
    op.create_index('ix_routing_rules_area', 'routing_rules', ['area_id'])
    op.create_index(op.f('ix_routing_rules_programme_id'), 'routing_rules', ['programme_id'])
    op.create_index(op.f('ix_routing_rules_organization_id'), 'routing_rules', ['organization_id'])


def downgrade():
    op.drop_table('routing_rules')
