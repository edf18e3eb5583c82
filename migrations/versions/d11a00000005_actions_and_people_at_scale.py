"""Action lists and people at national scale: indexes

Revision ID: d11a00000005
Revises: d11a00000004
Create Date: 2026-11-23 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd11a00000005'
down_revision = 'd11a00000004'
branch_labels = None
depends_on = None


# Each action list filters by one of these and sorts by due date: the index gives the first page
# in order without sorting every visible action.
INDEXES = {
    "ix_actions_focal_person_due": ("actions", ["focal_person_id", "due_date", "id"]),
    "ix_actions_responsible_due": ("actions", ["responsible_organization_id", "due_date", "id"]),
    "ix_actions_plan_due": ("actions", ["plan_id", "due_date", "id"]),
    "ix_actions_due": ("actions", ["due_date", "id"]),
    "ix_users_name": ("users", ["name", "id"]),
}


def upgrade():
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for name, (table, _columns) in INDEXES.items():
        op.drop_index(name, table_name=table)
