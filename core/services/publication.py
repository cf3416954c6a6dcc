"""Publication: what of a municipality's adopted plans the public pages and the open data show (issue 15).

An administrator publishes a municipality (:func:`set_publication`) under a licence and in a publisher's name.
From then on each plan of it that the council adopted is public, revision by revision: every revision that a
workflow step into a read-only status kept (or an import of an adopted plan) is an *adoption*, with its
council decision (:func:`adoptions`). Nothing else is: a public document (:func:`public_document`) is the
adopted snapshot with only the sections its plan kind declares public (:attr:`SectionSpec.public`), the
council's decision and the facts of the adopting step; never the plugins' extensions (the Swedish answer cells,
cases, lex Sarah reports), rule findings, working revisions, authors or e-mail addresses.

The open data of a public document: a Frictionless Data Package (:func:`data_package`: ``datapackage.json``
with a Table Schema per table, one CSV per table, the document as JSON beside them), and for the deployment a
catalogue of every package (:func:`catalogue`, DCAT / Project Open Data style JSON a CKAN harvester reads) and
an Atom feed of adoptions (:func:`atom_feed`).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import quote, urlencode
from xml.etree import ElementTree

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, exists, or_, select
from sqlalchemy.orm import Session

from core.i18n import translated
from core.interchange import FORMAT, VERSION, municipality_block
from core.models import AnnualPlan, Municipality, MunicipalityPlugin, PlanRevision, User
from core.plugin_api import PlanKind, RowType, SectionSpec
from core.plugin_manager import Registry
from core.services.audit import Actor, actor, changes, record
from core.services.plans import adoption_fields
from core.services.tables import section_locales, table_columns, to_csv

PUBLISHER_MAX = 200


@dataclass(frozen=True)
class Licence:
    code: str  # the SPDX identifier, which Frictionless and CKAN use as the licence's name
    title: Any
    url: str


LICENCES: dict[str, Licence] = {licence.code: licence for licence in (
    Licence("CC-BY-4.0", _l("Creative Commons Attribution 4.0 International"),
            "https://creativecommons.org/licenses/by/4.0/"),
    Licence("CC-BY-SA-4.0", _l("Creative Commons Attribution-ShareAlike 4.0 International"),
            "https://creativecommons.org/licenses/by-sa/4.0/"),
    Licence("CC0-1.0", _l("Creative Commons Zero 1.0 (public domain dedication)"),
            "https://creativecommons.org/publicdomain/zero/1.0/"),
    Licence("ODC-By-1.0", _l("Open Data Commons Attribution License 1.0"),
            "https://opendatacommons.org/licenses/by/1-0/"),
)}


class PublicationError(Exception):
    """A publication setting that cannot be saved; the message is translated, ``field`` names the form field."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def set_publication(session: Session, municipality: Municipality, *, published: bool, licence: str | None,
                    publisher: str | None, user: User | Actor | None = None) -> None:
    """Publish ``municipality`` (or take it off the public pages) under ``licence``, in ``publisher``'s name.

    A published municipality needs both: open data without a licence may not be reused, and without a
    publisher nobody answers for it. Recorded in the audit trail when anything changes.
    """
    licence = (licence or "").strip() or None
    publisher = " ".join((publisher or "").split()) or None
    if licence is not None and licence not in LICENCES:
        raise PublicationError(_("Choose one of the licences offered."), "licence")
    if publisher is not None and len(publisher) > PUBLISHER_MAX:
        raise PublicationError(_("The publisher's name is at most %(count)s characters long.", count=PUBLISHER_MAX),
                               "publisher")
    if published and licence is None:
        raise PublicationError(_("Choose the licence under which the plans are published."), "licence")
    if published and publisher is None:
        raise PublicationError(_("Name the publisher: the authority that answers for the published plans."),
                               "publisher")
    old = {"published": municipality.published, "licence": municipality.licence, "publisher": municipality.publisher}
    new = {"published": published, "licence": licence, "publisher": publisher}
    changed = changes(old, new)
    if not changed:
        return
    municipality.published, municipality.licence, municipality.publisher = published, licence, publisher
    record(session, user=user or actor(), municipality=municipality, action="municipality.publication-changed",
           subject=f"municipality:{municipality.id}", detail={"changes": changed})
    session.flush()


