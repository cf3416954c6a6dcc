"""The value types that plugins hand to core through the hooks in :mod:`core.hookspecs`.

They are plain frozen dataclasses so a plugin can build them without touching the database.
Display names are lazy gettext strings (``flask_babel.lazy_gettext``) or per-locale dicts, so
they print in whatever language the request or the report is rendered in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session
    from wtforms import Form

    from core.models import AnnualPlan, Municipality


class Severity(StrEnum):
    """How bad a rule finding is: errors block submission, warnings and notes do not."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class RowType(StrEnum):
    """Which core table stores the rows of a plan section."""

    SERVICE = "service"  # core.models.Service with its BudgetLines
    CAMPAIGN = "campaign"  # core.models.Campaign
    TRAINING = "training"  # core.models.TrainingRow
    OBJECTIVE = "objective"  # core.models.Objective
    ENTRY = "entry"  # core.models.SectionEntry: a row of named fields kept as JSON
    TEXT = "text"  # core.models.SectionText only: prose, or 'not applicable' with its legal text


@dataclass(frozen=True)
class Jurisdiction:
    """A country's (or region's) rule set, e.g. ``ro`` for Romania."""

    code: str
    name: Any  # lazy gettext string
    countries: tuple[str, ...]  # ISO 3166-1 alpha-2
    currency: str  # ISO 4217, e.g. RON or SEK
    default_locale: str


@dataclass(frozen=True)
class FundingSource:
    code: str
    name: Any


@dataclass(frozen=True)
class NomenclatureEntry:
    code: str  # canonical spelling, e.g. '8810 ID-I'
    name: str  # official name in the jurisdiction's language
    parts: Mapping[str, str] = field(default_factory=dict)  # e.g. caen, form, group, subtype


class Nomenclature:
    """A jurisdiction's list of service codes.

    Plugins subclass it (or use it as is) and override :meth:`normalise` for the spellings
    real documents use. ``lookup`` returns None for an unknown code.
    """

    def __init__(self, entries: Sequence[NomenclatureEntry], version: str, source: str) -> None:
        self.version = version
        self.source = source
        self._entries = {entry.code: entry for entry in entries}

    def normalise(self, code: str) -> str:
        return " ".join(code.split()).upper()

    def lookup(self, code: str) -> NomenclatureEntry | None:
        return self._entries.get(self.normalise(code))

    def __iter__(self):
        return iter(self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)


@dataclass(frozen=True)
class Column:
    """One column of a section's table: what the editor, the exports and the diff show."""

    key: str  # a field of the row's dict in the plan document
    label: Any
    # text | int | decimal | money | percent | date | translated | bool | numbering: the row's own number as its
    # document writes it ('1.', 'a)'), which the editor shows as the table's one No. column
    kind: str = "text"


@dataclass(frozen=True)
class SectionSpec:
    """One section of a plan kind: its place, its storage and its form."""

    key: str  # unique within the plan kind, e.g. 'existing-services'
    title: Any
    row_type: RowType
    columns: tuple[Column, ...] = ()
    required: bool = False  # the model requires at least one row (or a 'not applicable' text)
    chapter: Any = None  # heading the section is grouped under in the editor and the PDF
    allow_not_applicable: bool = False
    help: Any = None
    # Shown on the public pages and in the open data of an adopted plan; False keeps the section internal.
    public: bool = True


@dataclass(frozen=True)
class WorkflowStep:
    """A transition of a plan kind's workflow.

    ``source`` is the status the plan must be in; ``target`` the status it moves to. ``fields``
    names the facts the step records (e.g. ``council_decision_ref``), each required.
    """

    code: str
    label: Any
    source: str
    target: str
    fields: tuple[str, ...] = ()
    role: str = "planner"  # the least role that may take the step: planner or admin
    blocks_on_errors: bool = False


@dataclass(frozen=True)
class PlanKind:
    code: str  # e.g. 'action-plan'
    name: Any
    jurisdiction: str
    sections: tuple[SectionSpec, ...]
    workflow: tuple[WorkflowStep, ...]
    statuses: tuple[str, ...] = ("draft", "submitted", "approved")
    read_only_statuses: tuple[str, ...] = ("approved",)
    copy_forward: tuple[str, ...] = ()  # section keys copied into next year's plan
    # Sections of which only a 'not applicable' choice is copied forward, with its text and footnote (not
    # their rows): e.g. a programme that must be planned anew each year unless it does not apply.
    copy_forward_not_applicable: tuple[str, ...] = ()
    # Labels of statuses and of the facts workflow steps record, beyond core's own
    # (draft/submitted/approved; council_decision_ref/council_decision_date).
    status_labels: Mapping[str, Any] = field(default_factory=dict)
    fact_labels: Mapping[str, Any] = field(default_factory=dict)
    # Date facts that cannot come before others, as (earlier, later) pairs: ("consultation_start",
    # "consultation_end"); council_decision_date is a fact here too. Checked on every step and import.
    fact_order: tuple[tuple[str, str], ...] = ()
    # Facts that are counts (whole numbers, not negative), e.g. the contributions a consultation received.
    count_facts: tuple[str, ...] = ()
    # The least role that may open a new working revision of an adopted plan: admin or planner.
    reopen_role: str = "admin"

    def section(self, key: str) -> SectionSpec | None:
        return next((s for s in self.sections if s.key == key), None)


@dataclass(frozen=True)
class ReportKind:
    """A PDF layout. ``render(context)`` returns the PDF as bytes; see core.reports."""

    code: str  # e.g. 'action-plan'
    name: Any
    plan_kind: str
    render: Callable[..., bytes]


@dataclass(frozen=True)
class Finding:
    """One result of a validation rule."""

    severity: Severity
    message: str  # already translated into the current locale
    field: str = ""  # '<section>/<row index>/<column>' or '<section>' or ''; links the editor
    rule: str = ""
    # True for findings that make data unusable (an unknown code, a negative amount): plan import
    # refuses a document that has any, while a draft with ordinary errors still imports.
    blocks_import: bool = False
    # The JSON path of the offending value in the plan document, when the rule knows it better
    # than ``field`` says (e.g. '$.sections.existing-services.rows[3].budget[0].amount').
    path: str = ""


@dataclass(frozen=True)
class DashboardPanel:
    title: Any
    template: str  # a template name the panel renders with ``context``
    context: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class SectionFormSpec:
    """Returned by the section-form hook: the WTForms class of one row of a section."""

    form_class: type[Form]
    # Turns a validated form into the row dict of the plan document, and back.
    to_row: Callable[[Form], dict[str, Any]] | None = None
    from_row: Callable[[dict[str, Any]], dict[str, Any]] | None = None


@dataclass(frozen=True)
class ValidationContext:
    """What a validation rule gets besides the plan document."""

    plan: AnnualPlan
    plan_kind: PlanKind
    nomenclature: Nomenclature | None
    locale: str
    session: Session | None = None  # the session the plan was read with: rules query plugin tables through it
    registry: Any = None  # core.plugin_manager.Registry: what every plugin provides

    @property
    def municipality(self) -> Municipality:
        """The plan's municipality."""
        return self.plan.municipality
