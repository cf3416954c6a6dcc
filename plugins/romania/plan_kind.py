"""The annual action plan (Planul anual de acțiune, model-cadru of Ordinul MMJS nr. 1086/2018).

Section keys are stable: they are the keys of the plan document's ``sections``, of the rule
findings' fields and of the forms.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.sdk import Column, FundingSource, PlanKind, RowType, SectionSpec, WorkflowStep
from plugins.romania.i18n import _l

PLAN_KIND = "action-plan"
JURISDICTION = "ro"

FUNDING_SOURCES = (
    FundingSource("local", _l("Local budget")),
    FundingSource("county", _l("County budget")),
    FundingSource("state", _l("State budget")),
    FundingSource("beneficiaries", _l("Beneficiaries' contributions")),
    FundingSource("other", _l("Other sources")),
)
SOURCE_CODES = tuple(source.code for source in FUNDING_SOURCES)
# Budget units a table states its amounts in: scale factor -> label.
UNITS = {1: _l("lei"), 1000: _l("thousand lei")}

CHAPTER_BASIS = _l("Legal basis and strategies")
CHAPTER_I = _l("Chapter I. Administration, establishment and funding of social services")
CHAPTER_II = _l("Chapter II. Informing the public about the social services available locally")
CHAPTER_III = _l("Chapter III. Training and methodological guidance of the staff working in social services")

_BUDGET_COLUMNS = tuple(Column(f"budget_{code}", source.name, "money") for code, source in
                        zip(SOURCE_CODES, FUNDING_SOURCES, strict=True))
_TRAINING_COLUMNS = (
    Column("department", _l("Staff, department or topic"), "translated"),
    Column("persons", _l("Number of persons"), "int"),
    Column("budget", _l("Estimated budget (lei)"), "money"),
)
_CAMPAIGN_COLUMNS = (
    Column("title", _l("Campaign"), "translated"),
    Column("objectives", _l("Objectives"), "translated"),
    Column("period", _l("Period"), "text"),
    Column("responsible", _l("Responsible for organising the campaign"), "translated"),
)


def _training(key: str, title, required: bool = False, not_applicable: bool = False) -> SectionSpec:
    return SectionSpec(key, title, RowType.TRAINING, _TRAINING_COLUMNS, required=required, chapter=CHAPTER_III,
                       allow_not_applicable=not_applicable)


# A service code imported in another spelling ('8790CR-II') is stored canonical; the spelling as the
# document wrote it stays in the row's extra, shown beside the code (see core.interchange.normalise_code).
_CODE_AS_WRITTEN = Column("extra.code_as_written", _l("Code as written in the imported document"))


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec("legal-basis", _l("Laws, decisions and strategies the plan is based on"), RowType.ENTRY,
                (Column("ref", _l("No."), "numbering"), Column("text", _l("Act or strategy"), "translated")),
                required=True, chapter=CHAPTER_BASIS),
    SectionSpec("objectives", _l("Strategic and operational objectives"), RowType.OBJECTIVE,
                (Column("reference", _l("Strategy (item of the legal basis)"), "translated"),
                 Column("group", _l("Heading"), "translated"), Column("level", _l("Level")),
                 Column("text", _l("Objective"), "translated")), required=True, chapter=CHAPTER_BASIS),
    SectionSpec("existing-services", _l("A. Social services provided"), RowType.SERVICE,
                (Column("unit", _l("Centre or unit"), "translated"), Column("code", _l("Service code")),
                 Column("description", _l("Social service"), "translated"),
                 Column("capacity", _l("Capacity"), "decimal"),
                 Column("beneficiary_category", _l("Beneficiary category"), "translated"),
                 Column("occupancy", _l("Occupancy"), "percent"), *_BUDGET_COLUMNS, _CODE_AS_WRITTEN),
                required=True, chapter=CHAPTER_I,
                help=_l("Beneficiaries by number and category, and the estimated budget by funding source.")),
    SectionSpec("proposed-services", _l("B. Social services proposed to be established"), RowType.SERVICE,
                (Column("name", _l("Proposed social service"), "translated"), Column("code", _l("Service code")),
                 Column("beneficiary_category", _l("Beneficiary category"), "translated"),
                 Column("capacity", _l("Capacity needed"), "decimal"),
                 Column("building_capacity", _l("Building capacity"), "text"),
                 Column("floor_space", _l("Floor space (m²)"), "decimal"),
                 Column("staff_total", _l("Staff needed"), "int"), *_BUDGET_COLUMNS,
                 Column("justification", _l("Justification"), "text"), _CODE_AS_WRITTEN),
                required=True, chapter=CHAPTER_I, allow_not_applicable=True),
    SectionSpec("contracting", _l("C. Annual programme for contracting social services from public funds"),
                RowType.ENTRY,
                (Column("provider", _l("Provider")), Column("service", _l("Social service")),
                 Column("code", _l("Service code")), Column("amount", _l("Amount (lei)"), "money")),
                required=True, chapter=CHAPTER_I, allow_not_applicable=True),
    SectionSpec("subsidies", _l("D. Programme of subsidies for associations and foundations (Law 34/1998)"),
                RowType.ENTRY,
                (Column("provider", _l("Association or foundation")), Column("service", _l("Social service")),
                 Column("beneficiaries", _l("Beneficiaries"), "int"), Column("amount", _l("Amount (lei)"), "money")),
                required=True, chapter=CHAPTER_I, allow_not_applicable=True),
    SectionSpec("website-information", _l("Information published on the website and displayed at the office"),
                RowType.ENTRY,
                (Column("ref", _l("No."), "numbering"), Column("text", _l("Information"), "translated"),
                 Column("publication", _l("Where it is published"), "translated"),
                 Column("frequency", _l("Updated"))), chapter=CHAPTER_II),
    SectionSpec("awareness-campaigns", _l("Information and awareness campaigns"), RowType.CAMPAIGN,
                _CAMPAIGN_COLUMNS, chapter=CHAPTER_II),
    SectionSpec("promotion-campaigns", _l("Campaigns promoting the social services"), RowType.CAMPAIGN,
                _CAMPAIGN_COLUMNS, chapter=CHAPTER_II),
    SectionSpec("tripartite-meetings", _l("Tripartite meetings with providers, volunteer organisations and "
                                          "beneficiaries' associations"), RowType.ENTRY,
                (Column("participants", _l("Participants"), "translated"),
                 Column("description", _l("Short description"), "translated"),
                 Column("frequency", _l("Frequency"))), chapter=CHAPTER_II),
    SectionSpec("community-assistance", _l("Information and counselling through the community assistance service"),
                RowType.ENTRY, (Column("topic", _l("Topic"), "translated"),), chapter=CHAPTER_II),
    SectionSpec("press-messages", _l("Public interest messages in the press"), RowType.TEXT, chapter=CHAPTER_II),
    # III.1.a-d are parts of the model-cadru: rows, or 'nu este cazul' with its reason (c: c.1 or c.2).
    _training("training-courses", _l("Further-training courses"), required=True, not_applicable=True),
    _training("qualification-courses", _l("Qualification courses"), required=True, not_applicable=True),
    _training("personal-assistants", _l("Training of personal assistants"), not_applicable=True),
    _training("centre-training", _l("Training of centre staff required by the quality standards"),
              not_applicable=True),
    _training("volunteer-training", _l("Training sessions for volunteers"), required=True, not_applicable=True),
    _training("peer-review", _l("Peer-review meetings")),
    _training("national-programmes", _l("Training sessions of national programmes")),
    _training("supervision", _l("Professional supervision contracts"), not_applicable=True),
)

SERVICE_SECTIONS = ("existing-services", "proposed-services")
CAMPAIGN_SECTIONS = ("awareness-campaigns", "promotion-campaigns")
TRAINING_SECTIONS = tuple(s.key for s in SECTIONS if s.row_type is RowType.TRAINING)
CHAPTER_II_SECTIONS = tuple(s.key for s in SECTIONS if s.chapter is CHAPTER_II)
PROGRAMME_SECTIONS = ("contracting", "subsidies")  # Chapter I.C and I.D


@dataclass(frozen=True)
class RequiredPart:
    """A part of the model-cadru a plan must fill in: present when any of its sections has rows, its
    text (a text section), or 'nu este cazul' with the reason. A part of one section is also its
    SectionSpec's ``required`` (core reports it empty); a part of several is the plugin's to report."""

    label: Any
    sections: tuple[str, ...]


REQUIRED_PARTS: tuple[RequiredPart, ...] = (
    *(RequiredPart(s.title, (s.key,)) for s in SECTIONS if s.required),
    RequiredPart(CHAPTER_II, CHAPTER_II_SECTIONS),
    RequiredPart(_l("III.1.c. Training sessions (personal assistants, centre staff)"),
                 ("personal-assistants", "centre-training")),
)

STATUSES = ("draft", "consultation", "county-opinion", "approved")
WORKFLOW = (
    WorkflowStep("start-consultation", _l("Open the public consultation"), "draft", "consultation",
                 fields=("consultation_start", "consultation_end"), blocks_on_errors=True),
    WorkflowStep("request-county-opinion", _l("Close the consultation and ask for the county's opinion"),
                 "consultation", "county-opinion", fields=("contributions_received",), blocks_on_errors=True),
    WorkflowStep("approve", _l("Record the local council's approval"), "county-opinion", "approved",
                 fields=("county_opinion_ref", "county_opinion_date", "council_decision_ref", "council_decision_date"),
                 role="admin", blocks_on_errors=True),
    WorkflowStep("back-to-draft", _l("Return to draft"), "consultation", "draft"),
    WorkflowStep("county-back-to-draft", _l("Return to draft"), "county-opinion", "draft"),
)

STATUS_LABELS = {
    "draft": _l("Draft"),
    "consultation": _l("In public consultation"),
    "county-opinion": _l("Awaiting the county's opinion"),
    "approved": _l("Approved by the local council"),
}
# What the workflow steps record, as the editor and the overview label it.
FACT_LABELS = {
    "consultation_start": _l("Public consultation from"),
    "consultation_end": _l("Public consultation until"),
    "contributions_received": _l("Contributions received in the consultation"),
    "county_opinion_ref": _l("County consultative opinion, number"),
    "county_opinion_date": _l("County consultative opinion, date"),
    "council_decision_ref": _l("Local council decision (HCL) number"),
    "council_decision_date": _l("Local council decision (HCL) date"),
}

ACTION_PLAN = PlanKind(
    code=PLAN_KIND,
    name=_l("Annual action plan for social services"),
    jurisdiction=JURISDICTION,
    sections=SECTIONS,
    workflow=WORKFLOW,
    statuses=STATUSES,
    read_only_statuses=("approved",),
    # Next year's plan carries on the basis, the objectives, the services and Chapters II and III; of C and
    # D only a 'nu este cazul' (with its reason) carries on, as a contracting programme is each year's own.
    copy_forward=("legal-basis", "objectives", *SERVICE_SECTIONS, *CHAPTER_II_SECTIONS, *TRAINING_SECTIONS),
    copy_forward_not_applicable=PROGRAMME_SECTIONS,
    status_labels=STATUS_LABELS,
    fact_labels=FACT_LABELS,
    # The consultation runs before the county gives its opinion, and the council decides after both.
    fact_order=(("consultation_start", "consultation_end"), ("consultation_end", "county_opinion_date"),
                ("consultation_end", "council_decision_date"), ("county_opinion_date", "council_decision_date")),
    count_facts=("contributions_received",),
)

FREQUENCIES = {
    "published": _l("published"),
    "yearly": _l("yearly"),
    "monthly-or-on-change": _l("monthly or when it changes"),
    "when-needed": _l("when needed"),
    "not-applicable": _l("not applicable"),
}
