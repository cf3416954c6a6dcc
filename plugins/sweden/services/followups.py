"""Units, follow-ups done, and the year's calendar of a municipality read from the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugins.sweden.audit import record, record_changes, unit_facts
from plugins.sweden.i18n import _l
from plugins.sweden.models import DeficiencyCase, FollowUp, OperatingForm, ServiceType, SwedenSettings, Unit
from plugins.sweden.services.errors import SwedenValidationError
from plugins.sweden.services.individual import DEFAULT_THRESHOLD
from plugins.sweden.services.reference import methods
from plugins.sweden.services.schedule import (
    ROTATION_YEARS,
    CalendarEntry,
    CaseDue,
    DoneFollowUp,
    calendar_for,
    preset_params,
)


def default_settings(municipality_id: int) -> SwedenSettings:
    """A municipality's settings before it chooses any: the Stockholm preset, the default ladder and
    threshold (not added to a session)."""
    return SwedenSettings(municipality_id=municipality_id, schedule_preset="stockholm", schedule_overrides={},
                          ladder_overrides={}, suppression_threshold=DEFAULT_THRESHOLD, kolada_id=None,
                          special_review_area={})


def settings_for(session: Session, municipality_id: int) -> SwedenSettings:
    settings = session.get(SwedenSettings, municipality_id)
    if settings is None:
        settings = default_settings(municipality_id)
        session.add(settings)
        session.flush()
    return settings


def _check_unit(name: str, operating_form: str, service_type: str, rotation_year: int | None) -> None:
    """The facts every unit must have right; its own rotation year (None: its service type's place in
    the rotation) is a plain year."""
    if operating_form not in {f.value for f in OperatingForm}:
        raise SwedenValidationError("operating_form", _l("Unknown operating form: %(form)s."), form=operating_form)
    if service_type not in {t.value for t in ServiceType}:
        raise SwedenValidationError("service_type", _l("Unknown service type: %(type)s."), type=service_type)
    if not name.strip():
        raise SwedenValidationError("name", _l("Give the unit a name."))
    if rotation_year is not None and not ROTATION_YEARS[0] <= rotation_year <= ROTATION_YEARS[1]:
        raise SwedenValidationError("rotation_year", _l("Give a year from %(min)s to %(max)s."),
                                    min=ROTATION_YEARS[0], max=ROTATION_YEARS[1])


def add_unit(
    session: Session, municipality_id: int, code: str, name: str, operating_form: str, service_type: str,
    district: str = "", provider_id: int | None = None, provider_started_on: dt.date | None = None,
    rotation_year: int | None = None,
) -> Unit:
    _check_unit(name, operating_form, service_type, rotation_year)
    code = code.strip()
    if not code:
        raise SwedenValidationError("code", _l("Give the unit a code."))
    if code_taken(session, municipality_id, code):
        raise SwedenValidationError("code", _l("Another unit has the code '%(code)s'."), code=code)
    unit = Unit(municipality_id=municipality_id, code=code, name=name.strip(), operating_form=operating_form,
                service_type=service_type, district=district, provider_id=provider_id,
                provider_started_on=provider_started_on, rotation_year=rotation_year, active=True)
    session.add(unit)
    session.flush()
    record(session, municipality_id, "unit-added", f"unit:{unit.id}", code=code, **unit_facts(session, unit))
    return unit


def record_followup(
    session: Session, unit: Unit, method: str, done_on: dt.date | None = None, planned_on: dt.date | None = None,
    deficiencies_found: bool = False, summary: str = "",
) -> FollowUp:
    if method not in methods():
        raise SwedenValidationError("method", _l("Unknown follow-up method: %(method)s."), method=method)
    if done_on is None and planned_on is None:
        raise SwedenValidationError("done_on", _l("Give the date the follow-up was done or is planned for."))
    start = unit.provider_started_on
    for field, day in (("planned_on", planned_on), ("done_on", done_on)):
        if day is not None and start is not None and day < start:
            raise SwedenValidationError(
                field, _l("The date %(date)s is before the provider started (%(start)s)."), date=day, start=start
            )
    followup = FollowUp(municipality_id=unit.municipality_id, unit_id=unit.id, method=method, done_on=done_on,
                        planned_on=planned_on, deficiencies_found=deficiencies_found, summary=summary)
    session.add(followup)
    session.flush()
    record(session, unit.municipality_id, "followup-recorded", f"unit:{unit.id}", unit=f"{unit.code} {unit.name}",
           method=method, done_on=done_on, planned_on=planned_on, deficiencies_found=deficiencies_found)
    return followup


def units(session: Session, municipality_id: int) -> list[Unit]:
    return list(session.scalars(
        select(Unit).where(Unit.municipality_id == municipality_id).order_by(Unit.district, Unit.name)
    ))


def year_calendar(session: Session, municipality_id: int, year: int) -> list[CalendarEntry]:
    return year_calendars(session, municipality_id, [year])[year]


def special_review_areas(settings: SwedenSettings) -> dict[str, dict[str, str]]:
    """The area chosen for special review per year ({"2026": {"sv": "Måltider", …}}), years as text."""
    stored = settings.special_review_area or {}
    return {year: area for year, area in stored.items()
            if str(year).isdigit() and len(str(year)) == 4 and isinstance(area, dict) and area}


def year_calendars(session: Session, municipality_id: int, years: Iterable[int]) -> dict[int, list[CalendarEntry]]:
    """The follow-up calendar of each of ``years``, from one read of the settings, units, open cases and
    follow-ups: every follow-up done, since the latest before a year re-anchors a unit's rotation."""
    years = sorted(years)
    settings = settings_for(session, municipality_id)
    params = preset_params(settings.schedule_preset, settings.schedule_overrides)
    all_units = units(session, municipality_id)
    by_id = {u.id: u for u in all_units}
    cases = session.scalars(select(DeficiencyCase).where(
        DeficiencyCase.municipality_id == municipality_id, DeficiencyCase.state != "closed",
        DeficiencyCase.next_step_due_on.is_not(None),
    ).order_by(DeficiencyCase.id))
    dues = [CaseDue(by_id[c.unit_id], c.next_step_due_on, c.id) for c in cases if c.unit_id in by_id]
    done = [
        DoneFollowUp(f.unit_id, f.method, f.done_on)
        for f in session.scalars(select(FollowUp).where(
            FollowUp.municipality_id == municipality_id, FollowUp.done_on.is_not(None),
            FollowUp.done_on <= dt.date(years[-1], 12, 31),
        ))
    ]
    areas = special_review_areas(settings)
    return {year: calendar_for(all_units, year, params, dues, done, areas) for year in years}


