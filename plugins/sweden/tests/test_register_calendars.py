"""A register of our own, worked out by hand: Sundbybergs stad on Huddinge's rules (seed 003), every operating
form, contracts starting in every month of 2025, and its calendars for 2025 and 2026 as the seed writes them.

In-house units every third year from 2012 (2024, 2027), from their own rotation year or from the latest
follow-up recorded; contracted units every year, from the contract's start, with a cooperation group monthly
for six months and then every other month; customer choice: the first follow-up six to eight months after the
first clients, in each year that window touches, then yearly from the year after it opens, and a dialogue
meeting every year; framework agreements every year; one special review a year.
"""

from __future__ import annotations

import datetime as dt

from core.sdk.testing import create_municipality
from plugins.sweden.services.followups import add_unit, record_followup, settings_for, year_calendar
from plugins.sweden.services.settings import choose_special_review_area

D = dt.date
OP, COOP, DIALOGUE, REVIEW = "operational", "cooperation_group", "dialogue_meeting", "special_review"
MONTHLY, BIMONTHLY = "cooperation_monthly", "cooperation_bimonthly"

# code: (name, operating form, service type, first clients / contract start, own rotation year)
REGISTER = {
    "I1": ('Hemmet "Linden"', "in_house", "residential_care", None, None),
    "I2": ("Ängsgården & <Vård>", "in_house", "lss_housing", None, 2025),
    "I3": ("Tallbacken", "in_house", "residential_care", None, None),
    "C01": ("Äppelgården 'Norr'", "contracted", "residential_care", D(2025, 1, 15), None),
    "K02": ("Hemtjänst Å&Ä", "customer_choice", "home_care", D(2025, 2, 1), None),
    "R03": ("Stödboendet <Ro>", "framework_agreement", "other", D(2025, 3, 1), None),
    "C04": ("Björkhagen", "contracted", "residential_care", D(2025, 4, 1), None),
    "K05": ('Omsorg "Maj"', "customer_choice", "home_care", D(2025, 5, 10), None),
    "R06": ("Korttidshemmet Sjön", "framework_agreement", "lss_housing", D(2025, 6, 15), None),
    "C07": ("Vårdboendet Juli", "contracted", "residential_care", D(2025, 7, 31), None),
    "K08": ("Trygg i Sundbyberg", "customer_choice", "home_care", D(2025, 8, 31), None),
    "R09": ("Familjehemmet Höst", "framework_agreement", "other", D(2025, 9, 1), None),
    "C10": ("Oktobergården", "contracted", "service_housing", D(2025, 10, 1), None),
    "K11": ("Novemberhjälpen", "customer_choice", "home_care", D(2025, 11, 1), None),
    "R12": ("Julboendet", "framework_agreement", "day_care", D(2025, 12, 1), None),
}


def _month(year: int, month: int, reason: str, start: dt.date | None = None) -> tuple:
    end = (D(year, month + 1, 1) if month < 12 else D(year + 1, 1, 1)) - dt.timedelta(days=1)
    return (COOP, reason, start or D(year, month, 1), end)


def _year(year: int, reason: str = "yearly", start: dt.date | None = None) -> tuple:
    return (OP, reason, start or D(year, 1, 1), D(year, 12, 31))


def _dialogue(year: int, start: dt.date | None = None) -> tuple:
    return (DIALOGUE, "dialogue", start or D(year, 1, 1), D(year, 12, 31))


