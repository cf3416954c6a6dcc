"""Row forms of the action plan's sections (hook ``socialplan_section_form``).

Each form edits one row of the plan document. ``from_row`` turns a row into form data,
``to_row`` a validated form back into the row; what a form does not show (budget notes, the
row's year) travels in the hidden ``original`` field so that saving keeps it. Translatable
values get one field per language (``description__ro``), grouped by row key in ``layout`` so a
rule finding about ``<section>/<row>/<key>`` shows beside its field.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from typing import Any

from wtforms import (
    BooleanField,
    DateField,
    Field,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from core.sdk import (
    COUNT_MAX,
    LOCALES,
    NumberError,
    SectionFormSpec,
    clean_value,
    current_locale,
    decimal_to_json,
    document_decimal,
    parse_integer,
)
from core.sdk.forms import (
    Form,
    Group,
    Layout,
    LocaleAmountField,
    LocaleDecimalField,
    LocaleIntegerField,
    LocaleLabel,
    Within,
    choices,
    months_from_text,
    range_message,
    translated_data,
    translated_form_data,
)
from core.sdk.rows import SERVICE, ServiceStatus
from plugins.romania.i18n import _, _l
from plugins.romania.nomenclature import load_nomenclature
from plugins.romania.periods import PERMANENT_LABEL, RECURRENCE_LABELS
from plugins.romania.plan_kind import (
    CAMPAIGN_SECTIONS,
    FREQUENCIES,
    FUNDING_SOURCES,
    PLAN_KIND,
    SOURCE_CODES,
    TRAINING_SECTIONS,
    UNITS,
)

UNIT_CHOICES = choices((str(scale), label) for scale, label in UNITS.items())
PERIOD_CHOICES = choices([
    ("", _l("(no period)")),
    ("recurrence", _l("Recurring")),
    ("half-year", _l("A half-year")),
    ("month", _l("A month")),
    ("months", _l("Several months")),
    ("range", _l("From one date to another")),
    ("dates", _l("Dates described in words (e.g. a named day)")),
    ("permanent", PERMANENT_LABEL),
])
RECURRENCE_CHOICES = choices([("", ""), *RECURRENCE_LABELS.items()])
HALF_YEAR_CHOICES = choices([("", ""), ("1", _l("First half of the year")), ("2", _l("Second half of the year"))])
CURRENCY = "RON"  # the plan's amounts are lei (or thousands of lei)


# --- building blocks -----------------------------------------------------------------------------


class _Builder:
    """Collects a form's fields and its layout."""

    def __init__(self) -> None:
        self.attrs: dict[str, Any] = {"original": HiddenField()}
        self.layout = Layout()

    def field(self, key: str, field: Field, label: Any, extra: tuple[str, ...] = ()) -> None:
        self.attrs[key] = field
        self.layout.groups.append(Group(key, label, [key, *extra]))

    def translated(self, key: str, label: Any, long: bool = False) -> None:
        kind = TextAreaField if long else StringField
        for locale in LOCALES:
            self.attrs[f"{key}__{locale}"] = kind(LocaleLabel(label, locale), [Optional(), Length(max=4000)],
                                                  render_kw={"lang": locale})
        self.layout.groups.append(Group(key, label, [f"{key}__{locale}" for locale in LOCALES], "translated"))

    def build(self, name: str, **methods: Any) -> type[Form]:
        return type(name, (Form,), {**self.attrs, **methods, "layout": self.layout})


def _non_negative(_form: Form, field: Field) -> None:
    if field.data is not None and field.data < 0:
        raise ValidationError(_("An amount cannot be negative."))


def _validate_code(_form: Form, field: Field) -> None:
    """Accept the spellings of real documents; refuse, by name, a code the Nomenclator lacks."""
    typed = (field.data or "").strip()
    if not typed:
        raise ValidationError(_("Enter the service's code from the Nomenclator."))
    entry = load_nomenclature().lookup(typed)
    if entry is None:
        raise ValidationError(_("'%(code)s' is not a code of the Nomenclatorul serviciilor sociale.", code=typed))
    field.data = entry.code


def _canonical(code: str) -> str:
    entry = load_nomenclature().lookup(code.strip())
    return entry.code if entry else code


