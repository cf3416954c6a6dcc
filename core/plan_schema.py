"""The plan document's JSON Schema, generated: ``python -m core.plan_schema`` writes
``core/schemas/plan-v1.schema.json``, ``python -m core.plan_schema --check`` says whether the committed
file is the generated one (tests/test_row_specs.py fails when it is not).

The document's frame (header, municipality, sections, budget lines, periods) is written out below; the
definition of each row type (``service_row`` ...) and the ranges of its numbers come from the row specs
of :mod:`core.rows` and the limits of :mod:`core.limits`, so that a field added to a spec is in the
schema the moment the file is regenerated.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from core.i18n import LOCALES
from core.limits import COUNT_MAX, OCCUPANCY_MAX, YEAR_MAX, YEAR_MIN
from core.periods import PERIOD_KINDS, RECURRENCES
from core.resources import resource_path
from core.rows import BUDGET_LINE, ROW_SPECS, RowField, RowSpec

SCHEMA_FILE = resource_path("schemas") / "plan-v1.schema.json"
# Below 10^16 in absolute value: a NUMERIC(18, 2) column.
DECIMAL_BOUND = 10**16 - 1
TRANSLATED = {"$ref": "#/$defs/translated"}
NULL = {"type": "null"}
EXACT = "A JSON number, read exactly (never as a float)."


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/$defs/{name}"}


def _digits(high: int | Decimal) -> int:
    """The digits of ``high``, a power of ten (1000 -> 3): the patterns below admit 0 to ``high`` exactly."""
    digits = len(str(int(high))) - 1
    if high != 10**digits:
        raise ValueError(f"a range of numbers written as strings ends at a power of ten, not {high}")
    return digits


def bounded_decimal(low: int | Decimal, high: int | Decimal, description: str = "") -> dict[str, Any]:
    """A decimal from ``low`` (0) to ``high`` (a power of ten): a canonical string, an integer or an exact number."""
    if low != 0:
        raise ValueError("a bounded decimal starts at 0")
    digits = _digits(high)
    schema: dict[str, Any] = {"description": description} if description else {}
    schema["anyOf"] = [
        NULL,
        {"type": "string", "pattern": f"^({int(high)}(\\.0+)?|\\d{{1,{digits}}}(\\.\\d+)?)$"},
        {"type": "integer", "minimum": int(low), "maximum": int(high)},
        {"description": EXACT, "type": "number", "minimum": int(low), "maximum": int(high)},
    ]
    return schema


def bounded_integer(low: int, high: int, description: str = "") -> dict[str, Any]:
    schema: dict[str, Any] = {"description": description} if description else {}
    return {**schema, "type": ["integer", "null"], "minimum": low, "maximum": high}


def field_schema(field: RowField) -> dict[str, Any]:
    """The schema of one field's value in a document row."""
    if field.schema_ref:
        return _ref(field.schema_ref)
    kind = field.kind
    if kind == "text":
        return {"type": "string", "maxLength": field.max_length or 4000}
    if kind == "translated":
        return TRANSLATED
    if kind == "decimal":
        return bounded_decimal(field.low, field.high) if field.high is not None else _ref("decimal")
    if kind == "money":
        return _ref("amount")
    if kind == "integer":
        return bounded_integer(int(field.low or 0), int(field.high if field.high is not None else COUNT_MAX))
    if kind == "enum":
        return {"enum": list(field.codes)}
    if kind == "bool":
        return {"type": "boolean"}
    if kind == "date":
        return {"anyOf": [NULL, _ref("date")]}
    if kind == "period":
        return {"anyOf": [_ref("period"), {"type": "object", "maxProperties": 0}]}
    if kind == "object":
        return {"type": "object"}
    if kind == "source":
        return {"type": "string", "minLength": 1, "maxLength": field.max_length or 40}
    if kind == "budget_year":
        return _ref("year")
    if kind == "currency":
        return {"type": "string", "pattern": "^[A-Z]{3}$"}
    return {"type": "array", "items": _ref(row_definition(BUDGET_LINE)), "maxItems": 1000}  # budget


def row_schema(spec: RowSpec) -> dict[str, Any]:
    """The definition of a row of ``spec``'s row type."""
    description = spec.description or f"A row of a section whose row type is '{spec.key}'."
    schema: dict[str, Any] = {"type": "object", "description": description,
                              "properties": {field.name: field_schema(field) for field in spec.fields}}
    required = [field.name for field in spec.fields if field.required]
    if required:
        schema["required"] = required
    return schema


def row_definition(spec: RowSpec) -> str:
    """The name of a row type's definition in the schema's $defs: 'service_row'; a part's is its name,
    'budget_line'."""
    return spec.name or f"{spec.key}_row"


def _numbers() -> dict[str, Any]:
    """The bounded numbers rows refer to by name."""
    return {
        "count": bounded_integer(0, COUNT_MAX, "A number of persons, staff or participants: 0 to 1,000,000."),
        "capacity": bounded_decimal(0, COUNT_MAX,
                                    "A capacity (places, beneficiaries) written as a string: 0 to 1,000,000."),
        "percent": bounded_decimal(0, OCCUPANCY_MAX, "An occupancy rate in percent written as a string: 0 to 1000 "
                                                     "(over-occupied, never ten times over)."),
    }


