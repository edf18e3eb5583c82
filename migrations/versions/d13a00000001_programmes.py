"""Programmes: the repository of government and NGO programmes, their coverage, yearly figures,
GDP figures, committees' verdicts on overlaps, and the programme a case, action or indicator concerns

Revision ID: d13a00000001
Revises: d12a00000001
Create Date: 2026-11-24 02:57:10.781192

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd13a00000001'
down_revision = 'd12a00000001'
branch_labels = None
depends_on = None

LINKED = ("actions", "feedback_cases", "indicators")
# The strategy's lifecycle groups and thematic clusters, which administrators may then change.
GROUPS = [("children", "Children"), ("school_age", "School age"), ("working_age", "Working age"),
          ("elderly", "Elderly"), ("disability", "People with disabilities")]
CLUSTERS = [("social_allowances", "Social allowances"),
            ("food_security", "Food security and disaster assistance"),
            ("social_insurance", "Social insurance"), ("labour", "Labour and livelihood"),
            ("human_development", "Human development and social empowerment")]


def seed_lists():
    for table_name, rows in (("lifecycle_groups", GROUPS), ("programme_clusters", CLUSTERS)):
        table = sa.table(table_name, sa.column("key"), sa.column("name"), sa.column("position"),
                         sa.column("version"))
        op.bulk_insert(table, [{"key": key, "name": name, "position": position, "version": 1}
                               for position, (key, name) in enumerate(rows)])


def upgrade():
    op.create_table('gdp_figures',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('amount', sa.Numeric(precision=20, scale=2), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_gdp_figures_amount_positive')),
    sa.CheckConstraint('length(currency) = 3', name=op.f('ck_gdp_figures_currency_code')),
    sa.CheckConstraint('year BETWEEN 1950 AND 2200', name=op.f('ck_gdp_figures_year_range')),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_gdp_figures'))
    )
    op.create_table('lifecycle_groups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=True),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint('length(name) > 0', name=op.f('ck_lifecycle_groups_name_given')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lifecycle_groups')),
    sa.UniqueConstraint('key', name=op.f('uq_lifecycle_groups_key')),
    sa.UniqueConstraint('name', name=op.f('uq_lifecycle_groups_name'))
    )
    op.create_table('programme_clusters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=True),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint('length(name) > 0', name=op.f('ck_programme_clusters_name_given')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_clusters')),
    sa.UniqueConstraint('key', name=op.f('uq_programme_clusters_key')),
    sa.UniqueConstraint('name', name=op.f('uq_programme_clusters_name'))
    )
    op.create_table('programmes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('objectives', sa.Text(), nullable=False),
    sa.Column('cluster_id', sa.Integer(), nullable=False),
    sa.Column('support_kind', sa.String(length=20), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('for_government', sa.Boolean(), nullable=False),
    sa.Column('focal_person_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("status IN ('planned', 'active', 'suspended', 'ended')", name=op.f('ck_programmes_status')),
    sa.CheckConstraint("support_kind IN ('cash', 'in_kind', 'services', 'insurance', 'employment')", name=op.f('ck_programmes_support_kind')),
    sa.CheckConstraint('ends_on IS NULL OR ends_on >= starts_on', name=op.f('ck_programmes_dates_in_order')),
    sa.CheckConstraint('length(name) > 0', name=op.f('ck_programmes_name_given')),
    sa.ForeignKeyConstraint(['cluster_id'], ['programme_clusters.id'], name=op.f('fk_programmes_cluster_id_programme_clusters'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['focal_person_id'], ['users.id'], name=op.f('fk_programmes_focal_person_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_programmes_organization_id_organizations'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programmes')),
    sa.UniqueConstraint('organization_id', 'name', name='uq_programmes_owner_name')
    )
    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programmes_cluster_id'), ['cluster_id'], unique=False)
        batch_op.create_index('ix_programmes_name', ['name', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_programmes_organization_id'), ['organization_id'], unique=False)

    op.create_table('overlap_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('committee_id', sa.Integer(), nullable=False),
    sa.Column('first_id', sa.Integer(), nullable=False),
    sa.Column('second_id', sa.Integer(), nullable=False),
    sa.Column('verdict', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("verdict IN ('complementary', 'consolidate')", name=op.f('ck_overlap_reviews_verdict')),
    sa.CheckConstraint('first_id < second_id', name=op.f('ck_overlap_reviews_pair_in_order')),
    sa.ForeignKeyConstraint(['committee_id'], ['committees.id'], name=op.f('fk_overlap_reviews_committee_id_committees'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['first_id'], ['programmes.id'], name=op.f('fk_overlap_reviews_first_id_programmes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_overlap_reviews_reviewed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['second_id'], ['programmes.id'], name=op.f('fk_overlap_reviews_second_id_programmes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_overlap_reviews')),
    sa.UniqueConstraint('committee_id', 'first_id', 'second_id', name='uq_overlap_reviews_once')
    )
    with op.batch_alter_table('overlap_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_overlap_reviews_committee_id'), ['committee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_overlap_reviews_first_id'), ['first_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_overlap_reviews_second_id'), ['second_id'], unique=False)

    op.create_table('programme_areas',
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_programme_areas_area_id_areas'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_programme_areas_programme_id_programmes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('programme_id', 'area_id', name=op.f('pk_programme_areas'))
    )
    with op.batch_alter_table('programme_areas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_areas_area_id'), ['area_id'], unique=False)

    op.create_table('programme_groups',
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['lifecycle_groups.id'], name=op.f('fk_programme_groups_group_id_lifecycle_groups'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_programme_groups_programme_id_programmes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('programme_id', 'group_id', name=op.f('pk_programme_groups'))
    )
    with op.batch_alter_table('programme_groups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_groups_group_id'), ['group_id'], unique=False)

    op.create_table('programme_partners',
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_programme_partners_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_programme_partners_programme_id_programmes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('programme_id', 'organization_id', name=op.f('pk_programme_partners'))
    )
    op.create_table('programme_years',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('beneficiaries_planned', sa.Integer(), nullable=True),
    sa.Column('beneficiaries_reached', sa.Integer(), nullable=True),
    sa.Column('reached_note', sa.String(length=500), nullable=False),
    sa.Column('budget', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('funding_source', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint('beneficiaries_planned IS NULL OR beneficiaries_planned >= 0', name=op.f('ck_programme_years_planned_not_negative')),
    sa.CheckConstraint('beneficiaries_reached IS NULL OR beneficiaries_planned IS NULL OR beneficiaries_reached <= beneficiaries_planned OR length(reached_note) > 0', name=op.f('ck_programme_years_reached_above_planned_explained')),
    sa.CheckConstraint('beneficiaries_reached IS NULL OR beneficiaries_reached >= 0', name=op.f('ck_programme_years_reached_not_negative')),
    sa.CheckConstraint('budget IS NULL OR budget >= 0', name=op.f('ck_programme_years_budget_not_negative')),
    sa.CheckConstraint('budget IS NULL OR length(currency) = 3', name=op.f('ck_programme_years_budget_has_currency')),
    sa.CheckConstraint('year BETWEEN 1950 AND 2200', name=op.f('ck_programme_years_year_range')),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_programme_years_programme_id_programmes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_years')),
    sa.UniqueConstraint('programme_id', 'year', name='uq_programme_years_once')
    )
    for table in LINKED:  # on SQLite, a rebuild of the table: it adds a foreign key no other way
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("programme_id", sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f"ix_{table}_programme_id"), ["programme_id"], unique=False)
            batch_op.create_foreign_key(batch_op.f(f"fk_{table}_programme_id_programmes"), "programmes",
                                        ["programme_id"], ["id"], ondelete="SET NULL")
    seed_lists()


def downgrade():
    for table in reversed(LINKED):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"fk_{table}_programme_id_programmes"), type_="foreignkey")
            batch_op.drop_index(batch_op.f(f"ix_{table}_programme_id"))
            batch_op.drop_column("programme_id")
    for table in ("programme_years", "programme_partners", "programme_groups", "programme_areas", "overlap_reviews",
                  "programmes", "programme_clusters", "lifecycle_groups", "gdp_figures"):
        op.drop_table(table)
