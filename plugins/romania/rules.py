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

from core.sdk import Finding, Severity, ValidationContext, document_decimal
from plugins.romania.i18n import _
from plugins.romania.nomenclature import RomanianNomenclature, load_nomenclature
from plugins.romania.periods import period_years
from plugins.romania.plan_kind import (
    CAMPAIGN_SECTIONS,
    PLAN_KIND,
    SERVICE_SECTIONS,
    SOURCE_CODES,
    TRAINING_SECTIONS,
    UNITS,
)

YEAR = re.compile(r"(?<!\d)(19\d\d|20\d\d)(?!\d)")
# 'Legea 292/2011', 'HG nr. 365/2018': an act's number and year.
ACT_NUMBER = re.compile(r"\d+\s*/\s*$")
# '27.09.2018', '30.08.2019': the day and month of a date just before the year.
DATE_PREFIX = re.compile(r"\d{1,2}\s*[./-]\s*\d{1,2}\s*[./-]\s*$")
# A date within this many characters after 'nr.' dates a document (a decision, an authorisation).
DOCUMENT_REACH = 40
RANGE = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*[-–]\s*((?:19|20)\d\d)(?!\d)")


# Findings that make the data unusable: an import of a document with any of them is refused.
BLOCKS_IMPORT = {"ro.unknown-code", "ro.budget-amount", "ro.funding-source", "ro.mixed-units", "ro.persons"}


def _finding(severity: Severity, message: str, field: str, rule: str) -> Finding:
    return Finding(severity, message, field, rule, blocks_import=rule in BLOCKS_IMPORT)


# --- numbers ------------------------------------------------------------------------------------


def _is_blank(value: Any) -> bool:
    return value is None or value == ""


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
    if len(scales) > 1:
        findings.append(_finding(Severity.ERROR, _("The amounts of one service are in different units."),
                                 f"{section}/{index}/budget_unit", "ro.mixed-units"))
    return findings, scales


def _unit_name(scale: int) -> str:
    return str(UNITS.get(scale, scale))


def _service_findings(section: str, rows: list[dict], nomenclature: RomanianNomenclature,
                      locale: str) -> list[Finding]:
    findings: list[Finding] = []
    row_scales: dict[int, set[int]] = {}
    for index, row in enumerate(rows):
        findings += _code_findings(section, index, row, nomenclature)
        findings += _group_findings(section, index, row, nomenclature, locale)
        findings += _occupancy_findings(section, index, row)
        budget, scales = _budget_findings(section, index, row)
        findings += budget
        row_scales[index] = scales
        if _is_blank(row.get("capacity")) or not any((row.get("beneficiary_category") or {}).values()):
            findings.append(_finding(Severity.ERROR, _("Give the number of beneficiaries and their category."),
                                     f"{section}/{index}/capacity", "ro.beneficiaries"))
        if not row.get("budget"):
            findings.append(_finding(Severity.ERROR, _("Give the estimated budget by funding source."),
                                     f"{section}/{index}/budget_local", "ro.budget-missing"))
        if section == "proposed-services" and not any(((row.get("extra") or {}).get("justification") or {}).values()):
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
    """Years ``text`` names that are not the plan's, leaving out what is not a planning year:
    act numbers ('Legea 292/2011'), dated documents ('HCL nr. 273/27.09.2018') and periods that
    include the plan year ('2018-2023')."""
    skip: set[int] = set()
    for match in RANGE.finditer(text):
        if int(match.group(1)) <= plan_year <= int(match.group(2)):
            skip.update((match.start(1), match.start(2)))
    found: list[int] = []
    for match in YEAR.finditer(text):
        year, before = int(match.group(1)), text[: match.start()]
        if year == plan_year or match.start() in skip or ACT_NUMBER.search(before):
            continue
        date = DATE_PREFIX.search(before)
        if date and "nr" in before[max(0, date.start() - DOCUMENT_REACH): date.start()].lower():
            continue
        if year not in found:
            found.append(year)
    return found


def _texts(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every string in a row value with the row key it belongs to."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            # A translatable dict ({"ro": ..}) belongs to its own key; other dicts (extra) name theirs.
            yield from _texts(item, path if _is_translation(value) else key)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item, path)


def _is_translation(value: dict) -> bool:
    return all(isinstance(k, str) and 2 <= len(k) <= 5 and isinstance(v, str) for k, v in value.items())


def _year_finding(field: str, years: list[int], plan_year: int) -> Finding:
    return _finding(Severity.WARNING,
                    _("This text names %(years)s, but the plan is for %(year)s.",
                      years=", ".join(map(str, years)), year=plan_year), field, "ro.other-year")


