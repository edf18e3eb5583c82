"""Planning session board at national scale

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


def upgrade():
    pass


def downgrade():
    pass
