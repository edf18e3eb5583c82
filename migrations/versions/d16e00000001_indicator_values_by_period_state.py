"""A group's values of some periods counted by state, from an index alone

Revision ID: d16e00000001
Revises: d16c00000001
Create Date: 2026-12-07 16:50:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd16e00000001'
down_revision = 'd16c00000001'
branch_labels = None
depends_on = None


# The sign-off list counts each period's values by state for every indicator of a group: with this
# index the counts are read from the index alone, not from each value's row.
def upgrade():
    op.create_index("ix_indicator_values_period_state", "indicator_values", ["indicator_id", "period", "state"],
                    unique=False)


def downgrade():
    op.drop_index("ix_indicator_values_period_state", table_name="indicator_values")
