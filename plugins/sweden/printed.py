"""The goals, Kolada figures and lex Sarah reports a quality report prints, read from the document it prints.

A report prints a revision of the plan: for an adopted one, the Swedish block its snapshot kept
(``document["extensions"]["sweden"]``, :mod:`plugins.sweden.extension`), for the working one the block
exported afresh. So goals edited, removed or added, results typed or imported from Kolada and lex Sarah
reports recorded after an adoption change the working revision's PDF, never the adopted one's.

The block's goals are read into QualityGoal, GoalIndicator and GoalValue objects that are never added to a
session, and fed to the attainment code the goals page uses (:func:`services.goals.goal_attainment`): the
block carries each indicator's earlier years' results beside its own, so no other year's goal is read.
A document whose block has no goals list (written before the block carried one) falls back to the
database, as reports did before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from core.sdk import decimal_from_json
from plugins.sweden.models import GoalIndicator, GoalValue, LexSarahReport, QualityGoal
from plugins.sweden.services import goals, kolada, lex_sarah

Missing = Callable[[GoalIndicator, bool], str | None]


@dataclass(frozen=True)
class PrintedGoals:
    """The attainment table's rows, the indicators with figures for women and men, and Kolada's word for a
    result (or, ``national``, a national figure) it reports as missing."""

    rows: list[goals.Attainment]
    by_sex: list[kolada.FigureRow]
    missing: Missing


def swedish_block(document: dict[str, Any]) -> dict[str, Any]:
    block = (document.get("extensions") or {}).get("sweden")
    return block if isinstance(block, dict) else {}


def has_goals(block: dict[str, Any]) -> bool:
    return isinstance(block.get("quality_goals"), list)


def _decimal(value: Any) -> Decimal | None:
    return decimal_from_json(value, "$.extensions.sweden")  # written by the export: canonical


def _goal(data: dict[str, Any]) -> QualityGoal:
    goal = QualityGoal(position=data.get("position") or 0, title=data.get("title") or {},
                       kind=data.get("kind") or "percent", target=_decimal(data.get("target")))
    for position, item in enumerate(data.get("indicators") or []):
        indicator = GoalIndicator(position=position, scope=item.get("scope") or {}, kolada_kpi=item.get("kolada_kpi"))
        indicator.values.extend(
            GoalValue(year=v["year"], value=_decimal(v.get("value")), national_value=_decimal(v.get("national_value")),
                      source=v.get("source") or "manual", outcome=v.get("outcome"), comment=v.get("comment") or {})
            for v in item.get("values") or [])
        goal.indicators.append(indicator)
    return goal


def _figures(data: dict[str, Any], year: int) -> dict[tuple[bool, str], kolada.Figure]:
    return {(bool(f.get("national")), f["gender"]): kolada.Figure(_decimal(f.get("value")), f.get("status") or "")
            for f in data.get("kolada_figures") or [] if f.get("year") == year}


def _typed(indicator: GoalIndicator, year: int, national: bool) -> bool:
    """Whether the year's result (or national figure) has a figure: typed since Kolada said it was missing."""
    value = next((v for v in indicator.values if v.year == year), None)
    return value is not None and (value.national_value if national else value.value) is not None


def goals_of(block: dict[str, Any], year: int) -> PrintedGoals:
    """:class:`PrintedGoals` of the block's goals (in the block's order, the goals page's)."""
    rows: list[goals.Attainment] = []
    by_sex: list[kolada.FigureRow] = []
    missing: dict[tuple[GoalIndicator, bool], str | None] = {}
    for data in block.get("quality_goals") or []:
        goal = _goal(data)
        rows.extend(goals.goal_attainment(goal, year))
        for indicator, item in zip(goal.indicators, data.get("indicators") or [], strict=True):
            figures = kolada.FigureRow(indicator, year, _figures(item, year))
            if figures.by_sex:
                by_sex.append(figures)
            for national in (False, True):
                # Keyed by the object itself (hashed by identity): these indicators have no id.
                missing[(indicator, national)] = None if _typed(indicator, year, national) else \
                    kolada.missing_text(figures.get(national, "T"))
    return PrintedGoals(rows, by_sex, lambda indicator, national: missing.get((indicator, national)))


def live_goals(session: Session, municipality_id: int, year: int) -> PrintedGoals:
    """:class:`PrintedGoals` of the goals stored now (a document without a goals list)."""
    return PrintedGoals(
        goals.attainment(session, municipality_id, year),
        [r for r in kolada.figure_rows(session, municipality_id, year) if r.by_sex],
        lambda indicator, national: kolada.missing_result(session, indicator.id, year, national=national))


def lex_sarah_of(block: dict[str, Any], session: Session, municipality_id: int,
                 year: int) -> lex_sarah.LexSarahTable:
    """The lex Sarah table of the reports the block kept (those stored now, for a block without the list)."""
    if not isinstance(block.get("lex_sarah_reports"), list):
        return lex_sarah.table(session, municipality_id, year)
    return lex_sarah.count([LexSarahReport(area=r["area"], sex=r.get("sex"),
                                           reported_to_ivo=bool(r.get("reported_to_ivo")))
                            for r in block.get("lex_sarah_reports") or []])


def goals_for(block: dict[str, Any], session: Session, municipality_id: int, year: int) -> PrintedGoals:
    """The block's goals; those stored now for a block without the list."""
    return goals_of(block, year) if has_goals(block) else live_goals(session, municipality_id, year)
