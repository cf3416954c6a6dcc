"""The plan document: a plan as JSON, the versioned interchange format.

The same document is what ``socialplan plan export`` writes, what ``plan import`` reads, what every
revision keeps and what rules and reports read. Its JSON Schema is ``core/schemas/plan-v1.schema.json``;
docs/plan-format.md in the README describes it. Amounts and other decimals are strings ("66361.82")
so no float ever touches money; translatable values are objects of one string per locale.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from functools import cache
from typing import Any

import jsonschema
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload

from core.i18n import currency_places, has_places
from core.limits import AMOUNT_LIMIT, COUNT_MAX, YEAR_MAX, YEAR_MIN, budget_years
from core.models import (
    AnnualPlan,
    BudgetLine,
    Campaign,
    Municipality,
    Objective,
    SectionEntry,
    SectionText,
    Service,
    TrainingRow,
    new_uid,
)
from core.plugin_api import PlanKind, RowType
from core.resources import resource_path

FORMAT = "socialplan.plan"
# The key of a row's stable identity in a document's section rows (see core.models._PlanRow.uid).
UID = "uid"
UID_PATTERN = re.compile(r"[0-9a-f]{32}")
VERSION = 1
SCHEMA_PATH = resource_path("schemas") / "plan-v1.schema.json"


class DocumentError(ValueError):
    """A plan document that cannot be read; ``path`` is the JSON path of the offending value."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


# --- decimals ----------------------------------------------------------------------------------

COLUMN_PLACES = 2  # the decimals a Numeric(18, 2) column keeps: capacities, occupancy rates


def decimal_to_json(value: Decimal | None) -> str | None:
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return text


# A document's decimals are canonical, whatever language wrote them: "1486.50", "-3", never
# "1.486,50", "1e3" or "NaN" (the schema's pattern). '1.486' in a document is 1.486, not 1486.
CANONICAL_DECIMAL = re.compile(r"-?\d+(?:\.\d+)?")


def decimal_from_json(value: Any, path: str, places: int | None = None) -> Decimal | None:
    """A document's decimal: a canonical string, a JSON integer or a JSON number (read exactly by
    :func:`core.text.load_json`); with ``places``, refused (never rounded) when it has more decimals than that."""
    if value is None or value == "":
        return None
    if isinstance(value, float):  # a JSON number read without parse_float=Decimal: its shortest exact text
        value = Decimal(repr(value)) if value == value and abs(value) != float("inf") else "NaN"
    if isinstance(value, Decimal):  # a JSON number read exactly (core.text.load_json)
        if not value.is_finite():
            raise DocumentError(path, "a finite number is expected")
        value = format(value, "f")
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise DocumentError(path, "a number written as a string is expected")
    if isinstance(value, str) and not CANONICAL_DECIMAL.fullmatch(value):
        raise DocumentError(path, f"'{value}' is not a number written as digits with '.' for decimals")
    number = Decimal(value)
    if abs(number) >= AMOUNT_LIMIT:  # beyond every NUMERIC(18, 2) column: refused whoever wrote the row
        raise DocumentError(path, f"{str(value)[:40]} is out of range: a number here is below 10^16")
    if places is not None and not has_places(number, places):
        raise DocumentError(path, f"{value} has more than {places} decimals")
    return number


def whole_from_json(value: Any, path: str, low: int, high: int) -> int | None:
    """A document's whole number (a JSON integer, or digits in a string) from ``low`` to ``high``; refused
    otherwise, so that no row reaches an INTEGER column it does not fit."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)) or (
            isinstance(value, str) and not re.fullmatch(r"-?\d{1,12}", value.strip())):
        raise DocumentError(path, "a whole number is expected")
    number = int(value)
    if not low <= number <= high:
        raise DocumentError(path, f"{str(value)[:40]} is out of range: from {low} to {high}")
    return number


def amount_from_json(value: Any, path: str, currency: str) -> Decimal | None:
    """A document's amount in ``currency``: refused when it has more decimals than the currency has."""
    number = decimal_from_json(value, path)
    places = currency_places(currency)
    if number is not None and not has_places(number, places):
        raise DocumentError(path, f"the amount {value} has more decimals than {currency} has ({places})")
    return number


