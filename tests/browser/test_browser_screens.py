"""Screenshots in Swedish, Romanian and English, and the accessibility basics, in a real browser.

The screenshots (PNG, under tests/browser/screenshots/) are of the dashboard, the editor with errors
and the comparison of two revisions, each language chosen with the header's language switcher;
they are there to be looked at. The accessibility test checks what a machine can: the page's
lang, a label for every input, the error summary on top linking to its fields, keyboard-only use
with a visible focus, and WCAG AA contrast of the text.

Both tests work on Piatra Neamț's 2021 demo plan: the first saves one change to it (a second
revision to compare); neither touches the 2027 plan of test_browser_romania.
"""

from __future__ import annotations

import pytest
from browser_helpers import contrast_failures, focus_indicator, html_lang, tab_to, text_of, unlabelled_controls

pytestmark = pytest.mark.browser

PLANNER = "planner@piatra-neamt.demo"
OCCUPANCY_ERRORS = {
    "en": "The occupancy must be between 0 and 100 %; it is 140.",
    "sv": "Beläggningen måste vara mellan 0 och 100 %; den är 140.",
    "ro": "Gradul de ocupare trebuie să fie între 0 și 100 %; este 140.",
}


def _plan(live_server, suffix: str = "") -> str:
    return live_server(f"/m/piatra-neamt/plans/{live_server.plan_id('piatra-neamt', 2021, 'action-plan')}/{suffix}")


def _post_occupancy_140(page, live_server) -> None:
    page.goto(_plan(live_server, "sections/existing-services/rows/new"))
    page.locator("#code").fill("8810 ID-I")
    page.locator("#capacity").fill("20")
    page.locator("#occupancy").fill("140")
    with page.expect_navigation():
        page.locator("main form.row-form button[type=submit].primary").click()


def test_screenshots_of_dashboard_editor_and_comparison_in_three_languages(ui, live_server):
    page = ui.sign_in(PLANNER)
    # A second revision: row 1's capacity 38 -> 40, saved through the editor.
    page.goto(_plan(live_server, "sections/existing-services"))
    page.locator("a[href$='/sections/existing-services/rows/0']").click()
    assert page.locator("#capacity").input_value() == "38"
    page.locator("#capacity").fill("40")
    with page.expect_navigation():
        page.locator("main form.row-form button[type=submit].primary").click()
    assert page.url.endswith("/sections/existing-services"), text_of(page.locator("main"))
    # The comparison, chosen on the revision history page.
    page.goto(_plan(live_server))
    page.locator("a[href$='/revisions']").click()
    page.locator("#compare-a").select_option("1")
    page.locator("#compare-b").select_option("2")
    with page.expect_navigation():
        page.locator("form.compare-form button[type=submit]").click()
    compare_url = page.url

    try:
        for locale in ("sv", "en", "ro"):
            page.goto(live_server("/m/piatra-neamt/"))
            if html_lang(page) != locale:
                ui.switch_language(page, locale)
            assert page.locator("table.plans").count() >= 1
            assert contrast_failures(page) == [], f"dashboard in {locale}"
            ui.screenshot(page, f"dashboard-{locale}")

            _post_occupancy_140(page, live_server)
            assert html_lang(page) == locale
            assert text_of(page.locator(".field:has(#occupancy) .field-error")) == OCCUPANCY_ERRORS[locale]
            assert OCCUPANCY_ERRORS[locale] in text_of(page.locator("#error-summary a[href='#occupancy']"))
            assert contrast_failures(page) == [], f"editor in {locale}"
            ui.screenshot(page, f"editor-errors-{locale}")

            page.goto(compare_url)
            changed = page.locator("table.diff td.changed")
            assert changed.count() >= 1, text_of(page.locator("main"))
            cell = changed.filter(has=page.locator("del", has_text="38"))
            assert cell.count() == 1 and text_of(cell.locator("ins")) == "40", text_of(page.locator("main"))
            assert contrast_failures(page) == [], f"comparison in {locale}"
            ui.screenshot(page, f"compare-{locale}")
    finally:
        if html_lang(page) != "ro":
            ui.switch_language(page, "ro")  # the demo account's own language, for the other tests


def _visible_focus(page, element) -> None:
    focused, blurred = focus_indicator(page, element)
    outline = focused["outlineStyle"] != "none" and focused["outlineWidth"] >= 2
    assert outline or focused["boxShadow"] != "none", f"no visible focus indicator: {focused}"
    assert focused != blurred, f"focus changes nothing: {focused}"


