"""Importing a plan document: all of it, or nothing.

The document is checked against the JSON Schema, each section's rows against the schema of its
row type, service codes against the jurisdiction's nomenclature (and written as it spells them, the
spelling as written kept in the row's ``extra.code_as_written``) and amounts for sign; then it is
written inside a savepoint and every enabled plugin's rules run on it. Any finding that
``blocks_import`` rolls the savepoint back, so the database is as it was.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from core.i18n import currency_places, has_places
from core.interchange import (
    DocumentError,
    _json_path,
    amount_from_json,
    document_decimal,
    normalise_code,
    validator_of,
)
from core.models import AnnualPlan, User
from core.plugin_api import Finding, PlanKind, RowType, SectionSpec
from core.plugin_manager import Registry
from core.services.plans import import_document
from core.services.validation import validate_document
from core.text import NestingError, clean_value


class ImportRefused(DocumentError):
    """The document is well-formed but its content cannot be accepted."""


def finding_path(finding: Finding) -> str:
    """The finding's own JSON path, else its field: 'services/3/code' -> '$.sections.services.rows[3].code'."""
    if finding.path:
        return finding.path
    parts = [p for p in finding.field.split("/") if p]
    path = "$.sections" if parts else "$"
    if parts:
        path += f".{parts[0]}"
    if len(parts) > 1:
        path += f".rows[{parts[1]}]"
    for part in parts[2:]:
        path += f"[{part}]" if part.isdigit() else f".{part}"
    return path


def _check_rows(document: dict[str, Any], plan_kind: PlanKind) -> None:
    for spec in plan_kind.sections:
        validator = validator_of(spec)  # an entry's is made from its section's columns
        if validator is None:
            continue
        for index, row in enumerate((document["sections"].get(spec.key) or {}).get("rows", [])):
            error = next(iter(validator.iter_errors(row)), None)
            if error is not None:
                raise DocumentError(
                    f"$.sections.{spec.key}.rows[{index}]{_json_path(error)[1:]}", error.message
                )


def _check_entry_amounts(document: dict[str, Any], spec: SectionSpec, currency: str) -> None:
    """A plugin's money columns are amounts too: no more decimals than the currency has."""
    keys = [column.key for column in spec.columns if column.kind == "money"]
    places = currency_places(currency)
    for index, row in enumerate((document["sections"].get(spec.key) or {}).get("rows", [])):
        for key in keys:
            amount = document_decimal(row.get(key))  # words in a money column are the rules' to judge
            if amount is not None and not has_places(amount, places):
                raise ImportRefused(f"$.sections.{spec.key}.rows[{index}].{key}",
                                    f"the amount {row[key]} has more decimals than {currency} has ({places})")


def _check_services(registry: Registry, document: dict[str, Any], plan_kind: PlanKind) -> None:
    nomenclature = registry.nomenclature(plan_kind.jurisdiction)
    currency = document["municipality"]["currency"]
    for spec in plan_kind.sections:
        if spec.row_type is RowType.ENTRY:
            _check_entry_amounts(document, spec, currency)
        if spec.row_type is not RowType.SERVICE:
            continue
        for index, row in enumerate((document["sections"].get(spec.key) or {}).get("rows", [])):
            path = f"$.sections.{spec.key}.rows[{index}]"
            code = row.get("code") or ""
            if code and nomenclature is not None and nomenclature.lookup(code) is None:
                raise ImportRefused(f"{path}.code", f"'{code}' is not a code of the nomenclature")
            for line_index, line in enumerate(row.get("budget") or []):
                line_path = f"{path}.budget[{line_index}].amount"
                amount = amount_from_json(line.get("amount"), line_path, line.get("currency") or currency)
                if amount is not None and amount < 0:
                    raise ImportRefused(line_path, f"the amount {line['amount']} is negative")


def _normalise_codes(registry: Registry, document: dict[str, Any], plan_kind: PlanKind) -> None:
    """Every service code as the nomenclature spells it, the spelling as written kept (see normalise_code)."""
    nomenclature = registry.nomenclature(plan_kind.jurisdiction)
    for spec in plan_kind.sections:
        if spec.row_type is RowType.SERVICE:
            for row in (document["sections"].get(spec.key) or {}).get("rows", []):
                normalise_code(row, nomenclature)


def import_plan(session: Session, registry: Registry, document: dict[str, Any], user: User | None,
                as_new_revision: bool = False) -> AnnualPlan:
    """Create or replace the plan ``document`` describes, or raise and leave the database as it was.

    ``as_new_revision`` adds it to an adopted plan as a new working revision (see
    :func:`core.services.plans.import_document`)."""
    try:
        document = clean_value(document)  # text as the product keeps it, whoever sent the document
    except NestingError as error:
        raise DocumentError("$", str(error)) from None
    plan_kind = registry.plan_kind(document.get("kind", ""))
    if plan_kind is None:
        raise DocumentError("$.kind", f"unknown plan kind '{document.get('kind')}'")
    _check_rows(document, plan_kind)
    _check_services(registry, document, plan_kind)
    _normalise_codes(registry, document, plan_kind)
    savepoint = session.begin_nested()
    try:
        plan = import_document(session, registry, document, user, as_new_revision)
        blocking = [f for f in validate_document(registry, plan, plan_kind, document) if f.blocks_import]
        if blocking:
            raise ImportRefused(finding_path(blocking[0]), blocking[0].message)
    except Exception:
        savepoint.rollback()
        raise
    savepoint.commit()
    return plan
