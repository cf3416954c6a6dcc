"""council_texts: a municipality's own wording of the fixed texts of its council documents (the draft council
decision, the specialist report, the tjänsteutlåtande; core.services.council_documents)

Revision ID: core_0010
Revises: core_0009
Create Date: 2026-12-21
"""
import sqlalchemy as sa
from alembic import op

revision = "core_0010"
down_revision = "core_0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("municipality") as batch:
        # Empty for every municipality: the templates' own wording until an administrator changes it.
        batch.add_column(sa.Column("council_texts", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("municipality") as batch:
        batch.drop_column("council_texts")
