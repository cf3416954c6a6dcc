"""The public pages (issue 15): a published municipality's adopted plans for anyone, without signing in.

``/public/`` lists the published municipalities; ``/public/<slug>/`` a municipality's adopted plans by year and
kind; ``/public/<slug>/<year>/<kind>/`` the latest adopted revision of a plan and ``…/r<N>/`` adopted revision N,
each as accessible HTML (headings in order, tables with header cells and captions, figures in the page's
language, the budget as an SVG chart with its figures as text, the council decision and the history of
adoptions; no JavaScript), with its PDF, the reports its plugins declare public (``…/r<N>/reports/<code>.pdf``,
``ReportKind.public``), plan document and Frictionless Data Package (a zip, or the package's
folder ``…/r<N>/data/``). ``/public/catalogue.json`` and ``/public/feed.atom`` list every adopted revision;
``/public/accessibility`` is the deployment's accessibility statement. What is public is decided in
:mod:`core.services.publication`.

The language is the URL's (``?lang=sv``; without it the municipality's own, and English where no municipality
is concerned), never the visitor's cookie or browser, so that an address always shows the same page and a
reverse proxy may cache it: answers carry an ETag (the digest of the body) and Last-Modified (when the revision
was adopted), ``Cache-Control: public`` and answer 304 to a matching ``If-None-Match``. They never read or write
the session (no cookie, no ``Vary: Cookie``). Rendered answers are kept in a per-process LRU under keys naming
everything they show (see :func:`core.services.publication.public_plan_key`), so a page served again costs one
query.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, current_app, g, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import select

from core.db import get_session
from core.i18n import LOCALES, format_money, format_percent, locale_display_name, translated
from core.models import AnnualPlan, Municipality, MunicipalityPlugin
from core.plugin_api import PlanKind, ReportKind, RowType, SectionSpec
from core.plugin_manager import get_registry
from core.services import publication
from core.web.cache import LRU

bp = Blueprint("public", __name__, url_prefix="/public")

CACHE_KEY = "socialplan.cache.public"
CACHE_SIZE = 512  # pages of ~50 kB: some 25 MB per worker at most
FILES_CACHE_SIZE = 32  # PDFs and data packages of a few hundred kB each
DEFAULT_MAX_AGE = 300  # seconds a browser or proxy may reuse an answer without asking (PUBLIC_MAX_AGE)
ERROR_MAX_AGE = 60


# --- the request: anonymous, in the URL's language ------------------------------------------------------


@bp.before_request
def _anonymous() -> None:
    """Nobody is signed in here, whatever cookie comes along: the session is never read, so no answer depends on
    it, none sets a cookie and none varies with one (a cached page is the same for everybody)."""
    g._login_user = current_app.login_manager.anonymous_user()


def _language(default: str) -> str:
    lang = request.args.get("lang")
    if lang is None:
        return default
    if lang not in LOCALES:
        abort(404)
    return lang


def public_view(default_locale: Callable[..., str] | None = None):
    """A view rendered in the URL's language (``?lang=``; else ``default_locale(**view_args)``, else English)."""

    def decorate(view):
        @wraps(view)
        def wrapped(**values):
            default = default_locale(**values) if default_locale else current_app.config.get("BABEL_DEFAULT_LOCALE",
                                                                                            "en")
            g.public_lang = _language(default if default in LOCALES else "en")
            with force_locale(g.public_lang):
                return view(**values)

        return wrapped

    return decorate


def _municipality_locale(slug: str, **_values: Any) -> str:
    locale = get_session().scalar(select(Municipality.default_locale).where(Municipality.slug == slug,
                                                                           Municipality.published.is_(True)))
    if locale is None:
        abort(404)
    return locale


@bp.after_request
def _cache_headers(response: Response) -> Response:
    """What proxies may keep: the pages and files (set by :func:`_answer`); an error page a short while."""
    if "Cache-Control" not in response.headers or response.status_code >= 400:
        response.headers["Cache-Control"] = f"public, max-age={ERROR_MAX_AGE}"
    return response


