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

from core.sdk import format_date, format_decimal, format_percent, translated
from core.sdk.reports import ReportBuilder, ReportContext
from plugins.sweden import printed
from plugins.sweden import results as results_views
from plugins.sweden.i18n import _, _l, ngettext
from plugins.sweden.services import goals, individual, kolada, lex_sarah, quality_report
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


def _cover(report: ReportBuilder, context: ReportContext, title: str, lines: list[str] | None = None) -> None:
    """The cover: the title, ``lines`` (else the municipality and year), the status and the council's decision."""
    document = context.document
    decision, recorded = None, document.get("council_decision") or {}
    if recorded.get("reference") and context.adopted:
        date = dt.date.fromisoformat(recorded["date"]) if recorded.get("date") else None
        decision = _("Decision %(reference)s of %(date)s", reference=recorded["reference"],
                     date=format_date(date, context.locale))
    status = str(STATUS_LABELS.get(document["status"], document["status"])) if document.get("status") else None
    if lines is None:
        lines = [_tr(context, context.municipality.name), str(context.plan.year)]
    report.cover(title, lines, status=status, decision=decision)


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

PARTS = (("purpose", _l("Purpose")), ("result", _l("Result")), ("analysis", _l("Analysis")),
         ("improvements", _l("Improvement proposals")))


def measure(value: Decimal | None, kind: str, locale: str) -> str:
    """A goal's target or result as its kind writes it: 86 %, 2 (a count); yes/no goals have none."""
    if value is None:
        return DASH
    if kind == "count":
        exponent = value.normalize().as_tuple().exponent
        places = max(0, -exponent) if isinstance(exponent, int) else 0
        return format_decimal(value, places=min(places, 2), locale=locale)
    return percent(value, locale)


def _yes_no(value: bool | None) -> str:
    return DASH if value is None else (_("Yes") if value else _("No"))


def result_text(row: goals.Attainment, value: Decimal | None, outcome: bool | None, locale: str,
                 missing: str | None = None) -> str:
    """A result as its goal's kind writes it; ``missing``: Kolada's word for a figure it reports as missing."""
    if row.goal.kind in ("yes_no", "text"):
        return _yes_no(outcome) if row.goal.kind == "yes_no" else DASH
    if value is None and missing:
        return missing
    return measure(value, row.goal.kind, locale)


def goal_target(goal: Any, locale: str) -> str:
    """The target as the goal's kind writes it: 86 %, 2, 'Yes' for a yes/no goal, – for one in words."""
    if goal.kind == "yes_no":
        return _("Yes")
    return DASH if goal.kind == "text" else measure(goal.target, goal.kind, locale)


def _history_years(rows: list[goals.Attainment]) -> list[int]:
    """The earlier years that any goal has a result of, the latest first."""
    return sorted({year for row in rows for year, *_rest in row.history}, reverse=True)


def _printed_goals(context: ReportContext) -> printed.PrintedGoals:
    """The goals of the revision printed: as its document kept them (an adopted one's, as adopted)."""
    return printed.goals_for(printed.swedish_block(context.document), context.session, context.municipality.id,
                             context.plan.year)


