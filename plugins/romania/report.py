"""Report kind ``action-plan``: the whole plan as a PDF in the chapters and tables of the model-cadru.

Fixed text and column headers go through gettext (the Romanian catalog holds the model's own
wording); user content is printed as typed, in the report's language when the row has it.
Numbers go through core.i18n; totals and shares are computed here, never stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from core.sdk import (
    InLanguage,
    ReportKind,
    document_decimal,
    format_date,
    format_decimal,
    format_money,
    format_number,
    format_percent,
    written_in,
)
from core.sdk.reports import ReportBuilder, ReportContext
from plugins.romania.budget import CURRENCY
from plugins.romania.budget import amounts_in as _amounts_in
from plugins.romania.budget import foreign as _foreign
from plugins.romania.budget import table_unit as _table_unit
from plugins.romania.budget import totals_of as _totals_of
from plugins.romania.i18n import _, _l
from plugins.romania.nomenclature import load_nomenclature
from plugins.romania.periods import period_text
from plugins.romania.plan_kind import (
    CHAPTER_BASIS,
    CHAPTER_I,
    CHAPTER_II,
    CHAPTER_III,
    FREQUENCIES,
    FUNDING_SOURCES,
    PLAN_KIND,
    SOURCE_CODES,
    STATUS_LABELS,
    TRAINING_SECTIONS,
    UNITS,
)

DASH = "-"
# The model-cadru's outline numbers of the sections, printed before their headings.
OUTLINE = {
    "website-information": "1.", "awareness-campaigns": "4.", "promotion-campaigns": "5.",
    "tripartite-meetings": "6.", "community-assistance": "7.", "press-messages": "8.",
    "training-courses": "1.a.", "qualification-courses": "1.b.", "personal-assistants": "1.c.1.",
    "centre-training": "1.c.2.", "volunteer-training": "1.d.", "peer-review": "1.e.", "national-programmes": "1.f.",
    "supervision": "2.",
}
SHORT_NOTE = 40  # a row note up to this long fits the budget cell; longer ones go under the table
# The first column's heading of each Chapter III table, as the model-cadru and the plans head them.
TRAINING_HEADINGS = {
    "training-courses": _l("Specialist staff"),
    "qualification-courses": _l("Staff"),
    "personal-assistants": _l("Staff"),
    "centre-training": _l("Staff"),
    "volunteer-training": _l("Volunteer programmes"),
    "peer-review": _l("Topics of interest"),
    "national-programmes": _l("Topics of interest"),
    "supervision": _l("Staff"),
}


class _Plan:
    """The plan document with the report's language and formatting at hand."""

    def __init__(self, context: ReportContext) -> None:
        self.context = context
        self.doc = context.document
        self.locale = context.locale
        self.fallback = context.municipality.default_locale
        self.year = int(self.doc["year"])
        self.currency = (self.doc.get("municipality") or {}).get("currency") or CURRENCY
        self.units: dict[str, int] = {}  # each service table's unit (1: lei, 1000: thousand lei) once printed

    def t(self, value: Any) -> str:
        """A translatable value in the report's language, else the municipality's: in the language it is written
        in, so that a Romanian text in an English report hyphenates by Romanian rules."""
        return written_in(value, self.locale, self.fallback)

    def code(self, row: dict[str, Any]) -> str:
        """The service code as the Nomenclator spells it, whatever spelling a row stored before import
        normalised it ('8790CR-II' prints '8790 CRT-II')."""
        written = str(row.get("code") or "")
        entry = load_nomenclature().lookup(written)
        return entry.code if entry else written

    def capacity(self, row: dict[str, Any]) -> str:
        """A number of places; a negative one is no capacity at all and is never printed."""
        return self.figure(row.get("capacity"))

    def figure(self, value: Any) -> str:
        """A count or an area (places, m², staff): a negative one, or one that is no number, is never printed."""
        number = document_decimal(value)
        return "" if number is None or number < 0 else format_number(number, self.locale)

    def section(self, key: str) -> dict[str, Any]:
        return self.doc["sections"].get(key) or {"rows": []}

    def title(self, key: str) -> str:
        spec = self.context.plan_kind.section(key)
        title = str(spec.title) if spec else key
        return f"{OUTLINE[key]} {title}" if key in OUTLINE else title

    def number(self, value: Any) -> str:
        return format_number(Decimal(str(value)), self.locale) if value not in (None, "") else ""

    def amount(self, value: Decimal | None, places: int) -> str:
        return DASH if value is None else format_decimal(value, places, self.locale)

    def percent(self, value: Any) -> str:
        return format_percent(Decimal(str(value)), 0, self.locale) if value not in (None, "") else ""


