"""Planning session board, committees and meetings at national scale

Revision ID: d11a00000004
Revises: d11a00000003
Create Date: 2026-11-23 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd11a00000004'
down_revision = 'd11a00000003'
branch_labels = None
depends_on = None

# (name, table, columns)
INDEXES = [
    ('ix_planning_sessions_facilitator_held', 'planning_sessions', ['facilitator_id', 'held_on']),
    ('ix_session_participants_user_id', 'session_participants', ['user_id']),
    ('ix_committees_level_name', 'committees', ['level', 'name']),
    ('ix_meetings_committee_status_starts', 'meetings', ['committee_id', 'status', 'starts_at']),
    ('ix_agenda_items_committee_status', 'agenda_items', ['committee_id', 'status']),
    ('ix_actions_plan_status_due', 'actions', ['plan_id', 'status', 'due_date']),
]


def upgrade():
    # The board's stamp: raised by every change a screen shows, so a poll that finds it unchanged
    # answers "nothing new" without drawing the board.
    # (ALTER TABLE in place, also on SQLite: a rebuilt table would cascade-delete its cards.)
    op.add_column('planning_sessions', sa.Column('board_version', sa.Integer(), server_default='1', nullable=False))
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    op.drop_column('planning_sessions', 'board_version')
