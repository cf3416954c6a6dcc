"""Joint small-group suppression of every results table that is published together.

What the results pages, the PDF and the CSV/XLSX exports publish: for each question area and each
*entity* (a unit, a district, a provider, the whole municipality) its answers ``n`` and its share of
positive answers, which with ``n`` gives the positive answers ``p`` and the others ``o = n - p``. A
group's figures are the sums of its units' (a *margin*: a total and its parts). The same entities
appear in every area, and a unit's answers are about its respondents times the area's questions in
every area, so a figure hidden in one table and shown in another gives itself away (influence: U1
20, U2 20, U3 –, U4 –, total 51; safety shows U4 8, so U3 = 3). Hence one decision for all tables:

- ``rows``: entities whose answers (and share) are hidden in *every* area. Primary: an entity with
  1 to ``threshold - 1`` respondents or answers in some area.
- ``split[area]``: entities whose share (positive and other answers) is hidden in that area; every
  entity of ``rows``, and (primary) one with 1 to ``threshold - 1`` positive or other answers there,
  whose answers may stay shown.

Secondary suppression then hides more entities until none of the three ways an attacker works out
a hidden figure from the shown ones succeeds, iterated to a fixpoint over all margins and areas:

1. a margin with exactly one hidden entity gives it away (the total minus the shown parts);
2. a combination of margins gives a hidden entity away when its unit vector lies in the row space of
   the margins restricted to the hidden entities (exact rational elimination);
3. bounds: with non-negativity and ``n = p + o``, interval propagation over every margin of the
   area bounds each hidden figure; one bounded to a single value, or to 1 … ``threshold - 1`` (a
   small group known as such), is given away (:func:`exposed`).

Each is answered by hiding a partner from a margin the exposed entity is in, cheapest first: a unit
before a group before the whole municipality, a partner at or above the threshold before one below
it (a cell is never protected only by another small cell), then the smallest. Hiding more never
makes a hidden figure easier to work out, so the loop ends, at worst with everything hidden.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from fractions import Fraction

UNIT, GROUP, CITY = 0, 1, 2  # levels: the cost of hiding an entity rises with them


@dataclass(frozen=True)
class Margin:
    """The figures of ``total`` are the sums of the figures of ``parts``, in every area."""

    total: int
    parts: tuple[int, ...]

    @property
    def members(self) -> tuple[int, ...]:
        return (self.total, *self.parts)


@dataclass(frozen=True)
class Layout:
    """The entities published together (by index, each with its level) and the margins they form."""

    levels: tuple[int, ...]
    margins: tuple[Margin, ...]
    _of: dict[int, list[int]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for index, margin in enumerate(self.margins):
            for member in margin.members:
                self._of.setdefault(member, []).append(index)

    @property
    def size(self) -> int:
        return len(self.levels)

    def margins_of(self, entity: int) -> list[Margin]:
        return [self.margins[i] for i in self._of.get(entity, [])]


@dataclass(frozen=True)
class AreaCounts:
    """One area's counts per entity (groups included, as the sums of their units)."""

    answers: tuple[int, ...]
    positive: tuple[int, ...]
    respondents: tuple[int, ...]

    def other(self, entity: int) -> int:
        return self.answers[entity] - self.positive[entity]


@dataclass(frozen=True)
class Decision:
    """Which figures are hidden: ``rows`` in every area, ``split[area]`` (a superset of ``rows``) the shares."""

    rows: frozenset[int]
    split: Mapping[str, frozenset[int]]

    def answers_shown(self, entity: int) -> bool:
        return entity not in self.rows

    def share_shown(self, area: str, entity: int) -> bool:
        return entity not in self.split[area]


def _small(value: int, threshold: int) -> bool:
    return 0 < value < threshold


def decide(layout: Layout, areas: Mapping[str, AreaCounts], respondents: Sequence[int], threshold: int) -> Decision:
    """Hide what must be hidden in every area's table at once (see the module's docstring);
    ``respondents``: per entity, the persons who answered (in any area)."""
    entities = range(layout.size)
    rows = {e for counts in areas.values() for e in entities
            if _small(counts.respondents[e], threshold) or _small(counts.answers[e], threshold)}
    split = {area: {e for e in entities if _small(counts.positive[e], threshold)
                    or _small(counts.other(e), threshold)} for area, counts in areas.items()}

    def row_cost(e: int) -> tuple:
        smallest = min((counts.answers[e] for counts in areas.values()), default=0)
        return (layout.levels[e], smallest < threshold, smallest, e)

    split_costs = {area: _split_cost(layout, counts, threshold) for area, counts in areas.items()}
    while True:
        rows = protect(layout, rows, row_cost)
        for area in areas:
            split[area] = protect(layout, split[area] | rows, split_costs[area])
        added, seen = False, set()
        for area, entity, answers in exposed(layout, areas, respondents, rows, split, threshold):
            key = "answers" if answers else area
            if key in seen:
                continue  # one partner for the answers and one per area's shares, then look again
            seen.add(key)
            target, cost = (rows, row_cost) if answers else (split[area], split_costs[area])
            partner = _partner(layout, target, entity, cost)
            if partner is not None:
                target.add(partner)
                added = True
        if not added:
            return Decision(frozenset(rows), {area: frozenset(hidden | rows) for area, hidden in split.items()})


