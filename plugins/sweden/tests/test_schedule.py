"""The schedule presets yield the calendars seeds 000 and 003 describe."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from plugins.sweden.services.schedule import (
    CaseDue,
    DoneFollowUp,
    calendar_for,
    cooperation_meeting_due,
    preset_params,
)

D = dt.date


@dataclass
class U:
    id: int
    name: str
    operating_form: str
    service_type: str
    provider_started_on: dt.date | None = None
    rotation_year: int | None = None
    active: bool = True


def _by_unit(entries):
    result: dict[str, list[tuple[str, str, dt.date, dt.date]]] = {}
    for e in entries:
        result.setdefault(e.unit_name, []).append((e.method, e.reason, e.window_start, e.due_on))
    return result


def _months(entries, name: str, method: str = "cooperation_group") -> list[tuple[int, int]]:
    return [(e.due_on.year, e.due_on.month) for e in entries if e.unit_name == name and e.method == method]


HUDDINGE_UNITS = [
    U(1, "egen regi 2026", "in_house", "residential_care", rotation_year=2026),
    U(2, "egen regi 2024", "in_house", "lss_housing", rotation_year=2024),
    U(3, "entreprenad ny", "contracted", "residential_care", D(2025, 11, 1)),
    U(4, "entreprenad gammal", "contracted", "residential_care", D(2014, 1, 1)),
    U(5, "kundval ny", "customer_choice", "home_care", D(2026, 2, 1)),
    U(6, "kundval 2025", "customer_choice", "home_care", D(2025, 8, 1)),
    U(7, "kundval gammal", "customer_choice", "home_care", D(2020, 3, 1)),
    U(8, "ramavtal", "framework_agreement", "other", D(2019, 5, 1)),
    U(9, "kundval 2027", "customer_choice", "home_care", D(2027, 1, 1)),
]


def test_huddinge_in_house_every_third_year():
    params = preset_params("huddinge")
    for year, expected in ((2026, {"egen regi 2026"}), (2027, {"egen regi 2024"}), (2028, set())):
        cal = _by_unit(calendar_for(HUDDINGE_UNITS[:2], year, params))
        assert set(cal) - {""} == expected, year
        for name in expected:
            assert cal[name] == [("operational", "every_n_years", D(year, 1, 1), D(year, 12, 31))]


def test_cooperation_group_monthly_six_months_then_every_other_month():
    """Seed 003 2.2.2: a contract from March meets March to August, then October, December, February …"""
    unit = U(1, "mars", "contracted", "residential_care", D(2026, 3, 1))
    params = preset_params("huddinge")
    this, following = (calendar_for([unit], year, params) for year in (2026, 2027))
    assert _months(this, "mars") == [(2026, m) for m in (3, 4, 5, 6, 7, 8, 10, 12)]
    assert _months(following, "mars") == [(2027, m) for m in (2, 4, 6, 8, 10, 12)]
    reasons = [e.reason for e in this if e.method == "cooperation_group"]
    assert reasons == ["cooperation_monthly"] * 6 + ["cooperation_bimonthly"] * 2


@pytest.mark.parametrize(("monthly", "every", "months_in", "expected"), [
    (6, 2, 5, "cooperation_monthly"), (6, 2, 6, None), (6, 2, 7, "cooperation_bimonthly"), (6, 2, 8, None),
    (6, 3, 8, "cooperation_bimonthly"), (6, 3, 7, None), (0, 2, 0, "cooperation_bimonthly"), (0, 2, 1, None),
    (1, 1, 1, "cooperation_bimonthly"), (6, 2, -1, None),
])
def test_cooperation_meeting_rule_in_the_contract_month(monthly, every, months_in, expected):
    # After the monthly meetings, the next is 'every' months after the last of them.
    assert cooperation_meeting_due(months_in, monthly, every) == expected


def test_huddinge_contracted_yearly_with_cooperation_group():
    entries = calendar_for(HUDDINGE_UNITS[2:4], 2026, preset_params("huddinge"))
    new = _by_unit(entries)["entreprenad ny"]
    assert ("operational", "yearly", D(2026, 1, 1), D(2026, 12, 31)) in new
    # Started 1 Nov 2025: monthly Nov to Apr (six months), then every other month: Jun, Aug, Oct, Dec.
    # (The test said May, Jul, Sep, Nov before: the seventh meeting fell in the seventh month.)
    assert _months(entries, "entreprenad ny") == [(2026, m) for m in (1, 2, 3, 4, 6, 8, 10, 12)]
    assert [e.reason for e in entries if e.unit_name == "entreprenad ny" and e.method == "cooperation_group"] == (
        ["cooperation_monthly"] * 4 + ["cooperation_bimonthly"] * 4)
    # Since January 2014: monthly to June 2014, then August, October, …: the even months.
    assert _months(entries, "entreprenad gammal") == [(2026, m) for m in (2, 4, 6, 8, 10, 12)]


def test_huddinge_customer_choice_new_provider_then_yearly():
    params = preset_params("huddinge")
    cal = _by_unit(calendar_for(HUDDINGE_UNITS[4:7] + HUDDINGE_UNITS[8:], 2026, params))
    # Started 1 Feb 2026: initial follow-up six to eight months later, plus the dialogue meeting.
    assert cal["kundval ny"] == [
        ("operational", "new_provider", D(2026, 8, 1), D(2026, 10, 1)),
        ("dialogue_meeting", "dialogue", D(2026, 2, 1), D(2026, 12, 31)),
    ]
    # Started 1 Aug 2025: its initial follow-up (Feb-Apr 2026) falls in 2026; yearly from 2027.
    assert cal["kundval 2025"][0] == ("operational", "new_provider", D(2026, 2, 1), D(2026, 4, 1))
    assert ("operational", "yearly", D(2026, 1, 1), D(2026, 12, 31)) in cal["kundval gammal"]
    assert "kundval 2027" not in cal  # not started yet
    following = _by_unit(calendar_for(HUDDINGE_UNITS[5:6], 2027, params))
    assert ("operational", "yearly", D(2027, 1, 1), D(2027, 12, 31)) in following["kundval 2025"]


def test_a_window_opening_in_november_is_in_both_years_and_yearly_starts_the_year_after():
    """First clients 1 May 2026: the new-provider window runs 1 Nov 2026 to 1 Jan 2027; it is in the 2026
    calendar and in 2027's, and the first yearly follow-up is 2027's (it slipped to 2028 before)."""
    unit = U(1, "Hemtjänst \"Maj\" & <Co>", "customer_choice", "home_care", D(2026, 5, 1))
    params = preset_params("huddinge")
    window = ("operational", "new_provider", D(2026, 11, 1), D(2027, 1, 1))
    cal = {year: _by_unit(calendar_for([unit], year, params))[unit.name] for year in (2026, 2027, 2028)}
    assert window in cal[2026] and ("operational", "yearly", D(2026, 1, 1), D(2026, 12, 31)) not in cal[2026]
    assert window in cal[2027] and ("operational", "yearly", D(2027, 1, 1), D(2027, 12, 31)) in cal[2027]
    assert window not in cal[2028] and ("operational", "yearly", D(2028, 1, 1), D(2028, 12, 31)) in cal[2028]
    # Done in December, the window is done in both years' calendars; January's yearly follow-up is still due.
    done = [DoneFollowUp(1, "operational", D(2026, 12, 10))]
    for year in (2026, 2027):
        entry = next(e for e in calendar_for([unit], year, params, done=done) if e.reason == "new_provider")
        assert entry.done_on == D(2026, 12, 10)
    yearly = next(e for e in calendar_for([unit], 2027, params, done=done) if e.reason == "yearly")
    assert yearly.done_on is None


def test_next_due_counts_from_the_follow_ups_recorded():
    """In-house every third year from 2012 would be 2024, 2027; followed up in 2025 instead, it is due in 2028.
    A unit's own rotation year still decides."""
    params = preset_params("huddinge")
    unit = U(1, "Solbacken", "in_house", "residential_care")
    own = U(2, "Ängen", "in_house", "residential_care", rotation_year=2026)
    done = [DoneFollowUp(1, "operational", D(2025, 4, 2)), DoneFollowUp(2, "operational", D(2025, 4, 2)),
            DoneFollowUp(1, "individual", D(2026, 3, 1))]  # only the regular method re-anchors
    years = {year: {e.unit_name for e in calendar_for([unit, own], year, params, done=done) if e.unit_id}
             for year in range(2025, 2030)}
    assert years == {2025: set(), 2026: {"Ängen"}, 2027: set(), 2028: {"Solbacken"}, 2029: {"Ängen"}}
    never = {year for year in range(2024, 2029) if any(e.unit_id for e in calendar_for([unit], year, params))}
    assert never == {2024, 2027}  # without a record: the preset's first year
    stockholm = preset_params("stockholm")  # residential care in even years; followed up in 2025: odd from now
    home = U(3, "Boendet", "in_house", "residential_care")
    rotation = {year for year in range(2026, 2030)
                if any(e.method == "operational" for e in calendar_for([home], year, stockholm,
                                                                       done=[DoneFollowUp(3, "operational",
                                                                                          D(2025, 9, 9))]))}
    assert rotation == {2027, 2029}


