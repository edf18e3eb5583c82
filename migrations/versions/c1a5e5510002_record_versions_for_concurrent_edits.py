"""Record versions for concurrent edits, unique agenda positions

Revision ID: c1a5e5510002
Revises: c1a5e5510001
Create Date: 2026-11-23 15:30:01

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c1a5e5510002'
down_revision = 'c1a5e5510001'
branch_labels = None
depends_on = None

# Every record a person edits carries a version (actions and indicator values had one already).
VERSIONED = ["committees", "memberships", "meetings", "agenda_items", "decisions", "attendance", "action_plans",
             "indicators", "indicator_targets", "feedback_cases", "answer_times", "planning_sessions",
             "session_cards", "users", "organizations", "areas"]


def upgrade():
    for table in VERSIONED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
    for table in ("actions", "indicator_values"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('version', existing_type=sa.Integer(), server_default='1')
    # Number each meeting's items 1..n before positions become unique.
    op.execute(
        "UPDATE agenda_items SET position = (SELECT count(*) FROM agenda_items other"
        " WHERE other.meeting_id = agenda_items.meeting_id AND (other.position < agenda_items.position"
        " OR (other.position = agenda_items.position AND other.id <= agenda_items.id)))"
        " WHERE meeting_id IS NOT NULL")
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_agenda_items_meeting_position', ['meeting_id', 'position'])


def downgrade():
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.drop_constraint('uq_agenda_items_meeting_position', type_='unique')
    for table in ("actions", "indicator_values"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('version', existing_type=sa.Integer(), server_default=None)
    for table in reversed(VERSIONED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('version')
