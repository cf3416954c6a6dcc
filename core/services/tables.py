"""Plan tables as spreadsheets: every section with rows to CSV and XLSX, and back from XLSX.

A table holds the same data as the section's rows in the plan document, one spreadsheet row per
document row. Its columns are the section's own columns (``SectionSpec.columns``) first, then the
row type's other fields and any ``extra`` facts the rows carry, so nothing is lost on the way out
and back in. Translatable fields get one column per language (``Name (ro)``); a service section
gets one amount column per year and funding source (``Local budget 2021 (thousand RON)``).

Values are data, not display text: numbers are numeric cells (Decimal in, numeric cell out),
dates are ISO dates, a campaign's period is written in a small language-neutral notation
(:func:`period_to_text`). Importing reads the same columns (headers in any language socialplan
speaks), checks every cell and every row, and returns the rows or a list of errors, never a mix.
Numeric cells are read as the numbers they are; a number typed into a text cell (or a CSV) is read
the way the person importing writes numbers (their page's language: ro '1.486,5', en '1,486.5'),
since it is they who typed or pasted it. Amounts with more decimals than the currency has are
refused, never rounded.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from core.i18n import (
    LOCALES,
    AmountError,
    NumberError,
    check_amount,
    current_locale,
    decimal_from_cell,
    locale_display_name,
    parse_decimal,
    parse_money,
)
from core.interchange import decimal_to_json, document_decimal, normalise_code, row_validator, value_at
from core.periods import RECURRENCES, period_text
from core.plugin_api import PlanKind, RowType, SectionSpec
from core.plugin_manager import Registry
from core.rows import ROW_SPECS, SERVICE
from core.text import clean_text, cleaned

# Row types whose sections can be imported from a spreadsheet.
IMPORTABLE = (RowType.SERVICE, RowType.CAMPAIGN)
NUMERIC_KINDS = ("decimal", "money", "percent")
SCALE_WORDS = {1: None, 1000: _l("thousand"), 1000000: _l("million")}
# Budget columns recognised on import: this many years either side of the plan's year.
BUDGET_YEAR_SPAN = 10

# The fields of each row type, in the order a table shows them: (key, heading, kind), from core.rows (a service's
# budget and extra facts get columns of their own, below).
ROW_FIELDS: dict[RowType, tuple[tuple[str, Any, str], ...]] = {
    row_type: tuple((f.name, f.header, f.exported_as) for f in spec.fields if f.kind not in ("object", "budget"))
    for row_type, spec in ROW_SPECS.items()
} | {RowType.ENTRY: ()}
# A spreadsheet says a service's status in words (the same as the row form's); either a code or these words in any
# language read back.
STATUS_WORDS = {choice.code: choice.label for choice in SERVICE.field("status").choices}
STATUSES = tuple(STATUS_WORDS)


def _status_codes() -> dict[str, str]:
    """Every way a status is written (its code, its word in each language), casefolded, to its code."""
    codes = {code: code for code in STATUS_WORDS}
    for locale in LOCALES:
        with force_locale(locale):
            codes.update({str(word).casefold(): code for code, word in STATUS_WORDS.items()})
    return codes


def status_from_cell(value: Any) -> str:
    """'Existing', 'Existent', 'existing' -> 'existing'; anything else is the cell's error, in words."""
    code = _status_codes().get(str(value).strip().casefold())
    if code is not None:
        return code
    raise ValueError(_("The status must be “%(existing)s” or “%(proposed)s”.", existing=str(STATUS_WORDS["existing"]),
                       proposed=str(STATUS_WORDS["proposed"])))


class TableImportError(ValueError):
    """The spreadsheet as a whole cannot be read (not an XLSX file, no header row)."""


@dataclass(frozen=True)
class TableColumn:
    """One column of a table: which value of a row it holds, and how."""

    key: str  # a field of the row ('name', 'extra.floor_space'); 'budget' for amount columns
    label: str  # the header, translated into the current locale
    kind: str  # text | status | int | decimal | money | percent | date | bool | translated | period | json | amount
    locale: str = ""  # translated columns: the language of the value
    year: int = 0  # amount columns: the budget line's year, funding source and scale
    source: str = ""
    scale: int = 1


@dataclass(frozen=True)
class CellError:
    """One refused cell (or row, when ``column`` is empty); ``row`` is the spreadsheet's row number."""

    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    rows: list[dict[str, Any]]
    errors: list[CellError]

    @property
    def ok(self) -> bool:
        return not self.errors


