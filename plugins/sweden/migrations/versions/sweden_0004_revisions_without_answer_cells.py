"""revisions without answer cells: the Swedish block that revisions kept loses its answer_cells

Answer counts per unit are personal-level data (a unit's cell may count three people's answers).
The plan document, and so every revision snapshot, no longer carries them; only an administrator's
export with personal data does. Snapshots kept before still hold them: in the Swedish block's
revision part (core_0003) or inline in older revisions. This removes them and keeps everything else
of every revision; the counts themselves stay in se_answer_cell, which results read.

A cleaned part is stored under the digest of its new content, as revisions keep parts, and the
revisions that pointed at the old part point at the new one.

Revision ID: sweden_0004
Revises: sweden_0003
"""
import hashlib
import json

import sqlalchemy as sa
from alembic import op

revision = "sweden_0004"
down_revision = "sweden_0003"
branch_labels = None
depends_on = "core_0003"

PART = "$part"
PARTS = sa.table("plan_revision_part", sa.column("digest", sa.String), sa.column("content", sa.JSON))
REVISIONS = sa.table("plan_revision", sa.column("id", sa.Integer), sa.column("plan_id", sa.Integer),
                     sa.column("document", sa.JSON))
PLANS = sa.table("annual_plan", sa.column("id", sa.Integer), sa.column("kind", sa.String))


def _digest(content: dict) -> str:
    """As core.services.plans keeps parts: sha256 of the canonical JSON."""
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _without_cells(block: dict) -> dict:
    return {key: value for key, value in block.items() if key != "answer_cells"}


def upgrade() -> None:
    connection = op.get_bind()
    existing = set(connection.scalars(sa.select(PARTS.c.digest)))
    renamed: dict[str, str] = {}
    for digest, content in connection.execute(sa.select(PARTS.c.digest, PARTS.c.content)).all():
        if isinstance(content, dict) and "answer_cells" in content:
            cleaned = _without_cells(content)
            renamed[digest] = _digest(cleaned)
            if renamed[digest] not in existing:
                connection.execute(sa.insert(PARTS).values(digest=renamed[digest], content=cleaned))
                existing.add(renamed[digest])
    followup = sa.select(PLANS.c.id).where(PLANS.c.kind == "followup-plan")
    rows = connection.execute(sa.select(REVISIONS.c.id, REVISIONS.c.document)
                              .where(REVISIONS.c.plan_id.in_(followup))).all()
    for revision_id, document in rows:
        block = ((document or {}).get("extensions") or {}).get("sweden") if isinstance(document, dict) else None
        if not isinstance(block, dict):
            continue
        if block.get(PART) in renamed:
            kept = {PART: renamed[block[PART]]}
        elif "answer_cells" in block:
            kept = _without_cells(block)
        else:
            continue
        document = {**document, "extensions": {**document["extensions"], "sweden": kept}}
        connection.execute(sa.update(REVISIONS).where(REVISIONS.c.id == revision_id).values(document=document))
    stale = [digest for digest in renamed if digest not in renamed.values()]
    if stale:
        connection.execute(sa.delete(PARTS).where(PARTS.c.digest.in_(stale)))


def downgrade() -> None:
    """Nothing to put back: the counts are in se_answer_cell, and old snapshots are not rebuilt."""