def _validate_occupancy(_form: Form, field: Field) -> None:
    if field.data is not None and not Decimal(0) <= field.data <= Decimal(100):
        raise ValidationError(_("The occupancy must be between 0 and 100 %%; it is %(value)s.", value=field.data))


def _original(form: Form) -> dict[str, Any]:
    """The row the form was opened on (its hidden field), as text the product accepts; {} if it is not one."""
    try:
        value = json.loads(form.original.data or "{}")
    except (ValueError, RecursionError):
        return {}
    return clean_value(value) if isinstance(value, dict) else {}


def _with_original(row: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    data["original"] = json.dumps(row, ensure_ascii=False)
    return data


# --- services ------------------------------------------------------------------------------------


def _service_form(proposed: bool) -> type[Form]:
    b = _Builder()
    if proposed:
        b.translated("name", _l("Proposed social service"))
    else:
        b.translated("unit", _l("Centre or unit"))
    code, capacity = SERVICE.field("code"), SERVICE.field("capacity")  # core's limits of a service's fields
    b.field("code", StringField(_l("Service code"), [Length(max=code.max_length)], render_kw={"list": code.datalist}),
            _l("Service code"))
    if not proposed:
        b.translated("description", _l("Social service"), long=True)
    b.field("capacity", LocaleDecimalField(_l("Capacity"), [Optional(), Within(capacity.low, capacity.high)],
                                           places=capacity.places), _l("Capacity"))
    b.translated("capacity_unit", _l("Capacity unit"))
    b.translated("beneficiary_category", _l("Beneficiary category"))
    if proposed:
        b.translated("building_capacity", _l("Building capacity"))
        b.field("floor_space", LocaleDecimalField(_l("Floor space (m²)"), [Optional(), Within(0, COUNT_MAX)]),
                _l("Floor space (m²)"))
        b.field("staff_total", LocaleIntegerField(_l("Staff needed"), [Optional(), Within(0, COUNT_MAX)]),
                _l("Staff needed"))
        b.field("staff_roles", TextAreaField(_l("Staff by role (one per line: number and role)"), [Optional()]),
                _l("Staff by role"))
    else:
        b.field("occupancy", LocaleDecimalField(_l("Occupancy (%)"), [Optional()], places=2), _l("Occupancy (%)"))
    b.field("budget_unit", SelectField(_l("Unit of the amounts"), choices=UNIT_CHOICES,
                                       default="1" if proposed else "1000"), _l("Unit of the amounts"))
    for source in FUNDING_SOURCES:
        b.field(f"budget_{source.code}", LocaleAmountField(source.name, [Optional()], currency=CURRENCY), source.name)
    if proposed:
        b.translated("justification", _l("Justification"), long=True)
    methods = {"validate_code": _validate_code, **{f"validate_budget_{c}": _non_negative for c in SOURCE_CODES}}
    if proposed:
        methods["validate_staff_roles"] = _validate_staff_roles
    else:
        methods["validate_occupancy"] = _validate_occupancy
    return b.build("ProposedServiceForm" if proposed else "ExistingServiceForm", **methods)


def _staff_lines(roles: list[dict[str, Any]]) -> str:
    lines = []
    for role in roles:
        names = role.get("role") or {}
        name = names.get("ro") or next(iter(names.values()), "")
        lines.append(f"{role.get('count', '')} {name}".strip())
    return "\n".join(lines)


# A staff line: its count (digits, maybe with the page's separators: '1.200', '2,5'), then the role.
STAFF_LINE = re.compile(r"^\s*(\d[\d.,\u00a0\u202f]*)?\s*(.+?)\s*$")


def _staff_line(line: str) -> tuple[int, str] | None:
    """'4 Educatori' -> (4, 'Educatori'); a line without a number counts one person. Raises NumberError
    when the count is not a whole number as the page's language writes it."""
    match = STAFF_LINE.match(line)
    if not match or not match.group(2):
        return None
    count = parse_integer(match.group(1), current_locale()) if match.group(1) else 1
    return count, match.group(2)


def _validate_staff_roles(_form: Form, field: Field) -> None:
    try:
        counts = [parsed[0] for line in (field.data or "").splitlines() if (parsed := _staff_line(line))]
    except NumberError as error:
        raise ValidationError(error.message) from None
    if any(count > COUNT_MAX for count in counts) or sum(counts) > COUNT_MAX:
        raise ValidationError(range_message(0, COUNT_MAX))


def _staff_roles(text: str, old: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The form's staff lines back into roles, keeping each known role's other languages."""
    old_by_name = {(r.get("role") or {}).get("ro"): r for r in old}
    roles = []
    for line in (text or "").splitlines():
        parsed = _staff_line(line)
        if parsed is None:
            continue
        count, name = parsed
        role = dict((old_by_name.get(name) or {}).get("role") or {})
        role["ro"] = name
        roles.append({"role": role, "count": count})
    return roles


def _service_from_row(proposed: bool):
    def from_row(row: dict[str, Any]) -> dict[str, Any]:
        extra = row.get("extra") or {}
        lines = row.get("budget") or []
        default_unit = "1" if proposed else "1000"
        data: dict[str, Any] = {"code": row.get("code", ""), "capacity": document_decimal(row.get("capacity")),
                                "occupancy": document_decimal(row.get("occupancy")),
                                "budget_unit": str(lines[0].get("scale") or 1) if lines else default_unit}
        for key in ("name", "unit", "description", "capacity_unit", "beneficiary_category"):
            data.update(translated_form_data(row.get(key), key))
        for key in ("building_capacity", "justification"):
            data.update(translated_form_data(extra.get(key), key))
        data.update(floor_space=document_decimal(extra.get("floor_space")), staff_total=extra.get("staff_total"),
                    staff_roles=_staff_lines(extra.get("staff_roles") or []))
        for line in lines:
            data[f"budget_{line.get('source')}"] = document_decimal(line.get("amount"))
        return _with_original(row, data)

    return from_row


def _budget_lines(form: Form, old: list[dict[str, Any]], year: int | None) -> list[dict[str, Any]]:
    scale = int(form.budget_unit.data or 1)
    old_by_source = {line.get("source"): line for line in old}
    lines = []
    for code in SOURCE_CODES:
        amount = form[f"budget_{code}"].data
        if amount is None:
            continue
        line = dict(old_by_source.get(code) or {"currency": CURRENCY, "note": {}})
        line.update(source=code, amount=decimal_to_json(amount), scale=scale)
        if year or line.get("year"):
            line["year"] = line.get("year") or year
        lines.append(line)
    return lines


def _service_to_row(proposed: bool):
    def to_row(form: Form) -> dict[str, Any]:
        old = _original(form)
        row = dict(old)
        row.update(code=form.code.data, capacity=decimal_to_json(form.capacity.data),
                   status=(ServiceStatus.PROPOSED if proposed else ServiceStatus.EXISTING).value)
        for key in ("name", "unit", "description", "capacity_unit", "beneficiary_category"):
            if f"{key}__{LOCALES[0]}" in form:
                row[key] = translated_data(form, key)
        extra = dict(old.get("extra") or {})
        if _canonical(old.get("code") or "") != form.code.data:
            extra.pop("code_as_written", None)  # the spelling an import kept was of the code replaced here
        if proposed:
            extra.update(building_capacity=translated_data(form, "building_capacity"),
                         justification=translated_data(form, "justification"),
                         floor_space=decimal_to_json(form.floor_space.data), staff_total=form.staff_total.data,
                         staff_roles=_staff_roles(form.staff_roles.data, extra.get("staff_roles") or []))
            row["occupancy"] = old.get("occupancy")
        else:
            row["occupancy"] = decimal_to_json(form.occupancy.data)
        row["extra"] = extra
        row["budget"] = _budget_lines(form, old.get("budget") or [], None)
        return row

    return to_row


# --- campaigns, meetings: periods ------------------------------------------------------------------


def _period_fields(b: _Builder, key: str, label: Any) -> None:
    b.field(f"{key}_kind", SelectField(label, choices=PERIOD_CHOICES, default=""), label,
            extra=(f"{key}_every", f"{key}_half", f"{key}_months", f"{key}_year", f"{key}_start", f"{key}_end"))
    b.layout.groups[-1].key = key
    b.attrs[f"{key}_every"] = SelectField(_l("Recurrence"), choices=RECURRENCE_CHOICES, default="")
    b.attrs[f"{key}_start"] = DateField(_l("From"), [Optional()])
    b.attrs[f"{key}_end"] = DateField(_l("To"), [Optional()])
    b.attrs[f"{key}_half"] = SelectField(_l("Half-year"), choices=HALF_YEAR_CHOICES, default="")
    b.attrs[f"{key}_months"] = StringField(_l("Month or months (numbers, e.g. 7, 8)"), [Optional()])
    b.attrs[f"{key}_year"] = IntegerField(_l("Year"), [Optional(), NumberRange(1990, 2100)])
    b.translated(f"{key}_text", _l("Dates in words"))


def _period_validator(key: str):
    def validate(form: Form, field: Field) -> None:
        kind = field.data
        if kind == "recurrence" and not form[f"{key}_every"].data:
            raise ValidationError(_("Choose how often it recurs."))
        if kind == "half-year" and not form[f"{key}_half"].data:
            raise ValidationError(_("Choose the half-year."))
        if kind in ("month", "months") and not months_from_text(form[f"{key}_months"].data):
            raise ValidationError(_("Enter the months as numbers from 1 to 12, separated by commas."))
        if kind == "dates" and not translated_data(form, f"{key}_text"):
            raise ValidationError(_("Describe the dates in at least one language."))
        start, end = form[f"{key}_start"].data, form[f"{key}_end"].data
        if kind == "range" and (start is None or end is None):
            raise ValidationError(_("Enter the first and the last day."))
        if kind == "range" and end < start:
            raise ValidationError(_("The last day comes before the first."))

    return validate


def _period_data(period: dict[str, Any], key: str) -> dict[str, Any]:
    period = period or {}
    months = period.get("months") or ([period["month"]] if period.get("month") else [])
    data = {f"{key}_kind": "months" if period.get("kind") == "month" else period.get("kind", ""),
            f"{key}_every": period.get("every", ""), f"{key}_half": str(period.get("half") or ""),
            f"{key}_months": ", ".join(str(m) for m in months), f"{key}_year": period.get("year"),
            f"{key}_start": _iso_date(period.get("start")), f"{key}_end": _iso_date(period.get("end"))}
    data.update(translated_form_data(period.get("text") if period.get("kind") == "dates" else {}, f"{key}_text"))
    return data


def _iso_date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _period_of(form: Form, key: str) -> dict[str, Any]:
    kind, year = form[f"{key}_kind"].data, form[f"{key}_year"].data
    period: dict[str, Any] = {}
    if kind == "recurrence":
        period = {"kind": kind, "every": form[f"{key}_every"].data}
    elif kind == "half-year":
        period = {"kind": kind, "half": int(form[f"{key}_half"].data)}
    elif kind in ("month", "months"):
        months = months_from_text(form[f"{key}_months"].data)
        period = {"kind": "month", "month": months[0]} if len(months) == 1 else {"kind": "months", "months": months}
    elif kind == "dates":
        period = {"kind": kind, "text": translated_data(form, f"{key}_text")}
    elif kind == "permanent":
        period = {"kind": kind}
    elif kind == "range":
        period = {"kind": kind, "start": form[f"{key}_start"].data.isoformat(),
                  "end": form[f"{key}_end"].data.isoformat()}
    if period and year and kind not in ("recurrence", "range", "permanent"):
        period["year"] = year
    return period


def _campaign_form() -> type[Form]:
    b = _Builder()
    b.translated("title", _l("Campaign"))
    b.translated("objectives", _l("Objectives"), long=True)
    _period_fields(b, "period", _l("Period"))
    b.translated("responsible", _l("Responsible for organising the campaign"), long=True)
    return b.build("CampaignForm", validate_period_kind=_period_validator("period"))


def _campaign_from_row(row: dict[str, Any]) -> dict[str, Any]:
    data = _period_data(row.get("period") or {}, "period")
    for key in ("title", "objectives", "responsible"):
        data.update(translated_form_data(row.get(key), key))
    return _with_original(row, data)


def _campaign_to_row(form: Form) -> dict[str, Any]:
    row = _original(form)
    row.update({key: translated_data(form, key) for key in ("title", "objectives", "responsible")})
    row["period"] = _period_of(form, "period")
    row.setdefault("target_group", {})
    return row


def _meeting_form() -> type[Form]:
    b = _Builder()
    b.translated("participants", _l("Participants"), long=True)
    b.translated("description", _l("Short description"), long=True)
    _period_fields(b, "frequency", _l("Frequency"))
    return b.build("MeetingForm", validate_frequency_kind=_period_validator("frequency"))


def _meeting_from_row(row: dict[str, Any]) -> dict[str, Any]:
    data = _period_data(row.get("frequency") or {}, "frequency")
    for key in ("participants", "description"):
        data.update(translated_form_data(row.get(key), key))
    return _with_original(row, data)


def _meeting_to_row(form: Form) -> dict[str, Any]:
    row = _original(form)
    row.update({key: translated_data(form, key) for key in ("participants", "description")})
    row["frequency"] = _period_of(form, "frequency")
    return row


# --- website information ---------------------------------------------------------------------------


def _website_form() -> type[Form]:
    b = _Builder()
    b.field("ref", StringField(_l("No."), [Optional(), Length(max=10)]), _l("No."))
    b.translated("text", _l("Information"), long=True)
    b.translated("publication", _l("Where it is published"))
    b.field("frequency", SelectField(_l("Updated"), choices=choices([("", ""), *FREQUENCIES.items()]), default=""),
            _l("Updated"))
    return b.build("WebsiteInformationForm")


def _website_from_row(row: dict[str, Any]) -> dict[str, Any]:
    data = {"ref": row.get("ref", ""), "frequency": row.get("frequency", "")}
    for key in ("text", "publication"):
        data.update(translated_form_data(row.get(key), key))
    return _with_original(row, data)


def _website_to_row(form: Form) -> dict[str, Any]:
    row = _original(form)
    row.update(ref=form.ref.data.strip(), frequency=form.frequency.data,
               text=translated_data(form, "text"), publication=translated_data(form, "publication"))
    return row


# --- training --------------------------------------------------------------------------------------


def _training_form() -> type[Form]:
    b = _Builder()
    b.translated("department", _l("Staff, department or topic"), long=True)
    b.field("persons", LocaleIntegerField(_l("Number of persons"), [Optional(), Within(0, COUNT_MAX)]),
            _l("Number of persons"))
    b.field("budgeted", BooleanField(_l("Budgeted")), _l("Budgeted"))
    b.field("budget", LocaleAmountField(_l("Estimated budget (lei)"), [Optional()], currency=CURRENCY),
            _l("Estimated budget (lei)"))
    b.translated("note", _l("Note (e.g. 'not applicable', or why it is not budgeted)"))

    def validate_budget(form: Form, field: Field) -> None:
        _non_negative(form, field)
        if form.budgeted.data and field.data is None:
            raise ValidationError(_("A budgeted row needs its amount."))

    return b.build("TrainingForm", validate_budget=validate_budget)


def _training_from_row(row: dict[str, Any]) -> dict[str, Any]:
    data = {"persons": row.get("persons"), "budgeted": bool(row.get("budgeted")),
            "budget": document_decimal(row.get("budget"))}
    for key in ("department", "note"):
        data.update(translated_form_data(row.get(key), key))
    return _with_original(row, data)


def _training_to_row(section: str):
    def to_row(form: Form) -> dict[str, Any]:
        row = _original(form)
        row.setdefault("kind", section)
        row.update(department=translated_data(form, "department"), note=translated_data(form, "note"),
                   persons=form.persons.data, budgeted=bool(form.budgeted.data),
                   budget=decimal_to_json(form.budget.data))
        return row

    return to_row


def section_form(plan_kind: str, section: str) -> SectionFormSpec | None:
    """The row form of ``section``; None lets core use its generic form (objectives, simple entries)."""
    if plan_kind != PLAN_KIND:
        return None
    if section in ("existing-services", "proposed-services"):
        proposed = section == "proposed-services"
        return SectionFormSpec(_service_form(proposed), _service_to_row(proposed), _service_from_row(proposed))
    if section in CAMPAIGN_SECTIONS:
        return SectionFormSpec(_campaign_form(), _campaign_to_row, _campaign_from_row)
    if section == "tripartite-meetings":
        return SectionFormSpec(_meeting_form(), _meeting_to_row, _meeting_from_row)
    if section == "website-information":
        return SectionFormSpec(_website_form(), _website_to_row, _website_from_row)
    if section in TRAINING_SECTIONS:
        return SectionFormSpec(_training_form(), _training_to_row(section), _training_from_row)
    return None
