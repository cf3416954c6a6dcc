"""WTForms forms of the web application, and core's generic row forms per row type.

A plugin may give its own row form for a section (hook ``socialplan_section_form``); otherwise the
editor uses :func:`generic_row_form` here, built from the row type's spec (:mod:`core.rows`): one field
per field of the spec, with its range, decimals and choices, and converters that read and write the
same fields of the document row. Every generic form class carries a ``layout``: the groups
of fields the editor shows, one group per key of the row dict, so that a rule finding about
``<section>/<row>/<key>`` lands beside the right group. Translatable content gets one field per
locale (``name__en``, ``name__sv``, ``name__ro``).

Forms are plain ``wtforms.Form`` bound to ``request.form`` explicitly; Flask-WTF's CSRFProtect
checks every POST for the ``csrf_token`` the templates put in each form.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from babel import Locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm as FlaskWTFForm
from wtforms import (
    BooleanField,
    DateField,
    Field,
    FieldList,
    FormField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms import Form as WTFormsForm
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import TextInput

from core.facts import fact_label, is_date_fact
from core.i18n import (
    LOCALES,
    AmountError,
    NumberError,
    check_amount,
    current_locale,
    format_input,
    format_number,
    has_places,
    locale_display_name,
    parse_decimal,
    parse_integer,
    parse_money,
    translated,
)
from core.interchange import decimal_to_json, document_decimal
from core.limits import (
    AMOUNT_LIMIT,
    DB_INTEGER_MAX,
    YEAR_MAX,
    YEAR_MIN,
    budget_years,
)
from core.models import Role
from core.periods import PERMANENT_LABEL, RECURRENCE_LABELS
from core.plugin_api import Column, FundingSource, PlanKind, RowType, SectionSpec
from core.rows import BUDGET_LINE, ROW_SPECS, RowField, RowSpec, entry_field
from core.text import clean_text


class CleanTextMeta:
    """Form meta (a mixin of WTForms' ``Meta``): every text field's input passes through core's one rule
    for text (:func:`core.text.clean_text`). Line breaks stay, in one-line fields too: a value imported with
    them is shown in such a field and saved back unchanged. Passwords are left as typed, so that a password
    keeps working whatever it holds."""

    def bind_field(self, form, unbound_field, options):
        field_class = unbound_field.field_class
        if issubclass(field_class, StringField) and not issubclass(field_class, PasswordField):
            filters = (*unbound_field.kwargs.get("filters", ()), *options.get("filters", ()), _clean_filter)
            options = {**options, "filters": filters}
        return super().bind_field(form, unbound_field, options)


def _clean_filter(value: Any) -> Any:
    return clean_text(value) if isinstance(value, str) else value


class Form(WTFormsForm):
    """A WTForms form whose text fields keep only text the product accepts (see :class:`CleanTextMeta`):
    core's forms and the plugins' row forms are built on it. WTForms' own messages ('This field is required.',
    'Not a valid choice.') are said in the page's language, from the catalogs WTForms ships."""

    class Meta(CleanTextMeta):
        def get_translations(self, form: Any) -> Any:
            from wtforms.i18n import get_translations

            return get_translations([current_locale()])


class FlaskForm(FlaskWTFForm):
    """Flask-WTF's form (CSRF from the session) with the same rule for text, for plugins' own pages."""

    class Meta(CleanTextMeta):
        pass


def choices(pairs) -> list[SelectChoice]:
    """WTForms 3.3 wants SelectChoice objects rather than (value, label) tuples."""
    return [SelectChoice(value, label) for value, label in pairs]


# --- fields ------------------------------------------------------------------------------------


class Within:
    """A number from ``low`` to ``high`` (the ranges of :mod:`core.limits`), said in the page's language
    (``years``: written plainly, 2021 and not 2,021); an empty field passes (combine with InputRequired when
    it must be filled in)."""

    def __init__(self, low: int | Decimal, high: int | Decimal, *, years: bool = False) -> None:
        self.low, self.high, self.years = low, high, years

    def __call__(self, form: Form, field: Field) -> None:
        if field.data is not None and not self.low <= field.data <= self.high:
            raise ValidationError(range_message(self.low, self.high, years=self.years))


