"""Each catalog answers for its own text (issue 12): core's code and templates translate with core's
catalog (domain "messages"), each plugin's with its own domain, so a msgid two catalogs translate
differently reads as each one means it: on Swedish pages core's "Reference" and "State" stay core's,
the Swedish plugin's own pages say "Diarienummer" and "Läge"; in Romanian core's "Cancel" is core's."""

from __future__ import annotations

import datetime as dt
import html
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import flask_babel
import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import render_template_string
from flask_babel import force_locale
from sqlalchemy import select, text
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from core.db import get_session
from core.demo import DEMO_ADMIN, DEMO_PASSWORD
from core.hookspecs import hookimpl
from core.i18n import plugin_domain, translations_for
from core.models import AnnualPlan, Municipality, User
from core.plugin_api import PlanKind, RowType, SectionSpec, WorkflowStep
from core.plugin_manager import PluginConflict
from core.services.accounts import create_municipality, create_user, set_plugin_enabled
from core.services.plans import add_row, create_plan, take_step
from core.testing import login

ROOT = Path(__file__).resolve().parent.parent
CORE = "messages"
LOCALES = ("sv", "ro")
MIXED = "tarm-ost"  # a municipality of this test's own, with both plugins switched on
MIXED_NAME = {"en": "Tărâm & <Östra> \"Sala\"", "sv": "Tărâm & <Östra> \"Sala\"", "ro": "Tărâm & <Östra> \"Sala\""}
MIXED_PLANNER, MIXED_VIEWER = "planificator@tarm-ost.test", "o'brien.consilier@tarm-ost.test"


# --- the catalogs, read from the .po files ----------------------------------------------------------------

def _po_files(locale: str) -> dict[str, Path]:
    """domain -> its .po file for ``locale``: core's and every plugin's."""
    files = {CORE: ROOT / "translations" / locale / "LC_MESSAGES" / f"{CORE}.po"}
    for path in sorted(ROOT.glob(f"plugins/*/translations/{locale}/LC_MESSAGES/*.po")):
        files[path.stem] = path
    return files


@cache
def catalogs(locale: str) -> dict[str, dict[str, str]]:
    """domain -> msgid -> translation (a plural message by its singular and first form)."""
    answer = {}
    for domain, path in _po_files(locale).items():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        answer[domain] = {
            (m.id if isinstance(m.id, str) else m.id[0]): (m.string if isinstance(m.string, str) else m.string[0])
            for m in catalog if m.id and m.string and (isinstance(m.string, str) or m.string[0])
        }
    return answer


@cache
def collisions(locale: str) -> dict[str, dict[str, str]]:
    """Every msgid that two domains translate differently, with each domain's translation."""
    by_msgid: dict[str, dict[str, str]] = defaultdict(dict)
    for domain, messages in catalogs(locale).items():
        for msgid, translation in messages.items():
            by_msgid[msgid][domain] = translation
    return {msgid: texts for msgid, texts in by_msgid.items() if len(set(texts.values())) > 1}


def test_catalogs_collide_where_the_issue_says():
    sv, ro = collisions("sv"), collisions("ro")
    assert sv["Reference"] == {CORE: "Hänvisning", "sweden": "Diarienummer"}
    assert sv["State"] == {CORE: "Status", "sweden": "Läge"}
    assert ro["Cancel"] == {CORE: "Anulează", "sweden": "Renunțați"}
    # Between two plugins, too.
    assert {"romania", "sweden"} <= set(sv["Other sources"])


# --- the known collisions, as the pages read ---------------------------------------------------------------

def _text(response) -> str:
    assert response.status_code == 200, response.request.path
    return html.unescape(response.get_data(as_text=True))


def _signed_in(client, locale: str, email: str = DEMO_ADMIN):
    login(client, email, DEMO_PASSWORD)
    with client.session_transaction() as session:
        session["locale"] = locale
    return client


def _plan_id(app, slug: str, kind: str | None = None) -> int:
    with app.app_context():
        query = select(AnnualPlan.id).join(Municipality).where(Municipality.slug == slug)
        return get_session().scalar(query.where(AnnualPlan.kind == kind) if kind else query)


def _first_case_url(client, slug: str) -> str:
    match = re.search(rf'href="(/m/{slug}/sweden/cases/\d+)"', client.get(f"/m/{slug}/sweden/cases").get_data(True))
    assert match, "the demo has a deficiency case"
    return match.group(1)