def _money(plan: _Plan, value: Decimal) -> str:
    """An amount in lei (the plan's currency) as the report's language writes it: '3.318.102,18 lei',
    'RON 3,318,102.18'."""
    return format_money(value, plan.currency, plan.locale)


def _places(values: list[Decimal]) -> int:
    return 0 if all(v == v.to_integral_value() for v in values) else 2


def _source_headers(county_note: bool = False) -> list[str]:
    """The funding sources' headings; ``county_note``: the county budget's with the model-cadru's asterisk."""
    return [f"{source.name}*" if county_note and source.code == "county" else str(source.name)
            for source in FUNDING_SOURCES]


def _says_not_applicable(text: str) -> bool:
    """Whether a typed text already says 'nu este cazul' in the report's language (it is not said twice)."""
    return _("Not applicable.").rstrip(".").casefold() in text.casefold()


def _section_text(report: ReportBuilder, plan: _Plan, section: dict[str, Any]) -> bool:
    """A section's 'nu este cazul' (when the planner chose it and the text does not say it already) and its
    typed text; when it has no rows and says nothing, that nothing is planned in it. True when it has rows."""
    text = plan.t(section.get("text"))
    if section.get("not_applicable") and not _says_not_applicable(text):
        report.paragraph(_("Not applicable."))
    _text_block(report, text)
    if not section.get("rows") and not text and not section.get("not_applicable"):
        report.paragraph(_("Nothing is planned in this part."))
    return bool(section.get("rows"))


def _text_block(report: ReportBuilder, text: str) -> None:
    """Typed text: lines starting with '- ' become bullets, the rest paragraphs, in order; each in the language
    the text is written in (it hyphenates by that language's rules)."""
    paragraph: list[str] = []
    bullets: list[str] = []
    for line in (text or "").splitlines():
        if line.lstrip().startswith(("- ", "• ")):
            if paragraph:
                report.paragraph(_same_language(text, "\n".join(paragraph)))
                paragraph = []
            bullets.append(_same_language(text, line.lstrip()[2:].strip()))
        else:
            if bullets:
                report.bullets(bullets)
                bullets = []
            paragraph.append(line)
    if paragraph:
        report.paragraph(_same_language(text, "\n".join(paragraph)))
    if bullets:
        report.bullets(bullets)


def _same_language(source: str, part: str) -> str:
    """``part`` of ``source`` in the language ``source`` is written in, when it says one (see written_in)."""
    return InLanguage(part, source.locale) if isinstance(source, InLanguage) else part


# --- front matter ----------------------------------------------------------------------------------


def _cover(report: ReportBuilder, plan: _Plan) -> None:
    context = plan.context
    municipality = plan.t(context.municipality.name)
    title = plan.t(plan.doc.get("title")) or str(context.plan_kind.name)
    decision = plan.doc.get("council_decision") or {}
    if decision.get("reference") and context.adopted:
        date = dt.date.fromisoformat(decision["date"]) if decision.get("date") else None
        line = _("Approved by local council decision (HCL) no. %(ref)s of %(date)s",
                 ref=decision["reference"], date=format_date(date, plan.locale, "long") if date else DASH)
    else:
        line = _("Local council decision (HCL): not yet adopted")
    status = str(STATUS_LABELS.get(plan.doc["status"], plan.doc["status"]))
    # The county from the UAT an administrator picked (SIRUTA register); Bucharest is its own county.
    region = context.municipality.region
    county = [_("%(county)s County", county=region)] if region and region != municipality else []
    report.cover(title, [municipality, *county, _("Year %(year)s", year=plan.year)], status=status, decision=line)


def _legal_basis(report: ReportBuilder, plan: _Plan) -> None:
    section = plan.section("legal-basis")
    report.heading(str(CHAPTER_BASIS))
    _text_block(report, plan.t(section.get("text")))
    objectives = plan.section("objectives")["rows"]
    for row in section["rows"]:
        text = plan.t(row.get("text"))
        report.paragraph(_same_language(text, f"{row.get('ref', '')}. {text}"))
        _objectives(report, plan, [o for o in objectives if plan.t(o.get("reference")) == row.get("ref")])
    chapters = [str(CHAPTER_I), str(CHAPTER_II), str(CHAPTER_III)]
    report.paragraph(_("The annual action plan comprises:"))
    report.bullets(chapters)


