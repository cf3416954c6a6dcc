"""No suppressed value can be worked out from the shown cells and totals."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from plugins.sweden.services.suppression import suppress


def _rank(rows: list[list[Fraction]]) -> int:
    rows = [r[:] for r in rows]
    rank, width = 0, len(rows[0]) if rows else 0
    for col in range(width):
        pivot = next((i for i in range(rank, len(rows)) if rows[i][col] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for i in range(len(rows)):
            if i != rank and rows[i][col] != 0:
                factor = rows[i][col] / rows[rank][col]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[rank], strict=True)]
        rank += 1
    return rank


def determined(table) -> set[tuple[int, int]]:
    """Hidden cells whose value follows from the shown ones: e_k lies in the row space of the
    additivity constraints restricted to the hidden cells."""
    hidden = sorted(table.hidden)
    index = {cell: k for k, cell in enumerate(hidden)}
    m, n = table.rows, table.columns
    constraints = []
    for i in range(m + 1):  # row i: cells 0..n-1 sum to cell n
        constraints.append([(i, j, 1) for j in range(n)] + [(i, n, -1)])
    for j in range(n + 1):  # column j: cells 0..m-1 sum to cell m
        constraints.append([(i, j, 1) for i in range(m)] + [(m, j, -1)])
    matrix = []
    for constraint in constraints:
        row = [Fraction(0)] * len(hidden)
        for i, j, sign in constraint:
            if (i, j) in index:
                row[index[(i, j)]] += sign
        if any(row):
            matrix.append(row)
    base = _rank(matrix) if matrix else 0
    found = set()
    for cell, k in index.items():
        unit = [Fraction(int(k == c)) for c in range(len(hidden))]
        if _rank([*matrix, unit]) == base:
            found.add(cell)
    return found


tables = st.integers(1, 5).flatmap(
    lambda m: st.integers(1, 5).flatmap(
        lambda n: st.lists(st.lists(st.integers(0, 30), min_size=n, max_size=n), min_size=m, max_size=m)
    )
)


@settings(max_examples=300, deadline=None)
@given(tables, st.integers(2, 8))
def test_no_suppressed_value_recoverable(counts, threshold):
    table = suppress(counts, threshold)
    # Primary: every small non-zero cell and total is hidden.
    for i, row in enumerate(table.counts):
        for j, value in enumerate(row):
            if 0 < value < threshold:
                assert (i, j) in table.hidden
    # Secondary: none of them can be worked out from what is shown.
    assert determined(table) == set()
    # Shown values are the true ones.
    for i, row in enumerate(table.counts[:-1]):
        assert list(row[:-1]) == list(counts[i]) and row[-1] == sum(counts[i])


def test_single_small_cell_gets_a_partner_in_its_row_and_column():
    table = suppress([[10, 3, 12], [8, 9, 20], [7, 6, 15]], threshold=5)
    assert (0, 1) in table.hidden
    assert len({c for c in table.hidden if c[0] == 0}) >= 2
    assert len({c for c in table.hidden if c[1] == 1}) >= 2
    assert table.grand_total == 90 and table.shown(1, 2) == 20


def test_extra_primary_cells_are_protected_too():
    table = suppress([[40, 40], [30, 30], [20, 20]], threshold=5, primary={(0, 0)})
    assert (0, 0) in table.hidden and determined(table) == set()