def test_swedish_pages_show_core_reference_and_state_as_core_translates_them(make_app, demo_database_url, tmp_path):
    # Core's column "Reference" is shown where a section of objectives names no columns of its own (no demo
    # plan kind does): the tiny plugin's plan kind, in a Swedish municipality that has the Swedish plugin on.
    app = make_app(demo_database_url, extra_plugins=[("tiny", _tiny_plugin(tmp_path))])
    registry = app.extensions["socialplan.registry"]
    with app.app_context():
        session = get_session()
        stockholm = session.scalar(select(Municipality).where(Municipality.slug == "stockholm"))
        set_plugin_enabled(session, registry, stockholm, "tiny", True)
        plan = create_plan(session, registry, stockholm, 2027, TINY_PLAN, None)
        add_row(session, registry, plan, "goals", {"level": "strategic", "text": {"sv": "Trygg & <säker> vård"},
                                                    "reference": {"sv": "Dnr \"2027/1\""}}, None)
        session.commit()
        plan_id = plan.id
    client = _signed_in(app.test_client(), "sv")
    goals = _text(client.get(f"/m/stockholm/plans/{plan_id}/sections/goals"))
    assert '<th scope="col">Hänvisning</th>' in goals and "Diarienummer" not in goals
    assert "Mål för de små" in goals  # the section's title: a lazy string of the tiny plugin's domain
    lex_sarah = _text(client.get("/m/stockholm/sweden/lex-sarah"))
    assert re.search(r"<label[^>]*>\s*Diarienummer", lex_sarah) and "Hänvisning" not in lex_sarah
    # Core's "State" of the accounts list and the plugin switches.
    for url in ("/admin/users", "/admin/municipalities/stockholm/plugins"):
        page = _text(client.get(url))
        assert ">Status<" in page and "Läge" not in page, url


def test_the_swedish_plugin_pages_say_diarienummer_and_lage(demo_client):
    client = _signed_in(demo_client, "sv")
    lex_sarah = _text(client.get("/m/stockholm/sweden/lex-sarah"))
    assert re.search(r"<label[^>]*>\s*Diarienummer", lex_sarah)
    case = _text(client.get(_first_case_url(client, "stockholm")))
    assert "<dt>Läge</dt>" in case and "<dt>Status</dt>" not in case
    # ... while the page's frame (core's base.html, which the plugin's template extends) stays core's.
    assert "Logga ut" in case and "Logga ut" in lex_sarah


def test_core_cancel_in_romanian_is_cores_on_every_page(demo_app, demo_client):
    client = _signed_in(demo_client, "ro")
    plan = _plan_id(demo_app, "piatra-neamt")
    stockholm_plan = _plan_id(demo_app, "stockholm")
    with demo_app.app_context():
        user = get_session().scalar(select(User.id).where(User.email == DEMO_ADMIN))
    urls = ["/account/password", "/admin/municipalities/new", "/admin/users/new", f"/admin/users/{user}",
            f"/m/piatra-neamt/plans/{plan}/title", f"/m/piatra-neamt/plans/{plan}/sections/objectives/rows/new",
            f"/m/stockholm/plans/{stockholm_plan}/title"]
    for url in urls:
        page = _text(client.get(url))
        assert ">Anulează<" in page and "Renunțați" not in page, url
    # The Swedish plugin's own confirmation page keeps the plugin's word.
    unit = re.search(r'href="(/m/stockholm/sweden/units/\d+)"', client.get("/m/stockholm/sweden/units").get_data(True))
    page = _text(client.get(unit.group(1) + "/remove"))
    assert ">Renunțați<" in page


def test_text_a_plugin_hands_to_core_reads_in_the_plugins_words(demo_app, demo_client):
    ro = catalogs("ro")
    client = _signed_in(demo_client, "ro")
    plan = _plan_id(demo_app, "piatra-neamt")
    overview = _text(client.get(f"/m/piatra-neamt/plans/{plan}/"))
    # A section title of the Romanian plan kind (a lazy string of the plugin's domain) on core's page.
    assert ro["romania"]["Strategic and operational objectives"] in overview
    sv_client = _signed_in(demo_app.test_client(), "sv")
    dashboard = _text(sv_client.get("/m/stockholm/"))
    assert catalogs("sv")["sweden"]["Follow-ups and deficiency cases"] in dashboard