# --- columns -----------------------------------------------------------------------------------


def _field_kinds(row_type: RowType) -> dict[str, tuple[Any, str]]:
    return {key: (label, kind) for key, label, kind in ROW_FIELDS[row_type]}


def _translated_keys(row_type: RowType) -> list[str]:
    return [key for key, _label, kind in ROW_FIELDS[row_type] if kind == "translated"]


def section_locales(rows: list[dict[str, Any]], row_type: RowType, default_locale: str) -> list[str]:
    """The languages a table has columns for: the municipality's own, then every one the rows use."""
    used = {default_locale}
    for row in rows:
        for key in _translated_keys(row_type):
            used.update(locale for locale, text in (row.get(key) or {}).items() if text)
    ordered = [default_locale] + [locale for locale in LOCALES if locale in used and locale != default_locale]
    return ordered + sorted(used - set(ordered))


def scale_label(scale: int, currency: str) -> str:
    """The unit of amounts at ``scale``: 'RON', 'thousand RON'."""
    word = SCALE_WORDS.get(scale)
    return f"{word} {currency}" if word else currency


def budget_label(source_name: Any, year: int, scale: int, currency: str) -> str:
    return _("%(source)s %(year)s (%(unit)s)", source=str(source_name), year=year,
             unit=scale_label(scale, currency))


def _budget_layout(rows: list[dict[str, Any]], plan_year: int, sources: list[Any]) -> tuple[list[tuple[int, str]], int]:
    """The (year, source) pairs with a column, and the one scale all amount columns use."""
    lines = [line for row in rows for line in row.get("budget") or []]
    scales = {int(line.get("scale") or 1) for line in lines}
    scale = scales.pop() if len(scales) == 1 else 1
    order = {source.code: index for index, source in enumerate(sources)}
    pairs = {(plan_year, source.code) for source in sources}
    pairs |= {(int(line.get("year") or plan_year), line["source"]) for line in lines}
    return sorted(pairs, key=lambda p: (p[0], order.get(p[1], len(order)), p[1])), scale


def _all_translated(rows: list[dict[str, Any]], key: str) -> bool:
    """Whether every value of ``key`` the rows hold is a text per language ({'ro': ...})."""
    values = [value for row in rows if (value := value_at(row, key)) not in (None, "", {})]
    return bool(values) and all(isinstance(v, dict) and set(v) <= set(LOCALES) for v in values)


def _column_for(key: str, label: Any, kind: str, locales: Sequence[str], row_type: RowType) -> list[TableColumn]:
    standard = _field_kinds(row_type).get(key)
    kind = standard[1] if standard else kind  # the document fixes the type of its own fields
    if kind == "translated":
        return [TableColumn(key, language_label(label, locale), "translated", locale) for locale in locales]
    return [TableColumn(key, str(label), kind)]


def row_key(row_type: RowType, key: str) -> str:
    """Where the value of a section's column ``key`` is in a row: a plugin's own fact of a service lives in its
    ``extra`` ('floor_space' -> 'extra.floor_space'); every other key is the row's own. A table export and the
    editor's section table both read a column's value through it (and :func:`budget_source`)."""
    if row_type is RowType.SERVICE and key not in _field_kinds(RowType.SERVICE) \
            and not key.startswith("extra.") and not budget_source(row_type, key):
        return f"extra.{key}"
    return key


def budget_source(row_type: RowType, key: str) -> str:
    """The funding source a service section's column ``budget_<source>`` names ('budget_local' -> 'local'), or ''."""
    return key.removeprefix("budget_") if row_type is RowType.SERVICE and key.startswith("budget_") else ""


def source_amount(row: dict[str, Any], source: str, year: int, scale: int = 1, currency: str = "") -> Decimal | None:
    """What a service row budgets from ``source`` in ``year``, in units of ``scale`` (1: lei, not thousand lei);
    given ``currency``, lines in another currency are left out as the totals leave them out. None: no line."""
    amounts = [
        amount * int(line.get("scale") or 1) / scale
        for line in row.get("budget") or []
        if line.get("source") == source and int(line.get("year") or year) == year
        and (not currency or (line.get("currency") or currency) == currency)
        and (amount := document_decimal(line.get("amount"))) is not None
    ]
    return _plain(sum(amounts, Decimal(0))) if amounts else None


