"""The editor's speed-ups show the same page: the document from the latest revision, cached findings
and the cached section page, which any change that shows on the page makes fresh.

The cache cannot serve a stale page (issue 12): what the section page's templates and a render read is
enumerated and each input must be named by :func:`core.web.plans._page_key` (likewise the dashboard's
plans and ``_plans_key``), and each input, changed alone without a new revision where it can be, shows
on the next view."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask, g, request, template_rendered
from flask import session as flask_session
from itsdangerous import URLSafeTimedSerializer
from jinja2 import DictLoader, Environment, meta, nodes
from markupsafe import escape
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import InstrumentedAttribute
from world import KIND as WEB_KIND
from world import PASSWORD, PLUGIN, SERVICE_ROW, service, sign_in

import core.web.dashboard as dashboard_web
import core.web.plans as plans_web
from core.db import get_session
from core.demo import DEMO_ADMIN, DEMO_PASSWORD
from core.hookspecs import hookimpl
from core.models import AnnualPlan, Municipality, User
from core.plugin_api import Finding, Severity
from core.services import plans
from core.services.accounts import create_municipality, create_user, set_plugin_enabled
from core.services.plans import current_document, document_of, revision_document
from core.testing import TEST_SECRET, login
from core.web.cache import findings_cache, page_cache


@contextmanager
def renders(app) -> Iterator[list[str]]:
    """The templates rendered meanwhile: a page served from the cache renders none."""
    names: list[str] = []

    def record(sender, template, context, **extra):
        names.append(template.name)

    template_rendered.connect(record, app)
    try:
        yield names
    finally:
        template_rendered.disconnect(record, app)


def fetch(app, client, url: str) -> tuple[str, bool]:
    """The page's text, and whether it was rendered afresh."""
    with renders(app) as names:
        response = client.get(url)
    assert response.status_code == 200, url
    return response.text, "plans/section.html" in names


def without_token(html: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]+"', "", html)


def test_current_document_is_document_of_for_every_demo_plan(demo_app):
    registry = demo_app.extensions["socialplan.registry"]
    with demo_app.app_context():
        session = get_session()
        for plan in session.scalars(select(AnnualPlan)):
            assert revision_document(session, plan) is not None  # every demo plan has its revisions
            assert current_document(session, registry, plan) == document_of(session, registry, plan)


def test_a_plan_without_its_latest_revision_reads_its_tables(web_app, world):
    registry = web_app.extensions["socialplan.registry"]
    with web_app.app_context():
        session = get_session()
        plan = session.get(AnnualPlan, world.alpha_draft)
        plan.revision += 1  # as a bulk copy leaves it: no snapshot numbered like the plan
        assert revision_document(session, plan) is None
        assert current_document(session, registry, plan) == document_of(session, registry, plan)
        session.rollback()


def test_the_second_view_is_cached_and_the_same(web_app, web_client, world):
    sign_in(web_client, "planner@alpha.org")
    url = f"/m/alpha/plans/{world.alpha_draft}/sections/services"
    first, rendered = fetch(web_app, web_client, url)
    assert rendered
    second, rendered = fetch(web_app, web_client, url)
    assert not rendered and second == first
    assert "Day centre" in second and "Move down" in second


def test_a_row_edit_shows_at_once(web_app, web_client, world):
    sign_in(web_client, "planner@alpha.org")
    url = f"/m/alpha/plans/{world.alpha_draft}/sections/services"
    fetch(web_app, web_client, url)
    response = web_client.post(f"{url}/rows/0", data={**SERVICE_ROW, "name__en": "Day centre (renamed)",
                                                      "occupancy": "150"}, follow_redirects=True)
    assert "The row was saved." in response.text  # the flashed message: never a kept page without it
    assert "Day centre (renamed)" in response.text
    page, rendered = fetch(web_app, web_client, url)
    assert rendered and "Day centre (renamed)" in page and "The row was saved." not in page
    assert "The occupancy cannot exceed 100 %." in page  # the new revision's findings
    page, rendered = fetch(web_app, web_client, url)
    assert not rendered and "The occupancy cannot exceed 100 %." in page


def test_a_locale_switch_shows_the_page_in_the_new_language(web_app, web_client, world):
    sign_in(web_client, "planner@alpha.org")
    url = f"/m/alpha/plans/{world.alpha_draft}/sections/services"
    page, _ = fetch(web_app, web_client, url)
    assert '<html lang="en">' in page
    web_client.post("/locale", data={"locale": "ro", "next": url})
    web_client.get("/m/alpha/")  # the flashed message, if any, is shown elsewhere
    page, rendered = fetch(web_app, web_client, url)
    assert rendered and '<html lang="ro">' in page


