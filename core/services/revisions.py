"""Comparing two revisions of a plan: section by section, row by row, key by key.

A pure function of two plan documents (``PlanRevision.document``). Rows are matched by their stable
identity (the ``uid`` every row of a newer document carries) when both revisions have one, else by
position (revisions kept before rows had one): a removed row shows as removed, an added row as added,
and a row whose place among the others changed as moved, with its old and new position. Deleting row 7
of 10 is one removed row, not four rewritten ones.

Within a row, nested values are flattened to dotted keys (``name.sv``, ``extra.floor_space``) so that a
change to one language of a translatable value shows as one changed cell; a budget line is named by
its year and funding source (``budget[2021/local].amount``) rather than by its place in the list; a
period (``{"kind": "month", ...}``) and other lists are compared whole, as they are read. The ``uid`` is
never a cell.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

HEADER_KEYS = ("status", "title", "council_decision", "facts")
UID = "uid"  # the key of a row's identity (core.interchange.UID)
# The keys a period of a campaign or meeting may have (core.web.forms, the Romanian plugin's forms).
PERIOD_KEYS = frozenset({"kind", "start", "end", "month", "months", "half", "every", "text", "year"})
BUDGET_KEY = re.compile(r"^budget\[(?P<year>[^/\]]*)/(?P<source>[^\]#]*)(?:#(?P<repeat>\d+))?\]\.(?P<field>.+)$")


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
    index: int  # the row's place in the newer revision; in the older one for a removed row
    status: str  # same | changed | moved | added | removed
    cells: tuple[Cell, ...]
    old_index: int | None = None
    new_index: int | None = None
    old: dict[str, Any] | None = field(default=None, compare=False, repr=False)  # the rows as the documents hold them
    new: dict[str, Any] | None = field(default=None, compare=False, repr=False)

    @property
    def changed_keys(self) -> set[str]:
        return {cell.key for cell in self.cells if cell.changed}

    @property
    def edited(self) -> bool:
        """Whether any value of the row changed (a moved row may be edited too)."""
        return any(cell.changed for cell in self.cells)


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

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)


@dataclass(frozen=True)
class DocumentDiff:
    header: tuple[Cell, ...]
    sections: tuple[SectionDiff, ...] = field(default_factory=tuple)

    @property
    def changed(self) -> bool:
        return any(c.changed for c in self.header) or any(s.changed for s in self.sections)


@dataclass(frozen=True)
class BudgetKey:
    """What a flattened budget key names: ``budget[2021/local].amount`` -> 2021, 'local', 'amount'."""

    year: str
    source: str
    field: str
    repeat: int = 1  # the second line of the same year and source is #2


def parse_budget_key(key: str) -> BudgetKey | None:
    match = BUDGET_KEY.match(key)
    if match is None:
        return None
    return BudgetKey(match["year"], match["source"], match["field"], int(match["repeat"] or 1))


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


def is_period(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("kind"), str) and set(value) <= PERIOD_KEYS


def _leaves(value: Any, prefix: str) -> dict[str, Any]:
    """Like :func:`flatten`, but a period and a list are one value each."""
    if isinstance(value, dict) and not is_period(value):
        flat: dict[str, Any] = {}
        for key, item in value.items():
            flat.update(_leaves(item, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if value is None or (isinstance(value, (str, list, dict)) and not value):
        return {}
    return {prefix: value}


def _budget_leaves(lines: list[dict[str, Any]]) -> dict[str, Any]:
    """Budget lines by year and funding source: a line added before another changes no other line."""
    flat: dict[str, Any] = {}
    seen: Counter[str] = Counter()
    for line in lines:
        name = f"{line.get('year') or ''}/{line.get('source') or ''}"
        seen[name] += 1
        if seen[name] > 1:
            name = f"{name}#{seen[name]}"
        flat.update(_leaves({k: v for k, v in line.items() if k not in ("year", "source")}, f"budget[{name}]"))
    return flat


def row_values(row: dict[str, Any]) -> dict[str, Any]:
    """A row's values by flattened key, without its uid."""
    flat: dict[str, Any] = {}
    for key, value in row.items():
        if key == UID:
            continue
        budget = key == "budget" and isinstance(value, list) and all(isinstance(line, dict) for line in value)
        flat.update(_budget_leaves(value) if budget else _leaves(value, key))
    return flat


