"""The place picker's first list at national scale: an index on areas by level and name

Revision ID: d11a00000006
Revises: d11a00000005
Create Date: 2026-11-23 20:30:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd11a00000006'
down_revision = 'd11a00000005'
branch_labels = None
depends_on = None


def upgrade():
    # With nothing typed, a place picker lists the national, regional and district levels: read
    # through this index rather than by scanning every community.
    op.create_index("ix_areas_level_name", "areas", ["level", "name"], unique=False)


def downgrade():
    op.drop_index("ix_areas_level_name", table_name="areas")