@bp.errorhandler(404)
def _not_found(_error):
    asked = request.args.get("lang")
    lang = g.get("public_lang") or (asked if asked in LOCALES else current_app.config.get("BABEL_DEFAULT_LOCALE"))
    lang = g.public_lang = lang if lang in LOCALES else "en"
    with force_locale(lang):
        return render_template("public/not_found.html", lang=lang, languages=_languages(None)), 404


@bp.route("/<path:_rest>")
def unknown(_rest: str):
    """Any other address under /public answers the public 404 page (not the signed-in site's, which sets a
    cookie)."""
    abort(404)


# --- cached answers -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """A rendered page or file, kept with its validators."""

    body: bytes
    mimetype: str
    modified: dt.datetime | None = None
    filename: str | None = None
    etag: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "etag", hashlib.sha256(self.body).hexdigest()[:32])


def _cache(files: bool) -> LRU:
    app = current_app._get_current_object()
    name = CACHE_KEY + (".files" if files else "")
    if name not in app.extensions:
        app.extensions[name] = LRU(FILES_CACHE_SIZE if files else CACHE_SIZE)
    return app.extensions[name]


def _cached(key: Hashable, build: Callable[[], Any], files: bool = False) -> Any:
    """What ``build`` made for ``key`` (made now when this process has not kept it); ``build`` answers None: 404.
    ``files``: big answers (PDFs, data packages), kept in a smaller cache of their own."""
    cache = _cache(files)
    value = cache.get(key)
    if value is None:
        value = build()
        if value is None:
            abort(404)
        cache.put(key, value)
    return value


def _answer(answer: Answer) -> Response:
    response = Response(answer.body, mimetype=answer.mimetype)
    response.set_etag(answer.etag)
    if answer.modified is not None:
        response.last_modified = answer.modified.replace(tzinfo=dt.UTC, microsecond=0)
    response.cache_control.public = True
    response.cache_control.max_age = int(current_app.config.get("PUBLIC_MAX_AGE", DEFAULT_MAX_AGE))
    if answer.mimetype.startswith("text/html"):
        response.headers["Content-Language"] = g.public_lang
    if answer.filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{answer.filename}"'
    return response.make_conditional(request)


def _html(template: str, modified: dt.datetime | None = None, **context: Any) -> Answer:
    body = render_template(template, lang=g.public_lang, **context)
    return Answer(body.encode("utf-8"), "text/html", modified)


# --- template helpers -----------------------------------------------------------------------------------


def public_tr(value: Any, fallback: str | None = None) -> Markup:
    """Translatable content in the page's language; a value only written in another language is shown in it,
    marked with its ``lang`` for screen readers (the page says once which language the plan is written in)."""
    if not value:
        return Markup("")
    if not isinstance(value, dict):
        return escape(value)
    lang = g.public_lang
    if value.get(lang):
        return escape(value[lang])
    source = fallback if fallback and value.get(fallback) else next((k for k, v in value.items() if v), None)
    if source is None:
        return Markup("")
    return Markup('<span lang="{}">{}</span>').format(source, value[source])


def paragraphs(value: Any, fallback: str | None = None) -> Markup:
    """Typed translatable text as paragraphs (a blank line starts a new one, a line break stays one), in the page's
    language; text only written in another language is shown in it, its block marked with that ``lang``."""
    if isinstance(value, dict):
        lang = g.public_lang
        source = lang if value.get(lang) else (fallback if fallback and value.get(fallback)
                                               else next((k for k, v in value.items() if v), None))
        text, marked = (value[source], source != lang) if source else ("", False)
    else:
        text, marked, source = str(value or ""), False, None
    blocks = [block.strip() for block in str(text).replace("\r\n", "\n").split("\n\n")]
    body = Markup("").join(Markup("<p>{}</p>").format(Markup("<br>").join(block.split("\n")))
                           for block in blocks if block)
    return Markup('<div lang="{}">{}</div>').format(source, body) if marked and body else body


def _languages(path_of: Callable[[str], str] | None) -> list[tuple[str, str]]:
    """(code, address) of the page in every language the deployment has a catalog for."""
    return [(code, path_of(code) if path_of else "") for code in LOCALES]


