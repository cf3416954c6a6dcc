"""quality-report revisions kept before sweden_0007: their texts in the one quality-work section

sweden_0007 moved the live rows of a quality report's nine fixed sections into ``quality-work``, each
row naming its section by the key it had. The revisions kept before it still hold the nine sections;
restoring one (core restores the plan kind's sections, now ``introduction`` and ``quality-work``)
would have emptied the report's texts. This gives those snapshots the shape the live rows got, rows
in the old sections' order with their uids, so that restoring, viewing and comparing them keep every
text. Everything else of each revision stays as it was.

Revision ID: sweden_0008
Revises: sweden_0007
"""
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "sweden_0008"
down_revision = "sweden_0007"
branch_labels = None
depends_on = None

# As sweden_0007 names them: the fixed sections, in their order in the plan kind.
OLD_SECTIONS = ("quality-goals", "management-system", "improvement-work", "goal-attainment", "user-involvement",
                "cooperation", "follow-up", "complaints-lex-sarah", "equality")
SECTION = "quality-work"

PLANS = sa.table("annual_plan", sa.column("id", sa.Integer), sa.column("kind", sa.String))
REVISIONS = sa.table("plan_revision", sa.column("id", sa.Integer), sa.column("plan_id", sa.Integer),
                     sa.column("document", sa.JSON))


def in_one_section(document: dict[str, Any]) -> dict[str, Any] | None:
    """``document`` with the old sections' rows in ``quality-work``; None when it has none of them."""
    sections = document.get("sections")
    if not isinstance(sections, dict) or not any(key in sections for key in OLD_SECTIONS):
        return None
    rows = list((sections.get(SECTION) or {}).get("rows") or [])
    for key in OLD_SECTIONS:
        for row in (sections.get(key) or {}).get("rows") or []:
            rows.append({**row, "section": key})
    kept = {key: value for key, value in sections.items() if key not in OLD_SECTIONS}
    kept[SECTION] = {**(sections.get(SECTION) or {"text": {}, "footnote": {}, "not_applicable": False}),
                     "rows": rows}
    return {**document, "sections": kept}


def upgrade() -> None:
    connection = op.get_bind()
    quality = sa.select(PLANS.c.id).where(PLANS.c.kind == "quality-report")
    for revision_id, document in connection.execute(
            sa.select(REVISIONS.c.id, REVISIONS.c.document).where(REVISIONS.c.plan_id.in_(quality))).all():
        moved = in_one_section(document) if isinstance(document, dict) else None
        if moved is not None:
            connection.execute(sa.update(REVISIONS).where(REVISIONS.c.id == revision_id).values(document=moved))


def downgrade() -> None:
    """Nothing to undo: sweden_0007's downgrade puts the live rows back; old snapshots stay readable as they are."""