def test_no_plugin_module_translates_with_flask_babel_directly():
    """Flask-Babel's gettext functions translate with core's catalog: a plugin uses its own i18n module."""
    offenders = [
        str(path.relative_to(ROOT)) for path in ROOT.glob("plugins/*/**/*.py")
        if "tests" not in path.relative_to(ROOT).parts
        and re.search(r"^from flask_babel import .*\b(gettext|lazy_gettext|ngettext|lazy_ngettext)\b",
                      path.read_text(encoding="utf-8"), re.MULTILINE)
    ]
    assert offenders == []


# --- every page, as every role, in Swedish and Romanian: who answered each message ---------------------

@dataclass(frozen=True)
class Answer:
    domain: str  # the domain whose catalog answered
    msgid: str
    text: str  # its translation
    origin: str | None  # the project file (module or template) whose code asked, None when unknown
    lazy: bool  # asked through a lazy string (it carries the domain it was made with)


@dataclass
class Recorder:
    page: str = ""
    answers: dict[str, set[Answer]] = field(default_factory=lambda: defaultdict(set))

    def record(self, domain: str, msgid: str, translation: str) -> str:
        if self.page and msgid:
            self.answers[self.page].add(Answer(domain, msgid, translation, *_caller()))
        return translation


LIBRARIES = tuple(str(Path(module.__file__).resolve().parent) for module in (flask_babel, sys.modules["jinja2"]))
# The domain machinery itself: neither asks for a message of its own.
MACHINERY = ("PluginTranslations.", "_template_callables.")


def _caller() -> tuple[str | None, bool]:
    """The innermost project file on the stack below the catalog lookup, and whether a lazy string
    was resolved on the way there."""
    frame, lazy = sys._getframe(1), False
    while frame is not None:
        name = frame.f_code.co_filename
        if name.endswith("speaklater.py"):
            lazy = True
        elif name.startswith(str(ROOT)) and ".venv" not in name and not name.startswith(str(ROOT / "tests")) \
                and not (name.endswith("core/i18n.py") and frame.f_code.co_qualname.startswith(MACHINERY)):
            return name, lazy
        frame = frame.f_back
    return None, lazy


class RecordingTranslations:
    """A domain's translations that tell the recorder which domain answered which msgid."""

    def __init__(self, translations: Any, domain: str, recorder: Recorder) -> None:
        self._translations, self._domain, self._recorder = translations, domain, recorder

    def ugettext(self, message: str) -> str:
        return self._recorder.record(self._domain, message, self._translations.ugettext(message))

    def ungettext(self, singular: str, plural: str, num: int) -> str:
        return self._recorder.record(self._domain, singular, self._translations.ungettext(singular, plural, num))

    def upgettext(self, context: str, message: str) -> str:
        return self._recorder.record(self._domain, message, self._translations.upgettext(context, message))

    def unpgettext(self, context: str, singular: str, plural: str, num: int) -> str:
        translation = self._translations.unpgettext(context, singular, plural, num)
        return self._recorder.record(self._domain, singular, translation)

    gettext, ngettext, pgettext, npgettext = ugettext, ungettext, upgettext, unpgettext

    def __getattr__(self, name: str) -> Any:
        return getattr(self._translations, name)


@pytest.fixture
def recorder(monkeypatch) -> Recorder:
    recording = Recorder()
    original = flask_babel.Domain.get_translations

    def get_translations(domain: flask_babel.Domain) -> RecordingTranslations:
        return RecordingTranslations(original(domain), domain.domain[0], recording)

    monkeypatch.setattr(flask_babel.Domain, "get_translations", get_translations)
    return recording


def origin_domains(app) -> list[tuple[str, str]]:
    """(folder, domain) of every project folder whose code or templates translate: core's code and
    templates with core's catalog, each plugin's package (templates included) with its first domain."""
    registry = app.extensions["socialplan.registry"]
    folders = [(str(ROOT / "core"), CORE), (str(ROOT / "templates"), CORE)]
    for name, module in registry.pm.list_name_plugin():
        catalogs_of = registry.call_plugin(name, "socialplan_translation_dirs") or []
        if not catalogs_of or not getattr(module, "__file__", None):
            continue
        domain = catalogs_of[0][1]
        folders.append((str(Path(module.__file__).resolve().parent), domain))
        folders += [(str(Path(folder).resolve()), domain)
                    for folder in registry.call_plugin(name, "socialplan_template_dirs") or []]
    return sorted(folders, key=lambda entry: len(entry[0]), reverse=True)


