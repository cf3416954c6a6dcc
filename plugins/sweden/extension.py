"""The Swedish block of a plan document: the plugin's own data a Swedish plan's reports print.

``document["extensions"]["sweden"]`` carries, for every Swedish plan kind, the municipality's
settings (schedule preset and overrides, ladder overrides, suppression threshold, Kolada id, the
area chosen for special review in the plan's year),
its providers and its units (identified by their code; districts are the units' own). Then:

- ``followup-plan``: the follow-ups of the plan's year (done in it, or planned in it and not
  done; earlier years' follow-ups, which re-anchor the rotations, travel in their own years'
  plans and in a backup), the deficiency cases active in the year (opened by its end, not closed before its
  start) with their steps and the question templates. The per-cell answer counts
  (``se_answer_cell``, which are all the results report reads) are personal-level data: a unit's
  cell may count three old people's answers. They are in the block only when an administrator
  exports with personal data (``personal_data``, for a migration or backup; core marks the
  document ``"personal_data": true``), never in the document pages, the API, reports and
  revisions see, and import reads them only from a document so marked. The individual answers
  themselves never travel: they are a million rows of interview data.
- ``quality-report``: the quality goals of the year (their kind: a percentage, a count, yes/no or
  described in words) with their indicators and yearly values (the result, the national figure,
  the yes/no answer or judgement, the result in words and where it came from) and Kolada's figures as
  it gave them (``kolada_figures``: for women and men too, and its status of a missing one, "Saknas";
  a document written before carries none, and then none is kept), the lex Sarah
  reports of the year, and ``quality_report``: the cover's facts (administration, date, persons
  responsible) and the year's own list of sections, which the ``quality-work`` rows name by key; a
  default section (services.quality_report.DEFAULT_SECTIONS) whose title was never typed has no
  ``title``: it reads in the reader's language from the plugin's catalog. The quality report prints
  its goals, Kolada's figures and the lex Sarah table from this block (:mod:`plugins.sweden.printed`), so
  a revision's PDF, the adopted one's above all, prints what that revision kept.

Import replaces what the block names: data of the plan's year (follow-ups, cases, answer cells,
goals, lex Sarah reports) is replaced as a whole; municipality-wide data (settings, providers by
name, units by code, templates by name, district and version) is created or updated, never
deleted, since other years' follow-ups and answers hang on it. A key left out of the block
leaves that data as it is. Everything is read and checked before anything is written; bad
input raises :class:`core.interchange.DocumentError` with its path under ``$.extensions.sweden``.

A removed goal and a withdrawn termination are kept only so that they can be undone: they are not in
force, so no block holds them (a backup does), and import leaves removed goals restorable.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, delete, insert, or_, select, update
from sqlalchemy.orm import Session, selectinload

from core.sdk import DocumentError, decimal_from_json, decimal_to_json
from core.sdk.models import AnnualPlan, Provider
from core.sdk.providers import add_provider, set_organisation_number
from plugins.sweden.models import (
    AnswerCell,
    CaseStep,
    CaseTrack,
    Deficiency,
    DeficiencyCase,
    FollowUp,
    GoalIndicator,
    GoalValue,
    KoladaFigure,
    LexSarahReport,
    OperatingForm,
    QualityGoal,
    QualityReport,
    QuestionTemplate,
    ServiceType,
    Sex,
    SwedenSettings,
    Unit,
)
from plugins.sweden.services import goals as goals_service
from plugins.sweden.services import quality_report
from plugins.sweden.services.cases import DEFAULT_LADDER, STATE_LABELS, STEP_LABELS
from plugins.sweden.services.errors import SwedenValidationError
from plugins.sweden.services.followups import default_settings, special_review_areas
from plugins.sweden.services.individual import validate_definition
from plugins.sweden.services.kolada import GENDERS as KOLADA_GENDERS
from plugins.sweden.services.lex_sarah import AREAS
from plugins.sweden.services.reference import methods
from plugins.sweden.services.schedule import PRESETS, ROTATION_YEARS

VERSION = 1
ROOT = "$.extensions.sweden"
COMMON = ("version", "settings", "providers", "units")
KINDS = {
    "followup-plan": (*COMMON, "followups", "deficiency_cases", "question_templates", "answer_cells"),
    "quality-report": (*COMMON, "quality_goals", "lex_sarah_reports", "quality_report"),
}
RESPONDENTS = ("person", "next_of_kin")
SOURCES = ("manual", "kolada")
GOAL_KINDS = ("percent", "count", "yes_no", "text")


def _iso(day: dt.date | dt.datetime | None) -> str | None:
    return day.isoformat() if day is not None else None


# --- export --------------------------------------------------------------------------------------


def export(plan: AnnualPlan, session: Session, personal_data: bool = False) -> dict[str, Any] | None:
    """The block for ``plan``: a few queries whatever the data's size (no query per row).

    ``personal_data``: also the answer cells (raw counts, small groups included), for an
    administrator's migration or backup only.
    """
    keys = KINDS.get(plan.kind)
    if keys is None:
        return None
    municipality_id, year = plan.municipality_id, plan.year
    # Sorted here, not by the database: collations differ between SQLite and PostgreSQL.
    providers = sorted(session.scalars(select(Provider).where(Provider.municipality_id == municipality_id)),
                       key=lambda p: (p.name, p.id))
    units = session.scalars(select(Unit).where(Unit.municipality_id == municipality_id)).all()
    provider_names = {p.id: p.name for p in providers}
    codes = {u.id: u.code for u in units}
    block: dict[str, Any] = {
        "version": VERSION,
        "settings": _settings(session.get(SwedenSettings, municipality_id) or default_settings(municipality_id),
                              year),
        "providers": _providers(providers),
        "units": sorted((_unit(u, provider_names) for u in units), key=lambda u: u["code"]),
    }
    if plan.kind == "followup-plan":
        templates = session.scalars(select(QuestionTemplate).where(QuestionTemplate.municipality_id == municipality_id)
                                    .order_by(QuestionTemplate.id)).all()
        block["followups"] = _followups(session, municipality_id, year, codes)
        block["deficiency_cases"] = _cases(session, municipality_id, year, codes)
        block["question_templates"] = _templates(templates)
        if personal_data:
            indexes = {t.id: i for i, t in enumerate(templates)}
            block["answer_cells"] = _cells(session, municipality_id, year, codes, indexes)
    else:
        block["quality_goals"] = _goals(session, municipality_id, year)
        block["lex_sarah_reports"] = _lex_sarah(session, municipality_id, year, codes)
        block["quality_report"] = _quality_report(session, municipality_id, year)
    return block


def _settings(settings: SwedenSettings, year: int) -> dict[str, Any]:
    """The settings; of the special review's areas, chosen per year, the plan's year's."""
    return {
        "schedule_preset": settings.schedule_preset,
        "schedule_overrides": settings.schedule_overrides or {},
        "ladder_overrides": settings.ladder_overrides or {},
        "suppression_threshold": settings.suppression_threshold,
        "kolada_id": settings.kolada_id,
        "special_review_area": special_review_areas(settings).get(str(year)) or {},
    }