def range_message(low: int | Decimal, high: int | Decimal, *, years: bool = False) -> str:
    """'Enter a number from 0 to 1,000,000.' in the page's language; years as they are written (1990)."""
    shown = str if years else format_number
    return _("Enter a number from %(min)s to %(max)s.", min=shown(low), max=shown(high))


def _has_range(field: Field) -> bool:
    """Whether a field states its own range (then its message says the range, not only 'too large')."""
    return any(isinstance(validator, Within) for validator in field.validators)


def number_too_large(number: Decimal | int, limit: Decimal | int) -> ValueError | None:
    """The refusal of a number no column can keep (every field checks this, whatever its own range)."""
    if abs(number) < limit:
        return None
    return ValueError(_("This number is too large: enter a number smaller than %(limit)s.", limit=format_number(limit)))


def _shown(value: Any) -> str:
    """A number field's value for editing; whatever else a document held there, as it is."""
    if value is None:
        return ""
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return format_input(value)
    return str(value)


class LocaleDecimalField(Field):
    """A decimal typed the way the page's language writes it (ro '1.486,50', sv '1 486,50', en
    '1,486.50'; plain digits everywhere), shown back the same way with every digit kept.

    Text the language does not write that way is refused beside the field with an example, never
    guessed; with ``places``, so is a number with more decimals (never rounded).
    """

    widget = TextInput()

    def __init__(self, label=None, validators=None, *, places: int | None = None, **kwargs) -> None:
        kwargs.setdefault("render_kw", {"inputmode": "decimal"})
        super().__init__(label, validators, **kwargs)
        self.places = places

    def _value(self) -> str:
        return self.raw_data[0] if self.raw_data else _shown(self.data)

    def pre_validate(self, form: Form) -> None:
        if self.process_errors:  # unreadable input: its message is enough, skip range checks
            raise StopValidation()

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        if not valuelist or not valuelist[0].strip():
            return
        try:
            self.data = self._parse(valuelist[0])
        except (NumberError, AmountError) as error:
            raise ValueError(error.message) from None
        if not _has_range(self) and (refusal := number_too_large(self.data, AMOUNT_LIMIT)):  # NUMERIC(18, 2)
            self.data = None
            raise refusal
        if self.places is not None and not has_places(self.data, self.places):
            raise ValueError(ngettext("Enter at most %(num)s decimal.", "Enter at most %(num)s decimals.",
                                      self.places))

    def _parse(self, text: str) -> Decimal:
        return parse_decimal(text, current_locale())


class LocaleAmountField(LocaleDecimalField):
    """An amount of ``currency``: typed as a decimal, or as the page prints amounts ('1.486,50 lei');
    more decimals than the currency has are refused ('An amount in RON has at most 2 decimals.')."""

    def __init__(self, label=None, validators=None, *, currency: str, **kwargs) -> None:
        super().__init__(label, validators, **kwargs)
        self.currency = currency

    def _parse(self, text: str) -> Decimal:
        return check_amount(parse_money(text, self.currency, current_locale()), self.currency)