def document_decimal(value: Any) -> Decimal | None:
    """The number in a document value, or None when it is not one (empty, bools, words, NaN, a
    locale's writing such as '1.486,50'): canonical strings, integers, Decimals, finite floats."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, Decimal, float)):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        return number if number.is_finite() else None
    text = str(value).strip()
    return Decimal(text) if CANONICAL_DECIMAL.fullmatch(text) else None


def value_at(row: dict[str, Any], key: str) -> Any:
    """A row's value by a dotted key: ``extra.floor_space`` reaches into nested objects."""
    value: Any = row
    for part in key.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def normalise_code(row: dict[str, Any], nomenclature: Any) -> None:
    """Write a service row's code the way its nomenclature spells it, as the web form does with a typed
    code ('8790CR-II' -> '8790 CRT-II'), keeping the spelling the document wrote in
    ``extra.code_as_written`` (a spelling kept there before stays). An unknown code is left as it is,
    for the caller to refuse."""
    code = row.get("code") or ""
    entry = nomenclature.lookup(code) if code and nomenclature is not None else None
    if entry is None or entry.code == code:
        return
    if code.strip() != entry.code:
        extra = dict(row.get("extra") or {})
        extra.setdefault("code_as_written", code.strip())
        row["extra"] = extra
    row["code"] = entry.code


# --- rows, by row type -------------------------------------------------------------------------


def _service_row(service: Service) -> dict[str, Any]:
    return {
        "code": service.code,
        "unit": service.unit_name or {},
        "name": service.name or {},
        "description": service.description or {},
        "beneficiary_category": service.beneficiary_category or {},
        "capacity": decimal_to_json(service.capacity),
        "capacity_unit": service.capacity_unit or {},
        "occupancy": decimal_to_json(service.occupancy),
        "status": service.status,
        "extra": service.extra or {},
        "budget": [
            {
                "year": line.year,
                "source": line.funding_source,
                "amount": decimal_to_json(line.amount),
                "currency": line.currency,
                "scale": line.scale,
                "note": line.note or {},
            }
            for line in service.budget_lines
        ],
    }


def _campaign_row(campaign: Campaign) -> dict[str, Any]:
    return {
        "title": campaign.title or {},
        "objectives": campaign.objectives or {},
        "period": campaign.period or {},
        "responsible": campaign.responsible or {},
        "target_group": campaign.target_group or {},
    }


def _training_row(row: TrainingRow) -> dict[str, Any]:
    return {
        "kind": row.kind,
        "department": row.department or {},
        "persons": row.persons,
        "budgeted": row.budgeted,
        "budget": decimal_to_json(row.budget),
        "note": row.note or {},
    }


def _objective_row(row: Objective) -> dict[str, Any]:
    return {"level": row.level, "text": row.text or {}, "reference": row.reference or {}, "group": row.group or {}}


def _entry_row(row: SectionEntry) -> dict[str, Any]:
    return {key: value for key, value in (row.fields or {}).items() if key != UID}


ROW_MODELS: dict[RowType, tuple[type, Any]] = {
    RowType.SERVICE: (Service, _service_row),
    RowType.CAMPAIGN: (Campaign, _campaign_row),
    RowType.TRAINING: (TrainingRow, _training_row),
    RowType.OBJECTIVE: (Objective, _objective_row),
    RowType.ENTRY: (SectionEntry, _entry_row),
}


def _translated(value: Any, path: str) -> dict[str, str]:
    if value is None:
        return {}
    if isinstance(value, str):
        raise DocumentError(path, "a translatable value must be an object of one text per language")
    return {str(k): str(v) for k, v in value.items() if v not in (None, "")}


def _build_service(plan: AnnualPlan, section: str, position: int, row: dict[str, Any], path: str) -> Service:
    service = Service(
        plan_id=plan.id,
        section=section,
        position=position,
        code=row.get("code") or "",
        unit_name=_translated(row.get("unit"), f"{path}.unit"),
        name=_translated(row.get("name"), f"{path}.name"),
        description=_translated(row.get("description"), f"{path}.description"),
        beneficiary_category=_translated(row.get("beneficiary_category"), f"{path}.beneficiary_category"),
        capacity=decimal_from_json(row.get("capacity"), f"{path}.capacity", COLUMN_PLACES),
        capacity_unit=_translated(row.get("capacity_unit"), f"{path}.capacity_unit"),
        occupancy=decimal_from_json(row.get("occupancy"), f"{path}.occupancy", COLUMN_PLACES),
        status=row.get("status") or "existing",
        extra=dict(row.get("extra") or {}),
    )
    for index, line in enumerate(row.get("budget") or []):
        line_path = f"{path}.budget[{index}]"
        currency = line.get("currency") or plan.municipality.currency
        amount = amount_from_json(line.get("amount"), f"{line_path}.amount", currency)
        if amount is None:
            raise DocumentError(f"{line_path}.amount", "an amount is required")
        first, last = budget_years(plan.year)
        year = whole_from_json(line.get("year"), f"{line_path}.year", YEAR_MIN, YEAR_MAX) or plan.year
        if not first <= year <= last:
            raise DocumentError(f"{line_path}.year", f"a budget of a {plan.year} plan is for {first} to {last}, "
                                                     f"not {year}")
        service.budget_lines.append(
            BudgetLine(
                position=index,
                year=year,
                funding_source=line["source"],
                amount=amount,
                currency=currency,
                scale=whole_from_json(line.get("scale"), f"{line_path}.scale", 1, 1_000_000) or 1,
                note=_translated(line.get("note"), f"{line_path}.note"),
            )
        )
    return service


