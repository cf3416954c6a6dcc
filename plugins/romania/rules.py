"""The action plan's rules: what Legea 292/2011 and the model-cadru require, and common slips.

Every finding names its field as ``<section>/<row index>/<row key>`` (the row key is the form
field's name, e.g. ``budget_local``), ``<section>/text`` or ``<section>/footnote``, so the editor
can put the message beside the field. Rule ids start with ``ro.``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from typing import Any

from core.sdk import (
    COUNT_MAX,
    Finding,
    RowType,
    SectionSpec,
    Severity,
    ValidationContext,
    document_decimal,
    format_date,
)
from core.sdk.forms import range_message
from plugins.romania.budget import CURRENCY
from plugins.romania.i18n import _
from plugins.romania.nomenclature import RomanianNomenclature, ascii_fold, load_nomenclature
from plugins.romania.periods import period_years
from plugins.romania.plan_kind import (
    ACTION_PLAN,
    CAMPAIGN_SECTIONS,
    PLAN_KIND,
    PROGRAMME_SECTIONS,
    REQUIRED_PARTS,
    SERVICE_SECTIONS,
    SOURCE_CODES,
    TRAINING_SECTIONS,
    UNITS,
    RequiredPart,
)

YEAR = re.compile(r"(?<!\d)(19\d\d|20\d\d)(?!\d)")
# 'Legea 292/2011', 'HG nr. 365/2018': an act's number and year.
ACT_NUMBER = re.compile(r"\d+\s*/\s*$")
# 'Legii nr. 292 din 2011', 'Legea 34 din 1998', 'HG nr. 797 din anul 2017', 'Law no. 292 of 2011': an act's
# number, then its year (matched on the text folded to lower-case ASCII).
ACT_OF_YEAR = re.compile(r"(?:\b(?:nr|no|numarul)\.?\s*|\b(?:legea|legii|lege|law|lag|hg|h\.g\.|oug|o\.u\.g\.|og|"
                         r"ordinul|ordinului|hotararea|hotararii|hcl|hcj|decretul)\s+)\d+\s+"
                         r"(?:din|of|from|fran)\s+(?:(?:anul|the year)\s+)?$")
# '27.09.2018', '30.08.2019', '29 noiembrie 2018': the day and month of a date just before the year.
DATE_PREFIX = re.compile(r"\d{1,2}\s*[./-]\s*\d{1,2}\s*[./-]\s*$|\d{1,2}\s+(?:ianuarie|februarie|martie|aprilie|"
                         r"mai|iunie|iulie|august|septembrie|octombrie|noiembrie|decembrie)\s+$")
# A date within this many characters after 'nr.' dates a document (a decision, an authorisation).
DOCUMENT_REACH = 40
# '2018-2023', '2021 – 2027': the period of a strategy or programme, never a year the plan is about.
RANGE = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*[-–—]\s*((?:19|20)\d\d)(?!\d)")


# Findings that make the data unusable, or that the web form refuses (an import refuses what the form refuses):
# an import of a document with any of them is refused.
BLOCKS_IMPORT = {"ro.unknown-code", "ro.budget-amount", "ro.funding-source", "ro.mixed-units", "ro.persons",
                 "ro.capacity-range", "ro.occupancy-range", "ro.figure-range", "ro.budget-unit"}


def _finding(severity: Severity, message: str, field: str, rule: str) -> Finding:
    return Finding(severity, message, field, rule, blocks_import=rule in BLOCKS_IMPORT)


# --- numbers ------------------------------------------------------------------------------------


def _is_blank(value: Any) -> bool:
    return value is None or value == ""


def _has_text(value: Any) -> bool:
    """A translatable value with a text in some language; blanks alone are no text."""
    return isinstance(value, dict) and any(isinstance(text, str) and text.strip() for text in value.values())


# --- services -----------------------------------------------------------------------------------


def _code_findings(section: str, index: int, row: dict, nomenclature: RomanianNomenclature) -> list[Finding]:
    code = (row.get("code") or "").strip()
    field = f"{section}/{index}/code"
    if not code:
        return [_finding(Severity.ERROR, _("Enter the service's code from the Nomenclator."), field, "ro.code-missing")]
    entry = nomenclature.lookup(code)
    if entry is None:
        return [_finding(Severity.ERROR, _("'%(code)s' is not a code of the Nomenclatorul serviciilor sociale.",
                                           code=code), field, "ro.unknown-code")]
    if entry.code != code:
        return [_finding(Severity.INFO, _("The code '%(code)s' is written '%(canonical)s' in the Nomenclator.",
                                          code=code, canonical=entry.code), field, "ro.code-spelling")]
    return []


def _programme_code_findings(sections: dict[str, Any], nomenclature: RomanianNomenclature) -> list[Finding]:
    """A service contracted (I.C) is a social service of the Nomenclator too: its code, when given, is one of
    it, and the PDF prints it as the Nomenclator spells it. The row form takes any text, so these never
    block an import."""
    findings = []
    for key in PROGRAMME_SECTIONS:
        for index, row in enumerate((sections.get(key) or {}).get("rows") or []):
            code = str(row.get("code") or "").strip()
            if not code:
                continue
            entry, field = nomenclature.lookup(code), f"{key}/{index}/code"
            if entry is None:
                findings.append(_finding(Severity.ERROR, _("'%(code)s' is not a code of the Nomenclatorul "
                                                           "serviciilor sociale.", code=code), field,
                                         "ro.programme-code"))
            elif entry.code != code:
                findings.append(_finding(Severity.INFO, _("The code '%(code)s' is written '%(canonical)s' in the "
                                                          "Nomenclator.", code=code, canonical=entry.code), field,
                                         "ro.code-spelling"))
    return findings


def _validity_findings(sections: dict[str, Any], year: int, nomenclature: RomanianNomenclature,
                       locale: str) -> list[Finding]:
    """A code an amendment dropped before the plan's year, with what took its place."""
    findings = []
    for key in (*SERVICE_SECTIONS, "contracting"):
        for index, row in enumerate((sections.get(key) or {}).get("rows") or []):
            entry = nomenclature.lookup(str(row.get("code") or ""))
            if entry is None or not year or entry.valid_in(year):
                continue
            detail = nomenclature.details[entry.code]
            args = {"code": entry.code, "year": year, "act": detail.get("changed_by", ""),
                    "until": format_date(entry.valid_until, locale), "codes": ", ".join(entry.replaced_by)}
            message = _("The code %(code)s left the Nomenclator on %(until)s (%(act)s) and is not valid in %(year)s: "
                        "use %(codes)s.", **args) if entry.replaced_by else \
                _("The code %(code)s left the Nomenclator on %(until)s (%(act)s) and is not valid in %(year)s.", **args)
            findings.append(_finding(Severity.ERROR, message, f"{key}/{index}/code", "ro.code-no-longer-valid"))
    return findings


