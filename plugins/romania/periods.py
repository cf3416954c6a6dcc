"""Campaign and meeting periods: the structured kinds of ``core.models.Campaign.period``, in words."""

from __future__ import annotations

from typing import Any

from babel.dates import get_month_names

from core.sdk import current_locale, translated
from plugins.romania.i18n import _


def _month(number: int, locale: str) -> str:
    return get_month_names("wide", "stand-alone", locale=locale)[number]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _recurrence(every: str) -> str:
    return {"monthly": _("Monthly"), "half-yearly": _("Half-yearly"), "yearly": _("Yearly")}.get(every, every)


def _half(half: int) -> str:
    return _("First half of the year") if int(half) == 1 else _("Second half of the year")


def _months(months: list[int], locale: str) -> str:
    names = [_month(int(m), locale) for m in months]
    return names[0] if len(names) == 1 else _("%(first)s and %(last)s", first=", ".join(names[:-1]), last=names[-1])


def period_text(period: dict[str, Any] | None, locale: str | None = None) -> str:
    """'Lunar', 'Semestrul II', 'Iunie 2021', 'Iulie și august 2021' in Romanian; 'Monthly' ... in English."""
    locale = locale or current_locale()
    if not period:
        return ""
    kind = period.get("kind")
    year = f" {period['year']}" if period.get("year") else ""
    if kind == "recurrence":
        return _recurrence(period.get("every", ""))
    if kind == "half-year":
        return _half(period.get("half", 1)) + year
    if kind == "month":
        return _cap(_month(int(period["month"]), locale)) + year
    if kind == "months":
        return _cap(_months(period.get("months") or [], locale)) + year
    if kind == "range":
        return _("%(start)s to %(end)s", start=period.get("start", ""), end=period.get("end", ""))
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
