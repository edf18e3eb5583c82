"""Feedback pages at national scale: indexes and summaries

The board and a committee's patterns read counts kept on write (feedback_figures,
feedback_months) instead of every case; the case lists follow indexes that match their filters
and order.

Revision ID: d11a00000002
Revises: d11a00000001
Create Date: 2026-11-23 09:00:00

"""
from alembic import op
import sqlalchemy as sa

# What the board lists and a handler's open cases (workspace/models/feedback.py).
PUBLISHED_SQL = "publishable AND status NOT IN ('received', 'acknowledged', 'in_progress')"
OPEN_SQL = "status NOT IN ('resolved', 'closed')"
UNASSIGNED_SQL = "assigned_organization_id IS NULL"
DUE_ORDER = [sa.column("due_at"), sa.desc(sa.column("received_at"))]

# revision identifiers, used by Alembic.
revision = 'd11a00000002'
down_revision = 'd11a00000001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'feedback_figures',
        sa.Column('area_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('resolve_days', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('cases', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('area_id', 'resolve_days', name=op.f('pk_feedback_figures')),
    )
    op.create_table(
        'feedback_months',
        sa.Column('area_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('category', sa.String(length=20), nullable=False),
        sa.Column('programme', sa.String(length=200), nullable=False),
        sa.Column('cases', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('area_id', 'month', 'category', 'programme', name=op.f('pk_feedback_months')),
    )
    op.create_table(
        'feedback_cluster_cases',
        sa.Column('cluster_id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['feedback_cases.id'],
                                name=op.f('fk_feedback_cluster_cases_case_id_feedback_cases'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['cluster_id'], ['feedback_clusters.id'],
                                name=op.f('fk_feedback_cluster_cases_cluster_id_feedback_clusters'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('cluster_id', 'case_id', name=op.f('pk_feedback_cluster_cases')),
    )
    op.create_index(op.f('ix_feedback_cluster_cases_case_id'), 'feedback_cluster_cases', ['case_id'], unique=False)
    # The clusters raised so far, from their lists of cases (cases since deleted left out).
    bind = op.get_bind()
    clusters = sa.table('feedback_clusters', sa.column('id', sa.Integer), sa.column('case_ids', sa.JSON))
    cases = sa.table('feedback_cases', sa.column('id', sa.Integer))
    links = sa.table('feedback_cluster_cases', sa.column('cluster_id', sa.Integer), sa.column('case_id', sa.Integer))
    for cluster_id, case_ids in bind.execute(sa.select(clusters.c.id, clusters.c.case_ids)).all():
        wanted = sorted({int(case_id) for case_id in case_ids or []})
        found = bind.execute(sa.select(cases.c.id).where(cases.c.id.in_(wanted))).scalars().all() if wanted else []
        if found:
            bind.execute(sa.insert(links), [{"cluster_id": cluster_id, "case_id": case_id} for case_id in found])
    with op.batch_alter_table('feedback_cases', schema=None) as batch_op:
        batch_op.drop_index('ix_feedback_cases_area_id')
        batch_op.drop_index('ix_feedback_cases_status_received')
        batch_op.drop_index('ix_feedback_cases_due_at')
        batch_op.drop_index('ix_feedback_cases_assigned_organization_id')
    op.create_index('ix_feedback_cases_open_due', 'feedback_cases', DUE_ORDER, unique=False,
                    sqlite_where=sa.text(OPEN_SQL), postgresql_where=sa.text(OPEN_SQL))
    op.create_index('ix_feedback_cases_status_due', 'feedback_cases', [sa.column('status'), *DUE_ORDER], unique=False)
    op.create_index('ix_feedback_cases_due', 'feedback_cases', DUE_ORDER, unique=False)
    op.create_index('ix_feedback_cases_organization_due', 'feedback_cases',
                    [sa.column('assigned_organization_id'), *DUE_ORDER], unique=False)
    op.create_index('ix_feedback_cases_unassigned_due', 'feedback_cases', DUE_ORDER, unique=False,
                    sqlite_where=sa.text(UNASSIGNED_SQL), postgresql_where=sa.text(UNASSIGNED_SQL))
    op.create_index('ix_feedback_cases_area_received', 'feedback_cases', ['area_id', 'received_at'], unique=False)
    for name, columns in (('ix_feedback_cases_published', ['resolved_at', 'id', 'area_id']),
                          ('ix_feedback_cases_published_category', ['category', 'resolved_at', 'id', 'area_id']),
                          ('ix_feedback_cases_published_area', ['area_id', 'resolved_at', 'id'])):
        op.create_index(name, 'feedback_cases', columns, unique=False, sqlite_where=sa.text(PUBLISHED_SQL),
                        postgresql_where=sa.text(PUBLISHED_SQL))
    # The counts of the cases there are (the app keeps them from here on).
    from workspace.models.feedback import rebuild_feedback_figures
    rebuild_feedback_figures(op.get_bind())


def downgrade():
    for name in ('ix_feedback_cases_published_area', 'ix_feedback_cases_published_category',
                 'ix_feedback_cases_published', 'ix_feedback_cases_area_received', 'ix_feedback_cases_unassigned_due',
                 'ix_feedback_cases_organization_due',
                 'ix_feedback_cases_due', 'ix_feedback_cases_status_due', 'ix_feedback_cases_open_due'):
        op.drop_index(name, table_name='feedback_cases')
    with op.batch_alter_table('feedback_cases', schema=None) as batch_op:
        batch_op.create_index('ix_feedback_cases_status_received', ['status', 'received_at'], unique=False)
        batch_op.create_index('ix_feedback_cases_area_id', ['area_id'], unique=False)
        batch_op.create_index('ix_feedback_cases_due_at', ['due_at'], unique=False)
        batch_op.create_index('ix_feedback_cases_assigned_organization_id', ['assigned_organization_id'], unique=False)
    op.drop_index(op.f('ix_feedback_cluster_cases_case_id'), table_name='feedback_cluster_cases')
    op.drop_table('feedback_cluster_cases')
    op.drop_table('feedback_months')
    op.drop_table('feedback_figures')