def _domain_of(origin: str, folders: list[tuple[str, str]]) -> str | None:
    return next((domain for folder, domain in folders if origin.startswith(folder + "/")), None)


# Rules no page can be asked for with a GET built from the demo: why.
SKIPPED = {
    "static": "static files hold no text to translate",
    "sweden.case_step_confirm": "no demo case stands where a contract may be terminated (the only step it asks for)",
    "public.package_file": "the demo publishes no municipality; tests/test_public_privacy.py walks every public file",
    "public.council_document": "the demo publishes no municipality; a PDF or DOCX holds no page text: "
                               "tests/test_council_documents.py reads each in every language",
    "public.unknown": "the public catch-all answers its 404 page to any other address: no link leads there",
    "public.report_pdf": "the demo publishes no municipality; a public report is a PDF: "
                         "plugins/sweden/tests/test_public_results.py reads it in every language",
}
# The plugins' own ids a URL takes, by the table that holds them per municipality (two of each are enough).
PLUGIN_IDS = {"unit_id": "se_unit", "case_id": "se_deficiency_case", "goal_id": "se_quality_goal",
              "template_id": "se_question_template"}
# Downloads: rendered too (their headers and PDFs translate), once per plan and locale, as the admin.
DOWNLOADS = {"plans.report", "tables.download", "plans.revision_json"}
PER_RULE = 3  # pages of one rule (other ids) a crawl follows from links, beyond the ones built from the database
HREF = re.compile(r'href="(/[^"#]*)"')


def _mixed_municipality(app) -> None:
    """A municipality of this test's own: both plugins on, a name with quotes, &, < and diacritics, a Romanian
    plan with a row of such text in public consultation, a submitted Swedish follow-up plan, a planner without a
    language of their own and a viewer."""
    registry = app.extensions["socialplan.registry"]
    with app.app_context():
        session = get_session()
        municipality = create_municipality(session, MIXED, MIXED_NAME, "RO", "ro", "RON")
        for plugin in ("romania", "sweden"):
            set_plugin_enabled(session, registry, municipality, plugin, True)
        create_user(session, MIXED_PLANNER, DEMO_PASSWORD, "planner", municipality, None)
        create_user(session, MIXED_VIEWER, DEMO_PASSWORD, "viewer", municipality, "sv")
        kind = next(code for code, (plugin, _kind) in registry.plan_kinds.items() if plugin == "romania")
        plan = create_plan(session, registry, municipality, 2027, kind, None)
        section = next(spec for spec in registry.plan_kind(kind).sections if spec.key == "objectives")
        row = {"level": "strategic", "text": {"ro": "Îngrijire & <acasă> „bună”"},
               "reference": {"ro": "HCL nr. 7 \"bis\""}}
        add_row(session, registry, plan, section.key, row, None)
        take_step(session, registry, plan, "start-consultation",
                  {"consultation_start": dt.date(2027, 1, 10), "consultation_end": dt.date(2027, 2, 10)}, None)
        # A Swedish plan waiting for its decision: its "Return to draft" collides with the Romanian plan's.
        followup = create_plan(session, registry, municipality, 2027, "followup-plan", None)
        take_step(session, registry, followup, "submit", {}, None)
        session.commit()


def seed_urls(app, slugs: list[str] | None, locale: str) -> tuple[list[str], set[str]]:
    """Every GET page of the url map that the database fills (municipalities, plans, their sections, steps,
    revisions, reports and tables, users, the plugins' units, cases, goals and templates), for the
    municipalities ``slugs`` (None: all); and the rules it cannot fill."""
    registry = app.extensions["socialplan.registry"]
    with app.app_context():
        session = get_session()
        municipalities = [m for m in session.scalars(select(Municipality)) if slugs is None or m.slug in slugs]
        contexts = [{}] + [{"user_id": user} for user in session.scalars(select(User.id).limit(2))]
        contexts.append({"anything": "no-such-resource"})
        for m in municipalities:
            base = {"municipality": m.slug, "slug": m.slug, "_plugins": set(m.enabled_plugins)}
            contexts.append(base)
            contexts += [{**base, "year": dt.date.today().year, "fmt": "csv"}]
            for argument, table in PLUGIN_IDS.items():
                ids = session.scalars(text(f"SELECT id FROM {table} WHERE municipality_id = :m ORDER BY id LIMIT 2"),
                                      {"m": m.id})
                contexts += [{**base, argument: id_} for id_ in ids]
            for plan in session.scalars(select(AnnualPlan).where(AnnualPlan.municipality_id == m.id)):
                contexts += _plan_contexts(registry, plan, base, locale)
    urls, unfilled = [], set()
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in SKIPPED:
            continue
        plugin = rule.endpoint.split(".")[0]
        built = {adapter.build(rule.endpoint, {k: c[k] for k in rule.arguments}) for c in contexts
                 if rule.arguments <= c.keys() and (plugin not in registry.plugin_names or plugin in c["_plugins"])}
        urls += sorted(built)
        if not built:
            unfilled.add(rule.endpoint)
    return urls, unfilled


