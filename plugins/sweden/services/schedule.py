"""The year's follow-up calendar per unit, from a municipality's schedule rules.

Two presets carry the seeds' rule sets; a municipality picks one and may override its
parameters (``se_settings.schedule_overrides``):

* ``stockholm`` (seed 000): operational follow-up every other year in a rotation by service type
  (residential care and day care one year, service housing and home care the next);
  individuppföljning every year for every unit; new providers followed up six months after they
  start, outside the rotation (no rotation follow-up in the years of that window), and units with
  an action plan too.
* ``huddinge`` (seed 003): in-house homes every third year; contracted units every year plus
  cooperation-group meetings monthly for the first six months of the contract and every other
  month after (a contract from March: March to August, then October, December, February …);
  customer choice: new providers 6 to 8 months after they start taking clients (the window shown
  in each year it overlaps), then yearly from the year after the window opens, and a yearly
  dialogue meeting; framework agreements yearly; one area a year for special review, chosen per
  year (``se_settings.special_review_area``).

A regular follow-up every n years counts from the unit's own rotation year when it has one, else
from the latest operational follow-up recorded for it before the calendar's year, else from the
preset's rule (its first year, or the service type's place in the rotation).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple, Protocol

from core.sdk import format_date
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

# What a calendar row asks for next; dates are filled in the reader's language.
NEXT_ACTIONS = {
    "done": _l("Nothing: done on %(date)s."),
    "plan": _l("Book it: the window opens on %(start)s and closes on %(due)s."),
    "record": _l("Carry it out by %(due)s and record it."),
    "overdue": _l("Overdue since %(due)s: carry it out and record it."),
    "choose_area": _l("Choose the year's area for special review."),
    "case": _l("Take the case's next step by %(due)s."),
    "case_overdue": _l("Overdue since %(due)s: take the case's next step."),
}

# The years a rotation may be anchored in: a unit's own rotation year, a preset's first year.
ROTATION_YEARS = (1990, 2100)
REGULAR = "operational"  # the method the rotations schedule, and whose history re-anchors them

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
    case_id: int | None = None  # an open case's deadline put the unit in the calendar
    area: dict[str, str] | None = field(default=None, compare=False)  # the special review's, per locale

    def overdue(self, today: dt.date) -> bool:
        return self.done_on is None and self.due_on < today

    @property
    def reason_text(self) -> str:
        params = dict(self.reason_params)
        return str(REASONS[self.reason]) % params if params else str(REASONS[self.reason])

    def next_action(self, today: dt.date) -> str:
        """What to do next, a key of :data:`NEXT_ACTIONS`."""
        if self.done_on is not None:
            return "done"
        if self.method == "special_review" and not self.area:
            return "choose_area"
        if self.case_id is not None:
            return "case_overdue" if self.overdue(today) else "case"
        if self.overdue(today):
            return "overdue"
        return "plan" if self.window_start > today else "record"

    def next_action_text(self, today: dt.date, locale: str | None = None) -> str:
        dates = {"date": self.done_on, "start": self.window_start, "due": self.due_on}
        return str(NEXT_ACTIONS[self.next_action(today)]) % {
            key: format_date(day, locale) for key, day in dates.items() if day is not None}


@dataclass(frozen=True)
class DoneFollowUp:
    unit_id: int | None
    method: str
    done_on: dt.date


class CaseDue(NamedTuple):
    """An open deficiency case's next deadline: its unit is followed up outside the rotation."""

    unit: UnitLike
    due_on: dt.date
    case_id: int | None = None


