"""publication: a municipality's adopted plans may be published (public pages, open data) under a licence, in the
name of a publisher

Revision ID: core_0007
Revises: core_0006
Create Date: 2026-12-10
"""
import sqlalchemy as sa
from alembic import op

revision = "core_0007"
down_revision = "core_0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("municipality") as batch:
        # Nothing is public until an administrator publishes it.
        batch.add_column(sa.Column("published", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column("licence", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("publisher", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("municipality") as batch:
        batch.drop_column("publisher")
        batch.drop_column("licence")
        batch.drop_column("published")