def _objectives(report: ReportBuilder, plan: _Plan, rows: list[dict[str, Any]]) -> None:
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(plan.t(row.get("group")), []).append(row)
    for group, items in groups.items():
        if group:
            report.heading(group, 3)
        if len(items) == 1 and items[0].get("level") != "operational":
            report.paragraph(plan.t(items[0].get("text")))  # a strategic objective stated once, as prose
        else:
            report.bullets([plan.t(row.get("text")) for row in items])


# --- chapter I -------------------------------------------------------------------------------------


def _budget_cells(amounts: dict[str, Decimal], places: int, locale: str,
                  foreign: dict[str, tuple[Decimal, str]]) -> list[str]:
    return [format_decimal(amounts[c], places, locale) if c in amounts else _foreign_cell(foreign, c, locale)
            for c in SOURCE_CODES]


def _foreign_cell(foreign: dict[str, tuple[Decimal, str]], source: str, locale: str) -> str:
    """An amount in another currency than the plan's, with its currency: shown, never added into the totals."""
    return format_money(foreign[source][0], foreign[source][1], locale) if source in foreign else DASH


def _foreign_note(rows: list[dict[str, Any]], plan: _Plan) -> list[str]:
    if any(_foreign(row, plan.currency) for row in rows):
        return [_("Amounts in another currency than lei are shown as written and left out of the totals.")]
    return []


def _nomenclator_note() -> str:
    """Which edition of the Nomenclator the service codes are read against."""
    nomenclature = load_nomenclature()
    return _("Service codes: %(nomenclator)s, version %(version)s.", nomenclator=nomenclature.label,
             version=nomenclature.version)


def _existing(report: ReportBuilder, plan: _Plan) -> dict[str, Decimal]:
    section = plan.section("existing-services")
    rows = section["rows"]
    report.landscape()  # the section's heading and intro go along with its wide table
    report.heading(plan.title("existing-services"), 2)
    if not _section_text(report, plan, section):
        return {c: Decimal(0) for c in SOURCE_CODES}
    scale = plan.units["existing-services"] = _table_unit(rows, 1000, plan.currency)
    amounts = [_amounts_in(row, scale, plan.currency) for row in rows]
    places = _places([v for a in amounts for v in a.values()])
    unit = str(UNITS.get(scale, ""))
    header = [
        [_("No."), _("Centre or unit"), _("Service code (Nomenclator)"), _("Social service"),
         _("Capacity"), _("Occupancy"), _("Estimated budget by funding source (%(unit)s)", unit=unit), "", "", "",
         "", _("Total")],
        ["", "", "", "", "", "", *_source_headers(county_note=True), ""],
    ]
    body = []
    for index, (row, amount) in enumerate(zip(rows, amounts, strict=True), start=1):
        capacity = " ".join(p for p in (plan.capacity(row), plan.t(row.get("capacity_unit")),
                                        plan.t(row.get("beneficiary_category"))) if p)
        total = sum(amount.values(), Decimal(0))
        body.append([str(index), plan.t(row.get("unit")), plan.code(row), plan.t(row.get("description")),
                     capacity, plan.percent(row.get("occupancy")),
                     *_budget_cells(amount, places, plan.locale, _foreign(row, plan.currency)),
                     plan.amount(total, places)])
    totals = _totals_of(amounts)
    footer = [[_("Total"), "", "", "", "", "", *(plan.amount(totals[c] if any(c in a for a in amounts) else None,
                                                               places) for c in SOURCE_CODES),
               plan.amount(sum(totals.values(), Decimal(0)), places)]]
    notes = [plan.t(section.get("footnote"))] if plan.t(section.get("footnote")) else []
    notes += [_("* Filled in only for services funded under an agreement with the county council."),
              *_foreign_note(rows, plan), _nomenclator_note()]
    spans = [("SPAN", (6, 0), (10, 0)), *[("SPAN", (c, 0), (c, 1)) for c in (0, 1, 2, 3, 4, 5, 11)],
             ("SPAN", (0, 2 + len(body)), (5, 2 + len(body)))]
    report.table(header, body, [3, 15, 11, 20, 11, 7, 7, 7, 7, 8, 7, 7], wrap={1, 3, 4, 6, 7, 8, 9, 10}, totals=footer,
                 footnotes=notes, landscape=True, align_right=set(range(5, 12)), spans=spans)
    return {c: totals[c] * scale for c in SOURCE_CODES}