class LocaleIntegerField(Field):
    """A whole number typed the way the page's language writes it (ro '1.200' = 1200), shown back so."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs) -> None:
        kwargs.setdefault("render_kw", {"inputmode": "numeric"})
        super().__init__(label, validators, **kwargs)

    def _value(self) -> str:
        return self.raw_data[0] if self.raw_data else _shown(self.data)

    def pre_validate(self, form: Form) -> None:
        if self.process_errors:
            raise StopValidation()

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        if not valuelist or not valuelist[0].strip():
            return
        try:
            self.data = parse_integer(valuelist[0], current_locale())
        except NumberError as error:
            raise ValueError(error.message) from None
        if not _has_range(self) and (refusal := number_too_large(self.data, DB_INTEGER_MAX + 1)):  # INTEGER
            self.data = None
            raise refusal


class LocaleLabel:
    """'Name (Svenska)': a field label naming the language of a translatable value, lazily."""

    def __init__(self, label: Any, locale: str) -> None:
        self.label, self.locale = label, locale

    def __str__(self) -> str:
        return f"{self.label} ({locale_display_name(self.locale)})"


# --- layout ------------------------------------------------------------------------------------


@dataclass
class Group:
    """One key of the row dict and the form fields that edit it."""

    key: str
    label: Any
    fields: list[str]
    kind: str = "single"  # single | translated | budget


@dataclass
class Layout:
    groups: list[Group] = field(default_factory=list)


def layout_of(form: Form) -> list[Group]:
    """The form's groups: core forms declare them; a plugin's form gets one group per field."""
    layout = getattr(form, "layout", None)
    if layout is not None:
        return layout.groups
    return [Group(f.name, f.label.text, [f.name]) for f in form if f.type not in ("CSRFTokenField", "HiddenField")]


def _add_translated(attrs: dict[str, Any], layout: Layout, key: str, label: Any, long: bool = False) -> None:
    field_class = TextAreaField if long else StringField
    for locale in LOCALES:
        attrs[f"{key}__{locale}"] = field_class(LocaleLabel(label, locale), [Optional(), Length(max=4000)],
                                                render_kw={"lang": locale})
    layout.groups.append(Group(key, label, [f"{key}__{locale}" for locale in LOCALES], "translated"))


def _add(attrs: dict[str, Any], layout: Layout, key: str, field_obj: Field, label: Any) -> None:
    attrs[key] = field_obj
    layout.groups.append(Group(key, label, [key]))


def attach_error(form: Form, field: str, message: Any) -> None:
    """Put a refused change's message beside its field, or among the form's own errors."""
    if field and field in form._fields:
        form[field].errors = [*form[field].errors, message]
    else:
        form.form_errors.append(message)


def translated_data(form: Form, key: str) -> dict[str, str]:
    values = {locale: (form[f"{key}__{locale}"].data or "").strip() for locale in LOCALES}
    return {locale: text for locale, text in values.items() if text}


def translated_form_data(value: Any, key: str) -> dict[str, str]:
    value = value if isinstance(value, dict) else ({} if not value else {current_locale(): str(value)})
    return {f"{key}__{locale}": value.get(locale, "") for locale in LOCALES}


# --- generic row forms per row type --------------------------------------------------------------

PERIOD_KINDS = [
    ("", _l("(no period)")),
    ("range", _l("From a date to a date")),
    ("month", _l("A month")),
    ("months", _l("Several months")),
    ("half-year", _l("A half-year")),
    ("recurrence", _l("Recurring")),
    ("dates", _l("Dates described in words")),
    ("permanent", PERMANENT_LABEL),
]
RECURRENCES = list(RECURRENCE_LABELS.items())
BUDGET_SLOTS = 3  # empty budget lines offered below the existing ones; no JavaScript needed to add more


def _month_choices() -> list[tuple[str, str]]:
    names = Locale.parse(current_locale()).months["stand-alone"]["wide"]
    return [("", "")] + [(str(number), names[number].capitalize()) for number in range(1, 13)]


def _line_field(line_field: RowField, ctx: FormContext) -> Field:
    """The input of one field of a budget line (core.rows.BUDGET_LINE); a line left empty is no line, so none is
    required here: the line's check asks for what a filled-in line lacks."""
    label = line_field.label
    if line_field.kind == "source":
        return SelectField(label, [Optional()],
                           choices=choices([("", ""), *((s.code, str(s.name)) for s in ctx.funding_sources)]))
    if line_field.kind == "money":  # no Optional(): it would skip the line's check (validate_amount)
        return LocaleAmountField(label, [Within(line_field.low, line_field.high)], currency=ctx.currency)
    if line_field.kind == "budget_year":
        return IntegerField(label, [Optional(), Within(*budget_years(ctx.year), years=True)], default=ctx.year)
    if line_field.kind == "enum":
        return SelectField(label, choices=choices((str(c.code), c.label) for c in line_field.choices),
                           default=str(line_field.default))
    return _field_of(line_field, ctx)


def _validate_line_amount(form: Form, amount_field: Field) -> None:
    if form.source.data and amount_field.data is None:
        raise ValidationError(_("Enter the amount for this funding source."))
    if amount_field.data is not None and not form.source.data:
        raise ValidationError(_("Choose the funding source of this amount."))


def _budget_line_form(ctx: FormContext) -> type[Form]:
    """The inputs of one budget line, in BUDGET_LINE's form order."""
    attrs: dict[str, Any] = {f.name: _line_field(f, ctx) for f in BUDGET_LINE.form_fields}
    return type("BudgetLineForm", (Form,), {**attrs, "validate_amount": _validate_line_amount})


