"""Campaign and meeting periods: the structured kinds of ``core.models.Campaign.period``, in words."""

from __future__ import annotations

import datetime as dt
from typing import Any

from babel.dates import format_interval, get_month_names

from core.sdk import current_locale, translated
from plugins.romania.i18n import _, _l


def _month(number: int, locale: str) -> str:
    return get_month_names("wide", "stand-alone", locale=locale)[number]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


# The recurrences the plan schema allows (period.every), in the order the web form offers them.
RECURRENCE_LABELS = {"monthly": _l("Monthly"), "quarterly": _l("Quarterly"), "half-yearly": _l("Half-yearly"),
                     "yearly": _l("Yearly")}


def recurrence_label(every: str) -> str:
    """'Lunar', 'Trimestrial', 'Semestrial', 'Anual' in Romanian; '' for a value the schema lacks."""
    return str(RECURRENCE_LABELS.get(every, ""))


def _range(start: str, end: str, locale: str) -> str:
    """'1–31 martie 2022', '1 March – 30 June 2022': the dates as the language writes an interval."""
    try:
        first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    except (TypeError, ValueError):
        return ""
    return format_interval(first, last, "yMMMMd", locale=locale)


def _half(half: int) -> str:
    return _("First half of the year") if int(half) == 1 else _("Second half of the year")


def _months(months: list[int], locale: str) -> str:
    names = [_month(int(m), locale) for m in months]
    return names[0] if len(names) == 1 else _("%(first)s and %(last)s", first=", ".join(names[:-1]), last=names[-1])


def period_text(period: dict[str, Any] | None, locale: str | None = None) -> str:
    """'Lunar', 'Semestrul II', 'Iunie 2021', 'Iulie și august 2021', '1–31 martie 2022', a named day as typed
    ('1 Iunie') in Romanian; 'Monthly', 'Second half of the year', 'June 2021' ... in English."""
    locale = locale or current_locale()
    if not period:
        return ""
    kind = period.get("kind")
    year = f" {period['year']}" if period.get("year") else ""
    if kind == "recurrence":
        return recurrence_label(period.get("every", ""))
    if kind == "half-year":
        return _half(period.get("half", 1)) + year
    if kind == "month":
        return _cap(_month(int(period["month"]), locale)) + year
    if kind == "months":
        return _cap(_months(period.get("months") or [], locale)) + year
    if kind == "range":
        return _range(period.get("start", ""), period.get("end", ""), locale)
    if kind == "dates":
        return translated(period.get("text"), locale)
    return ""


def period_years(period: dict[str, Any] | None) -> list[int]:
    """Years a period names, for the year rule."""
    period = period or {}
    years = [int(period["year"])] if period.get("year") else []
    for key in ("start", "end"):
        value = str(period.get(key) or "")
        if len(value) >= 4 and value[:4].isdigit():
            years.append(int(value[:4]))
    return years