def _group_findings(section: str, index: int, row: dict, nomenclature: RomanianNomenclature,
                    locale: str) -> list[Finding]:
    allowed = set(nomenclature.groups_of(row.get("code") or ""))
    category = " ".join((row.get("beneficiary_category") or {}).values())
    named = nomenclature.groups_named_in(category)
    if not allowed or not named or named & allowed:
        return []
    code = nomenclature.normalise(row.get("code") or "")
    groups = ", ".join(nomenclature.group_name(g, locale) for g in sorted(allowed))
    return [_finding(Severity.WARNING,
                     _("The code %(code)s is for %(groups)s, but the beneficiary category is '%(category)s'.",
                       code=code, groups=groups, category=category),
                     f"{section}/{index}/beneficiary_category", "ro.beneficiary-group")]


def _occupancy_findings(section: str, index: int, row: dict) -> list[Finding]:
    value = row.get("occupancy")
    if _is_blank(value):
        return []
    number = document_decimal(value)
    field = f"{section}/{index}/occupancy"
    if number is None:
        return [_finding(Severity.ERROR, _("The occupancy must be a number."), field, "ro.occupancy-range")]
    if not Decimal(0) <= number <= Decimal(100):
        # Over 100 % means more beneficiaries than places: the capacity figure is then wrong too.
        return [_finding(Severity.ERROR, _("The occupancy must be between 0 and 100 %%; it is %(value)s.",
                                           value=value), field, "ro.occupancy-range")]
    return []