def _period(value: Any, path: str) -> dict[str, Any]:
    """A campaign's period; a date range that ends before it starts is refused (the schema checks each date)."""
    period = dict(value or {}) if isinstance(value, dict) or not value else None
    if period is None:
        raise DocumentError(path, "a period is an object")
    if period.get("kind") == "range":
        try:
            start, end = dt.date.fromisoformat(period["start"]), dt.date.fromisoformat(period["end"])
        except (KeyError, TypeError, ValueError):
            raise DocumentError(path, "a date range needs its start and end dates, as YYYY-MM-DD") from None
        if end < start:
            raise DocumentError(f"{path}.end", f"the period ends ({end}) before it starts ({start})")
    return period


def _build_row(row_type: RowType, plan: AnnualPlan, section: str, position: int, row: dict[str, Any], path: str):
    built = _build_row_of_type(row_type, plan, section, position, row, path)
    built.uid = row_uid(row, path)
    return built


def _build_row_of_type(row_type: RowType, plan: AnnualPlan, section: str, position: int, row: dict[str, Any],
                       path: str):
    common = {"plan_id": plan.id, "section": section, "position": position}
    if row_type is RowType.SERVICE:
        return _build_service(plan, section, position, row, path)
    if row_type is RowType.CAMPAIGN:
        return Campaign(
            **common,
            title=_translated(row.get("title"), f"{path}.title"),
            objectives=_translated(row.get("objectives"), f"{path}.objectives"),
            period=_period(row.get("period"), f"{path}.period"),
            responsible=_translated(row.get("responsible"), f"{path}.responsible"),
            target_group=_translated(row.get("target_group"), f"{path}.target_group"),
        )
    if row_type is RowType.TRAINING:
        return TrainingRow(
            **common,
            kind=row.get("kind") or "",
            department=_translated(row.get("department"), f"{path}.department"),
            persons=whole_from_json(row.get("persons"), f"{path}.persons", 0, COUNT_MAX),
            budgeted=bool(row.get("budgeted")),
            budget=amount_from_json(row.get("budget"), f"{path}.budget", plan.municipality.currency),
            note=_translated(row.get("note"), f"{path}.note"),
        )
    if row_type is RowType.OBJECTIVE:
        return Objective(
            **common,
            level=row.get("level") or "strategic",
            text=_translated(row.get("text"), f"{path}.text"),
            reference=_translated(row.get("reference"), f"{path}.reference"),
            group=_translated(row.get("group"), f"{path}.group"),
        )
    return SectionEntry(**common, fields={key: value for key, value in row.items() if key != UID})


# --- sections ----------------------------------------------------------------------------------


def section_rows(session: Session, plan: AnnualPlan, row_type: RowType, section: str) -> list[dict[str, Any]]:
    if row_type is RowType.TEXT:
        return []
    model, to_dict = ROW_MODELS[row_type]
    query = select(model).where(model.plan_id == plan.id, model.section == section).order_by(model.position)
    if model is Service:  # one query for all budget lines, not one per service
        query = query.options(selectinload(Service.budget_lines))
    return [{UID: row.uid, **to_dict(row)} for row in session.scalars(query)]


def row_uid(row: dict[str, Any], path: str) -> str:
    """The uid a document row carries, or a new one for a row that has none (an added row, an old document)."""
    uid = row.get(UID)
    if uid in (None, ""):
        return new_uid()
    if not isinstance(uid, str) or not UID_PATTERN.fullmatch(uid):
        raise DocumentError(f"{path}.{UID}", "a row's uid is 32 lowercase hexadecimal digits")
    return uid