def test_a_role_change_shows_at_once(web_app, world):
    planner, admin = web_app.test_client(), web_app.test_client()
    sign_in(planner, "planner@alpha.org")
    sign_in(admin, "admin@example.org")
    approved = f"/m/alpha/plans/{world.alpha_approved}/sections/services"
    draft = f"/m/alpha/plans/{world.alpha_draft}/sections/services"
    fetch(web_app, planner, approved)
    fetch(web_app, planner, draft)
    with web_app.app_context():
        user_id = get_session().scalar(select(User.id).where(User.email == "planner@alpha.org"))
    admin.post(f"/admin/users/{user_id}", data={"role": "viewer", "municipality": "alpha", "active": "y"})
    assert planner.get(draft).status_code == 404  # a viewer sees approved plans only
    assert fetch(web_app, planner, approved)[1]


def test_a_plugin_toggle_is_a_new_page(web_app, world):
    planner, admin = web_app.test_client(), web_app.test_client()
    sign_in(planner, "planner@alpha.org")
    sign_in(admin, "admin@example.org")
    url = f"/m/alpha/plans/{world.alpha_draft}/sections/services"
    before, _ = fetch(web_app, planner, url)
    admin.post("/admin/municipalities/alpha/plugins", data={"plugin": "romania", "enabled": "1"})
    after, rendered = fetch(web_app, planner, url)
    assert rendered and without_token(after) == without_token(before)
    admin.post("/admin/municipalities/alpha/plugins", data={"plugin": PLUGIN, "enabled": "0"})
    assert planner.get(url).status_code == 404


def test_each_session_gets_its_own_csrf_token(web_app, world):
    one, two = web_app.test_client(), web_app.test_client()
    sign_in(one, "planner@alpha.org")
    sign_in(two, "planner@alpha.org")
    url = f"/m/alpha/plans/{world.alpha_draft}/sections/services"
    first, _ = fetch(web_app, one, url)
    second, rendered = fetch(web_app, two, url)
    assert rendered
    tokens = {re.search(r'name="csrf_token" value="([^"]+)"', page).group(1) for page in (first, second)}
    assert len(tokens) == 2


def test_admins_pages_and_swedish_pages_are_not_kept(demo_app, demo_client):
    with demo_app.app_context():
        session = get_session()
        action_plan = session.scalar(select(AnnualPlan.id).where(AnnualPlan.kind == "action-plan"))
        quality = session.scalar(select(AnnualPlan).where(AnnualPlan.kind == "quality-report"))
        swedish = (quality.municipality.slug, quality.id, quality.municipality.slug)
    login(demo_client, DEMO_ADMIN, DEMO_PASSWORD)
    url = f"/m/piatra-neamt/plans/{action_plan}/sections/existing-services"
    for _ in range(2):
        assert fetch(demo_app, demo_client, url)[1]  # the admin's page lists every municipality: not kept
    # The Swedish rules count the municipality's lex Sarah reports (SQL) and its document carries the
    # plugin's own data: neither the findings nor the page can be named by a key.
    sweden = demo_app.test_client()
    login(sweden, f"planner@{swedish[0]}.demo", DEMO_PASSWORD)
    url = f"/m/{swedish[0]}/plans/{swedish[1]}/sections/quality-work"
    for _ in range(2):
        assert fetch(demo_app, sweden, url)[1]
    assert len(page_cache(demo_app)) == 0


class QueryingRules:
    """A plugin whose rule reads the database: the number of accounts. A one-off beside the test jurisdiction:
    the test needs a second plugin switched on, whose findings the cache must never keep."""

    @hookimpl
    def socialplan_validate_plan(self, document, context):
        accounts = get_session().scalar(select(func.count()).select_from(User))
        return [Finding(Severity.INFO, f"There are {accounts} accounts.", "services", "test.accounts")]


def test_findings_of_rules_that_read_the_database_are_never_kept(make_world):
    world = make_world([("querying", QueryingRules())])
    app = world.app
    with app.app_context():
        session = get_session()
        municipality = session.scalar(select(Municipality).where(Municipality.slug == "alpha"))
        set_plugin_enabled(session, app.extensions["socialplan.registry"], municipality, "querying", True)
        session.commit()
    client = app.test_client()
    sign_in(client, "planner@alpha.org")
    url = f"/m/alpha/plans/{world.alpha_draft}/sections/services"
    page, rendered = fetch(app, client, url)
    assert rendered and "There are 5 accounts." in page
    with app.app_context():
        create_user(get_session(), "planner2@alpha.org", PASSWORD, "planner", municipality, "en")
        get_session().commit()
    page, rendered = fetch(app, client, url)
    assert rendered and "There are 6 accounts." in page
    assert len(findings_cache(app)) == 0 and len(page_cache(app)) == 0
    app.extensions["socialplan.engine"].dispose()


def dashboard(app, client, slug: str = "alpha") -> tuple[str, bool]:
    """The dashboard's text, and whether its plans' tables were rendered afresh."""
    with renders(app) as names:
        response = client.get(f"/m/{slug}/")
    assert response.status_code == 200
    return response.text, "dashboard/_plans.html" in names


def plans_section(html: str) -> str:
    return html[html.index('id="plans-title"'):html.index("</section>")]