def _capacity_findings(section: str, index: int, row: dict) -> list[Finding]:
    """A capacity is a number of places, never below 0 (the form refuses it, so import does); places
    that do not exist cannot be occupied."""
    capacity, field = document_decimal(row.get("capacity")), f"{section}/{index}/capacity"
    if capacity is not None and capacity < 0:
        return [_finding(Severity.ERROR, _("The capacity cannot be negative; it is %(value)s.",
                                           value=row.get("capacity")), field, "ro.capacity-range")]
    occupancy = document_decimal(row.get("occupancy"))
    if capacity == 0 and occupancy is not None and occupancy > 0:
        return [_finding(Severity.ERROR, _("A capacity of 0 cannot be %(occupancy)s %% occupied: give the number "
                                           "of places, or an occupancy of 0.", occupancy=row.get("occupancy")),
                         field, "ro.occupancy-without-capacity")]
    return []


def _figure_findings(section: str, index: int, row: dict) -> list[Finding]:
    """I.B's floor space, staff needed and staff by role: the form takes 0 to COUNT_MAX (staff in whole
    persons), so an import does too; a negative floor space or staff is never printed."""
    extra = row.get("extra") or {}
    figures = [("floor_space", extra.get("floor_space"), False), ("staff_total", extra.get("staff_total"), True)]
    figures += [("staff_roles", role.get("count"), True) for role in extra.get("staff_roles") or []
                if isinstance(role, dict)]
    findings, seen = [], set()
    for key, value, whole in figures:
        if key in seen or _is_blank(value):
            continue
        number = document_decimal(value)
        if number is None or not 0 <= number <= COUNT_MAX or (whole and number != number.to_integral_value()):
            seen.add(key)
            findings.append(_finding(Severity.ERROR, range_message(0, COUNT_MAX), f"{section}/{index}/{key}",
                                     "ro.figure-range"))
    return findings


def _currency_findings(section: str, index: int, row: dict, currency: str) -> list[Finding]:
    """The plan's amounts are lei: a line in another currency is not added into the lei totals."""
    return [_finding(Severity.ERROR, _("This amount is in %(currency)s, but the plan's amounts are in %(plan)s: "
                                       "it is left out of the totals. Enter it in %(plan)s.",
                                       currency=line["currency"], plan=currency),
                     f"{section}/{index}/budget_{line.get('source')}", "ro.currency")
            for line in row.get("budget") or [] if (line.get("currency") or currency) != currency]


def _budget_findings(section: str, index: int, row: dict) -> tuple[list[Finding], set[int]]:
    findings: list[Finding] = []
    scales: set[int] = set()
    for line in row.get("budget") or []:
        source = line.get("source")
        field = f"{section}/{index}/budget_{source}"
        if source not in SOURCE_CODES:
            findings.append(_finding(Severity.ERROR, _("'%(source)s' is not a funding source.", source=source),
                                     f"{section}/{index}/budget", "ro.funding-source"))
        amount = document_decimal(line.get("amount"))
        if amount is None:
            findings.append(_finding(Severity.ERROR, _("'%(value)s' is not an amount.", value=line.get("amount")),
                                     field, "ro.budget-amount"))
        elif amount < 0:
            findings.append(_finding(Severity.ERROR, _("An amount cannot be negative."), field, "ro.budget-amount"))
        scales.add(int(line.get("scale") or 1))
    if scales - set(UNITS):  # the form offers lei and thousand lei only: say which, in the form's own words
        units = " / ".join(str(unit) for unit in UNITS.values())
        findings.append(_finding(Severity.ERROR, f"{_('Unit of the amounts')}: {units}",
                                 f"{section}/{index}/budget_unit", "ro.budget-unit"))
    if len(scales) > 1:
        findings.append(_finding(Severity.ERROR, _("The amounts of one service are in different units."),
                                 f"{section}/{index}/budget_unit", "ro.mixed-units"))
    return findings, scales


def _unit_name(scale: int) -> str:
    return str(UNITS.get(scale, scale))


