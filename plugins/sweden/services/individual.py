"""Individuppföljning: question templates, de-identified answers and suppressed results.

A city-wide template (areas, questions, answer scales) may be extended by a district with its
own questions. Answers are stored per unit and district with an interview number, never a
person. Results per question area and unit count positive and other answers; units with fewer
respondents than the threshold, and cells that would give them away, are suppressed.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, delete, func, insert, select
from sqlalchemy.orm import Session

from plugins.sweden.audit import record
from plugins.sweden.models import Answer, AnswerCell, QuestionTemplate, SwedenSettings, Unit
from plugins.sweden.services.errors import SwedenValidationError
from plugins.sweden.services.suppression import SuppressedTable, suppress

DEFAULT_THRESHOLD = 5


def merged_definition(template: QuestionTemplate) -> dict[str, Any]:
    """The template's definition with its ancestors': areas, scales and questions combined."""
    chain = []
    node: QuestionTemplate | None = template
    while node is not None:
        chain.append(node.definition or {})
        node = node.parent
    merged: dict[str, Any] = {"areas": [], "scales": {}, "questions": []}
    for definition in reversed(chain):
        merged["areas"] += definition.get("areas", [])
        merged["scales"].update(definition.get("scales", {}))
        merged["questions"] += definition.get("questions", [])
    return merged


def validate_definition(definition: Mapping[str, Any], parent: Mapping[str, Any] | None = None) -> None:
    """Every question names a known area and scale; codes are unique; scales are ordered."""
    base = copy.deepcopy(parent) if parent else {"areas": [], "scales": {}, "questions": []}
    areas = {a["code"] for a in base["areas"]} | {a["code"] for a in definition.get("areas", [])}
    scales = {**base["scales"], **definition.get("scales", {})}
    for code, scale in definition.get("scales", {}).items():
        if not int(scale["min"]) < int(scale["max"]):
            raise SwedenValidationError("scales", _l("The scale %(scale)s must go from a lower to a higher value."),
                                        scale=code)
    seen = {q["code"] for q in base["questions"]}
    for question in definition.get("questions", []):
        if question["area"] not in areas:
            raise SwedenValidationError(
                "area", _l("The question area '%(area)s' is not in the template."), area=question["area"]
            )
        if question["scale"] not in scales:
            raise SwedenValidationError("scale", _l("The answer scale '%(scale)s' is not in the template."),
                                        scale=question["scale"])
        if question["code"] in seen:
            raise SwedenValidationError("question", _l("The question code '%(code)s' is used twice."),
                                        code=question["code"])
        seen.add(question["code"])


def create_template(
    session: Session, municipality_id: int, name: str, definition: dict[str, Any],
    parent: QuestionTemplate | None = None, district: str = "", version: str = "1",
) -> QuestionTemplate:
    validate_definition(definition, merged_definition(parent) if parent else None)
    template = QuestionTemplate(
        municipality_id=municipality_id, name=name, definition=definition, district=district, version=version
    )
    template.parent = parent
    session.add(template)
    session.flush()
    record(session, municipality_id, "template-created", f"template:{template.id}", name=name, district=district,
           version=version)
    return template


@dataclass(frozen=True)
class AnswerRow:
    """One answer as imported: the unit's code, the interview number, the question, the value."""

    unit_code: str
    response: int
    question: str
    value: int
    area: str | None = None  # when given, must be the question's area
    respondent: str = "person"


def record_answers(
    session: Session, template: QuestionTemplate, year: int, rows: Iterable[AnswerRow]
) -> int:
    """Validate every row first, then store them all; on any bad row nothing is stored."""
    definition = merged_definition(template)
    questions = {q["code"]: q for q in definition["questions"]}
    areas = {a["code"] for a in definition["areas"]}
    units = {
        u.code: u for u in session.scalars(select(Unit).where(Unit.municipality_id == template.municipality_id))
    }
    answers = []
    for number, row in enumerate(rows, start=1):
        answers.append(_answer(template, year, definition, questions, areas, units, number, row))
    session.add_all(answers)
    session.flush()
    refresh_cells(session, template, year)
    record(session, template.municipality_id, "answers-recorded", f"template:{template.id}", template=template.name,
           year=year, answers=len(answers))
    return len(answers)


def refresh_cells(session: Session, template: QuestionTemplate, year: int) -> None:
    """Recount the template's answers of ``year`` into se_answer_cell: one GROUP BY, run where answers change."""
    session.execute(delete(AnswerCell).where(AnswerCell.template_id == template.id, AnswerCell.year == year))
    counts = (
        select(Answer.municipality_id, Answer.template_id, Answer.year, Answer.respondent, Answer.area,
               Answer.district, Answer.unit_id, func.count(), func.sum(case((Answer.positive, 1), else_=0)),
               func.count(Answer.response.distinct()))
        .where(Answer.template_id == template.id, Answer.year == year)
        .group_by(Answer.municipality_id, Answer.template_id, Answer.year, Answer.respondent, Answer.area,
                  Answer.district, Answer.unit_id)
    )
    columns = ["municipality_id", "template_id", "year", "respondent", "area", "district", "unit_id", "answers",
               "positive", "respondents"]
    session.execute(insert(AnswerCell).from_select(columns, counts))


