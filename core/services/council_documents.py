"""The council's documents around a plan (issue 15): what a council decides on besides the plan itself.

A plan kind's plugin declares them through the hook ``socialplan_council_documents`` as
:class:`CouncilDocument` values: a code, a name, the template's fixed texts (:class:`FixedText`, in the plugin's
catalogs) and a builder that makes the document's content as a neutral :class:`core.reports.blocks.Document`
from a :class:`DocumentContext`. Core renders that one description as PDF and as DOCX (:func:`render`), so both
formats say the same. A document may instead be the plan's own report printed as an annex (``report``), as PDF
and DOCX too (the report kind's calls written as Word writes them, core.reports.docx_report).

A municipality's administrator may override the wording of any fixed text, per language
(:func:`set_overrides`); overrides live on the municipality (``Municipality.council_texts``, migration
core_0010), as its publication settings do, and every change is in the audit trail.

Who may read what: a planner or council viewer downloads the documents of any revision they may see, made from
the whole revision; the public the documents of adopted revisions of a published municipality only, made from
the public document (only the sections the plan kind declares public, :func:`core.services.publication
.public_document`). Texts that name officers (``FixedText.officer``) are left out of a public copy unless the
document declares its officers public (``CouncilDocument.public_officers``): in Sweden the officers named in a
tjänsteutlåtande are public by the principle of public access (offentlighetsprincipen), in Romania a project's
signatories are left to the secretariat. User accounts (e-mail addresses) are never printed in any document.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from core.i18n import LOCALES, translated
from core.models import AnnualPlan, Municipality, PlanRevision, User
from core.reports.blocks import Document, render_pdf
from core.services.audit import Actor, actor, record
from core.text import clean_text

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from core.plugin_api import PlanKind
    from core.plugin_manager import Registry

FORMATS = {"pdf": "application/pdf",
           "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
TEXT_MAX = 4000  # characters of one overridden text
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@dataclass(frozen=True)
class FixedText:
    """One fixed text of a document's template: its ``key`` (stable, what an override is stored under), what the
    settings page calls it (``label``), its ``default`` wording (a lazy gettext string of the plugin's catalog; None:
    empty until the municipality sets it, as an officer's name), the ``placeholders`` it may use (``%(year)s``,
    filled by the builder), whether it names a person (``officer``) and whether it is a long text (``multiline``)."""

    key: str
    label: Any
    default: Any = None
    placeholders: tuple[str, ...] = ()
    officer: bool = False
    multiline: bool = False


@dataclass(frozen=True)
class CouncilDocument:
    """A document the council decides on, declared by a plan kind's plugin.

    ``build(context: DocumentContext) -> core.sdk.documents.Document`` makes its content; ``texts`` are its
    template's fixed texts; ``report`` instead names a report kind whose report is this document (the plan printed
    as a decision's annex, in both formats: no texts). ``public_officers``: its officers' names (texts marked
    ``officer``) are printed in the public copy too."""

    code: str
    name: Any
    build: Callable[[DocumentContext], Document] | None = None
    texts: tuple[FixedText, ...] = ()
    report: str | None = None
    public_officers: bool = False

    @property
    def formats(self) -> tuple[str, ...]:
        """The formats it downloads as: PDF and DOCX (a report printed as an annex too)."""
        return ("pdf", "docx")

    def text(self, key: str) -> FixedText | None:
        return next((text for text in self.texts if text.key == key), None)


def override_key(plan_kind: str, document: str, text: str) -> str:
    return f"{plan_kind}:{document}:{text}"


def fill(template: str, values: Mapping[str, Any]) -> str:
    """``template`` with each ``%(name)s`` of ``values`` replaced; anything else (a lone %, an unknown name) as
    typed: an administrator's wording never fails a document."""
    return PLACEHOLDER.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), template)