def _field_of(row_field: RowField, ctx: FormContext) -> Field:
    """The form field that edits one field of a row spec (core.rows), with its range and its decimals."""
    kind, label = row_field.kind, row_field.label
    need = [InputRequired(message=_l("This field is required."))] if row_field.required else [Optional()]
    ranged = need + ([Within(row_field.low, row_field.high)] if row_field.high is not None else [])
    if kind == "decimal":
        return LocaleDecimalField(label, ranged, places=row_field.places)
    if kind == "integer":
        return LocaleIntegerField(label, ranged)
    if kind == "money":
        return LocaleAmountField(label, ranged, currency=ctx.currency)
    if kind == "enum":
        return SelectField(label, choices=choices((choice.code, choice.label) for choice in row_field.choices))
    if kind == "bool":
        return BooleanField(label)
    if kind == "date":
        return DateField(label, need)
    render_kw = {"list": row_field.datalist} if row_field.datalist else None
    return StringField(label, [*need, Length(max=row_field.max_length or 4000)], render_kw=render_kw)


def _add_period(attrs: dict[str, Any], layout: Layout, row_field: RowField) -> None:
    """A campaign's period: its kind, then the inputs of each kind; one group, keyed by the field."""
    _add(attrs, layout, "period_kind", SelectField(row_field.label, choices=choices(PERIOD_KINDS), default=""),
         row_field.label)
    layout.groups[-1].key = row_field.name
    attrs["period_start"] = DateField(_l("Start date"), [Optional()])
    attrs["period_end"] = DateField(_l("End date"), [Optional()])
    attrs["period_month"] = SelectField(_l("Month"), choices=choices(_month_choices()), default="")
    attrs["period_months"] = StringField(_l("Months (numbers, e.g. 7, 8)"), [Optional()])
    halves = [("", ""), ("1", _l("First half of the year")), ("2", _l("Second half of the year"))]
    attrs["period_half"] = SelectField(_l("Half-year"), choices=choices(halves), default="")
    attrs["period_every"] = SelectField(_l("Recurrence"), choices=choices([("", ""), *RECURRENCES]), default="")
    layout.groups[-1].fields += ["period_start", "period_end", "period_month", "period_months", "period_half",
                                 "period_every"]
    _add_translated(attrs, layout, "period_text", _l("Dates in words"))
    attrs["validate_period_kind"] = _validate_period


def _add_budget(attrs: dict[str, Any], layout: Layout, row_field: RowField, ctx: FormContext) -> None:
    attrs[row_field.name] = FieldList(FormField(_budget_line_form(ctx)), min_entries=BUDGET_SLOTS)
    layout.groups.append(Group(row_field.name, row_field.label, [row_field.name], "budget"))


def _validate_training_budget(form: Form, budget_field: Field) -> None:
    if form.budgeted.data and budget_field.data is None:
        raise ValidationError(_("Enter the budget, or untick 'Budgeted' and explain in the note."))


# Checks of a row type's form that look at more than one field.
ROW_CHECKS: dict[RowType, dict[str, Any]] = {RowType.TRAINING: {"validate_budget": _validate_training_budget}}


def spec_form(row_spec: RowSpec, ctx: FormContext) -> type[Form]:
    """The generic form of a row type: one group per field of its spec that the form edits, in the form's order."""
    attrs: dict[str, Any] = {}
    layout = Layout()
    for row_field in row_spec.form_fields:
        if row_field.kind == "translated":
            _add_translated(attrs, layout, row_field.name, row_field.label, long=row_field.long)
        elif row_field.kind == "period":
            _add_period(attrs, layout, row_field)
        elif row_field.kind == "budget":
            _add_budget(attrs, layout, row_field, ctx)
        else:
            _add(attrs, layout, row_field.name, _field_of(row_field, ctx), row_field.label)
    attrs["layout"] = layout
    attrs.update(ROW_CHECKS.get(row_spec.row_type, {}))
    return type(f"{row_spec.row_type.value.title()}RowForm", (Form,), attrs)


def _validate_period(form: Form, kind_field: Field) -> None:
    kind = kind_field.data
    if kind == "range":
        if not form.period_start.data or not form.period_end.data:
            raise ValidationError(_("Enter the start date and the end date."))
        if form.period_end.data < form.period_start.data:
            raise ValidationError(_("The end date is before the start date."))
    elif kind == "month" and not form.period_month.data:
        raise ValidationError(_("Choose the month."))
    elif kind == "months" and not months_from_text(form.period_months.data):
        raise ValidationError(_("Enter the months as numbers from 1 to 12, separated by commas."))
    elif kind == "half-year" and not form.period_half.data:
        raise ValidationError(_("Choose the half-year."))
    elif kind == "recurrence" and not form.period_every.data:
        raise ValidationError(_("Choose how often it recurs."))
    elif kind == "dates" and not translated_data(form, "period_text"):
        raise ValidationError(_("Describe the dates in at least one language."))


