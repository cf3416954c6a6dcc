"""The schedule presets yield the calendars the seeds describe."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from plugins.sweden.services.schedule import DoneFollowUp, calendar_for, preset_params

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


def test_huddinge_contracted_yearly_with_cooperation_group():
    cal = _by_unit(calendar_for(HUDDINGE_UNITS[2:4], 2026, preset_params("huddinge")))
    new = cal["entreprenad ny"]
    assert ("operational", "yearly", D(2026, 1, 1), D(2026, 12, 31)) in new
    meetings = [(reason, due) for method, reason, _, due in new if method == "cooperation_group"]
    # Started 1 Nov 2025: monthly Nov-Apr (six months), then every other month: Jun, Aug, Oct, Dec.
    assert meetings == [
        ("cooperation_monthly", D(2026, 1, 31)), ("cooperation_monthly", D(2026, 2, 28)),
        ("cooperation_monthly", D(2026, 3, 31)), ("cooperation_monthly", D(2026, 4, 30)),
        ("cooperation_bimonthly", D(2026, 5, 31)), ("cooperation_bimonthly", D(2026, 7, 31)),
        ("cooperation_bimonthly", D(2026, 9, 30)), ("cooperation_bimonthly", D(2026, 11, 30)),
    ]
    old = [due.month for method, _, _, due in cal["entreprenad gammal"] if method == "cooperation_group"]
    assert old == [1, 3, 5, 7, 9, 11] and len(old) == 6


def test_huddinge_customer_choice_new_provider_then_yearly():
    params = preset_params("huddinge")
    cal = _by_unit(calendar_for(HUDDINGE_UNITS[4:7] + HUDDINGE_UNITS[8:], 2026, params))
    # Started 1 Feb 2026: initial follow-up six to eight months later, plus the dialogue meeting.
    assert cal["kundval ny"] == [
        ("operational", "new_provider", D(2026, 8, 1), D(2026, 10, 1)),
        ("dialogue_meeting", "dialogue", D(2026, 1, 1), D(2026, 12, 31)),
    ]
    # Started 1 Aug 2025: its initial follow-up (Feb-Apr 2026) falls in 2026; yearly from 2027.
    assert cal["kundval 2025"][0] == ("operational", "new_provider", D(2026, 2, 1), D(2026, 4, 1))
    assert ("operational", "yearly", D(2026, 1, 1), D(2026, 12, 31)) in cal["kundval gammal"]
    assert "kundval 2027" not in cal  # not started yet
    following = _by_unit(calendar_for(HUDDINGE_UNITS[5:6], 2027, params))
    assert ("operational", "yearly", D(2027, 1, 1), D(2027, 12, 31)) in following["kundval 2025"]


def test_huddinge_framework_yearly_and_one_special_review():
    entries = calendar_for(HUDDINGE_UNITS[7:8], 2026, preset_params("huddinge"))
    cal = _by_unit(entries)
    assert cal["ramavtal"] == [("operational", "yearly", D(2026, 1, 1), D(2026, 12, 31))]
    assert cal[""] == [("special_review", "special_review", D(2026, 1, 1), D(2026, 12, 31))]


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
    cal = _by_unit(calendar_for([new, home], 2026, preset_params("stockholm"), [(home, D(2026, 4, 30))]))
    assert ("operational", "new_provider", D(2026, 3, 1), D(2026, 9, 1)) in cal["ny hemtjänst"]
    assert ("operational", "action_plan", D(2026, 1, 1), D(2026, 4, 30)) in cal["hemtjänst"]


def test_done_followups_matched_and_overdue():
    unit = U(1, "boende", "in_house", "residential_care", rotation_year=2026)
    params = preset_params("huddinge")
    entries = calendar_for([unit], 2026, params, done=[DoneFollowUp(1, "operational", D(2026, 5, 4))])
    mine = [e for e in entries if e.unit_id == 1]
    assert mine[0].done_on == D(2026, 5, 4) and not mine[0].overdue(D(2027, 1, 2))
    review = next(e for e in entries if e.unit_id is None)
    assert review.overdue(D(2027, 1, 1)) and not review.overdue(D(2026, 12, 31))