def test_the_dashboards_plans_are_kept_and_show_every_change(web_app, web_client, world):
    sign_in(web_client, "planner@alpha.org")  # lands on the dashboard: its plans are kept from here on
    first, rendered = dashboard(web_app, web_client)
    assert "Open findings" in first and "1 error" not in plans_section(first)
    second, rendered = dashboard(web_app, web_client)
    assert not rendered and plans_section(second) == plans_section(first)
    url = f"/m/alpha/plans/{world.alpha_draft}/sections/services/rows/0"
    web_client.post(url, data={**SERVICE_ROW, "occupancy": "150"})  # a new revision with an error
    page, rendered = dashboard(web_app, web_client)
    assert rendered and "1 error" in plans_section(page)
    web_client.post("/locale", data={"locale": "ro", "next": "/m/alpha/"})
    page, rendered = dashboard(web_app, web_client)
    assert rendered and "1 eroare" in plans_section(page) and "1 error" not in page
    viewer = web_app.test_client()
    sign_in(viewer, "viewer@alpha.org")
    page, _ = dashboard(web_app, viewer)  # the planner's kept tables are not the viewer's
    assert "error" not in plans_section(page) and "Open findings" not in page
    assert f"/plans/{world.alpha_approved}/" in page and f"/plans/{world.alpha_draft}/" not in page


# --- Every input of the section page is in its key (issue 12) -------------------------------------------
#
# The page cache serves a kept section page to any request with the same key, so the key must name
# everything the page shows. Two proofs: what the page's templates and a render read is enumerated and
# each must be named by the key (a new input fails here until it is added to _page_key and to the maps
# below); and each input, changed alone, shows on the very next view.

GAMMA = "gamma-sud"
GAMMA_NAME = {"ro": 'Târgu "Mare" & <Sud>', "sv": "Åsele & <Norr>"}  # no English: the fallback shows
PLANNER = "planificator@gamma-sud.example"
VIEWER = "vizualizator@gamma-sud.example"
NO_LOCALE = "fara.limba@gamma-sud.example"  # an account without a language of its own
ROW_A, ROW_B = "Centrul „Speranța” & <Nord>", "Cantina socială"
NOTE = "Notă: verificat de „notes” & <co>"


class NotesPlugin:
    """A plugin whose rule writes a note on every test plan, from the document alone. A one-off beside the test
    jurisdiction: the test switches a second plugin on and off and sees the page change."""

    @hookimpl
    def socialplan_validate_plan(self, document, context):
        if context.plan_kind.code != WEB_KIND:
            return []
        return [Finding(Severity.INFO, NOTE, "services", "notes.checked")]


@dataclass
class Gamma:
    app: Flask
    draft: int  # revisions: 1 created, 2 with ROW_A, 3 with ROW_B too
    approved: int

    def url(self, plan: int | None = None, section: str = "services") -> str:
        return f"/m/{GAMMA}/plans/{plan or self.draft}/sections/{section}"

    def client(self, email: str = PLANNER):
        client = self.app.test_client()
        sign_in(client, email)
        return client

    def change(self, fn: Callable[[Session], object]) -> None:
        """Write to the database as an administrator, an import or a bulk update may: no revision is made."""
        with self.app.app_context():
            session = get_session()
            fn(session)
            session.commit()

    def plan(self, session: Session, plan_id: int | None = None) -> AnnualPlan:
        return session.get(AnnualPlan, plan_id or self.draft)

    def municipality(self, session: Session) -> Municipality:
        return session.scalar(select(Municipality).where(Municipality.slug == GAMMA))

    def user(self, session: Session, email: str = PLANNER) -> User:
        return session.scalar(select(User).where(User.email == email))


@pytest.fixture
def gamma(jurisdiction_app, database_url) -> Iterator[Gamma]:
    app = jurisdiction_app(database_url, extra_plugins=[("notes", NotesPlugin())])
    registry = app.extensions["socialplan.registry"]
    with app.app_context():
        session = get_session()
        municipality = create_municipality(session, GAMMA, GAMMA_NAME, "XX", "ro", "RON")
        set_plugin_enabled(session, registry, municipality, PLUGIN, True)
        create_user(session, PLANNER, PASSWORD, "planner", municipality, "en")
        create_user(session, VIEWER, PASSWORD, "viewer", municipality, "en")
        create_user(session, NO_LOCALE, PASSWORD, "planner", municipality, None)
        draft = plans.create_plan(session, registry, municipality, 2026, WEB_KIND, None)
        plans.add_row(session, registry, draft, "services", service(ROW_A, occupancy="80", local="1000.50"), None)
        plans.add_row(session, registry, draft, "services", service(ROW_B, occupancy="80", local="250"), None)
        approved = plans.create_plan(session, registry, municipality, 2025, WEB_KIND, None)
        plans.add_row(session, registry, approved, "services", service(ROW_A, occupancy="80", local="1000.50"), None)
        plans.take_step(session, registry, approved, "submit", {}, None)
        plans.take_step(session, registry, approved, "approve",
                        {"council_decision_ref": "HCL 7 & <8>", "council_decision_date": "2025-02-03"}, None)
        session.commit()
        ids = draft.id, approved.id
    yield Gamma(app, *ids)
    app.extensions["socialplan.engine"].dispose()


