"""deficiencies; answers' positive flag and a covering index for the results query

Revision ID: sweden_0002
Revises: sweden_0001
"""
import json

import sqlalchemy as sa
from alembic import op

revision = "sweden_0002"
down_revision = "sweden_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "se_deficiency",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("found_on", sa.Date(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("serious", sa.Boolean(), nullable=False),
        sa.Column("repeated", sa.Boolean(), nullable=False),
        sa.Column("acute", sa.Boolean(), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["se_deficiency_case.id"],
                                name=op.f("fk_se_deficiency_case_id_se_deficiency_case"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipality.id"],
                                name=op.f("fk_se_deficiency_municipality_id_municipality"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["unit_id"], ["se_unit.id"], name=op.f("fk_se_deficiency_unit_id_se_unit"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_se_deficiency")),
    )
    with op.batch_alter_table("se_deficiency", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_se_deficiency_municipality_id"), ["municipality_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_se_deficiency_unit_id"), ["unit_id"], unique=False)
    with op.batch_alter_table("se_answer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("positive", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.drop_index("ix_se_answer_aggregate")
        batch_op.create_index(
            "ix_se_answer_results",
            ["municipality_id", "year", "respondent", "area", "district", "unit_id", "response", "positive"],
            unique=False,
        )
    _fill_positive()


def _fill_positive() -> None:
    """Answers stored before this revision: positive from their template's scales (ancestors' included)."""
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, parent_id, definition FROM se_question_template")).all()
    templates = {r[0]: (r[1], r[2] if isinstance(r[2], dict) else json.loads(r[2] or "{}")) for r in rows}
    update = sa.text("UPDATE se_answer SET positive = (value >= :threshold) "
                     "WHERE template_id = :template AND question = :question")
    for template_id in templates:
        scales, questions, node = {}, [], template_id
        while node is not None:
            parent, definition = templates[node]
            scales = {**definition.get("scales", {}), **scales}
            questions += definition.get("questions", [])
            node = parent
        for question in questions:
            threshold = int(scales[question["scale"]]["positive_from"])
            connection.execute(update, {"threshold": threshold, "template": template_id,
                                        "question": question["code"]})


def downgrade() -> None:
    with op.batch_alter_table("se_answer", schema=None) as batch_op:
        batch_op.drop_index("ix_se_answer_results")
        batch_op.create_index("ix_se_answer_aggregate", ["municipality_id", "year", "area", "unit_id"], unique=False)
        batch_op.drop_column("positive")
    with op.batch_alter_table("se_deficiency", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_se_deficiency_unit_id"))
        batch_op.drop_index(batch_op.f("ix_se_deficiency_municipality_id"))
    op.drop_table("se_deficiency")
