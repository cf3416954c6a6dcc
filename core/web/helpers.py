"""Small pieces the views and templates share: labels, cell formatting, budget totals, findings."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from babel import Locale
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy.orm import Session

from core.facts import CORE_FACT_LABELS, fact_label, is_date_fact
from core.i18n import (
    LOCALES,
    current_locale,
    format_date,
    format_decimal,
    format_money,
    format_number,
    format_percent,
    locale_display_name,
)
from core.interchange import document_decimal
from core.models import AnnualPlan
from core.periods import period_text
from core.plugin_api import Column, Finding, FundingSource, PlanKind, RowType, SectionSpec, Severity
from core.plugin_manager import Registry
from core.rows import default_columns
from core.services.plans import document_of, revision_document, with_live_parts
from core.services.revisions import Cell
from core.services.tables import scale_label
from core.services.validation import validate_document

STATUS_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "approved": _l("Approved"),
}
SEVERITY_LABELS = {Severity.ERROR: _l("Error"), Severity.WARNING: _l("Warning"), Severity.INFO: _l("Note")}
def status_label(status: str, plan_kind: PlanKind | None = None) -> str:
    """A status in the reader's language: the plan kind's own label, else core's."""
    label = (plan_kind.status_labels.get(status) if plan_kind else None) or STATUS_LABELS.get(status)
    return str(label) if label else status.replace("_", " ").replace("-", " ")


# How a revision's action (core.services.plans.action) reads: verb -> message with its parts.
ACTION_LABELS = {
    "create": _l("Plan created"),
    "imported": _l("Plan imported"),
    "copied-from": _l("Copied from the plan of %(value)s"),
    "row-added": _l("Row %(row)s added to %(section)s"),
    "row-edited": _l("Row %(row)s of %(section)s edited"),
    "row-moved": _l("Row %(row)s of %(section)s moved"),
    "row-removed": _l("Row %(row)s of %(section)s removed"),
    "text-edited": _l("Text of %(section)s edited"),
    "title-edited": _l("Plan title edited"),
    "table-imported": _l("Table %(section)s imported from a spreadsheet"),
    "step": _l("Workflow step: %(value)s"),
    "reopened": _l("Reopened as a new revision"),
    "restored": _l("Revision %(value)s restored"),
    "demo-data": _l("Demo data loaded"),
}


# A plan document's keys outside its rows, as a revision comparison names them.
DOCUMENT_FIELD_LABELS = {
    "status": _l("Status"),
    "title": _l("Title"),
    "text": _l("Text"),
    "footnote": _l("Footnote or legal reference"),
    "not_applicable": _l("Not applicable"),
    "council_decision.reference": _l("Council decision number"),
    "council_decision.date": _l("Council decision date"),
}


def document_field_label(key: str, plan_kind: PlanKind | None = None) -> str:
    """A flattened document key in the reader's words: 'title.ro' -> 'Title (Română)', 'facts.x' -> x's label."""
    if key.startswith("facts."):
        return str(fact_label(key.removeprefix("facts."), plan_kind))
    head, _dot, locale = key.rpartition(".")
    if locale not in LOCALES:
        head, locale = key, ""
    label = str(DOCUMENT_FIELD_LABELS.get(head) or head.replace("_", " ").replace(".", ", ").capitalize())
    return f"{label} ({locale_display_name(locale)})" if locale else label


def readable_cell(cell: Cell, plan_kind: PlanKind | None = None) -> Cell:
    """A compared cell with codes in words (a status by its label)."""
    if cell.key != "status":
        return cell
    return Cell(cell.key, *(status_label(v, plan_kind) if v else v for v in (cell.old, cell.new)))


def describe_action(action: str, plan_kind: PlanKind | None = None) -> str:
    """A revision's action in the reader's language, with section titles and step labels."""
    verb, *parts = action.split(" ")
    label = ACTION_LABELS.get(verb)
    if label is None:
        return action
    spec = plan_kind.section(parts[0]) if plan_kind and parts else None
    step = next((s for s in plan_kind.workflow if parts and s.code == parts[0]), None) if plan_kind else None
    value = str(step.label) if step else (parts[0] if parts else "")
    return str(label) % {"section": str(spec.title) if spec else value, "row": parts[1] if len(parts) > 1 else "",
                         "value": value}