def column_value(row: dict[str, Any], key: str, row_type: RowType, year: int, currency: str) -> Any:
    """The value a section's column ``key`` shows for ``row`` (the plan's ``year`` and ``currency``): a source's
    amount in the plan's year for ``budget_<source>``, a plugin's fact from ``extra``, else the row's field."""
    source = budget_source(row_type, key)
    if source:
        return source_amount(row, source, year, currency=currency)
    return value_at(row, row_key(row_type, key))


def table_columns(spec: SectionSpec, rows: list[dict[str, Any]], locales: Sequence[str], plan_year: int,
                  currency: str, sources: list[Any]) -> list[TableColumn]:
    """Every column of the section's table, labelled in the current locale."""
    columns: list[TableColumn] = []
    seen: set[str] = set()
    service = spec.row_type is RowType.SERVICE

    def add(key: str, label: Any, kind: str) -> None:
        if service and (key == "budget" or budget_source(spec.row_type, key)):
            return  # the amount columns per year and funding source hold the budget
        key = row_key(spec.row_type, key)
        if key in seen:
            return
        seen.add(key)
        if key.startswith("extra.") and _all_translated(rows, key):
            kind = "translated"  # a plugin's own text in several languages: one column per language, as a name's
        columns.extend(_column_for(key, label, kind, locales, spec.row_type))

    for column in spec.columns:
        add(column.key, column.label, column.kind)
    for key, label, kind in ROW_FIELDS[spec.row_type]:
        add(key, label, kind)
    if spec.row_type is RowType.ENTRY:
        for key in sorted({key for row in rows for key in row}):
            add(key, key, "json")
    else:
        for key in sorted({key for row in rows for key in (row.get("extra") or {})}):
            add(f"extra.{key}", key.replace("_", " ").capitalize(), "json")  # a fact no column of the section names
    if spec.row_type is RowType.CAMPAIGN:
        label = _field_kinds(RowType.CAMPAIGN)["period"][0]
        used = {locale for row in rows for locale, text in ((row.get("period") or {}).get("text") or {}).items()
                if text and (row.get("period") or {}).get("kind") == "dates"}
        # every language a named date is written in, even one no other text of the table uses
        others = [*locales[1:], *sorted(used - set(locales))]
        columns += [period_text_column(label, locale) for locale in others if locale in used]
    if service:
        pairs, scale = _budget_layout(rows, plan_year, sources)
        names = {source.code: source.name for source in sources}
        for year, code in pairs:
            label = budget_label(names.get(code, code), year, scale, currency)
            columns.append(TableColumn("budget", label, "amount", year=year, source=code, scale=scale))
        lines = [line for row in rows for line in row.get("budget") or []]
        notes = {(int(line.get("year") or plan_year), line["source"], locale)
                 for line in lines for locale, text in (line.get("note") or {}).items() if text}
        for year, code in pairs:
            columns += [note_column(names.get(code, code), year, code, locale)
                        for locale in locales if (year, code, locale) in notes]
    return columns


def language_label(label: Any, locale: str) -> str:
    """'Name (Română)': a heading of one language's text names the language in its own words, not its code."""
    return f"{label} ({locale_display_name(locale)})"


def period_text_column(label: Any, locale: str) -> TableColumn:
    """Named dates in another language than the municipality's (the Period column holds its own)."""
    return TableColumn("period.text", language_label(label, locale), "period_text", locale)


def note_column(source_name: Any, year: int, source: str, locale: str) -> TableColumn:
    label = _("%(source)s %(year)s: note (%(locale)s)", source=str(source_name), year=year,
              locale=locale_display_name(locale))
    return TableColumn("budget", label, "amount_note", locale, year, source)


# --- values out --------------------------------------------------------------------------------


def period_to_text(period: dict[str, Any] | None, default_locale: str = "") -> str:
    """A campaign's period in a notation that reads the same in every language.

    ``2021-06-01/2021-06-30`` (a range, ISO 8601), ``6`` or ``2021-06`` (a month), ``7, 8`` (months); a
    half-year, a recurrence and a permanent period in the reader's words ('Semestrul I 2022', 'Quarterly',
    'Löpande', as :func:`core.periods.period_text` says them); anything else is named dates, kept as text.
    """
    if not period:
        return ""
    kind = period.get("kind")
    year = period.get("year")

    def month(number: Any) -> str:
        return f"{year}-{int(number):02d}" if year else str(int(number))

    if kind == "range":
        start, end = period.get("start", ""), period.get("end", "")
        return start if start == end else f"{start}/{end}"
    if kind == "month":
        return month(period["month"])
    if kind == "months":
        return ", ".join(month(m) for m in period.get("months") or [])
    if kind in ("half-year", "recurrence", "permanent"):
        return period_text(period)  # in words, read back in any language (period_from_text)
    text = period.get("text") or {}
    return text.get(default_locale) or next((v for v in text.values() if v), "")


