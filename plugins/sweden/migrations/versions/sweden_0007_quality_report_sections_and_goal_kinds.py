"""quality report: a municipality's own sections, the cover's facts; goals of every kind

Seed 002 (Eskilstuna's kvalitetsberättelse 2017) has sections the fixed list of nine lacked, a cover
with the date and the persons responsible, and goals without a percentage (a count, yes/no, one
described in words). ``se_quality_report`` keeps a year's cover and its list of sections; the rows
of the nine fixed sections move into the one ``quality-work`` section, each naming its section by
the key it had (the defaults keep those keys). A goal gets its kind (every goal kept is a percentage)
and may have no target; a result may be a yes/no answer or a judgement, with a text.

Revision ID: sweden_0007
Revises: sweden_0006
"""
import sqlalchemy as sa
from alembic import op

revision = "sweden_0007"
down_revision = "sweden_0006"
branch_labels = None
depends_on = None

OLD_SECTIONS = ("quality-goals", "management-system", "improvement-work", "goal-attainment", "user-involvement",
                "cooperation", "follow-up", "complaints-lex-sarah", "equality")
SECTION = "quality-work"

PLAN = sa.table("annual_plan", sa.column("id", sa.Integer), sa.column("kind", sa.String))
ENTRY = sa.table("section_entry", sa.column("id", sa.Integer), sa.column("plan_id", sa.Integer),
                 sa.column("section", sa.String), sa.column("position", sa.Integer), sa.column("fields", sa.JSON))


def upgrade() -> None:
    op.create_table(
        "se_quality_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("organisation", sa.JSON(), nullable=False),
        sa.Column("report_date", sa.Date(), nullable=True),
        sa.Column("responsible", sa.JSON(), nullable=False),
        sa.Column("sections", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipality.id"],
                                name=op.f("fk_se_quality_report_municipality_id_municipality"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_se_quality_report")),
        sa.UniqueConstraint("municipality_id", "year", name="uq_se_quality_report_municipality_id"),
    )
    with op.batch_alter_table("se_quality_goal", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=20), server_default="percent", nullable=False))
        batch_op.alter_column("target", existing_type=sa.Numeric(7, 2), nullable=True)
    with op.batch_alter_table("se_goal_value", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outcome", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("comment", sa.JSON(), nullable=True))
    op.execute("UPDATE se_goal_value SET comment = '{}'")
    with op.batch_alter_table("se_goal_value", schema=None) as batch_op:
        batch_op.alter_column("comment", existing_type=sa.JSON(), nullable=False)
    _move_rows(OLD_SECTIONS, SECTION)


def _move_rows(sources: tuple[str, ...], target: str) -> None:
    """Each quality report's rows of ``sources`` into ``target``, in the old sections' order, each naming its
    section by its old key."""
    connection = op.get_bind()
    plans = connection.execute(sa.select(PLAN.c.id).where(PLAN.c.kind == "quality-report")).scalars().all()
    for plan_id in plans:
        rows = connection.execute(sa.select(ENTRY.c.id, ENTRY.c.section, ENTRY.c.fields).where(
            ENTRY.c.plan_id == plan_id, ENTRY.c.section.in_(sources)).order_by(ENTRY.c.position, ENTRY.c.id)).all()
        rows = sorted(rows, key=lambda row: sources.index(row.section))  # stable: positions kept within a section
        for position, row in enumerate(rows):
            fields = dict(row.fields or {})
            fields["section"] = row.section
            connection.execute(sa.update(ENTRY).where(ENTRY.c.id == row.id).values(
                section=target, position=position, fields=fields))


def downgrade() -> None:
    """Rows back into the section their ``section`` names (rows of sections added since go to the first)."""
    connection = op.get_bind()
    rows = connection.execute(sa.select(ENTRY.c.id, ENTRY.c.plan_id, ENTRY.c.fields).where(
        ENTRY.c.section == SECTION).order_by(ENTRY.c.plan_id, ENTRY.c.position)).all()
    positions: dict[tuple[int, str], int] = {}
    for row in rows:
        fields = dict(row.fields or {})
        key = fields.pop("section", None)
        key = key if key in OLD_SECTIONS else OLD_SECTIONS[0]
        position = positions[(row.plan_id, key)] = positions.get((row.plan_id, key), -1) + 1
        connection.execute(sa.update(ENTRY).where(ENTRY.c.id == row.id).values(section=key, position=position,
                                                                               fields=fields))
    with op.batch_alter_table("se_goal_value", schema=None) as batch_op:
        batch_op.drop_column("comment")
        batch_op.drop_column("outcome")
    op.execute("UPDATE se_quality_goal SET target = 0 WHERE target IS NULL")
    with op.batch_alter_table("se_quality_goal", schema=None) as batch_op:
        batch_op.alter_column("target", existing_type=sa.Numeric(7, 2), nullable=False)
        batch_op.drop_column("kind")
    op.drop_table("se_quality_report")