def _staff(plan: _Plan, extra: dict[str, Any]) -> str:
    roles = [f"{plan.figure(r['count'])} {plan.t(r.get('role'))}".strip()
             if (document_decimal(r.get("count")) or 1) > 1 else plan.t(r.get("role"))
             for r in extra.get("staff_roles") or []]
    text = plan.figure(extra.get("staff_total"))
    return f"{text} ({', '.join(roles)})" if roles else text


def _proposed(report: ReportBuilder, plan: _Plan) -> dict[str, Decimal]:
    section = plan.section("proposed-services")
    rows = section["rows"]
    report.heading(plan.title("proposed-services"), 2)
    if not _section_text(report, plan, section):
        return {c: Decimal(0) for c in SOURCE_CODES}
    scale = plan.units["proposed-services"] = _table_unit(rows, 1, plan.currency)
    unit = str(UNITS.get(scale, ""))
    # As the model-cadru: the capacity needed in two figures (per day, per centre), then the building's.
    header = [
        [_("Proposed social service"), _("Service code"), _("Beneficiary category"), _("Capacity needed"), "",
         _("Building capacity / floor space needed (m²)"), _("Staff needed"),
         _("Estimated budget by funding source (%(unit)s)", unit=unit), "", "", "", "", _("Justification")],
        ["", "", "", "", "", "", "", *_source_headers(), ""],
    ]
    body, all_amounts = [], []
    for row in rows:
        amounts, foreign = _amounts_in(row, scale, plan.currency), _foreign(row, plan.currency)
        all_amounts.append(amounts)
        total = sum(amounts.values(), Decimal(0))
        notes = {line["source"]: plan.t(line.get("note")) for line in row.get("budget") or []}
        cells = []
        for code in SOURCE_CODES:
            if code not in amounts:
                cells.append(_foreign_cell(foreign, code, plan.locale))
                continue
            share = format_percent(amounts[code] * 100 / total, 0, plan.locale) if total else ""
            extra_note = f", {notes[code]}" if notes.get(code) else ""
            cells.append(f"{format_decimal(amounts[code], 2, plan.locale)} ({share}{extra_note})")
        extra = row.get("extra") or {}
        capacity = " ".join(p for p in (plan.capacity(row), plan.t(row.get("capacity_unit"))) if p)
        floor = plan.figure(extra.get("floor_space"))
        body.append([plan.t(row.get("name")), plan.code(row), plan.t(row.get("beneficiary_category")), capacity,
                     plan.t(extra.get("building_capacity")), floor, _staff(plan, extra), *cells,
                     plan.t(extra.get("justification"))])
    totals = _totals_of(all_amounts)
    grand = sum(totals.values(), Decimal(0))
    total_cells = [
        f"{format_decimal(totals[c], 2, plan.locale)} ({format_percent(totals[c] * 100 / grand, 0, plan.locale)})"
        if totals[c] and grand else DASH for c in SOURCE_CODES]
    footer = [[_("Total: %(amount)s", amount=_money(plan, grand * scale)), "", "", "", "", "", "", *total_cells, ""]]
    spans = [("SPAN", (7, 0), (11, 0)), ("SPAN", (3, 0), (4, 1)),
             *[("SPAN", (c, 0), (c, 1)) for c in (0, 1, 2, 5, 6, 12)],
             ("SPAN", (0, 2 + len(body)), (6, 2 + len(body)))]
    notes = [plan.t(section.get("footnote"))] if plan.t(section.get("footnote")) else []
    notes += [*_foreign_note(rows, plan), _nomenclator_note()]
    report.table(header, body, [11, 7, 8, 6, 6, 8, 12, 9, 6.5, 6.5, 7.5, 10, 9], wrap={0, 2, 3, 4, 6, 7, 11, 12},
                 totals=footer, footnotes=notes, landscape=True, align_right={5, 7, 8, 9, 10, 11}, spans=spans)
    return {c: totals[c] * scale for c in SOURCE_CODES}


