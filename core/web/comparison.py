"""The revision comparison in the reader's words.

:mod:`core.services.revisions` says what changed by document key (``budget[2021/local].amount``,
``title.en``, ``status``: ``existing``); this module names each key as the section's forms and tables
label it ("Budget 2021, Local budget: amount", "Title (English)") and each value as the forms show it
(a status by its label, a funding source by its name, an amount with its currency's name, a period as
the PDF prints it, a date in the locale's format).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from babel import Locale
from babel.numbers import get_currency_name
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import Form

from core.i18n import (
    LOCAL_CURRENCY_WORDS,
    LOCALES,
    current_locale,
    format_date,
    format_decimal,
    format_number,
    format_percent,
    locale_display_name,
    translated,
)
from core.interchange import document_decimal, value_at
from core.plugin_api import PlanKind, RowType, SectionSpec
from core.plugin_manager import Registry
from core.services.revisions import Cell, DocumentDiff, RowDiff, SectionDiff, is_period, parse_budget_key
from core.services.tables import ROW_FIELDS
from core.web.forms import FORM_BUILDERS, FormContext, generic_row_form, layout_of
from core.web.helpers import (
    columns_of,
    document_field_label,
    format_cell,
    format_fact,
    period_label,
    status_label,
)

# The fields of a budget line, as a label after its year and source reads them.
BUDGET_FIELD_LABELS = {"amount": _l("amount"), "currency": _l("currency"), "scale": _l("unit of the amount"),
                       "note": _l("note")}
# How a row's number reads beside its status.
STATUS_TAGS = {"added": _l("added"), "removed": _l("removed"), "changed": _l("changed")}
NUMBER_KINDS = ("int", "decimal", "money", "percent")


@dataclass(frozen=True)
class ShownCell:
    key: str
    label: str
    old: str
    new: str
    changed: bool


@dataclass(frozen=True)
class ShownRow:
    status: str  # as RowDiff.status
    number: int  # 1-based, in the newer revision; in the older one for a removed row
    tag: str  # the status in words: 'removed', 'moved from row 2 to row 5'
    summary: Markup  # what the row is: its first column with a value
    cells: dict[str, ShownCell]


@dataclass(frozen=True)
class ShownSection:
    key: str
    title: str
    other: list[ShownCell]
    columns: list[tuple[str, str]]  # (key, label) of every changed key
    rows: list[ShownRow]

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)


@dataclass(frozen=True)
class ShownDiff:
    header: list[ShownCell]
    sections: list[ShownSection] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.header or self.sections)


def _humanised(key: str) -> str:
    return key.replace("_", " ").replace("-", " ").capitalize()


def _split_locale(key: str) -> tuple[str, str]:
    """'name.ro' -> ('name', 'ro'); 'capacity' -> ('capacity', '')."""
    head, _dot, last = key.rpartition(".")
    return (head, last) if head and last in LOCALES else (key, "")


def _with_locale(label: Any, locale: str) -> str:
    return f"{label} ({locale_display_name(locale)})" if locale else str(label)


def currency_words(currency: str, scale: int = 1, count: int = 2) -> str:
    """'lei' in Romanian, 'Romanian lei' in English, 'thousand Swedish kronor': a currency by its name."""
    locale = current_locale()
    name = LOCAL_CURRENCY_WORDS.get((locale, currency)) or get_currency_name(currency, count=count, locale=locale)
    if scale == 1000:
        return _("thousand %(currency)s", currency=name)
    if scale == 1000000:
        return _("million %(currency)s", currency=name)
    return name


def period_words(period: dict[str, Any]) -> str:
    """A period as the plan's PDF prints it: 'June 2021', 'July and August 2021', 'Second half of the year 2021'."""
    kind, year = period.get("kind"), period.get("year")
    suffix = f" {year}" if year else ""
    if kind != "months":
        text = period_label(period)
        return text + suffix if text and kind in ("month", "half-year") else text
    months = Locale.parse(current_locale()).months["stand-alone"]["wide"]
    try:
        names = [months[int(m)] for m in period.get("months") or []]
    except (KeyError, ValueError, TypeError):
        return ""
    if not names:
        return ""
    text = names[0] if len(names) == 1 else _("%(first)s and %(last)s", first=", ".join(names[:-1]), last=names[-1])
    return text[:1].upper() + text[1:] + suffix