def _plan_contexts(registry, plan: AnnualPlan, base: dict, locale: str) -> list[dict]:
    kind = registry.plan_kind(plan.kind)
    plan_context = {**base, "plan_id": plan.id, "year": plan.year, "kind": plan.kind}
    contexts = [plan_context]
    for spec in kind.sections:
        contexts.append({**plan_context, "section": spec.key, "index": 0, "fmt": "csv"})
    contexts += [{**plan_context, "step": step.code} for step in kind.workflow]
    contexts += [{**plan_context, "number": revision.number} for revision in plan.revisions[-1:]]
    contexts += [{**plan_context, "report": report.code, "report_kind": report.code, "lang": locale}
                 for report in registry.report_kinds_for({registry.plugin_of_plan_kind(plan.kind)}, plan.kind)]
    return contexts


@dataclass
class Crawl:
    visited: set[str] = field(default_factory=set)
    endpoints: set[str] = field(default_factory=set)
    failures: list[str] = field(default_factory=list)


def crawl(app, client, recorder: Recorder, role: str, seeds: list[str], downloads: bool) -> Crawl:
    """Every seed page, then the pages their links reach (at most PER_RULE per rule)."""
    adapter, result, per_rule = app.url_map.bind("localhost"), Crawl(), defaultdict(int)
    queue = list(dict.fromkeys(seeds))
    queued = set(queue)
    while queue:
        url = queue.pop(0)
        endpoint = _endpoint(adapter, url)
        if endpoint is None or (endpoint in DOWNLOADS and not downloads):
            continue
        result.visited.add(url)
        result.endpoints.add(endpoint)
        recorder.page = f"{role} {url}"
        response = client.get(url)
        recorder.page = ""
        if response.status_code >= 500:
            result.failures.append(f"{role} {url}: {response.status_code}")
        if response.mimetype != "text/html":
            continue
        for link in dict.fromkeys(html.unescape(href) for href in HREF.findall(response.get_data(as_text=True))):
            linked = _endpoint(adapter, link)
            if linked and link not in queued and per_rule[linked] < PER_RULE and linked not in SKIPPED:
                per_rule[linked] += 1
                queued.add(link)
                queue.append(link)
    return result


def _endpoint(adapter, url: str) -> str | None:
    try:
        return adapter.match(url.split("?")[0], method="GET")[0]
    except RequestRedirect as redirect:
        return _endpoint(adapter, redirect.new_url.split("localhost", 1)[-1])
    except HTTPException:
        return None


def _accounts(app) -> list[tuple[str, str, str | None]]:
    """(role, e-mail, municipality) to crawl as: the administrator, and the planner and viewer of the
    Romanian demo municipality, of one Swedish one and of this test's own."""
    with app.app_context():
        rows = get_session().execute(select(User.role, User.email, Municipality.slug).join(Municipality)
                                     .where(Municipality.slug.in_(["piatra-neamt", "stockholm", MIXED])))
        accounts = [("admin", DEMO_ADMIN, None), *sorted(tuple(row) for row in rows)]
    assert {role for role, _email, _slug in accounts} == {"admin", "planner", "viewer"}
    return accounts


