"""Shared helpers of the Romanian plugin's tests."""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import func, select

from core.sdk.plans import find_plan
from core.sdk.testing import AnnualPlan, BudgetLine, Service, municipality_by_slug
from plugins.romania.demo import demo_document


def document() -> dict[str, Any]:
    """A fresh copy of the demo plan document (Piatra Neamț 2021, as in the seed)."""
    return copy.deepcopy(demo_document())


def demo_plan(session) -> AnnualPlan:
    return find_plan(session, municipality_by_slug(session, "piatra-neamt"), 2021, "action-plan")


def counts(session) -> tuple[int, int, int]:
    return tuple(session.scalar(select(func.count()).select_from(m)) for m in (AnnualPlan, Service, BudgetLine))


def findings_of(findings, rule: str) -> list:
    return [f for f in findings if f.rule == rule]