# --- what is public -------------------------------------------------------------------------------


def public_sections(plan_kind: PlanKind) -> tuple[SectionSpec, ...]:
    """The sections of a plan kind that its public pages and open data show, in the plan kind's order."""
    return tuple(spec for spec in plan_kind.sections if spec.public)


def published_municipality(session: Session, slug: str) -> Municipality | None:
    return session.scalar(select(Municipality).where(Municipality.slug == slug, Municipality.published.is_(True)))


def published_municipalities(session: Session) -> list[Municipality]:
    return list(session.scalars(select(Municipality).where(Municipality.published.is_(True))
                                .order_by(Municipality.slug)))


def public_plans(session: Session, registry: Registry, municipality: Municipality) -> list[tuple[AnnualPlan, PlanKind]]:
    """The plans of ``municipality`` the council adopted, whose plan kind's plugin is enabled: newest year first."""
    found = []
    plans = session.scalars(select(AnnualPlan).where(AnnualPlan.municipality_id == municipality.id,
                                                     AnnualPlan.adopted_revision.is_not(None)))
    for plan in plans:
        plan_kind = registry.plan_kind(plan.kind)
        if plan_kind is not None and registry.plugin_of_plan_kind(plan.kind) in municipality.enabled_plugins:
            found.append((plan, plan_kind))
    return sorted(found, key=lambda pair: (-pair[0].year, str(pair[1].name), pair[0].kind))


def _plan_key_statement():
    """Built once: the query a public plan page runs on every request (its parameters bound per request)."""
    enabled = exists().where(MunicipalityPlugin.municipality_id == Municipality.id,
                             MunicipalityPlugin.plugin == bindparam("plugin"))
    return (select(AnnualPlan.id, AnnualPlan.adopted_revision, Municipality.name, Municipality.licence,
                   Municipality.publisher, Municipality.default_locale, Municipality.currency)
            .join(Municipality, Municipality.id == AnnualPlan.municipality_id)
            .where(Municipality.slug == bindparam("slug"), Municipality.published.is_(True),
                   AnnualPlan.year == bindparam("year"), AnnualPlan.kind == bindparam("kind"),
                   AnnualPlan.adopted_revision.is_not(None), enabled))


PLAN_KEY = _plan_key_statement()


def public_plan_key(session: Session, registry: Registry, slug: str, year: int, kind: str) -> tuple | None:
    """In one query, what names a public plan page's content: (plan id, adopted revision, the municipality's
    published fields), or None when there is no such public plan. Public pages cache what they render under
    this key (with the revision and language), so a hit reads nothing else from the database."""
    plugin = registry.plugin_of_plan_kind(kind)
    if plugin is None:
        return None
    row = session.execute(PLAN_KEY, {"slug": slug, "year": year, "kind": kind, "plugin": plugin}).one_or_none()
    if row is None:
        return None
    plan_id, adopted, name, licence, publisher, locale, currency = row
    return plan_id, adopted, json.dumps(name, sort_keys=True), licence, publisher, locale, currency


@dataclass(frozen=True)
class Adoption:
    """A revision the council adopted: its number, when it was kept, and the decision."""

    number: int
    at: dt.datetime
    reference: str | None
    date: dt.date | None