def _plain(number: Decimal) -> Decimal:
    """1500.00 -> 1500 and 1.5E+3 -> 1500: the shortest exact value, without an exponent."""
    return Decimal(format(number.normalize(), "f"))


def _cell_out(row: dict[str, Any], column: TableColumn, default_locale: str) -> Any:
    if column.kind == "amount":
        return source_amount(row, column.source, column.year, column.scale)
    if column.kind == "amount_note":
        notes = [(line.get("note") or {}).get(column.locale) for line in row.get("budget") or []
                 if line.get("source") == column.source and int(line.get("year") or column.year) == column.year]
        return "; ".join(note for note in notes if note) or None
    value = value_at(row, column.key)
    if column.kind == "period_text":
        return (value or {}).get(column.locale) or None if (row.get("period") or {}).get("kind") == "dates" else None
    if column.kind == "translated":
        return (value or {}).get(column.locale) or None if isinstance(value, dict) else value or None
    if column.kind == "period":
        return period_to_text(value, default_locale) or None
    if value in (None, "", {}, []):
        return None
    if column.kind in NUMERIC_KINDS:
        number = document_decimal(value)
        return _plain(number) if number is not None else str(value)
    if column.kind == "int":
        return int(value) if isinstance(value, int) or str(value).lstrip("-").isdigit() else str(value)
    if column.kind == "bool":
        return bool(value)
    if column.kind == "status":
        return str(STATUS_WORDS[value]) if value in STATUS_WORDS else value
    if column.kind == "date":
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            return str(value)
    if isinstance(value, dict) and "kind" in value:
        return period_text(value) or None  # a plugin's period (a meeting's frequency), in words
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value


def section_to_table(document: dict[str, Any], plan_kind: PlanKind, section: str, registry: Registry,
                     choices: Mapping[str, Mapping[str, Any]] | None = None) -> tuple[list[str], list[list[Any]]]:
    """The header (translated labels) and the rows (typed values) of one section of a plan document.

    ``choices`` names the codes of chosen values by column key (an objective's level 'strategic', a training's
    kind, as the section's forms offer them): the table says their words in the current locale, and
    :func:`rows_from_cells` reads those words back, in any language."""
    spec = plan_kind.section(section)
    if spec is None or spec.row_type is RowType.TEXT:
        raise KeyError(section)
    columns, rows = _columns_of(document, plan_kind, spec, registry)
    default_locale = document["municipality"]["default_locale"]
    table = [[_cell_out(row, c, default_locale) for c in columns] for row in rows]
    for index, column in enumerate(columns):
        labels = (choices or {}).get(column.key) if column.kind == "text" else None
        for values in table if labels else ():
            if values[index] is not None and str(values[index]) in labels:
                values[index] = str(labels[str(values[index])])
    return [c.label for c in columns], table


def _choice_codes(choices: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, str]]:
    """Every way a chosen value is written (its code, its words in each language), casefolded, to its code."""
    codes: dict[str, dict[str, str]] = {key: {str(code).casefold(): str(code) for code in labels}
                                        for key, labels in choices.items()}
    for locale in LOCALES:
        with force_locale(locale):
            for key, labels in choices.items():
                codes[key].update({str(label).strip().casefold(): str(code) for code, label in labels.items()
                                   if str(label).strip()})
    return codes


def _columns_of(document: dict[str, Any], plan_kind: PlanKind, spec: SectionSpec,
                registry: Registry) -> tuple[list[TableColumn], list[dict[str, Any]]]:
    rows = (document["sections"].get(spec.key) or {}).get("rows") or []
    municipality = document["municipality"]
    locales = section_locales(rows, spec.row_type, municipality["default_locale"])
    sources = registry.funding_sources(plan_kind.jurisdiction)
    return table_columns(spec, rows, locales, document["year"], municipality["currency"], sources), rows


def table_sections(plan_kind: PlanKind) -> list[SectionSpec]:
    """The sections that have a table (every section with rows)."""
    return [spec for spec in plan_kind.sections if spec.row_type is not RowType.TEXT]