# Default columns of the row table when a section does not name its own (core.rows: the fields marked so).
DEFAULT_COLUMNS: dict[RowType, tuple[Column, ...]] = {row_type: default_columns(row_type) for row_type in RowType}


def columns_of(spec: SectionSpec) -> tuple[Column, ...]:
    return spec.columns or DEFAULT_COLUMNS.get(spec.row_type, ())


def format_cell(value: Any, kind: str, tr, currency: str = "", labels: dict[str, Any] | None = None) -> Markup:
    """A cell of a row table, formatted the locale's way; ``tr`` renders translatable content, ``labels``
    names a chosen code (an objective's level 'strategic', a frequency 'yearly') in the reader's words."""
    if value in (None, "", {}, []):
        return Markup("")
    if labels and not isinstance(value, (dict, list)) and str(value) in labels:
        return escape(str(labels[str(value)]))
    if kind == "period" or (isinstance(value, dict) and "kind" in value):
        return escape(period_label(value))
    if kind == "translated" or isinstance(value, dict):
        return tr(value)
    number = document_decimal(value) if kind in ("decimal", "money", "percent", "int") else None
    if kind == "int" and number is not None:
        return escape(format_number(number))
    if kind == "decimal" and number is not None:
        return escape(format_decimal(number, 2 if number != number.to_integral_value() else 0))
    if kind == "money" and number is not None:
        return escape(format_money(number, currency) if currency else format_decimal(number))
    if kind == "percent" and number is not None:
        return escape(format_percent(number, 0 if number == number.to_integral_value() else 2))
    if kind == "date":
        try:
            return escape(format_date(dt.date.fromisoformat(str(value))))
        except ValueError:
            return escape(value)
    if kind == "bool" or isinstance(value, bool):
        return escape(_("Yes") if value else _("No"))
    if kind == "text" and str(value) in STATUS_LABELS:  # a status column of a row
        return escape(status_label(str(value)))
    return escape(value)