def adoptions(session: Session, plan: AnnualPlan, plan_kind: PlanKind) -> list[Adoption]:
    """Every revision of ``plan`` that was adopted, oldest first: those kept by a workflow step into a read-only
    status or by importing an adopted plan, and the plan's adopted revision. Read from the snapshots' status and
    decision alone (JSON paths), not their whole documents."""
    adopting = {f"step {step.code}" for step in plan_kind.workflow if step.target in plan_kind.read_only_statuses}
    document = PlanRevision.document
    rows = session.execute(
        select(PlanRevision.number, PlanRevision.created_at, document["status"].as_string(),
               document["council_decision"]["reference"].as_string(),
               document["council_decision"]["date"].as_string())
        .where(PlanRevision.plan_id == plan.id,
               or_(PlanRevision.action.in_(sorted(adopting | {"imported"})),
                   PlanRevision.number == plan.adopted_revision))
        .order_by(PlanRevision.number)
    ).all()
    found = []
    for number, at, status, reference, date in rows:
        if status not in plan_kind.read_only_statuses or (plan.adopted_revision is not None
                                                          and number > plan.adopted_revision):
            continue
        try:
            day = dt.date.fromisoformat(date) if date else None
        except ValueError:
            day = None
        found.append(Adoption(number, at, reference or None, day))
    return found


def public_document(session: Session, plan: AnnualPlan, plan_kind: PlanKind, number: int) -> dict[str, Any] | None:
    """The public part of adopted revision ``number`` as a plan document (valid against the plan schema), or
    None when revision ``number`` is not an adoption of ``plan``."""
    if number not in {adoption.number for adoption in adoptions(session, plan, plan_kind)}:
        return None
    snapshot = session.scalar(select(PlanRevision.document).where(PlanRevision.plan_id == plan.id,
                                                                  PlanRevision.number == number))
    if not isinstance(snapshot, dict) or snapshot.get("format") != FORMAT or snapshot.get("version") != VERSION:
        return None
    facts = snapshot.get("facts") or {}
    sections = snapshot.get("sections") or {}
    return {
        "format": FORMAT,
        "version": VERSION,
        "municipality": municipality_block(plan.municipality),
        "year": snapshot["year"],
        "kind": snapshot["kind"],
        "status": snapshot["status"],
        "title": snapshot.get("title") or {},
        "council_decision": snapshot.get("council_decision") or {"reference": None, "date": None},
        # Of the facts, those of the step that adopted it (the county's opinion beside the council's decision).
        "facts": {name: value for name, value in facts.items() if name in adoption_fields(plan_kind)},
        "sections": {spec.key: sections[spec.key] for spec in public_sections(plan_kind) if spec.key in sections},
    }


def public_url(session: Session, plan: AnnualPlan, plan_kind: PlanKind, number: int, locale: str) -> str | None:
    """The address of the public page of revision ``number`` in ``locale``, when it has one: the municipality is
    published and the revision is an adoption. Under PUBLIC_BASE_URL, else (in a request) the request's host;
    None outside a request without PUBLIC_BASE_URL (a PDF names no address it cannot know)."""
    from flask import current_app, has_request_context, request

    municipality = plan.municipality
    if not municipality.published or number not in {a.number for a in adoptions(session, plan, plan_kind)}:
        return None
    base = current_app.config.get("PUBLIC_BASE_URL") or (request.url_root if has_request_context() else None)
    if not base:
        return None
    query = "" if locale == municipality.default_locale else "?" + urlencode({"lang": locale})
    path = f"public/{quote(municipality.slug)}/{plan.year}/{quote(plan.kind)}/r{number}/"
    return f"{base.rstrip('/')}/{path}{query}"


def plan_title(document: dict[str, Any], plan_kind: PlanKind, locale: str) -> str:
    """The plan's own title in ``locale`` (else the municipality's language), or the plan kind's name and year."""
    title = translated(document.get("title") or {}, locale, document["municipality"]["default_locale"])
    return title or f"{plan_kind.name} {document['year']}"


# --- open data: a Frictionless Data Package per adopted revision -------------------------------------

# Table Schema types of the table columns' kinds (core.services.tables.TableColumn.kind); others are strings.
FIELD_TYPES = {"int": "integer", "decimal": "number", "money": "number", "percent": "number", "amount": "number",
               "bool": "boolean", "date": "date"}
PYTHON_TYPES: dict[str, tuple[type, ...]] = {"integer": (int,), "number": (Decimal, int), "boolean": (bool,),
                                             "date": (dt.date,)}
DOCUMENT_FILE = "plan.json"