def _path_in(default: str) -> Callable[[str], str]:
    """The current address in another language: without ``?lang`` in the default one."""
    def path(code: str) -> str:
        return request.path if code == default else f"{request.path}?{urlencode({'lang': code})}"

    return path


def _absolute(endpoint: str, **values: Any) -> str:
    """An absolute address on the public site: under PUBLIC_BASE_URL when it is set, else this request's host."""
    base = (current_app.config.get("PUBLIC_BASE_URL") or request.host_url).rstrip("/")
    return base + url_for(endpoint, **values)


# --- the index and the accessibility statement ---------------------------------------------------------


@bp.route("/")
@public_view()
def index():
    rows = get_session().execute(select(Municipality.slug, Municipality.name, Municipality.default_locale)
                                 .where(Municipality.published.is_(True)).order_by(Municipality.slug)).all()
    shown = tuple((slug, json.dumps(name, sort_keys=True), locale) for slug, name, locale in rows)

    def build() -> Answer:
        items = [(slug, translated(name, g.public_lang, locale), locale) for slug, name, locale in rows]
        return _html("public/index.html", municipalities=items, languages=_languages(_path_in("en")))

    return _answer(_cached(("index", g.public_lang, shown), build))


@bp.route("/accessibility")
@public_view()
def accessibility():
    contact = current_app.config.get("PUBLIC_CONTACT") or ""

    def build() -> Answer:
        return _html("public/accessibility.html", contact=contact, languages=_languages(_path_in("en")))

    return _answer(_cached(("accessibility", g.public_lang, contact), build))


# --- a municipality's plans -----------------------------------------------------------------------------


def _report_code(plan_kind: PlanKind, municipality: Municipality) -> str | None:
    """The PDF of a plan on its public page: its plan kind's own report (code = plan kind), else the first one."""
    kinds = get_registry().report_kinds_for(municipality.enabled_plugins, plan_kind.code)
    own = next((kind.code for kind in kinds if kind.code == plan_kind.code), None)
    return own or (kinds[0].code if kinds else None)


def public_reports(plan_kind: PlanKind, municipality: Municipality) -> list[ReportKind]:
    """The reports offered beside the plan's own PDF: those its plugins declare public (``ReportKind.public``)."""
    own = _report_code(plan_kind, municipality)
    return [kind for kind in get_registry().report_kinds_for(municipality.enabled_plugins, plan_kind.code)
            if kind.public and kind.code != own]


@bp.route("/<slug>/")
@public_view(_municipality_locale)
def municipality(slug: str):
    session = get_session()
    shown = session.execute(
        select(Municipality.name, Municipality.licence, Municipality.publisher, AnnualPlan.id,
               AnnualPlan.adopted_revision)
        .outerjoin(AnnualPlan, (AnnualPlan.municipality_id == Municipality.id)
                   & AnnualPlan.adopted_revision.is_not(None))
        .where(Municipality.slug == slug, Municipality.published.is_(True)).order_by(AnnualPlan.id)).all()
    plugins = session.scalars(select(MunicipalityPlugin.plugin).join(Municipality)
                              .where(Municipality.slug == slug).order_by(MunicipalityPlugin.plugin)).all()
    key = ("municipality", slug, g.public_lang,
           tuple((json.dumps(r[0], sort_keys=True), *r[1:]) for r in shown), tuple(plugins))
    return _answer(_cached(key, lambda: _municipality_page(slug)))


def _municipality_page(slug: str) -> Answer | None:
    session, registry = get_session(), get_registry()
    found = publication.published_municipality(session, slug)
    if found is None:
        return None
    g.municipality = found
    years: dict[int, list[dict[str, Any]]] = {}
    for plan, plan_kind in publication.public_plans(session, registry, found):
        history = publication.adoptions(session, plan, plan_kind)
        latest = next((a for a in history if a.number == plan.adopted_revision), None)
        if latest is None:
            continue
        document = publication.public_document(session, plan, plan_kind, latest.number) or {}
        years.setdefault(plan.year, []).append({
            "plan": plan, "plan_kind": plan_kind, "adoption": latest, "history": history,
            "title": publication.plan_title(document, plan_kind, g.public_lang) if document else str(plan_kind.name),
            "pdf": _report_code(plan_kind, found) is not None, "reports": public_reports(plan_kind, found),
        })
    return _html("public/municipality.html", m=found, years=sorted(years.items(), reverse=True),
                 licence=publication.LICENCES.get(found.licence or ""),
                 languages=_languages(_path_in(found.default_locale)))