def test_huddinge_framework_yearly_and_one_special_review_per_year():
    areas = {"2026": {"sv": "Måltider & <nutrition>", "en": 'Meals "&" more'}}
    entries = calendar_for(HUDDINGE_UNITS[7:8], 2026, preset_params("huddinge"), special_review_areas=areas)
    cal = _by_unit(entries)
    assert cal["ramavtal"] == [("operational", "yearly", D(2026, 1, 1), D(2026, 12, 31))]
    assert cal[""] == [("special_review", "special_review", D(2026, 1, 1), D(2026, 12, 31))]
    review = next(e for e in entries if e.unit_id is None)
    assert review.area == areas["2026"] and review.next_action(D(2026, 3, 1)) == "record"
    other = next(e for e in calendar_for([], 2027, preset_params("huddinge"), special_review_areas=areas))
    assert other.area is None and other.next_action(D(2027, 3, 1)) == "choose_area"  # chosen per year
    # A review recorded at any unit sampled is the year's special review.
    done = calendar_for([], 2026, preset_params("huddinge"), done=[DoneFollowUp(8, "special_review", D(2026, 5, 5))],
                        special_review_areas=areas)
    assert done[0].done_on == D(2026, 5, 5) and done[0].next_action(D(2026, 6, 1)) == "done"


