"""Kolada figures: read a Kolada API v2 or v3 data document from disk, write it into the goals.

Both versions answer ``/data/kpi/<kpi>/municipality/<ids>/year/<years>`` with
``{"values": [{"kpi", "municipality", "period", "values": [{"gender", "status", "value", ...}]}],
"count": n}``; v3 adds paging (``next_page``, ``previous_page``) and ``isdeleted`` (on an
observation or one of its values), and its ``value`` may be null with a ``status`` such as
"Saknas". ``gender`` is T (women and men together), K (women) or M (men); municipality ``0000``
is riket, the national figure. These machines have no internet, so the import reads a file.

The T figures are the results and national figures of the goals (:class:`GoalValue`); all three,
with Kolada's status, are kept in :class:`KoladaFigure`, so that a figure Kolada reports as
missing replaces an older one and is shown as missing, and women's and men's figures are shown.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugins.sweden.audit import record
from plugins.sweden.i18n import _, _l, ngettext
from plugins.sweden.models import GoalIndicator, GoalValue, KoladaFigure, QualityGoal, SwedenSettings
from plugins.sweden.services.errors import SwedenValidationError
from plugins.sweden.services.goals import LIVE

NATIONAL = "0000"  # Kolada's id for Sweden as a whole (riket)
GENDERS = ("T", "K", "M")  # total, kvinnor (women), män (men)
NOT_A_DOCUMENT = _l("The file is not a Kolada data document (API v2 or v3).")
SKIP_REASONS = ("unasked", "other_municipality", "deleted")


@dataclass(frozen=True)
class Observation:
    """One value of a Kolada document: a KPI's figure for one municipality, year and sex."""

    kpi: str
    municipality: str
    year: int
    gender: str
    value: Decimal | None  # None: Kolada has no figure; ``status`` may say why ("Saknas")
    status: str
    deleted: bool


@dataclass(frozen=True)
class KoladaDocument:
    observations: list[Observation]
    more_pages: bool  # the file is one page of a longer answer (v3's ``next_page``)


@dataclass
class KoladaImport:
    values: int = 0  # the municipality's results (T) written
    national: int = 0  # national figures (T) written
    by_sex: int = 0  # women's and men's figures (K, M) kept
    missing: int = 0  # figures Kolada reports as missing, written as missing
    skipped: Counter[str] = field(default_factory=Counter)  # left out, per reason of SKIP_REASONS
    more_pages: bool = False


def _load(path: Path) -> Any:
    # What is wrong with the file, in the reader's language: never the parser's own (English) message.
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise SwedenValidationError("file", _l("The Kolada file is not UTF-8 text. Download it from Kolada again "
                                                "and upload it unchanged.")) from None
    except json.JSONDecodeError as error:
        raise SwedenValidationError("file", _l("The Kolada file is not valid JSON: it is damaged or cut off at line "
                                                "%(line)s. Download it from Kolada again and upload it unchanged."),
                                    line=error.lineno) from None
    except RecursionError:
        raise SwedenValidationError("file", NOT_A_DOCUMENT) from None
    except OSError:
        raise SwedenValidationError("file", _l("The Kolada file could not be read. Upload it again.")) from None


def _number(value: Any) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(value)
    number = Decimal(str(value))
    if not number.is_finite():
        raise ValueError(value)
    return number


def _observations(entry: Any) -> Iterable[Observation]:
    """The values of one entry of the document's ``values``; ValueError when it is not Kolada's shape."""
    if not isinstance(entry, dict) or not {"kpi", "municipality", "period"} <= entry.keys():
        raise ValueError(entry)
    kpi, municipality, period = entry["kpi"], entry["municipality"], entry["period"]
    if not isinstance(kpi, str) or not isinstance(municipality, str | int) or isinstance(period, bool):
        raise ValueError(entry)
    year = int(str(period))
    values = entry.get("values", [])
    if not isinstance(values, list):
        raise ValueError(entry)
    for value in values:
        if not isinstance(value, dict) or value.get("gender") not in GENDERS:
            raise ValueError(value)
        status = value.get("status") or ""
        if not isinstance(status, str):
            raise ValueError(value)
        yield Observation(kpi.strip().upper(), str(municipality).strip(), year, value["gender"],
                          _number(value.get("value")), status.strip()[:40],
                          bool(entry.get("isdeleted") or value.get("isdeleted")))