@pytest.mark.parametrize("locale", LOCALES)
def test_every_page_translates_each_message_with_its_own_domain(demo_app, recorder, locale):
    _mixed_municipality(demo_app)
    folders = origin_domains(demo_app)
    visited = set()
    for role, email, slug in _accounts(demo_app):
        seeds, unfilled = seed_urls(demo_app, None if slug is None else [slug], locale)
        client = _signed_in(demo_app.test_client(), locale, email)
        result = crawl(demo_app, client, recorder, f"{role} {email}", seeds, downloads=role == "admin")
        assert not result.failures, result.failures
        visited |= result.visited
        if slug is None:  # the administrator reaches every municipality: every rule is built or linked
            never = sorted(unfilled - result.endpoints)
            assert never == [], f"rules neither built from the demo's ids nor linked from a page: {never}"
    assert len(visited) > 150
    wrong, seen = misanswered(recorder, folders, locale)
    assert not wrong, f"{len(wrong)} messages translated by another catalog than their code's: {wrong[:12]}"
    # Not vacuous: the crawl met each kind of collision (core and a plugin, two plugins) from both sides.
    kinds = [{CORE, "romania"}, {CORE, "sweden"}, {"romania", "sweden"}]
    met = {" & ".join(sorted(kind)): sorted(msgid for msgid, domains in seen.items() if kind <= domains)
           for kind in map(frozenset, kinds)}
    assert all(met.values()), f"a kind of collision the crawl never met from both sides: {met}"


def misanswered(recorder: Recorder, folders: list[tuple[str, str]], locale: str) -> tuple[list[str], dict]:
    """What went wrong, one line each, and the domains that answered each colliding msgid. Wrong: a message
    answered by another domain than its code's (a lazy string: the domain it was made with); a colliding msgid
    that reads as another domain's translation; a msgid the answering catalog lacks and another has."""
    wrong, seen = set(), defaultdict(set)
    messages, colliding = catalogs(locale), collisions(locale)
    for page, answers in recorder.answers.items():
        for answer in answers:
            expected = answer.domain if answer.lazy or answer.origin is None else _domain_of(answer.origin, folders)
            where = f"{page}: {answer.msgid!r} from {answer.origin and Path(answer.origin).relative_to(ROOT)}"
            if expected is not None and expected != answer.domain:
                wrong.add(f"{where} ({expected}) was answered by {answer.domain}")
            own = messages.get(expected or answer.domain, {})
            others = {d for d, m in messages.items() if d != (expected or answer.domain) and answer.msgid in m}
            if answer.msgid not in own and others:
                wrong.add(f"{where}: its catalog lacks it, {sorted(others)} translate it")
            if answer.msgid in colliding:
                seen[answer.msgid].add(answer.domain)
                theirs = {colliding[answer.msgid][d] for d in others if d in colliding[answer.msgid]}
                if answer.text != own.get(answer.msgid) and answer.text in theirs:
                    wrong.add(f"{where} reads {answer.text!r}, another catalog's")
    return sorted(wrong), seen


# --- the mechanism, with a plugin of this test's own -----------------------------------------------------

TINY_MESSAGES = {  # msgid -> the tiny plugin's Swedish, where core's catalog says otherwise
    "There is a problem": "Ett litet problem",
    "Cancel": "Släpp det",
    "Hello %(name)s": "Hej %(name)s, från den lilla",
    "Goals of the small": "Mål för de små",
    ("%(num)s unit", "%(num)s units"): ("%(num)s liten enhet", "%(num)s små enheter"),
}
TINY_TEMPLATE = """{% from "macros/forms.html" import error_summary with context %}
<p id="own">{{ _('There is a problem') }}|{{ gettext('Cancel') }}</p>
<p id="trans">{% trans name=who %}Hello {{ name }}{% endtrans %}</p>
<p id="plural">{{ ngettext('%(num)s unit', '%(num)s units', 3) }}</p>
<p id="escaped">{{ _('Hello %(name)s', name=who) }}</p>
{{ error_summary(form, extra=[_('Cancel')]) }}
"""


TINY_PLAN = "tiny-plan"
tiny = translations_for("tiny")  # as a plugin module does at import time, before any app exists


class TinyPlugin:
    """A plugin with a template, a catalog whose Swedish collides with core's, and a plan kind whose
    section of objectives shows core's default columns. A one-off, not the test jurisdiction: its catalog
    collides with core's on purpose, which a real plugin's must not."""

    def __init__(self, folder: Path, domain: str = "tiny") -> None:
        self.folder, self.domain = folder, domain

    @hookimpl
    def socialplan_plan_kinds(self):
        return [PlanKind(TINY_PLAN, tiny.lazy_gettext("Small plan"), "se",
                         (SectionSpec("goals", tiny.lazy_gettext("Goals of the small"), RowType.OBJECTIVE),),
                         (WorkflowStep("submit", tiny.lazy_gettext("Submit"), "draft", "submitted"),))]

    @hookimpl
    def socialplan_template_dirs(self):
        return [self.folder / "templates"]

    @hookimpl
    def socialplan_translation_dirs(self):
        return [(self.folder / "translations", self.domain)]


