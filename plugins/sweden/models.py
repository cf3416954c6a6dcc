"""The Swedish follow-up model's own tables (all prefixed ``se_``).

Units and their follow-ups, deficiency cases walking the sanctions ladder, quality goals with
their measured values, lex Sarah reports and de-identified individuppföljning answers. The
migration ``sweden_0001`` creates exactly these tables; a test compares the two.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.sdk.models import Base, Municipality, Provider, Translated, utcnow

Percent = Numeric(7, 2)


class OperatingForm(StrEnum):
    """Regiform: who runs the unit and under which kind of agreement."""

    IN_HOUSE = "in_house"  # egen regi
    CONTRACTED = "contracted"  # entreprenad (LOU)
    CUSTOMER_CHOICE = "customer_choice"  # kundval (LOV)
    FRAMEWORK_AGREEMENT = "framework_agreement"  # ramavtal

    @property
    def external(self) -> bool:
        return self is not OperatingForm.IN_HOUSE


class ServiceType(StrEnum):
    RESIDENTIAL_CARE = "residential_care"  # vård- och omsorgsboende (särskilt boende)
    SERVICE_HOUSING = "service_housing"  # servicehus
    HOME_CARE = "home_care"  # hemtjänst
    DAY_CARE = "day_care"  # dagverksamhet
    LSS_HOUSING = "lss_housing"  # bostad med särskild service enligt LSS
    OTHER = "other"


class CaseTrack(StrEnum):
    EXTERNAL = "external"  # an external provider: action plan, review, warning, termination
    IN_HOUSE = "in_house"  # the unit's manager: action plan, new follow-up


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"


class SwedenSettings(Base):
    """Per municipality: the schedule preset and its overrides, the ladder's deadlines, suppression."""

    __tablename__ = "se_settings"

    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"), primary_key=True)
    schedule_preset: Mapped[str] = mapped_column(String(40), default="stockholm")
    # Overrides of the preset's rule parameters, e.g. {"in_house_every_years": 2}.
    schedule_overrides: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Overrides of the sanctions ladder's deadlines, e.g. {"action_plan_due": {"months": 1}}.
    ladder_overrides: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    suppression_threshold: Mapped[int] = mapped_column(Integer, default=5)
    kolada_id: Mapped[str | None] = mapped_column(String(8))  # e.g. '0484' for Eskilstuna
    special_review_area: Mapped[Translated] = mapped_column(JSON, default=dict)


class Unit(Base):
    """An enhet the municipality follows up: a care home, a home-care team, a day centre."""

    __tablename__ = "se_unit"
    __table_args__ = (UniqueConstraint("municipality_id", "code", name="uq_se_unit_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))  # stable key for imports and demo data
    name: Mapped[str] = mapped_column(String(200))
    operating_form: Mapped[str] = mapped_column(String(30))
    service_type: Mapped[str] = mapped_column(String(30))
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("provider.id", ondelete="SET NULL"))
    district: Mapped[str] = mapped_column(String(120), default="")  # stadsdel
    provider_started_on: Mapped[dt.date | None] = mapped_column(Date)  # first clients / contract start
    rotation_year: Mapped[int | None] = mapped_column(Integer)  # a year the unit's rotation falls in
    active: Mapped[bool] = mapped_column(default=True)

    municipality: Mapped[Municipality] = relationship()
    provider: Mapped[Provider | None] = relationship()
    cases: Mapped[list[DeficiencyCase]] = relationship(back_populates="unit")


class FollowUp(Base):
    """A follow-up carried out (or booked) at a unit with one method."""

    __tablename__ = "se_followup"
    __table_args__ = (Index("ix_se_followup_unit_method", "unit_id", "method"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("se_unit.id", ondelete="CASCADE"))
    method: Mapped[str] = mapped_column(String(40))  # a code of data/methods.json
    planned_on: Mapped[dt.date | None] = mapped_column(Date)
    done_on: Mapped[dt.date | None] = mapped_column(Date)
    deficiencies_found: Mapped[bool] = mapped_column(default=False)
    summary: Mapped[str] = mapped_column(Text, default="")

    unit: Mapped[Unit | None] = relationship()


class DeficiencyCase(Base):
    """A serious or repeated deficiency pushed through the sanctions ladder."""

    __tablename__ = "se_deficiency_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("se_unit.id", ondelete="CASCADE"), index=True)
    track: Mapped[str] = mapped_column(String(20))
    opened_on: Mapped[dt.date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text, default="")
    acute: Mapped[bool] = mapped_column(default=False)
    state: Mapped[str] = mapped_column(String(40), default="opened")
    next_step_due_on: Mapped[dt.date | None] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)

    unit: Mapped[Unit] = relationship(back_populates="cases")
    steps: Mapped[list[CaseStep]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseStep.id"
    )


class CaseStep(Base):
    """One step taken on a case: what, who decided, when, and the deadline it set."""

    __tablename__ = "se_case_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("se_deficiency_case.id", ondelete="CASCADE"), index=True)
    step: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str] = mapped_column(String(40))
    to_state: Mapped[str] = mapped_column(String(40))
    taken_on: Mapped[dt.date] = mapped_column(Date)  # the date of the decision or event
    decided_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    due_on: Mapped[dt.date | None] = mapped_column(Date)  # deadline this step set for the next
    note: Mapped[str] = mapped_column(Text, default="")
    # A termination withdrawn (services.cases.withdraw_termination): kept, marked, no longer in force.
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    withdrawn_by: Mapped[str] = mapped_column(String(200), default="", server_default="")

    case: Mapped[DeficiencyCase] = relationship(back_populates="steps")