def months_from_text(text: str | None) -> list[int]:
    """'7, 8' -> [7, 8]; [] unless every part is a month number."""
    try:
        months = [int(part) for part in re.split(r"[,\s]+", (text or "").strip()) if part]
    except ValueError:
        return []
    return months if months and all(1 <= m <= 12 for m in months) else []


def _entry_form(spec: SectionSpec, ctx: FormContext) -> type[Form]:
    attrs: dict[str, Any] = {}
    layout = Layout()
    for column in spec.columns:
        if column.kind == "translated":
            _add_translated(attrs, layout, column.key, column.label)
        else:
            _add(attrs, layout, column.key, _field_of(entry_field(column), ctx), column.label)
    attrs["layout"] = layout
    return type("EntryRowForm", (Form,), attrs)


@dataclass(frozen=True)
class FormContext:
    """What a generic form needs besides the section: the jurisdiction's sources and the plan's year."""

    funding_sources: list[FundingSource]
    year: int
    currency: str


# Row types with a generic form: those with a spec (core.rows), and a plugin's entry rows (by their columns).
def _builder(row_spec: RowSpec) -> Any:
    def build(_spec: SectionSpec, ctx: FormContext) -> type[Form]:
        return spec_form(row_spec, ctx)

    return build


FORM_BUILDERS = {row_type: _builder(row_spec) for row_type, row_spec in ROW_SPECS.items()} | {
    RowType.ENTRY: _entry_form}


def generic_row_form(spec: SectionSpec, ctx: FormContext) -> type[Form]:
    return FORM_BUILDERS[spec.row_type](spec, ctx)


# --- generic row <-> form data --------------------------------------------------------------------

def _form_fields(spec: SectionSpec) -> tuple[RowField, ...]:
    """The spec fields a section's generic form edits: its translatable ones first, as the form data lists them."""
    row_spec = ROW_SPECS.get(spec.row_type)
    fields = row_spec.form_fields if row_spec else ()
    return tuple(sorted(fields, key=lambda row_field: row_field.kind != "translated"))


def _value_in(row_field: RowField, value: Any) -> dict[str, Any]:
    """The form data of one field's document value."""
    key, kind = row_field.name, row_field.kind
    if kind == "translated":
        return translated_form_data(value, key)
    if kind == "period":
        return _period_form_data(value or {})
    if kind == "budget":
        return {key: [_line_data(line) for line in value or [] if isinstance(line, dict)]}
    if kind in ("decimal", "money"):
        return {key: document_decimal(value)}
    if kind == "bool":
        return {key: bool(value)}
    if kind == "enum":
        return {key: str(value or row_field.default) if row_field.numbered else value or row_field.default}
    if kind == "date":
        with contextlib.suppress(TypeError, ValueError):
            return {key: dt.date.fromisoformat(value)}
        return {key: None}
    if kind in ("text", "source"):
        return {key: "" if value is None else value}
    return {key: value}


def _line_data(line: dict[str, Any]) -> dict[str, Any]:
    """The form data of one budget line: each field the form edits (BUDGET_LINE)."""
    data: dict[str, Any] = {}
    for line_field in BUDGET_LINE.form_fields:
        data.update(_value_in(line_field, line.get(line_field.name)))
    return data


def row_to_form_data(spec: SectionSpec, row: dict[str, Any]) -> dict[str, Any]:
    """The generic form's data for an existing row of the plan document."""
    data: dict[str, Any] = {}
    if spec.row_type is RowType.ENTRY:
        for column in sorted(spec.columns, key=lambda column: column.kind != "translated"):
            if column.kind == "translated":
                data.update(translated_form_data(row.get(column.key), column.key))
            else:
                data[column.key] = _entry_value_in(column, row.get(column.key))
        return data
    for row_field in _form_fields(spec):
        data.update(_value_in(row_field, row.get(row_field.name, "" if row_field.kind == "text" else None)))
    return data