# --- a plan ---------------------------------------------------------------------------------------------


def _plan_key(slug: str, year: int, kind: str) -> tuple:
    """The public plan's cache key (see :func:`publication.public_plan_key`), read once per request."""
    if "public_plan_key" not in g:
        key = publication.public_plan_key(get_session(), get_registry(), slug, year, kind)
        if key is None:
            abort(404)
        g.public_plan_key = key
    return g.public_plan_key


def _plan_locale(slug: str, year: int, kind: str, **_values: Any) -> str:
    """A plan's pages speak its municipality's language by default: read with the key, in the same query."""
    return _plan_key(slug, year, kind)[5]


def _load(key: tuple) -> tuple[AnnualPlan, PlanKind]:
    plan = get_session().get(AnnualPlan, key[0])
    plan_kind = get_registry().plan_kind(plan.kind) if plan is not None else None
    if plan is None or plan_kind is None:
        abort(404)
    g.municipality = plan.municipality
    return plan, plan_kind


@bp.route("/<slug>/<int(min=1900, max=2200):year>/<kind>/")
@public_view(_plan_locale)
def plan(slug: str, year: int, kind: str):
    """The latest adopted revision of the plan."""
    key = _plan_key(slug, year, kind)
    return _answer(_cached(("plan", key, key[1], g.public_lang, True), lambda: _plan_page(key, key[1], True)))


@bp.route("/<slug>/<int(min=1900, max=2200):year>/<kind>/r<int:number>/")
@public_view(_plan_locale)
def revision(slug: str, year: int, kind: str, number: int):
    """Adopted revision ``number`` of the plan: its stable address."""
    key = _plan_key(slug, year, kind)
    return _answer(_cached(("plan", key, number, g.public_lang, False), lambda: _plan_page(key, number, False)))


@dataclass
class Group:
    """Sections under one chapter heading (or none): the page's outline."""

    chapter: Any
    sections: list[dict[str, Any]]


def _outline(document: dict[str, Any], plan_kind: PlanKind) -> list[Group]:
    from core.web.comparison import SectionReader
    from core.web.helpers import budget_totals, columns_of

    registry = get_registry()
    sources = registry.funding_sources(plan_kind.jurisdiction)
    currency = document["municipality"]["currency"]
    year = document["year"]
    groups: list[Group] = []
    for spec in publication.public_sections(plan_kind):
        content = document["sections"].get(spec.key) or {"rows": [], "text": {}, "footnote": {},
                                                         "not_applicable": False}
        rows = content.get("rows") or []
        # A chosen code (a level 'strategic', a status 'existing') in the words the section's forms offer it in.
        choices = SectionReader(registry, plan_kind, spec, year, currency, rows).choices if rows else {}
        shown = {"spec": spec, "content": content, "columns": columns_of(spec), "anchor": f"section-{spec.key}",
                 "choices": choices,
                 "totals": budget_totals(rows, sources, currency) if spec.row_type is RowType.SERVICE else None}
        if groups and groups[-1].chapter is spec.chapter:
            groups[-1].sections.append(shown)
        else:
            groups.append(Group(spec.chapter, [shown]))
    return groups


CHART_BAR_SPACE = 460  # pixels of the chart's 720 the widest bar takes; its figures are written after it


@dataclass(frozen=True)
class Bar:
    label: str
    value: str
    share: str
    length: float  # pixels: geometry only, the figures shown are the formatted Decimals


