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

from core.sdk.models import utcnow
from plugins.sweden.audit import actor_name, goal_facts, percent, record, record_changes
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


# The goals in force: a removed goal (kept so that its removal can be undone) is in no page, report, document
# or import; only the goals page's list of removed goals and its restore read it.
LIVE = QualityGoal.removed_at.is_(None)

KINDS = ("percent", "count", "yes_no", "text")
COUNT_MAX = Decimal(99999)  # what the value columns keep (NUMERIC(7, 2))


def target_error(kind: str, target: Any) -> Any:
    """Why ``target`` cannot be the target of a goal of ``kind`` (a translatable message), or None."""
    if kind not in KINDS:
        return _l("Choose the kind of goal.")
    if kind in ("yes_no", "text"):
        return None if target in (None, "") else _l("A yes/no goal or a goal described in words has no numeric "
                                                    "target: leave the target empty.")
    if target in (None, ""):
        return _l("Give the target in percent.") if kind == "percent" else _l("Give the count to reach.")
    try:
        _measure(kind, target, "target")
    except SwedenValidationError as error:
        return error.message
    return None


def _measure(kind: str, value: Any, field: str) -> Decimal:
    """A result or target of a goal of ``kind``: a percentage from 0 to 100, or a count from 0 to 99,999."""
    if kind != "count":
        return _percent(value, field)
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise SwedenValidationError(field, _l("'%(value)s' is not a number."), value=value) from None
    if not Decimal(0) <= result <= COUNT_MAX:
        raise SwedenValidationError(field, _l("A count must be between 0 and 99,999, not %(value)s."), value=value)
    return result


def add_goal(session: Session, municipality_id: int, year: int, title: dict[str, str], target: Any,
             position: int = 0, kind: str = "percent") -> QualityGoal:
    goal = QualityGoal(municipality_id=municipality_id, year=year, title=title, kind=kind,
                       target=None if target is None else _measure(kind, target, "target"), position=position)
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
              source: str = "manual", outcome: bool | None = None,
              comment: dict[str, str] | None = None) -> GoalValue:
    """Record (or replace) the indicator's result for ``year``; None leaves a figure (or the outcome, the
    comment) as it was."""
    row = next((v for v in indicator.values if v.year == year), None)
    if row is None:
        row = GoalValue(year=year, source=source, comment={})
        indicator.values.append(row)
    if value is not None:
        row.value = _measure(indicator.goal.kind if indicator.goal else "percent", value, "value")
    if national is not None:
        row.national_value = _percent(national, "national_value")
    if outcome is not None:
        row.outcome = outcome
    if comment is not None:
        row.comment = comment
    row.source = source
    session.flush()
    return row


KOLADA_KPI = re.compile(r"^[A-Z]\d{5}$")


def check_goal(title: dict[str, str], target: Any, kolada_kpi: str | None,
               kind: str = "percent") -> tuple[dict[str, str], Decimal | None, str | None]:
    """The goal's title (in at least one language), target (for its kind) and KPI, cleaned; else the field's
    message."""
    title = {locale: text.strip() for locale, text in title.items() if text and text.strip()}
    if not title:
        raise SwedenValidationError("title", _l("Give the goal a title in at least one language."))
    message = target_error(kind, target)
    if message is not None:
        raise SwedenValidationError("kind" if kind not in KINDS else "target", message)
    return title, None if target in (None, "") else _measure(kind, target, "target"), _check_kpi(kolada_kpi)


def _check_kpi(kolada_kpi: str | None) -> str | None:
    kolada_kpi = (kolada_kpi or "").strip().upper() or None
    if kolada_kpi is not None and not KOLADA_KPI.match(kolada_kpi):
        raise SwedenValidationError("kolada_kpi", _l("A Kolada KPI is a letter and five digits, e.g. U23471."))
    return kolada_kpi


def create_indicator(session: Session, goal: QualityGoal, scope: dict[str, str],
                     kolada_kpi: str | None = None) -> GoalIndicator:
    """A part of the goal measured on its own (e.g. home care, residential care), after the goal's others."""
    check_live(goal)
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
                kolada_kpi: str | None = None, kind: str = "percent") -> QualityGoal:
    """A goal measured as a whole by one indicator, placed after the year's other goals."""
    title, target, kolada_kpi = check_goal(title, target, kolada_kpi, kind)
    # Removed goals counted too: a goal restored later comes back at a place of its own.
    count = len(session.scalars(select(QualityGoal.id).where(QualityGoal.municipality_id == municipality_id,
                                                             QualityGoal.year == year)).all())
    goal = add_goal(session, municipality_id, year, title, target, count, kind)
    add_indicator(session, goal, None, kolada_kpi)
    record(session, municipality_id, "goal-added", f"goal:{goal.id}", year=year, **goal_facts(goal))
    return goal


