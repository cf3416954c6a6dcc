"""socialplan-example: a complete jurisdiction written against ``core.sdk`` alone: a plan kind with a
section of every row type, funding sources, a nomenclature, a row form, two rules, a report kind,
pages, a dashboard panel, demo data, an audit action, a command and a catalog. Install it with
``pip install .`` beside socialplan, then ``socialplan plugins enable example --municipality SLUG``.

socialplan's own test suite runs on this plugin (tests/conftest.py): it is the test jurisdiction.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import click
from flask import g, redirect, render_template, request, url_for
from flask.cli import with_appcontext
from wtforms import StringField

from core.sdk import (
    Column,
    DashboardPanel,
    Finding,
    FundingSource,
    Jurisdiction,
    Nomenclature,
    NomenclatureEntry,
    PlanKind,
    ReportKind,
    RowType,
    SectionFormSpec,
    SectionSpec,
    Severity,
    WorkflowStep,
    hookimpl,
    require_sdk,
    translations_for,
)
from core.sdk.audit import AuditAction, actor, record
from core.sdk.cli import WHOLE_NUMBER, CLIError, database_errors, municipality_named
from core.sdk.cli import context as command_context
from core.sdk.demo import ensure_municipality, ensure_user
from core.sdk.forms import Form
from core.sdk.plans import PlanError, add_row, find_plan, section_content
from core.sdk.reports import ReportBuilder, ReportContext
from core.sdk.web import context as page_context
from core.sdk.web import plugin_blueprint

require_sdk("1.0")  # refuse to load on an SDK without what this plugin uses

HERE = Path(__file__).resolve().parent
_translations = translations_for("example")  # this plugin's own gettext domain (translations/)
_, _l = _translations.gettext, _translations.lazy_gettext

JURISDICTION = "xx"
SERVICE_COLUMNS = (
    Column("code", _l("Code")), Column("name", _l("Name"), "translated"),
    Column("capacity", _l("Capacity"), "decimal"), Column("occupancy", _l("Occupancy (%)"), "percent"),
    Column("extra.floor_space", _l("Floor space (m²)"), "decimal"),  # a fact of this plugin's own, in 'extra'
    Column("staff_total", _l("Staff"), "int"),  # the same kind of fact, named without 'extra.'
    Column("budget_local", _l("Local budget"), "money"),  # a total: the table shows one column per funding source
)
MEETING_COLUMNS = (Column("topic", _l("Topic"), "translated"), Column("date", _l("Date"), "date"),
                   Column("participants", _l("Participants"), "int"))
PLAN_KIND = PlanKind(
    code="example-plan", name=_l("Example plan"), jurisdiction=JURISDICTION,
    sections=(  # one section of every row type core keeps
        SectionSpec("intro", _l("Introduction"), RowType.TEXT, allow_not_applicable=True),
        SectionSpec("objectives", _l("Objectives"), RowType.OBJECTIVE),
        SectionSpec("services", _l("Services"), RowType.SERVICE, SERVICE_COLUMNS, required=True),
        SectionSpec("campaigns", _l("Campaigns"), RowType.CAMPAIGN),
        SectionSpec("training", _l("Training"), RowType.TRAINING),
        SectionSpec("meetings", _l("Meetings"), RowType.ENTRY, MEETING_COLUMNS),
        # the planners' working notes: public=False keeps them off the public pages and open data
        SectionSpec("notes", _l("Notes"), RowType.ENTRY, (Column("note", _l("Note")),), public=False),
    ),
    workflow=(WorkflowStep("submit", _l("Submit"), "draft", "submitted", blocks_on_errors=True),
              WorkflowStep("approve", _l("Approve"), "submitted", "approved",
                           ("council_decision_ref", "council_decision_date"), role="admin")),
    copy_forward=("services", "campaigns", "training"),  # what next year's plan starts from
)


# --- the jurisdiction: its plan kind, funding sources and service codes ------------------------------


@hookimpl
def socialplan_jurisdictions() -> list[Jurisdiction]:
    return [Jurisdiction(JURISDICTION, _l("Exampleland"), ("XX",), "EUR", "en")]


@hookimpl
def socialplan_plan_kinds() -> list[PlanKind]:
    return [PLAN_KIND]


@hookimpl
def socialplan_funding_sources(jurisdiction: str) -> list[FundingSource] | None:
    if jurisdiction != JURISDICTION:
        return None  # another plugin's jurisdiction
    return [FundingSource("local", _l("Local budget")), FundingSource("state", _l("State budget")),
            FundingSource("other", _l("Other"))]


@hookimpl
def socialplan_nomenclature(jurisdiction: str) -> Nomenclature | None:
    if jurisdiction != JURISDICTION:
        return None
    return Nomenclature([NomenclatureEntry("XX-1", "Day centre"), NomenclatureEntry("XX-2", "Home care")],
                        version="1", source="socialplan-example")


# --- a row form and the rules ------------------------------------------------------------------------


class NoteForm(Form):
    """One row of the notes section (core's generic form would do; this one shows the hook)."""

    note = StringField(_l("Note"))


@hookimpl
def socialplan_section_form(plan_kind: str, section: str) -> SectionFormSpec | None:
    if (plan_kind, section) != (PLAN_KIND.code, "notes"):
        return None  # core's generic form for every other section
    return SectionFormSpec(NoteForm, to_row=lambda form: {"note": (form.note.data or "").strip()})


def _occupancy(value: Any) -> Decimal | None:
    try:
        return None if value in (None, "") else Decimal(str(value))
    except InvalidOperation:
        return None  # core refuses what is not a number before any rule runs


@hookimpl
def socialplan_validate_plan(document: dict[str, Any], context) -> list[Finding]:
    if document["kind"] != PLAN_KIND.code:
        return []  # another plugin's plan
    findings = []
    for index, row in enumerate(document["sections"]["services"]["rows"]):
        occupancy = _occupancy(row.get("occupancy"))
        if occupancy is not None and occupancy > 100:
            findings.append(Finding(Severity.ERROR, _("The occupancy cannot exceed 100 %."),
                                    f"services/{index}/occupancy", "example.occupancy"))
    for index, row in enumerate(document["sections"]["notes"]["rows"]):
        if not (row.get("note") or "").strip():
            findings.append(Finding(Severity.WARNING, _("Note %(number)s is empty.", number=index + 1),
                                    f"notes/{index}/note", "example.empty-note"))
    return findings


# --- a report kind -----------------------------------------------------------------------------------


def render_report(context: ReportContext) -> bytes:
    sections = context.document["sections"]
    builder = ReportBuilder(title=str(_("Example report")), municipality_name=context.municipality.slug,
                            locale=context.locale, revision_status=context.revision_status())
    builder.heading(_("Example plan %(year)s", year=context.plan.year))
    services = [[row["code"] or "", row["name"].get(context.locale) or next(iter(row["name"].values()), "")]
                for row in sections["services"]["rows"]]
    builder.table(header=[[_("Code"), _("Name")]], rows=services or [["-", ""]], col_widths=[0.3, 0.7], wrap={1})
    notes = [[row.get("note") or ""] for row in sections["notes"]["rows"]]
    if notes:
        builder.heading(_("Notes"), level=2)
        builder.table(header=[[_("Note")]], rows=notes, col_widths=[1.0], wrap={0})
    return builder.build()


@hookimpl
def socialplan_report_kinds() -> list[ReportKind]:
    return [ReportKind("example-report", _l("Example report"), PLAN_KIND.code, render_report)]


# --- pages, their templates, the dashboard panel, the catalog ---------------------------------------

blueprint = plugin_blueprint("example", __name__)  # /m/<municipality>/example/...
YEARS = range(2000, 2101)


def _note_counts(context) -> dict[int, int]:
    plans = [find_plan(context.session, g.municipality, year, PLAN_KIND.code) for year in (2025, 2026, 2027)]
    return {plan.year: len(section_content(context.session, context.registry, plan, "notes")["rows"])
            for plan in plans if plan is not None}


@blueprint.route("/")
def index(municipality: str):
    # Core has signed the user in, put the municipality on g and checked the plugin is on for it.
    return render_template("example/index.html", counts=_note_counts(page_context("example")), error=None)


@blueprint.route("/notes", methods=["POST"])
def add_note(municipality: str):
    # A POST: core has also refused a council viewer (403). Bad input is said beside the form, nothing saved.
    context = page_context("example")
    note, year = request.form.get("note", "").strip(), request.form.get("year", "")
    plan = find_plan(context.session, g.municipality, int(year), PLAN_KIND.code) if year.isdigit() and int(
        year) in YEARS else None
    error = (_("Write a note.") if not note else
             _("There is no example plan for that year.") if plan is None else None)
    who = actor()  # the signed-in user
    if error is None:
        try:
            add_row(context.session, context.registry, plan, "notes", {"note": note}, who)
        except PlanError as refused:
            error = str(refused)
    if error is not None:
        context.session.rollback()
        return render_template("example/index.html", counts=_note_counts(context), error=error), 422
    record(context.session, user=who, municipality=g.municipality, action="example.note-added",
           detail={"year": plan.year, "note": note})
    context.session.commit()
    return redirect(url_for("example.index", municipality=municipality))


@hookimpl
def socialplan_blueprints():
    return [blueprint]


@hookimpl
def socialplan_template_dirs() -> list[Path]:
    return [HERE / "templates"]  # holds example/...: a plugin's templates are under its name


@hookimpl
def socialplan_translation_dirs() -> list[tuple[Path, str]]:
    return [(HERE / "translations", "example")]


@hookimpl
def socialplan_dashboard_panels(municipality, context) -> list[DashboardPanel]:
    year = dt.date.today().year
    plan = find_plan(context.session, municipality, year, PLAN_KIND.code)
    count = len(section_content(context.session, context.registry, plan, "notes")["rows"]) if plan else 0
    return [DashboardPanel(context.gettext("Example notes"), "example/panel.html", {"count": count, "year": year})]


@hookimpl
def socialplan_audit_actions() -> list[AuditAction]:
    return [AuditAction("example.note-added", _l("Note added"), {"year": _l("Year"), "note": _l("Note")})]


# --- demo data: socialplan demo load ----------------------------------------------------------------


@hookimpl
def socialplan_demo_data(session, context) -> list[str]:
    name = {"en": "Example Town", "ro": "Orașul Exemplu", "sv": "Exempelstad"}
    town = ensure_municipality(session, context.registry, "exampletown", name, "XX", "ro", "RON", ("example",))
    ensure_user(session, "planner@exampletown.demo", "planner", town)
    return ["exampletown"]


# --- a command: socialplan example notes --municipality SLUG --year YEAR ---------------------------


@click.group("example")
def example() -> None:
    """The example plugin's commands."""


@example.command("notes")
@click.option("--municipality", required=True, help="The municipality's slug.")
@click.option("--year", required=True, type=WHOLE_NUMBER)
@with_appcontext
@database_errors
def notes_command(municipality: str, year: int) -> None:
    """Print the notes of the year's example plan."""
    target = municipality_named(municipality)
    context = command_context("example", target)
    if not context.enabled:
        raise CLIError(f"The example plugin is not enabled for '{municipality}'.")
    plan = find_plan(context.session, target, year, PLAN_KIND.code)
    if plan is None:
        raise CLIError(f"'{municipality}' has no example plan for {year}.")
    for row in section_content(context.session, context.registry, plan, "notes")["rows"]:
        click.echo(row.get("note") or "")


@hookimpl
def socialplan_cli_commands() -> list[click.Command]:
    return [example]