def read_kolada(path: Path) -> KoladaDocument:
    """Every value of a Kolada v2 or v3 data document, or the one sentence that says what is wrong with it."""
    document = _load(path)
    entries = document.get("values") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise SwedenValidationError("file", NOT_A_DOCUMENT)
    try:
        observations = [o for entry in entries for o in _observations(entry)]
    except (ValueError, InvalidOperation, TypeError):
        raise SwedenValidationError("file", NOT_A_DOCUMENT) from None
    return KoladaDocument(observations, bool(document.get("next_page")))


def _percent(value: Decimal) -> Decimal:
    if not Decimal(0) <= value <= Decimal(100):
        raise SwedenValidationError("file", _l("Kolada gives %(value)s for a goal, which is not a percentage "
                                                "(0 to 100): is the KPI of the goal the right one?"), value=value)
    return value


def _indicators(session: Session, municipality_id: int) -> dict[tuple[str, int], GoalIndicator]:
    indicators = session.scalars(
        select(GoalIndicator).join(QualityGoal)
        .where(QualityGoal.municipality_id == municipality_id, GoalIndicator.kolada_kpi.is_not(None),
               LIVE)  # a removed goal asks for nothing
    ).all()
    return {(i.kolada_kpi, i.goal.year): i for i in indicators}


def _write_figure(session: Session, municipality_id: int, indicator: GoalIndicator, o: Observation) -> None:
    national = o.municipality == NATIONAL
    figure = session.scalar(select(KoladaFigure).where(
        KoladaFigure.indicator_id == indicator.id, KoladaFigure.year == o.year, KoladaFigure.national == national,
        KoladaFigure.gender == o.gender))
    if figure is None:
        figure = KoladaFigure(municipality_id=municipality_id, indicator_id=indicator.id, year=o.year,
                              national=national, gender=o.gender)
        session.add(figure)
    figure.value, figure.status = o.value, o.status if o.value is None else ""
    if o.gender == "T":  # the goal's result or national figure; a missing one replaces an older figure
        row = next((v for v in indicator.values if v.year == o.year), None)
        if row is None:
            row = GoalValue(year=o.year)
            indicator.values.append(row)
        if national:
            row.national_value = o.value
        else:
            row.value = o.value
        row.source = "kolada"


def import_kolada(session: Session, municipality_id: int, path: Path) -> KoladaImport:
    """Write every figure of the file that an indicator of a goal of the same year asks for (by KPI).

    The file is checked as a whole before anything is written; a figure of another municipality,
    a KPI or year no goal asks for, or one Kolada marks deleted is left out and counted.
    """
    settings = session.get(SwedenSettings, municipality_id)
    if settings is None or not settings.kolada_id:
        raise SwedenValidationError("kolada_id", _l("Set the municipality's Kolada id first."))
    document = read_kolada(path)
    by_key = _indicators(session, municipality_id)
    result = KoladaImport(more_pages=document.more_pages)
    planned: dict[tuple[int, int, str, str], tuple[GoalIndicator, Observation]] = {}
    for o in document.observations:
        indicator = by_key.get((o.kpi, o.year))
        if o.municipality not in (settings.kolada_id, NATIONAL):
            result.skipped["other_municipality"] += 1
        elif indicator is None:
            result.skipped["unasked"] += 1
        elif o.deleted:
            result.skipped["deleted"] += 1
        else:
            if o.value is not None:
                _percent(o.value)
            planned[(indicator.id, o.year, o.municipality, o.gender)] = (indicator, o)  # a later page's wins
    for indicator, o in planned.values():
        _write_figure(session, municipality_id, indicator, o)
        if o.value is None:
            result.missing += 1
        if o.gender != "T":
            result.by_sex += 1
        elif o.value is not None:
            if o.municipality == NATIONAL:
                result.national += 1
            else:
                result.values += 1
    session.flush()
    record(session, municipality_id, "kolada-imported", None, values=result.values, national=result.national,
           by_sex=result.by_sex, missing=result.missing, skipped=sum(result.skipped.values()),
           **{f"skipped_{reason}": result.skipped[reason] for reason in SKIP_REASONS})
    return result


