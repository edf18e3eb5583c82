"""Programme overlaps and presence kept in tables, so a committee and who does what where read them from an index

Revision ID: d13a00000002
Revises: d13a00000001
Create Date: 2026-12-07 06:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd13a00000002'
down_revision = 'd13a00000001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'programme_overlaps',
        sa.Column('first_id', sa.Integer(), nullable=False),
        sa.Column('second_id', sa.Integer(), nullable=False),
        sa.Column('zone_id', sa.Integer(), nullable=False),
        sa.Column('meets_in_id', sa.Integer(), nullable=False),
        sa.Column('score', sa.Integer(), nullable=False),
        sa.Column('same_support', sa.Boolean(), nullable=False),
        sa.Column('same_cluster', sa.Boolean(), nullable=False),
        sa.CheckConstraint('first_id < second_id', name=op.f('ck_programme_overlaps_pair_in_order')),
        sa.CheckConstraint('score BETWEEN 3 AND 5', name=op.f('ck_programme_overlaps_score')),
        sa.ForeignKeyConstraint(['first_id'], ['programmes.id'], name=op.f('fk_programme_overlaps_first_id_programmes'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['second_id'], ['programmes.id'],
                                name=op.f('fk_programme_overlaps_second_id_programmes'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['zone_id'], ['areas.id'], name=op.f('fk_programme_overlaps_zone_id_areas'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['meets_in_id'], ['areas.id'], name=op.f('fk_programme_overlaps_meets_in_id_areas'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('first_id', 'second_id', 'zone_id', name=op.f('pk_programme_overlaps')),
    )
    op.create_index(op.f('ix_programme_overlaps_second_id'), 'programme_overlaps', ['second_id'])
    op.create_index('ix_programme_overlaps_zone', 'programme_overlaps', ['zone_id', 'score', 'first_id', 'second_id'])
    op.create_index('ix_programme_overlaps_score', 'programme_overlaps',
                    [sa.text('score DESC'), 'first_id', 'second_id'])
    op.create_table(
        'programme_presence',
        sa.Column('area_id', sa.Integer(), nullable=False),
        sa.Column('programme_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_programme_presence_area_id_areas'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'],
                                name=op.f('fk_programme_presence_programme_id_programmes'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('area_id', 'programme_id', name=op.f('pk_programme_presence')),
    )
    op.create_index(op.f('ix_programme_presence_programme_id'), 'programme_presence', ['programme_id'])
    # A programme's open actions by due date: without it the database walks every action by date.
    op.create_index('ix_actions_programme_due', 'actions', ['programme_id', 'due_date', 'id'])
    from workspace.programmes.overlaps import refresh_all
    refresh_all(op.get_bind())


def downgrade():
    op.drop_index('ix_actions_programme_due', table_name='actions')
    op.drop_table('programme_presence')
    op.drop_table('programme_overlaps')
