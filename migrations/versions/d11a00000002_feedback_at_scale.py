"""Feedback pages at national scale: indexes and summaries

Revision ID: d11a00000002
Revises: d11a00000001
Create Date: 2026-11-23 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd11a00000002'
down_revision = 'd11a00000001'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