def budget_chart(document: dict[str, Any], plan_kind: PlanKind, sections: list[SectionSpec]) -> dict[str, Any] | None:
    """The plan's budget by funding source over its public service sections: bars and their text."""
    from core.web.helpers import budget_totals

    sources = get_registry().funding_sources(plan_kind.jurisdiction)
    names = {source.code: str(source.name) for source in sources}
    currency = document["municipality"]["currency"]
    rows = [row for spec in sections if spec.row_type is RowType.SERVICE
            for row in (document["sections"].get(spec.key) or {}).get("rows") or []]
    totals = budget_totals(rows, sources, currency)
    if totals is None or not totals.total:
        return None
    widest = max(totals.by_source.values())
    bars = [Bar(names.get(code, code), format_money(amount, currency),
                format_percent(totals.share(amount) or 0, 1),
                round(float(amount / widest) * CHART_BAR_SPACE, 1) if widest > 0 and amount > 0 else 0.0)
            for code, amount in totals.by_source.items()]
    summary = "; ".join(f"{bar.label}: {bar.value} ({bar.share})" for bar in bars)
    return {"bars": bars, "total": format_money(totals.total, currency), "unit": totals.unit_label,
            "summary": summary, "height": 52 * len(bars) + 10}


def _only_in(value: Any, lang: str) -> set[str]:
    """The languages of the plan's texts that have no version in ``lang`` (shown as written, with their lang)."""
    found: set[str] = set()
    if isinstance(value, dict):
        texts = {key: text for key, text in value.items() if key in LOCALES and isinstance(text, str) and text}
        if texts and len(texts) == len(value) and lang not in texts:
            return set(texts)
        for item in value.values():
            found |= _only_in(item, lang)
    elif isinstance(value, list):
        for item in value:
            found |= _only_in(item, lang)
    return found


def _plan_page(key: tuple, number: int, latest: bool) -> Answer | None:
    session = get_session()
    plan, plan_kind = _load(key)
    document = publication.public_document(session, plan, plan_kind, number)
    if document is None:
        return None
    history = publication.adoptions(session, plan, plan_kind)
    adoption = next(a for a in history if a.number == number)
    municipality = plan.municipality
    values = {"slug": municipality.slug, "year": plan.year, "kind": plan.kind, "number": number}
    report = _report_code(plan_kind, municipality)
    written_in = sorted(_only_in(document, g.public_lang))
    return _html(
        "public/plan.html", adoption.at, m=municipality, plan=plan, plan_kind=plan_kind, document=document,
        number=number, latest=latest, adoption=adoption, history=history, groups=_outline(document, plan_kind),
        chart=budget_chart(document, plan_kind, list(publication.public_sections(plan_kind))),
        title=publication.plan_title(document, plan_kind, g.public_lang), values=values, report=report,
        reports=public_reports(plan_kind, municipality),
        currency=municipality.currency, licence=publication.LICENCES.get(municipality.licence or ""),
        written_names=", ".join(locale_display_name(code) for code in written_in),
        languages=_languages(_path_in(municipality.default_locale)),
        canonical=url_for("public.revision", **values),
    )


# --- the plan's files -----------------------------------------------------------------------------------


@bp.route("/<slug>/<int(min=1900, max=2200):year>/<kind>/r<int:number>/plan.pdf")
@public_view(_plan_locale)
def pdf(slug: str, year: int, kind: str, number: int):
    """The PDF of adopted revision ``number``, in the URL's language."""
    key = _plan_key(slug, year, kind)
    base = current_app.config.get("PUBLIC_BASE_URL") or request.host_url
    return _answer(_cached(("pdf", key, number, g.public_lang, base), lambda: _pdf(key, number), files=True))


@bp.route("/<slug>/<int(min=1900, max=2200):year>/<kind>/r<int:number>/reports/<report>.pdf")
@public_view(_plan_locale)
def report_pdf(slug: str, year: int, kind: str, number: int, report: str):
    """A public report of adopted revision ``number`` (``ReportKind.public``), in the URL's language; any other
    report code answers 404."""
    key = _plan_key(slug, year, kind)
    base = current_app.config.get("PUBLIC_BASE_URL") or request.host_url
    cached = ("report", key, number, report, g.public_lang, base)
    return _answer(_cached(cached, lambda: _pdf(key, number, report), files=True))


