"""drop org_unit: core's organisational units were never used (the Swedish plugin keeps its own units,
se_unit, with its own operating forms), nor was service.unit_id; plugins keep units of their own

Revision ID: core_0008
Revises: core_0007
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "core_0008"
down_revision = "core_0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("service") as batch:
        batch.drop_constraint("fk_service_unit_id_org_unit", type_="foreignkey")
        batch.drop_column("unit_id")
    with op.batch_alter_table("org_unit") as batch:
        batch.drop_index("ix_org_unit_municipality_id")
    op.drop_table("org_unit")


def downgrade() -> None:
    op.create_table(
        "org_unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.JSON(), nullable=False),
        sa.Column("operating_form", sa.String(length=30), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipality.id"],
                                name="fk_org_unit_municipality_id_municipality", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["parent_id"], ["org_unit.id"], name="fk_org_unit_parent_id_org_unit",
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["provider_id"], ["provider.id"], name="fk_org_unit_provider_id_provider",
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_org_unit"),
    )
    with op.batch_alter_table("org_unit") as batch:
        batch.create_index("ix_org_unit_municipality_id", ["municipality_id"], unique=False)
    with op.batch_alter_table("service") as batch:
        batch.add_column(sa.Column("unit_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_service_unit_id_org_unit", "org_unit", ["unit_id"], ["id"], ondelete="SET NULL")
