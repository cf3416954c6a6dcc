"""revision parts: extension blocks of revision snapshots kept once by digest

Revision ID: core_0003
Revises: core_0002
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = "core_0003"
down_revision = "core_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_revision_part",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_plan_revision_part")),
    )


def downgrade() -> None:
    op.drop_table("plan_revision_part")
