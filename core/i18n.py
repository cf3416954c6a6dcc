"""Languages: the locale of a request, translatable content, and Babel formatting.

Every number, amount, percentage and date a user sees goes through the ``format_*`` functions
here, which format for an explicit locale or the current one (request, CLI or report). Reports
choose their language on their own with :func:`flask_babel.force_locale`.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel import Locale, numbers
from babel import dates as babel_dates
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import Babel, get_locale

LOCALES = ("en", "sv", "ro")
CORE_TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


def current_locale() -> str:
    locale = get_locale()
    return str(locale) if locale else "en"


def select_locale() -> str:
    """The user's choice, else the municipality's default, else Accept-Language."""
    if not has_request_context():
        return current_app.config.get("BABEL_DEFAULT_LOCALE", "en")
    chosen = session.get("locale")
    if chosen in LOCALES:
        return chosen
    user = getattr(g, "_login_user", None)
    if user is not None and getattr(user, "is_authenticated", False) and user.locale in LOCALES:
        return user.locale
    municipality = getattr(g, "municipality", None)
    if municipality is not None and municipality.default_locale in LOCALES:
        return municipality.default_locale
    return request.accept_languages.best_match(LOCALES) or "en"


def init_app(app: Flask, plugin_catalogs: list[tuple[Path, str]]) -> None:
    directories = [str(CORE_TRANSLATIONS)] + [str(Path(path).resolve()) for path, _ in plugin_catalogs]
    domains = ["messages"] + [domain for _, domain in plugin_catalogs]
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(directories)
    app.config["BABEL_DOMAIN"] = ";".join(domains)
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals.update(
        translated=translated,
        format_money=format_money,
        format_number=format_number,
        format_decimal=format_decimal,
        format_percent=format_percent,
        format_date=format_date,
        current_locale=current_locale,
        locale_display_name=locale_display_name,
        LOCALES=LOCALES,
    )


def translated(value: dict[str, str] | str | None, locale: str | None = None, fallback: str | None = None) -> str:
    """The value of translatable content for ``locale``, else ``fallback`` (the municipality's
    default locale), else the first value there is."""
    if not value:
        return ""
    if isinstance(value, str):
        return value
    locale = locale or current_locale()
    for candidate in (locale, fallback):
        if candidate and value.get(candidate):
            return value[candidate]
    return next((v for v in value.values() if v), "")


def is_fallback(value: dict[str, str] | None, locale: str | None = None) -> bool:
    """True when translatable content has no value of its own for ``locale``."""
    locale = locale or current_locale()
    return bool(value) and not (value or {}).get(locale)


def locale_display_name(code: str) -> str:
    return Locale.parse(code).get_display_name(code).capitalize()


# Pages and reports format the same few numbers over and over (a 600-row table repeats its amounts,
# 3,200 reports their totals), and Babel's formatting is a noticeable share of a render: each distinct
# number is formatted once per process. Keyed by the number's text, so -0 and 1.0 vs 1.00 stay apart.
@lru_cache(maxsize=16384)
def _formatted(kind: str, text: str, places: int, locale: str, currency: str = "") -> str:
    value = Decimal(text)
    if kind == "number":
        return numbers.format_decimal(value, locale=locale, group_separator=True)
    if kind == "decimal":
        pattern = "#,##0." + "0" * places if places else "#,##0"
        return numbers.format_decimal(value, format=pattern, locale=locale, decimal_quantization=True)
    if kind == "money":
        return _money(value, currency, locale, places)
    return _percent(value, places, locale)


def format_number(value: int | Decimal | float, locale: str | None = None) -> str:
    return _formatted("number", str(value), 0, locale or current_locale())


def format_decimal(value: Decimal | int, places: int = 2, locale: str | None = None) -> str:
    return _formatted("decimal", str(value), places, locale or current_locale())


# Where CLDR's symbol is not what the locale's readers write: Romanian texts say 'lei', not 'RON'.
LOCAL_CURRENCY_WORDS = {("ro", "RON"): "lei"}


def format_money(value: Decimal, currency: str, locale: str | None = None, places: int = 2) -> str:
    """'1.486,00 lei' for ro, '1 486,00 kr' for sv, 'RON1,486.00' for en."""
    return _formatted("money", str(value), places, locale or current_locale(), currency)


def _money(value: Decimal, currency: str, locale: str, places: int) -> str:
    word = LOCAL_CURRENCY_WORDS.get((locale, currency))
    if word:
        return f"{format_decimal(value, places, locale)}\u00a0{word}"
    pattern = None
    if places != 2:
        base = Locale.parse(locale).currency_formats["standard"].pattern
        pattern = base.replace("#,##0.00", "#,##0" + ("." + "0" * places if places else ""))
    return numbers.format_currency(value, currency, format=pattern, locale=locale, currency_digits=places == 2)


def format_percent(value: Decimal | int, places: int = 0, locale: str | None = None) -> str:
    """``value`` is a percentage (86 means 86 %), formatted the locale's way."""
    return _formatted("percent", str(value), places, locale or current_locale())


def _percent(value: Decimal, places: int, locale: str) -> str:
    pattern = "#,##0" + ("." + "0" * places if places else "") + "\u00a0%"
    locale_pattern = Locale.parse(locale).percent_formats[None].pattern
    if "\u00a0%" not in locale_pattern and " %" not in locale_pattern:
        pattern = pattern.replace("\u00a0%", "%")
    return numbers.format_percent(Decimal(value) / 100, format=pattern, locale=locale, decimal_quantization=True)


def parse_typed_decimal(value: Any) -> Decimal:
    """A number as people type it in any of our locales ('1 486,50', '1.486,50', '1,486.50', '1486.50'),
    or a spreadsheet's numeric cell. Raises ValueError for anything else."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))  # the shortest text that reads back as this float: what was typed
    cleaned = re.sub(r"[\s\u00a0\u202f'’]", "", str(value))
    if "," in cleaned and "." in cleaned:
        mark = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        cleaned = cleaned.replace("." if mark == "," else ",", "").replace(mark, ".")
    else:
        cleaned = cleaned.replace(",", ".")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(value) from None
    if not number.is_finite():
        raise ValueError(value)
    return number


def format_date(value: dt.date | None, locale: str | None = None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    return babel_dates.format_date(value, format=fmt, locale=locale or current_locale())