@dataclass
class DocumentContext:
    """What a council document's ``build`` gets: the plan's document (the whole revision, or for a public copy
    only its public part), its kind, municipality, language, revision, and its template's texts."""

    plan: AnnualPlan
    document: dict[str, Any]
    plan_kind: PlanKind
    municipality: Municipality
    locale: str
    revision: int
    adopted: bool
    public: bool  # a copy for the public pages: officers only when the document declares them public
    revision_at: dt.datetime  # when the revision was kept
    generated_at: dt.datetime
    spec: CouncilDocument
    overrides: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def text(self, key: str, **values: Any) -> str:
        """Fixed text ``key`` in the document's language: the municipality's wording when it set one, else the
        template's; ``values`` fill its placeholders. An officer's name in a public copy whose officers are not
        public is empty."""
        spec = self.spec.text(key)
        if spec is None:
            raise KeyError(f"council document '{self.spec.code}' declares no text '{key}'")
        if spec.officer and self.public and not self.spec.public_officers:
            return ""
        own = (self.overrides.get(override_key(self.plan_kind.code, self.spec.code, key)) or {}).get(self.locale)
        wording = own if own else (str(spec.default) if spec.default is not None else "")
        return fill(wording, values)

    def tr(self, value: Any) -> str:
        """Translatable plan content in the document's language (else the municipality's, else any)."""
        return translated(value, self.locale, self.municipality.default_locale)

    def section(self, key: str) -> dict[str, Any]:
        """A section of the document (empty when the copy leaves it out)."""
        return (self.document.get("sections") or {}).get(key) or {"rows": [], "text": {}, "not_applicable": False}

    @property
    def decision(self) -> tuple[str | None, dt.date | None]:
        """The council decision the revision records: (reference, date), None where not recorded."""
        decision = self.document.get("council_decision") or {}
        try:
            date = dt.date.fromisoformat(decision["date"]) if decision.get("date") else None
        except ValueError:
            date = None
        return decision.get("reference") or None, date


# --- what a plan kind declares ----------------------------------------------------------------------------


def documents_for(registry: Registry, municipality: Municipality, plan_kind: str) -> list[CouncilDocument]:
    """The council documents of ``plan_kind`` in ``municipality``: its plugin's answer, [] when the plugin is not
    enabled there."""
    plugin = registry.plugin_of_plan_kind(plan_kind)
    if plugin is None or plugin not in municipality.enabled_plugins:
        return []
    return list(registry.call_plugin(plugin, "socialplan_council_documents", plan_kind=plan_kind,
                                     municipality=municipality) or [])


def document_spec(registry: Registry, municipality: Municipality, plan_kind: str, code: str) -> CouncilDocument | None:
    return next((spec for spec in documents_for(registry, municipality, plan_kind) if spec.code == code), None)


# --- rendering ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rendered:
    body: bytes
    mimetype: str
    filename: str


class NoSuchDocument(LookupError):
    """No such council document, format or revision for the plan (404)."""


def _revision_at(session: Session, plan: AnnualPlan, number: int) -> dt.datetime:
    at = session.scalar(select(PlanRevision.created_at).where(PlanRevision.plan_id == plan.id,
                                                              PlanRevision.number == number))
    return at or dt.datetime.now()


def _source(session: Session, registry: Registry, plan: AnnualPlan, plan_kind: PlanKind, number: int,
            public: bool) -> dict[str, Any]:
    from core.services.plans import revision_document_at
    from core.services.publication import public_document

    if public:
        document = public_document(session, plan, plan_kind, number)
    else:
        document = revision_document_at(session, registry, plan, number)
    if document is None:
        raise NoSuchDocument(f"revision {number}")
    return document


def build_document(session: Session, registry: Registry, plan: AnnualPlan, spec: CouncilDocument, locale: str,
                   number: int, *, public: bool = False) -> Document:
    """The neutral content of council document ``spec`` for revision ``number`` of ``plan`` in ``locale`` (inside
    ``force_locale``). ``public``: made from the public document (adopted revisions of published municipalities)."""
    plan_kind = registry.plan_kind(plan.kind)
    if plan_kind is None or spec.build is None:
        raise NoSuchDocument(spec.code)
    document = _source(session, registry, plan, plan_kind, number, public)
    context = DocumentContext(
        plan=plan, document=document, plan_kind=plan_kind, municipality=plan.municipality, locale=locale,
        revision=number, adopted=number == plan.adopted_revision, public=public,
        revision_at=_revision_at(session, plan, number), generated_at=dt.datetime.now(), spec=spec,
        overrides=plan.municipality.council_texts or {})
    return spec.build(context)


def _revision_status(plan: AnnualPlan, plan_kind: PlanKind, number: int, decision: dict[str, Any], session: Session,
                     registry: Registry, locale: str) -> str:
    from core.reports.engine import ReportContext

    report = ReportContext(plan=plan, document={"council_decision": decision}, municipality=plan.municipality,
                           plan_kind=plan_kind, locale=locale, session=session, registry=registry,
                           generated_at=dt.datetime.now(), revision=number, adopted=number == plan.adopted_revision)
    return report.revision_status()