class SectionReader:
    """Labels and values of one section's rows, from its forms, its columns and core's row fields."""

    def __init__(self, registry: Registry, plan_kind: PlanKind, spec: SectionSpec, year: int, currency: str,
                 rows: Sequence[dict[str, Any]] = ()) -> None:
        sources = registry.funding_sources(plan_kind.jurisdiction)
        self.spec, self.currency = spec, currency
        self.sources = {source.code: source.name for source in sources}
        self.labels: dict[str, Any] = {}
        self.choices: dict[str, dict[str, Any]] = {}
        for form in self._forms(registry, plan_kind, spec, FormContext(sources, year, currency)):
            for group in layout_of(form):
                self.labels.setdefault(group.key, group.label)
            for form_field in form:
                self._add_choices(form_field)
        if spec.row_type is RowType.TRAINING and "kind" not in self.choices:
            # Unless a form offers kinds, a section holds one kind of training (its key, or the code a document
            # gave its ``rows``): the reader sees the section's title, and a table reads it back as the code.
            kinds = [spec.key, *sorted({str(row["kind"]) for row in rows if row.get("kind")} - {spec.key})]
            self.choices["kind"] = dict.fromkeys(kinds, spec.title)
        fields = ROW_FIELDS.get(spec.row_type, ())
        self.kinds = {key: kind for key, _label, kind in fields}
        self.kinds.update({column.key: column.kind for column in columns_of(spec)})
        for column in columns_of(spec):
            self.labels.setdefault(column.key, column.label)
        for key, label, _kind in fields:
            self.labels.setdefault(key, label)

    @staticmethod
    def _forms(registry: Registry, plan_kind: PlanKind, spec: SectionSpec, ctx: FormContext) -> list[Form]:
        """The section's own row form (a plugin's), then core's generic one for its row type."""
        forms = []
        own = registry.pm.hook.socialplan_section_form(plan_kind=plan_kind.code, section=spec.key)
        if own is not None:
            forms.append(own.form_class(formdata=None))
        if spec.row_type in FORM_BUILDERS:
            forms.append(generic_row_form(spec, ctx)(formdata=None))
        return forms

    def _add_choices(self, form_field: Any) -> None:
        options = getattr(form_field, "choices", None)
        if not isinstance(options, (list, tuple)):
            return
        labels = {}
        for option in options:
            value, label = (option.value, option.label) if hasattr(option, "value") else tuple(option)[:2]
            if value not in (None, ""):
                labels[str(value)] = label
        if labels:
            self.choices.setdefault(form_field.name, labels)

    # --- labels -------------------------------------------------------------------------------------------

    def _label_of(self, key: str) -> str:
        """A row key without its language: 'extra.floor_space' -> 'Floor space (m²)'."""
        for candidate in (key, key.removeprefix("extra.")):
            if candidate in self.labels:
                return str(self.labels[candidate])
        head, _dot, rest = key.rpartition(".")
        if head:
            return f"{self._label_of(head)}: {_humanised(rest)}"
        return _humanised(key)

    def source_name(self, code: str) -> str:
        return str(self.sources.get(code) or _humanised(code))

    def label(self, key: str) -> str:
        budget = parse_budget_key(key)
        if budget is not None:
            field_key, locale = _split_locale(budget.field)
            what = _with_locale(BUDGET_FIELD_LABELS.get(field_key) or _humanised(field_key), locale)
            source = self.source_name(budget.source) if budget.source else str(_l("Budget"))
            if budget.repeat > 1:
                source = f"{source} ({budget.repeat})"
            if budget.year:
                return _("Budget %(year)s, %(source)s: %(field)s", year=budget.year, source=source, field=what)
            return _("Budget, %(source)s: %(field)s", source=source, field=what)
        head, locale = _split_locale(key)
        return _with_locale(self._label_of(head), locale)

    # --- values -------------------------------------------------------------------------------------------

    def value(self, key: str, value: Any) -> str:
        if value is None or value == "":
            return ""
        budget = parse_budget_key(key)
        if budget is not None:
            return self._budget_value(budget.field, value)
        head, locale = _split_locale(key)
        if locale:
            return str(value)
        return self._plain(head, value)

    def _plain(self, key: str, value: Any) -> str:
        if is_period(value):
            return period_words(value)
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if isinstance(value, list):
            return "; ".join(self._item(item) for item in value)
        if isinstance(value, dict):
            return translated(value) if set(value) <= set(LOCALES) else "; ".join(self._item(v) for v in value.values())
        name = key.removeprefix("extra.")
        labels = self.choices.get(name) or self.choices.get(key)
        if labels and str(value) in labels:
            return str(labels[str(value)])
        if name == "status":
            return status_label(str(value))
        kind = self.kinds.get(key) or self.kinds.get(name) or ""
        return self._typed(value, kind)

    def _item(self, item: Any) -> str:
        """One item of a list: a translatable value in the reader's language, a dict as its values."""
        if isinstance(item, dict) and item and set(item) <= set(LOCALES):
            return translated(item)
        if isinstance(item, dict):
            return " ".join(self._item(v) for v in item.values() if v not in (None, "", {}, []))
        return self._plain("", item)

    def _typed(self, value: Any, kind: str) -> str:
        number = document_decimal(value) if kind in NUMBER_KINDS else None
        if number is not None:
            if kind == "int":
                return format_number(number)
            if kind == "percent":
                return format_percent(number, 0 if number == number.to_integral_value() else 2)
            if kind == "money":
                return f"{format_decimal(number)} {currency_words(self.currency)}"
            return format_decimal(number, 2 if number != number.to_integral_value() else 0)
        if kind == "date":
            try:
                return format_date(dt.date.fromisoformat(str(value)))
            except ValueError:
                return str(value)
        return str(value)

    def _budget_value(self, field_key: str, value: Any) -> str:
        if field_key == "amount":
            number = document_decimal(value)
            return format_decimal(number) if number is not None else str(value)
        if field_key == "currency":
            return currency_words(str(value), count=1)
        if field_key == "scale":
            try:
                return currency_words(self.currency, int(value))
            except ValueError:
                return str(value)
        return str(value)

    def summary(self, row: RowDiff, tr) -> Markup:
        """What the row is, for a reader who does not know it by number: its first column with a value."""
        for source in (row.new, row.old):
            for column in columns_of(self.spec):
                value = value_at(source or {}, column.key)
                if value not in (None, "", {}, []) and column.kind not in NUMBER_KINDS:
                    return format_cell(value, column.kind, tr, self.currency, self.choices.get(column.key))
        return Markup("")


