"""Languages: Babel formatting per locale, translatable content with fallback, locale choice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.i18n import format_date, format_decimal, format_money, format_percent, is_fallback, translated

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("locale", "currency", "expected"),
    [
        ("ro", "RON", f"1.486,00{NBSP}lei"),
        ("sv", "SEK", f"1{NBSP}486,00{NBSP}kr"),
        ("en", "RON", f"RON{NBSP}1,486.00"),
    ],
)
def test_money_is_formatted_the_locale_way(locale, currency, expected):
    assert format_money(Decimal("1486"), currency, locale).replace("\u202f", NBSP) == expected


def test_decimals_and_percentages_per_locale():
    assert format_decimal(Decimal("3251740.36"), 2, "ro") == "3.251.740,36"
    assert format_decimal(Decimal("3251740.36"), 2, "en") == "3,251,740.36"
    assert format_decimal(Decimal("10000"), 0, "ro") == "10.000"
    assert format_percent(Decimal("78.33"), 2, "sv").replace("\u202f", NBSP) == f"78,33{NBSP}%"
    assert format_percent(Decimal("98"), 0, "en") == "98%"


def test_money_keeps_decimal_precision():
    # 0.1 + 0.2 in binary floating point is 0.30000000000000004; Decimal is exact.
    assert format_money(Decimal("0.1") + Decimal("0.2"), "RON", "ro") == f"0,30{NBSP}lei"


def test_dates_per_locale():
    day = dt.date(2021, 6, 1)
    assert "iun." in format_date(day, "ro") and "2021" in format_date(day, "ro")
    assert format_date(day, "en") == "Jun 1, 2021"


def test_translated_content_falls_back_to_the_default_locale():
    value = {"ro": "Cantina socială", "en": "Social canteen"}
    assert translated(value, "en", "ro") == "Social canteen"
    assert translated(value, "sv", "ro") == "Cantina socială"
    assert is_fallback(value, "sv") and not is_fallback(value, "en")
    assert translated({}, "sv", "ro") == ""


def test_locale_choice_user_then_municipality_then_accept_language(app):
    from flask import g, session

    from core.i18n import select_locale

    with app.test_request_context(headers={"Accept-Language": "sv-SE,sv;q=0.9"}):
        assert select_locale() == "sv"
        g.municipality = type("M", (), {"default_locale": "ro"})()
        assert select_locale() == "ro"
        session["locale"] = "en"
        assert select_locale() == "en"


@pytest.mark.parametrize(
    ("typed", "locale", "expected"),
    [("1 486,50", "sv", "1486.50"), ("1.486,50", "ro", "1486.50"), ("1,486.50", "en", "1486.50"),
     ("1486.50", "en", "1486.50"), ("1\u00a0486", "sv", "1486"), ("66.361,82", "ro", "66361.82")],
)
def test_numbers_are_read_as_their_locale_writes_them(typed, locale, expected):
    from core.i18n import parse_decimal

    assert parse_decimal(typed, locale) == Decimal(expected)


@pytest.mark.parametrize(("cell", "expected"), [(Decimal("3.5"), "3.5"), (12, "12"), (0.1, "0.1")])
def test_spreadsheet_numeric_cells_are_read_as_numbers(cell, expected):
    from core.i18n import decimal_from_cell

    assert decimal_from_cell(cell) == Decimal(expected)


@pytest.mark.parametrize("typed", ["lots", "", "1,2,3.4.5", "NaN", "Infinity"])
def test_what_is_not_a_number_is_refused(typed):
    from core.i18n import parse_decimal

    for locale in ("en", "sv", "ro"):
        with pytest.raises(ValueError):
            parse_decimal(typed, locale)


@pytest.mark.parametrize("cell", [True, float("nan"), float("inf")])
def test_a_cell_that_is_not_a_number_is_refused(cell):
    from core.i18n import decimal_from_cell

    with pytest.raises(ValueError):
        decimal_from_cell(cell)