def _entry_value_in(column: Column, value: Any) -> Any:
    if value in (None, ""):
        return None
    if isinstance(value, dict):  # translatable content in a plain text column: edit it in the page's language
        return translated(value)
    if column.kind in ("decimal", "money", "percent"):
        return document_decimal(value)
    if column.kind == "date":
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            return None
    return value


def _entry_value_out(column: Column, value: Any, old: Any = None) -> Any:
    if isinstance(old, dict):  # keep the other languages; change only the page's language, and only if edited
        text = (value or "").strip() if isinstance(value, str) else value
        return old if text == translated(old) else {**old, current_locale(): text}
    if isinstance(value, Decimal):
        return decimal_to_json(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return value.strip()
    return value


def _period_form_data(period: dict[str, Any]) -> dict[str, Any]:
    kind = period.get("kind", "")
    data: dict[str, Any] = {"period_kind": kind}
    if kind == "range":
        for key in ("start", "end"):
            with contextlib.suppress(ValueError):
                data[f"period_{key}"] = dt.date.fromisoformat(period.get(key) or "")
    data["period_month"] = str(period.get("month") or "")
    data["period_months"] = ", ".join(str(m) for m in period.get("months") or [])
    data["period_half"] = str(period.get("half") or "")
    data["period_every"] = period.get("every") or ""
    data.update(translated_form_data(period.get("text") if kind == "dates" else {}, "period_text"))
    return data


def _period_from_form(form: Form) -> dict[str, Any]:
    kind = form.period_kind.data
    if kind == "range":
        return {"kind": kind, "start": form.period_start.data.isoformat(), "end": form.period_end.data.isoformat()}
    if kind == "month":
        return {"kind": kind, "month": int(form.period_month.data)}
    if kind == "months":
        return {"kind": kind, "months": months_from_text(form.period_months.data)}
    if kind == "half-year":
        return {"kind": kind, "half": int(form.period_half.data)}
    if kind == "recurrence":
        return {"kind": kind, "every": form.period_every.data}
    if kind == "dates":
        return {"kind": kind, "text": translated_data(form, "period_text")}
    if kind == "permanent":
        return {"kind": kind}
    return {}


def _value_out(row_field: RowField, form: Form, old_row: dict[str, Any], ctx: FormContext) -> Any:
    """The document value of one field from a validated generic form."""
    kind = row_field.kind
    if kind == "period":
        return _period_from_form(form)
    if kind == "budget":
        return _budget_from_form(form, old_row.get(row_field.name) or [], ctx)
    value = form[row_field.name].data
    if kind in ("decimal", "money"):
        return decimal_to_json(value)
    if kind == "bool":
        return bool(value)
    if kind == "date":
        return value.isoformat() if value else None
    if kind in ("text", "source"):
        return (value or "").strip()
    if kind == "enum" and row_field.numbered:
        return int(value or row_field.default)
    return value


def form_to_row(spec: SectionSpec, form: Form, old_row: dict[str, Any], ctx: FormContext) -> dict[str, Any]:
    """The row dict of a validated generic form; keys the form does not edit keep their old values."""
    row = dict(old_row)
    if spec.row_type is RowType.ENTRY:  # translatable columns first, as the row has always listed them
        for column in sorted(spec.columns, key=lambda column: column.kind != "translated"):
            if column.kind == "translated":
                _translated_out(row, form, column.key, old_row)
            else:
                row[column.key] = _entry_value_out(column, form[column.key].data, old_row.get(column.key))
        return row
    for row_field in _form_fields(spec):
        if row_field.kind == "translated":
            _translated_out(row, form, row_field.name, old_row)
        else:
            row[row_field.name] = _value_out(row_field, form, old_row, ctx)
    return row


def _translated_out(row: dict[str, Any], form: Form, key: str, old_row: dict[str, Any]) -> None:
    value = translated_data(form, key)
    if value or old_row.get(key) is not None:  # an absent value stays absent, not {}
        row[key] = value


def _budget_from_form(form: Form, old_lines: list[dict[str, Any]], ctx: FormContext) -> list[dict[str, Any]]:
    """The budget lines of a validated form, each in BUDGET_LINE's order; what the form does not edit (currency,
    note) is the old line's in the same place, or the plan's."""
    lines = []
    for entry in form.budget.entries:
        sub = entry.form
        if not sub.source.data or sub.amount.data is None:
            continue
        old = old_lines[len(lines)] if len(lines) < len(old_lines) else {}
        edited = {f.name: _value_out(f, sub, old, ctx) for f in BUDGET_LINE.form_fields}
        defaults = {"year": ctx.year, "currency": ctx.currency, "note": {}}
        line = {}
        for f in BUDGET_LINE.fields:
            value = edited[f.name] if f.name in edited else old.get(f.name)
            line[f.name] = defaults.get(f.name) if value in (None, "") else value
        lines.append(line)
    return lines


def ensure_budget_slots(form: Form) -> None:
    """Offer BUDGET_SLOTS empty lines after the existing ones, so more can be added without JavaScript."""
    budget = getattr(form, "budget", None)
    if not isinstance(budget, FieldList):
        return
    filled = sum(1 for entry in budget.entries if entry.form.source.data)
    while len(budget.entries) < filled + BUDGET_SLOTS:
        budget.append_entry()


# --- other forms ------------------------------------------------------------------------------------


class LoginForm(Form):
    email = StringField(_l("E-mail address"), [DataRequired(), Length(max=254)], render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), [DataRequired()], render_kw={"autocomplete": "current-password"})


