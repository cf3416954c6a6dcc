"""A municipality's Swedish settings: schedule preset and parameters, ladder deadlines, suppression,
and the area chosen for special review each year.

Only what differs from the preset (schedule) or from the default ladder (deadlines) is stored, so
a later change of a default reaches every municipality that did not choose otherwise. Deadlines
are stored per track as ``"<track>.<deadline>"`` in ``ladder_overrides["deadlines"]``, a period or
``None`` for no deadline; the ladder reads a track's own deadline before the shared one
(``cases.deadline_period``). The special review's areas are kept per year in
``special_review_area`` ({"2026": {"sv": "Måltider", …}}).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from plugins.sweden.audit import record, record_changes, settings_facts
from plugins.sweden.i18n import _l
from plugins.sweden.models import CaseTrack, ServiceType, SwedenSettings
from plugins.sweden.services.cases import DEFAULT_LADDER, deadline_period, due_alternatives, ladder_for
from plugins.sweden.services.errors import SwedenValidationError
from plugins.sweden.services.followups import settings_for, special_review_areas
from plugins.sweden.services.schedule import PRESETS, ROTATION_YEARS

PRESET_LABELS = {"stockholm": _l("Stockholm: rotation every other year"),
                 "huddinge": _l("Huddinge: by operating form")}


@dataclass(frozen=True)
class Param:
    """One editable rule parameter of a schedule preset: 'int', 'bool', 'window' (two ints) or 'rotation'
    (per service type, a year in which it is followed up; see :func:`rotation_years`)."""

    name: str
    kind: str
    label: Any
    minimum: int = 0
    maximum: int = 100


SCHEDULE_PARAMS: dict[str, tuple[Param, ...]] = {
    "stockholm": (
        Param("operational_every_years", "int", _l("Operational follow-up every … years (rotation)"), 1, 10),
        Param("rotation_parity", "rotation", _l("Service types' places in the rotation"), *ROTATION_YEARS),
        Param("new_provider_months", "int", _l("New provider followed up after … months"), 1, 36),
        Param("individual_every_year", "bool", _l("Individual follow-up every year for every unit")),
    ),
    "huddinge": (
        Param("anchor_year", "int", _l("First year of the rotation"), 1990, 2100),
        Param("in_house_every_years", "int", _l("In-house units followed up every … years"), 1, 10),
        Param("contracted_every_years", "int", _l("Contracted units followed up every … years"), 1, 10),
        Param("cooperation_monthly_months", "int", _l("Cooperation group monthly for the first … months"), 0, 36),
        Param("cooperation_then_every_months", "int", _l("Then a cooperation group every … months"), 1, 12),
        Param("new_provider_window_months", "window", _l("New customer-choice provider followed up after … months "
                                                         "(from, to)"), 1, 36),
        Param("customer_choice_every_years", "int", _l("Customer-choice units followed up every … years"), 1, 10),
        Param("customer_choice_dialogue", "bool", _l("Yearly dialogue meeting with customer-choice providers")),
        Param("framework_every_years", "int", _l("Framework-agreement units followed up every … years"), 1, 10),
        Param("special_review_per_year", "bool", _l("One area a year chosen for special review")),
    ),
}

# The deadlines each track's steps use, with what sets them; ``acute_action_plan_due`` replaces
# ``action_plan_due`` for an acute case.
DEADLINE_LABELS = {
    "action_plan_due": _l("Action plan due after it is requested"),
    "acute_action_plan_due": _l("Action plan due after it is requested, acute case"),
    "review_due": _l("Review of the measures due after the action plan is received"),
    "report_due": _l("Report to the committee due after the review or termination"),
}

Period = tuple[int, int] | None  # (months, days), or None: no deadline


def track_deadlines(track: str) -> list[str]:
    """The deadline keys a track's steps use, in the ladder's order."""
    used = set()
    for spec in DEFAULT_LADDER[CaseTrack(track)].values():
        outcomes = list(spec.get("outcomes") or {}) or [None]
        used.update(key for outcome in outcomes for key, _anchor in due_alternatives(spec, outcome))
    if "action_plan_due" in used:
        used.add("acute_action_plan_due")
    return [key for key in DEFAULT_LADDER["deadlines"] if key in used]


def _period(period: dict[str, Any] | None) -> Period:
    return None if not period else (int(period.get("months", 0)), int(period.get("days", 0)))


def effective_deadlines(settings: SwedenSettings) -> dict[str, dict[str, Period]]:
    """(months, days), or None for no deadline, per track and deadline as the ladder applies them to this
    municipality."""
    deadlines = ladder_for(settings.ladder_overrides)["deadlines"]
    return {track.value: {key: _period(deadline_period(deadlines, track.value, key)) for key in track_deadlines(track)}
            for track in (CaseTrack.EXTERNAL, CaseTrack.IN_HOUSE)}


def default_deadlines() -> dict[str, dict[str, Period]]:
    deadlines = DEFAULT_LADDER["deadlines"]
    return {track.value: {key: _period(deadline_period(deadlines, track.value, key)) for key in track_deadlines(track)}
            for track in (CaseTrack.EXTERNAL, CaseTrack.IN_HOUSE)}


def effective_params(settings: SwedenSettings) -> dict[str, Any]:
    preset = settings.schedule_preset
    return {**PRESETS[preset], **(settings.schedule_overrides or {})}


def rotation_years(params: dict[str, Any], from_year: int | None = None) -> dict[str, int]:
    """Per service type, the first year from ``from_year`` (this year) on in which the rotation takes it.

    The rule stores a service type's place as the remainder of its years divided by the rotation's
    length (``rotation_parity``: 0 for even years, 1 for odd ones every other year); people name a year.
    """
    every = max(int(params["operational_every_years"]), 1)
    start = from_year or dt.date.today().year
    places = params.get("rotation_parity") or {}
    return {kind.value: start + (int(places.get(kind.value, 0)) - start) % every for kind in ServiceType}


def _rotation_places(field: str, years: Any, every: int) -> dict[str, int]:
    """The rotation's places of the service types from a year each names, checked."""
    years = years if isinstance(years, dict) else {}
    return {kind.value: _check_int(f"{field}_{kind.value}", years.get(kind.value), *ROTATION_YEARS) % every
            for kind in ServiceType}