class Deficiency(Base):
    """A deficiency found at a unit; a serious or repeated one opens a case (``case_id``)."""

    __tablename__ = "se_deficiency"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("se_unit.id", ondelete="CASCADE"), index=True)
    found_on: Mapped[dt.date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text, default="")
    serious: Mapped[bool] = mapped_column(default=False)
    repeated: Mapped[bool] = mapped_column(default=False)
    acute: Mapped[bool] = mapped_column(default=False)
    recorded_by: Mapped[str] = mapped_column(String(200), default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("se_deficiency_case.id", ondelete="SET NULL"))

    unit: Mapped[Unit] = relationship()
    case: Mapped[DeficiencyCase | None] = relationship()


class GoalKind(StrEnum):
    """What a quality goal's target and results are."""

    PERCENT = "percent"  # a share: target 86 means 86 %
    COUNT = "count"  # a number of things: at least 2 points of the action plan
    YES_NO = "yes_no"  # done or not: the results say yes or no
    TEXT = "text"  # described in words ('Modiga idéer'): the results are texts, attainment judged


class QualityGoal(Base):
    """A kvalitetsmål, e.g. '86 % of users satisfied with ongoing services'."""

    __tablename__ = "se_quality_goal"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"), index=True)
    year: Mapped[int]
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[Translated] = mapped_column(JSON, default=dict)
    kind: Mapped[str] = mapped_column(String(20), default=GoalKind.PERCENT, server_default="percent")
    # percent: 86 means 86 %; count: the number to reach; yes/no and text goals have none.
    target: Mapped[Decimal | None] = mapped_column(Percent)
    # A removed goal is kept, with its parts and results, so that its removal can be undone; every page,
    # report, document and import reads live goals only (services.goals.LIVE).
    removed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    removed_by: Mapped[str] = mapped_column(String(200), default="", server_default="")

    indicators: Mapped[list[GoalIndicator]] = relationship(
        back_populates="goal", cascade="all, delete-orphan", order_by="GoalIndicator.position"
    )


class GoalIndicator(Base):
    """What a goal is measured by: the whole goal, or a part of it (e.g. residential care)."""

    __tablename__ = "se_goal_indicator"

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("se_quality_goal.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    scope: Mapped[Translated] = mapped_column(JSON, default=dict)  # empty: the goal as a whole
    kolada_kpi: Mapped[str | None] = mapped_column(String(20))

    goal: Mapped[QualityGoal] = relationship(back_populates="indicators")
    values: Mapped[list[GoalValue]] = relationship(
        back_populates="indicator", cascade="all, delete-orphan", order_by="GoalValue.year"
    )


class GoalValue(Base):
    """The measured result of one indicator in one year, with the national figure (riket)."""

    __tablename__ = "se_goal_value"
    __table_args__ = (UniqueConstraint("indicator_id", "year", name="uq_se_goal_value_indicator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("se_goal_indicator.id", ondelete="CASCADE"))
    year: Mapped[int]
    value: Mapped[Decimal | None] = mapped_column(Percent)
    national_value: Mapped[Decimal | None] = mapped_column(Percent)
    source: Mapped[str] = mapped_column(String(20), default="manual")  # manual | kolada
    # A yes/no goal's answer, or the planner's judgement of a goal described in words; None: not judged.
    outcome: Mapped[bool | None] = mapped_column()
    comment: Mapped[Translated] = mapped_column(JSON, default=dict)  # the result in words

    indicator: Mapped[GoalIndicator] = relationship(back_populates="values")


class QualityReport(Base):
    """A year's kvalitetsberättelse beyond its text: the cover's facts and the municipality's own sections.

    ``sections`` is the list in the report's order, each ``{"key", "title": {locale: text}, "level": 1|2,
    "shows": "" | "goals" | "lex_sarah"}``; the rows of the plan's ``quality-work`` section name their
    section by ``key``. No row for a year: the defaults of ``services.quality_report``.
    """

    __tablename__ = "se_quality_report"
    __table_args__ = (UniqueConstraint("municipality_id", "year", name="uq_se_quality_report_municipality_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"))
    year: Mapped[int]
    organisation: Mapped[Translated] = mapped_column(JSON, default=dict)  # e.g. Vård- och omsorgsförvaltningen
    report_date: Mapped[dt.date | None] = mapped_column(Date)
    responsible: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # [{"name", "role": {...}}]
    sections: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)


class LexSarahReport(Base):
    """A lex Sarah report of (a risk of) misconduct; the sex is the person concerned's."""

    __tablename__ = "se_lex_sarah_report"
    __table_args__ = (Index("ix_se_lex_sarah_report_municipality_year", "municipality_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"))
    year: Mapped[int]
    reported_on: Mapped[dt.date | None] = mapped_column(Date)
    area: Mapped[str] = mapped_column(String(40))  # a code of services.lex_sarah.AREAS
    sex: Mapped[str | None] = mapped_column(String(10))
    reported_to_ivo: Mapped[bool] = mapped_column(default=False)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("se_unit.id", ondelete="SET NULL"))
    reference: Mapped[str] = mapped_column(String(80), default="")


class QuestionTemplate(Base):
    """An individuppföljning question template; a district's extension names its parent."""

    __tablename__ = "se_question_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("se_question_template.id", ondelete="CASCADE"))
    district: Mapped[str] = mapped_column(String(120), default="")
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(40), default="1")
    # {"areas": [{"code", "label"}], "scales": {code: {"min", "max", "positive_from", "labels"}},
    #  "questions": [{"code", "area", "text", "scale"}]}; labels and texts are per-locale dicts.
    definition: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    parent: Mapped[QuestionTemplate | None] = relationship(remote_side=[id])


