"""finding counts on plans

Revision ID: core_0002
Revises: core_0001
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = "core_0002"
down_revision = "core_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("annual_plan") as batch:
        batch.add_column(sa.Column("error_count", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("warning_count", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("annual_plan") as batch:
        batch.drop_column("warning_count")
        batch.drop_column("error_count")
