"""municipality_register: a municipality's official identifier and region from its country's register (e.g. a
Romanian UAT's SIRUTA code and county)

Revision ID: core_0009
Revises: core_0008
Create Date: 2026-12-20
"""
import sqlalchemy as sa
from alembic import op

revision = "core_0009"
down_revision = "core_0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("municipality") as batch:
        # Empty for every existing municipality: an administrator picks its register entry when editing it.
        batch.add_column(sa.Column("official_code", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("region", sa.String(length=120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("municipality") as batch:
        batch.drop_column("region")
        batch.drop_column("official_code")
