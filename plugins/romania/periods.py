"""Campaign and meeting periods: the words come from core (core.sdk.period_text, the one text every page, export
and report uses); the year rule reads the years a period names."""

from __future__ import annotations

from typing import Any

from core.sdk import PERMANENT_LABEL, RECURRENCE_LABELS, period_text

__all__ = ["PERMANENT_LABEL", "RECURRENCE_LABELS", "period_text", "period_years"]


def period_years(period: dict[str, Any] | None) -> list[int]:
    """Years a period names, for the year rule."""
    period = period or {}
    years = [int(period["year"])] if period.get("year") else []
    for key in ("start", "end"):
        value = str(period.get(key) or "")
        if len(value) >= 4 and value[:4].isdigit():
            years.append(int(value[:4]))
    return years
