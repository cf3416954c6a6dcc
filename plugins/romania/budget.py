"""Budget arithmetic of the action plan: totals per funding source and shares, in Decimal, computed."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from plugins.romania.plan_kind import SOURCE_CODES

CURRENCY = "RON"  # the plan's amounts are lei (or thousands of lei)


def _in(line: dict[str, Any], currency: str) -> bool:
    return (line.get("currency") or currency) == currency


def amounts(row: dict[str, Any], currency: str = CURRENCY) -> dict[str, Decimal]:
    """A service row's amounts by funding source, in the row's own unit. A line in another currency is
    not lei: it is left out, so that no total adds euros to lei (the rules flag it)."""
    return {line["source"]: Decimal(str(line["amount"])) for line in row.get("budget") or [] if _in(line, currency)}


def table_unit(rows: list[dict[str, Any]], default: int, currency: str = CURRENCY) -> int:
    """The one unit a table states its amounts in: its rows' scale (1000: thousand lei) when they share
    one, ``default`` when no row has an amount, lei (1) when rows mix units."""
    scales = {int(line.get("scale") or 1) for row in rows for line in row.get("budget") or [] if _in(line, currency)}
    return scales.pop() if len(scales) == 1 else (default if not scales else 1)


def amounts_in(row: dict[str, Any], unit: int, currency: str = CURRENCY) -> dict[str, Decimal]:
    """:func:`amounts` of a row in ``unit`` (1: lei, 1000: thousand lei), whatever unit each line was typed in."""
    return {line["source"]: Decimal(str(line["amount"])) * int(line.get("scale") or 1) / unit
            for line in row.get("budget") or [] if _in(line, currency)}


def foreign(row: dict[str, Any], currency: str = CURRENCY) -> dict[str, tuple[Decimal, str]]:
    """A service row's lines in another currency than ``currency``: source -> (amount, currency)."""
    return {line["source"]: (Decimal(str(line["amount"])), line["currency"])
            for line in row.get("budget") or [] if not _in(line, currency)}


def totals(rows: list[dict[str, Any]]) -> dict[str, Decimal]:
    """Each funding source's total over ``rows`` (0 where none), in the table's unit."""
    return totals_of([amounts(row) for row in rows])


def totals_of(row_amounts: Iterable[dict[str, Decimal]]) -> dict[str, Decimal]:
    """:func:`totals` of rows whose :func:`amounts` are already read."""
    result = {code: Decimal(0) for code in SOURCE_CODES}
    for by_source in row_amounts:
        for source, amount in by_source.items():
            result[source] = result.get(source, Decimal(0)) + amount
    return result


def overall(by_source: dict[str, Decimal]) -> Decimal:
    return sum(by_source.values(), Decimal(0))


def shares(by_source: dict[str, Decimal], places: int = 0) -> dict[str, Decimal]:
    """Each source's share of the whole in percent, rounded half up to ``places``."""
    whole = overall(by_source)
    step = Decimal(1).scaleb(-places)
    return {code: (amount * 100 / whole).quantize(step, ROUND_HALF_UP) if whole else Decimal(0)
            for code, amount in by_source.items()}
