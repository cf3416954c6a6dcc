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

# Syfte, Resultat, Analys, Förbättringsförslag: the four parts of every quality-report section.
QUALITY_COLUMNS = (
    Column("topic", _l("Topic"), "translated"),
    Column("purpose", _l("Purpose"), "translated"),
    Column("result", _l("Result"), "translated"),
    Column("analysis", _l("Analysis"), "translated"),
    Column("improvements", _l("Improvement proposals"), "translated"),
)

QUALITY_SECTIONS = (
    ("quality-goals", _l("Quality goals and strategies")),
    ("management-system", _l("Management system")),
    ("improvement-work", _l("Systematic improvement work")),
    ("goal-attainment", _l("Goal attainment")),
    ("user-involvement", _l("User involvement")),
    ("cooperation", _l("Cooperation")),
    ("follow-up", _l("Follow-up, control and evaluation")),
    ("complaints-lex-sarah", _l("Complaints, deviations and lex Sarah")),
    ("equality", _l("Gender equality and equity")),
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
            *(
                SectionSpec(key, title, RowType.ENTRY, columns=QUALITY_COLUMNS, chapter=_l("Quality work"))
                for key, title in QUALITY_SECTIONS
            ),
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
        ReportKind("followup-results", _l("Individual follow-up results"), "followup-plan",
                   reports.render_followup_results),
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