def text(value: str) -> str:
    """``value`` as a page prints it (HTML-escaped)."""
    return str(escape(value))


# -- what the templates read --


def template_reads(env: Environment, name: str, seen: dict | None = None) -> dict[str, tuple[set, dict]]:
    """For ``name`` and every template it extends, includes or imports: the names it takes from its
    context or the globals, and the attributes it reads of each of them."""
    seen = {} if seen is None else seen
    if name in seen:
        return seen
    tree = env.parse(env.loader.get_source(env, name)[0])
    local = {node.name for node in tree.find_all(nodes.Name) if node.ctx == "store"}
    for node in tree.find_all(nodes.FromImport):
        local.update(n if isinstance(n, str) else n[1] for n in node.names)
    names = meta.find_undeclared_variables(tree) - local
    attributes: dict[str, set[str]] = {}
    for node in tree.find_all(nodes.Getattr):
        if isinstance(node.node, nodes.Name) and node.node.name in names:
            attributes.setdefault(node.node.name, set()).add(node.attr)
    seen[name] = (names, attributes)
    for referenced in meta.find_referenced_templates(tree):
        assert referenced is not None, f"{name} names a template only known at run time: the key cannot name it"
        template_reads(env, referenced, seen)
    return seen


def bare_environment(app: Flask) -> Environment:
    """The app's templates and extensions without its globals: find_undeclared_variables leaves globals out."""
    env = Environment(extensions=[type(ext) for ext in app.jinja_env.extensions.values()], loader=app.jinja_env.loader)
    env.globals.pop("_", None)  # gettext: translated by the locale, an input like any other
    return env


# Parts of the key read by the shown revision's document and by the rules' findings.
SHOWN = ("plan.id", "plan.revision", "plan.adopted_revision", "current_user.role", "request.query_string")
FINDINGS = ("plan.id", "plan.revision", "plan.kind", "locale", "municipality.plugins", "municipality.slug",
            "municipality.name", "municipality.country", "municipality.default_locale", "municipality.currency",
            "current_user.role")
URLS = ("request.script_root", "municipality.slug")
# What each name the section page's templates read depends on, by the names of _page_key's parts. () is
# for what is fixed for the process (code, registered plan kinds, Jinja's helpers). Objects whose
# attributes the templates read (plan, municipality, current_user, request) are checked attribute by
# attribute (OBJECTS).
TEMPLATE_INPUTS: dict[str, tuple[str, ...]] = {
    # what plans.section passes
    "plan": (), "plan_kind": ("plan.kind", "municipality.plugins"), "spec": ("plan.kind", "section"),
    "content": SHOWN, "findings": FINDINGS, "by_cell": FINDINGS, "other_findings": FINDINGS,
    "finding_link": (*FINDINGS, *URLS), "read_only": ("plan.status", "plan.kind", "current_user.role"),
    "text_form": (*SHOWN, "locale"), "row_urls": (*URLS, "plan.id", "section", "current_user.role", "plan.status"),
    "section_links": (*URLS, "plan.id", "plan.kind", "section"), "totals": (*SHOWN, "municipality.currency"),
    "source_names": ("plan.kind",), "currency": ("municipality.currency",), "base_revision": ("plan.revision",),
    "choice_labels": ("plan.kind", "section", "locale"), "wide_columns": SHOWN,
    # context processors: the municipality of the URL; the user; every municipality, for administrators only
    # (their pages are never kept: test_admins_pages_and_swedish_pages_are_not_kept)
    "municipality": (), "current_user": (), "all_municipalities": ("current_user.role",),
    # globals
    "request": (), "url_for": URLS, "csrf_token": ("session.csrf_token",), "_": ("locale",),
    "current_locale": ("locale",), "LOCALES": (), "locale_display_name": (),  # each language named in itself
    "tr": ("locale", "municipality.default_locale"), "translated": ("locale",), "severity_label": ("locale",),
    "format_cell": ("locale",), "format_decimal": ("locale",), "format_money": ("locale",),
    "format_percent": ("locale",), "value_at": (), "column_value": (), "columns_of": (), "row_budget_total": (),
    "field_anchor": (),
    "layout_of": (), "tr_cell": ("locale", "municipality.default_locale"), "fallback_note": ("locale",),
    "translation_order": ("locale", "municipality.default_locale"),
    "workflow_hint": ("plan.status", "plan.kind", "locale"), "steps": (),  # the overview's steps: not on a section
    # flashed messages: a request whose session holds any is never served from the cache (NEVER_KEPT)
    "get_flashed_messages": ("session._flashes",),
}
OBJECTS = ("plan", "municipality", "current_user", "request")
NEVER_KEPT = {"session._flashes"}  # inputs for which _page_key answers None rather than naming them


def key_of_a_page(gamma: Gamma) -> set[str]:
    """The names of the parts of a kept section page's key."""
    client = gamma.client()
    keys: list = []
    page_key = plans_web._page_key

    def keeping(*args, **kwargs):
        keys.append(page_key(*args, **kwargs))
        return keys[-1]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(plans_web, "_page_key", keeping)
        for _ in range(2):  # the first view makes the session's CSRF token
            assert client.get(gamma.url()).status_code == 200
    assert keys[-1] is not None
    return {name for name, _value in keys[-1]} | NEVER_KEPT