def _values() -> dict[str, Any]:
    """Definitions of values every part of a document uses."""
    decimal_number = {"minimum": -DECIMAL_BOUND, "maximum": DECIMAL_BOUND}
    return {
        "translated": {
            "type": "object",
            "description": "One text per locale code, e.g. {\"ro\": \"...\", \"en\": \"...\"}; only the languages "
                           "socialplan speaks.",
            "propertyNames": {"enum": list(LOCALES)},
            "additionalProperties": {"type": "string", "maxLength": 20000},
        },
        "date": {"description": "A calendar date, e.g. \"2021-06-30\" (never 2021-02-30).", "type": "string",
                 "format": "date", "pattern": "^\\d{4}-\\d{2}-\\d{2}$"},
        "year": {"description": f"A year from {YEAR_MIN} to {YEAR_MAX}.", "type": "integer", "minimum": YEAR_MIN,
                 "maximum": YEAR_MAX},
        "decimal": {
            "description": "A decimal number written as a string, e.g. \"66361.82\", below 10^16 in absolute value "
                           "(a NUMERIC(18, 2) column).",
            "anyOf": [NULL, {"type": "string", "pattern": "^-?\\d{1,16}(\\.\\d+)?$"},
                      {"type": "integer", **decimal_number},
                      {"description": EXACT, "type": "number", **decimal_number}],
        },
        "amount": {"description": "An amount written as a string, e.g. \"66361.82\": below 10^16 in absolute value, "
                                  "with no more decimals than its currency has.", "$ref": "#/$defs/decimal"},
    }


def _section() -> dict[str, Any]:
    uid = {"description": "The row's identity across revisions: kept by every save, new for an added row; a "
                          "document may leave it out.", "type": "string", "pattern": "^[0-9a-f]{32}$"}
    return {
        "type": "object", "required": ["rows"], "additionalProperties": False,
        "properties": {"not_applicable": {"type": "boolean"}, "text": TRANSLATED, "footnote": TRANSLATED,
                       "rows": {"type": "array", "items": {"type": "object", "properties": {"uid": uid}},
                                "maxItems": 10000}},
    }


def _period() -> dict[str, Any]:
    month = {"type": "integer", "minimum": 1, "maximum": 12}
    return {
        "type": "object",
        "description": "When a campaign runs: a date range, a month, several months, a half-year, a recurrence, "
                       "all year (permanent) or named dates.",
        "required": ["kind"],
        "properties": {
            "kind": {"enum": list(PERIOD_KINDS)},
            "start": _ref("date"), "end": _ref("date"), "year": _ref("year"), "month": month,
            "months": {"type": "array", "items": month, "maxItems": 12}, "half": {"enum": [1, 2]},
            "every": {"enum": list(RECURRENCES)}, "text": TRANSLATED,
        },
        "allOf": [{"if": {"properties": {"kind": {"const": "range"}}, "required": ["kind"]},
                   "then": {"required": ["start", "end"]}}],
    }


def _header() -> dict[str, Any]:
    """The document's own properties: who, which year and kind, its state, its sections."""
    year = {"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX}
    text = {"type": "string", "minLength": 1}
    return {
        "format": {"const": "socialplan.plan"},
        "version": {"const": 1},
        "municipality": {
            "type": "object", "required": ["slug", "name", "country", "default_locale", "currency"],
            "additionalProperties": False,
            "properties": {
                "slug": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$", "maxLength": 80},
                "name": TRANSLATED,
                "country": {"type": "string", "pattern": "^[A-Z]{2}$"},
                "default_locale": {"description": "The language the municipality's pages and reports fall back to.",
                                   "enum": list(LOCALES)},
                "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
            },
        },
        "year": year,
        "kind": {**text, "maxLength": 60},
        "status": {**text, "maxLength": 30},
        "title": TRANSLATED,
        "council_decision": {
            "type": "object", "additionalProperties": False,
            "properties": {"reference": {"type": ["string", "null"], "maxLength": 120},
                           "date": {"anyOf": [NULL, _ref("date")]}},
        },
        "facts": {"type": "object", "propertyNames": {"maxLength": 60}},
        "sections": {"type": "object", "additionalProperties": _ref("section")},
        "extensions": {
            "type": "object",
            "description": "Plugin-owned data that belongs to the plan, one object per plugin name (see the "
                           "socialplan_export_plan_extension hook).",
            "additionalProperties": {"type": "object"},
        },
        "personal_data": {
            "type": "boolean",
            "description": "True when an administrator exported the plan with its personal-level data (socialplan "
                           "plan export --include-personal-data), e.g. the Swedish answer counts of small groups; "
                           "only such a document may carry them, and it is to be kept as safely as the database.",
        },
    }


def plan_schema() -> dict[str, Any]:
    """The whole schema of a plan document, version 1."""
    defs = {**_values(), **_numbers(), "section": _section(), row_definition(BUDGET_LINE): row_schema(BUDGET_LINE),
            "period": _period()}
    defs.update({row_definition(spec): row_schema(spec) for spec in ROW_SPECS.values()})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://socialplan.example/schemas/plan-v1.schema.json",
        "title": "socialplan plan document, version 1",
        "description": "One municipality's plan of one kind for one year, as socialplan exports and imports it. "
                       "Decimals are strings so that money never passes through binary floating point; "
                       "translatable values hold one text per locale.",
        "type": "object",
        "required": ["format", "version", "municipality", "year", "kind", "status", "sections"],
        "additionalProperties": False,
        "properties": _header(),
        "$defs": defs,
    }


def schema_text() -> str:
    """The schema file's text, as committed."""
    return json.dumps(plan_schema(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    """Write the schema file; with --check, only say whether the committed file is the generated one."""
    path = Path(argv[argv.index("--out") + 1]) if "--out" in argv else SCHEMA_FILE
    if "--check" in argv:
        if path.read_text(encoding="utf-8") == schema_text():
            return 0
        print(f"{path} is not the schema core.rows generates: run python -m core.plan_schema", file=sys.stderr)
        return 1
    path.write_text(schema_text(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
