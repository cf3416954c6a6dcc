"""The value types that plugins hand to core through the hooks in :mod:`core.hookspecs`.

They are plain frozen dataclasses so a plugin can build them without touching the database.
Display names are lazy gettext strings (``flask_babel.lazy_gettext``) or per-locale dicts, so
they print in whatever language the request or the report is rendered in.
"""

from __future__ import annotations

import datetime as dt
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
    # The last day the code is in the nomenclature (None: still in it), and the codes an amendment put in its place.
    valid_until: dt.date | None = None
    replaced_by: tuple[str, ...] = ()

    def valid_in(self, year: int) -> bool:
        """Whether the code is still in the nomenclature when ``year`` begins (a plan for that year may use it)."""
        return self.valid_until is None or self.valid_until >= dt.date(year, 1, 1)


class Nomenclature:
    """A jurisdiction's list of service codes.

    Plugins subclass it (or use it as is) and override :meth:`normalise` for the spellings
    real documents use. ``lookup`` returns None for an unknown code.
    """

    def __init__(self, entries: Sequence[NomenclatureEntry], version: str, source: str, label: str = "") -> None:
        self.version = version
        self.source = source
        self.label = label  # how pages and reports name the edition, e.g. 'Nomenclatorul serviciilor sociale (...)'

        self._entries = {entry.code: entry for entry in entries}

    def normalise(self, code: str) -> str:
        return " ".join(code.split()).upper()

    def lookup(self, code: str) -> NomenclatureEntry | None:
        return self._entries.get(self.normalise(code))

    def __iter__(self):
        return iter(self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)


def _folded(text: str) -> str:
    """Lower case without diacritics, hyphens as spaces, for searching names as people type them ('piatra neamt'
    finds 'Piatra-Neamț')."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.replace("ş", "ș").replace("ţ", "ț"))
    folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(folded.replace("-", " ").split())


@dataclass(frozen=True)
class ReferenceMunicipality:
    """One municipality of a country's official register (e.g. a Romanian UAT with its SIRUTA code)."""

    code: str  # the official identifier, e.g. SIRUTA '120726'
    name: str  # as people write it, e.g. 'Piatra-Neamț'
    region: str  # the region it belongs to, e.g. the county 'Neamț'
    kind: Any = ""  # its type in words (lazy gettext string), e.g. 'municipiu'


class MunicipalityRegister:
    """A country's official list of municipalities, from which an administrator picks one.

    ``code_label`` and ``region_label`` name the identifier and the region in the reader's language
    (lazy gettext strings: 'SIRUTA code', 'County'); ``source`` cites where the list comes from.
    A plugin subclasses it and overrides :meth:`code_error` for its identifier's own checks.
    """

    def __init__(self, country: str, entries: Sequence[ReferenceMunicipality], *, code_label: Any,
                 region_label: Any, source: str) -> None:
        self.country = country.upper()
        self.code_label = code_label
        self.region_label = region_label
        self.source = source
        self._entries = {entry.code: entry for entry in entries}

    def find(self, code: str) -> ReferenceMunicipality | None:
        """The municipality whose identifier is ``code`` (surrounding spaces ignored), or None."""
        return self._entries.get((code or "").strip())

    def regions(self) -> list[str]:
        """Every region, in alphabetical order as the reader would look for it."""
        return sorted({entry.region for entry in self._entries.values()}, key=_folded)

    def search(self, text: str = "", region: str = "", limit: int = 100) -> list[ReferenceMunicipality]:
        """Municipalities whose name holds ``text`` (case and diacritics ignored) in ``region`` (any when
        empty), names that begin with the text first, at most ``limit``."""
        wanted = _folded(" ".join((text or "").split()))
        found = [entry for entry in self._entries.values()
                 if (not region or entry.region == region) and wanted in _folded(entry.name)]
        found.sort(key=lambda e: (not _folded(e.name).startswith(wanted), _folded(e.name), _folded(e.region)))
        return found[:limit]

    def code_error(self, code: str) -> str | None:
        """Why ``code`` is malformed (a sentence in the reader's language, e.g. a wrong check digit), or None.

        Core calls it before :meth:`find` and says itself that a well-formed code is not in the register;
        the base class checks nothing."""
        return None

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
    """A PDF layout. ``render(context)`` returns the PDF as bytes; see core.reports.
    ``public`` (since SDK 1.3): offered on the public page of an adopted plan, beside the plan's own report,
    rendered for the adopted revision; a plugin declares it only for a report that holds nothing a viewer outside
    the municipality may not read."""

    code: str  # e.g. 'action-plan'
    name: Any
    plan_kind: str
    render: Callable[..., bytes]
    public: bool = False


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