def test_accessibility_basics(ui, live_server):
    problems: dict[str, list[str]] = {}

    def check(page, name: str) -> None:
        assert html_lang(page) in ("en", "sv", "ro"), name
        for kind, found in (("unlabelled", unlabelled_controls(page)), ("contrast", contrast_failures(page))):
            if found:
                problems[f"{name}: {kind}"] = found

    # Signing in, keyboard only; first with nothing typed, to get the error summary.
    page = ui.page()
    page.goto(live_server("/login"))
    assert html_lang(page) == "en"
    skip = tab_to(page, lambda el: True)
    assert skip["href"] == "#main", "the first Tab stop is the skip link"
    assert page.locator("a.skip-link").bounding_box()["x"] >= 0, "the focused skip link is on screen"
    tab_to(page, lambda el: el["tag"] == "button" and el["name"] == "" and el["text"] == "Sign in")
    _visible_focus(page, page.locator("main button[type=submit]"))
    page.locator("main button[type=submit]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    summary = page.locator("#error-summary")
    assert summary.get_attribute("role") == "alert"
    first_in_main = page.locator("main > *:not(.flashes)").nth(1)  # after the page's h1
    assert first_in_main.get_attribute("id") == "error-summary", "the summary comes first, above the form"
    links = summary.locator("a")
    assert links.count() == 2
    for link in links.all():
        target = link.get_attribute("href")
        assert page.locator(f"main form {target}").count() == 1, f"{target} is not a field of the form"
    links.first.click()
    assert page.evaluate("location.hash") == "#email"
    check(page, "sign-in with errors")
    tab_to(page, lambda el: el["id"] == "email")
    page.keyboard.type(PLANNER)
    page.keyboard.press("Tab")
    from core.demo import DEMO_PASSWORD

    page.keyboard.type(DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.split("#")[0].endswith("/m/piatra-neamt/"), "signed in with the keyboard alone"
    assert html_lang(page) == "ro"

    # A focused link on the dark header stays readable.
    tab_to(page, lambda el: el["href"].endswith("/m/piatra-neamt/"))
    assert contrast_failures(page) == [], "the focused header link"
    _visible_focus(page, page.locator("header a[href$='/m/piatra-neamt/']"))

    # The dashboard's main action, by Tab, with a visible focus.
    new_plan = tab_to(page, lambda el: el["href"].endswith("/plans/new"))
    assert new_plan["tag"] == "a"
    _visible_focus(page, page.locator("main a[href$='/plans/new']"))
    check(page, "dashboard")

    # The row editor with an error: Tab reaches Save; the error summary links to the field.
    _post_occupancy_140(page, live_server)
    assert page.locator("#error-summary a[href='#occupancy']").count() == 1
    tab_to(page, lambda el: el["tag"] == "button" and "primary" in el["cls"])
    _visible_focus(page, page.locator("main form.row-form button.primary"))
    check(page, "row editor with errors")

    for name, suffix in (("plan overview", ""), ("section", "sections/existing-services"),
                         ("text section", "sections/press-messages"),
                         ("proposed service form", "sections/proposed-services/rows/new"),
                         ("campaign form", "sections/awareness-campaigns/rows/new"),
                         ("training form", "sections/training-courses/rows/new"),
                         ("website information form", "sections/website-information/rows/new"),
                         ("workflow step", "steps/start-consultation"), ("revisions", "revisions"),
                         ("comparison", "compare?a=1&b=1")):
        page.goto(_plan(live_server, suffix))
        check(page, name)
    page.goto(live_server("/m/piatra-neamt/plans/new"))
    check(page, "new plan")
    page.goto(live_server("/m/piatra-neamt/plans/2021/action-plan/tables/"))
    check(page, "tables")

    page = ui.sign_in("admin@socialplan.demo")
    for name, path in (("municipalities", "/admin/"), ("new municipality", "/admin/municipalities/new"),
                       ("plugins", "/admin/municipalities/huddinge/plugins"), ("users", "/admin/users"),
                       ("new user", "/admin/users/new")):
        page.goto(live_server(path))
        check(page, name)

    page = ui.sign_in("planner@stockholm.demo")
    check(page, "Swedish dashboard")
    for name, path in (("follow-up overview", "/m/stockholm/sweden/"), ("units", "/m/stockholm/sweden/units"),
                       ("new unit", "/m/stockholm/sweden/units/new"), ("cases", "/m/stockholm/sweden/cases"),
                       ("lex Sarah", "/m/stockholm/sweden/lex-sarah"), ("imports", "/m/stockholm/sweden/import")):
        page.goto(live_server(path))
        check(page, name)
    page.goto(live_server("/m/stockholm/sweden/cases"))
    page.locator("main a[href*='/sweden/cases/']").first.click()
    check(page, "case")
    page.goto(live_server("/m/stockholm/sweden/units"))
    page.locator("main a[href*='/sweden/units/']:not([href$='/new'])").first.click()
    check(page, "unit")
    page.locator("#record-followup").click()
    check(page, "follow-up form")
    page.go_back()
    page.locator("#record-deficiency").click()
    check(page, "deficiency form")

    assert not problems, "\n".join(f"{where}:\n  " + "\n  ".join(found) for where, found in problems.items())
