"""One declarative spec per row type: the fields of a service (and of its budget lines), a campaign, a training
row and an objective.

Each :class:`RowSpec` lists its row type's fields in document order. Every place that spells out a
row type reads it from here:

- the model mapping (:mod:`core.models`): each stored field is a column (:func:`row_columns`), its
  database type from its kind;
- the plan interchange format (:mod:`core.interchange`): export and import of a row, field by field;
- the plan JSON schema's row definitions (:mod:`core.plan_schema`, which writes
  ``core/schemas/plan-v1.schema.json``; tests/test_row_specs.py fails when the committed file differs);
- the generic row forms and their converters (:mod:`core.web.forms`);
- the table exports' columns and headings (:mod:`core.services.tables`) and a section's default
  columns (:func:`default_columns`).

Kinds of field: ``text`` (``max_length``), ``translated`` (one text per locale), ``decimal``
(``places``, ``low``..``high``), ``integer`` (``low``..``high``), ``money`` (the plan's currency, its
decimals), ``enum`` (``choices``, ``default``; codes are strings or whole numbers), ``bool``, ``date``,
``period`` (a campaign's period), ``object`` (free facts such as a service's ``extra``) and ``budget`` (a
service's budget lines: rows of :data:`BUDGET_LINE`, kept in their own table). A budget line adds three:
``source`` (a funding source of the plan's jurisdiction), ``budget_year`` (a year a budget of the plan's year
may be for, the plan's year when left out) and ``currency`` (an ISO 4217 code, the municipality's when left
out). Limits come from :mod:`core.limits`; labels are lazy gettext strings of core's catalog.

Adding a field to a row type is one change plus its migration. To give training rows a ``hours``
count, say:

1. add ``RowField("hours", "integer", _l("Hours"), low=0, high=COUNT_MAX)`` to :data:`TRAINING` (with
   ``default_column=True`` if the section's table shows it when the section names no columns);
2. its migration: an Alembic revision in core/migrations/versions adding ``training_row.hours``
   (``INTEGER NULL``; tests/test_migrations.py fails until the migrations and the models agree).

Then ``make schema`` (``python -m core.plan_schema``) regenerates the committed schema, and a new label,
being a new msgid, gets its sv and ro entries in core's catalogs (tests/test_catalogs.py says which).

Export, import, schema, the form, its converters and the table export then carry the field;
tests/test_row_specs.py walks exactly this with an added field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Boolean, Date, Integer, Numeric, String
from sqlalchemy.orm import mapped_column

from core.limits import AMOUNT_MAX, COUNT_MAX, OCCUPANCY_MAX
from core.plugin_api import Column, RowType

KINDS = ("text", "translated", "decimal", "integer", "money", "enum", "bool", "date", "period", "object", "budget",
         "source", "budget_year", "currency")
# How each kind shows in a table (core.plugin_api.Column.kind), unless the field says otherwise.
COLUMN_KINDS = {"integer": "int", "enum": "text", "object": "json", "source": "text", "budget_year": "int",
                "currency": "text"}
# Kinds whose value is kept elsewhere than in a column of the row's own table.
NOT_COLUMNS = ("budget",)
# The decimals of a Numeric(18, 2) column: capacities, occupancy rates, amounts.
COLUMN_PLACES = 2


class ServiceStatus(StrEnum):
    EXISTING = "existing"
    PROPOSED = "proposed"


class ObjectiveLevel(StrEnum):
    STRATEGIC = "strategic"
    OPERATIONAL = "operational"


@dataclass(frozen=True)
class Choice:
    """One value of an ``enum`` field: its code (in documents and the database) and its words."""

    code: str
    label: Any


@dataclass(frozen=True)
class RowField:
    """One field of a row type: its key in a document row, its kind (text, translated, decimal, integer, money,
    enum, bool, date, period, object, budget; a budget line's source, budget_year and currency), its labels, its
    limits and where it shows."""

    name: str  # its key in a row of the plan document
    kind: str  # one of KINDS
    label: Any  # the form's label
    heading: Any = None  # the table export's heading and the default column's label (default: the label)
    attribute: str = ""  # the model's attribute and column, when it is not the name
    required: bool = False  # the schema requires it and the form asks for it
    places: int | None = None  # decimal: at most this many decimals
    low: int | Decimal | None = None  # decimal, integer: the range (from core.limits)
    high: int | Decimal | None = None
    max_length: int | None = None  # text
    choices: tuple[Choice, ...] = ()  # enum
    default: Any = None  # enum: the code of a row that says none
    default_column: bool = False  # a column of the section's table when the section names none
    in_form: bool = True  # the generic row form edits it
    long: bool = False  # translated: several lines in the form
    column_kind: str = ""  # how a table shows it (Column.kind), when not from the kind
    table_kind: str = ""  # how a table export writes and reads it, when not the column kind
    schema_ref: str = ""  # the schema's $defs entry for its value, when it has one of its own
    datalist: str = ""  # the form's input suggests the values of this <datalist>

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind of field: {self.kind}")

    @property
    def column(self) -> str:
        """The model's attribute (and database column) that keeps the field."""
        return self.attribute or self.name

    @property
    def shown_as(self) -> str:
        """The kind of a table column holding it (core.plugin_api.Column.kind)."""
        return self.column_kind or COLUMN_KINDS.get(self.kind, self.kind)

    @property
    def exported_as(self) -> str:
        """The kind of its column in a table export (core.services.tables.TableColumn.kind)."""
        return self.table_kind or self.shown_as

    @property
    def header(self) -> Any:
        """Its heading in a table export and as a default column."""
        return self.heading if self.heading is not None else self.label

    @property
    def codes(self) -> tuple[str, ...]:
        """An enum's codes, in order."""
        return tuple(choice.code for choice in self.choices)

    @property
    def numbered(self) -> bool:
        """An enum whose codes are whole numbers (a budget line's scale)."""
        return bool(self.choices) and all(isinstance(code, int) for code in self.codes)

    def check_constraint(self) -> str:
        """The database's check of an enum column: 'status in ('existing', 'proposed')'."""
        return f"{self.column} in ({', '.join(repr(code) for code in self.codes)})"


@dataclass(frozen=True)
class RowSpec:
    """The fields of one row type, in the order its document rows (and tables) hold them. A part of another row
    (a service's budget lines) has no row type of its own but a name."""

    row_type: RowType | None
    fields: tuple[RowField, ...]
    form_order: tuple[str, ...] = ()  # the form's order of fields, when not the document's
    name: str = ""  # a part's name ('budget_line'): its schema definition and its model's mixin
    description: str = ""  # the schema's description of such a row, when not its row type's

    @property
    def key(self) -> str:
        """Its name, or its row type's: 'service', 'budget_line'."""
        return self.name or (self.row_type.value if self.row_type else "")

    def field(self, name: str) -> RowField:
        """The field of that name (StopIteration when there is none)."""
        return next(f for f in self.fields if f.name == name)

    @property
    def stored(self) -> tuple[RowField, ...]:
        """The fields kept in columns of the row's own table."""
        return tuple(f for f in self.fields if f.kind not in NOT_COLUMNS)

    @property
    def form_fields(self) -> tuple[RowField, ...]:
        """The fields the generic row form edits, in its order."""
        fields = [f for f in self.fields if f.in_form]
        if self.form_order:
            fields.sort(key=lambda f: self.form_order.index(f.name))
        return tuple(fields)

    def of_kind(self, *kinds: str) -> tuple[str, ...]:
        """The names of its fields of these kinds."""
        return tuple(f.name for f in self.fields if f.kind in kinds)

    def with_field(self, new: RowField, after: str | None = None) -> RowSpec:
        """This spec with one more field (last, or after the field ``after``): what adding a field is."""
        fields = list(self.fields)
        fields.insert(fields.index(self.field(after)) + 1 if after else len(fields), new)
        order = (*self.form_order, new.name) if self.form_order else ()
        return replace(self, fields=tuple(fields), form_order=order)


SERVICE_STATUS = (Choice(ServiceStatus.EXISTING.value, _l("Existing")),
                  Choice(ServiceStatus.PROPOSED.value, _l("Proposed")))
OBJECTIVE_LEVEL = (Choice(ObjectiveLevel.STRATEGIC.value, _l("Strategic")),
                   Choice(ObjectiveLevel.OPERATIONAL.value, _l("Operational")))

BUDGET_SCALES = (Choice(1, _l("units")), Choice(1000, _l("thousands")), Choice(1000000, _l("millions")))

# One amount of a service's budget: the plan document's "budget" list, the table budget_line.
BUDGET_LINE = RowSpec(None, (
    RowField("year", "budget_year", _l("Year")),
    RowField("source", "source", _l("Funding source"), attribute="funding_source", required=True, max_length=40),
    RowField("amount", "money", _l("Amount"), required=True, low=0, high=AMOUNT_MAX),
    RowField("currency", "currency", _l("Currency"), in_form=False),
    RowField("scale", "enum", _l("Unit"), choices=BUDGET_SCALES, default=1),
    RowField("note", "translated", _l("Note"), in_form=False),
), form_order=("source", "amount", "scale", "year"), name="budget_line",
    description="One amount of a service's budget: its year (the plan's when left out), funding source, amount, "
                "currency (the municipality's when left out), scale (1000: thousands) and note.")

SERVICE = RowSpec(RowType.SERVICE, (
    RowField("code", "text", _l("Service code"), _l("Code"), max_length=40, default_column=True,
             datalist="nomenclature-codes"),
    RowField("unit", "translated", _l("Unit"), attribute="unit_name"),
    RowField("name", "translated", _l("Name"), default_column=True),
    RowField("description", "translated", _l("Description"), in_form=False),
    RowField("beneficiary_category", "translated", _l("Beneficiary category")),
    RowField("capacity", "decimal", _l("Capacity"), places=COLUMN_PLACES, low=0, high=COUNT_MAX,
             schema_ref="capacity", default_column=True),
    RowField("capacity_unit", "translated", _l("Capacity unit")),
    RowField("occupancy", "decimal", _l("Occupancy rate (%)"), _l("Occupancy"), places=COLUMN_PLACES, low=0,
             high=OCCUPANCY_MAX, schema_ref="percent", column_kind="percent", default_column=True),
    RowField("status", "enum", _l("Status"), choices=SERVICE_STATUS, default=ServiceStatus.EXISTING.value,
             table_kind="status", default_column=True),
    RowField("extra", "object", None, in_form=False),  # a jurisdiction's own facts (floor space, staff ...)
    RowField("budget", "budget", _l("Budget")),
), form_order=("code", "name", "unit", "beneficiary_category", "capacity", "capacity_unit", "occupancy", "status",
               "budget"))

CAMPAIGN = RowSpec(RowType.CAMPAIGN, (
    RowField("title", "translated", _l("Title"), default_column=True),
    RowField("objectives", "translated", _l("Objectives"), long=True),
    RowField("period", "period", _l("Period"), default_column=True),
    RowField("responsible", "translated", _l("Responsible"), default_column=True),
    RowField("target_group", "translated", _l("Target group"), default_column=True),
))

TRAINING = RowSpec(RowType.TRAINING, (
    RowField("kind", "text", _l("Kind of training"), max_length=60, default_column=True),
    RowField("department", "translated", _l("Department or unit"), _l("Department"), default_column=True),
    RowField("persons", "integer", _l("Number of persons"), _l("Persons"), low=0, high=COUNT_MAX,
             schema_ref="count", default_column=True),
    RowField("budgeted", "bool", _l("Budgeted")),
    # Shown and exported as a plain decimal, as before amounts of a training row were said in a currency.
    RowField("budget", "money", _l("Budget"), low=0, high=AMOUNT_MAX, column_kind="decimal", default_column=True),
    RowField("note", "translated", _l("Note")),
))

OBJECTIVE = RowSpec(RowType.OBJECTIVE, (
    RowField("level", "enum", _l("Level"), choices=OBJECTIVE_LEVEL, default=ObjectiveLevel.STRATEGIC.value,
             default_column=True),
    RowField("text", "translated", _l("Objective"), long=True, default_column=True),
    RowField("reference", "translated", _l("Legal or strategy reference"), _l("Reference"), default_column=True),
    RowField("group", "translated", _l("Group")),
))

# The spec of each row type that has one: a plugin's entry rows are named by their section's columns instead.
ROW_SPECS: dict[RowType, RowSpec] = {spec.row_type: spec for spec in (SERVICE, CAMPAIGN, TRAINING, OBJECTIVE)}


def spec_of(row_type: RowType) -> RowSpec | None:
    return ROW_SPECS.get(row_type)


def default_columns(row_type: RowType) -> tuple[Column, ...]:
    """The columns of a section's row table when the section names none."""
    spec = ROW_SPECS.get(row_type)
    if spec is None:
        return ()
    return tuple(Column(f.name, f.header, f.shown_as) for f in spec.fields if f.default_column)


# A plugin's entry column (core.plugin_api.Column) by its kind: the field it is, with the range of its kind.
ENTRY_FIELDS: dict[str, dict[str, Any]] = {
    "int": {"kind": "integer", "low": 0, "high": COUNT_MAX},  # an entry's whole numbers are counts
    "money": {"kind": "money", "low": 0, "high": AMOUNT_MAX},
    "percent": {"kind": "decimal", "low": 0, "high": OCCUPANCY_MAX},
    "decimal": {"kind": "decimal"},
    "date": {"kind": "date"},
    "bool": {"kind": "bool"},
    "translated": {"kind": "translated"},
}


def entry_field(column: Column) -> RowField:
    """A column of a plugin's entry section as a row field (text when its kind is none of the above), so that
    its form field is built as a spec's field is."""
    return RowField(column.key, label=column.label, **ENTRY_FIELDS.get(column.kind, {"kind": "text"}))


# --- the model mapping --------------------------------------------------------------------------


def _column(field: RowField) -> Any:
    """The mapped column that keeps ``field``: not null with an empty default, but numbers and dates, which are
    null when the field is optional and left empty."""
    name = field.column
    if field.kind in ("translated", "period", "object"):
        return mapped_column(name, JSON, default=dict, nullable=False)
    if field.kind in ("text", "source"):
        return mapped_column(name, String(field.max_length or 4000), default="", nullable=False)
    if field.kind == "currency":
        return mapped_column(name, String(3), nullable=False)
    if field.kind == "budget_year":  # the plan's year when a document leaves it out
        return mapped_column(name, Integer, nullable=False)
    if field.kind == "enum":
        return mapped_column(name, Integer if field.numbered else String(20), default=field.default, nullable=False)
    if field.kind == "bool":
        return mapped_column(name, Boolean, default=False, nullable=False)
    optional = not field.required
    if field.kind in ("decimal", "money"):
        return mapped_column(name, Numeric(18, 2), nullable=optional)
    if field.kind == "integer":
        return mapped_column(name, Integer, nullable=optional)
    return mapped_column(name, Date, nullable=optional)  # date


def row_columns(spec: RowSpec) -> type:
    """A declarative mixin holding one mapped column per stored field of ``spec`` (see core.models)."""
    name = re.sub(r"\W", "", spec.key.title()) + "Columns"
    return type(name, (), {field.column: _column(field) for field in spec.stored})


__all__ = [
    "BUDGET_LINE", "BUDGET_SCALES", "CAMPAIGN", "OBJECTIVE", "ROW_SPECS", "SERVICE", "TRAINING", "Choice",
    "ObjectiveLevel", "RowField", "RowSpec", "ServiceStatus", "default_columns", "entry_field", "row_columns",
    "spec_of",
]
