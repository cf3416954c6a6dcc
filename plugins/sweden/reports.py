"""PDF report kinds: the follow-up plan, individuppföljning results and the quality report.

Each report has a data function (plain dicts and Decimals, testable without a PDF) and a
render function that lays that data out with core's ReportBuilder. ``render_report`` calls the
render functions inside ``force_locale``, so gettext and core.i18n format in the report's
language.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from core.sdk import format_date, format_percent, translated
from core.sdk.reports import ReportBuilder, ReportContext
from plugins.sweden import results as results_views
from plugins.sweden.i18n import _, _l, ngettext
from plugins.sweden.services import goals, individual, lex_sarah
from plugins.sweden.services.followups import settings_for, units, year_calendar
from plugins.sweden.services.individual import Figure
from plugins.sweden.services.reference import (
    DIMENSION_LABELS,
    OPERATING_FORM_LABELS,
    SERVICE_TYPE_LABELS,
    method_name,
    methods,
)
from plugins.sweden.services.settings import special_review_area

DASH = "–"
STATUS_LABELS = {"draft": _l("Draft"), "submitted": _l("Submitted"), "approved": _l("Approved")}


def percent(value: Decimal | None, locale: str) -> str:
    """A percentage with as many decimals as it was measured with: 78,33 %, 84 %, 89,5 %."""
    if value is None:
        return DASH
    exponent = value.normalize().as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    return format_percent(value, places=min(places, 2), locale=locale)


def _tr(context: ReportContext, value: Any) -> str:
    return translated(value, context.locale, context.municipality.default_locale)


def _builder(context: ReportContext, title: str) -> ReportBuilder:
    return ReportBuilder(title, _tr(context, context.municipality.name), context.locale,
                         subject=title, generated_at=context.generated_at,
                         revision_status=context.revision_status())


def _cover(report: ReportBuilder, context: ReportContext, title: str) -> None:
    document = context.document
    decision, recorded = None, document.get("council_decision") or {}
    if recorded.get("reference") and context.adopted:
        date = dt.date.fromisoformat(recorded["date"]) if recorded.get("date") else None
        decision = _("Decision %(reference)s of %(date)s", reference=recorded["reference"],
                     date=format_date(date, context.locale))
    status = str(STATUS_LABELS.get(document["status"], document["status"])) if document.get("status") else None
    report.cover(title, [_tr(context, context.municipality.name), str(context.plan.year)], status=status,
                 decision=decision)


def _section(context: ReportContext, key: str) -> dict[str, Any]:
    return (context.document.get("sections") or {}).get(key) or {}


def _text_section(report: ReportBuilder, context: ReportContext, key: str, title: str) -> None:
    text = _tr(context, _section(context, key).get("text"))
    if text:
        report.heading(title)
        report.paragraph(text)


# --- follow-up plan ------------------------------------------------------------------------------


def followup_plan_data(context: ReportContext) -> dict[str, Any]:
    locale = context.locale
    municipality_id = context.municipality.id
    entries = year_calendar(context.session, municipality_id, context.plan.year)
    by_id = {u.id: u for u in units(context.session, municipality_id)}
    schedule = []
    for entry in entries:
        unit = by_id.get(entry.unit_id)
        method = method_name(entry.method, locale)
        schedule.append({
            "unit": entry.unit_name or _("Whole municipality"),
            "form": str(OPERATING_FORM_LABELS[unit.operating_form]) if unit else "",
            "type": str(SERVICE_TYPE_LABELS[unit.service_type]) if unit else "",
            "method": f"{method}: {_tr(context, entry.area)}" if entry.area else method,
            "opens": format_date(entry.window_start, locale),
            "reason": entry.reason_text,
            "due": format_date(entry.due_on, locale),
            "done": format_date(entry.done_on, locale) if entry.done_on else "",
        })
    method_rows = [
        [m.get(locale) or m["en"], ", ".join(str(DIMENSION_LABELS[d]) for d in m["dimensions"])]
        for m in methods().values()
    ]
    review = next((e for e in entries if e.method == "special_review"), None)
    area = _tr(context, special_review_area(settings_for(context.session, municipality_id), context.plan.year))
    return {"schedule": schedule, "methods": method_rows, "special_review": area,
            "special_review_scheduled": review is not None}


def render_followup_plan(context: ReportContext) -> bytes:
    title = _("Follow-up plan %(year)s", year=context.plan.year)
    data = followup_plan_data(context)
    report = _builder(context, title)
    _cover(report, context, title)
    _text_section(report, context, "introduction", _("Introduction"))
    rows = _section(context, "methods").get("rows") or []
    report.heading(_("Follow-up methods"))
    if rows:
        report.table([[_("Method"), _("Quality dimension"), _("Frequency"), _("Responsible")]],
                     [[_tr(context, r.get(k)) for k in ("method", "dimension", "frequency", "responsible")]
                      for r in rows], [3, 2, 2, 2], wrap={0, 1, 2, 3})
    report.heading(_("Methods and quality dimensions"), level=2)
    report.table([[_("Method"), _("Quality dimension")]], data["methods"], [2, 3], wrap={1})
    if data["special_review"] or data["special_review_scheduled"]:
        report.heading(_("Special review %(year)s", year=context.plan.year), level=2)
        report.paragraph(_("Area chosen for special review in %(year)s: %(area)s", year=context.plan.year,
                           area=data["special_review"]) if data["special_review"]
                         else _("No area has been chosen for special review in %(year)s yet.", year=context.plan.year))
    _text_section(report, context, "reporting", _("Reporting of results"))
    report.heading(_("Appendix: schedule per unit"))
    report.table(
        [[_("Unit"), _("Operating form"), _("Service type"), _("Method"), _("Reason"), _("Window opens"), _("Due"),
          _("Done")]],
        [[r["unit"], r["form"], r["type"], r["method"], r["reason"], r["opens"], r["due"], r["done"]]
         for r in data["schedule"]],
        [3.1, 1.8, 1.8, 2.0, 2.2, 1.4, 1.4, 1.4], wrap={0, 1, 2, 3, 4}, landscape=True,
    )
    return report.build()


# --- individuppföljning results --------------------------------------------------------------------


def _share_text(figure: Figure, locale: str) -> str:
    value = results_views.share_value(figure)
    return percent(value, locale) if isinstance(value, Decimal) else value


def followup_results_data(context: ReportContext) -> dict[str, Any]:
    """The results as the web page and its CSV/XLSX publish them (``results.published``): per area the
    units with the whole municipality as total, then the districts and providers, and the NNI."""
    session, municipality_id, locale = context.session, context.municipality.id, context.locale
    results = results_views.published(session, municipality_id, context.plan.year)
    threshold = results.threshold if results else individual.threshold_for(session, municipality_id)
    if results is None or not results.areas:
        return {"areas": [], "nni": None, "threshold": threshold, "districts": [], "providers": [],
                "area_names": []}
    areas = []
    for code, label in results.areas:
        rows = [{"unit": r.name, "district": r.district, "answers": results_views.answers_text(r.figures[code]),
                 "share": _share_text(r.figures[code], locale), "suppressed": r.figures[code].positive is None}
                for r in results.units]
        total = results.city.figures[code]
        areas.append({"area": _tr(context, label), "rows": rows, "total": total.share,
                      "total_answers": results_views.answers_text(total), "total_share": _share_text(total, locale)})

    def groups(rows: tuple) -> list[list[str]]:
        return [[r.name, *(cell for code, _ in results.areas for cell in (
            results_views.answers_text(r.figures[code]), _share_text(r.figures[code], locale)))] for r in rows]

    return {"areas": areas, "nni": results.nni, "threshold": threshold, "districts": groups(results.districts),
            "providers": groups(results.providers), "area_names": [a["area"] for a in areas]}


def render_followup_results(context: ReportContext) -> bytes:
    title = _("Individual follow-up results %(year)s", year=context.plan.year)
    data = followup_results_data(context)
    report = _builder(context, title)
    _cover(report, context, title)
    note = _("– : fewer than %(n)s respondents, or hidden so that such a group cannot be worked out from the "
             "totals.", n=data["threshold"])
    if not data["areas"]:
        report.paragraph(_("No individual follow-up answers are recorded for this year."))
        return report.build()
    report.heading(_("Share of positive answers per question area"))
    report.bar_chart(_("Whole municipality"), [a["area"] for a in data["areas"]],
                     [a["total"] or Decimal(0) for a in data["areas"]], lambda v: percent(v, context.locale))
    if data["nni"] is not None:
        report.paragraph(_("Next-of-kin satisfaction index (NNI): %(value)s", value=percent(data["nni"],
                                                                                          context.locale)))
    else:
        report.paragraph(_("Next-of-kin satisfaction index (NNI): – (fewer than %(n)s next of kin answered).",
                           n=data["threshold"]))
    for area in data["areas"]:
        report.heading(area["area"], level=2)
        report.table(
            [[_("Unit"), _("District"), _("Answers"), _("Positive")]],
            [[r["unit"], r["district"], r["answers"], r["share"]] for r in area["rows"]],
            [4, 3, 1.5, 1.5], wrap={0, 1}, align_right={2, 3},
            totals=[[_("Total"), "", area["total_answers"], area["total_share"]]],
            footnotes=[note],
        )
    for key, heading, first in (("districts", _("Per district"), _("District")),
                                ("providers", _("Per provider"), _("Provider"))):
        if data[key]:
            report.heading(heading)
            _group_table(report, first, data["area_names"], data[key], note)
    return report.build()


def _group_table(report: ReportBuilder, first: str, areas: list[str], rows: list[list[str]], note: str) -> None:
    """Groups (rows) x areas (a pair of columns each: answers and share), on a landscape page."""
    header = [[first, *(cell for area in areas for cell in (area, ""))],
              ["", *(cell for _area in areas for cell in (_("Answers"), _("Positive")))]]
    spans = [("SPAN", (0, 0), (0, 1)), *(("SPAN", (1 + 2 * i, 0), (2 + 2 * i, 0)) for i in range(len(areas)))]
    report.table(header, rows, [4, *([1.3, 1.5] * len(areas))], wrap={0}, align_right=set(range(1, 1 + 2 * len(areas))),
                 landscape=True, spans=spans, footnotes=[note])


# --- quality report ----------------------------------------------------------------------------


def quality_report_data(context: ReportContext) -> dict[str, Any]:
    locale, session, municipality_id, year = context.locale, context.session, context.municipality.id, context.plan.year
    goal_rows = []
    for row in goals.attainment(session, municipality_id, year):
        goal_rows.append([
            _tr(context, row.goal.title),
            _tr(context, row.indicator.scope) or _("All"),
            percent(row.goal.target, locale),
            percent(row.value, locale),
            percent(row.national_value, locale),
            DASH if row.attained is None else (_("Yes") if row.attained else _("No")),
        ])
    sarah = lex_sarah.table(session, municipality_id, year)
    sarah_rows = [[str(lex_sarah.AREAS[r.area]), str(r.reports), str(r.women) if r.women else "",
                   str(r.men) if r.men else ""] for r in sarah.rows]
    return {"goals": goal_rows, "lex_sarah": sarah_rows, "lex_sarah_total": sarah.total,
            "lex_sarah_ivo": sarah.to_ivo,
            "lex_sarah_women": sum(r.women for r in sarah.rows), "lex_sarah_men": sum(r.men for r in sarah.rows)}


def render_quality_report(context: ReportContext) -> bytes:
    from plugins.sweden.plugin import QUALITY_SECTIONS

    title = _("Quality report %(year)s", year=context.plan.year)
    data = quality_report_data(context)
    report = _builder(context, title)
    _cover(report, context, title)
    _text_section(report, context, "introduction", _("Introduction"))
    parts = (("purpose", _("Purpose")), ("result", _("Result")), ("analysis", _("Analysis")),
             ("improvements", _("Improvement proposals")))
    for key, section_title in QUALITY_SECTIONS:
        rows = _section(context, key).get("rows") or []
        if key == "goal-attainment" or rows:
            report.heading(str(section_title))
        for row in rows:
            topic = _tr(context, row.get("topic"))
            if topic:
                report.heading(topic, level=2)
            for field, label in parts:
                text = _tr(context, row.get(field))
                if text:
                    report.heading(label, level=3)
                    report.paragraph(text)
        if key == "goal-attainment" and data["goals"]:
            report.table([[_("Quality goal"), _("Measured for"), _("Target"), _("Result"), _("National figure"),
                           _("Attained")]], data["goals"], [5, 2.5, 1.2, 1.2, 1.2, 1.2], wrap={0, 1},
                         align_right={2, 3, 4})
        if key == "complaints-lex-sarah" and data["lex_sarah"]:
            report.paragraph(_("%(reports)s were made in %(year)s; %(ivo)s of them were reported to the Health and "
                               "Social Care Inspectorate (IVO).", year=context.plan.year, ivo=data["lex_sarah_ivo"],
                               reports=ngettext("%(num)s lex Sarah report", "%(num)s lex Sarah reports",
                                                data["lex_sarah_total"])))
            report.table([[_("Area"), _("Reports"), _("Women"), _("Men")]], data["lex_sarah"], [5, 1.3, 1.3, 1.3],
                         wrap={0}, align_right={1, 2, 3},
                         totals=[[_("Total"), str(data["lex_sarah_total"]), str(data["lex_sarah_women"]),
                                  str(data["lex_sarah_men"])]])
    return report.build()