def import_message(result: KoladaImport) -> str:
    """What the import did, in the current language: one line for the command line and the page's flash."""
    parts = [_("Kolada: %(results)s and %(national)s were imported.",
               results=ngettext("%(num)s result", "%(num)s results", result.values),
               national=ngettext("%(num)s national figure", "%(num)s national figures", result.national))]
    if result.by_sex:
        parts.append(ngettext("%(num)s figure for women or men was kept.",
                              "%(num)s figures for women or men were kept.", result.by_sex))
    if result.missing:
        parts.append(ngettext("%(num)s figure is missing in Kolada and is now shown as missing.",
                              "%(num)s figures are missing in Kolada and are now shown as missing.", result.missing))
    reasons = {
        "unasked": lambda n: ngettext("%(num)s that no goal asks for", "%(num)s that no goal asks for", n),
        "other_municipality": lambda n: ngettext("%(num)s of another municipality",
                                                 "%(num)s of other municipalities", n),
        "deleted": lambda n: ngettext("%(num)s deleted in Kolada", "%(num)s deleted in Kolada", n),
    }
    skipped = [reasons[reason](result.skipped[reason]) for reason in SKIP_REASONS if result.skipped[reason]]
    if skipped:
        parts.append(ngettext("%(num)s figure was left out: %(reasons)s.", "%(num)s figures were left out: "
                              "%(reasons)s.", sum(result.skipped.values()), reasons="; ".join(skipped)))
    if result.more_pages:
        parts.append(_("The file is one page of a longer answer from Kolada: import its next page too."))
    return " ".join(parts)


# --- what the pages and the PDF show -----------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    value: Decimal | None
    status: str  # Kolada's reason when the value is missing, e.g. "Saknas"


@dataclass(frozen=True)
class FigureRow:
    """One indicator's Kolada figures of a year: (national, gender) -> Figure; a key absent is not imported."""

    indicator: GoalIndicator
    year: int
    figures: dict[tuple[bool, str], Figure]

    def get(self, national: bool, gender: str) -> Figure | None:
        return self.figures.get((national, gender))

    @property
    def by_sex(self) -> bool:
        return any(gender != "T" for _national, gender in self.figures)


def figure_rows(session: Session, municipality_id: int, year: int) -> list[FigureRow]:
    """The year's Kolada figures per indicator, in the goals' order."""
    figures = session.scalars(
        select(KoladaFigure).join(GoalIndicator).join(QualityGoal)
        .where(KoladaFigure.municipality_id == municipality_id, KoladaFigure.year == year,
               LIVE)
        .order_by(QualityGoal.position, QualityGoal.id, GoalIndicator.position, GoalIndicator.id)
    ).all()
    rows: dict[int, FigureRow] = {}
    for f in figures:
        row = rows.setdefault(f.indicator_id, FigureRow(session.get(GoalIndicator, f.indicator_id), year, {}))
        row.figures[(f.national, f.gender)] = Figure(f.value, f.status)
    return list(rows.values())


def missing_text(figure: Figure | None) -> str | None:
    """'Missing (Saknas)' for a figure Kolada reports as missing; None for a figure or one not imported."""
    if figure is None or figure.value is not None:
        return None
    missing = _("Missing")
    if not figure.status or figure.status.casefold() == missing.casefold():  # Swedish: "Saknas", not twice
        return missing
    return _("Missing (%(status)s)", status=figure.status)


def missing_result(session: Session, indicator_id: int, year: int, national: bool = False) -> str | None:
    """'Missing (Saknas)' when the indicator's result (or national figure) of ``year`` is one Kolada
    reports as missing and no one has typed a figure since; else None."""
    figure = session.scalar(select(KoladaFigure).where(
        KoladaFigure.indicator_id == indicator_id, KoladaFigure.year == year, KoladaFigure.national == national,
        KoladaFigure.gender == "T"))
    if figure is None:
        return None
    value = session.scalar(select(GoalValue).where(GoalValue.indicator_id == indicator_id, GoalValue.year == year))
    typed = value is not None and (value.national_value if national else value.value) is not None
    return None if typed else missing_text(Figure(figure.value, figure.status))


def table_rows(rows: list[FigureRow], percent: Any, name: Any) -> list[list[str]]:
    """The PDF's rows of :func:`figure_rows`: what is measured, then the municipality's total, women, men and
    riket's; ``percent(value)`` and ``name(indicator)`` format for the report's language."""
    def cell(row: FigureRow, national: bool, gender: str) -> str:
        figure = row.get(national, gender)
        return "–" if figure is None else missing_text(figure) or percent(figure.value)

    return [[name(r.indicator), *(cell(r, national, gender) for national in (False, True) for gender in GENDERS)]
            for r in rows]
