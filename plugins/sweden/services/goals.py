"""Quality goals: target, measured results per year, the national figure, attainment.

Kolada's figures are imported by :mod:`plugins.sweden.services.kolada`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from plugins.sweden.audit import goal_facts, percent, record, record_changes
from plugins.sweden.i18n import _l
from plugins.sweden.models import GoalIndicator, GoalValue, QualityGoal
from plugins.sweden.services.errors import SwedenValidationError


def _percent(value: Any, field: str) -> Decimal:
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise SwedenValidationError(field, _l("'%(value)s' is not a number."), value=value) from None
    if not Decimal(0) <= result <= Decimal(100):
        raise SwedenValidationError(field, _l("A percentage must be between 0 and 100, not %(value)s."), value=value)
    return result


def add_goal(session: Session, municipality_id: int, year: int, title: dict[str, str], target: Any,
             position: int = 0) -> QualityGoal:
    goal = QualityGoal(municipality_id=municipality_id, year=year, title=title, target=_percent(target, "target"),
                       position=position)
    session.add(goal)
    session.flush()
    return goal


def add_indicator(session: Session, goal: QualityGoal, scope: dict[str, str] | None = None,
                  kolada_kpi: str | None = None) -> GoalIndicator:
    indicator = GoalIndicator(scope=scope or {}, kolada_kpi=kolada_kpi, position=len(goal.indicators))
    goal.indicators.append(indicator)
    session.flush()
    return indicator


def set_value(session: Session, indicator: GoalIndicator, year: int, value: Any = None, national: Any = None,
              source: str = "manual") -> GoalValue:
    """Record (or replace) the indicator's result for ``year``; None leaves a figure unknown."""
    row = next((v for v in indicator.values if v.year == year), None)
    if row is None:
        row = GoalValue(year=year, source=source)
        indicator.values.append(row)
    if value is not None:
        row.value = _percent(value, "value")
    if national is not None:
        row.national_value = _percent(national, "national_value")
    row.source = source
    session.flush()
    return row


KOLADA_KPI = re.compile(r"^[A-Z]\d{5}$")


def check_goal(title: dict[str, str], target: Any, kolada_kpi: str | None) -> tuple[dict[str, str], Decimal,
                                                                                    str | None]:
    """The goal's title (in at least one language), target and KPI, cleaned; else the field's message."""
    title = {locale: text.strip() for locale, text in title.items() if text and text.strip()}
    if not title:
        raise SwedenValidationError("title", _l("Give the goal a title in at least one language."))
    if target is None:
        raise SwedenValidationError("target", _l("Give the target in percent."))
    return title, _percent(target, "target"), _check_kpi(kolada_kpi)


def _check_kpi(kolada_kpi: str | None) -> str | None:
    kolada_kpi = (kolada_kpi or "").strip().upper() or None
    if kolada_kpi is not None and not KOLADA_KPI.match(kolada_kpi):
        raise SwedenValidationError("kolada_kpi", _l("A Kolada KPI is a letter and five digits, e.g. U23471."))
    return kolada_kpi


def create_indicator(session: Session, goal: QualityGoal, scope: dict[str, str],
                     kolada_kpi: str | None = None) -> GoalIndicator:
    """A part of the goal measured on its own (e.g. home care, residential care), after the goal's others."""
    scope = {locale: text.strip() for locale, text in scope.items() if text and text.strip()}
    if not scope:
        raise SwedenValidationError("scope", _l("Name what is measured in at least one language."))
    for indicator in goal.indicators:
        taken = next((text for locale, text in scope.items() if (indicator.scope or {}).get(locale) == text), None)
        if taken is not None:
            raise SwedenValidationError("scope", _l("The goal already measures '%(scope)s'."), scope=taken)
    indicator = add_indicator(session, goal, scope, _check_kpi(kolada_kpi))
    record(session, goal.municipality_id, "goal-part-added", f"goal:{goal.id}", goal=goal.title, year=goal.year,
           scope=scope, kolada_kpi=indicator.kolada_kpi)
    return indicator


def create_goal(session: Session, municipality_id: int, year: int, title: dict[str, str], target: Any,
                kolada_kpi: str | None = None) -> QualityGoal:
    """A goal measured as a whole by one indicator, placed after the year's other goals."""
    title, target, kolada_kpi = check_goal(title, target, kolada_kpi)
    count = len(session.scalars(select(QualityGoal.id).where(QualityGoal.municipality_id == municipality_id,
                                                             QualityGoal.year == year)).all())
    goal = add_goal(session, municipality_id, year, title, target, count)
    add_indicator(session, goal, None, kolada_kpi)
    record(session, municipality_id, "goal-added", f"goal:{goal.id}", year=year, **goal_facts(goal))
    return goal


def update_goal(session: Session, goal: QualityGoal, title: dict[str, str], target: Any,
                kolada_kpi: str | None = None) -> QualityGoal:
    """Change the title, target and the KPI of the goal's first indicator (the goal as a whole)."""
    before = goal_facts(goal)
    goal.title, goal.target, kpi = check_goal(title, target, kolada_kpi)
    if goal.indicators:
        goal.indicators[0].kolada_kpi = kpi
    else:
        add_indicator(session, goal, None, kpi)
    session.flush()
    record_changes(session, goal.municipality_id, "goal-changed", f"goal:{goal.id}", before, goal_facts(goal),
                   goal=goal.title, year=goal.year)
    return goal


def remove_goal(session: Session, goal: QualityGoal) -> None:
    """Remove a quality goal with its parts and their results."""
    record(session, goal.municipality_id, "goal-removed", f"goal:{goal.id}", goal=goal.title, year=goal.year)
    session.delete(goal)
    session.flush()


def record_value(session: Session, indicator: GoalIndicator, year: int, value: Any, national: Any) -> GoalValue:
    """A result and national figure typed by hand: at least one of them, each 0 to 100."""
    if value is None and national is None:
        raise SwedenValidationError("value", _l("Give the result, the national figure or both."))
    row = set_value(session, indicator, year, value, national, source="manual")
    record(session, indicator.goal.municipality_id, "goal-value-recorded", f"goal:{indicator.goal_id}",
           goal=indicator.goal.title, scope=indicator.scope, year=year, value=percent(row.value),
           national_value=percent(row.national_value))
    return row


@dataclass(frozen=True)
class Attainment:
    goal: QualityGoal
    indicator: GoalIndicator
    year: int
    value: Decimal | None
    national_value: Decimal | None

    @property
    def attained(self) -> bool | None:
        return None if self.value is None else self.value >= self.goal.target

    @property
    def gap(self) -> Decimal | None:
        """Percentage points above (positive) or below (negative) the target."""
        return None if self.value is None else self.value - self.goal.target


def attainment(session: Session, municipality_id: int, year: int) -> list[Attainment]:
    goals = session.scalars(
        select(QualityGoal).where(QualityGoal.municipality_id == municipality_id, QualityGoal.year == year)
        .order_by(QualityGoal.position, QualityGoal.id)
        .options(selectinload(QualityGoal.indicators).selectinload(GoalIndicator.values))
    )
    return [row for goal in goals for row in goal_attainment(goal, year)]


def goal_attainment(goal: QualityGoal, year: int) -> list[Attainment]:
    """A goal's rows of the attainment table: one per indicator, with its result of ``year``."""
    rows = []
    for indicator in goal.indicators:
        value = next((v for v in indicator.values if v.year == year), None)
        rows.append(Attainment(goal, indicator, year, value.value if value else None,
                               value.national_value if value else None))
    return rows
