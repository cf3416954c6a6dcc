"""Calendar arithmetic the follow-up rules and the sanctions ladder share."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from ``start``'s month to ``end``'s month."""
    return (end.year - start.year) * 12 + end.month - start.month


def add_period(day: dt.date, period: dict[str, Any]) -> dt.date:
    """``day`` plus a period written as data: ``{"months": 1}``, ``{"days": 7}`` or both."""
    result = add_months(day, int(period.get("months", 0)))
    return result + dt.timedelta(days=int(period.get("days", 0)))