def _cells(old: dict[str, Any], new: dict[str, Any]) -> tuple[Cell, ...]:
    keys = list(dict.fromkeys([*old, *new]))
    return tuple(Cell(key, old.get(key), new.get(key)) for key in keys)


def changed_cells(old: Any, new: Any) -> tuple[Cell, ...]:
    """The cells that differ between two versions of one part of a plan (a row, a section's text; None
    when it is not there), its uid left out: what another person changed, for a refused save."""
    return tuple(cell for cell in _cells(row_values(old) if isinstance(old, dict) else {},
                                         row_values(new) if isinstance(new, dict) else {}) if cell.changed)


def _uid(row: Any) -> str | None:
    uid = row.get(UID) if isinstance(row, dict) else None
    return uid if isinstance(uid, str) and uid else None


def match_rows(old_rows: list[dict[str, Any]], new_rows: list[dict[str, Any]]) -> dict[int, int]:
    """Which old row each new row is (new index -> old index): by uid when both rows have one, else by
    position; a new row matched to none was added, an old row no new row matches was removed."""
    old_by_uid: dict[str, int] = {}
    for index, row in enumerate(old_rows):
        if (uid := _uid(row)) is not None:
            old_by_uid.setdefault(uid, index)
    pairs: dict[int, int] = {}
    for index, row in enumerate(new_rows):
        old_index = old_by_uid.get(_uid(row) or "")
        if old_index is not None and old_index not in pairs.values():
            pairs[index] = old_index
    taken = set(pairs.values())
    for index, row in enumerate(new_rows):
        if index in pairs or index >= len(old_rows) or index in taken:
            continue
        if _uid(row) is None or _uid(old_rows[index]) is None:  # a revision from before rows had a uid
            pairs[index] = index
            taken.add(index)
    return pairs


def _in_order(old_indices: list[int]) -> set[int]:
    """The longest run of old positions that kept their order (a longest increasing subsequence):
    the rows outside it are the ones that moved."""
    tails: list[int] = []  # tails[k]: where the smallest last value of a run of length k + 1 is
    tail_values: list[int] = []
    previous: list[int | None] = [None] * len(old_indices)
    for position, value in enumerate(old_indices):
        k = bisect_left(tail_values, value)
        previous[position] = tails[k - 1] if k else None
        if k == len(tails):
            tails.append(position)
            tail_values.append(value)
        else:
            tails[k], tail_values[k] = position, value
    kept: set[int] = set()
    position = tails[-1] if tails else None
    while position is not None:
        kept.add(old_indices[position])
        position = previous[position]
    return kept


def diff_rows(old_rows: list[dict[str, Any]], new_rows: list[dict[str, Any]]) -> tuple[RowDiff, ...]:
    pairs = match_rows(old_rows, new_rows)
    kept = _in_order([pairs[index] for index in sorted(pairs)])
    placed: list[tuple[tuple[int, int, int], RowDiff]] = []
    for index, row in enumerate(new_rows):
        old_index = pairs.get(index)
        old = old_rows[old_index] if old_index is not None else None
        cells = _cells(row_values(old) if old is not None else {}, row_values(row))
        if old_index is None:
            status = "added"
        elif old_index not in kept:
            status = "moved"
        else:
            status = "changed" if any(cell.changed for cell in cells) else "same"
        placed.append(((index, 0, 0), RowDiff(index, status, cells, old_index, index, old, row)))
    new_of_old = {old_index: index for index, old_index in pairs.items()}
    for old_index, row in enumerate(old_rows):
        if old_index in new_of_old:
            continue
        # Shown where it stood: after the nearest row before it that is still there.
        anchor = next((new_of_old[i] for i in range(old_index - 1, -1, -1) if i in new_of_old), -1)
        diff = RowDiff(old_index, "removed", _cells(row_values(row), {}), old_index, None, row, None)
        placed.append(((anchor, 1, old_index), diff))
    return tuple(diff for _key, diff in sorted(placed, key=lambda item: item[0]))


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