_NOT_TEXT = {"code", "status", "source", "currency", "level", "kind", "frequency", "ref", "amount", "capacity",
             "occupancy", "floor_space", "staff_total", "persons", "budget", "year", "scale", "uid"}


def _year_findings(sections: dict[str, Any], plan_year: int) -> list[Finding]:
    findings = []
    for key, content in sections.items():
        for part in ("text", "footnote"):
            years = sorted({y for text in (content.get(part) or {}).values() for y in other_years(text, plan_year)})
            if years:
                findings.append(_year_finding(f"{key}/{part}", years, plan_year))
        for index, row in enumerate(content.get("rows") or []):
            by_field: dict[str, set[int]] = {}
            for name, value in row.items():
                if name in ("period", "frequency") and isinstance(value, dict):
                    years = {y for y in period_years(value) if y != plan_year}
                    if years:
                        by_field.setdefault(name, set()).update(years)
                    continue
                for field, text in _texts(value, name):
                    if field in _NOT_TEXT:
                        continue
                    years = other_years(text, plan_year)
                    if years:
                        by_field.setdefault(field, set()).update(years)
            findings += [_year_finding(f"{key}/{index}/{field}", sorted(years), plan_year)
                         for field, years in by_field.items()]
    return findings


# --- sections -----------------------------------------------------------------------------------


def _not_applicable_findings(sections: dict[str, Any]) -> list[Finding]:
    return [
        _finding(Severity.WARNING, _("Say why the section does not apply, citing the law."), f"{key}/text",
                 "ro.not-applicable-text")
        for key, content in sections.items()
        if content.get("not_applicable") and not any((content.get("text") or {}).values())
    ]


def _rows_required(sections: dict[str, Any]) -> list[Finding]:
    """Services and their budgets are what the plan is for: an intro text does not stand in for rows
    (core's required-section check counts any text)."""
    findings = []
    for key in SERVICE_SECTIONS:
        content = sections.get(key) or {}
        if not content.get("rows") and not content.get("not_applicable") and any((content.get("text") or {}).values()):
            findings.append(_finding(Severity.ERROR, _("Add at least one row, or mark the section as not applicable."),
                                     key, "ro.rows-required"))
    return findings


def validate(document: dict[str, Any], context: ValidationContext | None = None) -> list[Finding]:
    """Every finding of the action plan's rules on ``document`` (the interchange format)."""
    if document.get("kind") != PLAN_KIND:
        return []
    nomenclature = context.nomenclature if context and isinstance(context.nomenclature, RomanianNomenclature) \
        else load_nomenclature()
    locale = context.locale if context else "ro"
    sections = document.get("sections") or {}
    findings: list[Finding] = []
    for key in SERVICE_SECTIONS:
        rows = (sections.get(key) or {}).get("rows") or []
        findings += _service_findings(key, rows, nomenclature, locale)
    for key in TRAINING_SECTIONS:
        findings += _training_findings(key, (sections.get(key) or {}).get("rows") or [])
    for key in CAMPAIGN_SECTIONS:
        for index, row in enumerate((sections.get(key) or {}).get("rows") or []):
            if not any((row.get("objectives") or {}).values()):
                findings.append(_finding(Severity.ERROR, _("Give the campaign's objectives."),
                                         f"{key}/{index}/objectives", "ro.campaign-objectives"))
    findings += _not_applicable_findings(sections)
    findings += _rows_required(sections)
    findings += _year_findings(sections, int(document.get("year") or 0))
    return [replace(finding, path=json_path(document, finding.field)) for finding in findings]


# Row keys of findings that are form fields, mapped back to where the value sits in the row.
_BUDGET_PREFIX = "budget_"


def json_path(document: dict[str, Any], field: str) -> str:
    """A finding's field ('existing-services/2/budget_local') as the JSON path of the value."""
    parts = field.split("/")
    if not parts or not parts[0]:
        return "$"
    path = f"$.sections.{parts[0]}"
    if len(parts) == 2:
        return f"{path}.{parts[1]}"
    if len(parts) < 3 or not parts[1].isdigit():
        return path
    index, key = int(parts[1]), parts[2]
    path += f".rows[{index}]"
    if key.startswith(_BUDGET_PREFIX) and key != "budget_unit":
        source = key[len(_BUDGET_PREFIX):]
        row = document["sections"][parts[0]]["rows"][index]
        lines = row.get("budget") or []
        position = next((i for i, line in enumerate(lines) if line.get("source") == source), None)
        return f"{path}.budget[{position}].amount" if position is not None else f"{path}.budget"
    if key in ("justification", "building_capacity", "floor_space", "staff_total", "staff_roles"):
        return f"{path}.extra.{key}"
    return f"{path}.{key}"