# --- writers -----------------------------------------------------------------------------------

# Text that a spreadsheet would run as a formula (CSV injection); prefixed with an apostrophe in CSV.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return decimal_to_json(value) or ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    text = clean_text(str(value))  # what was stored before the rule for text, too
    return "'" + text if isinstance(value, str) and text.startswith(FORMULA_START) else text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """CSV with '.' decimals, in UTF-8 with a BOM so that Excel reads ș ț ä ö as they are."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([clean_text(str(label)) for label in header])
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def _number_format(value: Decimal) -> str:
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return "#,##0" if places == 0 else "#,##0." + "0" * max(places, 2)


def to_xlsx(header: Sequence[str], rows: Iterable[Sequence[Any]], sheet_title: str = "table") -> bytes:
    """An XLSX workbook: a bold, frozen header row, then numbers as numeric cells, dates as dates."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = re.sub(r"[\[\]:*?/\\]", "-", sheet_title)[:31] or "table"
    sheet.append([cleaned(label) for label in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    widths = [len(str(label)) for label in header]
    for row in rows:
        row = [cleaned(value) for value in row]  # XLSX (XML) cannot hold control characters: what was stored before
        sheet.append(row)
        for index, cell in enumerate(sheet[sheet.max_row]):
            value = row[index]
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text, never a formula
            elif isinstance(value, Decimal):
                cell.number_format = _number_format(value)
            elif isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            widths[index] = max(widths[index], min(60, len(str(value or ""))))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width + 2
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- reading back ------------------------------------------------------------------------------


MONTH = re.compile(r"^(?:(\d{4})-)?(\d{1,2})$")


def _period_words() -> dict[str, dict[str, Any]]:
    """Every language's words for a recurrence, a half-year and a permanent period, casefolded, to the period."""
    words: dict[str, dict[str, Any]] = {}
    for locale in LOCALES:
        with force_locale(locale):
            halves = [{"kind": "half-year", "half": 1}, {"kind": "half-year", "half": 2}]
            for period in [{"kind": "recurrence", "every": every} for every in RECURRENCES] + halves \
                    + [{"kind": "permanent"}]:
                words.setdefault(period_text(period).casefold(), period)
    return words


def period_from_text(text: str, default_locale: str) -> dict[str, Any]:
    """The inverse of :func:`period_to_text`; raises ValueError for a malformed date or month."""
    text = text.strip()
    if not text:
        return {}
    lowered = text.lower()
    if lowered in RECURRENCES:  # the notation of earlier exports
        return {"kind": "recurrence", "every": lowered}
    if lowered in ("h1", "h2"):
        return {"kind": "half-year", "half": int(lowered[1])}
    words, year = _period_words(), re.match(r"^(.*?)\s+(\d{4})$", text)
    if " ".join(text.split()).casefold() in words:
        return dict(words[" ".join(text.split()).casefold()])
    if year and words.get(" ".join(year.group(1).split()).casefold(), {}).get("kind") == "half-year":
        return {**words[" ".join(year.group(1).split()).casefold()], "year": int(year.group(2))}
    if re.match(r"^\d{4}-\d{2}-\d{2}(/\d{4}-\d{2}-\d{2})?$", text):
        start, _sep, end = text.partition("/")
        end = end or start
        if dt.date.fromisoformat(start) > dt.date.fromisoformat(end):
            raise ValueError(text)
        return {"kind": "range", "start": start, "end": end}
    parts = [part.strip() for part in text.split(",")]
    matches = [MONTH.match(part) for part in parts]
    if all(matches):
        years = {m.group(1) for m in matches}
        months = [int(m.group(2)) for m in matches]
        if len(years) != 1 or not all(1 <= month <= 12 for month in months):
            raise ValueError(text)
        period: dict[str, Any] = {"kind": "month", "month": months[0]} if len(months) == 1 else {
            "kind": "months", "months": months}
        year = years.pop()
        if year:
            period["year"] = int(year)
        return period
    return {"kind": "dates", "text": {default_locale: text}}


@dataclass
class _ImportContext:
    spec: SectionSpec
    plan_year: int
    currency: str
    default_locale: str
    nomenclature: Any
    by_label: dict[str, TableColumn]
    locale: str  # how the person importing writes numbers: text cells are read that way
    choices: dict[str, dict[str, str]] = field(default_factory=dict)  # key -> written form -> code


def _normal(label: Any) -> str:
    return " ".join(str(label).split()).casefold()


def _candidate_columns(document: dict[str, Any], plan_kind: PlanKind, spec: SectionSpec,
                       registry: Registry) -> dict[str, TableColumn]:
    """Every header an import recognises, in every language, for every year and scale nearby."""
    rows = (document["sections"].get(spec.key) or {}).get("rows") or []
    year, currency = document["year"], document["municipality"]["currency"]
    sources = registry.funding_sources(plan_kind.jurisdiction)
    found: dict[str, TableColumn] = {}
    for locale in LOCALES:
        with force_locale(locale):
            for column in table_columns(spec, rows, list(LOCALES), year, currency, sources):
                found.setdefault(_normal(column.label), column)
            for source in sources:
                for budget_year in range(year - BUDGET_YEAR_SPAN, year + BUDGET_YEAR_SPAN + 1):
                    for scale in SCALE_WORDS:
                        label = budget_label(source.name, budget_year, scale, currency)
                        found.setdefault(_normal(label), TableColumn("budget", label, "amount", year=budget_year,
                                                                     source=source.code, scale=scale))
                    for note_locale in LOCALES:
                        column = note_column(source.name, budget_year, source.code, note_locale)
                        found.setdefault(_normal(column.label), column)
            if spec.row_type is RowType.CAMPAIGN:
                for text_locale in LOCALES:
                    column = period_text_column(_field_kinds(RowType.CAMPAIGN)["period"][0], text_locale)
                    found.setdefault(_normal(column.label), column)
    return found


def _with_language_name(heading: str) -> str:
    """'Name (ro)', as earlier exports wrote a language, -> 'Name (Română)'."""
    found = re.fullmatch(r"(.*)\((\w\w)\)\s*", heading)
    return f"{found.group(1)}({locale_display_name(found.group(2))})" if found and found.group(2) in LOCALES \
        else heading


def _match_header(header: Sequence[Any], ctx: _ImportContext) -> tuple[list[TableColumn | None], list[CellError]]:
    columns: list[TableColumn | None] = []
    errors: list[CellError] = []
    seen: set[tuple[str, str, int, str]] = set()
    for index, cell in enumerate(header):
        letter = get_column_letter(index + 1)
        if cell in (None, ""):
            columns.append(None)
            continue
        column = ctx.by_label.get(_normal(cell)) or ctx.by_label.get(_normal(_with_language_name(str(cell))))
        if column is None and str(cell).startswith("extra.") and ctx.spec.row_type is not RowType.ENTRY:
            column = TableColumn(str(cell).strip(), str(cell).strip(), "json")
        if column is None:
            errors.append(CellError(1, letter, _("The column '%(label)s' is not a column of this table.",
                                                 label=cell)))
        else:
            identity = (column.key, column.locale, column.year, column.source)
            if identity in seen:
                errors.append(CellError(1, letter, _("The column '%(label)s' appears twice.", label=cell)))
            seen.add(identity)
        columns.append(column)
    return columns, errors


def _cell_in(value: Any, column: TableColumn, ctx: _ImportContext) -> Any:
    """The document value of one cell; raises ValueError with a translated message."""
    if isinstance(value, str):
        value = clean_text(value).strip()
    if value in (None, ""):
        return None
    kind = column.kind
    if kind in NUMERIC_KINDS or kind == "amount":
        number = _number_in(value, kind, ctx)
        if kind == "amount":
            if number < 0:
                raise ValueError(_("An amount cannot be negative."))
            try:
                check_amount(number, ctx.currency)
            except AmountError as error:
                raise ValueError(error.message) from None
        return number
    if kind == "int":
        number = _number_in(value, kind, ctx)
        if number != number.to_integral_value():
            raise ValueError(_("'%(value)s' is not a whole number.", value=value))
        return int(number)
    if kind == "bool":
        text = str(value).lower()
        if isinstance(value, bool) or text in ("true", "false", "1", "0"):
            return value if isinstance(value, bool) else text in ("true", "1")
        raise ValueError(_("Write true or false."))
    if kind == "date":
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        try:
            return dt.date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise ValueError(_("'%(value)s' is not a date (YYYY-MM-DD).", value=value)) from None
    if kind == "period":
        if isinstance(value, dt.datetime):
            value = value.date().isoformat()
        try:
            return period_from_text(str(value), ctx.default_locale)
        except ValueError:
            raise ValueError(_("'%(value)s' is not a period: write 2021-06-01/2021-06-30, 6, 7, 8, H1 or "
                               "monthly.", value=value)) from None
    if kind == "status":
        return status_from_cell(value)
    if kind == "text" and column.key in ctx.choices:  # a chosen code, or its words in any language
        return ctx.choices[column.key].get(str(value).strip().casefold(), str(value))
    if (kind == "json" or column.key.startswith("extra.")) and isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    if isinstance(value, float):
        return decimal_to_json(decimal_from_cell(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value) if kind in ("text", "translated", "period_text", "amount_note") else value


def _number_in(value: Any, kind: str, ctx: _ImportContext) -> Decimal:
    """A numeric cell as it is; a text cell as the importing person writes numbers (amounts also with
    the currency as pages print it). Raises ValueError with a translated message that shows how."""
    if isinstance(value, str):
        try:
            if kind in ("amount", "money"):
                return parse_money(value, ctx.currency, ctx.locale)
            return parse_decimal(value, ctx.locale)
        except NumberError as error:
            raise ValueError(error.message) from None
    try:
        return decimal_from_cell(value)
    except ValueError:
        raise ValueError(_("'%(value)s' is not a number.", value=value)) from None


def _store(row: dict[str, Any], column: TableColumn, value: Any, ctx: _ImportContext) -> None:
    if value is not None and column.kind == "amount_note":
        row.setdefault("_notes", {}).setdefault((column.year, column.source), {})[column.locale] = str(value)
        return
    if value is not None and column.kind == "period_text":
        period = row.get("period") or {}
        if period and period.get("kind") != "dates":
            raise ValueError(_("A period in another language must be named dates, like the Period column."))
        row["period"] = {"kind": "dates", "text": {**(period.get("text") or {}), column.locale: str(value)}}
        return
    target = row
    *parents, last = column.key.split(".")
    for part in parents:
        target = target.setdefault(part, {})
    if column.kind == "translated":
        if value is not None:
            target.setdefault(last, {})[column.locale] = str(value)
        return
    if column.kind == "amount":
        if value is not None:
            row.setdefault("budget", []).append({
                "year": column.year, "source": column.source, "amount": decimal_to_json(value),
                "currency": ctx.currency, "scale": column.scale, "note": {},
            })
        return
    if isinstance(value, Decimal):
        value = decimal_to_json(value)
    if value is not None:
        target[last] = value


# The value of each kind of field in a row where nothing is filled in (core.rows); a new object for each row.
EMPTY_VALUES: dict[str, Any] = {"translated": dict, "period": dict, "object": dict, "budget": list, "text": str,
                                "bool": bool}


def _empty_row(row_type: RowType) -> dict[str, Any]:
    """A row as the document holds it when nothing is filled in: the shape export gives back (translatable
    fields first, as a table lists them)."""
    spec = ROW_SPECS[row_type]
    fields = sorted(spec.fields, key=lambda f: f.kind != "translated")
    return {f.name: f.default if f.kind == "enum" else EMPTY_VALUES.get(f.kind, lambda: None)() for f in fields}


def _row_from_cells(cells: Sequence[Any], columns: list[TableColumn | None], number: int,
                    ctx: _ImportContext) -> tuple[dict[str, Any], list[CellError]]:
    row = _empty_row(ctx.spec.row_type)
    errors: list[CellError] = []
    for index, column in enumerate(columns):
        if column is None:
            continue
        value = cells[index] if index < len(cells) else None
        try:
            _store(row, column, _cell_in(value, column, ctx), ctx)
        except ValueError as error:
            errors.append(CellError(number, f"{get_column_letter(index + 1)} ({column.label})", str(error)))
    errors += _attach_notes(row, number)
    code_column = next((f"{get_column_letter(i + 1)} ({c.label})" for i, c in enumerate(columns)
                        if c is not None and c.key == "code"), "")
    return row, errors + _check_row(row, number, ctx, code_column, bool(errors))


def _attach_notes(row: dict[str, Any], number: int) -> list[CellError]:
    notes = row.pop("_notes", {})
    for line in row.get("budget") or []:
        line["note"] = notes.pop((line["year"], line["source"]), {})
    return [CellError(number, "", _("A budget note needs an amount of the same year and source.")) for _n in notes]


def _check_row(row: dict[str, Any], number: int, ctx: _ImportContext, code_column: str,
               cells_refused: bool) -> list[CellError]:
    errors = []
    if ctx.spec.row_type is RowType.SERVICE:
        code = row.get("code") or ""
        if code and ctx.nomenclature is not None and ctx.nomenclature.lookup(code) is None:
            errors.append(CellError(number, code_column, _("'%(code)s' is not a code of the nomenclature.",
                                                           code=code)))
        if not code and not any((row.get("name") or {}).values()):
            errors.append(CellError(number, "", _("A service needs a code or a name.")))
        normalise_code(row, ctx.nomenclature)  # as the form and the plan import write it
    validator = row_validator(ctx.spec.row_type)
    if validator is not None and not errors and not cells_refused:
        error = next(iter(validator.iter_errors(row)), None)
        if error is not None:
            where = ".".join(str(part) for part in error.absolute_path)
            errors.append(CellError(number, where, error.message))
    return errors


def rows_from_cells(header: Sequence[Any], data: Iterable[Sequence[Any]], document: dict[str, Any],
                    plan_kind: PlanKind, section: str, registry: Registry, locale: str | None = None,
                    choices: Mapping[str, Mapping[str, Any]] | None = None) -> ImportResult:
    """Rows of ``section`` from a header and data rows (the first data row is spreadsheet row 2).

    ``locale`` is how numbers typed as text are read: the importing person's (default: the current
    locale, which in a request is the user's page language). ``choices`` as :func:`section_to_table`
    writes them: a chosen value's code or its words in any language.
    """
    spec = plan_kind.section(section)
    if spec is None or spec.row_type not in IMPORTABLE:
        raise TableImportError(_("This table cannot be imported."))
    ctx = _ImportContext(spec, document["year"], document["municipality"]["currency"],
                         document["municipality"]["default_locale"],
                         registry.nomenclature(plan_kind.jurisdiction),
                         _candidate_columns(document, plan_kind, spec, registry), locale or current_locale(),
                         _choice_codes(choices or {}))
    columns, errors = _match_header(header, ctx)
    rows: list[dict[str, Any]] = []
    if errors:
        return ImportResult([], errors)
    for number, cells in enumerate(data, start=2):
        if all(value in (None, "") or (isinstance(value, str) and not value.strip()) for value in cells):
            continue
        row, row_errors = _row_from_cells(cells, columns, number, ctx)
        rows.append(row)
        errors += row_errors
    return ImportResult([] if errors else rows, errors)


def read_xlsx(data: bytes) -> tuple[list[Any], list[list[Any]]]:
    """The header and data rows of a workbook's first sheet."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise TableImportError(_("The file is not an Excel workbook (.xlsx).")) from None
    try:
        values = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()
    if not values or all(value in (None, "") for value in values[0]):
        raise TableImportError(_("The first row of the sheet must hold the column headers."))
    return values[0], values[1:]


def rows_from_xlsx(data: bytes, document: dict[str, Any], plan_kind: PlanKind, section: str,
                   registry: Registry, locale: str | None = None,
                   choices: Mapping[str, Mapping[str, Any]] | None = None) -> ImportResult:
    """The rows of an uploaded XLSX file, or the errors of every refused cell and row; text cells
    holding numbers are read as ``locale`` writes them (see :func:`rows_from_cells`).

    Raises :class:`TableImportError` when the file is not a workbook at all.
    """
    header, data_rows = read_xlsx(data)
    return rows_from_cells(header, data_rows, document, plan_kind, section, registry, locale, choices)


def replace_rows(session, registry: Registry, plan, section: str, rows: list[dict[str, Any]], user) -> None:
    """Write imported rows in place of the section's rows: one change, one revision."""
    from core.services.plans import action, change_section

    def change(content: dict[str, Any]) -> None:
        # A spreadsheet names rows by their place: its row n is the section's row n, which keeps its uid
        # (so the comparison shows it changed, not removed and added); rows beyond the old ones are new.
        old = content["rows"]
        content["rows"] = [{**row, "uid": old[index]["uid"]} if index < len(old) else row
                           for index, row in enumerate(rows)]

    change_section(session, registry, plan, section, change, user, action("table-imported", section))


__all__ = [
    "CellError",
    "ImportResult",
    "TableColumn",
    "TableImportError",
    "budget_source",
    "column_value",
    "period_from_text",
    "period_to_text",
    "replace_rows",
    "row_key",
    "rows_from_cells",
    "rows_from_xlsx",
    "section_to_table",
    "source_amount",
    "table_columns",
    "table_sections",
    "to_csv",
    "to_xlsx",
]
