"""Kolada figures: women, men and both, of the municipality and riket, with Kolada's status

Kolada's API v3 reports a figure as missing (value null, status "Saknas") and by sex (T, K, M);
se_goal_value keeps one result and one national figure per year, so the rest is kept here.

Revision ID: sweden_0006
Revises: sweden_0005
"""
import sqlalchemy as sa
from alembic import op

revision = "sweden_0006"
down_revision = "sweden_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "se_kolada_figure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("national", sa.Boolean(), nullable=False),
        sa.Column("gender", sa.String(length=1), nullable=False),
        sa.Column("value", sa.Numeric(precision=7, scale=2), nullable=True),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["indicator_id"], ["se_goal_indicator.id"],
                                name=op.f("fk_se_kolada_figure_indicator_id_se_goal_indicator"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipality.id"],
                                name=op.f("fk_se_kolada_figure_municipality_id_municipality"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_se_kolada_figure")),
        sa.UniqueConstraint("indicator_id", "year", "national", "gender", name="uq_se_kolada_figure_indicator_id"),
    )
    with op.batch_alter_table("se_kolada_figure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_se_kolada_figure_municipality_id"), ["municipality_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("se_kolada_figure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_se_kolada_figure_municipality_id"))
    op.drop_table("se_kolada_figure")
