"""Rules of the Swedish plan kinds; findings name ``<section>/<row>/<column>`` so the editor places them.

Rule ids start with ``se.``. A quality-report section row should hold Resultat and Analys (SOSFS
2011:9 ch. 7 § 1, as seed 002 writes each section); a follow-up plan should schedule every active
unit at least once in its year; its schedule rows should fall in the plan's year.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from core.sdk import Finding, Severity, ValidationContext
from plugins.sweden.i18n import _
from plugins.sweden.models import LexSarahReport, Unit


def _filled(value: Any) -> bool:
    if isinstance(value, dict):
        return any(str(text).strip() for text in value.values() if text)
    return bool(value and str(value).strip())


def _rows(document: dict[str, Any], key: str) -> list[dict[str, Any]]:
    return (document.get("sections", {}).get(key) or {}).get("rows") or []


def quality_report(document: dict[str, Any], context: ValidationContext) -> list[Finding]:
    from core.sdk import translated
    from plugins.sweden.services.quality_report import SECTION, resolved, sections_for

    block = (document.get("extensions") or {}).get("sweden") or {}
    kept = (block.get("quality_report") or {}).get("sections")
    sections = resolved(kept) if kept else sections_for(context.session, context.plan.municipality_id,
                                                        context.plan.year)
    titles = {s["key"]: translated(s["title"], context.locale) for s in sections}
    findings = []
    lex_sarah_rows = 0
    for index, row in enumerate(_rows(document, SECTION)):
        key = row.get("section")
        title = titles.get(key)
        name = _topic(row.get("topic")) or str(index + 1)
        if title is None:
            # A document naming a section the list lacks is refused on import (its rows would print under
            # "Other texts"); in the editor, a row whose section was removed is a warning to choose another.
            findings.append(Finding(Severity.WARNING, _(
                "Row %(row)s belongs to no section of the report's list: choose its section.", row=index + 1),
                f"{SECTION}/{index}/section", "se.quality-section", blocks_import=True))
            title = str(key or "")
        if any(s["key"] == key and s.get("shows") == "lex_sarah" for s in sections):
            lex_sarah_rows += 1
        # A row with its text or Syfte only introduces what follows (seed 002: 'Länsgemensam styrgrupp …',
        # 'Klagomål och synpunkter …'); once it reports, it needs Resultat and Analys.
        if not (_filled(row.get("result")) or _filled(row.get("analysis")) or _filled(row.get("improvements"))):
            continue
        if not _filled(row.get("result")):
            findings.append(Finding(Severity.WARNING, _(
                "'%(section)s', row '%(row)s': the result (Resultat) is missing.", section=title, row=name),
                f"{SECTION}/{index}/result", "se.quality-result"))
        if not _filled(row.get("analysis")):
            findings.append(Finding(Severity.WARNING, _(
                "'%(section)s', row '%(row)s': the analysis (Analys) is missing.", section=title, row=name),
                f"{SECTION}/{index}/analysis", "se.quality-analysis"))
    reports = context.session.scalar(select(func.count()).select_from(LexSarahReport).where(
        LexSarahReport.municipality_id == context.plan.municipality_id, LexSarahReport.year == context.plan.year))
    if reports and not lex_sarah_rows:
        findings.append(Finding(Severity.WARNING, _(
            "%(count)s lex Sarah reports were recorded for %(year)s, but the section on complaints, deviations and "
            "lex Sarah is empty.", count=reports, year=context.plan.year), SECTION,
            "se.quality-lex-sarah"))
    return findings


def _topic(topic: Any) -> str:
    if isinstance(topic, dict):
        return next((str(v) for v in topic.values() if v), "")
    return str(topic or "")


ROTATION_REACH = 2  # years either side of the plan's year: covers rotations of up to five years


def followup_plan(document: dict[str, Any], context: ValidationContext) -> list[Finding]:
    from plugins.sweden.services.followups import year_calendars

    session, year = context.session, context.plan.year
    findings = []
    schedule = _rows(document, "schedule")
    named = set()
    for index, row in enumerate(schedule):
        named.add(str(row.get("unit") or "").strip().casefold())
        due = _date(row.get("due"))
        if due is not None and due.year != year:
            findings.append(Finding(Severity.WARNING, _(
                "Schedule row %(row)s is due on %(date)s, outside the plan's year %(year)s.",
                row=index + 1, date=due.isoformat(), year=year), f"schedule/{index}/due", "se.schedule-year"))
    # A rotation may skip a unit for a year or two (Huddinge: in-house every third year), so a unit
    # is 'never scheduled' when no year of the rotation around the plan's year reaches it.
    calendars = year_calendars(session, context.plan.municipality_id,
                               range(year - ROTATION_REACH, year + ROTATION_REACH + 1))
    scheduled = {entry.unit_id for entries in calendars.values() for entry in entries}
    units = session.scalars(select(Unit).where(Unit.municipality_id == context.plan.municipality_id,
                                               Unit.active.is_(True)).order_by(Unit.name))
    for unit in units:
        if unit.id in scheduled or unit.name.casefold() in named or unit.code.casefold() in named:
            continue
        if unit.provider_started_on is not None and unit.provider_started_on.year > year:
            continue  # not started in the plan's year
        findings.append(Finding(Severity.WARNING, _(
            "The unit '%(unit)s' is never scheduled for a follow-up: the schedule rules do not reach it in the "
            "years %(first)s to %(last)s.", unit=unit.name, first=year - ROTATION_REACH, last=year + ROTATION_REACH),
            "schedule", "se.unit-not-scheduled"))
    return findings


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


RULES = {"quality-report": quality_report, "followup-plan": followup_plan}


def validate(document: dict[str, Any], context: ValidationContext) -> list[Finding]:
    rule = RULES.get(context.plan_kind.code)
    return rule(document, context) if rule else []