def _programme(report: ReportBuilder, plan: _Plan, key: str, columns: list[tuple[str, Any, str]]) -> None:
    """Chapter I.C or I.D: its rows with the amounts in lei, or its 'nu este cazul' with the reason."""
    section = plan.section(key)
    report.heading(plan.title(key), 2)
    if not _section_text(report, plan, section):
        return
    rows = section["rows"]

    def cell(row: dict[str, Any], field: str, kind: str) -> str:
        value = row.get(field)
        if kind == "money":
            return plan.amount(document_decimal(value), 2) if document_decimal(value) is not None else ""
        if kind == "int":
            return plan.number(value)
        if field == "code":
            return plan.code(row)  # as the Nomenclator spells it ('8810ID-I' prints '8810 ID-I')
        return plan.t(value) if isinstance(value, dict) else str(value or "")

    header = [[str(label) for _field, label, _kind in columns]]
    body = [[cell(row, field, kind) for field, _label, kind in columns] for row in rows]
    money = [n for n, (_field, _label, kind) in enumerate(columns) if kind == "money"]
    totals = None
    if len(rows) > 1 and money:
        sums = {n: sum((document_decimal(row.get(columns[n][0])) or Decimal(0) for row in rows), Decimal(0))
                for n in money}
        totals = [[_("Total") if n == 0 else plan.amount(sums[n], 2) if n in sums else "" for n in range(len(columns))]]
    numbers = {n for n, (_field, _label, kind) in enumerate(columns) if kind in ("money", "int")}
    report.table(header, body, [10, 10, 5, 5][: len(columns)], wrap=set(range(len(columns))) - numbers,
                 totals=totals, align_right=numbers)


def _budget_summary(report: ReportBuilder, plan: _Plan, existing: dict[str, Decimal],
                    proposed: dict[str, Decimal]) -> None:
    totals = {c: existing[c] + proposed[c] for c in SOURCE_CODES}
    grand = sum(totals.values(), Decimal(0))
    if not grand:
        return
    report.heading(_("Estimated budget by funding source"), 2)
    money: Callable[[Decimal], str] = lambda v: _money(plan, v)  # noqa: E731
    header = [[_("Funding source"), _("Existing services"), _("Proposed services"), _("Total"), _("Share")]]
    body = [[str(s.name), money(existing[s.code]), money(proposed[s.code]), money(totals[s.code]),
             format_percent(totals[s.code] * 100 / grand, 1, plan.locale)] for s in FUNDING_SOURCES]
    footer = [[_("Total"), money(sum(existing.values(), Decimal(0))), money(sum(proposed.values(), Decimal(0))),
               money(grand), format_percent(100, 1, plan.locale)]]
    notes = [_("Amounts in lei; the existing services' table is stated in thousand lei.")
             if plan.units.get("existing-services") == 1000 else _("Amounts in lei.")]
    with report.together():  # the chart sits with the table of its figures
        report.table(header, body, [10, 8, 8, 8, 4], totals=footer, align_right={1, 2, 3, 4}, footnotes=notes)
        report.bar_chart(_("Budget by funding source (lei)"), _source_headers(), [totals[c] for c in SOURCE_CODES],
                         money)


# --- chapter II ------------------------------------------------------------------------------------


def _website(report: ReportBuilder, plan: _Plan) -> None:
    section = plan.section("website-information")
    report.heading(plan.title("website-information"), 2)
    if not _section_text(report, plan, section):
        return
    header = [[_("No."), _("Information"), _("Where it is published"), _("Updated")]]
    body = [[row.get("ref", ""), plan.t(row.get("text")), plan.t(row.get("publication")),
             str(FREQUENCIES.get(row.get("frequency"), "")) if row.get("frequency") else ""]
            for row in section["rows"]]
    report.table(header, body, [2, 14, 8, 5], wrap={1, 2, 3})


def _campaigns(report: ReportBuilder, plan: _Plan, key: str) -> None:
    """A campaigns table on landscape pages (the caller goes back to portrait after both)."""
    section = plan.section(key)
    report.landscape()
    report.heading(plan.title(key), 2)
    if not _section_text(report, plan, section):
        return
    header = [[_("No."), _("Campaign"), _("Objectives"), _("Period"), _("Responsible for organising the campaign")]]
    body, number = [], 0
    for row in section["rows"]:
        title = plan.t(row.get("title"))
        number += 1 if title else 0  # a row without a title goes on with the campaign above it
        body.append([f"{number}." if title else "", title, plan.t(row.get("objectives")),
                     period_text(row.get("period"), plan.locale), plan.t(row.get("responsible"))])
    report.table(header, body, [2, 12, 12, 5, 9], wrap={1, 2, 3, 4}, landscape=True)