def _providers(providers: list[Provider]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for provider in providers:  # a provider is known by its name; a second one of the same name is the same
        seen.setdefault(provider.name, {"name": provider.name, "organisation_number": provider.organisation_number})
    return list(seen.values())


def _unit(unit: Unit, provider_names: dict[int, str]) -> dict[str, Any]:
    return {
        "code": unit.code,
        "name": unit.name,
        "operating_form": unit.operating_form,
        "service_type": unit.service_type,
        "district": unit.district or "",
        "provider": provider_names.get(unit.provider_id) if unit.provider_id else None,
        "provider_started_on": _iso(unit.provider_started_on),
        "rotation_year": unit.rotation_year,
        "active": bool(unit.active),
    }


def _year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _followup_scope(municipality_id: int, year: int):
    first, last = _year_bounds(year)
    return and_(FollowUp.municipality_id == municipality_id, or_(
        FollowUp.done_on.between(first, last),
        and_(FollowUp.done_on.is_(None), FollowUp.planned_on.between(first, last)),
    ))


def _sort_key(row: dict[str, Any]) -> tuple:
    return tuple("" if value is None else str(value) for value in row.values())


def _followups(session: Session, municipality_id: int, year: int, codes: dict[int, str]) -> list[dict[str, Any]]:
    rows = [
        {"unit": codes.get(f.unit_id) if f.unit_id else None, "method": f.method, "planned_on": _iso(f.planned_on),
         "done_on": _iso(f.done_on), "deficiencies_found": bool(f.deficiencies_found), "summary": f.summary or ""}
        for f in session.scalars(select(FollowUp).where(_followup_scope(municipality_id, year)))
    ]
    return sorted(rows, key=_sort_key)


def _case_scope(municipality_id: int, year: int):
    first, last = _year_bounds(year)
    return and_(DeficiencyCase.municipality_id == municipality_id, DeficiencyCase.opened_on <= last,
                or_(DeficiencyCase.closed_on.is_(None), DeficiencyCase.closed_on >= first))


def _cases(session: Session, municipality_id: int, year: int, codes: dict[int, str]) -> list[dict[str, Any]]:
    cases = session.scalars(select(DeficiencyCase).where(_case_scope(municipality_id, year))
                            .options(selectinload(DeficiencyCase.steps)))
    rows = []
    for case in cases:
        head = {"unit": codes[case.unit_id], "opened_on": _iso(case.opened_on), "description": case.description or "",
                "track": case.track, "acute": bool(case.acute), "state": case.state,
                "next_step_due_on": _iso(case.next_step_due_on), "closed_on": _iso(case.closed_on)}
        steps = [{"step": s.step, "from_state": s.from_state, "to_state": s.to_state, "taken_on": _iso(s.taken_on),
                  "decided_by": s.decided_by, "recorded_at": _iso(s.recorded_at), "due_on": _iso(s.due_on),
                  "note": s.note or ""}
                 for s in case.steps if s.withdrawn_at is None]  # in the order taken; a withdrawn one is not in force
        rows.append(((_sort_key(head), json.dumps(steps)), {**head, "steps": steps}))
    return [row for _, row in sorted(rows, key=lambda pair: pair[0])]


def _templates(templates: list[QuestionTemplate]) -> list[dict[str, Any]]:
    index = {t.id: i for i, t in enumerate(templates)}
    return [{"name": t.name, "district": t.district or "", "version": t.version,
             "parent": index.get(t.parent_id) if t.parent_id else None, "definition": t.definition or {}}
            for t in templates]


def _cells(session: Session, municipality_id: int, year: int, codes: dict[int, str],
           templates: dict[int, int]) -> list[dict[str, Any]]:
    cells = session.scalars(select(AnswerCell).where(AnswerCell.municipality_id == municipality_id,
                                                     AnswerCell.year == year))
    rows = [{"template": templates[c.template_id], "respondent": c.respondent, "area": c.area,
             "district": c.district, "unit": codes[c.unit_id], "answers": c.answers, "positive": c.positive,
             "respondents": c.respondents} for c in cells]
    return sorted(rows, key=lambda r: (r["template"], r["respondent"], r["area"], r["district"], r["unit"]))


def _goals(session: Session, municipality_id: int, year: int) -> list[dict[str, Any]]:
    goals = session.scalars(
        select(QualityGoal).where(QualityGoal.municipality_id == municipality_id, QualityGoal.year == year,
                                  goals_service.LIVE)
        .order_by(QualityGoal.position, QualityGoal.id)
        .options(selectinload(QualityGoal.indicators).selectinload(GoalIndicator.values))
    )
    earlier = goals_service.earlier_indicators(session, municipality_id, year)
    figures = _kolada_figures(session, municipality_id, year)

    def values(indicator: GoalIndicator) -> list[GoalValue]:
        # The earlier years' results the report prints beside the year's travel with it (they belong to
        # those years' goals otherwise, which another plan's document carries).
        own = {v.year for v in indicator.values}
        kept = [v for v in goals_service.earlier_values(indicator, year, earlier) if v.year not in own]
        return sorted([*indicator.values, *kept], key=lambda v: v.year)

    return [{
        "position": goal.position,
        "title": goal.title or {},
        "kind": goal.kind,
        "target": decimal_to_json(goal.target),
        "indicators": [{
            "scope": indicator.scope or {},
            "kolada_kpi": indicator.kolada_kpi,
            "values": [{"year": v.year, "value": decimal_to_json(v.value),
                        "national_value": decimal_to_json(v.national_value), "source": v.source,
                        "outcome": v.outcome, "comment": v.comment or {}}
                       for v in values(indicator)],
            "kolada_figures": figures.get(indicator.id, []),
        } for indicator in sorted(goal.indicators, key=lambda i: (i.position, i.id))],
    } for goal in goals]


def _kolada_figures(session: Session, municipality_id: int, year: int) -> dict[int, list[dict[str, Any]]]:
    """Per indicator of the year's goals, Kolada's figures as it gave them: for women and men too, and its
    status of a missing one ("Saknas"), which the report prints (one query)."""
    rows = session.scalars(
        select(KoladaFigure).join(GoalIndicator).join(QualityGoal)
        .where(KoladaFigure.municipality_id == municipality_id, QualityGoal.year == year, goals_service.LIVE)
        .order_by(KoladaFigure.year, KoladaFigure.national, KoladaFigure.gender))
    figures: dict[int, list[dict[str, Any]]] = {}
    for f in rows:
        figures.setdefault(f.indicator_id, []).append({
            "year": f.year, "national": bool(f.national), "gender": f.gender, "value": decimal_to_json(f.value),
            "status": f.status or ""})
    return figures


def _quality_report(session: Session, municipality_id: int, year: int) -> dict[str, Any]:
    cover = quality_report.cover_of(session, municipality_id, year)
    return {"organisation": cover["organisation"], "report_date": _iso(cover["report_date"]),
            "responsible": cover["responsible"],
            "sections": [{k: v for k, v in section.items() if k != "title" or v}  # a default's title: none
                         for section in quality_report.stored_sections(session, municipality_id, year)]}


def _lex_sarah(session: Session, municipality_id: int, year: int, codes: dict[int, str]) -> list[dict[str, Any]]:
    reports = session.scalars(select(LexSarahReport).where(LexSarahReport.municipality_id == municipality_id,
                                                           LexSarahReport.year == year))
    rows = [{"area": r.area, "sex": r.sex, "reported_to_ivo": bool(r.reported_to_ivo),
             "reported_on": _iso(r.reported_on), "unit": codes.get(r.unit_id) if r.unit_id else None,
             "reference": r.reference or ""} for r in reports]
    return sorted(rows, key=_sort_key)


# --- reading: every value checked, with its path ----------------------------------------------------


def _object(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise DocumentError(path, "an object is expected")
    return value


def _fields(value: Any, path: str, allowed: tuple[str, ...]) -> dict[str, Any]:
    data = _object(value, path)
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise DocumentError(f"{path}.{unknown[0]}", "this field is unknown")
    return data


def _list(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise DocumentError(path, "a list is expected")
    return value


def _text(value: Any, path: str, required: bool = False, max_length: int | None = None) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise DocumentError(path, "a text is expected")
    if required and not value.strip():
        raise DocumentError(path, "a text is required")
    if max_length is not None and len(value) > max_length:
        raise DocumentError(path, f"at most {max_length} characters are allowed")
    return value


def _optional_text(value: Any, path: str, max_length: int) -> str | None:
    return None if value is None else _text(value, path, max_length=max_length)


def _choice(value: Any, path: str, choices: Any) -> str:
    if value not in choices:
        raise DocumentError(path, f"'{value}' is not one of {', '.join(map(str, choices))}")
    return value


def _bool(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise DocumentError(path, "true or false is expected")
    return value


def _int(value: Any, path: str, minimum: int | None = None, nullable: bool = False) -> int | None:
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise DocumentError(path, "a whole number is expected")
    if minimum is not None and value < minimum:
        raise DocumentError(path, f"a whole number of at least {minimum} is expected")
    return value


def _date(value: Any, path: str, nullable: bool = True) -> dt.date | None:
    if value is None and nullable:
        return None
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise DocumentError(path, "a date written as YYYY-MM-DD is expected") from None


def _datetime(value: Any, path: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise DocumentError(path, "a date and time in ISO 8601 is expected") from None


def _translated(value: Any, path: str) -> dict[str, str]:
    data = _object({} if value is None else value, path)
    for locale, text in data.items():
        _text(text, f"{path}.{locale}")
    return dict(data)


def _percent(value: Any, path: str, nullable: bool = True) -> Decimal | None:
    number = decimal_from_json(value, path)
    if number is None:
        if not nullable:
            raise DocumentError(path, "a percentage is required")
        return None
    if not Decimal(0) <= number <= Decimal(100) or number != number.quantize(Decimal("0.01")):
        raise DocumentError(path, f"a percentage from 0 to 100 with at most two decimals is expected, not {value}")
    return number


def _items(data: dict[str, Any], key: str, read: Callable[[Any, str], Any]) -> list[Any] | None:
    """``read`` applied to each item of the list under ``key``, or None when the key is left out."""
    if key not in data:
        return None
    path = f"{ROOT}.{key}"
    return [read(item, f"{path}[{i}]") for i, item in enumerate(_list(data[key], path))]


def _read_settings(value: Any, path: str) -> dict[str, Any]:
    data = _fields(value, path, ("schedule_preset", "schedule_overrides", "ladder_overrides",
                                 "suppression_threshold", "kolada_id", "special_review_area"))
    preset = _choice(data.get("schedule_preset"), f"{path}.schedule_preset", tuple(PRESETS))
    overrides = _object(data.get("schedule_overrides") or {}, f"{path}.schedule_overrides")
    for key, override in overrides.items():
        if key not in PRESETS[preset]:
            raise DocumentError(f"{path}.schedule_overrides.{key}", f"the preset '{preset}' has no rule '{key}'")
        if type(override) is not type(PRESETS[preset][key]):
            raise DocumentError(f"{path}.schedule_overrides.{key}", "the value is not of the preset's kind")
    ladder = _object(data.get("ladder_overrides") or {}, f"{path}.ladder_overrides")
    for key, override in ladder.items():
        if key not in DEFAULT_LADDER:
            raise DocumentError(f"{path}.ladder_overrides.{key}", f"the sanctions ladder has no part '{key}'")
        _object(override, f"{path}.ladder_overrides.{key}")
    for key, period in (ladder.get("deadlines") or {}).items():
        where = f"{path}.ladder_overrides.deadlines.{key}"
        if period is None:  # no deadline
            continue
        for unit, amount in _fields(period, where, ("months", "days")).items():
            _int(amount, f"{where}.{unit}", minimum=0)
    return {
        "schedule_preset": preset,
        "schedule_overrides": dict(overrides),
        "ladder_overrides": dict(ladder),
        "suppression_threshold": _int(data.get("suppression_threshold"), f"{path}.suppression_threshold", 1),
        "kolada_id": _optional_text(data.get("kolada_id"), f"{path}.kolada_id", 8) or None,
        "special_review_area": _translated(data.get("special_review_area"), f"{path}.special_review_area"),
    }


def _read_provider(value: Any, path: str) -> dict[str, Any]:
    data = _fields(value, path, ("name", "organisation_number"))
    return {"name": _text(data.get("name"), f"{path}.name", required=True, max_length=200),
            "organisation_number": _optional_text(data.get("organisation_number"), f"{path}.organisation_number",
                                                  40)}


def _read_unit(value: Any, path: str) -> dict[str, Any]:
    data = _fields(value, path, ("code", "name", "operating_form", "service_type", "district", "provider",
                                 "provider_started_on", "rotation_year", "active"))
    return {
        "code": _text(data.get("code"), f"{path}.code", required=True, max_length=40).strip(),
        "name": _text(data.get("name"), f"{path}.name", required=True, max_length=200).strip(),
        "operating_form": _choice(data.get("operating_form"), f"{path}.operating_form",
                                  [f.value for f in OperatingForm]),
        "service_type": _choice(data.get("service_type"), f"{path}.service_type", [t.value for t in ServiceType]),
        "district": _text(data.get("district"), f"{path}.district", max_length=120),
        "provider": _optional_text(data.get("provider"), f"{path}.provider", 200),
        "provider_started_on": _date(data.get("provider_started_on"), f"{path}.provider_started_on"),
        "rotation_year": _int(data.get("rotation_year"), f"{path}.rotation_year", ROTATION_YEARS[0], nullable=True),
        "active": _bool(data.get("active", True), f"{path}.active"),
    }


def _read_followup(value: Any, path: str) -> dict[str, Any]:
    data = _fields(value, path, ("unit", "method", "planned_on", "done_on", "deficiencies_found", "summary"))
    row = {
        "unit": _optional_text(data.get("unit"), f"{path}.unit", 40),
        "method": _choice(data.get("method"), f"{path}.method", tuple(methods())),
        "planned_on": _date(data.get("planned_on"), f"{path}.planned_on"),
        "done_on": _date(data.get("done_on"), f"{path}.done_on"),
        "deficiencies_found": _bool(data.get("deficiencies_found", False), f"{path}.deficiencies_found"),
        "summary": _text(data.get("summary"), f"{path}.summary"),
    }
    return row


def _read_step(value: Any, path: str) -> dict[str, Any]:
    data = _fields(value, path, ("step", "from_state", "to_state", "taken_on", "decided_by", "recorded_at",
                                 "due_on", "note"))
    return {
        "step": _choice(data.get("step"), f"{path}.step", ("open", *STEP_LABELS)),
        "from_state": _choice(data.get("from_state") or "", f"{path}.from_state", ("", *STATE_LABELS)),
        "to_state": _choice(data.get("to_state"), f"{path}.to_state", tuple(STATE_LABELS)),
        "taken_on": _date(data.get("taken_on"), f"{path}.taken_on", nullable=False),
        "decided_by": _text(data.get("decided_by"), f"{path}.decided_by", required=True, max_length=200),
        "recorded_at": _datetime(data.get("recorded_at"), f"{path}.recorded_at"),
        "due_on": _date(data.get("due_on"), f"{path}.due_on"),
        "note": _text(data.get("note"), f"{path}.note"),
    }


def _read_case(value: Any, path: str) -> dict[str, Any]:
    data = _fields(value, path, ("unit", "opened_on", "description", "track", "acute", "state",
                                 "next_step_due_on", "closed_on", "steps"))
    steps = data.get("steps") or []
    return {
        "unit": _text(data.get("unit"), f"{path}.unit", required=True, max_length=40),
        "opened_on": _date(data.get("opened_on"), f"{path}.opened_on", nullable=False),
        "description": _text(data.get("description"), f"{path}.description"),
        "track": _choice(data.get("track"), f"{path}.track", [t.value for t in CaseTrack]),
        "acute": _bool(data.get("acute", False), f"{path}.acute"),
        "state": _choice(data.get("state"), f"{path}.state", tuple(STATE_LABELS)),
        "next_step_due_on": _date(data.get("next_step_due_on"), f"{path}.next_step_due_on"),
        "closed_on": _date(data.get("closed_on"), f"{path}.closed_on"),
        "steps": [_read_step(step, f"{path}.steps[{i}]") for i, step in enumerate(_list(steps, f"{path}.steps"))],
    }


def _read_template(value: Any, path: str) -> dict[str, Any]:
    data = _fields(value, path, ("name", "district", "version", "parent", "definition"))
    return {
        "name": _text(data.get("name"), f"{path}.name", required=True, max_length=200),
        "district": _text(data.get("district"), f"{path}.district", max_length=120),
        "version": _text(data.get("version"), f"{path}.version", required=True, max_length=40),
        "parent": _int(data.get("parent"), f"{path}.parent", 0, nullable=True),
        "definition": _object(data.get("definition"), f"{path}.definition"),
    }


def _read_cell(value: Any, path: str) -> dict[str, Any]:
    data = _fields(value, path, ("template", "respondent", "area", "district", "unit", "answers", "positive",
                                 "respondents"))
    cell = {
        "template": _int(data.get("template"), f"{path}.template", 0),
        "respondent": _choice(data.get("respondent"), f"{path}.respondent", RESPONDENTS),
        "area": _text(data.get("area"), f"{path}.area", required=True, max_length=40),
        "district": _text(data.get("district"), f"{path}.district", max_length=120),
        "unit": _text(data.get("unit"), f"{path}.unit", required=True, max_length=40),
        "answers": _int(data.get("answers"), f"{path}.answers", 0),
        "positive": _int(data.get("positive"), f"{path}.positive", 0),
        "respondents": _int(data.get("respondents"), f"{path}.respondents", 0),
    }
    if cell["positive"] > cell["answers"]:
        raise DocumentError(f"{path}.positive", "there are more positive answers than answers")
    if cell["respondents"] > cell["answers"] or (cell["answers"] and not cell["respondents"]):
        raise DocumentError(f"{path}.respondents", "every respondent gives at least one answer")
    return cell


def _measure(value: Any, path: str, kind: str, nullable: bool = True) -> Decimal | None:
    """A goal's target or result: a percentage, or for a count goal a number from 0 to 99,999."""
    if kind != "count":
        return _percent(value, path, nullable)
    number = decimal_from_json(value, path)
    if number is None:
        if not nullable:
            raise DocumentError(path, "a count is required")
        return None
    if not Decimal(0) <= number <= Decimal(99999) or number != number.quantize(Decimal("0.01")):
        raise DocumentError(path, f"a count from 0 to 99999 with at most two decimals is expected, not {value}")
    return number


def _read_value(value: Any, path: str, kind: str = "percent") -> dict[str, Any]:
    data = _fields(value, path, ("year", "value", "national_value", "source", "outcome", "comment"))
    outcome = data.get("outcome")
    row = {"year": _int(data.get("year"), f"{path}.year", 1900),
           "value": _measure(data.get("value"), f"{path}.value", kind),
           "national_value": _percent(data.get("national_value"), f"{path}.national_value"),
           "source": _choice(data.get("source", "manual"), f"{path}.source", SOURCES),
           "outcome": None if outcome is None else _bool(outcome, f"{path}.outcome"),
           "comment": _translated(data.get("comment"), f"{path}.comment")}
    if kind in ("yes_no", "text") and row["value"] is not None:
        raise DocumentError(f"{path}.value", "a yes/no goal or a goal described in words has no figure")
    return row


def _read_figure(value: Any, path: str) -> dict[str, Any]:
    data = _fields(value, path, ("year", "national", "gender", "value", "status"))
    return {"year": _int(data.get("year"), f"{path}.year", 1900),
            "national": _bool(data.get("national", False), f"{path}.national"),
            "gender": _choice(data.get("gender"), f"{path}.gender", KOLADA_GENDERS),
            "value": _percent(data.get("value"), f"{path}.value"),
            "status": _text(data.get("status"), f"{path}.status", max_length=40)}


def _read_indicator(value: Any, path: str, kind: str = "percent") -> dict[str, Any]:
    data = _fields(value, path, ("scope", "kolada_kpi", "values", "kolada_figures"))
    values = [_read_value(v, f"{path}.values[{i}]", kind)
              for i, v in enumerate(_list(data.get("values") or [], f"{path}.values"))]
    years = [v["year"] for v in values]
    for i, year in enumerate(years):
        if year in years[:i]:
            raise DocumentError(f"{path}.values[{i}].year", f"the year {year} is given twice")
    # Left out of documents written before the block carried them: then no figure of Kolada's is kept.
    figures = [_read_figure(f, f"{path}.kolada_figures[{i}]")
               for i, f in enumerate(_list(data.get("kolada_figures") or [], f"{path}.kolada_figures"))]
    keys = [(f["year"], f["national"], f["gender"]) for f in figures]
    for i, key in enumerate(keys):
        if key in keys[:i]:
            raise DocumentError(f"{path}.kolada_figures[{i}]", "this figure is given twice")
    return {"scope": _translated(data.get("scope"), f"{path}.scope"),
            "kolada_kpi": _optional_text(data.get("kolada_kpi"), f"{path}.kolada_kpi", 20) or None,
            "values": values, "kolada_figures": figures}


def _read_goal(value: Any, path: str) -> dict[str, Any]:
    data = _fields(value, path, ("position", "title", "kind", "target", "indicators"))
    indicators = _list(data.get("indicators") or [], f"{path}.indicators")
    kind = _choice(data.get("kind", "percent"), f"{path}.kind", GOAL_KINDS)
    numeric = kind in ("percent", "count")
    target = _measure(data.get("target"), f"{path}.target", kind, nullable=not numeric)
    if not numeric and target is not None:
        raise DocumentError(f"{path}.target", "a yes/no goal or a goal described in words has no numeric target")
    return {"position": _int(data.get("position", 0), f"{path}.position", 0),
            "title": _translated(data.get("title"), f"{path}.title"),
            "kind": kind, "target": target,
            "indicators": [_read_indicator(item, f"{path}.indicators[{i}]", kind)
                           for i, item in enumerate(indicators)]}


def _read_quality_report(value: Any, path: str) -> dict[str, Any]:
    data = _fields(value, path, ("organisation", "report_date", "responsible", "sections"))
    people = []
    for i, person in enumerate(_list(data.get("responsible") or [], f"{path}.responsible")):
        where = f"{path}.responsible[{i}]"
        person = _fields(person, where, ("name", "role"))
        people.append({"name": _text(person.get("name"), f"{where}.name", required=True, max_length=200).strip(),
                       "role": _translated(person.get("role"), f"{where}.role")})
    sections, keys = [], set()
    raw = _list(data.get("sections") or [], f"{path}.sections")
    if len(raw) > quality_report.MAX_SECTIONS:
        raise DocumentError(f"{path}.sections", f"at most {quality_report.MAX_SECTIONS} sections are allowed")
    for i, section in enumerate(raw):
        where = f"{path}.sections[{i}]"
        section = _fields(section, where, ("key", "title", "level", "shows"))
        key = _text(section.get("key"), f"{where}.key", required=True, max_length=60)
        if key in keys:
            raise DocumentError(f"{where}.key", f"'{key}' is given twice")
        keys.add(key)
        title = _translated(section.get("title"), f"{where}.title") if section.get("title") is not None else {}
        if not any(text.strip() for text in title.values()) and key not in quality_report.DEFAULT_TITLES:
            raise DocumentError(f"{where}.title", "a title in at least one language is required (only a default "
                                "section may leave it out)")
        sections.append({"key": key, "title": title if any(text.strip() for text in title.values()) else None,
                         "level": _choice(section.get("level", 1), f"{where}.level", quality_report.LEVELS),
                         "shows": _choice(section.get("shows", ""), f"{where}.shows", tuple(quality_report.SHOWS))})
    return {"organisation": _translated(data.get("organisation"), f"{path}.organisation"),
            "report_date": _date(data.get("report_date"), f"{path}.report_date"),
            "responsible": people, "sections": sections if "sections" in data else None}


def _read_lex_sarah(value: Any, path: str) -> dict[str, Any]:
    data = _fields(value, path, ("area", "sex", "reported_to_ivo", "reported_on", "unit", "reference"))
    sex = data.get("sex")
    return {"area": _choice(data.get("area"), f"{path}.area", tuple(AREAS)),
            "sex": None if sex is None else _choice(sex, f"{path}.sex", [s.value for s in Sex]),
            "reported_to_ivo": _bool(data.get("reported_to_ivo", False), f"{path}.reported_to_ivo"),
            "reported_on": _date(data.get("reported_on"), f"{path}.reported_on"),
            "unit": _optional_text(data.get("unit"), f"{path}.unit", 40),
            "reference": _text(data.get("reference"), f"{path}.reference", max_length=80)}


READERS: dict[str, Callable[[Any, str], Any]] = {
    "providers": _read_provider,
    "units": _read_unit,
    "followups": _read_followup,
    "deficiency_cases": _read_case,
    "question_templates": _read_template,
    "answer_cells": _read_cell,
    "quality_goals": _read_goal,
    "lex_sarah_reports": _read_lex_sarah,
}


def read(plan: AnnualPlan, data: Any, known_units: set[str], known_providers: set[str],
         personal_data: bool = False) -> dict[str, Any]:
    """The block checked whole: values, references between its parts, and the plan's year.

    Answer cells are read only from a document marked as holding personal data.
    """
    keys = KINDS.get(plan.kind)
    if keys is None:
        raise DocumentError(ROOT, f"the Swedish plugin keeps no data for plans of kind '{plan.kind}'")
    data = _fields(data, ROOT, keys)
    if "answer_cells" in data and not personal_data:
        raise DocumentError(f"{ROOT}.answer_cells", "answer counts per unit are personal-level data: only a "
                            "document exported with them (\"personal_data\": true) may carry them")
    if data.get("version", VERSION) != VERSION:
        raise DocumentError(f"{ROOT}.version", f"only version {VERSION} of the Swedish block can be read")
    block: dict[str, Any] = {"settings": _read_settings(data["settings"], f"{ROOT}.settings")
                             if "settings" in data else None,
                             "quality_report": _read_quality_report(data["quality_report"], f"{ROOT}.quality_report")
                             if "quality_report" in data else None}
    for key in keys[2:]:
        if key in READERS:
            block[key] = _items(data, key, READERS[key])
    _check_unique(block, "providers", "name")
    _check_unique(block, "units", "code")
    _check_references(plan, block, known_units | {u["code"] for u in block["units"] or []},
                      known_providers | {p["name"] for p in block["providers"] or []})
    return block


def _check_unique(block: dict[str, Any], key: str, field: str) -> None:
    seen: set[str] = set()
    for i, item in enumerate(block[key] or []):
        if item[field] in seen:
            raise DocumentError(f"{ROOT}.{key}[{i}].{field}", f"'{item[field]}' is given twice")
        seen.add(item[field])


def _check_unit(code: str | None, path: str, units: set[str]) -> None:
    if code is not None and code not in units:
        raise DocumentError(path, f"there is no unit '{code}'")


def _in_year(day: dt.date | None, year: int) -> bool:
    return day is not None and day.year == year


def _check_references(plan: AnnualPlan, block: dict[str, Any], units: set[str], providers: set[str]) -> None:
    year = plan.year
    for i, unit in enumerate(block["units"] or []):
        if unit["provider"] is not None and unit["provider"] not in providers:
            raise DocumentError(f"{ROOT}.units[{i}].provider", f"there is no provider '{unit['provider']}'")
    for i, row in enumerate(block.get("followups") or []):
        path = f"{ROOT}.followups[{i}]"
        _check_unit(row["unit"], f"{path}.unit", units)
        if not (_in_year(row["done_on"], year) or (row["done_on"] is None and _in_year(row["planned_on"], year))):
            raise DocumentError(f"{path}.done_on", f"a follow-up of the plan must be done (or planned) in {year}")
    first, last = _year_bounds(year)
    for i, case in enumerate(block.get("deficiency_cases") or []):
        path = f"{ROOT}.deficiency_cases[{i}]"
        _check_unit(case["unit"], f"{path}.unit", units)
        if case["opened_on"] > last or (case["closed_on"] is not None and case["closed_on"] < first):
            raise DocumentError(f"{path}.opened_on", f"the case is not open at any time in {year}")
    _check_templates(block.get("question_templates"), block.get("answer_cells"), units)
    for i, report in enumerate(block.get("lex_sarah_reports") or []):
        path = f"{ROOT}.lex_sarah_reports[{i}]"
        _check_unit(report["unit"], f"{path}.unit", units)
        if report["reported_on"] is not None and report["reported_on"].year != year:
            raise DocumentError(f"{path}.reported_on", f"the report is not of {year}")


def _check_templates(templates: list[dict[str, Any]] | None, cells: list[dict[str, Any]] | None,
                     units: set[str]) -> None:
    merged: list[dict[str, Any]] = []
    for i, template in enumerate(templates or []):
        path = f"{ROOT}.question_templates[{i}]"
        parent = template["parent"]
        if parent is not None and parent >= i:
            raise DocumentError(f"{path}.parent", "the parent must be a template listed before this one")
        base = merged[parent] if parent is not None else None
        try:
            validate_definition(template["definition"], base)
        except SwedenValidationError as error:
            raise DocumentError(f"{path}.definition", str(error)) from None
        except (KeyError, TypeError, ValueError, AttributeError):
            raise DocumentError(f"{path}.definition", "the definition is not a question template") from None
        merged.append(_merge(base, template["definition"]))
    seen: set[tuple] = set()
    for i, cell in enumerate(cells or []):
        path = f"{ROOT}.answer_cells[{i}]"
        if cell["template"] >= len(merged):
            raise DocumentError(f"{path}.template", f"there is no question template {cell['template']}")
        if cell["area"] not in {a["code"] for a in merged[cell["template"]]["areas"]}:
            raise DocumentError(f"{path}.area", f"the template has no question area '{cell['area']}'")
        _check_unit(cell["unit"], f"{path}.unit", units)
        key = (cell["template"], cell["respondent"], cell["area"], cell["district"], cell["unit"])
        if key in seen:
            raise DocumentError(path, "this cell is given twice")
        seen.add(key)


def _merge(base: dict[str, Any] | None, definition: dict[str, Any]) -> dict[str, Any]:
    base = base or {"areas": [], "scales": {}, "questions": []}
    return {"areas": base["areas"] + list(definition.get("areas", [])),
            "scales": {**base["scales"], **definition.get("scales", {})},
            "questions": base["questions"] + list(definition.get("questions", []))}


# --- import ----------------------------------------------------------------------------------------


def import_block(plan: AnnualPlan, session: Session, data: Any, personal_data: bool = False) -> None:
    """Replace the plugin's data for ``plan`` with the block ``data`` (see the module's docstring);
    ``personal_data``: the document is marked as holding personal-level data (the answer cells)."""
    municipality_id = plan.municipality_id
    units = set(session.scalars(select(Unit.code).where(Unit.municipality_id == municipality_id)))
    providers = set(session.scalars(select(Provider.name).where(Provider.municipality_id == municipality_id)))
    block = read(plan, data, units, providers, personal_data)
    if block["settings"] is not None:
        _write_settings(session, municipality_id, block["settings"], plan.year)
    providers = _write_providers(session, municipality_id, block["providers"])
    units = _write_units(session, municipality_id, block["units"], providers)
    if block.get("followups") is not None:
        _write_followups(session, plan, block["followups"], units)
    if block.get("deficiency_cases") is not None:
        _write_cases(session, plan, block["deficiency_cases"], units)
    templates = _write_templates(session, municipality_id, block.get("question_templates"))
    if block.get("answer_cells") is not None:
        _write_cells(session, plan, block["answer_cells"], units, templates)
    if block.get("quality_goals") is not None:
        _write_goals(session, plan, block["quality_goals"])
    if block.get("lex_sarah_reports") is not None:
        _write_lex_sarah(session, plan, block["lex_sarah_reports"], units)
    if block.get("quality_report") is not None:
        _write_quality_report(session, plan, block["quality_report"])
    session.flush()


def _write_settings(session: Session, municipality_id: int, values: dict[str, Any], year: int) -> None:
    settings = session.get(SwedenSettings, municipality_id)
    if settings is None:
        settings = SwedenSettings(municipality_id=municipality_id, special_review_area={})
        session.add(settings)
    areas = special_review_areas(settings)  # the document carries its year's area; other years' stay
    area = values.get("special_review_area") or {}
    if area:
        areas[str(year)] = area
    else:
        areas.pop(str(year), None)
    for key, value in values.items():
        setattr(settings, key, value)
    settings.special_review_area = dict(sorted(areas.items()))
    session.flush()


def _write_providers(session: Session, municipality_id: int, rows: list[dict[str, Any]] | None) -> dict[str, int]:
    by_name: dict[str, Provider] = {}
    for provider in session.scalars(select(Provider).where(Provider.municipality_id == municipality_id)
                                    .order_by(Provider.id)):
        by_name.setdefault(provider.name, provider)
    for row in rows or []:
        provider = by_name.get(row["name"])
        if provider is None:
            provider = by_name[row["name"]] = add_provider(session, municipality_id, row["name"])  # core's service
        set_organisation_number(provider, row["organisation_number"])
    session.flush()
    return {name: provider.id for name, provider in by_name.items()}


def _write_units(session: Session, municipality_id: int, rows: list[dict[str, Any]] | None,
                 providers: dict[str, int]) -> dict[str, int]:
    by_code = {u.code: u for u in session.scalars(select(Unit).where(Unit.municipality_id == municipality_id))}
    for row in rows or []:
        unit = by_code.get(row["code"])
        if unit is None:
            unit = by_code[row["code"]] = Unit(municipality_id=municipality_id, code=row["code"])
            session.add(unit)
        values = {**row, "provider_id": providers[row["provider"]] if row["provider"] else None}
        del values["provider"]
        for key, value in values.items():
            setattr(unit, key, value)
    session.flush()
    return {code: unit.id for code, unit in by_code.items()}


def _write_followups(session: Session, plan: AnnualPlan, rows: list[dict[str, Any]], units: dict[str, int]) -> None:
    session.execute(delete(FollowUp).where(_followup_scope(plan.municipality_id, plan.year)))
    session.add_all(FollowUp(municipality_id=plan.municipality_id, unit_id=units[row["unit"]] if row["unit"] else None,
                             **{k: v for k, v in row.items() if k != "unit"}) for row in rows)
    session.flush()


def _write_cases(session: Session, plan: AnnualPlan, rows: list[dict[str, Any]], units: dict[str, int]) -> None:
    """Cases of the year, matched to those already there by unit, opening date and description.

    A matched case keeps its id, so deficiencies recorded against it stay linked to it.
    """
    existing = session.scalars(select(DeficiencyCase).where(_case_scope(plan.municipality_id, plan.year))
                               .order_by(DeficiencyCase.id).options(selectinload(DeficiencyCase.steps))).all()
    waiting: dict[tuple, list[DeficiencyCase]] = {}
    for case in existing:
        waiting.setdefault((case.unit_id, case.opened_on, case.description or ""), []).append(case)
    for row in rows:
        unit_id = units[row["unit"]]
        matches = waiting.get((unit_id, row["opened_on"], row["description"])) or []
        case = matches.pop(0) if matches else None
        if case is None:
            case = DeficiencyCase(municipality_id=plan.municipality_id)
            session.add(case)
        for key, value in row.items():
            if key not in ("unit", "steps"):
                setattr(case, key, value)
        case.unit_id = unit_id
        case.steps.clear()
        session.flush()  # the old steps go before the new ones, which are numbered in the order taken
        case.steps.extend(CaseStep(**step) for step in row["steps"])
    left = [case.id for cases in waiting.values() for case in cases]
    if left:
        session.execute(update(Deficiency).where(Deficiency.case_id.in_(left)).values(case_id=None))
        for cases in waiting.values():
            for case in cases:
                session.delete(case)
    session.flush()


def _write_templates(session: Session, municipality_id: int, rows: list[dict[str, Any]] | None) -> list[int]:
    existing = {(t.name, t.district or "", t.version): t for t in session.scalars(
        select(QuestionTemplate).where(QuestionTemplate.municipality_id == municipality_id))}
    ids: list[int] = []
    for i, row in enumerate(rows or []):
        parent_id = ids[row["parent"]] if row["parent"] is not None else None
        template = existing.get((row["name"], row["district"], row["version"]))
        if template is None:
            template = QuestionTemplate(municipality_id=municipality_id, name=row["name"], district=row["district"],
                                        version=row["version"], definition=row["definition"], parent_id=parent_id)
            session.add(template)
            session.flush()
        elif template.definition != row["definition"] or template.parent_id != parent_id:
            # Answers were counted positive or not with the stored definition: a changed template is a new version.
            raise DocumentError(f"{ROOT}.question_templates[{i}].version",
                                f"the template '{row['name']}' version '{row['version']}' exists with another "
                                "definition; give the changed template a new version")
        ids.append(template.id)
    return ids


def _write_cells(session: Session, plan: AnnualPlan, rows: list[dict[str, Any]], units: dict[str, int],
                 templates: list[int]) -> None:
    """The year's cells as the document gives them; the raw answers (if any are here) are not recounted."""
    session.execute(delete(AnswerCell).where(AnswerCell.municipality_id == plan.municipality_id,
                                             AnswerCell.year == plan.year))
    if rows:
        session.execute(insert(AnswerCell), [
            {**{k: v for k, v in row.items() if k not in ("template", "unit")}, "municipality_id": plan.municipality_id,
             "year": plan.year, "template_id": templates[row["template"]], "unit_id": units[row["unit"]]}
            for row in rows
        ])


def _write_goals(session: Session, plan: AnnualPlan, rows: list[dict[str, Any]]) -> None:
    """The year's goals as the document gives them; removed goals, which no document holds, stay restorable."""
    for goal in session.scalars(select(QualityGoal).where(QualityGoal.municipality_id == plan.municipality_id,
                                                          QualityGoal.year == plan.year, goals_service.LIVE)):
        session.delete(goal)
    session.flush()
    for row in rows:
        goal = QualityGoal(municipality_id=plan.municipality_id, year=plan.year, position=row["position"],
                           title=row["title"], kind=row["kind"], target=row["target"])
        for position, item in enumerate(row["indicators"]):
            indicator = GoalIndicator(position=position, scope=item["scope"], kolada_kpi=item["kolada_kpi"])
            indicator.values.extend(GoalValue(**value) for value in item["values"])
            goal.indicators.append(indicator)
        session.add(goal)
        session.flush()  # one goal at a time: ids follow the document's order, which reports sort by
        session.add_all(KoladaFigure(municipality_id=plan.municipality_id, indicator_id=indicator.id, **figure)
                        for indicator, item in zip(goal.indicators, row["indicators"], strict=True)
                        for figure in item["kolada_figures"])


def _write_quality_report(session: Session, plan: AnnualPlan, data: dict[str, Any]) -> None:
    """The year's cover and list of sections as the document gives them (a list left out: as it was)."""
    report = quality_report.stored(session, plan.municipality_id, plan.year)
    if report is None:
        report = QualityReport(municipality_id=plan.municipality_id, year=plan.year)
        session.add(report)
    report.organisation, report.report_date = data["organisation"], data["report_date"]
    report.responsible = data["responsible"]
    if data["sections"] is not None:
        report.sections = data["sections"]
    session.flush()


def _write_lex_sarah(session: Session, plan: AnnualPlan, rows: list[dict[str, Any]], units: dict[str, int]) -> None:
    session.execute(delete(LexSarahReport).where(LexSarahReport.municipality_id == plan.municipality_id,
                                                 LexSarahReport.year == plan.year))
    session.add_all(LexSarahReport(municipality_id=plan.municipality_id, year=plan.year,
                                   unit_id=units[row["unit"]] if row["unit"] else None,
                                   **{k: v for k, v in row.items() if k != "unit"}) for row in rows)
    session.flush()