class PlanCreateForm(Form):
    year = IntegerField(_l("Year"), [InputRequired(), Within(YEAR_MIN, YEAR_MAX, years=True)])
    kind = SelectField(_l("Plan kind"), choices=[])


def section_text_form() -> type[Form]:
    attrs: dict[str, Any] = {}
    layout = Layout()
    _add(attrs, layout, "not_applicable", BooleanField(_l("Not applicable")), _l("Not applicable"))
    _add_translated(attrs, layout, "text", _l("Text"), long=True)
    _add_translated(attrs, layout, "footnote", _l("Footnote or legal reference"), long=True)
    attrs["layout"] = layout
    return type("SectionTextForm", (Form,), attrs)


def plan_title_form() -> type[Form]:
    attrs: dict[str, Any] = {}
    layout = Layout()
    _add_translated(attrs, layout, "title", _l("Title"))
    attrs["layout"] = layout
    return type("PlanTitleForm", (Form,), attrs)


# Labels of the facts core's workflow steps record; plan kinds label their own (PlanKind.fact_labels).
def step_form(field_names: tuple[str, ...], plan_kind: PlanKind | None = None) -> type[Form]:
    """The form of a workflow step: one required input per fact it records; dates as date inputs."""
    attrs: dict[str, Any] = {}
    for name in field_names:
        label = fact_label(name, plan_kind)
        if is_date_fact(name):
            attrs[name] = DateField(label, [InputRequired(message=_l("This field is required."))])
        elif plan_kind is not None and name in plan_kind.count_facts:
            attrs[name] = IntegerField(label, [InputRequired(message=_l("This field is required.")),
                                               NumberRange(min=0, max=10**9)])
        else:
            attrs[name] = StringField(label, [InputRequired(message=_l("This field is required.")), Length(max=120)])
    return type("StepForm", (Form,), attrs)


ROLE_CHOICES = [(Role.ADMIN.value, _l("Administrator")), (Role.PLANNER.value, _l("Planner")),
                (Role.VIEWER.value, _l("Council viewer"))]


# Babel's territories that are not countries (the EU, the UN, the world's regions, "unknown").
NOT_COUNTRIES = {"EU", "EZ", "UN", "ZZ", "QO", "XA", "XB"}


def _sort_key(text: str) -> str:
    """Names in the reader's alphabet, near enough: Swedish puts å, ä, ö after z; other letters lose accents."""
    import unicodedata

    text = text.casefold()
    if current_locale() == "sv":
        text = text.replace("å", "{0").replace("ä", "{1").replace("ö", "{2")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def country_choices() -> list[SelectChoice]:
    """Every country by its name in the reader's language, valued by its ISO 3166 code."""
    names = Locale.parse(current_locale()).territories
    pairs = [(code, name) for code, name in names.items()
             if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES]
    return choices([("", _("(choose a country)")), *sorted(pairs, key=lambda pair: _sort_key(pair[1]))])


