"""The public pages in a real browser (issue 15): axe-core finds no WCAG 2.1 A/AA violation on any of them in sv,
ro and en; they work with the keyboard alone (a visible focus on every link, in order) and at 200 % zoom.

Reads the two published municipalities of the ``published`` fixture (conftest.py): "comuna-publica" (Romanian: a
copy of Piatra Neamț's plan, adopted) and "publikommun" (its Swedish follow-up plan adopted).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_helpers import focus_indicator, html_lang

from core.i18n import LOCALES

pytestmark = pytest.mark.browser

AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"  # vendored: never a CDN at test time
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ROMANIAN = "/public/comuna-publica/2022/action-plan/"
SWEDISH = "/public/publikommun/2026/followup-plan/"


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
