"""socialplan-example: a plan kind with one section, a rule, a report kind, a page, a command and a
catalog, written against ``core.sdk`` alone. Install it with ``pip install .`` beside socialplan, then
``socialplan plugins enable example --municipality SLUG``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from flask import g, render_template
from flask.cli import with_appcontext

from core.sdk import (
    Column,
    Finding,
    Jurisdiction,
    PlanKind,
    ReportKind,
    RowType,
    SectionSpec,
    Severity,
    WorkflowStep,
    hookimpl,
    require_sdk,
    translations_for,
)
from core.sdk.cli import WHOLE_NUMBER, CLIError, database_errors, municipality_named
from core.sdk.cli import context as command_context
from core.sdk.plans import find_plan, section_content
from core.sdk.reports import ReportBuilder, ReportContext
from core.sdk.web import context as page_context
from core.sdk.web import plugin_blueprint

require_sdk("1.0")  # refuse to load on an SDK without what this plugin uses

HERE = Path(__file__).resolve().parent
_translations = translations_for("example")  # this plugin's own gettext domain (translations/)
_, _l = _translations.gettext, _translations.lazy_gettext

NOTES = SectionSpec("notes", _l("Notes"), RowType.ENTRY, (Column("note", _l("Note")),), required=True)
PLAN_KIND = PlanKind(
    code="example-plan", name=_l("Example plan"), jurisdiction="xx", sections=(NOTES,),
    workflow=(WorkflowStep("submit", _l("Submit"), "draft", "submitted", blocks_on_errors=True),
              WorkflowStep("approve", _l("Approve"), "submitted", "approved",
                           ("council_decision_ref", "council_decision_date"))),
)


# --- a plan kind, a rule, a report kind -------------------------------------------------------------


@hookimpl
def socialplan_jurisdictions() -> list[Jurisdiction]:
    return [Jurisdiction("xx", _l("Exampleland"), ("XX",), "EUR", "en")]


@hookimpl
def socialplan_plan_kinds() -> list[PlanKind]:
    return [PLAN_KIND]


@hookimpl
def socialplan_validate_plan(document: dict[str, Any], context) -> list[Finding]:
    if document["kind"] != PLAN_KIND.code:
        return []  # another plugin's plan
    rows = document["sections"]["notes"]["rows"]
    return [Finding(Severity.WARNING, _("Note %(number)s is empty.", number=index + 1), f"notes/{index}/note",
                    "example.empty-note") for index, row in enumerate(rows) if not (row.get("note") or "").strip()]


def render_notes(context: ReportContext) -> bytes:
    builder = ReportBuilder(title=str(_("Notes")), municipality_name=context.municipality.slug,
                            locale=context.locale, revision_status=context.revision_status())
    builder.heading(_("Notes of %(year)s", year=context.plan.year))
    rows = [[row.get("note") or ""] for row in context.document["sections"]["notes"]["rows"]]
    builder.table(header=[[_("Note")]], rows=rows, col_widths=[1.0], wrap={0})
    return builder.build()


@hookimpl
def socialplan_report_kinds() -> list[ReportKind]:
    return [ReportKind("example-notes", _l("Notes"), PLAN_KIND.code, render_notes)]


# --- a page, its template, the catalog -------------------------------------------------------------

blueprint = plugin_blueprint("example", __name__)  # /m/<municipality>/example/...


@blueprint.route("/")
def index(municipality: str):
    # Core has signed the user in, put the municipality on g and checked the plugin is on for it.
    context = page_context("example")
    plans = [find_plan(context.session, g.municipality, year, PLAN_KIND.code) for year in (2026, 2027)]
    counts = {plan.year: len(section_content(context.session, context.registry, plan, "notes")["rows"])
              for plan in plans if plan is not None}
    return render_template("example/index.html", counts=counts)


@hookimpl
def socialplan_blueprints():
    return [blueprint]


@hookimpl
def socialplan_template_dirs() -> list[Path]:
    return [HERE / "templates"]  # holds example/index.html: a plugin's templates are under its name


@hookimpl
def socialplan_translation_dirs() -> list[tuple[Path, str]]:
    return [(HERE / "translations", "example")]


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
