"""A year's kvalitetsberättelse: the municipality's own list of sections and the cover's facts.

SOSFS 2011:9 ch. 7 § 1 asks for a yearly quality report; seed 002 (Eskilstuna 2017) shows its
sections, each written as Syfte, Resultat, Analys and Förbättringsförslag. A municipality starts
from :data:`DEFAULT_SECTIONS` and adds, renames, reorders and removes sections; a section of level
2 is a sub-section of the one before it. A section may show one of the report's tables: the
quality goals (``goals``) or the lex Sarah reports (``lex_sarah``). The plan's ``quality-work``
rows name their section by its key. A year keeps its own list (copied from the latest year before
it when first changed), so that a report of an earlier year is not changed by a later year's list.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from typing import Any

from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.sdk import LOCALES
from plugins.sweden.audit import record
from plugins.sweden.i18n import _l
from plugins.sweden.models import QualityReport
from plugins.sweden.services.errors import SwedenValidationError

SHOWS = {"": _l("Text only"), "goals": _l("The quality goals' table"), "lex_sarah": _l("The lex Sarah table")}
LEVELS = (1, 2)
SECTION = "quality-work"  # the plan kind's section whose rows are the report's texts
MAX_SECTIONS = 100
TITLE_MAX = 300


def _s(key: str, title: Any, level: int = 1, shows: str = "") -> dict[str, Any]:
    DEFAULT_TITLES[key] = title
    return {"key": key, "title": None, "level": level, "shows": shows}


# A default section keeps no title of its own ("title": None): its title is the sweden catalog's, in the
# reader's language, so an English or Romanian report of a municipality using the defaults reads in that
# language. A title a planner types is kept as typed.
DEFAULT_TITLES: dict[str, Any] = {}

# SOSFS 2011:9's parts of a management system and seed 002's headings. The first nine keys are those
# the plan kind's fixed sections had (migration sweden_0007 moved their rows under them).
DEFAULT_SECTIONS: tuple[dict[str, Any], ...] = (
    _s("quality-goals", _l("Quality goals and strategies")),
    _s("legislation", _l("Legislation, guidelines and governing documents")),
    _s("key-events", _l("The year's most important quality events and results")),
    _s("management-system", _l("Management system")),
    _s("improvement-work", _l("Systematic improvement work and handling of results")),
    _s("goal-attainment", _l("Goal attainment"), 2, "goals"),
    _s("values", _l("Values and the way users are met")),
    _s("user-involvement", _l("User involvement")),
    _s("cooperation", _l("Cooperation")),
    _s("risk-prevention", _l("Risk prevention, risk analyses and risk assessments")),
    _s("follow-up", _l("Follow-up, control and evaluation")),
    _s("complaints-lex-sarah", _l("Complaints, deviations and lex Sarah"), 1, "lex_sarah"),
    _s("social-documentation", _l("Social documentation")),
    _s("equality", _l("Gender equality and equity")),
    _s("welfare-technology", _l("Welfare technology, digitalisation and eHealth")),
    _s("information-security", _l("Information security")),
    _s("environment", _l("Environment")),
)


def default_title(key: str) -> dict[str, str] | None:
    """The default section ``key``'s title in every language, from the sweden catalog; None for other keys."""
    message = DEFAULT_TITLES.get(key)
    if message is None:
        return None
    titles = {}
    for locale in LOCALES:
        with force_locale(locale):
            titles[locale] = str(message)
    return titles


