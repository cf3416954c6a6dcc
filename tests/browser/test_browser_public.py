"""The public pages in a real browser (issue 15): axe-core finds no WCAG 2.1 A/AA violation on any of them in sv,
ro and en; they work with the keyboard alone (a visible focus on every link, in order) and at 200 % zoom.

Adds to the served database, through the services, a municipality of its own ("comuna-publica", Romanian: a copy
of Piatra Neamț's plan, adopted) and a Swedish one ("publikommun", its follow-up plan adopted), both published;
no other test reads them. Piatra Neamț and the demo's Swedish municipalities are left as they are.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path

import pytest
from browser_helpers import focus_indicator, html_lang

from core.i18n import LOCALES

pytestmark = pytest.mark.browser

AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"  # vendored: never a CDN at test time
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ROMANIAN = "/public/comuna-publica/2022/action-plan/"
SWEDISH = "/public/publikommun/2026/followup-plan/"


@pytest.fixture(scope="module")
def published(live_server):
    """The two municipalities, written into the served SQLite database by an app of this process."""
    from core.app import create_app
    from core.db import get_session
    from core.models import AnnualPlan
    from core.services.accounts import create_municipality, municipality_by_slug, set_plugin_enabled
    from core.services.plans import create_plan, document_of, find_plan, import_document, set_section_text, take_step
    from core.services.publication import set_publication

    os.environ["SOCIALPLAN_INSTANCE_PATH"] = str(live_server.database.parent)
    app = create_app({"TESTING": True, "SECRET_KEY": "browser-tests-secret-key-0123456789",
                      "DATABASE_URL": f"sqlite:///{live_server.database}"})
    with app.test_request_context():
        session, registry = get_session(), app.extensions["socialplan.registry"]
        if municipality_by_slug(session, "comuna-publica") is None:
            town = create_municipality(session, "comuna-publica", {"ro": "Comuna „Publică” & <Deal>"}, "RO", "ro",
                                       "RON")
            set_plugin_enabled(session, registry, town, "romania", True)
            source = find_plan(session, municipality_by_slug(session, "piatra-neamt"), 2021, "action-plan")
            document = copy.deepcopy(document_of(session, registry, source))
            document.update(year=2022, status="draft", facts={}, council_decision={"reference": None, "date": None})
            document["municipality"]["slug"] = town.slug
            for section in document["sections"].values():
                for row in section["rows"]:
                    row.pop("uid", None)
                    for line in row["budget"] if isinstance(row.get("budget"), list) else ():
                        line["year"] = 2022
            plan = import_document(session, registry, document, None)
            for step, data in (("start-consultation", {"consultation_start": "2022-01-10",
                                                       "consultation_end": "2022-02-10"}),
                               ("request-county-opinion", {"contributions_received": "3"}),
                               ("approve", {"county_opinion_ref": "CJ 12/2022", "county_opinion_date": "2022-02-20",
                                            "council_decision_ref": "HCL 5/2022",
                                            "council_decision_date": "2022-03-15"})):
                take_step(session, registry, plan, step, data, None)
            set_publication(session, town, published=True, licence="CC-BY-4.0", publisher="Primăria „Publică”")
            sweden = create_municipality(session, "publikommun", {"sv": "Publiks kommun"}, "SE", "sv", "SEK")
            set_plugin_enabled(session, registry, sweden, "sweden", True)
            followup = create_plan(session, registry, sweden, 2026, "followup-plan", None)
            set_section_text(session, registry, followup, "introduction", None,
                             text={"sv": "Uppföljningen av äldreomsorgen 2026: vad, hur och av vem."})
            take_step(session, registry, followup, "submit", {}, None)
            take_step(session, registry, followup, "approve",
                      {"council_decision_ref": "Dnr ÄN 2026/14", "council_decision_date": "2026-02-18"}, None)
            set_publication(session, sweden, published=True, licence="CC0-1.0", publisher="Äldreförvaltningen")
            session.commit()
        numbers = {slug: session.get(AnnualPlan, plan_id).adopted_revision for slug, plan_id in (
            ("ro", find_plan(session, municipality_by_slug(session, "comuna-publica"), 2022, "action-plan").id),
            ("sv", find_plan(session, municipality_by_slug(session, "publikommun"), 2026, "followup-plan").id))}
        get_session().close()
    app.extensions["socialplan.engine"].dispose()
    return numbers


def _pages(published) -> list[str]:
    return ["/public/", "/public/accessibility", "/public/comuna-publica/", ROMANIAN, f"{ROMANIAN}r{published['ro']}/",
            "/public/publikommun/", SWEDISH, "/public/nowhere/"]


def axe(page) -> list[str]:
    """axe-core's WCAG 2.1 A and AA violations, one line each with its first elements."""
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: axe-core is vendored there for the browser tests")
    # Evaluated through the DevTools protocol, so the page's CSP (script-src 'self') does not apply.
    page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;true")
    violations = page.evaluate("""async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags},
        resultTypes: ['violations']})).violations.map(v => ({id: v.id, help: v.help,
        nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))""", AXE_TAGS)
    return [f"{v['id']}: {v['help']} at {', '.join(v['nodes'])}" for v in violations]


@pytest.mark.parametrize("lang", LOCALES)
def test_axe_finds_no_violation_on_any_public_page(ui, live_server, published, lang):
    page = ui.page()
    found = {}
    for path in _pages(published):
        page.goto(live_server(f"{path}?lang={lang}"))
        assert html_lang(page) == lang, path
        assert page.locator("script").count() == 0, path
        violations = axe(page)
        if violations:
            found[path] = violations
    assert not found, found


def test_the_plan_page_works_with_the_keyboard_alone(ui, live_server, published):
    page = ui.page()
    page.goto(live_server(f"{ROMANIAN}?lang=en"))
    page.keyboard.press("Tab")
    skip = page.evaluate("() => document.activeElement.getAttribute('href')")
    assert skip == "#main"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    # Every link and scrollable table is reached by Tab, in the order of the page, each with a visible focus.
    expected = page.evaluate("""() => Array.from(document.querySelectorAll('main a[href], main [tabindex="0"]'))
        .filter(el => el.checkVisibility()).length""")
    reached, indicators = [], 0
    for _ in range(expected + 40):
        page.keyboard.press("Tab")
        element = page.evaluate_handle("() => document.activeElement")
        if not element.evaluate("el => !!el.closest('main')"):
            break
        reached.append(element.evaluate("el => el.outerHTML.slice(0, 60)"))
        focused, blurred = focus_indicator(page, element.as_element())
        indicators += focused != blurred
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # blurring moved the focus: step back to where the keyboard was
    assert len(reached) == expected and indicators == expected, (expected, reached[-3:])
    # The PDF and the data package are reached and followed with the keyboard alone.
    page.goto(live_server(f"{ROMANIAN}?lang=en"))
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("() => (document.activeElement.getAttribute('href') || '').endsWith('plan.json')"):
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/plan.json")


@pytest.mark.parametrize("lang", ["ro", "sv"])
def test_the_plan_page_at_200_percent_zoom(ui, live_server, published, lang):
    """200 %: a 1280-pixel window seen at twice the size, i.e. 640 CSS pixels wide. The page does not scroll
    sideways (only a wide table scrolls, inside its own region) and its chart shrinks to fit."""
    page = ui.page()
    page.set_viewport_size({"width": 640, "height": 450})
    page.goto(live_server(f"{ROMANIAN}?lang={lang}"))
    width = page.evaluate("() => document.documentElement.clientWidth")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    assert page.locator("svg[role=img]").bounding_box()["width"] <= width
    assert page.locator("h1").is_visible() and not axe(page)
