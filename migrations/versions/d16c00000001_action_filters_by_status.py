"""Action lists at national scale: filtered by status, and read in due order: indexes

Revision ID: d16c00000001
Revises: d16b00000001
Create Date: 2026-12-07 16:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd16c00000001'
down_revision = 'd16b00000001'
branch_labels = None
depends_on = None


# What a person sees is three sets of actions (their plans', their organisation's, their own);
# with these, as with ix_actions_plan_status_due, the open or overdue ones of each are read from
# the index alone instead of every action of the set being read to test its status.
# And for someone who sees thousands, the list is read in due order, each action tested for whether
# the person sees it (and for its status): from this index alone, not from the table's rows.
INDEXES = {
    "ix_actions_responsible_status_due": ("actions", ["responsible_organization_id", "status", "due_date"]),
    "ix_actions_focal_person_status_due": ("actions", ["focal_person_id", "status", "due_date"]),
    "ix_actions_due_seen_by": ("actions", ["due_date", "id", "plan_id", "responsible_organization_id",
                                            "focal_person_id", "status"]),
}


def upgrade():
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for name, (table, _columns) in INDEXES.items():
        op.drop_index(name, table_name=table)