# Worked out by hand from the seed, row by row (month lists name the calendar month of each meeting).
EXPECTED = {
    2025: {
        "": [(REVIEW, "special_review", D(2025, 1, 1), D(2025, 12, 31))],
        "I2": [_year(2025, "every_n_years")],  # its own rotation year, although followed up in 2024
        "C01": [_year(2025, start=D(2025, 1, 15)), _month(2025, 1, MONTHLY, D(2025, 1, 15)),
                *(_month(2025, m, MONTHLY) for m in (2, 3, 4, 5, 6)),
                *(_month(2025, m, BIMONTHLY) for m in (8, 10, 12))],
        "K02": [(OP, "new_provider", D(2025, 8, 1), D(2025, 10, 1)), _dialogue(2025, D(2025, 2, 1))],
        "R03": [_year(2025, start=D(2025, 3, 1))],
        "C04": [_year(2025, start=D(2025, 4, 1)), *(_month(2025, m, MONTHLY) for m in (4, 5, 6, 7, 8, 9)),
                _month(2025, 11, BIMONTHLY)],
        "K05": [(OP, "new_provider", D(2025, 11, 10), D(2026, 1, 10)), _dialogue(2025, D(2025, 5, 10))],
        "R06": [_year(2025, start=D(2025, 6, 15))],
        "C07": [_year(2025, start=D(2025, 7, 31)), _month(2025, 7, MONTHLY, D(2025, 7, 31)),
                *(_month(2025, m, MONTHLY) for m in (8, 9, 10, 11, 12))],
        "K08": [_dialogue(2025, D(2025, 8, 31))],  # its window opens in February 2026
        "R09": [_year(2025, start=D(2025, 9, 1))],
        "C10": [_year(2025, start=D(2025, 10, 1)), *(_month(2025, m, MONTHLY) for m in (10, 11, 12))],
        "K11": [_dialogue(2025, D(2025, 11, 1))],
        "R12": [_year(2025, start=D(2025, 12, 1))],
    },
    2026: {
        "": [(REVIEW, "special_review", D(2026, 1, 1), D(2026, 12, 31))],
        "I3": [_year(2026, "every_n_years")],  # three years after its follow-up of 2023, not the preset's 2027
        "C01": [_year(2026), *(_month(2026, m, BIMONTHLY) for m in (2, 4, 6, 8, 10, 12))],
        "K02": [_year(2026), _dialogue(2026)],
        "R03": [_year(2026)],
        "C04": [_year(2026), *(_month(2026, m, BIMONTHLY) for m in (1, 3, 5, 7, 9, 11))],
        "K05": [(OP, "new_provider", D(2025, 11, 10), D(2026, 1, 10)), _year(2026), _dialogue(2026)],
        "R06": [_year(2026)],
        "C07": [_year(2026), *(_month(2026, m, BIMONTHLY) for m in (2, 4, 6, 8, 10, 12))],
        "K08": [(OP, "new_provider", D(2026, 2, 28), D(2026, 4, 30)), _dialogue(2026)],  # 31 Aug + 6, + 8 months
        "R09": [_year(2026)],
        "C10": [_year(2026), *(_month(2026, m, MONTHLY) for m in (1, 2, 3)),
                *(_month(2026, m, BIMONTHLY) for m in (5, 7, 9, 11))],
        "K11": [(OP, "new_provider", D(2026, 5, 1), D(2026, 7, 1)), _dialogue(2026)],
        "R12": [_year(2026)],
    },
}


def _register(session):
    town = create_municipality(session, "sundbyberg", {"sv": "Sundbybergs stad"}, "SE", "sv", "SEK")
    settings_for(session, town.id).schedule_preset = "huddinge"
    units = {code: add_unit(session, town.id, code, name, form, kind, "Centrala", None, start, rotation)
             for code, (name, form, kind, start, rotation) in REGISTER.items()}
    record_followup(session, units["I2"], OP, done_on=D(2024, 3, 1))
    record_followup(session, units["I3"], OP, done_on=D(2023, 5, 4))
    record_followup(session, units["C01"], COOP, done_on=D(2025, 1, 20))
    record_followup(session, units["K05"], OP, done_on=D(2025, 12, 15))
    session.flush()
    return town, units


def _by_code(entries, units) -> dict[str, list[tuple]]:
    codes = {unit.id: code for code, unit in units.items()}
    result: dict[str, list[tuple]] = {}
    for e in entries:
        result.setdefault(codes.get(e.unit_id, ""), []).append((e.method, e.reason, e.window_start, e.due_on))
    return {code: sorted(rows, key=lambda r: (r[3], r[0])) for code, rows in result.items()}


def test_two_years_of_calendars_as_worked_out_by_hand(session):
    town, units = _register(session)
    for year, expected in EXPECTED.items():
        calendar = _by_code(year_calendar(session, town.id, year), units)
        assert set(calendar) == set(expected), year  # I1 falls in neither year (2024, 2027)
        for code, rows in expected.items():
            assert calendar[code] == sorted(rows, key=lambda r: (r[3], r[0])), (year, code)


def test_follow_ups_recorded_are_matched_in_each_year_they_belong_to(session):
    town, units = _register(session)
    done = {year: {(e.unit_id, e.method, e.reason, e.due_on): e.done_on for e in year_calendar(session, town.id, year)}
            for year in (2025, 2026)}
    k05, c01 = units["K05"].id, units["C01"].id
    assert done[2025][(c01, COOP, MONTHLY, D(2025, 1, 31))] == D(2025, 1, 20)
    assert done[2025][(c01, COOP, MONTHLY, D(2025, 2, 28))] is None
    # K05's window runs over the new year: done in December, it is done in both years' calendars.
    for year in (2025, 2026):
        assert done[year][(k05, OP, "new_provider", D(2026, 1, 10))] == D(2025, 12, 15)
    assert done[2026][(k05, OP, "yearly", D(2026, 12, 31))] is None  # the yearly follow-up is still to do
    assert sum(d is not None for d in done[2025].values()) == 2


def test_the_special_review_area_is_chosen_per_year(session):
    town, _units = _register(session)
    choose_special_review_area(session, town.id, 2026, {"sv": "Måltider & <nutrition>", "en": 'Meals "&" more'})
    reviews = {year: next(e for e in year_calendar(session, town.id, year) if e.method == REVIEW)
               for year in (2025, 2026)}
    assert reviews[2026].area == {"sv": "Måltider & <nutrition>", "en": 'Meals "&" more'}
    assert reviews[2025].area is None  # another year's area is not this year's