class Answer(Base):
    """One de-identified answer: no person, only the unit, the district and an interview number.

    A fact table without foreign keys: on PostgreSQL each key cost a lookup per row, two thirds of
    a million-answer import. The import checks unit, template and municipality itself, and
    triggers (migration sweden_0003) delete a unit's or a template's answers with it, as a
    cascade would. Results are read from :class:`AnswerCell`, not from here.
    """

    __tablename__ = "se_answer"
    __table_args__ = (Index("ix_se_answer_template_year", "template_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int]
    template_id: Mapped[int]
    year: Mapped[int]
    unit_id: Mapped[int]
    district: Mapped[str] = mapped_column(String(120), default="")
    response: Mapped[int]  # groups the answers of one interview; not a person's identity
    respondent: Mapped[str] = mapped_column(String(20), default="person")  # person | next_of_kin
    area: Mapped[str] = mapped_column(String(40))
    question: Mapped[str] = mapped_column(String(40))
    value: Mapped[int]
    # At or above the question's scale's 'positive from' value, fixed at import (templates never change).
    positive: Mapped[bool] = mapped_column(default=False)


class AnswerCell(Base):
    """The answers of one template and year counted per respondent kind x area x district x unit.

    Rebuilt from :class:`Answer` whenever answers are written (``individual.refresh_cells``), so
    that results, suppression included, read a few thousand rows instead of a million.
    """

    __tablename__ = "se_answer_cell"
    __table_args__ = (Index("ix_se_answer_cell_lookup", "municipality_id", "year", "respondent"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"))
    template_id: Mapped[int] = mapped_column(ForeignKey("se_question_template.id", ondelete="CASCADE"))
    year: Mapped[int]
    respondent: Mapped[str] = mapped_column(String(20))
    area: Mapped[str] = mapped_column(String(40))
    district: Mapped[str] = mapped_column(String(120))
    unit_id: Mapped[int] = mapped_column(ForeignKey("se_unit.id", ondelete="CASCADE"))
    answers: Mapped[int]
    positive: Mapped[int]
    respondents: Mapped[int]


class KoladaFigure(Base):
    """One figure as Kolada gave it: for women (K), men (M) or both (T), of the municipality or riket.

    The T figures also fill :class:`GoalValue` (what attainment reads); this keeps all three and
    Kolada's status, so a figure Kolada reports as missing ("Saknas") is shown as missing.
    """

    __tablename__ = "se_kolada_figure"
    __table_args__ = (UniqueConstraint("indicator_id", "year", "national", "gender",
                                       name="uq_se_kolada_figure_indicator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("se_goal_indicator.id", ondelete="CASCADE"))
    year: Mapped[int]
    national: Mapped[bool] = mapped_column(default=False)  # riket (0000), else the municipality itself
    gender: Mapped[str] = mapped_column(String(1))  # Kolada's T (total), K (women), M (men)
    value: Mapped[Decimal | None] = mapped_column(Percent)  # None: missing, ``status`` says why
    status: Mapped[str] = mapped_column(String(40), default="")


SWEDEN_TABLES = [
    model.__table__
    for model in (
        SwedenSettings,
        Unit,
        FollowUp,
        DeficiencyCase,
        CaseStep,
        Deficiency,
        QualityGoal,
        GoalIndicator,
        GoalValue,
        QualityReport,
        LexSarahReport,
        QuestionTemplate,
        Answer,
        AnswerCell,
        KoladaFigure,
    )
]
