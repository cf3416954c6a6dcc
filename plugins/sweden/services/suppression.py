"""Small-group suppression for tables of counts with row and column totals.

Primary suppression hides every cell (and total) with 1 to ``threshold - 1`` respondents.
Secondary suppression then hides more cells until no hidden value can be worked out from the
shown ones by adding and subtracting rows, columns and totals.

Why the algorithm is correct: write the table with its totals as an (m+1) x (n+1) grid and
negate the totals (not the grand total); then every row and column of the grid sums to zero.
The hidden cells are the edges of a bipartite graph between grid rows and grid columns, and a
hidden cell is determined by the shown ones exactly when its edge is a bridge of that graph (it
lies on no cycle of hidden cells). So we add hidden cells, cheapest first, until no bridge is
left. Non-zero cells are preferred so that even non-negativity cannot pin a hidden value down.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

Cell = tuple[int, int]


@dataclass(frozen=True)
class SuppressedTable:
    """A table with its totals and which of them are hidden. Index m / n is the totals row / column."""

    counts: tuple[tuple[int, ...], ...]  # (m+1) x (n+1), totals included
    hidden: frozenset[Cell]

    @property
    def rows(self) -> int:
        return len(self.counts) - 1

    @property
    def columns(self) -> int:
        return len(self.counts[0]) - 1

    def shown(self, row: int, column: int) -> int | None:
        return None if (row, column) in self.hidden else self.counts[row][column]

    def row_total(self, row: int) -> int | None:
        return self.shown(row, self.columns)

    def column_total(self, column: int) -> int | None:
        return self.shown(self.rows, column)

    @property
    def grand_total(self) -> int | None:
        return self.shown(self.rows, self.columns)


def with_totals(counts: Sequence[Sequence[int]]) -> list[list[int]]:
    rows = [[*row, sum(row)] for row in counts]
    totals = [sum(column) for column in zip(*rows, strict=True)] if rows else [0]
    return [*rows, totals]


def suppress(
    counts: Sequence[Sequence[int]], threshold: int = 5, primary: set[Cell] | None = None
) -> SuppressedTable:
    """Suppress ``counts`` (rows of non-negative ints, without totals).

    ``primary`` adds cells to hide for other reasons (e.g. a unit with too few respondents even
    though each cell's count is large). Threshold 1 or less hides nothing on its own.
    """
    if min((min(row) for row in counts if row), default=0) < 0:
        raise ValueError("counts must not be negative")
    grid = with_totals(counts) if counts else [[0]]
    # Most tables have few small cells: look only at rows that hold one.
    hidden = {(i, j) for i, row in enumerate(grid) if min(row) < threshold
              for j, v in enumerate(row) if 0 < v < threshold}
    hidden |= set(primary or ())
    hidden = _secondary(grid, hidden)
    return SuppressedTable(tuple(tuple(row) for row in grid), frozenset(hidden))


def _cost(grid: list[list[int]], cell: Cell) -> tuple[int, int, int, Cell]:
    i, j = cell
    is_total = int(i == len(grid) - 1) + int(j == len(grid[0]) - 1)
    return (is_total, int(grid[i][j] == 0), grid[i][j], cell)


def _secondary(grid: list[list[int]], hidden: set[Cell]) -> set[Cell]:
    hidden = set(hidden)
    m, n = len(grid), len(grid[0])
    while True:
        bridge = _find_bridge(hidden)
        if bridge is None:
            return hidden
        i, j = bridge
        side_a, side_b = _sides(hidden - {bridge}, ("r", i), ("c", j))
        rows_a = {k for t, k in side_a if t == "r"}
        cols_a = {k for t, k in side_a if t == "c"}
        rows_b = {k for t, k in side_b if t == "r"}
        cols_b = {k for t, k in side_b if t == "c"}
        candidates = {(r, c) for r in rows_a for c in cols_b} | {(r, c) for r in rows_b for c in cols_a}
        candidates -= hidden
        if not candidates:
            # One side is a lone node: grow it along its line first.
            if not rows_b:
                candidates = {(r, j) for r in range(m) if r != i} - hidden
            if not candidates:
                candidates = {(i, c) for c in range(n) if c != j} - hidden
        if not candidates:  # the whole grid is hidden: nothing left to protect with
            return hidden
        hidden.add(min(candidates, key=lambda cell: _cost(grid, cell)))


def _adjacency(hidden: set[Cell]) -> dict[tuple[str, int], list[tuple[str, int]]]:
    adjacent: dict[tuple[str, int], list[tuple[str, int]]] = {}
    for i, j in hidden:
        adjacent.setdefault(("r", i), []).append(("c", j))
        adjacent.setdefault(("c", j), []).append(("r", i))
    return adjacent


def _find_bridge(hidden: set[Cell]) -> Cell | None:
    """A hidden cell that lies on no cycle of hidden cells (Tarjan's bridge search, iterative)."""
    adjacent = _adjacency(hidden)
    order: dict[tuple[str, int], int] = {}
    low: dict[tuple[str, int], int] = {}
    for root in sorted(adjacent):
        if root in order:
            continue
        order[root] = low[root] = len(order)
        stack = [(root, None, iter(adjacent[root]))]
        while stack:
            node, parent, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                if parent is not None:
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent]:
                        return (parent[1], node[1]) if parent[0] == "r" else (node[1], parent[1])
                continue
            if child == parent:
                continue
            if child in order:
                low[node] = min(low[node], order[child])
            else:
                order[child] = low[child] = len(order)
                stack.append((child, node, iter(adjacent[child])))
    return None


def _sides(hidden: set[Cell], a: tuple[str, int], b: tuple[str, int]) -> tuple[set, set]:
    adjacent = _adjacency(hidden)

    def reach(start: tuple[str, int]) -> set[tuple[str, int]]:
        seen, todo = {start}, [start]
        while todo:
            for nxt in adjacent.get(todo.pop(), []):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    return reach(a), reach(b)
