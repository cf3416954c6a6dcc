"""The editor's speed-ups show the same page: the document from the latest revision, cached findings
and the cached section page, which any change that shows on the page makes fresh."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from flask import template_rendered
from sqlalchemy import func, select
from test_web_plugin import PASSWORD, SERVICE_ROW, WebTestPlugin, build_world, sign_in

from core.db import get_session
from core.demo import DEMO_ADMIN, DEMO_PASSWORD
from core.hookspecs import hookimpl
from core.models import AnnualPlan, Municipality, User
from core.plugin_api import Finding, Severity
from core.services.accounts import create_user, set_plugin_enabled
from core.services.plans import current_document, document_of, revision_document
from core.testing import login
from core.web.cache import findings_cache, page_cache

pytest_plugins = ["test_web_plugin"]  # the shared fixtures: web_app, web_client, world


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
    assert "The occupancy rate cannot exceed 100 %." in page  # the new revision's findings
    page, rendered = fetch(web_app, web_client, url)
    assert not rendered and "The occupancy rate cannot exceed 100 %." in page


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
    admin.post("/admin/municipalities/alpha/plugins", data={"plugin": "testplugin", "enabled": "0"})
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
    url = f"/m/{swedish[0]}/plans/{swedish[1]}/sections/complaints-lex-sarah"
    for _ in range(2):
        assert fetch(demo_app, sweden, url)[1]
    assert len(page_cache(demo_app)) == 0


class QueryingRules:
    """A plugin whose rule reads the database: the number of accounts."""

    @hookimpl
    def socialplan_validate_plan(self, document, context):
        accounts = get_session().scalar(select(func.count()).select_from(User))
        return [Finding(Severity.INFO, f"There are {accounts} accounts.", "services", "test.accounts")]


def test_findings_of_rules_that_read_the_database_are_never_kept(make_app, database_url):
    app = make_app(database_url, extra_plugins=[("testplugin", WebTestPlugin()), ("querying", QueryingRules())])
    world = build_world(app)
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
