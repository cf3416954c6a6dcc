"""Comparing two revisions of a plan: section by section, row by row, key by key.

A pure function of two plan documents (``PlanRevision.document``); nested values are flattened to
dotted keys (``name.sv``, ``budget[0].amount``, ``period.kind``) so that a change to one language of a
translatable value, or to one budget line, shows as one changed cell. Rows are compared by position,
as the tables show them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

HEADER_KEYS = ("status", "title", "council_decision", "facts")


@dataclass(frozen=True)
class Cell:
    key: str
    old: Any
    new: Any

    @property
    def changed(self) -> bool:
        return self.old != self.new


@dataclass(frozen=True)
class RowDiff:
    index: int
    status: str  # same | changed | added | removed
    cells: tuple[Cell, ...]

    @property
    def changed_keys(self) -> set[str]:
        return {cell.key for cell in self.cells if cell.changed}


@dataclass(frozen=True)
class SectionDiff:
    key: str
    rows: tuple[RowDiff, ...]
    other: tuple[Cell, ...] = ()  # text, footnote, not_applicable

    @property
    def changed(self) -> bool:
        return any(row.status != "same" for row in self.rows) or any(c.changed for c in self.other)

    @property
    def changed_columns(self) -> list[str]:
        """Keys that changed in any row, in the order they first appear: the columns worth showing."""
        keys: list[str] = []
        for row in self.rows:
            for cell in row.cells:
                if cell.changed and cell.key not in keys:
                    keys.append(cell.key)
        return keys


@dataclass(frozen=True)
class DocumentDiff:
    header: tuple[Cell, ...]
    sections: tuple[SectionDiff, ...] = field(default_factory=tuple)

    @property
    def changed(self) -> bool:
        return any(c.changed for c in self.header) or any(s.changed for s in self.sections)


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """``{"name": {"en": "A"}, "budget": [{"amount": "1"}]}`` -> ``{"name.en": "A", "budget[0].amount": "1"}``.

    Empty dicts and lists flatten to nothing, so ``{}`` and a missing key compare equal.
    """
    if isinstance(value, dict):
        flat: dict[str, Any] = {}
        for key, item in value.items():
            flat.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(value, list):
        flat = {}
        for index, item in enumerate(value):
            flat.update(flatten(item, f"{prefix}[{index}]"))
        return flat
    if value in (None, ""):
        return {}
    return {prefix: value}


def _cells(old: dict[str, Any], new: dict[str, Any]) -> tuple[Cell, ...]:
    keys = list(dict.fromkeys([*old, *new]))
    return tuple(Cell(key, old.get(key), new.get(key)) for key in keys)


def diff_rows(old_rows: list[dict[str, Any]], new_rows: list[dict[str, Any]]) -> tuple[RowDiff, ...]:
    rows = []
    for index in range(max(len(old_rows), len(new_rows))):
        old = flatten(old_rows[index]) if index < len(old_rows) else None
        new = flatten(new_rows[index]) if index < len(new_rows) else None
        cells = _cells(old or {}, new or {})
        if old is None:
            status = "added"
        elif new is None:
            status = "removed"
        else:
            status = "changed" if any(cell.changed for cell in cells) else "same"
        rows.append(RowDiff(index, status, cells))
    return tuple(rows)


def diff_section(key: str, old: dict[str, Any] | None, new: dict[str, Any] | None) -> SectionDiff:
    old, new = old or {}, new or {}
    other = _cells(
        flatten({k: old.get(k) for k in ("not_applicable", "text", "footnote")}),
        flatten({k: new.get(k) for k in ("not_applicable", "text", "footnote")}),
    )
    return SectionDiff(key, diff_rows(old.get("rows") or [], new.get("rows") or []), other)


def diff_documents(old: dict[str, Any], new: dict[str, Any]) -> DocumentDiff:
    """What changed from ``old`` to ``new``: the plan's header facts and every section."""
    header = _cells(flatten({k: old.get(k) for k in HEADER_KEYS}), flatten({k: new.get(k) for k in HEADER_KEYS}))
    old_sections, new_sections = old.get("sections") or {}, new.get("sections") or {}
    keys = list(dict.fromkeys([*new_sections, *old_sections]))
    return DocumentDiff(header, tuple(diff_section(k, old_sections.get(k), new_sections.get(k)) for k in keys))