def package_name(document: dict[str, Any], number: int) -> str:
    """A Data Package name (lower case, digits, '-', '_', '.'): '<slug>-<kind>-<year>-r<number>'."""
    raw = f"{document['municipality']['slug']}-{document['kind']}-{document['year']}-r{number}"
    return re.sub(r"[^a-z0-9._-]", "-", raw.lower())


def _field_name(column: Any) -> str:
    """A stable column name: the row field, its language, or the budget line's year and funding source."""
    if column.kind == "amount":
        return f"budget_{column.year}_{column.source}"
    if column.kind == "amount_note":
        return f"budget_{column.year}_{column.source}_note_{column.locale}"
    return f"{column.key}_{column.locale}" if column.locale else column.key


def _field_type(kind: str, values: list[Any]) -> str:
    """The column's Table Schema type, 'string' when a stored value does not have it (text typed long ago)."""
    wanted = FIELD_TYPES.get(kind, "string")
    allowed = PYTHON_TYPES.get(wanted)
    if allowed is None:
        return "string"
    if all(value is None or (isinstance(value, allowed) and not (wanted != "boolean" and isinstance(value, bool)))
           for value in values):
        return wanted
    return "string"


@dataclass(frozen=True)
class Table:
    """One section as an open-data table: its resource name, title, fields and rows."""

    name: str
    title: str
    fields: list[dict[str, Any]]
    rows: list[list[Any]]

    @property
    def path(self) -> str:
        return f"{self.name}.csv"

    def csv(self) -> bytes:
        return to_csv([field["name"] for field in self.fields], self.rows)


def section_table(document: dict[str, Any], plan_kind: PlanKind, spec: SectionSpec, registry: Registry) -> Table:
    """A public section as a table, with the columns the table downloads have (core.services.tables)."""
    from core.services.tables import _cell_out  # the downloads' own value of a cell, so both read alike

    rows = (document["sections"].get(spec.key) or {}).get("rows") or []
    municipality = document["municipality"]
    locales = section_locales(rows, spec.row_type, municipality["default_locale"])
    columns = table_columns(spec, rows, locales, document["year"], municipality["currency"],
                            registry.funding_sources(plan_kind.jurisdiction))
    values = [[_cell_out(row, column, municipality["default_locale"]) for column in columns] for row in rows]
    fields, seen = [], set()
    for index, column in enumerate(columns):
        name = _field_name(column)
        while name in seen:
            name += "_"
        seen.add(name)
        field: dict[str, Any] = {"name": name, "title": str(column.label),
                                 "type": _field_type(column.kind, [row[index] for row in values])}
        if column.kind == "amount":
            field["description"] = _("Amount in %(currency)s, times %(scale)s", currency=municipality["currency"],
                                     scale=column.scale)
        fields.append(field)
    return Table(spec.key, str(spec.title), fields, values)


def data_package(document: dict[str, Any], plan_kind: PlanKind, registry: Registry, number: int, *,
                 municipality: Municipality, adopted_at: dt.datetime, homepage: str) -> dict[str, bytes]:
    """The files of the Data Package of a public document: ``datapackage.json``, one CSV per public table
    section, and the document itself (``plan.json``). Titles are in the municipality's language."""
    locale = document["municipality"]["default_locale"]
    with force_locale(locale):
        tables = [section_table(document, plan_kind, spec, registry) for spec in public_sections(plan_kind)
                  if spec.row_type is not RowType.TEXT]
        descriptor = _descriptor(document, plan_kind, number, municipality, adopted_at, homepage, tables, locale)
    files = {"datapackage.json": _json_bytes(descriptor), DOCUMENT_FILE: _json_bytes(document)}
    files.update((table.path, table.csv()) for table in tables)
    return files