def _tiny_plugin(folder: Path) -> TinyPlugin:
    (folder / "templates" / "tiny").mkdir(parents=True)
    (folder / "templates" / "tiny" / "page.html").write_text(TINY_TEMPLATE, encoding="utf-8")
    catalog = Catalog(locale="sv", domain="tiny")
    for msgid, translation in TINY_MESSAGES.items():
        catalog.add(msgid, translation)
    target = folder / "translations" / "sv" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (target / "tiny.mo").open("wb") as handle:
        write_mo(handle, catalog)
    return TinyPlugin(folder)


class EmptyForm(list):
    form_errors: tuple[str, ...] = ()


def test_a_plugin_template_translates_with_its_domain_and_core_macros_with_cores(make_app, database_url, tmp_path):
    app = make_app(database_url, extra_plugins=[("tiny", _tiny_plugin(tmp_path))])
    with app.test_request_context(), force_locale("sv"):
        page = app.jinja_env.get_template("tiny/page.html").render(who="<Åsa & Ion>", form=EmptyForm())
        core_page = render_template_string("{{ _('There is a problem') }}|{{ _('Cancel') }}")
    assert '<p id="own">Ett litet problem|Släpp det</p>' in page
    assert '<p id="trans">Hej &lt;Åsa &amp; Ion&gt;, från den lilla</p>' in page
    assert '<p id="plural">3 små enheter</p>' in page
    assert '<p id="escaped">Hej &lt;Åsa &amp; Ion&gt;, från den lilla</p>' in page
    # The macro is core's: its heading is core's Swedish, though imported with the plugin template's context;
    # the text the plugin template hands it stays the plugin's.
    assert '<h2 id="error-summary-title">Det finns ett problem</h2>' in page
    assert "<li>Släpp det</li>" in page
    assert core_page == "Det finns ett problem|Avbryt"


def test_an_instance_folders_override_of_a_plugin_template_keeps_the_plugins_domain(make_app, database_url,
                                                                                     tmp_path):
    plugin = _tiny_plugin(tmp_path / "tiny")
    app = make_app(database_url, extra_plugins=[("tiny", plugin)])
    override = Path(app.instance_path) / "templates" / "tiny"
    override.mkdir(parents=True)
    (override / "page.html").write_text("<p>{{ _('Cancel') }}</p>", encoding="utf-8")
    (override / "../core.html").write_text("<p>{{ _('Cancel') }}</p>", encoding="utf-8")
    with app.test_request_context(), force_locale("sv"):
        assert app.jinja_env.get_template("tiny/page.html").render() == "<p>Släpp det</p>"
        assert app.jinja_env.get_template("core.html").render() == "<p>Avbryt</p>"


def test_plugin_translations_outside_an_app_are_the_text_itself():
    assert tiny.gettext("Hello %(name)s", name="Ion") == "Hello Ion"
    assert tiny.ngettext("%(num)s unit", "%(num)s units", 2) == "2 units"
    assert str(tiny.lazy_gettext("Cancel")) == "Cancel"


def test_plugin_domain_of_the_running_app(make_app, database_url, tmp_path):
    app = make_app(database_url, extra_plugins=[("tiny", _tiny_plugin(tmp_path))])
    label = tiny.lazy_gettext("Cancel")  # made before any request, as at import time
    with app.test_request_context(), force_locale("sv"):
        assert plugin_domain("tiny") is plugin_domain("tiny")
        assert str(label) == "Släpp det"
        assert flask_babel.gettext("Cancel") == "Avbryt"
        with pytest.raises(LookupError, match="'nowhere'"):
            plugin_domain("nowhere")


@pytest.mark.parametrize("domain", [CORE, "sweden"])
def test_a_plugin_may_not_claim_another_catalogs_domain(make_app, database_url, tmp_path, domain):
    plugin = _tiny_plugin(tmp_path)
    plugin.domain = domain
    with pytest.raises(PluginConflict, match=f"'{domain}'"):
        make_app(database_url, extra_plugins=[("tiny", plugin)])