def _meetings(report: ReportBuilder, plan: _Plan) -> None:
    section = plan.section("tripartite-meetings")
    report.heading(plan.title("tripartite-meetings"), 2)
    if not _section_text(report, plan, section):
        return
    header = [[_("No."), _("Participants"), _("Short description"), _("Frequency")]]
    body = [[f"{i}.", plan.t(r.get("participants")), plan.t(r.get("description")),
             period_text(r.get("frequency"), plan.locale)] for i, r in enumerate(section["rows"], start=1)]
    report.table(header, body, [2, 12, 12, 5], wrap={1, 2, 3})


def _community(report: ReportBuilder, plan: _Plan) -> None:
    section = plan.section("community-assistance")
    report.heading(plan.title("community-assistance"), 2)
    if not _section_text(report, plan, section):
        return
    body = [[f"{i}.", plan.t(r.get("topic"))] for i, r in enumerate(section["rows"], start=1)]
    report.table([[_("No."), _("Topic")]], body, [2, 30], wrap={1})


def _press(report: ReportBuilder, plan: _Plan) -> None:
    report.heading(plan.title("press-messages"), 2)
    _text_block(report, plan.t(plan.section("press-messages").get("text")))


# --- chapter III -----------------------------------------------------------------------------------


def _training(report: ReportBuilder, plan: _Plan, key: str) -> None:
    section = plan.section(key)
    report.heading(plan.title(key), 2)
    if not _section_text(report, plan, section):
        return
    rows = section["rows"]
    footnote = plan.t(section.get("footnote"))
    notes: list[str] = []
    body = []
    for row in rows:
        note = plan.t(row.get("note"))
        if row.get("budgeted") and row.get("budget") not in (None, ""):
            budget = plan.amount(Decimal(str(row["budget"])), _places([Decimal(str(row["budget"]))]))
        elif note and len(note) <= SHORT_NOTE:
            budget = note
        else:  # the footnote's asterisk, or nothing: no word the planner did not write
            budget = "*" if footnote else ""
        if note and len(note) > SHORT_NOTE:
            notes.append(note)
        body.append([plan.t(row.get("department")), plan.number(row.get("persons")), budget])
    totals = None
    if len(rows) > 1:
        persons = sum(int(r.get("persons") or 0) for r in rows)
        budget = sum((Decimal(str(r["budget"])) for r in rows if r.get("budgeted") and r.get("budget")), Decimal(0))
        totals = [[_("Total"), plan.number(persons), plan.amount(budget, _places([budget])) if budget else ""]]
    header = [[str(TRAINING_HEADINGS.get(key, TRAINING_HEADINGS["training-courses"])), _("Number of persons"),
               _("Estimated budget (lei)")]]
    report.table(header, body, [16, 4, 5], wrap={0, 2}, totals=totals, footnotes=[*notes, *([footnote] if footnote
                                                                                             else [])],
                 align_right={1, 2})


# --- the report ------------------------------------------------------------------------------------


def render(context: ReportContext) -> bytes:
    plan = _Plan(context)
    municipality = plan.t(context.municipality.name)
    title = str(context.plan_kind.name)
    report = ReportBuilder(_("%(title)s %(year)s", title=title, year=plan.year), municipality, context.locale,
                           subject=plan.t(plan.doc.get("title")), generated_at=context.generated_at,
                           revision_status=context.revision_status())
    _cover(report, plan)
    _legal_basis(report, plan)
    report.heading(str(CHAPTER_I))
    existing = _existing(report, plan)
    proposed = _proposed(report, plan)
    report.portrait()
    _programme(report, plan, "contracting", [("provider", _("Provider"), "text"),
                                             ("service", _("Social service"), "text"),
                                             ("code", _("Service code"), "text"),
                                             ("amount", _("Amount (lei)"), "money")])
    _programme(report, plan, "subsidies", [("provider", _("Association or foundation"), "text"),
                                           ("service", _("Social service"), "text"),
                                           ("beneficiaries", _("Beneficiaries"), "int"),
                                           ("amount", _("Amount (lei)"), "money")])
    _budget_summary(report, plan, existing, proposed)
    report.heading(str(CHAPTER_II))
    _website(report, plan)
    _campaigns(report, plan, "awareness-campaigns")
    _campaigns(report, plan, "promotion-campaigns")
    report.portrait()
    _meetings(report, plan)
    _community(report, plan)
    _press(report, plan)
    report.heading(str(CHAPTER_III))
    for key in TRAINING_SECTIONS:
        _training(report, plan, key)
    return report.build()


REPORT_KIND = ReportKind(code=PLAN_KIND, name=_l("Annual action plan (PDF)"), plan_kind=PLAN_KIND, render=render)
