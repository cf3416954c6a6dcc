"""Running the rules on a plan: core's own checks plus every enabled plugin's."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import object_session

from core.db import get_session
from core.i18n import current_locale
from core.models import AnnualPlan
from core.plugin_api import Finding, PlanKind, Severity, ValidationContext
from core.plugin_manager import Registry


def _required_sections(document: dict[str, Any], plan_kind: PlanKind) -> list[Finding]:
    findings = []
    for spec in plan_kind.sections:
        content = document["sections"].get(spec.key) or {}
        empty = not content.get("rows") and not content.get("not_applicable") and not any(
            (content.get("text") or {}).values()
        )
        if spec.required and empty:
            message = _("The section '%(section)s' is required and is empty.", section=str(spec.title))
            findings.append(Finding(Severity.ERROR, message, spec.key, "core.required-section"))
    return findings


def validate_document(
    registry: Registry, plan: AnnualPlan, plan_kind: PlanKind, document: dict[str, Any]
) -> list[Finding]:
    context = ValidationContext(
        plan=plan,
        plan_kind=plan_kind,
        nomenclature=registry.nomenclature(plan_kind.jurisdiction),
        locale=current_locale(),
        session=object_session(plan) or get_session(),
        registry=registry,
    )
    findings = _required_sections(document, plan_kind)
    findings += registry.collect_enabled(
        "socialplan_validate_plan", plan.municipality.enabled_plugins, document=document, context=context
    )
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    return sorted(findings, key=lambda f: order[f.severity])


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.ERROR]


def findings_by_field(findings: list[Finding]) -> dict[str, list[Finding]]:
    grouped: dict[str, list[Finding]] = {}
    for finding in findings:
        grouped.setdefault(finding.field, []).append(finding)
    return grouped
