"""The import of individuppföljning answers from CSV: every row checked, then all stored in bulk, or none.

The file has a header row with the columns ``unit`` (the unit's code), ``response`` (the interview
number), ``question`` and ``value``, and optionally ``area`` and ``respondent`` (``person`` or
``next_of_kin``). The web upload, the CLI command and the benchmark all go through
:func:`import_answers`: rows are checked against lookup tables built once (no query per row), the
errors of every refused row are collected, and only a file without any refused row is written -
with COPY on PostgreSQL and one executemany elsewhere.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from plugins.sweden.audit import record
from plugins.sweden.i18n import _l
from plugins.sweden.models import Answer, AnswerCell, QuestionTemplate, Unit
from plugins.sweden.services.errors import SwedenValidationError
from plugins.sweden.services.individual import merged_definition

REQUIRED = ("unit", "response", "question", "value")
OPTIONAL = ("area", "respondent")
RESPONDENTS = ("person", "next_of_kin")
COLUMNS = ("municipality_id", "template_id", "year", "unit_id", "district", "response", "respondent", "area",
           "question", "value", "positive")
# Binary COPY on PostgreSQL: half the client-side cost of text COPY (types in COLUMNS' order).
COPY_TYPES = ("int4", "int4", "int4", "int4", "text", "int4", "text", "text", "text", "int4", "bool")
MAX_REPORTED = 100  # refused rows listed in full; the rest are counted


@dataclass(frozen=True)
class RowError:
    row: int  # the line in the file, the header being line 1
    column: str
    message: str


@dataclass
class ImportResult:
    imported: int = 0
    rows: int = 0
    refused: int = 0  # rows with at least one error
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.refused == 0


class _Checker:
    """Lookup tables of one template and municipality, built once for the whole file.

    A file of a million answers holds only a few thousand distinct (unit, question, value, area,
    respondent) combinations, so each combination is checked once and its verdict reused: the
    stored columns, or the errors of every row that carries it.
    """

    def __init__(self, session: Session, template: QuestionTemplate, year: int) -> None:
        definition = merged_definition(template)
        self.head = (template.municipality_id, template.id, year)
        self.areas = {a["code"] for a in definition["areas"]}
        self.questions: dict[str, tuple[int, str, int, int, int]] = {}
        for number, question in enumerate(definition["questions"]):
            scale = definition["scales"][question["scale"]]
            self.questions[question["code"]] = (number, question["area"], int(scale["min"]), int(scale["max"]),
                                                int(scale["positive_from"]))
        self.units = {code: (unit_id, district) for unit_id, code, district in session.execute(
            select(Unit.id, Unit.code, Unit.district).where(Unit.municipality_id == template.municipality_id))}
        self.verdicts: dict[tuple[str, ...], Any] = {}

    def verdict(self, key: tuple[str, str, str, str, str]) -> Any:
        """(prefix, suffix, question number) of the stored row, or a list of (column, message)."""
        found = self.verdicts.get(key)
        if found is None:
            found = self.verdicts[key] = self._check(*key)
        return found

    def _check(self, unit: str, question: str, value: str, area: str, respondent: str) -> Any:
        errors: list[tuple[str, str]] = []
        found_unit = self.units.get(unit.strip())
        if found_unit is None:
            errors.append(("unit", str(_l("There is no unit '%(unit)s'.") % {"unit": unit})))
        spec = self.questions.get(question.strip())
        answer = _int(value)
        if spec is None:
            errors.append(("question", str(_l("The question '%(question)s' is not in the template.")
                                           % {"question": question})))
        elif answer is None or not spec[2] <= answer <= spec[3]:
            errors.append(("value", str(_l("The answer '%(value)s' is outside the scale %(min)s to %(max)s.")
                                        % {"value": value, "min": spec[2], "max": spec[3]})))
        area = area.strip()
        if area and area not in self.areas:
            errors.append(("area", str(_l("The question area '%(area)s' is not in the template.") % {"area": area})))
        elif area and spec is not None and spec[1] != area:
            errors.append(("area", str(_l("The question '%(question)s' belongs to another area.")
                                       % {"question": question})))
        respondent = respondent.strip() or "person"
        if respondent not in RESPONDENTS:
            errors.append(("respondent", str(_l("The respondent must be 'person' or 'next_of_kin'."))))
        if errors:
            return errors
        prefix = (*self.head, found_unit[0], found_unit[1])
        return prefix, (respondent, spec[1], question.strip(), answer, answer >= spec[4]), spec[0]


def _int(text: str) -> int | None:
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def read_rows(stream: IO[str]) -> tuple[Iterable[list[str]], dict[str, int]]:
    """The CSV reader after the header, and the index of each known column; ',' or ';' separated."""
    sample = stream.readline()
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    header = [name.strip().lstrip("\ufeff").lower() for name in next(csv.reader([sample], delimiter=delimiter), [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise SwedenValidationError("file", _l("The file's first row must name the columns unit, response, "
                                               "question and value; missing: %(missing)s."),
                                    missing=", ".join(missing))
    index = {name: header.index(name) for name in (*REQUIRED, *OPTIONAL) if name in header}
    return csv.reader(stream, delimiter=delimiter), index


def existing_answers(session: Session, template: QuestionTemplate, year: int) -> int:
    return session.scalar(select(func.count()).select_from(Answer).where(
        Answer.template_id == template.id, Answer.year == year)) or 0


def import_answers(session: Session, template: QuestionTemplate, year: int, stream: IO[str] | IO[bytes],
                   replace: bool = False) -> ImportResult:
    """Check every row of the CSV ``stream``; store them all only when none is refused.

    ``replace`` deletes the template's answers of ``year`` first; without it a year that already
    has answers is refused, so that an import run twice does not count everyone twice.
    """
    if not 2000 <= year <= 2100:
        raise SwedenValidationError("year", _l("The year %(year)s is out of range."), year=year)
    if isinstance(stream.read(0), bytes):
        stream = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")  # type: ignore[arg-type]
    if not replace and existing_answers(session, template, year):
        raise SwedenValidationError("replace", _l("There are answers for %(year)s already; choose to replace "
                                                  "them to import again."), year=year)
    try:
        reader, index = read_rows(stream)
        rows, result = _check_all(session, template, year, reader, index)
    except UnicodeDecodeError:
        raise SwedenValidationError("file", _l("The file is not UTF-8 text.")) from None
    except csv.Error as error:
        raise SwedenValidationError("file", _l("The file is not valid CSV: %(error)s"), error=str(error)) from None
    if not result.ok:
        return result
    if not rows:
        raise SwedenValidationError("file", _l("The file has no answers."))
    if replace:
        session.execute(delete(Answer).where(Answer.template_id == template.id, Answer.year == year))
        session.execute(delete(AnswerCell).where(AnswerCell.template_id == template.id, AnswerCell.year == year))
    _bulk_insert(session, rows)
    # The file is all the template's answers of the year (a year with answers is refused or replaced),
    # so its counts are the cells: counted here rather than by a GROUP BY over the table just written.
    session.execute(insert(AnswerCell), _cells(rows))
    result.imported = len(rows)
    record(session, template.municipality_id, "answers-imported", f"template:{template.id}", template=template.name,
           year=year, answers=result.imported, replaced=replace)
    return result


def _check_all(session: Session, template: QuestionTemplate, year: int, reader: Iterable[list[str]],
               index: dict[str, int]) -> tuple[list[tuple[Any, ...]], ImportResult]:
    checker = _Checker(session, template, year)
    u, r, q, v = (index[name] for name in REQUIRED)
    a, p = index.get("area"), index.get("respondent")
    width = max(index.values()) + 1
    rows: list[tuple[Any, ...]] = []
    result = ImportResult()
    seen: dict[int, int] = {}  # interview number x question number -> line: one answer per question
    stride = max(len(checker.questions), 1)
    verdicts = checker.verdicts
    for line, cells in enumerate(reader, start=2):
        if len(cells) < width:
            if not any(cells):
                continue
            cells = cells + [""] * (width - len(cells))
        result.rows += 1
        key = (cells[u], cells[q], cells[v], cells[a] if a is not None else "", cells[p] if p is not None else "")
        verdict = verdicts.get(key) or checker.verdict(key)
        errors = [] if type(verdict) is tuple else [RowError(line, column, message) for column, message in verdict]
        number = _int(cells[r])
        if number is None or number < 1:
            errors.append(RowError(line, "response", str(_l("The interview number must be a whole number above "
                                                            "zero, not '%(value)s'.") % {"value": cells[r]})))
        elif not errors:
            prefix, suffix, question = verdict
            first = seen.setdefault(number * stride + question, line)
            if first == line:
                rows.append((*prefix, number, *suffix))
            else:
                errors.append(RowError(line, "question", str(_l(
                    "The interview %(response)s answers the question '%(question)s' twice (also on row %(first)s).")
                    % {"response": number, "question": suffix[2], "first": first})))
        if errors:
            result.refused += 1
            if len(result.errors) < MAX_REPORTED:
                result.errors.extend(errors)
    return rows, result


def _cells(rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """Answers, positive answers and distinct interviews per respondent kind x area x district x unit."""
    counts: dict[tuple[Any, ...], list[Any]] = {}
    head = rows[0][:3]  # municipality, template, year: the same on every row
    for _m, _t, _y, unit_id, district, response, respondent, area, _question, _value, positive in rows:
        cell = counts.get((respondent, area, district, unit_id))
        if cell is None:
            cell = counts[(respondent, area, district, unit_id)] = [0, 0, set()]
        cell[0] += 1
        cell[1] += positive
        cell[2].add(response)
    municipality_id, template_id, year = head
    return [{"municipality_id": municipality_id, "template_id": template_id, "year": year, "respondent": key[0],
             "area": key[1], "district": key[2], "unit_id": key[3], "answers": answers, "positive": positive,
             "respondents": len(responses)} for key, (answers, positive, responses) in counts.items()]


def _bulk_insert(session: Session, rows: list[tuple[Any, ...]]) -> None:
    connection = session.connection()
    names = ", ".join(COLUMNS)
    if connection.dialect.name == "postgresql":
        cursor = connection.connection.dbapi_connection.cursor()
        with cursor.copy(f"COPY se_answer ({names}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(list(COPY_TYPES))
            write = copy.write_row
            for row in rows:
                write(row)
        return
    marks = {"qmark": "?", "format": "%s", "pyformat": "%s"}.get(connection.dialect.paramstyle)
    if marks is None:  # an unusual driver: SQLAlchemy Core's executemany
        connection.execute(Answer.__table__.insert(), [dict(zip(COLUMNS, row, strict=True)) for row in rows])
        return
    placeholders = ", ".join([marks] * len(COLUMNS))
    connection.exec_driver_sql(f"INSERT INTO se_answer ({names}) VALUES ({placeholders})", rows)
