"""Public feedback limited per browser as well as per address: a shared connection is many people

Revision ID: d15a00000006
Revises: d15a00000005
Create Date: 2026-12-07 12:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd15a00000006'
down_revision = 'd15a00000005'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('intake_hits', sa.Column('device', sa.String(length=32), nullable=True))
    op.create_index('ix_intake_hits_device', 'intake_hits', ['address', 'device', 'at'])


def downgrade():
    op.drop_index('ix_intake_hits_device', 'intake_hits')
    op.drop_column('intake_hits', 'device')