def test_every_name_the_section_templates_read_is_in_the_key(gamma):
    reads = template_reads(bare_environment(gamma.app), "plans/section.html")
    assert {"base.html", "plans/_header.html", "plans/_sections_nav.html", "macros/forms.html"} <= set(reads)
    key = key_of_a_page(gamma)
    for template, (names, attributes) in reads.items():
        unknown = names - set(TEMPLATE_INPUTS)
        assert not unknown, (f"{template} reads {sorted(unknown)}: name what they depend on in _page_key "
                             "and in TEMPLATE_INPUTS")
        for name in names:
            missing = set(TEMPLATE_INPUTS[name]) - key
            assert not missing, f"{template} reads {name}, which depends on {sorted(missing)}, not in _page_key"
        for name in set(attributes) & set(OBJECTS):
            missing = {f"{name}.{attribute}" for attribute in attributes[name]} - key
            assert not missing, f"{template} reads {sorted(missing)}, not in _page_key"
        assert set(attributes) - set(OBJECTS) <= set(TEMPLATE_INPUTS)


def test_the_template_enumeration_finds_a_new_input():
    """What the test above relies on: a name, an object's attribute and an include are all found."""
    env = Environment(loader=DictLoader({
        "page.html": '{% extends "base.html" %}{% block b %}{{ plan.title }}{% include "part.html" %}{% endblock %}',
        "base.html": "{% set local = 1 %}{{ local }}{% block b %}{% endblock %}{{ session_ends_at }}",
        "part.html": "{{ current_user.locale }}"}))
    reads = template_reads(env, "page.html")
    assert reads["page.html"] == ({"plan"}, {"plan": {"title"}})
    assert reads["base.html"] == ({"session_ends_at"}, {})
    assert reads["part.html"] == ({"current_user"}, {"current_user": {"locale"}})


# -- what a render reads beyond the templates: the database's objects, the request, the session, g --


@dataclass
class Reads:
    on: bool = False
    orm: set = field(default_factory=set)  # (class name, attribute)
    request: set = field(default_factory=set)
    session: set = field(default_factory=set)
    g: set = field(default_factory=set)


def recording(kind: type, reads: set, attributes: str) -> type:
    """A subclass of ``kind`` that notes what is read of it: ``attributes`` "public" (its public
    attributes), "instance" (attributes not of its class, and the keys its mapping methods get), or
    "keys" (only those keys)."""

    class Recording(kind):
        if attributes != "keys":
            def __getattribute__(self, name: str) -> Any:
                if (not name.startswith("_") if attributes == "public"
                        else not name.startswith("__") and not hasattr(kind, name)):
                    reads.add(name)
                return super().__getattribute__(name)

    for method in ("__getitem__", "__contains__", "get", "pop", "setdefault"):
        if attributes != "public" and hasattr(kind, method):
            def reading(self, key, *args, _method=method):
                reads.add(key)
                return getattr(super(Recording, self), _method)(key, *args)
            setattr(Recording, method, reading)
    return Recording


@contextmanager
def recorded(app: Flask) -> Iterator[Reads]:
    """What the section view reads while it runs: attributes of every database object, and the request's,
    the session's and g's. Pages served from the cache read less; record fresh renders."""
    reads = Reads()
    original_get = InstrumentedAttribute.__get__

    def get(self, instance, owner):
        if instance is not None and reads.on:
            reads.orm.add((type(instance).__name__, self.key))
        return original_get(self, instance, owner)

    view = app.view_functions["plans.section"]

    def section(*args, **kwargs):
        objects = [(obj, type(obj)) for obj in (request._get_current_object(), flask_session._get_current_object(),
                                                  g._get_current_object())]
        for (obj, kind), into, attributes in zip(objects, (reads.request, reads.session, reads.g),
                                                 ("public", "keys", "instance"), strict=True):
            object.__setattr__(obj, "__class__", recording(kind, into, attributes))  # g has a __setattr__
        reads.on = True
        try:
            return view(*args, **kwargs)
        finally:
            reads.on = False
            for obj, kind in objects:
                object.__setattr__(obj, "__class__", kind)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(InstrumentedAttribute, "__get__", get)
        patch.setitem(app.view_functions, "plans.section", section)
        yield reads