def _split_cost(layout: Layout, counts: AreaCounts, threshold: int) -> Callable[[int], tuple]:
    def cost(e: int) -> tuple:
        smaller = min(counts.positive[e], counts.other(e))  # both sides must hide a small one
        return (layout.levels[e], smaller < threshold, smaller, counts.answers[e], e)

    return cost


# --- 1 and 2: margins and their combinations -------------------------------------------------------


def protect(layout: Layout, hidden: Iterable[int], cost: Callable[[int], tuple]) -> set[int]:
    """``hidden`` grown until no margin, and no combination of margins, gives a hidden entity away."""
    hidden = set(hidden)
    while True:
        margin = _single(layout, hidden)
        if margin is not None:  # its partner comes from that margin
            partner = min((m for m in margin.members if m not in hidden), key=cost)
        else:
            entity = next(iter(sorted(determined(layout, hidden))), None)
            if entity is None:
                return hidden
            partner = _partner(layout, hidden, entity, cost)
            if partner is None:  # everything around it is hidden already
                return hidden
        hidden.add(partner)


def _single(layout: Layout, hidden: set[int]) -> Margin | None:
    """A margin with exactly one hidden member (which is the total less the shown members, or their sum)."""
    for margin in layout.margins:
        if sum(m in hidden for m in margin.members) == 1:
            return margin
    return None


def determined(layout: Layout, hidden: set[int]) -> set[int]:
    """Hidden entities whose figures follow from the shown ones by adding and subtracting margins."""
    columns = sorted(hidden)
    index = {e: i for i, e in enumerate(columns)}
    matrix = []
    for margin in layout.margins:
        row = [Fraction(0)] * len(columns)
        for member, sign in ((margin.total, 1), *((part, -1) for part in margin.parts)):
            if member in index:
                row[index[member]] += sign
        if any(row):
            matrix.append(row)
    return {columns[c] for c in _unit_rows(matrix)}


