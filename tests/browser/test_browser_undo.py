"""Removing a row is asked for on a page of its own and undone from the revision history, in ro and sv.

With JavaScript switched off (the pages must not need it), a planner removes the second row of a
section through its confirmation page, follows the flash message's link to the history, opens the
comparison (the row shows as removed, in the page's language), restores the revision before the
removal through its confirmation page, and finds the row back in its place.

The Romanian run uses Piatra Neamț's 2021 plan (test_browser_screens compares its revisions 1 and 2
before this module runs: the names sort it last); the Swedish run Stockholm's 2026 follow-up plan.
Both end with the plan's content as it was, two revisions later.
"""

from __future__ import annotations

import re

import pytest
from browser_helpers import VIEWPORT, html_lang, text_of

from core.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

CASES = {
    # locale: (municipality, year, plan kind, section, planner, words the pages use)
    "ro": ("piatra-neamt", 2021, "action-plan", "existing-services", "planner@piatra-neamt.demo",
           {"removed": "eliminat", "added back": "1 rând adăugat", "restored": "Versiunea {n} restaurată"}),
    "sv": ("stockholm", 2026, "followup-plan", "methods", "planner@stockholm.demo",
           {"removed": "borttagen", "added back": "1 rad tillagd", "restored": "Version {n} återställd"}),
}
RAW_KEYS = ("uid", "rows[", "budget[", ".sv)", ".ro)", ".en)", "title.", "name.", "method.")


def _page_without_javascript(ui, email: str):
    context = ui.browser.new_context(viewport=VIEWPORT, java_script_enabled=False, locale="en-GB")
    context.set_default_timeout(20_000)
    ui.contexts.append(context)
    page = context.new_page()
    page.goto(ui.server("/login"))
    page.locator("#email").fill(email)
    page.locator("#password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert "/login" not in page.url, text_of(page.locator("main"))
    return page


def _click(page, locator) -> None:
    with page.expect_navigation():
        locator.click()


def _rows(page) -> list[str]:
    return [text_of(row) for row in page.locator("table.rows tbody tr").all()]


@pytest.mark.parametrize("locale", ["ro", "sv"])
def test_a_removed_row_is_compared_and_restored_without_javascript(ui, live_server, locale):
    slug, year, kind, section, planner, words = CASES[locale]
    plan_path = f"/m/{slug}/plans/{live_server.plan_id(slug, year, kind)}"
    page = _page_without_javascript(ui, planner)
    assert html_lang(page) == locale, "the planner's account is in the municipality's language"

    page.goto(live_server(f"{plan_path}/sections/{section}"))
    before = _rows(page)
    assert len(before) >= 2, f"the demo section {section} needs two rows: {before}"
    second = page.locator("table.rows tbody tr").nth(1)
    name = text_of(second.locator("td").first)
    # The table's Remove only asks: a link to a page of its own, which shows the row and a confirm button.
    _click(page, second.locator("a.button.danger"))
    assert "/delete" in page.url
    assert name in text_of(page.locator("#row-to-remove"))
    assert page.locator("form#row-delete-form[method=post] input[name=csrf_token]").count() == 1
    ui.screenshot(page, f"undo-{locale}-1-confirm-removal")
    _click(page, page.locator("#row-delete-confirm"))
    assert page.url.endswith(f"/sections/{section}"), text_of(page.locator("main"))
    assert len(_rows(page)) == len(before) - 1 and name not in text_of(page.locator("table.rows"))

    # The flash message leads to the history, where the last revision compares with the one before.
    _click(page, page.locator(".flash-success a[href$='/revisions']"))
    latest = int(text_of(page.locator("table.revisions tbody tr").first.locator("th")))
    _click(page, page.locator("table.revisions tbody tr").first.locator("a[href*='/compare']"))
    removed = page.locator("table.diff-rows tr.row-removed")
    assert removed.count() == 1, text_of(page.locator("main"))
    assert text_of(removed.locator(".row-status")) == words["removed"]
    assert name in text_of(removed)
    main = page.locator("main").inner_html()
    assert not [key for key in RAW_KEYS if key in main], "the comparison shows document keys"
    ui.screenshot(page, f"undo-{locale}-2-comparison")

    # Restore the revision before the removal: its own page says what comes back, then it is done.
    page.goto(live_server(f"{plan_path}/revisions"))
    _click(page, page.locator(f"#restore-{latest - 1}"))
    assert words["added back"] in text_of(page.locator("#restore-summary"))
    ui.screenshot(page, f"undo-{locale}-3-confirm-restore")
    _click(page, page.locator("#restore-confirm"))
    assert page.url.endswith("/revisions"), text_of(page.locator("main"))
    newest = page.locator("table.revisions tbody tr").first
    assert text_of(newest.locator("th")) == str(latest + 1)
    assert words["restored"].format(n=latest - 1) in text_of(newest)

    page.goto(live_server(f"{plan_path}/sections/{section}"))
    assert _rows(page) == before, "the restored section is the one before the removal"
    assert re.search(re.escape(name), text_of(page.locator("table.rows tbody tr").nth(1)))
    ui.screenshot(page, f"undo-{locale}-4-row-back")