def _pdf(key: tuple, number: int, public: str | None = None) -> Answer | None:
    """The PDF of adopted revision ``number``: the plan's own report, or the public report ``public``."""
    from core.reports import UnknownReportKind, render_report

    session = get_session()
    plan, plan_kind = _load(key)
    if public is None:
        report = _report_code(plan_kind, plan.municipality)
    else:
        report = public if public in {kind.code for kind in public_reports(plan_kind, plan.municipality)} else None
    if report is None or publication.public_document(session, plan, plan_kind, number) is None:
        return None
    try:
        body = render_report(session, plan, report, g.public_lang, revision=number)
    except UnknownReportKind:
        return None
    adoption = next(a for a in publication.adoptions(session, plan, plan_kind) if a.number == number)
    name = f"{plan.municipality.slug}-{plan.year}-{report}-r{number}-{g.public_lang}.pdf"
    return Answer(body, "application/pdf", adoption.at, name)


def _package_files(key: tuple, number: int) -> dict[str, Answer] | None:
    session = get_session()
    plan, plan_kind = _load(key)
    document = publication.public_document(session, plan, plan_kind, number)
    if document is None:
        return None
    adoption = next(a for a in publication.adoptions(session, plan, plan_kind) if a.number == number)
    values = {"slug": plan.municipality.slug, "year": plan.year, "kind": plan.kind, "number": number}
    files = publication.data_package(document, plan_kind, get_registry(), number, municipality=plan.municipality,
                                     adopted_at=adoption.at, homepage=_absolute("public.revision", **values))
    name = publication.package_name(document, number)
    answers = {filename: Answer(content, _mimetype(filename), adoption.at) for filename, content in files.items()}
    answers[""] = Answer(publication.zipped(files, name), "application/zip", adoption.at, f"{name}.zip")
    return answers


def _mimetype(filename: str) -> str:
    return "text/csv" if filename.endswith(".csv") else "application/json"


def _package(slug: str, year: int, kind: str, number: int) -> dict[str, Answer]:
    key = _plan_key(slug, year, kind)
    base = current_app.config.get("PUBLIC_BASE_URL") or request.host_url
    return _cached(("package", key, number, base), lambda: _package_files(key, number), files=True)


@bp.route("/<slug>/<int(min=1900, max=2200):year>/<kind>/r<int:number>/plan.json")
@public_view(_plan_locale)
def document(slug: str, year: int, kind: str, number: int):
    """The public plan document of adopted revision ``number`` (the plan format, public sections only)."""
    return _answer(_package(slug, year, kind, number)[publication.DOCUMENT_FILE])


@bp.route("/<slug>/<int(min=1900, max=2200):year>/<kind>/r<int:number>/datapackage.zip")
@public_view(_plan_locale)
def package(slug: str, year: int, kind: str, number: int):
    return _answer(_package(slug, year, kind, number)[""])


@bp.route("/<slug>/<int(min=1900, max=2200):year>/<kind>/r<int:number>/data/<filename>")
@public_view(_plan_locale)
def package_file(slug: str, year: int, kind: str, number: int, filename: str):
    """The data package as a folder: ``datapackage.json`` and the files it names, beside it."""
    files = _package(slug, year, kind, number)
    if not filename or filename not in files:
        abort(404)
    return _answer(files[filename])


@bp.route("/<slug>/<int(min=1900, max=2200):year>/<kind>/r<int:number>/documents/<document>.<fmt>")
@public_view(_plan_locale)
def council_document(slug: str, year: int, kind: str, number: int, document: str, fmt: str):
    """A council document of adopted revision ``number`` (PDF or DOCX, in the URL's language), made from the public
    document only (core.services.council_documents)."""
    key = _plan_key(slug, year, kind)
    base = current_app.config.get("PUBLIC_BASE_URL") or request.host_url
    cached = ("council-document", key, number, document, fmt, g.public_lang, base)
    return _answer(_cached(cached, lambda: _council_document(key, number, document, fmt), files=True))