def _section_texts(session: Session, plan: AnnualPlan) -> dict[str, SectionText]:
    return {t.section: t for t in session.scalars(select(SectionText).where(SectionText.plan_id == plan.id))}


def export_section(session: Session, plan: AnnualPlan, spec, texts: dict[str, SectionText] | None = None):
    texts = _section_texts(session, plan) if texts is None else texts
    text = texts.get(spec.key)
    return {
        "not_applicable": bool(text and text.not_applicable),
        "text": (text.text if text else None) or {},
        "footnote": (text.footnote if text else None) or {},
        "rows": section_rows(session, plan, spec.row_type, spec.key),
    }


def replace_section(
    session: Session, plan: AnnualPlan, spec, content: dict[str, Any], path: str = "$"
) -> None:
    """Replace one section's rows and text with ``content`` (in the document's section shape).

    Builds every new row before deleting the old ones, so a bad row leaves the section as it was.
    """
    rows = content.get("rows") or []
    new_rows = (
        []
        if spec.row_type is RowType.TEXT
        else [_build_row(spec.row_type, plan, spec.key, i, row, f"{path}.rows[{i}]") for i, row in enumerate(rows)]
    )
    _check_unique_uids(new_rows, path)
    text = _translated(content.get("text"), f"{path}.text")
    footnote = _translated(content.get("footnote"), f"{path}.footnote")
    if spec.row_type is not RowType.TEXT:
        model, _ = ROW_MODELS[spec.row_type]
        old = session.scalars(select(model).where(model.plan_id == plan.id, model.section == spec.key)).all()
        for row in old:
            session.delete(row)
        session.flush()
    session.add_all(new_rows)
    existing = session.scalar(
        select(SectionText).where(SectionText.plan_id == plan.id, SectionText.section == spec.key)
    )
    not_applicable = bool(content.get("not_applicable"))
    if existing is None and (text or footnote or not_applicable):
        session.add(SectionText(plan_id=plan.id, section=spec.key, not_applicable=not_applicable, text=text,
                                footnote=footnote))
    elif existing is not None:
        existing.not_applicable, existing.text, existing.footnote = not_applicable, text, footnote
    session.flush()


def _check_unique_uids(rows: list[Any], path: str) -> None:
    seen: set[str] = set()
    for index, row in enumerate(rows):
        if row.uid in seen:
            raise DocumentError(f"{path}.rows[{index}].{UID}", "two rows of a section have the same uid")
        seen.add(row.uid)


# --- whole plans -------------------------------------------------------------------------------


def municipality_block(municipality: Municipality) -> dict[str, Any]:
    """The ``municipality`` of a plan document."""
    return {
        "slug": municipality.slug,
        "name": municipality.name,
        "country": municipality.country,
        "default_locale": municipality.default_locale,
        "currency": municipality.currency,
    }


def export_plan(session: Session, plan: AnnualPlan, plan_kind: PlanKind) -> dict[str, Any]:
    texts = _section_texts(session, plan)
    return {
        "format": FORMAT,
        "version": VERSION,
        "municipality": municipality_block(plan.municipality),
        "year": plan.year,
        "kind": plan.kind,
        "status": plan.status,
        "title": plan.title or {},
        "council_decision": {
            "reference": plan.council_decision_ref,
            "date": plan.council_decision_date.isoformat() if plan.council_decision_date else None,
        },
        "facts": plan.facts or {},
        "sections": {spec.key: export_section(session, plan, spec, texts) for spec in plan_kind.sections},
    }


@cache
def _schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


# The schema's formats are checked, not only named: "date" refuses 2021-02-30 and 2021-13-45.
FORMATS = jsonschema.Draft202012Validator.FORMAT_CHECKER

# The schema's definition of each row type that has one (a plugin's entry rows have none).
ROW_SCHEMAS = {RowType.SERVICE: "service_row", RowType.CAMPAIGN: "campaign_row",
               RowType.TRAINING: "training_row", RowType.OBJECTIVE: "objective_row"}


@cache
def row_validator(row_type: RowType) -> jsonschema.Draft202012Validator | None:
    """The validator of one row of ``row_type`` against the plan schema, or None when the schema has no
    definition for it. Built once: spreadsheet imports check every row with it."""
    definition = ROW_SCHEMAS.get(row_type)
    if definition is None:
        return None
    schema = _schema()
    return jsonschema.Draft202012Validator({"$defs": schema["$defs"], **schema["$defs"][definition]},
                                           format_checker=FORMATS)