def due_followups(session: Session, unit: Unit, today: dt.date) -> list[CalendarEntry]:
    """The unit's follow-ups not done yet: this year's, and last year's that are overdue, earliest first."""
    calendars = year_calendars(session, unit.municipality_id, [today.year - 1, today.year])
    seen: set[tuple[str, dt.date, dt.date]] = set()
    result = []
    for year in (today.year - 1, today.year):
        for entry in calendars[year]:
            key = (entry.method, entry.window_start, entry.due_on)  # a window over the new year shows once
            if entry.unit_id != unit.id or entry.done_on is not None or key in seen:
                continue
            if year < today.year and not entry.overdue(today):
                continue
            seen.add(key)
            result.append(entry)
    return sorted(result, key=lambda e: (e.due_on, e.method))

def update_unit(
    session: Session, unit: Unit, name: str, operating_form: str, service_type: str, district: str = "",
    provider_id: int | None = None, provider_started_on: dt.date | None = None, rotation_year: int | None = None,
) -> Unit:
    """Change a unit's facts; checked whole before anything changes."""
    _check_unit(name, operating_form, service_type, rotation_year)
    if operating_form != "in_house" and provider_id is None:
        raise SwedenValidationError("provider_id", _l("A unit run by an external provider needs its provider."))
    first = session.scalar(select(FollowUp.done_on).where(FollowUp.unit_id == unit.id, FollowUp.done_on.is_not(None))
                           .order_by(FollowUp.done_on).limit(1))
    if provider_started_on is not None and first is not None and provider_started_on > first:
        raise SwedenValidationError(
            "provider_started_on", _l("The start date %(start)s is after the unit's first follow-up (%(date)s)."),
            start=provider_started_on, date=first)
    before = unit_facts(session, unit)
    unit.name, unit.operating_form, unit.service_type = name.strip(), operating_form, service_type
    unit.district, unit.provider_id, unit.provider_started_on = district.strip(), provider_id, provider_started_on
    unit.rotation_year = rotation_year
    session.flush()
    record_changes(session, unit.municipality_id, "unit-changed", f"unit:{unit.id}", before,
                   unit_facts(session, unit), unit=f"{unit.code} {unit.name}")
    return unit


def set_unit_followed(session: Session, unit: Unit, followed: bool) -> Unit:
    """Remove a unit from the follow-up (it leaves the calendar and the rules; its follow-ups, deficiencies,
    cases and answers are kept), or take a removed one back: the removal can be undone."""
    if unit.active == followed:
        return unit
    unit.active = followed
    session.flush()
    record(session, unit.municipality_id, "unit-restored" if followed else "unit-removed", f"unit:{unit.id}",
           unit=f"{unit.code} {unit.name}")
    return unit




def code_taken(session: Session, municipality_id: int, code: str) -> bool:
    return session.scalar(select(Unit.id).where(Unit.municipality_id == municipality_id, Unit.code == code)) is not None


def followups_of(session: Session, unit: Unit) -> list[FollowUp]:
    return list(session.scalars(select(FollowUp).where(FollowUp.unit_id == unit.id)
                                .order_by(FollowUp.done_on.desc().nulls_last(), FollowUp.id.desc())))