def _descriptor(document: dict[str, Any], plan_kind: PlanKind, number: int, municipality: Municipality,
                adopted_at: dt.datetime, homepage: str, tables: list[Table], locale: str) -> dict[str, Any]:
    licence = LICENCES.get(municipality.licence or "")
    decision = document.get("council_decision") or {}
    resources: list[dict[str, Any]] = [
        {"name": table.name, "path": table.path, "title": table.title, "format": "csv", "mediatype": "text/csv",
         "encoding": "utf-8-sig", "schema": {"fields": table.fields}}
        for table in tables
    ]
    resources.append({"name": "plan-document", "path": DOCUMENT_FILE, "format": "json",
                      "mediatype": "application/json", "title": _("The plan document (socialplan plan format)")})
    descriptor: dict[str, Any] = {
        "name": package_name(document, number),
        "title": f"{translated(municipality.name, locale)}: {plan_title(document, plan_kind, locale)}",
        "description": _("Adopted revision %(number)s, council decision %(reference)s of %(date)s.", number=number,
                         reference=decision.get("reference") or "–", date=decision.get("date") or "–"),
        "homepage": homepage,
        "version": str(number),
        "created": adopted_at.replace(microsecond=0).isoformat() + "Z",
        "keywords": [str(plan_kind.name), str(document["year"]), municipality.slug],
        "contributors": [{"title": municipality.publisher or "", "role": "publisher"}],
        "resources": resources,
    }
    if licence is not None:
        descriptor["licenses"] = [{"name": licence.code, "path": licence.url, "title": str(licence.title)}]
    return descriptor


