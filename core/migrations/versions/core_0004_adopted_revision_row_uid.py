"""adopted revision of a plan; a stable uid on every plan row

Revision ID: core_0004
Revises: core_0003
Create Date: 2026-12-01
"""
import uuid

import sqlalchemy as sa
from alembic import op

revision = "core_0004"
down_revision = "core_0003"
branch_labels = None
depends_on = None

ROW_TABLES = ("service", "campaign", "training_row", "objective", "section_entry")


def upgrade() -> None:
    with op.batch_alter_table("annual_plan") as batch:
        batch.add_column(sa.Column("adopted_revision", sa.Integer(), nullable=True))
    # A plan approved before this migration was adopted as its latest revision.
    op.execute("UPDATE annual_plan SET adopted_revision = revision WHERE status = 'approved'")
    connection = op.get_bind()
    for table in ROW_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("uid", sa.String(length=32), nullable=True))
        rows = sa.table(table, sa.column("id", sa.Integer), sa.column("uid", sa.String))
        for (row_id,) in connection.execute(sa.select(rows.c.id)).all():
            connection.execute(rows.update().where(rows.c.id == row_id).values(uid=uuid.uuid4().hex))
        with op.batch_alter_table(table) as batch:
            batch.alter_column("uid", existing_type=sa.String(length=32), nullable=False)


def downgrade() -> None:
    for table in ROW_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("uid")
    with op.batch_alter_table("annual_plan") as batch:
        batch.drop_column("adopted_revision")
