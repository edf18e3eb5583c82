"""Area lineage: every (ancestor, area) pair, for "inside this area" as one indexed join

Revision ID: d11a00000001
Revises: c1a5e5510002
Create Date: 2026-11-23 09:00:00

"""
from alembic import op
import sqlalchemy as sa

# The lineage as it stands (the app keeps it from here on: workspace/models/directory.py).
LINEAGE_SQL = """
INSERT INTO area_lineage (ancestor_id, area_id, depth)
WITH RECURSIVE up(area_id, ancestor_id, depth) AS (
    SELECT id, id, 0 FROM areas
    UNION ALL
    SELECT up.area_id, areas.parent_id, up.depth + 1
    FROM up JOIN areas ON areas.id = up.ancestor_id
    WHERE areas.parent_id IS NOT NULL
)
SELECT ancestor_id, area_id, depth FROM up
"""

# revision identifiers, used by Alembic.
revision = 'd11a00000001'
down_revision = 'c1a5e5510002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'area_lineage',
        sa.Column('ancestor_id', sa.Integer(), nullable=False),
        sa.Column('area_id', sa.Integer(), nullable=False),
        sa.Column('depth', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['ancestor_id'], ['areas.id'], name=op.f('fk_area_lineage_ancestor_id_areas'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_area_lineage_area_id_areas'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('ancestor_id', 'area_id', name=op.f('pk_area_lineage')),
    )
    op.create_index(op.f('ix_area_lineage_area_id'), 'area_lineage', ['area_id'], unique=False)
    op.execute(LINEAGE_SQL)


def downgrade():
    op.drop_index(op.f('ix_area_lineage_area_id'), table_name='area_lineage')
    op.drop_table('area_lineage')
