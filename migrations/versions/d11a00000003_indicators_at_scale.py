"""Indicator pages at national scale: indexes, each adopted indicator's standing per committee, and their tallies

Revision ID: d11a00000003
Revises: d11a00000002
Create Date: 2026-11-23 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd11a00000003'
down_revision = 'd11a00000002'
branch_labels = None
depends_on = None

# The standings as they stand (the app keeps them from here on: workspace/models/indicators.py):
# each adopted indicator's latest total, that period's target and its rank (0 off track, 1 no
# data, 2 no target, 3 on track; on track within 15% of the target), for every committee over its
# group's area and for the committee that owns it.
STANDINGS_SQL = """
INSERT INTO indicator_standings (committee_id, indicator_id, rank, short_name, period, value, target)
WITH judged AS (
    SELECT i.id, i.organization_id, i.committee_id, i.short_name, latest.period, latest.value,
           CASE WHEN latest.value IS NULL THEN 1
                WHEN coalesce(t.target, i.target) IS NULL THEN 2
                WHEN (i.direction = 'higher' AND latest.value >= coalesce(t.target, i.target)
                      - abs(coalesce(t.target, i.target)) * 0.15)
                  OR (i.direction <> 'higher' AND latest.value <= coalesce(t.target, i.target)
                      + abs(coalesce(t.target, i.target)) * 0.15) THEN 3
                ELSE 0 END AS rank,
           coalesce(t.target, i.target) AS target
    FROM indicators i
    LEFT OUTER JOIN indicator_values latest ON latest.id = (
        SELECT v.id FROM indicator_values v WHERE v.indicator_id = i.id AND v.cell = ''
        ORDER BY v.period DESC LIMIT 1)
    LEFT OUTER JOIN indicator_targets t ON t.indicator_id = i.id AND t.period = latest.period
    WHERE i.status = 'adopted'
)
SELECT c.id, judged.id, judged.rank, judged.short_name, judged.period, judged.value, judged.target
FROM judged
JOIN organizations o ON o.id = judged.organization_id AND o.kind = 'community_group'
JOIN area_lineage l ON l.area_id = o.area_id
JOIN committees c ON c.area_id = l.ancestor_id
UNION ALL
SELECT judged.committee_id, judged.id, judged.rank, judged.short_name, judged.period, judged.value, judged.target
FROM judged WHERE judged.committee_id IS NOT NULL
"""

TALLIES_SQL = """
INSERT INTO indicator_tallies (committee_id, rank, count)
SELECT committee_id, rank, count(*) FROM indicator_standings GROUP BY committee_id, rank
"""


def upgrade():
    with op.batch_alter_table('indicator_values', schema=None) as batch_op:
        batch_op.create_index('ix_indicator_values_series', ['indicator_id', 'cell', 'period'], unique=False)
        batch_op.create_index('ix_indicator_values_state', ['indicator_id', 'state', 'cell', 'period'], unique=False)
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.create_index('ix_organizations_kind_name', ['kind', 'name'], unique=False)
    op.create_table(
        'indicator_standings',
        sa.Column('committee_id', sa.Integer(), nullable=False),
        sa.Column('indicator_id', sa.Integer(), nullable=False),
        sa.Column('rank', sa.SmallInteger(), nullable=False),
        sa.Column('short_name', sa.String(length=80), nullable=False),
        sa.Column('period', sa.String(length=10), nullable=True),
        sa.Column('value', sa.Float(), nullable=True),
        sa.Column('target', sa.Float(), nullable=True),
        sa.CheckConstraint('rank >= 0 AND rank < 4', name=op.f('ck_indicator_standings_rank')),
        sa.ForeignKeyConstraint(['committee_id'], ['committees.id'],
                                name=op.f('fk_indicator_standings_committee_id_committees'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'],
                                name=op.f('fk_indicator_standings_indicator_id_indicators'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('committee_id', 'indicator_id', name=op.f('pk_indicator_standings')),
    )
    with op.batch_alter_table('indicator_standings', schema=None) as batch_op:
        batch_op.create_index('ix_indicator_standings_order', ['committee_id', 'rank', 'short_name', 'indicator_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_indicator_standings_indicator_id'), ['indicator_id'], unique=False)
    op.create_table(
        'indicator_tallies',
        sa.Column('committee_id', sa.Integer(), nullable=False),
        sa.Column('rank', sa.SmallInteger(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['committee_id'], ['committees.id'],
                                name=op.f('fk_indicator_tallies_committee_id_committees'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('committee_id', 'rank', name=op.f('pk_indicator_tallies')),
    )
    op.execute(STANDINGS_SQL)
    op.execute(TALLIES_SQL)


def downgrade():
    op.drop_table('indicator_tallies')
    with op.batch_alter_table('indicator_standings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_standings_indicator_id'))
        batch_op.drop_index('ix_indicator_standings_order')
    op.drop_table('indicator_standings')
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_index('ix_organizations_kind_name')
    with op.batch_alter_table('indicator_values', schema=None) as batch_op:
        batch_op.drop_index('ix_indicator_values_state')
        batch_op.drop_index('ix_indicator_values_series')