def test_stockholm_rotation_and_individual_every_year():
    units = [U(1, "boende", "in_house", "residential_care"), U(2, "hemtjänst", "customer_choice", "home_care"),
             U(3, "dagverksamhet", "framework_agreement", "day_care"), U(4, "servicehus", "contracted",
                                                                         "service_housing")]
    params = preset_params("stockholm")
    even = _by_unit(calendar_for(units, 2026, params))
    odd = _by_unit(calendar_for(units, 2027, params))
    operational = lambda cal: {n for n, rows in cal.items() if any(r[0] == "operational" for r in rows)}  # noqa: E731
    assert operational(even) == {"boende", "dagverksamhet"}
    assert operational(odd) == {"hemtjänst", "servicehus"}
    for cal in (even, odd):
        assert all(any(r[0] == "individual" for r in rows) for rows in cal.values())
    assert any(r[0] == "user_survey" for r in even["dagverksamhet"])


def test_stockholm_new_provider_and_action_plan_outside_rotation():
    new = U(5, "ny hemtjänst", "customer_choice", "home_care", D(2026, 3, 1))
    home = U(2, "hemtjänst", "customer_choice", "home_care")
    cal = _by_unit(calendar_for([new, home], 2026, preset_params("stockholm"), [CaseDue(home, D(2026, 4, 30), 7)]))
    assert ("operational", "new_provider", D(2026, 3, 1), D(2026, 9, 1)) in cal["ny hemtjänst"]
    assert ("operational", "action_plan", D(2026, 1, 1), D(2026, 4, 30)) in cal["hemtjänst"]


def test_stockholm_new_provider_is_not_also_in_the_rotation():
    """Home care's rotation falls in odd years: a provider that starts in September 2025 gets the new-provider
    follow-up (September to March) and no rotation follow-up in 2025 or 2026, the years of its window."""
    unit = U(1, "Hemtjänst Ådalen", "customer_choice", "home_care", D(2025, 9, 1))
    params = preset_params("stockholm")
    operational = {year: [(e.reason, e.window_start, e.due_on) for e in calendar_for([unit], year, params)
                          if e.method == "operational"] for year in (2025, 2026, 2027)}
    assert operational == {2025: [("new_provider", D(2025, 9, 1), D(2026, 3, 1))],
                           2026: [("new_provider", D(2025, 9, 1), D(2026, 3, 1))],
                           2027: [("rotation", D(2027, 1, 1), D(2027, 12, 31))]}


def test_done_followups_matched_and_overdue():
    unit = U(1, "boende", "in_house", "residential_care", rotation_year=2026)
    params = preset_params("huddinge")
    entries = calendar_for([unit], 2026, params, done=[DoneFollowUp(1, "operational", D(2026, 5, 4))])
    mine = [e for e in entries if e.unit_id == 1]
    assert mine[0].done_on == D(2026, 5, 4) and not mine[0].overdue(D(2027, 1, 2))
    review = next(e for e in entries if e.unit_id is None)
    assert review.overdue(D(2027, 1, 1)) and not review.overdue(D(2026, 12, 31))


def test_every_row_says_what_to_do_next(app):
    unit = U(1, "Kundval \"Vår\"", "customer_choice", "home_care", D(2026, 1, 15))
    home = U(2, "Åsgården", "in_house", "residential_care", rotation_year=2026)
    entries = calendar_for([unit, home], 2026, preset_params("huddinge"), [CaseDue(home, D(2026, 3, 31), 4)],
                           [DoneFollowUp(1, "dialogue_meeting", D(2026, 2, 2))])
    window = next(e for e in entries if e.reason == "new_provider")  # 15 July to 15 September
    assert window.next_action(D(2026, 6, 1)) == "plan"
    assert window.next_action(D(2026, 8, 1)) == "record"
    assert window.next_action(D(2026, 9, 16)) == "overdue"
    case = next(e for e in entries if e.reason == "action_plan")
    assert case.case_id == 4 and case.next_action(D(2026, 3, 1)) == "case"
    assert case.next_action(D(2026, 4, 1)) == "case_overdue"
    dialogue = next(e for e in entries if e.method == "dialogue_meeting")
    assert dialogue.next_action(D(2026, 6, 1)) == "done"
    with app.test_request_context():
        assert window.next_action_text(D(2026, 6, 1), "en") == (
            "Book it: the window opens on Jul 15, 2026 and closes on Sep 15, 2026.")
        assert dialogue.next_action_text(D(2026, 6, 1), "en") == "Nothing: done on Feb 2, 2026."
