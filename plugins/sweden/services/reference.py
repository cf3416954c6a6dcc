"""Reference data shipped with the plugin: follow-up methods and the default question template."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from plugins.sweden.i18n import _l

DATA = Path(__file__).resolve().parent.parent / "data"

DIMENSION_LABELS = {
    "structure": _l("Structure quality"),
    "process": _l("Process quality"),
    "outcome": _l("Outcome quality"),
}

OPERATING_FORM_LABELS = {
    "in_house": _l("In-house"),
    "contracted": _l("Contracted (LOU)"),
    "customer_choice": _l("Customer choice (LOV)"),
    "framework_agreement": _l("Framework agreement"),
}

SERVICE_TYPE_LABELS = {
    "residential_care": _l("Residential care home"),
    "service_housing": _l("Service housing"),
    "home_care": _l("Home care"),
    "day_care": _l("Day care"),
    "lss_housing": _l("LSS housing"),
    "other": _l("Other service"),
}


@cache
def methods_document() -> dict[str, Any]:
    return json.loads((DATA / "methods.json").read_text(encoding="utf-8"))


def methods() -> dict[str, dict[str, Any]]:
    """Follow-up methods by code, each with its names and quality dimensions."""
    return {m["code"]: m for m in methods_document()["methods"]}


def method_name(code: str, locale: str) -> str:
    method = methods().get(code)
    if method is None:
        return code
    return method.get(locale) or method["en"]


def methods_by_dimension() -> dict[str, list[str]]:
    """Which methods follow up each quality dimension (seed 000's model)."""
    result: dict[str, list[str]] = {d: [] for d in methods_document()["dimensions"]}
    for method in methods_document()["methods"]:
        for dimension in method["dimensions"]:
            result[dimension].append(method["code"])
    return result


@cache
def default_template() -> dict[str, Any]:
    return json.loads((DATA / "question_template.json").read_text(encoding="utf-8"))