def currency_choices() -> list[SelectChoice]:
    """The ISO 4217 currencies some country pays in today (Babel knows them), as 'RON – Romanian leu'."""
    from babel.numbers import get_territory_currencies

    locale, today = Locale.parse(current_locale()), dt.date.today()
    codes = {code for territory in locale.territories if len(territory) == 2 and territory.isalpha()
             for code in get_territory_currencies(territory, today)}
    pairs = sorted((code, f"{code} – {locale.currencies.get(code, code)}") for code in codes)
    return choices([("", _("(choose a currency)")), *pairs])


def municipality_form() -> type[Form]:
    """A new municipality: every mistake is said at once, beside its field (the short name's uniqueness too,
    checked by the view)."""
    from core.services.accounts import SLUG

    attrs: dict[str, Any] = {}
    layout = Layout()
    _add(attrs, layout, "slug", StringField(_l("Short name (in web addresses)"), [
        DataRequired(), Length(max=80),
        Regexp(SLUG, message=_l("A short name may hold only lower-case letters, digits and hyphens."))]),
        _l("Short name (in web addresses)"))
    _add(attrs, layout, "default_locale", SelectField(_l("Default language"), choices=[]), _l("Default language"))
    _add_translated(attrs, layout, "name", _l("Name"))
    _add(attrs, layout, "country", SelectField(_l("Country"), [DataRequired(message=_l("Choose the country."))],
                                               choices=country_choices()), _l("Country"))
    _add(attrs, layout, "currency", SelectField(_l("Currency"), [DataRequired(message=_l("Choose the currency."))],
                                                choices=currency_choices()), _l("Currency"))
    attrs["layout"] = layout

    def validate(form: Form, extra_validators: Any = None) -> bool:
        valid = Form.validate(form, extra_validators)
        default = form.default_locale.data
        if default in LOCALES and not (form[f"name__{default}"].data or "").strip():
            # The name the municipality's pages fall back to: it must be there.
            form[f"name__{default}"].errors = [*form[f"name__{default}"].errors, _(
                "Enter the name in the municipality's default language (%(language)s).",
                language=locale_display_name(default))]
            valid = False
        return valid

    attrs["validate"] = validate
    return type("MunicipalityForm", (Form,), attrs)


def _check_email(_form: Form, field: Field) -> None:
    from core.services.accounts import EMAIL

    if field.data and (not EMAIL.match(field.data.strip()) or len(field.data.strip()) > 254):
        raise ValidationError(_("Enter a valid e-mail address."))


def _check_password(_form: Form, field: Field) -> None:
    from core.services.accounts import MIN_PASSWORD_LENGTH

    if field.data and len(field.data) < MIN_PASSWORD_LENGTH:
        raise ValidationError(_("The password must have at least %(count)s characters.", count=MIN_PASSWORD_LENGTH))


class UserCreateForm(Form):
    """A new account; every mistake is said at once, beside its field (the address's uniqueness too, checked
    by the view). The role offered first is the least one, never Administrator."""

    email = StringField(_l("E-mail address"), [DataRequired(), Length(max=254), _check_email])
    password = PasswordField(_l("Password"), [DataRequired(), _check_password],
                             render_kw={"autocomplete": "new-password"})
    role = SelectField(_l("Role"), choices=choices(reversed(ROLE_CHOICES)), default=Role.VIEWER.value)
    municipality = SelectField(_l("Municipality"), choices=[])
    locale = SelectField(_l("Language"), choices=[])

    def validate_municipality(self, field: Field) -> None:
        if self.role.data != Role.ADMIN and not field.data:
            raise ValidationError(_("A planner or viewer belongs to a municipality."))


class UserEditForm(Form):
    role = SelectField(_l("Role"), choices=choices(ROLE_CHOICES))
    municipality = SelectField(_l("Municipality"), choices=[])
    active = BooleanField(_l("Active (may sign in)"))


def locale_choices(empty: bool = False) -> list[SelectChoice]:
    pairs = [(code, locale_display_name(code)) for code in LOCALES]
    return choices(([("", _("(as the municipality)"))] if empty else []) + pairs)


class ReopenForm(Form):
    """Opening a new working revision of an adopted plan: why, and that the person means it."""

    reason = TextAreaField(_l("Why is a new revision needed?"),
                           [InputRequired(message=_l("Say why a new revision of the adopted plan is needed.")),
                            Length(max=2000)])
    confirm = BooleanField(_l("I understand that the adopted revision stays in force until a new one is adopted"),
                           [InputRequired(message=_l("Confirm that you mean to open a new revision."))])
