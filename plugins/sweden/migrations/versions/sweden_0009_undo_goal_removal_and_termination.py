"""a goal's removal and a contract's termination can be undone

Issue 9 (3): removing a goal or terminating a contract can be undone. A removed quality goal is kept
with its parts and results, marked ``removed_at``/``removed_by``; every page, report and document
reads the live goals only, and the goals page restores a removed one. A termination step withdrawn
stays among the case's steps, marked ``withdrawn_at``/``withdrawn_by``, no longer in force.

Revision ID: sweden_0009
Revises: sweden_0008
"""
import sqlalchemy as sa
from alembic import op

revision = "sweden_0009"
down_revision = "sweden_0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("se_quality_goal", schema=None) as batch_op:
        batch_op.add_column(sa.Column("removed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("removed_by", sa.String(length=200), server_default="", nullable=False))
    with op.batch_alter_table("se_case_step", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_by", sa.String(length=200), server_default="", nullable=False))


def downgrade() -> None:
    """Removed goals and withdrawn steps go, as they went before: the cases' states were restored already."""
    op.execute("DELETE FROM se_quality_goal WHERE removed_at IS NOT NULL")
    op.execute("DELETE FROM se_case_step WHERE withdrawn_at IS NOT NULL")
    with op.batch_alter_table("se_case_step", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_by")
        batch_op.drop_column("withdrawn_at")
    with op.batch_alter_table("se_quality_goal", schema=None) as batch_op:
        batch_op.drop_column("removed_by")
        batch_op.drop_column("removed_at")