# Attributes of database objects are named "plan.<attribute>" and so on in the key (ORM_OBJECTS), or by the
# parts ORM_ALIASES gives; any other class or attribute read fails the test.
ORM_OBJECTS = {"AnnualPlan": "plan", "Municipality": "municipality", "User": "current_user"}
ORM_ALIASES: dict[tuple[str, str], tuple[str, ...]] = {
    ("AnnualPlan", "municipality"): ("plan.municipality_id",),
    ("Municipality", "plugins"): ("municipality.plugins",), ("MunicipalityPlugin", "plugin"): ("municipality.plugins",),
    ("MunicipalityPlugin", "municipality_id"): ("municipality.id",),
    ("User", "municipality"): ("current_user.municipality_id",),
    ("User", "locale"): ("locale",),  # read to choose the language, which the key names
    ("PlanRevision", "document"): SHOWN,  # a snapshot never changes: named by its plan and number
}
# The request's attributes the key does not name as "request.<attribute>": the route matched follows from
# the path, the arguments from the query; only GETs are kept; a class is code.
REQUEST_ALIASES: dict[str, tuple[str, ...]] = {
    "args": ("request.query_string",), "endpoint": ("request.path",), "url_rule": ("request.path",),
    "blueprint": ("request.path",), "blueprints": ("request.path",), "view_args": ("request.path",),
    "method": (), "root_path": ("request.script_root",), "parameter_storage_class": (),
}
SESSION_INPUTS: dict[str, tuple[str, ...]] = {
    "csrf_token": ("session.csrf_token",), "_flashes": ("session._flashes",), "locale": ("locale",),
    "_user_id": ("current_user.id",),
}
# g holds what this request worked out from the inputs above: the municipality and the plan's states it
# loaded, the signed CSRF token of the session's, the signed-in user, Babel's locale, the database session.
G_INPUTS: dict[str, tuple[str, ...]] = {
    "municipality": ("municipality.id",), "plan": ("plan.id",), "plan_states": SHOWN,
    "csrf_token": ("session.csrf_token",), "_login_user": ("current_user.id",), "_flask_babel": ("locale",),
    "db_session": (),
    # the languages the table's cells fell back to, noted while they render (core.web.tr): from what is shown
    "fallback_languages": (*SHOWN, "locale", "municipality.default_locale"),
    "fallbacks_marked": (*SHOWN, "locale", "municipality.default_locale", "municipality.name"),
}


def record_views(gamma: Gamma) -> Reads:
    """The reads of fresh renders of every kind of section page: a planner's draft (rows, findings, forms,
    totals), its text section, an older and the adopted revision, an approved plan, and a viewer's."""
    gamma.change(lambda session: setattr(gamma.plan(session), "adopted_revision", 2))
    gamma.change(lambda session: set_plugin_enabled(session, gamma.app.extensions["socialplan.registry"],
                                                    gamma.municipality(session), "notes", True))
    planner, viewer = gamma.client(PLANNER), gamma.client(VIEWER)
    with recorded(gamma.app) as reads:
        for client, url in ((planner, gamma.url()), (planner, gamma.url(section="intro")),
                            (planner, gamma.url() + "?revision=1"), (planner, gamma.url() + "?revision=adopted"),
                            (planner, gamma.url(gamma.approved)), (viewer, gamma.url(gamma.approved))):
            assert fetch(gamma.app, client, url)[1]
    return reads


def test_every_input_a_render_reads_is_in_the_key(gamma):
    reads = record_views(gamma)
    key = key_of_a_page(gamma)
    assert ("AnnualPlan", "revision") in reads.orm and "csrf_token" in reads.session  # it records
    assert "path" in reads.request and "municipality" in reads.g
    for kind, attribute in reads.orm:
        parts = ORM_ALIASES.get((kind, attribute)) or (f"{ORM_OBJECTS[kind]}.{attribute}",) * (kind in ORM_OBJECTS)
        assert parts, f"the page reads {kind}.{attribute}: name it in _page_key and in ORM_ALIASES"
        assert set(parts) <= key, f"the page reads {kind}.{attribute}: name it in _page_key"
    for read, inputs, what in ((reads.request, REQUEST_ALIASES, "request"), (reads.session, SESSION_INPUTS, "session"),
                               (reads.g, G_INPUTS, "g")):
        for name in read:
            if what == "request" and f"request.{name}" in key:
                continue
            assert name in inputs, f"the page reads {what} {name!r}: name it in _page_key and in this test"
            assert set(inputs[name]) <= key, f"{what} {name!r} depends on {inputs[name]}, not all in _page_key"


def test_a_session_with_flashed_messages_is_never_served_a_kept_page(gamma):
    client = gamma.client()
    url = gamma.url()
    primed(gamma.app, client, url)
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Salvat & <gata>")]
    page, rendered = fetch(gamma.app, client, url)
    assert rendered and text("Salvat & <gata>") in page
    page, _rendered = fetch(gamma.app, client, url)
    assert text("Salvat & <gata>") not in page  # shown once


# -- each input, changed alone, shows on the next view --


def primed(app: Flask, client, url: str) -> str:
    """The page, once it is served from the cache (the first view makes the session's CSRF token)."""
    for _ in range(3):
        page, rendered = fetch(app, client, url)
        if not rendered:
            return page
    raise AssertionError(f"{url} is never served from the cache")


def shows_at_once(gamma: Gamma, client, url: str, change: Callable[[], str | None], shows: str | None = None,
                  hides: str | None = None) -> str:
    """Prime the cache with ``url``, ``change`` one input (it may return the URL to view next), and check
    that the next view is rendered afresh and shows ``shows`` where the kept page did not (or no more
    ``hides``)."""
    before = primed(gamma.app, client, url)
    assert shows is None or shows not in before
    assert hides is None or hides in before
    url = change() or url
    page, rendered = fetch(gamma.app, client, url)
    assert rendered, "a kept page was served after the change"
    assert shows is None or shows in page
    assert hides is None or hides not in page
    return page


