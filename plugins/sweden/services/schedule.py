"""The year's follow-up calendar per unit, from a municipality's schedule rules.

Two presets carry the seeds' rule sets; a municipality picks one and may override its
parameters (``se_settings.schedule_overrides``):

* ``stockholm`` (seed 000): operational follow-up every other year in a rotation by service type
  (residential care and day care one year, service housing and home care the next);
  individuppföljning every year for every unit; new providers and units with an action plan
  followed up outside the rotation.
* ``huddinge`` (seed 003): in-house homes every third year; contracted units every year plus
  cooperation-group meetings monthly for the first six months and every other month after;
  customer choice: new providers 6 to 8 months after they start taking clients, then yearly,
  and a yearly dialogue meeting; framework agreements yearly; one area a year for special review.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from plugins.sweden.i18n import _l
from plugins.sweden.services.dates import add_months, month_end, months_between
from plugins.sweden.services.errors import SwedenValidationError


class UnitLike(Protocol):
    id: int
    name: str
    operating_form: str
    service_type: str
    provider_started_on: dt.date | None
    rotation_year: int | None
    active: bool


REASONS = {
    "rotation": _l("Rotation"),
    "yearly": _l("Every year"),
    "every_n_years": _l("Every %(n)s years"),
    "new_provider": _l("New provider"),
    "cooperation_monthly": _l("Monthly during the first six months"),
    "cooperation_bimonthly": _l("Every other month"),
    "action_plan": _l("Unit with an action plan"),
    "special_review": _l("Area chosen for special review"),
    "dialogue": _l("Yearly dialogue meeting with providers"),
}

# The years a rotation may be anchored in: a unit's own rotation year, a preset's first year.
ROTATION_YEARS = (1990, 2100)

PRESETS: dict[str, dict[str, Any]] = {
    "stockholm": {
        "operational_every_years": 2,
        # Service types followed up in even years (0) and odd years (1).
        "rotation_parity": {
            "residential_care": 0,
            "day_care": 0,
            "lss_housing": 0,
            "service_housing": 1,
            "home_care": 1,
            "other": 1,
        },
        "individual_every_year": True,
        "user_survey_service_types": ["day_care"],
        "new_provider_months": 6,
    },
    "huddinge": {
        "anchor_year": 2012,
        "in_house_every_years": 3,
        "contracted_every_years": 1,
        "cooperation_from": "2012-09-01",
        "cooperation_monthly_months": 6,
        "cooperation_then_every_months": 2,
        "new_provider_window_months": [6, 8],
        "customer_choice_every_years": 1,
        "customer_choice_dialogue": True,
        "framework_every_years": 1,
        "special_review_per_year": True,
    },
}


@dataclass(frozen=True)
class CalendarEntry:
    unit_id: int | None  # None: a municipality-wide activity (special review)
    unit_name: str
    method: str
    window_start: dt.date
    due_on: dt.date
    reason: str
    reason_params: tuple[tuple[str, Any], ...] = ()
    done_on: dt.date | None = None

    def overdue(self, today: dt.date) -> bool:
        return self.done_on is None and self.due_on < today

    @property
    def reason_text(self) -> str:
        params = dict(self.reason_params)
        return str(REASONS[self.reason]) % params if params else str(REASONS[self.reason])


@dataclass(frozen=True)
class DoneFollowUp:
    unit_id: int | None
    method: str
    done_on: dt.date


def preset_params(preset: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    if preset not in PRESETS:
        raise SwedenValidationError("schedule_preset", _l("Unknown schedule preset: %(preset)s."), preset=preset)
    params = {**PRESETS[preset], **(overrides or {})}
    params["preset"] = preset
    return params


def _year_window(unit: UnitLike, year: int, method: str, reason: str, **params: Any) -> CalendarEntry:
    return CalendarEntry(
        unit.id, unit.name, method, dt.date(year, 1, 1), dt.date(year, 12, 31), reason, tuple(params.items())
    )


def _every(anchor: int, every: int, year: int) -> bool:
    return every <= 1 or (year - anchor) % every == 0


def _started_by(unit: UnitLike, day: dt.date) -> bool:
    return unit.provider_started_on is None or unit.provider_started_on <= day


def _stockholm(unit: UnitLike, year: int, p: dict[str, Any]) -> list[CalendarEntry]:
    entries: list[CalendarEntry] = []
    every = int(p["operational_every_years"])
    if unit.rotation_year is not None:
        in_rotation = _every(unit.rotation_year, every, year)
    else:
        in_rotation = year % every == int(p["rotation_parity"].get(unit.service_type, 0)) % every
    start = unit.provider_started_on
    new_due = add_months(start, int(p["new_provider_months"])) if start else None
    is_new = new_due is not None and new_due.year == year and start.year >= year - 1
    if is_new:
        entries.append(CalendarEntry(unit.id, unit.name, "operational", start, new_due, "new_provider"))
    elif in_rotation:
        entries.append(_year_window(unit, year, "operational", "rotation"))
    if p.get("individual_every_year"):
        entries.append(_year_window(unit, year, "individual", "yearly"))
    if unit.service_type in p.get("user_survey_service_types", ()):
        entries.append(_year_window(unit, year, "user_survey", "yearly"))
    return entries


def _cooperation_meetings(unit: UnitLike, year: int, p: dict[str, Any]) -> list[CalendarEntry]:
    """Samverkansgrupp: monthly for the first months of the contract, then every other month."""
    start = max(unit.provider_started_on or dt.date.fromisoformat(p["cooperation_from"]),
                dt.date.fromisoformat(p["cooperation_from"]))
    monthly = int(p["cooperation_monthly_months"])
    then_every = int(p["cooperation_then_every_months"])
    entries = []
    for month in range(1, 13):
        first = dt.date(year, month, 1)
        if month_end(year, month) < start:
            continue
        n = months_between(start, first)
        if n < monthly:
            reason = "cooperation_monthly"
        elif (n - monthly) % then_every == 0:
            reason = "cooperation_bimonthly"
        else:
            continue
        window_start = max(first, start)
        entries.append(
            CalendarEntry(unit.id, unit.name, "cooperation_group", window_start, month_end(year, month), reason)
        )
    return entries


def _huddinge(unit: UnitLike, year: int, p: dict[str, Any]) -> list[CalendarEntry]:
    anchor = unit.rotation_year or int(p["anchor_year"])
    form = unit.operating_form
    entries: list[CalendarEntry] = []
    if form == "in_house":
        every = int(p["in_house_every_years"])
        if _every(anchor, every, year):
            entries.append(_year_window(unit, year, "operational", "every_n_years", n=every))
    elif form == "contracted":
        if _every(anchor, int(p["contracted_every_years"]), year):
            entries.append(_year_window(unit, year, "operational", "yearly"))
        entries.extend(_cooperation_meetings(unit, year, p))
    elif form == "customer_choice":
        first, last = p["new_provider_window_months"]
        start = unit.provider_started_on
        initial_due = add_months(start, int(last)) if start else None
        if start and initial_due.year == year:
            entries.append(
                CalendarEntry(unit.id, unit.name, "operational", add_months(start, int(first)), initial_due,
                              "new_provider")
            )
        elif (initial_due is None or initial_due.year < year) and _every(
            anchor, int(p["customer_choice_every_years"]), year
        ):
            entries.append(_year_window(unit, year, "operational", "yearly"))
        if p.get("customer_choice_dialogue"):
            entries.append(_year_window(unit, year, "dialogue_meeting", "dialogue"))
    elif form == "framework_agreement" and _every(anchor, int(p["framework_every_years"]), year):
        entries.append(_year_window(unit, year, "operational", "yearly"))
    return entries


RULES = {"stockholm": _stockholm, "huddinge": _huddinge}


def calendar_for(
    units: Iterable[UnitLike],
    year: int,
    params: dict[str, Any],
    action_plan_dues: Sequence[tuple[UnitLike, dt.date]] = (),
    done: Sequence[DoneFollowUp] = (),
) -> list[CalendarEntry]:
    """Every follow-up due in ``year``, per unit, with the follow-ups done matched to them.

    ``action_plan_dues`` are (unit, deadline) of open deficiency cases: those units are followed
    up outside the rotation. ``done`` are follow-ups carried out; each satisfies at most one
    entry, the earliest due among those whose window it falls in.
    """
    rule = RULES[params["preset"]]
    year_end = dt.date(year, 12, 31)
    entries: list[CalendarEntry] = []
    for unit in units:
        if unit.active and _started_by(unit, year_end):
            entries.extend(rule(unit, year, params))
    for unit, due in action_plan_dues:
        if due.year == year:
            entries.append(CalendarEntry(unit.id, unit.name, "operational", dt.date(year, 1, 1), due, "action_plan"))
    if params.get("special_review_per_year"):
        entries.append(CalendarEntry(None, "", "special_review", dt.date(year, 1, 1), year_end, "special_review"))
    entries.sort(key=lambda e: (e.unit_name, e.due_on, e.method))
    return _match_done(entries, done)


def _match_done(entries: list[CalendarEntry], done: Sequence[DoneFollowUp]) -> list[CalendarEntry]:
    remaining = sorted(done, key=lambda d: d.done_on)
    result = []
    for entry in sorted(entries, key=lambda e: e.due_on):
        latest = max(entry.due_on, dt.date(entry.due_on.year, 12, 31))
        match = next(
            (
                d
                for d in remaining
                if d.unit_id == entry.unit_id and d.method == entry.method and entry.window_start <= d.done_on <= latest
            ),
            None,
        )
        if match is not None:
            remaining.remove(match)
            entry = replace(entry, done_on=match.done_on)
        result.append(entry)
    result.sort(key=lambda e: (e.unit_name, e.due_on, e.method))
    return result


def overdue(entries: Iterable[CalendarEntry], today: dt.date) -> list[CalendarEntry]:
    return [e for e in entries if e.overdue(today)]