def _council_document(key: tuple, number: int, document: str, fmt: str) -> Answer | None:
    from core.services.council_documents import NoSuchDocument, render

    session = get_session()
    plan, plan_kind = _load(key)
    try:
        rendered = render(session, get_registry(), plan, document, fmt, g.public_lang, number, public=True)
    except NoSuchDocument:
        return None
    adoption = next(a for a in publication.adoptions(session, plan, plan_kind) if a.number == number)
    return Answer(rendered.body, rendered.mimetype, adoption.at, rendered.filename)


# --- the catalogue and the feed -------------------------------------------------------------------------


def _catalogue_key() -> tuple:
    session = get_session()
    plans = session.execute(
        select(Municipality.slug, Municipality.name, Municipality.licence, Municipality.publisher,
               AnnualPlan.id, AnnualPlan.adopted_revision)
        .join(AnnualPlan, AnnualPlan.municipality_id == Municipality.id)
        .where(Municipality.published.is_(True), AnnualPlan.adopted_revision.is_not(None))
        .order_by(AnnualPlan.id)).all()
    plugins = session.execute(select(MunicipalityPlugin.municipality_id, MunicipalityPlugin.plugin)
                              .join(Municipality).where(Municipality.published.is_(True))
                              .order_by(MunicipalityPlugin.municipality_id, MunicipalityPlugin.plugin)).all()
    base = current_app.config.get("PUBLIC_BASE_URL") or request.host_url
    return base, tuple((r[0], json.dumps(r[1], sort_keys=True), *r[2:]) for r in plans), tuple(map(tuple, plugins))


def _entries() -> list[publication.Entry]:
    session = get_session()

    def has_pdf(plan: AnnualPlan) -> bool:
        plan_kind = get_registry().plan_kind(plan.kind)
        return plan_kind is not None and _report_code(plan_kind, plan.municipality) is not None

    return publication.catalogue_entries(session, get_registry(), _absolute, has_pdf)


@bp.route("/catalogue.json")
@public_view()
def catalogue():
    """Every adopted revision of every published municipality as a data catalogue (DCAT-style JSON)."""
    def build() -> Answer:
        data = publication.catalogue(_entries(), home=_absolute("public.index"), feed=_absolute("public.feed"),
                                     title=_("Adopted social services plans"))
        return Answer(publication._json_bytes(data), "application/json")

    return _answer(_cached(("catalogue", g.public_lang, _catalogue_key()), build))


@bp.route("/feed.atom")
@public_view()
def feed():
    """Newly adopted plans, newest first, as an Atom feed."""
    def build() -> Answer:
        body = publication.atom_feed(_entries(), feed_url=_absolute("public.feed"), home=_absolute("public.index"),
                                     title=_("Adopted social services plans"))
        return Answer(body, "application/atom+xml")

    return _answer(_cached(("feed", g.public_lang, _catalogue_key()), build))


class _NoVaryOnCookie:
    """WSGI middleware: a public answer that sets no cookie does not vary with one. (Flask marks every response
    ``Vary: Cookie`` once anything looked at the session, as Flask-Login's after-request hook always does; the
    public pages never read it, so a proxy may keep one copy of each for everybody.)"""

    def __init__(self, app: Any, prefix: str) -> None:
        self.app, self.prefix = app, prefix

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if not environ.get("PATH_INFO", "").startswith(self.prefix):
            return self.app(environ, start_response)

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            if not any(name.lower() == "set-cookie" for name, _value in headers):
                headers = [(name, value) for name, value in headers if name.lower() != "vary"] + [
                    ("Vary", ", ".join(kept)) for name, value in headers if name.lower() == "vary"
                    if (kept := [v.strip() for v in value.split(",") if v.strip().lower() != "cookie"])]
            return start_response(status, headers, exc_info)

        return self.app(environ, start)


def init_app(app) -> None:
    """Register the blueprint, the template helpers its pages use and the middleware that keeps them cacheable."""
    app.register_blueprint(bp)
    app.jinja_env.globals.update(public_tr=public_tr, public_paragraphs=paragraphs)
    app.wsgi_app = _NoVaryOnCookie(app.wsgi_app, bp.url_prefix + "/")