def _service_findings(section: str, rows: list[dict], nomenclature: RomanianNomenclature,
                      locale: str, currency: str) -> list[Finding]:
    findings: list[Finding] = []
    row_scales: dict[int, set[int]] = {}
    for index, row in enumerate(rows):
        findings += _code_findings(section, index, row, nomenclature)
        findings += _group_findings(section, index, row, nomenclature, locale)
        findings += _occupancy_findings(section, index, row)
        findings += _capacity_findings(section, index, row)
        findings += _figure_findings(section, index, row)
        findings += _currency_findings(section, index, row, currency)
        budget, scales = _budget_findings(section, index, row)
        findings += budget
        row_scales[index] = scales
        if _is_blank(row.get("capacity")) or not _has_text(row.get("beneficiary_category")):
            findings.append(_finding(Severity.ERROR, _("Give the number of beneficiaries and their category."),
                                     f"{section}/{index}/capacity", "ro.beneficiaries"))
        if not row.get("budget"):
            findings.append(_finding(Severity.ERROR, _("Give the estimated budget by funding source."),
                                     f"{section}/{index}/budget_local", "ro.budget-missing"))
        if section == "proposed-services" and not _has_text((row.get("extra") or {}).get("justification")):
            findings.append(_finding(Severity.WARNING, _("Say why the service is needed."),
                                     f"{section}/{index}/justification", "ro.justification-missing"))
    return findings + _table_unit_findings(section, row_scales)


def _table_unit_findings(section: str, row_scales: dict[int, set[int]]) -> list[Finding]:
    """One table states one unit: the rows whose amounts are not in the unit most rows use."""
    used = [scale for scales in row_scales.values() for scale in scales]
    if len(set(used)) < 2:
        return []
    usual = max(set(used), key=lambda scale: (used.count(scale), scale))
    units = ", ".join(_unit_name(s) for s in sorted(set(used)))
    return [_finding(Severity.ERROR, _("The amounts of this table are in different units (%(units)s); use one unit.",
                                       units=units), f"{section}/{index}/budget_unit", "ro.mixed-units")
            for index, scales in row_scales.items() if scales - {usual}]


# --- training -----------------------------------------------------------------------------------


def _training_findings(section: str, rows: list[dict]) -> list[Finding]:
    findings = []
    for index, row in enumerate(rows):
        field = f"{section}/{index}/budget"
        budget = row.get("budget")
        number = document_decimal(budget)
        if not _is_blank(budget) and number is None:
            findings.append(_finding(Severity.ERROR, _("'%(value)s' is not an amount.", value=budget), field,
                                     "ro.budget-amount"))
        elif number is not None and number < 0:
            findings.append(_finding(Severity.ERROR, _("An amount cannot be negative."), field, "ro.budget-amount"))
        elif row.get("budgeted") and number is None:
            findings.append(_finding(Severity.ERROR, _("A budgeted row needs its amount."), field, "ro.budget-missing"))
        persons = row.get("persons")
        if not _is_blank(persons) and (not str(persons).isdigit()):
            findings.append(_finding(Severity.ERROR, _("The number of persons must be a whole number."),
                                     f"{section}/{index}/persons", "ro.persons"))
    return findings


# --- years --------------------------------------------------------------------------------------


def other_years(text: str, plan_year: int) -> list[int]:
    """Years ``text`` names that are not the plan's, leaving out what is not a planning year: an act's
    year ('Legea 292/2011', 'Legii nr. 292 din 2011'), a dated document ('HCL nr. 273/27.09.2018') and the
    period of a strategy or programme ('Strategia ... 2021-2027')."""
    skip = {match.start(group) for match in RANGE.finditer(text) for group in (1, 2)}
    found: list[int] = []
    for match in YEAR.finditer(text):
        year, before = int(match.group(1)), text[: match.start()]
        if year == plan_year or match.start() in skip or ACT_NUMBER.search(before) or _act_of_year(before):
            continue
        date = DATE_PREFIX.search(ascii_fold(before[-60:]))
        if date and "nr" in ascii_fold(before[-60:])[max(0, date.start() - DOCUMENT_REACH): date.start()]:
            continue
        if year not in found:
            found.append(year)
    return found


def _act_of_year(before: str) -> bool:
    return ACT_OF_YEAR.search(ascii_fold(before[-60:])) is not None


def _texts(value: Any, field: str) -> Iterator[tuple[str, str]]:
    """Every string in a row value (a text, a translatable value, a list of them), with its form field."""
    if isinstance(value, str):
        yield field, value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item, field)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item, field)