def _json_bytes(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8")


# A fixed time for the zip's members, so that one revision's package is the same bytes every time.
ZIP_TIME = (2000, 1, 1, 0, 0, 0)


def zipped(files: dict[str, bytes], folder: str) -> bytes:
    """The package as one zip, its files in ``folder``/ (the package's name)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            info = zipfile.ZipInfo(f"{folder}/{name}", ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return buffer.getvalue()


# --- the catalogue and the feed ------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One adopted revision of a public plan, with the absolute addresses of what is published of it."""

    municipality: Municipality
    plan: AnnualPlan
    plan_kind: PlanKind
    adoption: Adoption
    title: str
    page: str
    pdf: str | None
    package: str
    package_folder: str
    document: str
    latest: bool


def catalogue_entries(session: Session, registry: Registry, url_of: Callable[..., str],
                      has_pdf: Callable[[AnnualPlan], bool]) -> list[Entry]:
    """Every adopted revision of every published municipality, newest adoption first. ``url_of(endpoint,
    **values)`` makes absolute addresses; ``has_pdf(plan)`` tells whether the plan kind has a PDF."""
    entries = []
    for municipality in published_municipalities(session):
        locale = municipality.default_locale
        for plan, plan_kind in public_plans(session, registry, municipality):
            for adoption in adoptions(session, plan, plan_kind):
                values = {"slug": municipality.slug, "year": plan.year, "kind": plan.kind, "number": adoption.number}
                with force_locale(locale):
                    title = _("%(municipality)s: %(plan)s %(year)s, revision %(number)s",
                              municipality=translated(municipality.name, locale), plan=str(plan_kind.name),
                              year=plan.year, number=adoption.number)
                entries.append(Entry(
                    municipality, plan, plan_kind, adoption, title, url_of("public.revision", **values),
                    url_of("public.pdf", **values) if has_pdf(plan) else None, url_of("public.package", **values),
                    url_of("public.package_file", filename="datapackage.json", **values),
                    url_of("public.document", **values), adoption.number == plan.adopted_revision))
    return sorted(entries, key=lambda e: (e.adoption.at, e.municipality.slug, e.plan.year, e.plan.kind),
                  reverse=True)


def _iso(moment: dt.datetime) -> str:
    return moment.replace(microsecond=0).isoformat() + "Z"


def catalogue(entries: Sequence[Entry], *, home: str, feed: str, title: str) -> dict[str, Any]:
    """A data catalogue of the entries, in the Project Open Data (DCAT) JSON shape that CKAN's harvesters and
    data.gov.ro read: one dataset per adopted revision, with its HTML page, PDF, data package and document."""
    datasets = []
    for entry in entries:
        licence = LICENCES.get(entry.municipality.licence or "")
        distributions = [
            {"@type": "dcat:Distribution", "title": "HTML", "format": "HTML", "mediaType": "text/html",
             "accessURL": entry.page},
            {"@type": "dcat:Distribution", "title": "Data Package", "format": "ZIP", "mediaType": "application/zip",
             "downloadURL": entry.package, "conformsTo": "https://specs.frictionlessdata.io/data-package/",
             "describedBy": entry.package_folder, "describedByType": "application/json"},
            {"@type": "dcat:Distribution", "title": "JSON", "format": "JSON", "mediaType": "application/json",
             "downloadURL": entry.document},
        ]
        if entry.pdf:
            distributions.append({"@type": "dcat:Distribution", "title": "PDF", "format": "PDF",
                                  "mediaType": "application/pdf", "downloadURL": entry.pdf})
        decision = entry.adoption
        datasets.append({
            "@type": "dcat:Dataset",
            "identifier": entry.page,
            "title": entry.title,
            "description": _description(entry),
            "keyword": [str(entry.plan_kind.name), str(entry.plan.year), entry.municipality.slug],
            "issued": _iso(decision.at),
            "modified": _iso(decision.at),
            "publisher": {"@type": "org:Organization", "name": entry.municipality.publisher or ""},
            "accessLevel": "public",
            "license": licence.url if licence else None,
            "rights": licence.code if licence else None,
            "landingPage": entry.page,
            "temporal": f"{entry.plan.year}-01-01/{entry.plan.year}-12-31",
            "spatial": translated(entry.municipality.name, entry.municipality.default_locale),
            "language": [entry.municipality.default_locale],
            "isVersionOf": entry.page.rsplit("/r", 1)[0] + "/",
            "version": str(decision.number),
            "distribution": distributions,
        })
    return {"@context": "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld", "@type": "dcat:Catalog",
            "conformsTo": "https://project-open-data.cio.gov/v1.1/schema", "title": title, "homepage": home,
            "feed": feed, "dataset": datasets}


def _description(entry: Entry) -> str:
    locale = entry.municipality.default_locale
    with force_locale(locale):
        if entry.adoption.reference:
            return _("Adopted by council decision %(reference)s of %(date)s.", reference=entry.adoption.reference,
                     date=entry.adoption.date.isoformat() if entry.adoption.date else "–")
        return _("Adopted revision %(number)s.", number=entry.adoption.number)


ATOM = "http://www.w3.org/2005/Atom"


def atom_feed(entries: Sequence[Entry], *, feed_url: str, home: str, title: str) -> bytes:
    """An Atom feed (RFC 4287) of the adoptions, newest first: each links its page, PDF and data package."""
    ElementTree.register_namespace("", ATOM)

    def element(parent: ElementTree.Element, name: str, text: str | None = None, **attributes: str):
        child = ElementTree.SubElement(parent, f"{{{ATOM}}}{name}", attributes)
        if text is not None:
            child.text = text
        return child

    feed = ElementTree.Element(f"{{{ATOM}}}feed")
    element(feed, "id", feed_url)
    element(feed, "title", title)
    element(feed, "updated", _iso(max((e.adoption.at for e in entries), default=dt.datetime(2000, 1, 1))))
    element(feed, "link", rel="self", href=feed_url, type="application/atom+xml")
    element(feed, "link", rel="alternate", href=home, type="text/html")
    element(element(feed, "author"), "name", "socialplan")
    for entry in entries:
        item = element(feed, "entry")
        element(item, "id", entry.page)
        element(item, "title", entry.title)
        element(item, "updated", _iso(entry.adoption.at))
        element(item, "published", _iso(entry.adoption.at))
        element(element(item, "author"), "name", entry.municipality.publisher or "")
        element(item, "link", rel="alternate", href=entry.page, type="text/html",
                hreflang=entry.municipality.default_locale)
        if entry.pdf:
            element(item, "link", rel="enclosure", href=entry.pdf, type="application/pdf")
        element(item, "link", rel="enclosure", href=entry.package, type="application/zip")
        element(item, "summary", _description(entry))
        licence = LICENCES.get(entry.municipality.licence or "")
        if licence is not None:
            element(item, "rights", licence.code)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(feed, encoding="utf-8")
