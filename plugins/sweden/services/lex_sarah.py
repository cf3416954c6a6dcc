"""Lex Sarah reports and the table the quality report shows: per area, women and men, IVO."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugins.sweden.audit import record
from plugins.sweden.i18n import _l
from plugins.sweden.models import LexSarahReport, Sex, Unit
from plugins.sweden.services.errors import SwedenValidationError

# Areas in the order Eskilstuna's quality report (seed 002) lists them.
AREAS = {
    "residential_care": _l("Residential care home"),
    "ordinary_housing": _l("Ordinary housing"),
    "lss": _l("LSS housing, autism services and personal assistance"),
    "social_psychiatry": _l("Social psychiatry / work and activity"),
    "needs_assessment": _l("Needs-assessment office"),
}


def add_report(
    session: Session, municipality_id: int, year: int, area: str, sex: str | None, reported_to_ivo: bool,
    reported_on: dt.date | None = None, reference: str = "", unit_id: int | None = None,
) -> LexSarahReport:
    if area not in AREAS:
        raise SwedenValidationError("area", _l("Unknown area: %(area)s."), area=area)
    if sex is not None and sex not in {s.value for s in Sex}:
        raise SwedenValidationError("sex", _l("The sex must be female or male, or left empty."))
    if reported_on is not None and reported_on.year != year:
        raise SwedenValidationError("reported_on", _l("The report's date %(date)s is not in %(year)s."),
                                    date=reported_on, year=year)
    report = LexSarahReport(municipality_id=municipality_id, year=year, area=area, sex=sex,
                            reported_to_ivo=reported_to_ivo, reported_on=reported_on, reference=reference,
                            unit_id=unit_id)
    session.add(report)
    session.flush()
    unit = session.get(Unit, unit_id) if unit_id else None
    record(session, municipality_id, "lex-sarah-added", f"lex-sarah:{report.id}", year=year, area=area,
           unit=f"{unit.code} {unit.name}" if unit else None, reported_on=reported_on, reported_to_ivo=reported_to_ivo,
           reference=reference)
    return report


@dataclass(frozen=True)
class AreaCount:
    area: str
    reports: int
    women: int
    men: int
    to_ivo: int


@dataclass(frozen=True)
class LexSarahTable:
    rows: tuple[AreaCount, ...]

    @property
    def total(self) -> int:
        return sum(r.reports for r in self.rows)

    @property
    def to_ivo(self) -> int:
        return sum(r.to_ivo for r in self.rows)


def table(session: Session, municipality_id: int, year: int) -> LexSarahTable:
    return count(session.scalars(
        select(LexSarahReport).where(LexSarahReport.municipality_id == municipality_id, LexSarahReport.year == year)
    ).all())


def count(reports: Sequence[LexSarahReport]) -> LexSarahTable:
    """The table of ``reports``: stored ones, or those a plan document kept (never added to a session)."""
    rows = []
    for area in AREAS:
        mine = [r for r in reports if r.area == area]
        if mine:
            rows.append(AreaCount(
                area, len(mine), sum(r.sex == Sex.FEMALE for r in mine), sum(r.sex == Sex.MALE for r in mine),
                sum(r.reported_to_ivo for r in mine),
            ))
    return LexSarahTable(tuple(rows))