def resolved(sections: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``sections`` (as stored or as a document gives them) with each default title filled in from the
    catalog, in every language: what pages, reports and checks read."""
    return [{**section, "title": section.get("title") or default_title(section["key"]) or {"en": section["key"]}}
            for section in sections]


def stored(session: Session, municipality_id: int, year: int) -> QualityReport | None:
    return session.scalar(select(QualityReport).where(QualityReport.municipality_id == municipality_id,
                                                      QualityReport.year == year))


def _latest_before(session: Session, municipality_id: int, year: int) -> QualityReport | None:
    return session.scalar(select(QualityReport).where(
        QualityReport.municipality_id == municipality_id, QualityReport.year < year,
        QualityReport.sections.is_not(None)).order_by(QualityReport.year.desc()).limit(1))


def stored_sections(session: Session, municipality_id: int, year: int) -> list[dict[str, Any]]:
    """The year's sections as kept: its own list, else the latest earlier year's, else the defaults (never
    written here); a default section's title is None (see :func:`resolved`)."""
    report = stored(session, municipality_id, year)
    if report is None or report.sections is None:
        report = _latest_before(session, municipality_id, year)
    return copy.deepcopy(report.sections if report is not None and report.sections is not None
                         else list(DEFAULT_SECTIONS))


def sections_for(session: Session, municipality_id: int, year: int) -> list[dict[str, Any]]:
    """The year's sections, each with its title in every language it has (see :func:`resolved`)."""
    return resolved(stored_sections(session, municipality_id, year))


def _own(session: Session, municipality_id: int, year: int) -> QualityReport:
    """The year's row, created with the list it shows now, to be changed."""
    report = stored(session, municipality_id, year)
    if report is None:
        report = QualityReport(municipality_id=municipality_id, year=year, organisation={}, responsible=[])
        session.add(report)
    if report.sections is None:
        report.sections = stored_sections(session, municipality_id, year)
    return report


def _clean_title(title: dict[str, str], others: list[dict[str, Any]]) -> dict[str, str]:
    """The title as typed (trimmed), refused when empty, too long or another section's title in a language."""
    title = {locale: " ".join(text.split()) for locale, text in title.items() if text and text.strip()}
    if not title:
        raise SwedenValidationError("title", _l("Give the section a title in at least one language."))
    if any(len(text) > TITLE_MAX for text in title.values()):
        raise SwedenValidationError("title", _l("A section's title has at most %(n)s characters."), n=TITLE_MAX)
    # Two sections of one title would be two headings the reader cannot tell apart, and texts filed under
    # the wrong one: a title is the report's once, in every language.
    for other in resolved(others):
        if any(text.casefold() == (other["title"].get(locale) or "").casefold() for locale, text in title.items()):
            raise SwedenValidationError("title", _l("The report already has a section “%(section)s”: give this "
                                                    "one another title."), section=next(iter(title.values())))
    return title


def _check(level: Any, shows: Any) -> tuple[int, str]:
    if level not in LEVELS:
        raise SwedenValidationError("level", _l("A section is a section (1) or a sub-section (2)."))
    if shows not in SHOWS:
        raise SwedenValidationError("shows", _l("Choose what the section shows besides its texts."))
    return level, shows


def _new_key(title: dict[str, str], taken: set[str]) -> str:
    text = next(iter(title.values())).casefold()
    text = text.translate(str.maketrans({"å": "a", "ä": "a", "ö": "o", "ă": "a", "â": "a", "î": "i", "ș": "s",
                                         "ş": "s", "ț": "t", "ţ": "t", "é": "e"}))
    base = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:40] or "section"
    key, number = base, 2
    while key in taken:
        key, number = f"{base}-{number}", number + 1
    return key


def _find(sections: list[dict[str, Any]], key: str) -> int:
    index = next((i for i, s in enumerate(sections) if s["key"] == key), None)
    if index is None:
        raise SwedenValidationError("key", _l("The report has no section '%(key)s'."), key=key)
    return index


def add_section(session: Session, municipality_id: int, year: int, title: dict[str, str], level: int = 1,
                shows: str = "") -> dict[str, Any]:
    """A new section at the end of the year's list."""
    level, shows = _check(level, shows)
    report = _own(session, municipality_id, year)
    title = _clean_title(title, report.sections)
    if len(report.sections) >= MAX_SECTIONS:
        raise SwedenValidationError("title", _l("A report has at most %(n)s sections."), n=MAX_SECTIONS)
    section = {"key": _new_key(title, {s["key"] for s in report.sections}), "title": title, "level": level,
               "shows": shows}
    report.sections = [*report.sections, section]
    session.flush()
    record(session, municipality_id, "quality-section-added", f"quality-report:{year}", year=year, title=title,
           level=level, shows=shows)
    return section


