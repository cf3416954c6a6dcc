"""A campaign's or a meeting's period in words: the one text the editor, the public page, the table exports and the
reports use ('Lunar', 'Semestrul I 2022', 'Iunie 2021', '1–31 martie 2022', 'Permanent' in Romanian).

The kinds are those of the plan schema (``$defs/period``): a date range, a month, several months, a half-year, a
recurrence (``every``: :data:`RECURRENCES`), named dates (``text``, one per language) and ``permanent`` (all year
round, with no dates of its own).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from babel.dates import format_interval, get_month_names
from flask_babel import LazyString, pgettext
from flask_babel import gettext as _

from core.i18n import current_locale, translated

# The recurrences the plan schema allows (period.every), in the order a form offers them.
RECURRENCES = ("monthly", "quarterly", "half-yearly", "yearly")
# Every kind of period the plan schema allows, in the order a form offers them.
PERIOD_KINDS = ("range", "month", "months", "half-year", "recurrence", "dates", "permanent")


def recurrence_label(every: str) -> str:
    """'Lunar', 'Trimestrial', 'Semestrial', 'Anual' in Romanian; '' for a value the schema lacks."""
    # A context of their own: Swedish says a period 'Varje månad', where core's other 'Monthly' is 'Månatligen'.
    words = {"monthly": pgettext("period", "Monthly"), "quarterly": pgettext("period", "Quarterly"),
             "half-yearly": pgettext("period", "Half-yearly"), "yearly": pgettext("period", "Yearly")}
    return words.get(every, "")


def permanent_label() -> str:
    """A period that lasts all year: 'Permanent' (ro, en), 'Löpande' (sv)."""
    return pgettext("period", "Permanent")


def half_year_label(half: int) -> str:
    return _("First half of the year") if int(half) == 1 else _("Second half of the year")


# Lazy words for a form's choices (evaluated in the request's language).
RECURRENCE_LABELS = {every: LazyString(recurrence_label, every) for every in RECURRENCES}
PERMANENT_LABEL = LazyString(permanent_label)


def _month(number: int, locale: str) -> str:
    return get_month_names("wide", "stand-alone", locale=locale)[number]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _range(start: str, end: str, locale: str) -> str:
    """'1–31 martie 2022', '1 March – 30 June 2022': the dates as the language writes an interval."""
    try:
        first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    except (TypeError, ValueError):
        return ""
    return format_interval(first, last, "yMMMMd", locale=locale)


def _months(months: list[int], locale: str) -> str:
    names = [_month(int(m), locale) for m in months]
    return names[0] if len(names) == 1 else _("%(first)s and %(last)s", first=", ".join(names[:-1]), last=names[-1])


def period_text(period: dict[str, Any] | None, locale: str | None = None) -> str:
    """'Lunar', 'Semestrul II', 'Iunie 2021', 'Iulie și august 2021', '1–31 martie 2022', a named day as typed
    ('1 Iunie') in Romanian; 'Monthly', 'Second half of the year', 'June 2021' ... in English. Month names and
    intervals follow ``locale`` (default: the current one), words the current translations."""
    locale = locale or current_locale()
    if not period:
        return ""
    kind = period.get("kind")
    year = f" {period['year']}" if period.get("year") else ""
    try:
        if kind == "recurrence":
            return recurrence_label(period.get("every", ""))
        if kind == "permanent":
            return permanent_label()
        if kind == "half-year":
            return half_year_label(period.get("half", 1)) + year
        if kind == "month":
            return _cap(_month(int(period["month"]), locale)) + year
        if kind == "months":
            return _cap(_months(period.get("months") or [], locale)) + year
        if kind == "range":
            return _range(period.get("start", ""), period.get("end", ""), locale)
        if kind == "dates":
            return translated(period.get("text"), locale)
    except (KeyError, ValueError, TypeError, IndexError):
        pass  # a malformed period stored before the schema said so reads as none
    return ""


__all__ = ["PERIOD_KINDS", "RECURRENCES", "RECURRENCE_LABELS", "half_year_label", "period_text", "permanent_label",
           "recurrence_label"]