def format_fact(name: str, value: Any) -> str:
    """A fact a workflow step recorded, as the reader writes it (dates in the locale's format)."""
    if is_date_fact(name) and isinstance(value, str):
        try:
            return format_date(dt.date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def locale_order() -> list[str]:
    """The languages in the order a form asks for a translatable value: the reader's, then the municipality's
    default, then the others."""
    from flask import g

    municipality = getattr(g, "municipality", None)
    first = [current_locale(), municipality.default_locale if municipality is not None else None]
    return list(dict.fromkeys(code for code in [*first, *LOCALES] if code in LOCALES))


def translation_order(field_names: list[str]) -> list[str]:
    """A translatable group's fields ('name__en', 'name__ro', ...) in :func:`locale_order`."""
    order = {code: index for index, code in enumerate(locale_order())}
    return sorted(field_names, key=lambda name: order.get(name.rpartition("__")[2], len(order)))


def fields_in_translation_order(form: Any) -> list[Any]:
    """A form's fields with each run of one value's languages ('goal__en', 'goal__sv', ...) in
    :func:`locale_order`, the other fields where they are."""
    fields, result = list(form), []
    index = 0
    while index < len(fields):
        key, _sep, code = fields[index].name.rpartition("__")
        run = [fields[index]]
        while key and code in LOCALES and index + len(run) < len(fields) \
                and fields[index + len(run)].name.rpartition("__")[0] == key:
            run.append(fields[index + len(run)])
        if key and code in LOCALES:
            names = translation_order([f.name for f in run])
            run.sort(key=lambda f: names.index(f.name))
        result += run
        index += len(run)
    return result


def workflow_hint(plan: AnnualPlan, plan_kind: PlanKind) -> str:
    """'Status: Draft. Next step: Open the public consultation (a planner or an administrator).': where a plan
    stands and who moves it on, for every plan page; '' when no step is left."""
    from core.services.plans import available_steps

    forward = [step for step in available_steps(plan, plan_kind) if step.target != plan_kind.statuses[0]]
    if not forward:
        return ""
    step = forward[0]
    who = _("an administrator") if step.role == "admin" else _("a planner or an administrator")
    return _("Status: %(status)s. Next step: %(step)s (%(who)s).", status=status_label(plan.status, plan_kind),
             step=str(step.label), who=who)


def plugin_label(plugin: str) -> str:
    """A plugin by the jurisdictions it brings ('Romania'), in the reader's language; a plugin that brings
    none reads as its name."""
    from core.plugin_manager import get_registry

    names = sorted(str(j.name) for owner, j in get_registry().jurisdictions.values() if owner == plugin)
    return ", ".join(names) or plugin


def country_name(code: str) -> str:
    """An ISO 3166 country code ('RO') by its name in the reader's language ('Rumänien'); an unknown one as is."""
    return Locale.parse(current_locale()).territories.get(str(code).upper(), str(code))


def shown_facts(document: dict[str, Any], plan_kind: PlanKind) -> list[tuple[str, Any]]:
    """The facts of a plan its page shows: those its workflow records or its kind labels. Anything else an
    imported document carries (a note left by whoever typed it) has no words for the reader and is not shown."""
    known = {name for step in plan_kind.workflow for name in step.fields} | set(plan_kind.fact_labels)
    known |= set(CORE_FACT_LABELS)
    return [(name, value) for name, value in (document.get("facts") or {}).items() if name in known]


def period_label(period: dict[str, Any]) -> str:
    """A campaign's period in words, as the reports say it: 'Quarterly', '1–30 June 2021', 'June', 'Permanent'."""
    return period_text(period)


# --- budget totals --------------------------------------------------------------------------------


@dataclass
class BudgetTotals:
    """Sums of a service section's budget lines per funding source and overall, in one scale."""

    currency: str
    scale: int
    by_source: OrderedDict[str, Decimal] = field(default_factory=OrderedDict)
    total: Decimal = Decimal(0)

    def share(self, amount: Decimal) -> Decimal | None:
        """A source's share of the total, as a percentage."""
        return (amount / self.total * 100).quantize(Decimal("0.01")) if self.total else None

    @property
    def unit_label(self) -> str:
        return scale_label(self.scale, self.currency)


def row_budget_total(row: dict[str, Any], currency: str = "") -> Decimal:
    """A row's budget in base units (lei, not thousand lei); given the plan's ``currency``, a line in another
    currency (euros in a plan in lei) is not added, as budget_totals and the reports leave it out."""
    total = Decimal(0)
    for line in row.get("budget") or []:
        amount = document_decimal(line.get("amount"))
        if currency and (line.get("currency") or currency) != currency:
            continue
        if amount is not None:
            total += amount * int(line.get("scale") or 1)
    return total


def budget_totals(rows: list[dict[str, Any]], sources: list[FundingSource], currency: str) -> BudgetTotals | None:
    """Totals per source and overall, in the plan's ``currency``: a line in another currency is not added
    (the plan kind's rules say so beside it). Lines typed in one scale are summed in it (thousand lei stay
    thousand lei); mixed scales are converted to base units."""
    lines = [line for row in rows for line in row.get("budget") or []
             if document_decimal(line.get("amount")) is not None and (line.get("currency") or currency) == currency]
    if not lines:
        return None
    scales = {int(line.get("scale") or 1) for line in lines}
    scale = scales.pop() if len(scales) == 1 else 1
    totals = BudgetTotals(currency=currency, scale=scale)
    for source in sources:  # the jurisdiction's order first
        totals.by_source[source.code] = Decimal(0)
    for line in lines:
        amount = document_decimal(line.get("amount")) * int(line.get("scale") or 1) / scale
        totals.by_source[line["source"]] = totals.by_source.get(line["source"], Decimal(0)) + amount
        totals.total += amount
    for code in [code for code, amount in totals.by_source.items() if not amount]:
        del totals.by_source[code]
    return totals


# --- findings -----------------------------------------------------------------------------------


@dataclass
class PlanState:
    """What a plan page reads: the document, and whether it is the latest revision's snapshot (so that
    ``plan.id`` and ``plan.revision`` name its header and sections)."""

    document: dict[str, Any]
    snapshot: bool


def plan_state(session: Session, registry: Registry, plan: AnnualPlan) -> PlanState:
    """The plan document from one query (the latest revision) when possible, else from its tables."""
    snapshot = revision_document(session, plan)
    if snapshot is None:
        return PlanState(document_of(session, registry, plan), False)
    return PlanState(with_live_parts(session, registry, plan, snapshot), True)


def findings_key(plan: AnnualPlan, state: PlanState) -> tuple | None:
    """The inputs of the rules' findings on a snapshot, or None when they cannot be named.

    The rules read the document and their context (the plan, its kind, the jurisdiction's
    nomenclature, the locale) and run for the municipality's enabled plugins. The snapshot's header
    and sections are named by (plan id, revision); the plan's own columns change only with a new
    revision; the municipality block may change without one, so it is in the key; plugin
    extensions (a plugin's own data) may too, and are not named: a document with extensions is not
    cached. Plan kinds and nomenclatures are fixed for the process; translations, by the locale.
    """
    if not state.snapshot or "extensions" in state.document:
        return None
    municipality = state.document["municipality"]
    return (plan.id, plan.revision, plan.kind, current_locale(), tuple(sorted(plan.municipality.enabled_plugins)),
            tuple(sorted((k, str(v)) for k, v in municipality.items())))


def cached_findings(registry: Registry, plan: AnnualPlan, plan_kind: PlanKind,
                    state: PlanState) -> tuple[list[Finding], bool]:
    """The rules' findings on the plan, and whether they depend on :func:`findings_key` alone.

    Findings of a snapshot are kept per process (a revision's document never changes), unless the
    rules ran SQL while making them: then they read the database beyond the key, and are not kept.
    """
    from flask import current_app

    from core.db import get_engine
    from core.web.cache import findings_cache, statement_count

    key = findings_key(plan, state)
    cache = findings_cache(current_app)
    if key is not None and (kept := cache.get(key)) is not None:
        return list(kept), True
    engine = get_engine()
    before = statement_count(engine)
    findings = validate_document(registry, plan, plan_kind, state.document)
    pure = key is not None and statement_count(engine) == before
    if pure:
        cache.put(key, tuple(findings))
    return findings, pure


class UrlPattern:
    """``url_for(endpoint, **values)`` for every value of one integer argument, from one url_for call:
    a table of 30 rows links each row three times, and url_for costs more than a string join."""

    SENTINEL = 987654321987654321

    def __init__(self, endpoint: str, name: str, **values: Any) -> None:
        url = url_for(endpoint, **values, **{name: self.SENTINEL})
        self.head, found, self.tail = url.rpartition(str(self.SENTINEL))
        if not found:
            raise ValueError(f"{endpoint}: '{name}' is not in the URL path")

    def __call__(self, value: int) -> str:
        return f"{self.head}{int(value)}{self.tail}"


@dataclass(frozen=True)
class SectionLink:
    """A link of the sections menu, its texts translated once (escape() keeps a lazy text's markup as is)."""

    url: str
    title: Markup
    chapter: Markup | None
    current: bool


def section_links(plan: AnnualPlan, plan_kind: PlanKind, current: str | None = None) -> list[SectionLink]:
    links = []
    for spec in plan_kind.sections:
        chapter = escape(spec.chapter) if spec.chapter is not None else None
        links.append(SectionLink(url_for("plans.section", plan_id=plan.id, section=spec.key), escape(spec.title),
                                 chapter or None, spec.key == current))
    return links


def section_of_field(finding: Finding) -> str:
    return finding.field.split("/", 1)[0] if finding.field else ""


def row_of_field(finding: Finding) -> tuple[int | None, str]:
    """('services/2/occupancy') -> (2, 'occupancy'); a section-level finding -> (None, '')."""
    parts = finding.field.split("/")
    if len(parts) >= 2 and parts[1].isdigit():
        return int(parts[1]), "/".join(parts[2:])
    return None, ""


def field_anchor(field: str) -> str:
    """The id of the element a finding about ``field`` links to."""
    return "f-" + field.replace("/", "-").replace(".", "-") if field else "findings"
