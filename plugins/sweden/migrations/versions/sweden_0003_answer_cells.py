"""answers: per-cell counts for results; no foreign keys, cascades by trigger; no covering index

A bulk import of a million answers paid a foreign-key lookup per row for each of three keys and
kept an eight-column index (sweden_0002): over 60 s on PostgreSQL. Now the import checks unit,
template and municipality itself, triggers delete a unit's or template's answers with it (a
municipality's go with its units and templates), and results read ``se_answer_cell``, counted at
each import.

Revision ID: sweden_0003
Revises: sweden_0002
"""
import sqlalchemy as sa
from alembic import op

revision = "sweden_0003"
down_revision = "sweden_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("se_answer", schema=None) as batch_op:
        batch_op.drop_constraint("fk_se_answer_municipality_id_municipality", type_="foreignkey")
        batch_op.drop_constraint("fk_se_answer_template_id_se_question_template", type_="foreignkey")
        batch_op.drop_constraint("fk_se_answer_unit_id_se_unit", type_="foreignkey")
        batch_op.drop_index("ix_se_answer_results")
        batch_op.create_index("ix_se_answer_template_year", ["template_id", "year"], unique=False)
    op.create_table(
        "se_answer_cell",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("respondent", sa.String(length=20), nullable=False),
        sa.Column("area", sa.String(length=40), nullable=False),
        sa.Column("district", sa.String(length=120), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("positive", sa.Integer(), nullable=False),
        sa.Column("respondents", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipality.id"],
                                name=op.f("fk_se_answer_cell_municipality_id_municipality"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["template_id"], ["se_question_template.id"],
                                name=op.f("fk_se_answer_cell_template_id_se_question_template"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["unit_id"], ["se_unit.id"], name=op.f("fk_se_answer_cell_unit_id_se_unit"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_se_answer_cell")),
    )
    with op.batch_alter_table("se_answer_cell", schema=None) as batch_op:
        batch_op.create_index("ix_se_answer_cell_lookup", ["municipality_id", "year", "respondent"], unique=False)
    op.execute(
        "INSERT INTO se_answer_cell (municipality_id, template_id, year, respondent, area, district, unit_id, answers, "
        "positive, respondents) SELECT municipality_id, template_id, year, respondent, area, district, unit_id, "
        "COUNT(*), SUM(CASE WHEN positive THEN 1 ELSE 0 END), COUNT(DISTINCT response) FROM se_answer "
        "GROUP BY municipality_id, template_id, year, respondent, area, district, unit_id"
    )
    _cascade_triggers()


def _cascade_triggers() -> None:
    """What ON DELETE CASCADE did for se_answer, once per deleted unit or template rather than per answer."""
    if op.get_bind().dialect.name == "postgresql":
        for table, column in (("se_unit", "unit_id"), ("se_question_template", "template_id")):
            op.execute(f"CREATE FUNCTION {table}_delete_answers() RETURNS trigger LANGUAGE plpgsql AS $$ "
                       f"BEGIN DELETE FROM se_answer WHERE {column} = OLD.id; RETURN OLD; END $$")
            op.execute(f"CREATE TRIGGER {table}_delete_answers AFTER DELETE ON {table} "
                       f"FOR EACH ROW EXECUTE FUNCTION {table}_delete_answers()")
    else:
        for table, column in (("se_unit", "unit_id"), ("se_question_template", "template_id")):
            op.execute(f"CREATE TRIGGER {table}_delete_answers AFTER DELETE ON {table} "
                       f"BEGIN DELETE FROM se_answer WHERE {column} = OLD.id; END")


def _drop_cascade_triggers() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in ("se_unit", "se_question_template"):
        op.execute(f"DROP TRIGGER IF EXISTS {table}_delete_answers" + (f" ON {table}" if postgresql else ""))
        if postgresql:
            op.execute(f"DROP FUNCTION IF EXISTS {table}_delete_answers()")


def downgrade() -> None:
    _drop_cascade_triggers()
    with op.batch_alter_table("se_answer_cell", schema=None) as batch_op:
        batch_op.drop_index("ix_se_answer_cell_lookup")
    op.drop_table("se_answer_cell")
    with op.batch_alter_table("se_answer", schema=None) as batch_op:
        batch_op.drop_index("ix_se_answer_template_year")
        batch_op.create_index(
            "ix_se_answer_results",
            ["municipality_id", "year", "respondent", "area", "district", "unit_id", "response", "positive"],
            unique=False,
        )
        batch_op.create_foreign_key("fk_se_answer_unit_id_se_unit", "se_unit", ["unit_id"], ["id"], ondelete="CASCADE")
        batch_op.create_foreign_key("fk_se_answer_template_id_se_question_template", "se_question_template",
                                    ["template_id"], ["id"], ondelete="CASCADE")
        batch_op.create_foreign_key("fk_se_answer_municipality_id_municipality", "municipality",
                                    ["municipality_id"], ["id"], ondelete="CASCADE")