def _answer(template, year, definition, questions, areas, units, number, row: AnswerRow) -> Answer:
    if row.area is not None and row.area not in areas:
        raise SwedenValidationError("area", _l("Row %(row)s: the question area '%(area)s' is not in the template."),
                                    row=number, area=row.area)
    question = questions.get(row.question)
    if question is None:
        raise SwedenValidationError("question", _l("Row %(row)s: the question '%(question)s' is not in the template."),
                                    row=number, question=row.question)
    if row.area is not None and row.area != question["area"]:
        raise SwedenValidationError("area", _l("Row %(row)s: the question '%(question)s' belongs to another area."),
                                    row=number, question=row.question)
    scale = definition["scales"][question["scale"]]
    positive = row.value >= int(scale["positive_from"])
    if not int(scale["min"]) <= row.value <= int(scale["max"]):
        raise SwedenValidationError(
            "value", _l("Row %(row)s: the answer %(value)s is outside the scale %(min)s to %(max)s."),
            row=number, value=row.value, min=scale["min"], max=scale["max"],
        )
    unit = units.get(row.unit_code)
    if unit is None:
        raise SwedenValidationError("unit", _l("Row %(row)s: there is no unit '%(unit)s'."), row=number,
                                    unit=row.unit_code)
    if row.respondent not in ("person", "next_of_kin"):
        raise SwedenValidationError("respondent", _l("Row %(row)s: the respondent must be the person or next of kin."),
                                    row=number)
    return Answer(
        municipality_id=template.municipality_id, template_id=template.id, year=year, unit_id=unit.id,
        district=unit.district, response=row.response, respondent=row.respondent, area=question["area"],
        question=row.question, value=row.value, positive=positive,
    )


def threshold_for(session: Session, municipality_id: int) -> int:
    settings = session.get(SwedenSettings, municipality_id)
    return settings.suppression_threshold if settings else DEFAULT_THRESHOLD


class ResultUnit(NamedTuple):
    """A unit as results show it."""

    id: int
    code: str
    name: str
    district: str


@dataclass(frozen=True)
class AreaResult:
    """Per question area: units (rows) x (positive, other) answers, with respondents per unit."""

    area: str
    units: tuple[ResultUnit, ...]
    respondents: tuple[int, ...]
    table: SuppressedTable

    def share_positive(self, row: int) -> Decimal | None:
        """Share of positive answers in percent, or None when hidden (or no answers)."""
        positive, total = self.table.shown(row, 0), self.table.row_total(row)
        if positive is None or not total:
            return None
        return (Decimal(positive) * 100 / Decimal(total)).quantize(Decimal("0.1"))

    @property
    def total_share(self) -> Decimal | None:
        return self.share_positive(self.table.rows)


def area_results(
    session: Session, template: QuestionTemplate, year: int, district: str | None = None,
    respondent: str = "person", threshold: int | None = None,
) -> list[AreaResult]:
    """Results per area x unit, aggregated in SQL, suppressed in Python."""
    definition = merged_definition(template)
    threshold = threshold if threshold is not None else threshold_for(session, template.municipality_id)
    # The counts per area x district x unit kept by refresh_cells: a few rows per unit, not per answer.
    query = (
        select(AnswerCell.area, AnswerCell.unit_id, func.sum(AnswerCell.positive), func.sum(AnswerCell.answers),
               func.sum(AnswerCell.respondents))
        .where(AnswerCell.municipality_id == template.municipality_id, AnswerCell.year == year,
               AnswerCell.respondent == respondent)
        .group_by(AnswerCell.area, AnswerCell.unit_id)
    )
    if district is not None:
        query = query.where(AnswerCell.district == district)
    by_area: dict[str, dict[int, tuple[int, int, int]]] = {}
    for area_code, unit_id, positive, count, respondents in session.execute(query):
        by_area.setdefault(area_code, {})[unit_id] = (int(positive or 0), int(count), int(respondents))
    answered = {unit_id for cells in by_area.values() for unit_id in cells}
    # Only the columns a result shows, of the municipality's units (one parameter, not an IN list of hundreds).
    ordered = sorted((ResultUnit(*row) for row in session.execute(
        select(Unit.id, Unit.code, Unit.name, Unit.district).where(Unit.municipality_id == template.municipality_id))
        if row[0] in answered), key=lambda u: (u.district, u.name))
    units_tuple = tuple(ordered)
    ids = [u.id for u in ordered]  # plain ints: the loops below run areas x units times
    none = (0, 0, 0)
    results = []
    for area in definition["areas"]:
        cells = by_area.get(area["code"])
        if not cells:
            continue
        rows = [cells.get(unit_id, none) for unit_id in ids]
        counts = [[positive, count - positive] for positive, count, _ in rows]
        respondents = [n for _, _, n in rows]
        # A unit with too few respondents is hidden whole, whatever its answer counts.
        primary = {(i, j) for i, n in enumerate(respondents) if 0 < n < threshold for j in range(3)
                   if (counts[i] + [sum(counts[i])])[j] > 0}
        results.append(AreaResult(area["code"], units_tuple, tuple(respondents),
                                  suppress(counts, threshold, primary)))
    return results


