"""Individuppföljning: question templates, de-identified answers and suppressed results.

A city-wide template (areas, questions, answer scales) may be extended by a district with its
own questions. Answers are stored per unit and district with an interview number, never a
person. Results per question area count positive and other answers for every unit, district and
provider and the whole municipality; groups with fewer respondents or answers than the threshold,
and whatever would give them away in any of these tables, are suppressed in one decision
(:func:`published_results`, which every view of the results calls).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import case, delete, func, insert, select
from sqlalchemy.orm import Session

from core.sdk.models import Provider
from plugins.sweden.audit import record
from plugins.sweden.i18n import _l
from plugins.sweden.models import Answer, AnswerCell, QuestionTemplate, SwedenSettings, Unit
from plugins.sweden.services.errors import SwedenValidationError
from plugins.sweden.services.suppression import CITY, GROUP, UNIT, AreaCounts, Layout, Margin, decide

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


@dataclass(frozen=True)
class Figure:
    """One entity's figures in one question area as published: None where hidden."""

    answers: int | None
    positive: int | None

    @property
    def share(self) -> Decimal | None:
        """Share of positive answers in percent, or None when hidden (or there are no answers)."""
        if self.positive is None or not self.answers:
            return None
        return (Decimal(self.positive) * 100 / Decimal(self.answers)).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class ResultRow:
    """A unit, a district, a provider or the whole municipality, with its figures per area code."""

    level: str  # unit | district | provider | city
    code: str  # the unit's code; the district's or the provider's name; "" for the whole municipality
    name: str
    district: str
    figures: Mapping[str, Figure]


@dataclass(frozen=True)
class Results:
    """Every figure the results page, the PDF and the CSV/XLSX exports publish, suppressed jointly."""

    year: int
    threshold: int
    areas: tuple[tuple[str, dict[str, str]], ...]  # (code, label) of the areas with answers, in the template's order
    units: tuple[ResultRow, ...]
    districts: tuple[ResultRow, ...]
    providers: tuple[ResultRow, ...]
    city: ResultRow | None
    nni: Decimal | None
    hidden: int  # hidden figures (answers and shares) over all areas

    @property
    def rows(self) -> tuple[ResultRow, ...]:
        return (*self.units, *self.districts, *self.providers, *((self.city,) if self.city else ()))


class _Unit(NamedTuple):
    id: int
    code: str
    name: str
    district: str
    provider_id: int | None


class _Entity(NamedTuple):
    level: str
    code: str
    name: str
    district: str
    units: tuple[int, ...]  # the positions of the units it sums (a unit: its own)


def published_results(session: Session, template: QuestionTemplate, year: int,
                      threshold: int | None = None) -> Results:
    """The year's results per area for units, districts, providers and the whole municipality, as every
    view publishes them: counts read from the answer cells in SQL, suppressed in one decision
    (:func:`plugins.sweden.services.suppression.decide`) so that no table gives another's hidden figure away."""
    municipality_id = template.municipality_id
    threshold = threshold if threshold is not None else threshold_for(session, municipality_id)
    cells = _person_cells(session, municipality_id, year)
    answered = {unit_id for _, unit_id in cells}
    # Only the columns results show, of the municipality's units (one parameter, not an IN list of hundreds).
    units = sorted((_Unit(*row) for row in session.execute(
        select(Unit.id, Unit.code, Unit.name, Unit.district, Unit.provider_id)
        .where(Unit.municipality_id == municipality_id)) if row[0] in answered),
        key=lambda u: (u.district, u.name, u.code))
    providers = dict(session.execute(select(Provider.id, Provider.name)
                                     .where(Provider.municipality_id == municipality_id)).all())
    entities = _entities(units, providers)
    areas = tuple((a["code"], a["label"]) for a in merged_definition(template)["areas"]
                  if any(area == a["code"] for area, _ in cells))
    counts = {code: _area_counts(entities, [cells.get((code, u.id), (0, 0, 0)) for u in units])
              for code, _ in areas}
    # A unit's respondents: the most of any area (an interview is held at one unit); a group's: its units'.
    per_unit = [max((cells.get((code, u.id), (0, 0, 0))[2] for code, _ in areas), default=0) for u in units]
    respondents = [sum(per_unit[u] for u in entity.units) for entity in entities]
    decision = decide(_layout(entities), counts, respondents, threshold)
    rows = [ResultRow(entity.level, entity.code, entity.name, entity.district, {
        code: Figure(counts[code].answers[i] if decision.answers_shown(i) else None,
                     counts[code].positive[i] if decision.share_shown(code, i) else None) for code, _ in areas})
        for i, entity in enumerate(entities)]
    hidden = sum(len(decision.rows) + len(split) for split in decision.split.values())
    by_level = {level: tuple(r for r in rows if r.level == level) for level in ("unit", "district", "provider")}
    return Results(year, threshold, areas, by_level["unit"], by_level["district"], by_level["provider"],
                   rows[-1] if units else None, next_of_kin_index(session, template, year, threshold), hidden)


