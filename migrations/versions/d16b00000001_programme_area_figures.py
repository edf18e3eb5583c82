"""Who does what where kept per district, region and country, so the page reads a few rows per area

Revision ID: d16b00000001
Revises: d16a00000001
Create Date: 2026-12-07 16:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd16b00000001'
down_revision = 'd16a00000001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'programme_area_cells',
        sa.Column('area_id', sa.Integer(), nullable=False),
        sa.Column('cluster_id', sa.Integer(), nullable=False),
        sa.Column('programmes', sa.Integer(), nullable=False),
        sa.Column('organizations', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_programme_area_cells_area_id_areas'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['cluster_id'], ['programme_clusters.id'],
                                name=op.f('fk_programme_area_cells_cluster_id_programme_clusters'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('area_id', 'cluster_id', name=op.f('pk_programme_area_cells')),
    )
    op.create_table(
        'programme_area_years',
        sa.Column('area_id', sa.Integer(), nullable=False),
        sa.Column('cluster_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('people', sa.BigInteger(), nullable=False),
        sa.Column('budget', sa.Numeric(precision=24, scale=2), nullable=True),
        sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_programme_area_years_area_id_areas'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['cluster_id'], ['programme_clusters.id'],
                                name=op.f('fk_programme_area_years_cluster_id_programme_clusters'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('area_id', 'cluster_id', 'year', 'currency', name=op.f('pk_programme_area_years')),
    )
    op.create_table(
        'programme_area_groups',
        sa.Column('area_id', sa.Integer(), nullable=False),
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.Column('programmes', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_programme_area_groups_area_id_areas'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['group_id'], ['lifecycle_groups.id'],
                                name=op.f('fk_programme_area_groups_group_id_lifecycle_groups'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('area_id', 'group_id', name=op.f('pk_programme_area_groups')),
    )
    from workspace.programmes.figures import refresh_figures
    refresh_figures(op.get_bind())


def downgrade():
    op.drop_table('programme_area_groups')
    op.drop_table('programme_area_years')
    op.drop_table('programme_area_cells')