def _check_int(field: str, value: Any, minimum: int, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SwedenValidationError(field, _l("Enter a whole number."))
    if not minimum <= value <= maximum:
        raise SwedenValidationError(field, _l("Enter a whole number from %(min)s to %(max)s."), min=minimum,
                                    max=maximum)
    return value


def schedule_overrides(preset: str, values: dict[str, Any]) -> dict[str, Any]:
    """The preset's parameters that ``values`` change, checked; field names are ``<preset>_<param>``."""
    if preset not in PRESETS:
        raise SwedenValidationError("schedule_preset", _l("Unknown schedule preset: %(preset)s."), preset=preset)
    overrides: dict[str, Any] = {}
    checked: dict[str, Any] = {}
    for param in SCHEDULE_PARAMS[preset]:
        field = f"{preset}_{param.name}"
        value = values.get(param.name)
        default = PRESETS[preset][param.name]
        if param.kind == "bool":
            value = bool(value)
        elif param.kind == "int":
            value = _check_int(field, value, param.minimum, param.maximum)
        elif param.kind == "rotation":  # after the rotation's length, which decides what a year means
            every = max(checked["operational_every_years"], 1)
            value = _rotation_places(field, value, every)
            default = {kind: int(place) % every for kind, place in default.items()}
        else:
            first, last = value if isinstance(value, (list, tuple)) and len(value) == 2 else (None, None)
            first = _check_int(f"{field}_from", first, param.minimum, param.maximum)
            last = _check_int(f"{field}_to", last, param.minimum, param.maximum)
            if first > last:
                raise SwedenValidationError(f"{field}_to", _l("The last month must not come before the first."))
            value = [first, last]
        checked[param.name] = value
        if value != default:
            overrides[param.name] = value
    return overrides


# The external track without the warning (seed 003 1.5: "Först lämnas varning" is the default): a
# review that finds the deficiencies not remedied leads to termination. A case already warned goes
# on through the review after the warning.
_EXTERNAL = DEFAULT_LADDER[CaseTrack.EXTERNAL]
WITHOUT_WARNING = {
    "issue_warning": {**_EXTERNAL["issue_warning"], "from": []},
    "terminate_contract": {**_EXTERNAL["terminate_contract"],
                           "from": ["not_remedied", *_EXTERNAL["terminate_contract"]["from"]]},
}


def uses_warning(settings: SwedenSettings) -> bool:
    """Whether the external track warns the provider before the contract is terminated."""
    external = (settings.ladder_overrides or {}).get(CaseTrack.EXTERNAL.value) or {}
    return bool(external.get("issue_warning", _EXTERNAL["issue_warning"])["from"])


def _checked_period(field: str, period: tuple[Any, Any] | None) -> dict[str, int] | None:
    if period is None:
        return None
    months, days = period
    months = _check_int(f"{field}_months", months, 0, 120)
    days = _check_int(f"{field}_days", days, 0, 3650)
    if months == 0 and days == 0:
        raise SwedenValidationError(f"{field}_days", _l("A deadline must be at least one day."))
    return {"months": months, "days": days}


def ladder_overrides(current: dict[str, Any], deadlines: dict[str, dict[str, tuple[Any, Any] | None]],
                     warning: bool = True) -> dict[str, Any]:
    """``current`` with its deadlines replaced by those of ``deadlines`` that differ from the default
    (a (months, days) pair, or None: no deadline), and the external track's warning step in use or not.

    Other parts of the overrides (a municipality's own transitions) are kept as they are.
    """
    stored: dict[str, Any] = {}
    defaults = default_deadlines()
    for track, periods in deadlines.items():
        for key, period in periods.items():
            checked = _checked_period(f"{track}_{key}", period)
            if _period(checked) != defaults[track][key]:
                stored[f"{track}.{key}"] = checked
    result = {k: v for k, v in (current or {}).items() if k != "deadlines"}
    if stored:
        result["deadlines"] = stored
    track = CaseTrack.EXTERNAL.value
    external = {k: v for k, v in (result.pop(track, None) or {}).items() if k not in WITHOUT_WARNING}
    if not warning:
        external.update(WITHOUT_WARNING)
    if external:
        result[track] = external
    return result


KOLADA_ID = re.compile(r"^\d{4}$")


def save_settings(
    session: Session, municipality_id: int, *, preset: str, schedule: dict[str, Any],
    deadlines: dict[str, dict[str, tuple[Any, Any] | None]], threshold: Any, kolada_id: str | None,
    warning: bool = True,
) -> SwedenSettings:
    """Check everything first, then write it all; a refused value changes nothing."""
    overrides = schedule_overrides(preset, schedule)
    settings = settings_for(session, municipality_id)
    ladder = ladder_overrides(settings.ladder_overrides, deadlines, warning)
    threshold = _check_int("suppression_threshold", threshold, 1, 1000)
    kolada_id = (kolada_id or "").strip() or None
    if kolada_id is not None and not KOLADA_ID.match(kolada_id):
        raise SwedenValidationError("kolada_id", _l("A Kolada municipality id is four digits, e.g. 0180."))
    before = settings_facts(settings)
    settings.schedule_preset = preset
    settings.schedule_overrides = overrides
    settings.ladder_overrides = ladder
    settings.suppression_threshold = threshold
    settings.kolada_id = kolada_id
    session.flush()
    record_changes(session, municipality_id, "settings-saved", None, before, settings_facts(settings))
    return settings


YEARS = (2000, 2100)


def special_review_area(settings: SwedenSettings, year: int) -> dict[str, str]:
    """The area chosen for special review in ``year`` (per locale), or {} when none is chosen yet."""
    return dict(special_review_areas(settings).get(str(year)) or {})


def choose_special_review_area(session: Session, municipality_id: int, year: Any,
                               area: dict[str, str]) -> SwedenSettings:
    """Choose the one area of ``year``'s special review (seed 003, 1.4), per locale; an empty area takes the
    year's choice back. Checked before anything changes; recorded when it changes."""
    year = _check_int("year", year, *YEARS)
    texts = {locale: text.strip() for locale, text in area.items() if text and text.strip()}
    if any(len(text) > 400 for text in texts.values()):
        raise SwedenValidationError("area", _l("Write the area in at most %(max)s characters."), max=400)
    settings = settings_for(session, municipality_id)
    before = special_review_area(settings, year)
    if before == texts:
        return settings
    areas = special_review_areas(settings)
    if texts:
        areas[str(year)] = texts
    else:
        areas.pop(str(year), None)
    settings.special_review_area = dict(sorted(areas.items()))
    session.flush()
    record(session, municipality_id, "special-review-chosen", None, year=year, area=texts, before=before)
    return settings