def update_goal(session: Session, goal: QualityGoal, title: dict[str, str], target: Any,
                kolada_kpi: str | None = None, kind: str | None = None) -> QualityGoal:
    """Change the title, kind, target and the KPI of the goal's first indicator (the goal as a whole)."""
    check_live(goal)
    before = goal_facts(goal)
    kind = kind or goal.kind
    goal.title, goal.target, kpi = check_goal(title, target, kolada_kpi, kind)
    goal.kind = kind
    if goal.indicators:
        goal.indicators[0].kolada_kpi = kpi
    else:
        add_indicator(session, goal, None, kpi)
    session.flush()
    record_changes(session, goal.municipality_id, "goal-changed", f"goal:{goal.id}", before, goal_facts(goal),
                   goal=goal.title, year=goal.year)
    return goal


class GoalGone(SwedenValidationError):
    """A change of a goal removed since the page was opened (another tab, someone else)."""

    def __init__(self) -> None:
        super().__init__("goal", _l("This quality goal was removed after you opened the page: nothing was "
                                    "changed. It can be restored from the goals page."))


def check_live(goal: QualityGoal) -> QualityGoal:
    """``goal``, unless it was removed (:class:`GoalGone`)."""
    if goal.removed_at is not None:
        raise GoalGone()
    return goal


def remove_goal(session: Session, goal: QualityGoal) -> None:
    """Remove a quality goal: it leaves every page, report and document, and is kept with its parts and their
    results, so that :func:`restore_goal` brings it back as it was."""
    check_live(goal)
    goal.removed_at, goal.removed_by = utcnow(), actor_name()
    session.flush()
    record(session, goal.municipality_id, "goal-removed", f"goal:{goal.id}", goal=goal.title, year=goal.year)


def restore_goal(session: Session, goal: QualityGoal) -> QualityGoal:
    """Undo :func:`remove_goal`: the goal is back with its parts and results; one not removed (restored already,
    in another tab) is refused."""
    if goal.removed_at is None:
        raise SwedenValidationError("goal", _l("This quality goal is not removed (it was restored already, perhaps "
                                               "in another tab): nothing was changed."))
    goal.removed_at, goal.removed_by = None, ""
    session.flush()
    record(session, goal.municipality_id, "goal-restored", f"goal:{goal.id}", goal=goal.title, year=goal.year)
    return goal


def removed_goals(session: Session, municipality_id: int, year: int) -> list[QualityGoal]:
    """The year's removed goals, the latest removed first: what the goals page offers to restore."""
    return list(session.scalars(select(QualityGoal).where(
        QualityGoal.municipality_id == municipality_id, QualityGoal.year == year, QualityGoal.removed_at.is_not(None))
        .order_by(QualityGoal.removed_at.desc(), QualityGoal.id.desc())))


def record_value(session: Session, indicator: GoalIndicator, year: int, value: Any, national: Any,
                 outcome: bool | None = None, comment: dict[str, str] | None = None) -> GoalValue:
    """A result typed by hand: a figure (a percentage or a count, as the goal's kind), the national figure,
    a yes/no answer or judgement, a text; at least one of them. A yes/no goal's result is its answer."""
    check_live(indicator.goal)
    comment = {k: v.strip() for k, v in (comment or {}).items() if v and v.strip()}
    kind = indicator.goal.kind
    if value is None and national is None and outcome is None and not comment:
        raise SwedenValidationError("value", _l("Give the result, the national figure, whether it was attained "
                                                "or the result in words."))
    if kind in ("yes_no", "text") and value is not None:
        raise SwedenValidationError("value", _l("A yes/no goal or a goal described in words has no figure: say "
                                                "whether it was attained, and the result in words."))
    row = set_value(session, indicator, year, value, national, source="manual", outcome=outcome,
                    comment=comment or None)
    record(session, indicator.goal.municipality_id, "goal-value-recorded", f"goal:{indicator.goal_id}",
           goal=indicator.goal.title, scope=indicator.scope, year=year, value=percent(row.value),
           national_value=percent(row.national_value), outcome=row.outcome, comment=row.comment or {})
    return row