def _year_finding(field: str, years: list[int], plan_year: int) -> Finding:
    return _finding(Severity.WARNING,
                    _("This text names %(years)s, but the plan is for %(year)s.",
                      years=", ".join(map(str, years)), year=plan_year), field, "ro.other-year")


# Row keys that hold codes, numbers and choices, not text the PDF prints.
_NOT_TEXT = {"code", "code_as_written", "status", "source", "currency", "level", "kind", "frequency", "ref", "amount",
             "capacity", "occupancy", "floor_space", "staff_total", "persons", "budget", "year", "scale", "uid"}


def _row_texts(row: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """Every text a row prints, with the form field it is typed in."""
    for name, value in row.items():
        if name in ("period", "frequency") and isinstance(value, dict):
            yield from _texts(value.get("text") if value.get("kind") == "dates" else None, name)
        elif name == "budget" and isinstance(value, list):
            for line in value:
                if isinstance(line, dict):
                    yield from _texts(line.get("note"), f"budget_{line.get('source')}")
        elif name == "extra" and isinstance(value, dict):  # a service's own facts, each its form field
            for key, item in value.items():
                if key not in _NOT_TEXT:
                    yield from _texts(item, key)
        elif name not in _NOT_TEXT:
            yield from _texts(value, name)


def _row_year_findings(key: str, index: int, row: dict[str, Any], plan_year: int) -> list[Finding]:
    by_field: dict[str, set[int]] = {}
    for name in ("period", "frequency"):
        if isinstance(row.get(name), dict):
            years = {y for y in period_years(row[name]) if y != plan_year}
            if years:
                by_field.setdefault(name, set()).update(years)
    for field, text in _row_texts(row):
        if years := set(other_years(text, plan_year)):
            by_field.setdefault(field, set()).update(years)
    return [_year_finding(f"{key}/{index}/{field}", sorted(years), plan_year) for field, years in by_field.items()]


def _translated_years(value: Any, plan_year: int) -> list[int]:
    return sorted({y for text in (value or {}).values() if isinstance(text, str) for y in other_years(text, plan_year)})


def _year_findings(document: dict[str, Any], plan_year: int) -> list[Finding]:
    """Every text the PDF prints that names another year than the plan's: the title, each section's
    text and footnote, and its rows."""
    findings = []
    if years := _translated_years(document.get("title"), plan_year):
        findings.append(_year_finding("title", years, plan_year))
    for key, content in (document.get("sections") or {}).items():
        for part in ("text", "footnote"):
            if years := _translated_years(content.get(part), plan_year):
                findings.append(_year_finding(f"{key}/{part}", years, plan_year))
        for index, row in enumerate(content.get("rows") or []):
            findings += _row_year_findings(key, index, row, plan_year)
    return findings


# --- sections -----------------------------------------------------------------------------------


def _may_be_not_applicable(spec: SectionSpec | None) -> bool:
    return spec is not None and (spec.allow_not_applicable or spec.row_type is RowType.TEXT)


def _is_present(spec: SectionSpec, content: dict[str, Any]) -> bool:
    """A section fills its part of the model-cadru: rows, a text section's text, or 'nu este cazul' with
    its reason. An intro text above no rows does not (core's required-section check counts any text)."""
    if content.get("rows"):
        return True
    if content.get("not_applicable") and _may_be_not_applicable(spec):
        return _has_text(content.get("text"))
    return spec.row_type is RowType.TEXT and _has_text(content.get("text"))


def _missing_parts(sections: dict[str, Any]) -> list[RequiredPart]:
    return [part for part in REQUIRED_PARTS
            if not any(_is_present(ACTION_PLAN.section(key), sections.get(key) or {}) for key in part.sections)]


def _not_applicable_findings(sections: dict[str, Any], missing: list[RequiredPart]) -> list[Finding]:
    """'Nu este cazul' says why, citing the law; without the reason a required part is missing (an error)."""
    required = {key for part in missing for key in part.sections}
    return [
        _finding(Severity.ERROR if key in required else Severity.WARNING,
                 _("Say why the section does not apply, citing the law."), f"{key}/text", "ro.not-applicable-text")
        for key, content in sections.items()
        if content.get("not_applicable") and _may_be_not_applicable(ACTION_PLAN.section(key))
        and not _has_text(content.get("text"))
    ]


def _core_reports_empty(spec: SectionSpec, content: dict[str, Any]) -> bool:
    """What core's required-section check finds (see core.services.validation): nothing at all."""
    return spec.required and not content.get("rows") and not content.get("not_applicable") and not any(
        (content.get("text") or {}).values())


def _part_findings(sections: dict[str, Any], missing: list[RequiredPart]) -> list[Finding]:
    """Each required part of the model-cadru that is missing or empty, once (core reports a section
    with nothing in it, the 'nu este cazul' rule one without its reason)."""
    findings = []
    for part in missing:
        specs = [ACTION_PLAN.section(key) for key in part.sections]
        if len(specs) > 1:
            names = "; ".join(str(spec.title) for spec in specs)
            findings.append(_finding(Severity.ERROR, _("%(part)s is a required part of the model-cadru and is empty: "
                                                       "fill in at least one of its sections (%(sections)s).",
                                                       part=part.label, sections=names), part.sections[0],
                                     "ro.part-missing"))
            continue
        spec, content = specs[0], sections.get(part.sections[0]) or {}
        if _core_reports_empty(spec, content) or (content.get("not_applicable") and _may_be_not_applicable(spec)):
            continue
        message = _("Add at least one row, or mark the section as not applicable.") \
            if _may_be_not_applicable(spec) else _("Add at least one row.")
        findings.append(_finding(Severity.ERROR, message, spec.key, "ro.rows-required"))
    return findings


def validate(document: dict[str, Any], context: ValidationContext | None = None) -> list[Finding]:
    """Every finding of the action plan's rules on ``document`` (the interchange format)."""
    if document.get("kind") != PLAN_KIND:
        return []
    nomenclature = context.nomenclature if context and isinstance(context.nomenclature, RomanianNomenclature) \
        else load_nomenclature()
    locale = context.locale if context else "ro"
    sections = document.get("sections") or {}
    currency = (document.get("municipality") or {}).get("currency") or CURRENCY
    findings: list[Finding] = []
    for key in SERVICE_SECTIONS:
        rows = (sections.get(key) or {}).get("rows") or []
        findings += _service_findings(key, rows, nomenclature, locale, currency)
    for key in TRAINING_SECTIONS:
        findings += _training_findings(key, (sections.get(key) or {}).get("rows") or [])
    for key in CAMPAIGN_SECTIONS:
        for index, row in enumerate((sections.get(key) or {}).get("rows") or []):
            if not _has_text(row.get("objectives")):
                findings.append(_finding(Severity.ERROR, _("Give the campaign's objectives."),
                                         f"{key}/{index}/objectives", "ro.campaign-objectives"))
    missing = _missing_parts(sections)
    findings += _not_applicable_findings(sections, missing)
    findings += _part_findings(sections, missing)
    findings += _year_findings(document, int(document.get("year") or 0))
    findings += _validity_findings(sections, int(document.get("year") or 0), nomenclature, locale)
    findings += _programme_code_findings(sections, nomenclature)
    return [replace(finding, path=json_path(document, finding.field)) for finding in findings]


# Row keys of findings that are form fields, mapped back to where the value sits in the row.
_BUDGET_PREFIX = "budget_"


def json_path(document: dict[str, Any], field: str) -> str:
    """A finding's field ('existing-services/2/budget_local') as the JSON path of the value."""
    parts = field.split("/")
    if not parts or not parts[0]:
        return "$"
    if field == "title":
        return "$.title"
    path = f"$.sections.{parts[0]}"
    if len(parts) == 2:
        return f"{path}.{parts[1]}"
    if len(parts) < 3 or not parts[1].isdigit():
        return path
    index, key = int(parts[1]), parts[2]
    path += f".rows[{index}]"
    if key == "budget_unit":  # the unit is each budget line's scale
        return f"{path}.budget"
    if key.startswith(_BUDGET_PREFIX):
        source = key[len(_BUDGET_PREFIX):]
        row = document["sections"][parts[0]]["rows"][index]
        lines = row.get("budget") or []
        position = next((i for i, line in enumerate(lines) if line.get("source") == source), None)
        return f"{path}.budget[{position}].amount" if position is not None else f"{path}.budget"
    if key in ("justification", "building_capacity", "floor_space", "staff_total", "staff_roles"):
        return f"{path}.extra.{key}"
    return f"{path}.{key}"