def row_tag(row: RowDiff) -> str:
    if row.status == "moved":
        return _("moved from row %(old)s to row %(new)s", old=row.old_index + 1, new=row.new_index + 1)
    return str(STATUS_TAGS.get(row.status, ""))


def _shown(cell: Cell, label: str, fmt) -> ShownCell:
    return ShownCell(cell.key, label, fmt(cell.old), fmt(cell.new), cell.changed)


def _shown_section(reader: SectionReader, section: SectionDiff, title: str, tr) -> ShownSection:
    other = [_shown(c, document_field_label(c.key), lambda v, key=c.key: _document_value(key, v))
             for c in section.other if c.changed]
    columns = [(key, reader.label(key)) for key in section.changed_columns]
    rows = []
    for row in section.rows:
        if row.status == "same":
            continue
        cells = {c.key: _shown(c, "", lambda v, key=c.key: reader.value(key, v)) for c in row.cells}
        rows.append(ShownRow(row.status, row.index + 1, row_tag(row), reader.summary(row, tr), cells))
    return ShownSection(section.key, title, other, columns, rows)


def _document_value(key: str, value: Any, plan_kind: PlanKind | None = None) -> str:
    if value is None or value == "":
        return ""
    if key == "status":
        return status_label(str(value), plan_kind)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if key == "council_decision.date":
        return format_fact("council_decision_date", value)
    if key.startswith("facts."):
        return format_fact(key.removeprefix("facts."), value)
    return str(value)


def readable_diff(diff: DocumentDiff, registry: Registry, plan_kind: PlanKind, year: int, currency: str,
                  tr) -> ShownDiff:
    """Every change of ``diff``, each key and value in the reader's language; unchanged sections left out."""
    header = [_shown(c, document_field_label(c.key, plan_kind), lambda v, key=c.key: _document_value(key, v, plan_kind))
              for c in diff.header if c.changed]
    sections = []
    for section in diff.sections:
        spec = plan_kind.section(section.key)
        if not section.changed:
            continue
        if spec is None:  # a section the plan kind no longer has
            spec = SectionSpec(section.key, _humanised(section.key), RowType.ENTRY)
        reader = SectionReader(registry, plan_kind, spec, year, currency)
        sections.append(_shown_section(reader, section, str(spec.title), tr))
    return ShownDiff(header, sections)