def test_the_municipality_name_shows_at_once(gamma):
    name = {"ro": "Târgu Nou & <Est>", "sv": GAMMA_NAME["sv"]}
    shows_at_once(gamma, gamma.client(), gamma.url(),
                  lambda: gamma.change(lambda s: setattr(gamma.municipality(s), "name", name)),
                  shows=text("Târgu Nou & <Est>"), hides=text(GAMMA_NAME["ro"]))


def test_the_municipality_default_locale_shows_at_once(gamma):
    # An English page of a municipality without an English name shows it in the default locale.
    shows_at_once(gamma, gamma.client(), gamma.url(),
                  lambda: gamma.change(lambda s: setattr(gamma.municipality(s), "default_locale", "sv")),
                  shows=text(GAMMA_NAME["sv"]), hides=text(GAMMA_NAME["ro"]))


def test_the_municipality_currency_shows_at_once(gamma):
    page = shows_at_once(gamma, gamma.client(), gamma.url(),
                         lambda: gamma.change(lambda s: setattr(gamma.municipality(s), "currency", "SEK")),
                         shows="SEK", hides="RON")
    assert text(ROW_A) in page


def test_a_plugin_switched_on_shows_at_once(gamma):
    registry = gamma.app.extensions["socialplan.registry"]
    shows_at_once(gamma, gamma.client(), gamma.url(),
                  lambda: gamma.change(lambda s: set_plugin_enabled(s, registry, gamma.municipality(s), "notes", True)),
                  shows=text(NOTE))


def test_the_users_email_shows_at_once(gamma):
    shows_at_once(gamma, gamma.client(), gamma.url(),
                  lambda: gamma.change(lambda s: setattr(gamma.user(s), "email", "o'neill.ș@gamma-sud.example")),
                  shows=text("o'neill.ș@gamma-sud.example"), hides=PLANNER)


def test_the_users_role_shows_at_once(gamma):
    # The notes plugin's finding is shown to planners, never to viewers.
    registry = gamma.app.extensions["socialplan.registry"]
    gamma.change(lambda s: set_plugin_enabled(s, registry, gamma.municipality(s), "notes", True))
    shows_at_once(gamma, gamma.client(VIEWER), gamma.url(gamma.approved),
                  lambda: gamma.change(lambda s: setattr(gamma.user(s, VIEWER), "role", "planner")),
                  shows=text(NOTE))


def test_the_users_locale_shows_at_once(gamma):
    # Signed in without a language of its own: the municipality's (ro); then the account is given Swedish.
    shows_at_once(gamma, gamma.client(NO_LOCALE), gamma.url(),
                  lambda: gamma.change(lambda s: setattr(gamma.user(s, NO_LOCALE), "locale", "sv")),
                  shows='<html lang="sv">', hides='<html lang="ro">')


def test_a_new_revision_shows_at_once(gamma):
    def add_row():
        registry = gamma.app.extensions["socialplan.registry"]
        row = service("Casa „Ană” & <Co>")
        gamma.change(lambda s: plans.add_row(s, registry, gamma.plan(s), "services", row, None))

    shows_at_once(gamma, gamma.client(), gamma.url(), add_row, shows=text("Casa „Ană” & <Co>"))


def test_the_adopted_revision_shows_at_once(gamma):
    gamma.change(lambda s: setattr(gamma.plan(s), "adopted_revision", 3))  # the working revision: kept
    shows_at_once(gamma, gamma.client(), gamma.url() + "?revision=adopted",
                  lambda: gamma.change(lambda s: setattr(gamma.plan(s), "adopted_revision", 2)), hides=text(ROW_B))


def test_the_plans_status_shows_at_once(gamma):
    shows_at_once(gamma, gamma.client(), gamma.url(),
                  lambda: gamma.change(lambda s: setattr(gamma.plan(s), "status", "approved")),
                  shows="This plan is approved and read-only.", hides="Move down")


def test_a_new_title_shows_at_once(gamma):
    # The title is not on a section page; setting it makes a revision, which the forms carry.
    def retitle():
        registry = gamma.app.extensions["socialplan.registry"]
        gamma.change(lambda s: plans.set_title(s, registry, gamma.plan(s), {"ro": "Planul „Sud” & <2026>"}, None))

    shows_at_once(gamma, gamma.client(), gamma.url(), retitle, shows='name="_base_revision" value="4"',
                  hides='name="_base_revision" value="3"')


def test_a_flashed_message_shows_at_once(gamma):
    client = gamma.client()

    def flash_one():
        with client.session_transaction() as session:
            session["_flashes"] = [("success", "Rândul a fost salvat & <ok>")]

    shows_at_once(gamma, client, gamma.url(), flash_one, shows=text("Rândul a fost salvat & <ok>"))