def _unit_rows(matrix: list[list[Fraction]]) -> set[int]:
    """Columns ``c`` whose unit vector lies in the row space: in reduced row echelon form, a row with a
    single non-zero entry."""
    rows = [row[:] for row in matrix]
    width = len(rows[0]) if rows else 0
    rank = 0
    for col in range(width):
        pivot = next((i for i in range(rank, len(rows)) if rows[i][col]), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        lead = rows[rank][col]
        rows[rank] = [value / lead for value in rows[rank]]
        for i, row in enumerate(rows):
            if i != rank and row[col]:
                factor = row[col]
                rows[i] = [a - factor * b for a, b in zip(row, rows[rank], strict=True)]
        rank += 1
    found = set()
    for row in rows[:rank]:
        nonzero = [c for c, value in enumerate(row) if value]
        if len(nonzero) == 1:
            found.add(nonzero[0])
    return found


def _partner(layout: Layout, hidden: set[int], entity: int, cost: Callable[[int], tuple]) -> int | None:
    """The cheapest shown entity of a margin ``entity`` is in; failing that, of any margin that holds a
    hidden entity; failing that, any shown entity."""
    near = {m for margin in layout.margins_of(entity) for m in margin.members} - hidden
    if not near:
        near = {m for margin in layout.margins for m in margin.members
                if any(h in hidden for h in margin.members)} - hidden
    if not near:
        near = set(range(layout.size)) - hidden
    return min(near, key=cost) if near else None


# --- 3: bounds ------------------------------------------------------------------------------------------

Bound = list  # [lowest, highest or None for no upper bound]


def exposed(layout: Layout, areas: Mapping[str, AreaCounts], respondents: Sequence[int], rows: Set[int],
            split: Mapping[str, Set[int]], threshold: int) -> list[tuple[str, int, bool]]:
    """Hidden figures that bounds pin down: ``(area, entity, True)`` for its answers, ``(area, entity,
    False)`` for its positive or other answers (see :func:`joint_bounds`)."""
    bounds = joint_bounds(layout, areas, respondents, rows, split)
    found = []
    for area in areas:
        for entity in sorted(split[area]):
            answers = entity in rows and _pinned(bounds.get(("n", area, entity)), threshold)
            share = any(_pinned(bounds.get((kind, area, entity)), threshold) for kind in ("p", "o"))
            if answers or share:
                found.append((area, entity, answers))
    return found


def _pinned(bound: Bound | None, threshold: int) -> bool:
    if bound is None:
        return False
    low, high = bound
    return high is not None and (low == high or (low >= 1 and high < threshold))


def joint_bounds(layout: Layout, areas: Mapping[str, AreaCounts], respondents: Sequence[int], rows: Set[int],
                 split: Mapping[str, Set[int]]) -> dict[tuple, Bound]:
    """What an attacker can bound of each hidden figure, over every area at once.

    The attacker is granted more than the tables say: the questionnaire, so that an entity whose
    answers in an area are ``k`` times its respondents is known to have ``answers = k x respondents``
    there (every respondent answered every question: the same respondents in every area), and that an
    entity hidden with answers has at least one (it is listed). Every margin (for the answers, positive
    and other answers, and respondents), ``n = p + o`` and those products are propagated to a fixpoint.
    """
    bounds: dict[tuple, Bound] = {}

    def var(kind: str, area: str | None, entity: int) -> tuple:
        key = (kind, area, entity)
        if key not in bounds:
            if kind == "r":  # respondents are never published
                bounds[key] = [1 if respondents[entity] else 0, None]
            else:
                counts = areas[area]
                value = {"n": counts.answers, "p": counts.positive}[kind][entity] if kind != "o" \
                    else counts.other(entity)
                hidden = entity in (rows if kind == "n" else split[area])
                bounds[key] = [1 if kind == "n" and value else 0, None] if hidden else [value, value]
        return key

    equations: list[list[tuple[tuple, int]]] = []
    for area in areas:
        for entity in split[area]:
            equations.append([(var("n", area, entity), 1), (var("p", area, entity), -1), (var("o", area, entity), -1)])
        for margin in layout.margins:
            kinds = (("n",) if any(m in rows for m in margin.members) else ()) + \
                (("p", "o") if any(m in split[area] for m in margin.members) else ())
            for kind in kinds:
                equations.append([(var(kind, area, margin.total), 1),
                                  *((var(kind, area, part), -1) for part in margin.parts)])
    if rows:
        near = {m for margin in layout.margins if any(h in rows for h in margin.members) for m in margin.members}
        for entity in sorted(near | set(rows)):
            for area, counts in areas.items():
                per_respondent, rest = divmod(counts.answers[entity], respondents[entity] or 1)
                if respondents[entity] and per_respondent and not rest:
                    equations.append([(var("n", area, entity), 1), (var("r", None, entity), -per_respondent)])
        for margin in layout.margins:
            if any(m in near for m in margin.members):
                equations.append([(var("r", None, margin.total), 1),
                                  *((var("r", None, part), -1) for part in margin.parts)])
    propagate(equations, bounds)
    return bounds


def propagate(equations: Sequence[Sequence[tuple[object, int]]], bounds: dict) -> None:
    """Tighten ``bounds[var] = [low, high or None]`` with every equation ``sum(coef * var) = 0``
    (integer coefficients) until nothing changes."""
    changed = True
    while changed:
        changed = False
        for equation in equations:
            changed |= _tighten(equation, bounds)


def _terms(coef: int, low: int, high: int | None) -> tuple[int, int | None]:
    """The least and the greatest value of ``coef * var``; None where it has none (no upper bound)."""
    if coef > 0:
        return coef * low, None if high is None else coef * high
    return (None if high is None else coef * high), coef * low


def _tighten(equation: Sequence[tuple[object, int]], bounds: dict) -> bool:
    # The least and greatest value of the whole sum, with how many terms have none.
    least, least_open, most, most_open = 0, 0, 0, 0
    for var, coef in equation:
        small, large = _terms(coef, *bounds[var])
        if small is None:
            least_open += 1
        else:
            least += small
        if large is None:
            most_open += 1
        else:
            most += large
    changed = False
    for var, coef in equation:
        low, high = bounds[var]
        if low == high:
            continue
        small, large = _terms(coef, low, high)
        # coef * var = -(the rest), the rest between rest_least and rest_most
        rest_least, rest_most = _rest(least, least_open, small), _rest(most, most_open, large)
        top = None if rest_least is None else -rest_least
        bottom = None if rest_most is None else -rest_most
        if coef < 0:
            top, bottom = (None if bottom is None else -bottom), (None if top is None else -top)
        new_low = low if bottom is None else max(low, -(-bottom // abs(coef)))
        new_high = high if top is None else (top // abs(coef) if high is None else min(high, top // abs(coef)))
        if new_low != low or new_high != high:
            bounds[var] = [new_low, new_high]
            changed = True
    return changed


def _rest(total: int, open_terms: int, own: int | None) -> int | None:
    """A bound of the sum without one term, given that term's own part of it (None: it has none)."""
    if own is None:
        return total if open_terms == 1 else None
    return total - own if open_terms == 0 else None