def render(session: Session, registry: Registry, plan: AnnualPlan, code: str, fmt: str, locale: str, number: int,
           *, public: bool = False) -> Rendered:
    """Council document ``code`` of revision ``number`` of ``plan`` as ``fmt`` ("pdf" or "docx") in ``locale``.
    Raises :class:`NoSuchDocument` for a document, format, language or revision there is none of (for a public
    copy: a revision that is not an adoption of a published municipality's plan)."""
    spec = document_spec(registry, plan.municipality, plan.kind, code)
    plan_kind = registry.plan_kind(plan.kind)
    if spec is None or plan_kind is None or fmt not in spec.formats or locale not in LOCALES:
        raise NoSuchDocument(code)
    if public and not plan.municipality.published:
        raise NoSuchDocument(code)
    name = f"{plan.municipality.slug}-{plan.year}-{code}-r{number}-{locale}.{fmt}"
    if spec.report is not None:
        from core.reports import UnknownReportKind, render_report

        _source(session, registry, plan, plan_kind, number, public)  # the revision must be one this copy shows
        try:
            return Rendered(render_report(session, plan, spec.report, locale, revision=number, fmt=fmt), FORMATS[fmt],
                            name)
        except UnknownReportKind as error:
            raise NoSuchDocument(code) from error
    with force_locale(locale):
        content = build_document(session, registry, plan, spec, locale, number, public=public)
        if fmt == "docx":
            from core.reports.docx import render_docx

            return Rendered(render_docx(content, locale), FORMATS["docx"], name)
        source = _source(session, registry, plan, plan_kind, number, public)
        status = _revision_status(plan, plan_kind, number, source.get("council_decision") or {}, session,
                                  registry, locale)
        return Rendered(render_pdf(content, locale, revision_status=status), FORMATS["pdf"], name)


# --- a municipality's own wording ----------------------------------------------------------------------------


class OverrideError(ValueError):
    """A wording that cannot be saved; the message is translated, ``field`` names the form field."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def field_name(document: str, text: str, locale: str) -> str:
    """The settings form's field of one text in one language."""
    return f"{document}--{text}--{locale}"


def set_overrides(session: Session, municipality: Municipality, plan_kind: str, spec: CouncilDocument,
                  values: Mapping[tuple[str, str], str], user: User | Actor | None = None) -> int:
    """Save the municipality's wording of ``spec``'s fixed texts: ``values[(text key, locale)]`` is the wording, an
    empty one (or the default's own) goes back to the template's. Refuses, writing nothing, a text longer than
    TEXT_MAX or with a placeholder the text does not offer. Records the changes in the audit trail; returns how
    many texts changed."""
    stored: dict[str, dict[str, str]] = {key: dict(value) for key, value in (municipality.council_texts or {}).items()}
    changed = []
    for text in spec.texts:
        key = override_key(plan_kind, spec.code, text.key)
        for locale in LOCALES:
            if (text.key, locale) not in values:
                continue
            wording = clean_text(values[(text.key, locale)] or "").strip()
            _check(text, wording, field_name(spec.code, text.key, locale))
            with force_locale(locale):
                default = str(text.default) if text.default is not None else ""
            new = wording if wording and wording != default else None
            old = (stored.get(key) or {}).get(locale)
            if new == old:
                continue
            changed.append({"field": f"{spec.code}/{text.key}/{locale}", "old": old, "new": new})
            if new is None:
                stored.get(key, {}).pop(locale, None)
            else:
                stored.setdefault(key, {})[locale] = new
            if key in stored and not stored[key]:
                del stored[key]
    if changed:
        municipality.council_texts = stored
        record(session, user=user or actor(), municipality=municipality, action="municipality.council-texts-changed",
               subject=f"municipality:{municipality.id}", detail={"plan_kind": plan_kind, "changes": changed})
        session.flush()
    return len(changed)


def _check(text: FixedText, wording: str, field: str) -> None:
    if len(wording) > TEXT_MAX:
        raise OverrideError(_("A text is at most %(count)s characters long.", count=TEXT_MAX), field)
    unknown = sorted({name for name in PLACEHOLDER.findall(wording) if name not in text.placeholders})
    if unknown:
        offered = ", ".join(f"%({name})s" for name in text.placeholders) or _("none")
        raise OverrideError(_("%(found)s is not a placeholder of this text (it offers: %(offered)s).",
                              found=", ".join(f"%({name})s" for name in unknown), offered=offered), field)
