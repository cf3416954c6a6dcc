"""The individuppföljning results as every view publishes them: the web page, its CSV and XLSX
downloads and the PDF report all read :func:`published`, so that each shows the same figures under
the same joint suppression (:func:`plugins.sweden.services.individual.published_results`).

A hidden figure is written "–"; a share is left empty where a group has no answers in an area.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from core.sdk import translated
from plugins.sweden.i18n import _, _l
from plugins.sweden.services import individual
from plugins.sweden.services.individual import Figure, ResultRow, Results

DASH = "–"
LEVEL_LABELS = {"unit": _l("Unit"), "district": _l("District"), "provider": _l("Provider"),
                "city": _l("Whole municipality")}


def published(session: Session, municipality_id: int, year: int) -> Results | None:
    """The year's results of the municipality's city-wide question template, or None without one."""
    templates = individual.city_templates(session, municipality_id)
    return individual.published_results(session, templates[0], year) if templates else None


def row_name(row: ResultRow) -> str:
    return row.name if row.level != "city" else str(_("Whole municipality"))


def answers_text(figure: Figure) -> str:
    return DASH if figure.answers is None else str(figure.answers)


def share_value(figure: Figure) -> Decimal | str:
    """The share as a number, "–" when hidden, "" when there are no answers to share."""
    if figure.positive is None:
        return DASH
    return figure.share if figure.answers else ""


def table(results: Results, locale: str, default_locale: str) -> tuple[list[str], list[list[Any]]]:
    """One row per area and unit, district, provider and the whole municipality, then the NNI: what
    the CSV and XLSX downloads hold."""
    header = [_("Question area"), _("Level"), _("Name"), _("District"), _("Answers"), _("Positive (%)")]
    rows: list[list[Any]] = []
    for code, label in results.areas:
        area = translated(label, locale, default_locale)
        for row in results.rows:
            figure = row.figures[code]
            rows.append([area, str(LEVEL_LABELS[row.level]), row_name(row), row.district,
                         DASH if figure.answers is None else figure.answers, share_value(figure)])
    if results.areas:
        rows.append(["", _("Next-of-kin satisfaction index (NNI)"), str(_("Whole municipality")), "", "",
                     DASH if results.nni is None else results.nni])
    return header, rows
