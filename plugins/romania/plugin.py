"""Romanian jurisdiction: the annual action plan for social services (Planul anual de acțiune)."""

from __future__ import annotations

from pathlib import Path

from core.sdk import Jurisdiction, hookimpl
from plugins.romania.i18n import _l
from plugins.romania.plan_kind import ACTION_PLAN, FUNDING_SOURCES, JURISDICTION


@hookimpl
def socialplan_jurisdictions():
    return [Jurisdiction("ro", _l("Romania"), ("RO",), "RON", "ro")]


@hookimpl
def socialplan_nomenclature(jurisdiction: str):
    if jurisdiction != JURISDICTION:
        return None
    from plugins.romania.nomenclature import load_nomenclature

    return load_nomenclature()


@hookimpl
def socialplan_municipality_register(country: str):
    from plugins.romania.uat import COUNTRY, load_register

    return load_register() if country == COUNTRY else None


@hookimpl
def socialplan_funding_sources(jurisdiction: str):
    return list(FUNDING_SOURCES) if jurisdiction == JURISDICTION else None


@hookimpl
def socialplan_plan_kinds():
    return [ACTION_PLAN]


@hookimpl
def socialplan_section_form(plan_kind: str, section: str):
    from plugins.romania.forms import section_form

    return section_form(plan_kind, section)


@hookimpl
def socialplan_validate_plan(document, context):
    if context.plan_kind.code != ACTION_PLAN.code:
        return []
    from plugins.romania.rules import validate

    return validate(document, context)


@hookimpl
def socialplan_report_kinds():
    from plugins.romania.report import REPORT_KIND

    return [REPORT_KIND]


@hookimpl
def socialplan_council_documents(plan_kind: str):
    from plugins.romania.council_documents import documents

    return documents(plan_kind)


@hookimpl
def socialplan_translation_dirs():
    return [(Path(__file__).parent / "translations", "romania")]


@hookimpl
def socialplan_demo_data(session, context):
    from plugins.romania.demo import load

    return load(session, context)
