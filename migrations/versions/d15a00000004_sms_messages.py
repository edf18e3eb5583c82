"""Text messages: those that came in through the SMS gateway's webhook, and replies waiting to be sent

Revision ID: d15a00000004
Revises: d15a00000003
Create Date: 2026-12-07 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd15a00000004'
down_revision = 'd15a00000003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'sms_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('direction', sa.String(length=3), nullable=False),
        sa.Column('phone', sa.String(length=40), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('gateway_id', sa.String(length=100), nullable=True),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint("direction IN ('in', 'out')", name=op.f('ck_sms_messages_direction')),
        sa.CheckConstraint('length(text) > 0', name=op.f('ck_sms_messages_text')),
        sa.ForeignKeyConstraint(['case_id'], ['feedback_cases.id'], name=op.f('fk_sms_messages_case_id_feedback_cases'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sms_messages')),
        sa.UniqueConstraint('gateway_id', name=op.f('uq_sms_messages_gateway_id')),
    )
    op.create_index('ix_sms_messages_waiting', 'sms_messages', ['direction', 'sent_at', 'id'])
    op.create_index(op.f('ix_sms_messages_case_id'), 'sms_messages', ['case_id'])


def downgrade():
    op.drop_table('sms_messages')
