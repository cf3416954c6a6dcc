"""Swedish jurisdiction: the follow-up model for elderly care and social services."""

from __future__ import annotations

from pathlib import Path

import plugins.sweden.models  # noqa: F401  (registers the se_ tables on core's metadata)
from core.sdk import (
    Column,
    FundingSource,
    Jurisdiction,
    PlanKind,
    ReportKind,
    RowType,
    SectionSpec,
    WorkflowStep,
    hookimpl,
)
from plugins.sweden.i18n import _l

HERE = Path(__file__).resolve().parent
PLUGIN = "sweden"


@hookimpl
def socialplan_jurisdictions():
    return [Jurisdiction("se", _l("Sweden"), ("SE",), "SEK", "sv")]


@hookimpl
def socialplan_funding_sources(jurisdiction: str):
    if jurisdiction != "se":
        return None
    return [
        FundingSource("municipal", _l("Municipal budget")),
        FundingSource("state_grant", _l("State grant")),
        FundingSource("user_fees", _l("User fees")),
        FundingSource("other", _l("Other sources")),
    ]


WORKFLOW = (
    WorkflowStep("submit", _l("Submit to the committee"), "draft", "submitted"),
    WorkflowStep("return", _l("Return to draft"), "submitted", "draft"),
    WorkflowStep(
        "approve", _l("Record the committee's decision"), "submitted", "approved",
        fields=("council_decision_ref", "council_decision_date"), role="admin",
    ),
)

# A quality report's texts: one table whose rows name their section of the municipality's own list
# (services.quality_report), each an optional sub-heading and text, then Syfte, Resultat, Analys and
# Förbättringsförslag, as seed 002 writes every section.
QUALITY_COLUMNS = (
    Column("section", _l("Section")),
    Column("topic", _l("Sub-heading"), "translated"),
    Column("text", _l("Text"), "translated"),
    Column("purpose", _l("Purpose"), "translated"),
    Column("result", _l("Result"), "translated"),
    Column("analysis", _l("Analysis"), "translated"),
    Column("improvements", _l("Improvement proposals"), "translated"),
)


def plan_kinds() -> list[PlanKind]:
    followup = PlanKind(
        code="followup-plan",
        name=_l("Follow-up plan"),
        jurisdiction="se",
        sections=(
            SectionSpec("introduction", _l("Introduction"), RowType.TEXT, required=True,
                        help=_l("What is followed up, how, by whom and how often.")),
            SectionSpec("methods", _l("Follow-up methods"), RowType.ENTRY, columns=(
                Column("method", _l("Method")),
                Column("dimension", _l("Quality dimension")),
                Column("frequency", _l("Frequency")),
                Column("responsible", _l("Responsible")),
            ), required=True),
            SectionSpec("schedule", _l("Schedule per unit"), RowType.ENTRY, columns=(
                Column("unit", _l("Unit")),
                Column("operating_form", _l("Operating form")),
                Column("method", _l("Method")),
                Column("due", _l("Due"), "date"),
            ), help=_l("The year's calendar is computed from the units and the schedule rules.")),
            SectionSpec("reporting", _l("Reporting of results"), RowType.TEXT),
        ),
        workflow=WORKFLOW,
        copy_forward=("introduction", "methods", "reporting"),
    )
    quality = PlanKind(
        code="quality-report",
        name=_l("Quality report"),
        jurisdiction="se",
        sections=(
            SectionSpec("introduction", _l("Introduction"), RowType.TEXT, required=True),
            SectionSpec("quality-work", _l("Quality work"), RowType.ENTRY, columns=QUALITY_COLUMNS,
                        help=_l("Each row belongs to a section of the report; the sections are the municipality's "
                                "own list (Quality report sections).")),
        ),
        workflow=WORKFLOW,
        copy_forward=("introduction",),
    )
    return [followup, quality]


@hookimpl
def socialplan_plan_kinds():
    return plan_kinds()


@hookimpl
def socialplan_report_kinds():
    from plugins.sweden import reports

    return [
        ReportKind("followup-plan", _l("Follow-up plan"), "followup-plan", reports.render_followup_plan),
        # Public: it prints only published_results' figures (suppressed jointly, no count under the threshold).
        ReportKind("followup-results", _l("Individual follow-up results"), "followup-plan",
                   reports.render_followup_results, public=True),
        ReportKind("quality-report", _l("Quality report"), "quality-report", reports.render_quality_report),
    ]


@hookimpl
def socialplan_council_documents(plan_kind: str):
    from plugins.sweden.council_documents import documents

    return documents(plan_kind)


@hookimpl
def socialplan_migration_dirs():
    return [HERE / "migrations" / "versions"]


@hookimpl
def socialplan_template_dirs():
    return [HERE / "templates"]


@hookimpl
def socialplan_translation_dirs():
    return [(HERE / "translations", PLUGIN)]


@hookimpl
def socialplan_dashboard_panels(municipality, session):
    from plugins.sweden.dashboard import panels

    return panels(municipality, session)


@hookimpl
def socialplan_demo_data(session, context):
    from plugins.sweden.demo import load

    return load(session, context.registry)


@hookimpl
def socialplan_blueprints():
    from plugins.sweden.web import blueprint

    return [blueprint]


@hookimpl
def socialplan_cli_commands():
    from plugins.sweden.cli import commands

    return commands()


@hookimpl
def socialplan_section_form(plan_kind: str, section: str):
    if (plan_kind, section) != ("quality-report", "quality-work"):
        return None
    from plugins.sweden.forms import quality_row_form

    return quality_row_form()


@hookimpl
def socialplan_validate_plan(document, context):
    from plugins.sweden.rules import validate

    return validate(document, context)


@hookimpl
def socialplan_export_plan_extension(plan, session, personal_data):
    from plugins.sweden.extension import export

    return export(plan, session, personal_data=personal_data)


@hookimpl
def socialplan_import_plan_extension(plan, session, data, personal_data):
    from plugins.sweden.extension import import_block

    import_block(plan, session, data, personal_data=personal_data)


@hookimpl
def socialplan_audit_actions():
    from plugins.sweden.audit import actions

    return actions()


@hookimpl
def socialplan_backup_municipality(session, municipality, id_map):
    from plugins.sweden.backup import backup

    return backup(session, municipality, id_map)


@hookimpl
def socialplan_restore_municipality(session, municipality, data, id_map):
    from plugins.sweden.backup import restore

    restore(session, municipality, data, id_map)