# A plugin's entry row has no definition in the schema: its section's columns give it one. A JSON number, or
# a string of digits, must be within its column's range; words are the rules' to judge (a money column may
# say "nu este cazul"); a translatable value holds texts under en, sv and ro only.
_NUMBER_TEXT = {"type": "string", "pattern": "^-?\\d+(\\.\\d+)?$"}
_ENTRY_NUMBERS = {
    "int": ({"type": "integer", "minimum": 0, "maximum": COUNT_MAX}, "^(1000000|\\d{1,6})$"),
    "money": ({"minimum": 0, "exclusiveMaximum": 10**16}, "^\\d{1,16}(\\.\\d+)?$"),
    "decimal": ({"exclusiveMinimum": -(10**16), "exclusiveMaximum": 10**16}, "^-?\\d{1,16}(\\.\\d+)?$"),
    "percent": ({"minimum": 0, "maximum": 1000}, "^(1000(\\.0+)?|\\d{1,3}(\\.\\d+)?)$"),
}


def _entry_column(kind: str) -> dict[str, Any]:
    if kind == "translated":
        return {"anyOf": [{"type": ["string", "null"]}, {"$ref": "#/$defs/translated"}]}
    if kind in _ENTRY_NUMBERS:
        number, pattern = _ENTRY_NUMBERS[kind]
        return {"if": {"type": "number"}, "then": number,
                "else": {"if": _NUMBER_TEXT, "then": {"pattern": pattern}}}
    if kind == "date":
        return {"if": {"type": "string", "pattern": "^\\d{4}-\\d{2}-\\d{2}$"}, "then": {"format": "date"}}
    return {"if": {"type": "string"}, "then": {"maxLength": 20000}}


@cache
def entry_validator(columns: tuple[tuple[str, str], ...]) -> jsonschema.Draft202012Validator:
    """The validator of a plugin's entry row, from its section's columns as (key, kind) pairs."""
    schema = {"$defs": _schema()["$defs"], "type": "object",
              "properties": {key: _entry_column(kind) for key, kind in columns}}
    return jsonschema.Draft202012Validator(schema, format_checker=FORMATS)


def validator_of(spec: Any) -> jsonschema.Draft202012Validator | None:
    """The validator of one row of the section ``spec``: its row type's, or one made from its columns."""
    if spec.row_type is RowType.ENTRY:
        return entry_validator(tuple((column.key, column.kind) for column in spec.columns))
    return row_validator(spec.row_type)


def _json_path(error: jsonschema.ValidationError) -> str:
    path = "$"
    for part in error.absolute_path:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def check_schema(document: Any) -> None:
    """Raise DocumentError naming the JSON path of the first schema violation."""
    validator = jsonschema.Draft202012Validator(_schema(), format_checker=FORMATS)
    errors = sorted(validator.iter_errors(document), key=lambda e: (len(list(e.absolute_path)), e.path))
    if errors:
        first = errors[0]
        raise DocumentError(_json_path(first), first.message)


def delete_plan_content(session: Session, plan: AnnualPlan) -> None:
    for model, _ in ROW_MODELS.values():
        session.execute(delete(model).where(model.plan_id == plan.id))
    session.execute(delete(SectionText).where(SectionText.plan_id == plan.id))


def apply_document(session: Session, plan: AnnualPlan, plan_kind: PlanKind, document: dict[str, Any]) -> None:
    """Write a (schema-checked) document's header facts and every section into ``plan``."""
    plan.status = document.get("status") or "draft"
    plan.title = _translated(document.get("title"), "$.title")
    decision = document.get("council_decision") or {}
    plan.council_decision_ref = decision.get("reference")
    plan.council_decision_date = dt.date.fromisoformat(decision["date"]) if decision.get("date") else None
    plan.facts = dict(document.get("facts") or {})
    sections = document.get("sections") or {}
    unknown = sorted(set(sections) - {spec.key for spec in plan_kind.sections})
    if unknown:
        raise DocumentError(f"$.sections.{unknown[0]}", f"plan kind '{plan_kind.code}' has no section '{unknown[0]}'")
    for spec in plan_kind.sections:
        replace_section(session, plan, spec, sections.get(spec.key) or {}, f"$.sections.{spec.key}")


def municipality_from_document(session: Session, document: dict[str, Any]) -> Municipality | None:
    return session.scalar(select(Municipality).where(Municipality.slug == document["municipality"]["slug"]))