def quality_goals_data(context: ReportContext, printed_goals: printed.PrintedGoals | None = None) -> dict[str, Any]:
    """The attainment table: each goal and part, its target, the year's result, earlier years' results and
    the national figures, attained or not; then the results described in words."""
    locale, year = context.locale, context.plan.year
    printed_goals = printed_goals or _printed_goals(context)
    rows, missing = printed_goals.rows, printed_goals.missing
    earlier = _history_years(rows)
    national_earlier = [y for y in earlier if any(h[0] == y and h[2] is not None for r in rows for h in r.history)]
    table, comments = [], []
    for row in rows:
        past = {h[0]: h for h in row.history}
        cells = [
            _tr(context, row.goal.title),
            _tr(context, row.indicator.scope) or _("All"),
            goal_target(row.goal, locale),
            result_text(row, row.value, row.outcome, locale, missing(row.indicator, False)),
            (missing(row.indicator, True) or DASH) if row.national_value is None else percent(row.national_value,
                                                                                            locale),
        ]
        for y in earlier:
            cells.append(result_text(row, past[y][1], past[y][3], locale) if y in past else DASH)
            if y in national_earlier:
                cells.append(percent(past[y][2], locale) if y in past else DASH)
        cells.append(_yes_no(row.attained))
        table.append(cells)
        comment = _tr(context, row.comment)
        if comment:
            scope = _tr(context, row.indicator.scope)
            comments.append((f"{_tr(context, row.goal.title)} ({scope})" if scope else _tr(context, row.goal.title),
                             comment))
    header = [_("Quality goal"), _("Measured for"), _("Target"), _("Result %(year)s", year=year),
              _("National figure %(year)s", year=year)]
    for y in earlier:
        header.append(_("Result %(year)s", year=y))
        if y in national_earlier:
            header.append(_("National figure %(year)s", year=y))
    header.append(_("Attained"))
    return {"header": header, "rows": table, "comments": comments}


def quality_report_data(context: ReportContext) -> dict[str, Any]:
    session, municipality_id, year = context.session, context.municipality.id, context.plan.year
    document_block = printed.swedish_block(context.document)
    sarah = printed.lex_sarah_of(document_block, session, municipality_id, year)
    sarah_rows = [[str(lex_sarah.AREAS[r.area]), str(r.reports), str(r.women) if r.women else "",
                   str(r.men) if r.men else ""] for r in sarah.rows]
    block = document_block.get("quality_report") or {}
    sections = (quality_report.resolved(block["sections"]) if block.get("sections")
                else quality_report.sections_for(session, municipality_id, year))
    cover = quality_report.cover_of(session, municipality_id, year)
    if block:  # the document's (a revision's) cover, as it was kept
        cover = {"organisation": block.get("organisation") or {}, "responsible": block.get("responsible") or [],
                 "report_date": dt.date.fromisoformat(block["report_date"]) if block.get("report_date") else None}
    printed_goals = _printed_goals(context)
    by_sex = kolada.table_rows(
        printed_goals.by_sex, lambda value: percent(value, context.locale),
        lambda i: " – ".join(t for t in (_tr(context, i.goal.title), _tr(context, i.scope)) if t))
    return {"goals": quality_goals_data(context, printed_goals), "kolada_by_sex": by_sex, "lex_sarah": sarah_rows,
            "lex_sarah_total": sarah.total,
            "lex_sarah_ivo": sarah.to_ivo, "sections": sections, "cover": cover,
            "lex_sarah_women": sum(r.women for r in sarah.rows), "lex_sarah_men": sum(r.men for r in sarah.rows)}


def _quality_cover(report: ReportBuilder, context: ReportContext, title: str, cover: dict[str, Any]) -> None:
    """Seed 002's cover: the title, the administration and year, then the date and who is responsible."""
    organisation = _tr(context, cover["organisation"])
    lines = [_tr(context, context.municipality.name),
             f"{organisation} {context.plan.year}" if organisation else str(context.plan.year)]
    if cover["report_date"] or cover["responsible"]:
        lines.append(_("Date and persons responsible for the content"))
        if cover["report_date"]:
            lines.append(format_date(cover["report_date"], context.locale, fmt="short"))
        for person in cover["responsible"]:
            role = _tr(context, person.get("role"))
            lines.append(f"{person['name']}, {role}" if role else person["name"])
    _cover(report, context, title, lines)