def test_a_new_csrf_token_shows_at_once(gamma):
    client = gamma.client()
    serializer = URLSafeTimedSerializer(TEST_SECRET, salt="wtf-csrf-token")

    def token(page: str) -> str:
        return serializer.loads(re.search(r'name="csrf_token" value="([^"]+)"', page).group(1))

    def new_token():
        with client.session_transaction() as session:
            session["csrf_token"] = "a-new-raw-token-of-this-session"

    page = shows_at_once(gamma, client, gamma.url(), new_token)
    assert token(page) == "a-new-raw-token-of-this-session"


def test_the_language_shows_at_once(gamma):
    client = gamma.client()

    def switch():
        client.post("/locale", data={"locale": "ro", "next": gamma.url()})
        client.get(f"/m/{GAMMA}/")  # any flashed message is shown there

    shows_at_once(gamma, client, gamma.url(), switch, shows='<html lang="ro">', hides='<html lang="en">')


def test_the_query_string_shows_at_once(gamma):
    client = gamma.client()
    shows_at_once(gamma, client, gamma.url(), lambda: gamma.url() + "?revision=2", hides=text(ROW_B))
    shows_at_once(gamma, client, gamma.url(), lambda: gamma.url() + "?see=%3Cme%3E", shows="?see=%3Cme%3E")


# -- the dashboard's plans tables: the same proof for dashboard/_plans.html and _plans_key --


def dotted_reads(env: Environment, name: str) -> set[str]:
    """Every name ``name`` reads, as the longest dotted path it reads of it ("entry.plan.id")."""
    tree = env.parse(env.loader.get_source(env, name)[0])
    attributes = list(tree.find_all(nodes.Getattr))
    inner = {id(node.node) for node in attributes if isinstance(node.node, nodes.Getattr)}
    bases = set()
    paths = set()
    for node in attributes:
        if id(node) in inner:
            continue
        parts, base = [node.attr], node.node
        while isinstance(base, nodes.Getattr):
            parts.insert(0, base.attr)
            base = base.node
        if isinstance(base, nodes.Name):
            bases.add(id(base))
            paths.add(".".join([base.name, *parts]))
    loaded = {node.name for node in tree.find_all(nodes.Name) if node.ctx == "load" and id(node) not in bases}
    return paths | loaded


# What each read of dashboard/_plans.html depends on, by the names of _plans_key's parts (a plan row's
# parts are "plans.<part>"). The plan kind (its name, its statuses' labels) is fixed for the process.
DASHBOARD_INPUTS: dict[str, tuple[str, ...]] = {
    "by_year": ("plans.plan.year",), "year": ("plans.plan.year",), "entries": ("plans.plan.id",),
    "entry.plan.id": ("plans.plan.id",), "entry.kind.name": ("plans.plan.kind",), "entry.kind": ("plans.plan.kind",),
    "entry.plan.status": ("plans.plan.status",), "entry.errors": ("plans.errors",),
    "entry.warnings": ("plans.warnings",), "entry.plan.updated_at": ("plans.plan.updated_at",),
    "viewer": ("viewer",), "url_for": ("request.script_root", "municipality.slug"), "_": ("locale",),
    "ngettext": ("locale",), "status_label": ("locale",), "format_datetime": ("locale",),
}


def test_every_input_of_the_dashboards_plans_is_in_their_key(web_app, web_client, world):
    keys: list = []
    plans_key = dashboard_web._plans_key

    def keeping(*args, **kwargs):
        keys.append(plans_key(*args, **kwargs))
        return keys[-1]

    sign_in(web_client, "planner@alpha.org")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dashboard_web, "_plans_key", keeping)
        dashboard(web_app, web_client)
    key = dict(keys[-1])
    names = set(key) | {f"plans.{name}" for row in key["plans"] for name, _value in row}
    reads = dotted_reads(bare_environment(web_app), "dashboard/_plans.html")
    assert {"entry.plan.id", "entry.errors", "url_for", "viewer"} <= reads  # it finds what the template reads
    unknown = reads - set(DASHBOARD_INPUTS)
    assert not unknown, f"dashboard/_plans.html reads {sorted(unknown)}: name them in _plans_key and here"
    for read in reads:
        assert set(DASHBOARD_INPUTS[read]) <= names, f"{read} depends on {DASHBOARD_INPUTS[read]}, not in _plans_key"


def test_a_status_changed_without_a_revision_shows_on_the_dashboard(web_app, web_client, world):
    sign_in(web_client, "planner@alpha.org")
    dashboard(web_app, web_client)
    before, rendered = dashboard(web_app, web_client)
    assert not rendered and "status-submitted" not in plans_section(before)
    with web_app.app_context():
        session = get_session()
        changed = session.get(AnnualPlan, world.alpha_draft).updated_at
        # As a bulk update may: the status alone, not even the time of the last change.
        session.execute(update(AnnualPlan).where(AnnualPlan.id == world.alpha_draft)
                        .values(status="submitted", updated_at=changed))
        session.commit()
        assert session.get(AnnualPlan, world.alpha_draft).updated_at == changed
    page, rendered = dashboard(web_app, web_client)
    assert rendered and "status-submitted" in plans_section(page)