def _person_cells(session: Session, municipality_id: int, year: int) -> dict[tuple[str, int], tuple[int, int, int]]:
    """(area, unit id) -> (positive answers, answers, respondents) of the persons' answers, from the cells
    kept by refresh_cells: a few rows per unit, not one per answer."""
    query = (
        select(AnswerCell.area, AnswerCell.unit_id, func.sum(AnswerCell.positive), func.sum(AnswerCell.answers),
               func.sum(AnswerCell.respondents))
        .where(AnswerCell.municipality_id == municipality_id, AnswerCell.year == year,
               AnswerCell.respondent == "person")
        .group_by(AnswerCell.area, AnswerCell.unit_id)
    )
    return {(area, unit_id): (int(positive or 0), int(answers), int(respondents))
            for area, unit_id, positive, answers, respondents in session.execute(query)}


def _entities(units: list[_Unit], providers: Mapping[int, str]) -> list[_Entity]:
    """The units, then the districts and the providers (a provider known by its name), then the whole municipality."""
    entities = [_Entity("unit", u.code, u.name, u.district, (i,)) for i, u in enumerate(units)]
    districts: dict[str, list[int]] = {}
    by_provider: dict[str, list[int]] = {}
    for i, unit in enumerate(units):
        if unit.district:
            districts.setdefault(unit.district, []).append(i)
        if unit.provider_id is not None:
            by_provider.setdefault(providers[unit.provider_id], []).append(i)
    entities += [_Entity("district", name, name, name, tuple(members)) for name, members in sorted(districts.items())]
    entities += [_Entity("provider", name, name, "", tuple(members)) for name, members in sorted(by_provider.items())]
    entities.append(_Entity("city", "", "", "", tuple(range(len(units)))))
    return entities


def _layout(entities: list[_Entity]) -> Layout:
    """Each group is the sum of its units; the whole municipality of all units, of the districts (and the
    units in none) and of the providers (and the units with none)."""
    city = len(entities) - 1
    units = tuple(i for i, e in enumerate(entities) if e.level == "unit")
    margins = [Margin(i, e.units) for i, e in enumerate(entities) if e.level in ("district", "provider")]
    margins.append(Margin(city, units))
    for level in ("district", "provider"):
        groups = [i for i, e in enumerate(entities) if e.level == level]
        if groups:
            covered = {u for g in groups for u in entities[g].units}
            margins.append(Margin(city, (*groups, *(u for u in units if u not in covered))))
    levels = tuple(UNIT if e.level == "unit" else CITY if e.level == "city" else GROUP for e in entities)
    return Layout(levels, tuple(margins))


def _area_counts(entities: list[_Entity], per_unit: list[tuple[int, int, int]]) -> AreaCounts:
    def total(column: int) -> tuple[int, ...]:
        return tuple(sum(per_unit[u][column] for u in entity.units) for entity in entities)

    return AreaCounts(answers=total(1), positive=total(0), respondents=total(2))


def next_of_kin_index(session: Session, template: QuestionTemplate, year: int,
                      threshold: int | None = None) -> Decimal | None:
    """NNI: the share of positive answers from next of kin, or None below the threshold.

    Read from the answer cells, like the area results. It is published for the whole municipality
    only and no count of next of kin is published beside it, so it shares no margin with the
    persons' tables: it is shown when its respondents reach the threshold. An interview is held at
    one unit, so the respondents are counted per unit as the most of any of its areas: never more
    than there were, so the threshold can only hide more, never less.
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