def change_section(session: Session, municipality_id: int, year: int, key: str, title: dict[str, str],
                   level: int, shows: str) -> dict[str, Any]:
    """Rename a section, or change its level or what it shows; its key (which its rows name) stays. A default
    section saved with its default title unchanged keeps following the catalog."""
    level, shows = _check(level, shows)
    report = _own(session, municipality_id, year)
    sections = copy.deepcopy(report.sections)
    index = _find(sections, key)
    title = _clean_title(title, sections[:index] + sections[index + 1:])
    before = {"title": resolved([sections[index]])[0]["title"], "level": sections[index]["level"],
              "shows": sections[index]["shows"]}
    own = None if title == default_title(key) else title
    sections[index].update(title=own, level=level, shows=shows)
    report.sections = sections
    session.flush()
    from plugins.sweden.audit import record_changes

    record_changes(session, municipality_id, "quality-section-changed", f"quality-report:{year}", before,
                   {"title": title, "level": level, "shows": shows}, year=year, section=title)
    return resolved([sections[index]])[0]


def move_section(session: Session, municipality_id: int, year: int, key: str, offset: int) -> None:
    """Move a section up (-1) or down (+1) the list."""
    report = _own(session, municipality_id, year)
    sections = copy.deepcopy(report.sections)
    index = _find(sections, key)
    target = index + offset
    if not 0 <= target < len(sections):
        return
    sections.insert(target, sections.pop(index))
    report.sections = sections
    session.flush()
    record(session, municipality_id, "quality-section-moved", f"quality-report:{year}", year=year,
           section=resolved([sections[target]])[0]["title"], position=target + 1)


def remove_section(session: Session, municipality_id: int, year: int, key: str) -> dict[str, Any]:
    """Take a section out of the list (its rows are the caller's: see ``rows_of``)."""
    report = _own(session, municipality_id, year)
    sections = copy.deepcopy(report.sections)
    removed = sections.pop(_find(sections, key))
    report.sections = sections
    session.flush()
    removed = resolved([removed])[0]
    record(session, municipality_id, "quality-section-removed", f"quality-report:{year}", year=year,
           section=removed["title"])
    return removed


def section_of(sections: list[dict[str, Any]], key: str) -> dict[str, Any] | None:
    return next((s for s in sections if s["key"] == key), None)


def rows_of(document: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """The rows of the plan document that belong to section ``key``."""
    rows = ((document.get("sections") or {}).get(SECTION) or {}).get("rows") or []
    return [row for row in rows if row.get("section") == key]


# --- the cover ------------------------------------------------------------------------------------------------


def cover_of(session: Session, municipality_id: int, year: int) -> dict[str, Any]:
    report = stored(session, municipality_id, year)
    if report is None:
        return {"organisation": {}, "report_date": None, "responsible": []}
    return {"organisation": dict(report.organisation or {}), "report_date": report.report_date,
            "responsible": copy.deepcopy(report.responsible or [])}


def set_cover(session: Session, municipality_id: int, year: int, organisation: dict[str, str],
              report_date: dt.date | None, responsible: list[dict[str, Any]]) -> None:
    """The cover's facts: the administration writing the report, its date, who is responsible for it."""
    people = []
    for person in responsible:
        name = (person.get("name") or "").strip()
        role = {locale: text.strip() for locale, text in (person.get("role") or {}).items() if text and text.strip()}
        if not name and not role:
            continue
        if not name:
            raise SwedenValidationError("responsible", _l("Give the name of each person responsible."))
        people.append({"name": name, "role": role})
    report = stored(session, municipality_id, year)
    before = cover_of(session, municipality_id, year)
    if report is None:
        report = QualityReport(municipality_id=municipality_id, year=year, sections=None)
        session.add(report)
    report.organisation = {k: v.strip() for k, v in organisation.items() if v and v.strip()}
    report.report_date = report_date
    report.responsible = people
    session.flush()
    from plugins.sweden.audit import record_changes

    record_changes(session, municipality_id, "quality-cover-saved", f"quality-report:{year}",
                   _cover_facts(before), _cover_facts(cover_of(session, municipality_id, year)), year=year)


def _cover_facts(cover: dict[str, Any]) -> dict[str, Any]:
    return {"organisation": cover["organisation"], "report_date": cover["report_date"],
            "responsible": "; ".join(p["name"] for p in cover["responsible"])}