@dataclass(frozen=True)
class Attainment:
    goal: QualityGoal
    indicator: GoalIndicator
    year: int
    value: Decimal | None
    national_value: Decimal | None
    outcome: bool | None = None  # the yes/no answer, or the planner's judgement
    comment: dict[str, str] | None = None
    # Earlier years' results beside this one: (year, value, national value, outcome), the latest first.
    history: tuple[tuple[int, Decimal | None, Decimal | None, bool | None], ...] = ()

    @property
    def attained(self) -> bool | None:
        """A judgement recorded wins; else the figure against a numeric target; else unknown."""
        if self.outcome is not None:
            return self.outcome
        if self.value is None or self.goal.target is None or self.goal.kind not in ("percent", "count"):
            return None
        return self.value >= self.goal.target

    @property
    def gap(self) -> Decimal | None:
        """Percentage points (or the count) above (positive) or below (negative) the target."""
        if self.value is None or self.goal.target is None:
            return None
        return self.value - self.goal.target


def attainment(session: Session, municipality_id: int, year: int) -> list[Attainment]:
    goals = session.scalars(
        select(QualityGoal).where(QualityGoal.municipality_id == municipality_id, QualityGoal.year == year, LIVE)
        .order_by(QualityGoal.position, QualityGoal.id)
        .options(selectinload(QualityGoal.indicators).selectinload(GoalIndicator.values))
    )
    earlier = earlier_indicators(session, municipality_id, year)
    return [row for goal in goals for row in goal_attainment(goal, year, earlier)]


HISTORY_YEARS = 2  # earlier years the report and the goals page show beside the year's result


def earlier_indicators(session: Session, municipality_id: int, year: int,
                       years: int = HISTORY_YEARS) -> list[GoalIndicator]:
    """The indicators of the goals of the ``years`` years before ``year`` (their results are its history)."""
    return list(session.scalars(
        select(GoalIndicator).join(QualityGoal)
        .where(QualityGoal.municipality_id == municipality_id, QualityGoal.year.between(year - years, year - 1), LIVE)
        .options(selectinload(GoalIndicator.values), selectinload(GoalIndicator.goal))
    ))


def _same_measure(indicator: GoalIndicator, other: GoalIndicator) -> bool:
    """Whether an earlier year's indicator measures what ``indicator`` does: the same Kolada KPI, else the same
    goal title and part in a language both give."""
    if indicator.kolada_kpi and other.kolada_kpi:
        return indicator.kolada_kpi == other.kolada_kpi

    def same(a: dict[str, str] | None, b: dict[str, str] | None) -> bool:
        a, b = a or {}, b or {}
        shared = set(a) & set(b)
        return (not a and not b) or (bool(shared) and all(a[k].strip() == b[k].strip() for k in shared))

    return same(indicator.goal.title, other.goal.title) and same(indicator.scope, other.scope)


def earlier_values(indicator: GoalIndicator, year: int, earlier: list[GoalIndicator],
                   years: int = HISTORY_YEARS) -> list[GoalValue]:
    """The results of the years before ``year``: stored with the indicator itself (Kolada imports and hand-typed
    figures), else with the same measure of that year's goals; the latest first."""
    found: dict[int, GoalValue] = {}
    for source in [indicator, *(i for i in earlier if i.id != indicator.id and _same_measure(indicator, i))]:
        for value in source.values:
            if year - years <= value.year < year and value.year not in found and (
                    value.value is not None or value.national_value is not None or value.outcome is not None):
                found[value.year] = value
    return [found[y] for y in sorted(found, reverse=True)]


def history(indicator: GoalIndicator, year: int, earlier: list[GoalIndicator],
            years: int = HISTORY_YEARS) -> tuple[tuple[int, Decimal | None, Decimal | None, bool | None], ...]:
    """:func:`earlier_values` as (year, result, national figure, outcome)."""
    return tuple((v.year, v.value, v.national_value, v.outcome) for v in earlier_values(indicator, year, earlier,
                                                                                        years))


def goal_attainment(goal: QualityGoal, year: int, earlier: list[GoalIndicator] | None = None) -> list[Attainment]:
    """A goal's rows of the attainment table: one per indicator, with its result of ``year`` and the earlier
    years' (``earlier``: the indicators of those years' goals)."""
    rows = []
    for indicator in goal.indicators:
        value = next((v for v in indicator.values if v.year == year), None)
        rows.append(Attainment(goal, indicator, year, value.value if value else None,
                               value.national_value if value else None, value.outcome if value else None,
                               dict(value.comment or {}) if value else None,
                               history(indicator, year, earlier or [])))
    return rows
