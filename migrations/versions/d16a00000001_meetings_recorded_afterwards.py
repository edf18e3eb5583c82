"""A meeting entered after it took place is marked as recorded afterwards

Revision ID: d16a00000001
Revises: d15a00000006
Create Date: 2026-12-07 13:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd16a00000001'
down_revision = 'd15a00000006'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('meetings', sa.Column('recorded_afterwards', sa.Boolean(), server_default=sa.false(),
                                        nullable=False))


def downgrade():
    with op.batch_alter_table('meetings') as batch:
        batch.drop_column('recorded_afterwards')