def next_of_kin_index(session: Session, template: QuestionTemplate, year: int,
                      threshold: int | None = None) -> Decimal | None:
    """NNI: the share of positive answers from next of kin, or None below the threshold.

    Read from the answer cells, like the area results, so that it needs no raw answers (a plan
    document carries only the cells). An interview is held at one unit, so the respondents are
    counted per unit as the most of any of its areas: never more than there were, so the
    threshold can only hide more, never less.
    """
    threshold = threshold if threshold is not None else threshold_for(session, template.municipality_id)
    per_unit = session.execute(
        select(func.sum(AnswerCell.positive), func.sum(AnswerCell.answers), func.max(AnswerCell.respondents))
        .where(AnswerCell.municipality_id == template.municipality_id, AnswerCell.year == year,
               AnswerCell.respondent == "next_of_kin")
        .group_by(AnswerCell.district, AnswerCell.unit_id)
    ).all()
    positive = sum(int(row[0] or 0) for row in per_unit)
    total = sum(int(row[1] or 0) for row in per_unit)
    respondents = sum(int(row[2] or 0) for row in per_unit)
    if not total or respondents < threshold:
        return None
    return (Decimal(int(positive)) * 100 / Decimal(total)).quantize(Decimal("0.1"))


def city_templates(session: Session, municipality_id: int) -> list[QuestionTemplate]:
    return list(session.scalars(select(QuestionTemplate).where(
        QuestionTemplate.municipality_id == municipality_id, QuestionTemplate.parent_id.is_(None))
        .order_by(QuestionTemplate.id)))


def extensions_of(session: Session, template: QuestionTemplate) -> list[QuestionTemplate]:
    return list(session.scalars(select(QuestionTemplate).where(QuestionTemplate.parent_id == template.id)
                                .order_by(QuestionTemplate.district)))


def add_district_question(
    session: Session, parent: QuestionTemplate, district: str, code: str, area: str, scale: str,
    text: dict[str, str],
) -> QuestionTemplate:
    """Add a question to ``district``'s extension of the city-wide ``parent`` (made when missing).

    The area and scale must be the template's; the code must be new in the template and the
    extension. Nothing is written when the question is refused.
    """
    district, code = district.strip(), code.strip()
    if not district:
        raise SwedenValidationError("district", _l("Name the district."))
    if not code:
        raise SwedenValidationError("code", _l("Give the question a code."))
    text = {locale: value.strip() for locale, value in text.items() if value and value.strip()}
    if not text:
        raise SwedenValidationError("text", _l("Write the question in at least one language."))
    extension = session.scalar(select(QuestionTemplate).where(QuestionTemplate.parent_id == parent.id,
                                                              QuestionTemplate.district == district))
    current = copy.deepcopy(extension.definition) if extension is not None else {}
    definition = {"areas": current.get("areas", []), "scales": current.get("scales", {}),
                  "questions": [*current.get("questions", []),
                                {"code": code, "area": area, "scale": scale, "text": text}]}
    if area not in {a["code"] for a in merged_definition(parent)["areas"]}:
        raise SwedenValidationError("area", _l("The question area '%(area)s' is not in the template."), area=area)
    if extension is None:
        extension = create_template(session, parent.municipality_id, f"{parent.name} – {district}", definition,
                                    parent=parent, district=district, version=parent.version)
    else:
        validate_definition(definition, merged_definition(parent))
        extension.definition = definition  # a new dict: the JSON column sees the change
        session.flush()
    record(session, parent.municipality_id, "template-question-added", f"template:{extension.id}",
           template=parent.name, district=district, code=code, text=text)
    return extension


def create_default_template(session: Session, municipality_id: int) -> QuestionTemplate:
    """The city-wide template from the plugin's reference data (data/question_template.json)."""
    from plugins.sweden.services.reference import default_template

    data = default_template()
    return create_template(session, municipality_id, data["name"],
                           copy.deepcopy({k: data[k] for k in ("areas", "scales", "questions")}),
                           version=data["version"])