def _text(report: ReportBuilder, text: str, label: str | None = None) -> None:
    """Text as the planner wrote it: paragraphs at blank lines, lines starting with '- ' as bullets; a part's
    label (Syfte, Resultat …) runs in before its first paragraph, as seed 002 writes it."""
    blocks = [b.strip() for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    for i, block in enumerate(blocks):
        lines = block.split("\n")
        prefix = f"{label}: " if label and i == 0 else ""
        if all(line.lstrip().startswith("- ") for line in lines):
            if prefix:
                report.paragraph(prefix.rstrip())
            report.bullets([line.lstrip()[2:].strip() for line in lines])
        else:
            report.paragraph(prefix + block)


def _quality_row(report: ReportBuilder, context: ReportContext, row: dict[str, Any], level: int) -> None:
    topic = _tr(context, row.get("topic"))
    if topic:
        report.heading(topic, level=min(level + 1, 3))
    text = _tr(context, row.get("text"))
    if text:
        _text(report, text)
    for field, label in PARTS:
        value = _tr(context, row.get(field))
        if value:
            _text(report, value, str(label))


def _goals_table(report: ReportBuilder, data: dict[str, Any]) -> None:
    goals_data = data["goals"]
    if not goals_data["rows"]:
        report.paragraph(_("No quality goals are recorded for this year."))
        return
    extra = len(goals_data["header"]) - 6
    report.table([goals_data["header"]], goals_data["rows"], [4.4, 2.4, 1.2, 1.3, 1.3, *([1.3] * extra), 1.2],
                 wrap=set(range(len(goals_data["header"]))), align_right=set(range(2, len(goals_data["header"]) - 1)))
    for title, comment in goals_data["comments"]:
        report.heading(title, level=3)
        _text(report, comment)
    if data["kolada_by_sex"]:
        report.heading(_("Kolada figures for women and men"), level=3)
        report.table([[_("Measured for"), _("Total"), _("Women"), _("Men"), _("National figure"),
                       _("National figure, women"), _("National figure, men")]], data["kolada_by_sex"],
                     [4, 1.3, 1.3, 1.3, 1.3, 1.5, 1.5], wrap=set(range(7)), align_right=set(range(1, 7)))


def _lex_sarah_table(report: ReportBuilder, context: ReportContext, data: dict[str, Any]) -> None:
    if not data["lex_sarah"]:
        return
    report.paragraph(_("%(reports)s were made in %(year)s; %(ivo)s of them were reported to the Health and "
                       "Social Care Inspectorate (IVO).", year=context.plan.year, ivo=data["lex_sarah_ivo"],
                       reports=ngettext("%(num)s lex Sarah report", "%(num)s lex Sarah reports",
                                        data["lex_sarah_total"])))
    report.table([[_("Area"), _("Reports"), _("Women"), _("Men")]], data["lex_sarah"], [5, 1.3, 1.3, 1.3],
                 wrap={0}, align_right={1, 2, 3},
                 totals=[[_("Total"), str(data["lex_sarah_total"]), str(data["lex_sarah_women"]),
                          str(data["lex_sarah_men"])]])


def render_quality_report(context: ReportContext) -> bytes:
    title = _("Quality report %(year)s", year=context.plan.year)
    data = quality_report_data(context)
    report = _builder(context, title)
    _quality_cover(report, context, title, data["cover"])
    _text_section(report, context, "introduction", _("Introduction"))
    rows = _section(context, quality_report.SECTION).get("rows") or []
    for section in data["sections"]:
        level = section.get("level", 1)
        report.heading(_tr(context, section["title"]), level=level)
        for row in rows:
            if row.get("section") == section["key"]:
                _quality_row(report, context, row, level)
        if section.get("shows") == "goals":
            _goals_table(report, data)
        elif section.get("shows") == "lex_sarah":
            _lex_sarah_table(report, context, data)
    keys = {section["key"] for section in data["sections"]}
    orphans = [row for row in rows if row.get("section") not in keys]
    if orphans:  # rows whose section left the list: printed, never lost
        report.heading(_("Other texts"))
        for row in orphans:
            _quality_row(report, context, row, 1)
    return report.build()
