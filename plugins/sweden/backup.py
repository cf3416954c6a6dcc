"""The Swedish plugin's tables in a backup of a whole deployment (``socialplan backup`` / ``restore``).

Every table of :mod:`plugins.sweden.models` goes into the archive, all of a municipality's rows and
every column, as :func:`core.services.backup.dump_table` writes them: settings, units, follow-ups,
deficiency cases and their steps (a withdrawn termination too), deficiencies, quality goals of every
year (removed ones too, still restorable) with their indicators and values, lex Sarah reports,
question templates, the individual answers and their per-cell counts. Unlike a plan document's
extension block (one year, no individual answers), this is everything: it is the deployment's own
backup, and its manifest says it holds personal data.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, exists, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from core.sdk.backup import BackupError, TableDump, dump_table, load_table
from core.sdk.models import Municipality
from plugins.sweden.models import SWEDEN_TABLES, DeficiencyCase, GoalIndicator, QualityGoal

VERSION = 1
# The answers keep their keys without foreign-key constraints (sweden_0003); they point all the same.
REFERENCES = {"se_answer": {"municipality_id": "municipality", "template_id": "se_question_template",
                            "unit_id": "se_unit"}}
PERSONAL_DATA = ("se_answer", "se_answer_cell", "se_lex_sarah_report", "se_deficiency", "se_deficiency_case",
                 "se_case_step")


def _scope(table: Table, municipality_id: int) -> ColumnElement[bool]:
    """The rows of ``table`` that belong to the municipality: its own column, or its parent's."""
    if "municipality_id" in table.c:
        return table.c.municipality_id == municipality_id
    if table.name == "se_case_step":
        return table.c.case_id.in_(select(DeficiencyCase.id).where(DeficiencyCase.municipality_id == municipality_id))
    if table.name == "se_goal_indicator":
        return table.c.goal_id.in_(select(QualityGoal.id).where(QualityGoal.municipality_id == municipality_id))
    if table.name == "se_goal_value":
        return table.c.indicator_id.in_(select(GoalIndicator.id).join(QualityGoal)
                                        .where(QualityGoal.municipality_id == municipality_id))
    raise BackupError(f"The Swedish plugin does not know which municipality the rows of {table.name} belong to.")


def _holds_anything(session: Session, municipality_id: int) -> bool:
    """One query: whether any table with a municipality column has a row of it (the others hang on those)."""
    owned = [exists().where(t.c.municipality_id == municipality_id) for t in SWEDEN_TABLES if "municipality_id" in t.c]
    return bool(session.scalar(select(or_(*owned))))


def backup(session: Session, municipality: Municipality, id_map: dict[str, dict[int, int]]) -> dict[str, Any] | None:
    if not _holds_anything(session, municipality.id):
        return None
    references = dict(id_map)  # core's, then each of ours as it is written (tables come after their targets)
    return {
        "version": VERSION,
        "personal_data": list(PERSONAL_DATA),
        "tables": {table.name: dump_table(session, table, _scope(table, municipality.id), references,
                                          REFERENCES.get(table.name)) for table in SWEDEN_TABLES},
    }


def restore(session: Session, municipality: Municipality, data: dict[str, Any],
            id_map: dict[str, dict[int, int]]) -> None:
    if data.get("version") != VERSION:
        raise BackupError(f"The archive's Swedish data of {municipality.slug} is of version {data.get('version')}, "
                          f"which this plugin does not read ({VERSION}).")
    tables: dict[str, TableDump] = data.get("tables") or {}
    known = {table.name for table in SWEDEN_TABLES}
    unknown = sorted(set(tables) - known)
    if unknown:
        raise BackupError(f"The archive's Swedish data holds a table {unknown[0]} this plugin does not know.")
    # Only this municipality's reference reads back: a row of another one in its data is refused, not misplaced.
    own = {ref: new_id for ref, new_id in id_map["municipality"].items() if new_id == municipality.id}
    references = {**id_map, "municipality": own}
    for table in SWEDEN_TABLES:  # in the order that writes a row's targets before it
        dump = tables.get(table.name)
        if not isinstance(dump, TableDump):
            if dump is None:
                continue
            raise BackupError(f"The archive's Swedish data of {municipality.slug} has no rows for {table.name}.")
        load_table(session, table, dump, references, REFERENCES.get(table.name))