def preset_params(preset: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    if preset not in PRESETS:
        raise SwedenValidationError("schedule_preset", _l("Unknown schedule preset: %(preset)s."), preset=preset)
    params = {**PRESETS[preset], **(overrides or {})}
    params["preset"] = preset
    return params


def _year_window(unit: UnitLike, year: int, method: str, reason: str, **params: Any) -> CalendarEntry:
    """The whole year, or from the day the provider started when that falls in the year."""
    start = dt.date(year, 1, 1)
    if unit.provider_started_on is not None:
        start = max(start, unit.provider_started_on)
    return CalendarEntry(unit.id, unit.name, method, start, dt.date(year, 12, 31), reason, tuple(params.items()))


def _every(anchor: int, every: int, year: int) -> bool:
    return every <= 1 or (year - anchor) % every == 0


def _regular(unit: UnitLike, year: int, every: int, last_done: int | None, otherwise: bool) -> bool:
    """Whether a follow-up every ``every`` years falls in ``year``: from the unit's own rotation year, else
    from its latest recorded follow-up (a year before ``year``), else as the preset's rule says."""
    if unit.rotation_year is not None:
        return _every(unit.rotation_year, every, year)
    if last_done is not None:
        return year > last_done and _every(last_done, every, year)
    return otherwise


def _started_by(unit: UnitLike, day: dt.date) -> bool:
    return unit.provider_started_on is None or unit.provider_started_on <= day


def _stockholm(unit: UnitLike, year: int, p: dict[str, Any], last_done: int | None) -> list[CalendarEntry]:
    entries: list[CalendarEntry] = []
    every = int(p["operational_every_years"])
    start = unit.provider_started_on
    new_due = add_months(start, int(p["new_provider_months"])) if start else None
    if start is not None and start.year <= year <= new_due.year:
        # A new provider's follow-up replaces the rotation's in each year its window touches.
        entries.append(CalendarEntry(unit.id, unit.name, REGULAR, start, new_due, "new_provider"))
    else:
        parity = int(p["rotation_parity"].get(unit.service_type, 0)) % max(every, 1)
        if _regular(unit, year, every, last_done, every <= 1 or year % every == parity):
            entries.append(_year_window(unit, year, REGULAR, "rotation"))
    if p.get("individual_every_year"):
        entries.append(_year_window(unit, year, "individual", "yearly"))
    if unit.service_type in p.get("user_survey_service_types", ()):
        entries.append(_year_window(unit, year, "user_survey", "yearly"))
    return entries


def cooperation_meeting_due(months_in: int, monthly: int, then_every: int) -> str | None:
    """The reason of a cooperation-group meeting in the contract's month ``months_in`` (0: the first), or
    None: monthly for the first ``monthly`` months, then every ``then_every`` months after the last of them."""
    every = max(then_every, 1)
    if months_in < 0:
        return None
    if months_in < monthly:
        return "cooperation_monthly"
    # Counted from the last monthly meeting (with six: month 5, so months 7, 9, …), or from the first month.
    since = months_in - (monthly - 1) if monthly else months_in
    return "cooperation_bimonthly" if since % every == 0 else None


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
        reason = cooperation_meeting_due(months_between(start, first), monthly, then_every)
        if reason is not None:
            entries.append(CalendarEntry(unit.id, unit.name, "cooperation_group", max(first, start),
                                         month_end(year, month), reason))
    return entries


def new_provider_window(unit: UnitLike, p: dict[str, Any]) -> tuple[dt.date, dt.date] | None:
    """A customer-choice provider's first follow-up: from ``first`` to ``last`` months after it started."""
    if unit.provider_started_on is None:
        return None
    first, last = p["new_provider_window_months"]
    return add_months(unit.provider_started_on, int(first)), add_months(unit.provider_started_on, int(last))


def _customer_choice(unit: UnitLike, year: int, p: dict[str, Any], last_done: int | None) -> list[CalendarEntry]:
    entries: list[CalendarEntry] = []
    window = new_provider_window(unit, p)
    first_yearly = None
    if window is not None:
        opens, closes = window
        if opens.year <= year <= closes.year:
            entries.append(CalendarEntry(unit.id, unit.name, REGULAR, opens, closes, "new_provider"))
        first_yearly = opens.year + 1
    every = int(p["customer_choice_every_years"])
    if first_yearly is None or year >= first_yearly:
        anchor = first_yearly or int(p["anchor_year"])
        if _regular(unit, year, every, last_done, _every(anchor, every, year)):
            entries.append(_year_window(unit, year, REGULAR, "yearly"))
    if p.get("customer_choice_dialogue"):
        entries.append(_year_window(unit, year, "dialogue_meeting", "dialogue"))
    return entries


def _huddinge(unit: UnitLike, year: int, p: dict[str, Any], last_done: int | None) -> list[CalendarEntry]:
    anchor = int(p["anchor_year"])
    form = unit.operating_form
    entries: list[CalendarEntry] = []
    if form == "in_house":
        every = int(p["in_house_every_years"])
        if _regular(unit, year, every, last_done, _every(anchor, every, year)):
            entries.append(_year_window(unit, year, REGULAR, "every_n_years", n=every))
    elif form == "contracted":
        every = int(p["contracted_every_years"])
        if _regular(unit, year, every, last_done, _every(anchor, every, year)):
            entries.append(_year_window(unit, year, REGULAR, "yearly"))
        entries.extend(_cooperation_meetings(unit, year, p))
    elif form == "customer_choice":
        entries.extend(_customer_choice(unit, year, p, last_done))
    elif form == "framework_agreement":
        every = int(p["framework_every_years"])
        if _regular(unit, year, every, last_done, _every(anchor, every, year)):
            entries.append(_year_window(unit, year, REGULAR, "yearly"))
    return entries


RULES = {"stockholm": _stockholm, "huddinge": _huddinge}


def _last_done(done: Sequence[DoneFollowUp], year: int) -> dict[int | None, int]:
    """Per unit, the year of its latest operational follow-up done before ``year``."""
    last: dict[int | None, int] = {}
    for d in done:
        if d.method == REGULAR and d.done_on.year < year:
            last[d.unit_id] = max(last.get(d.unit_id, d.done_on.year), d.done_on.year)
    return last


def calendar_for(
    units: Iterable[UnitLike],
    year: int,
    params: dict[str, Any],
    action_plan_dues: Sequence[tuple[Any, ...]] = (),
    done: Sequence[DoneFollowUp] = (),
    special_review_areas: Mapping[str, dict[str, str]] | None = None,
) -> list[CalendarEntry]:
    """Every follow-up due in ``year``, per unit, with the follow-ups done matched to them.

    ``action_plan_dues`` are :class:`CaseDue` (or (unit, deadline) pairs) of open deficiency cases:
    those units are followed up outside the rotation. ``done`` are follow-ups carried out, of any
    year: those before ``year`` re-anchor the units' rotations; each satisfies at most one entry, the
    earliest due among those whose window it falls in. ``special_review_areas`` are the areas chosen
    per year (keys are years as text).
    """
    rule = RULES[params["preset"]]
    year_end = dt.date(year, 12, 31)
    last = _last_done(done, year)
    entries: list[CalendarEntry] = []
    for unit in units:
        if unit.active and _started_by(unit, year_end):
            entries.extend(rule(unit, year, params, last.get(unit.id)))
    for unit, due, *rest in action_plan_dues:
        if due.year == year:
            entries.append(CalendarEntry(unit.id, unit.name, REGULAR, dt.date(year, 1, 1), due, "action_plan",
                                         case_id=rest[0] if rest else None))
    if params.get("special_review_per_year"):
        area = (special_review_areas or {}).get(str(year)) or None
        entries.append(CalendarEntry(None, "", "special_review", dt.date(year, 1, 1), year_end, "special_review",
                                     area=area))
    entries.sort(key=lambda e: (e.unit_name, e.due_on, e.method))
    return _match_done(entries, done)


def _matches(entry: CalendarEntry, done: DoneFollowUp) -> bool:
    # The special review is the municipality's: a review recorded at any unit sampled counts.
    same_unit = entry.unit_id is None or done.unit_id == entry.unit_id
    latest = dt.date(entry.due_on.year, 12, 31)  # a late follow-up of the same year still counts
    return same_unit and done.method == entry.method and entry.window_start <= done.done_on <= latest


def _match_done(entries: list[CalendarEntry], done: Sequence[DoneFollowUp]) -> list[CalendarEntry]:
    first = min((e.window_start for e in entries), default=None)
    remaining = sorted((d for d in done if first is not None and d.done_on >= first), key=lambda d: d.done_on)
    result = []
    for entry in sorted(entries, key=lambda e: e.due_on):
        match = next((d for d in remaining if _matches(entry, d)), None)
        if match is not None:
            remaining.remove(match)
            entry = replace(entry, done_on=match.done_on)
        result.append(entry)
    result.sort(key=lambda e: (e.unit_name, e.due_on, e.method))
    return result


def overdue(entries: Iterable[CalendarEntry], today: dt.date) -> list[CalendarEntry]:
    return [e for e in entries if e.overdue(today)]
