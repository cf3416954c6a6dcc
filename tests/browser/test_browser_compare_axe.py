"""The comparison of two revisions that differ, under axe-core, in Swedish and Romanian, at 1,280 px and 390 px
(issue 13).

The page walk (test_browser_pages.py) compares a revision with itself, which shows no table of changes. Here
each comparison has a row changed, a row added and a row removed: a Romanian action plan's existing services
(a table wider than a phone, which scrolls in a frame of its own, the issue's scrollable-region-focusable
failure) and a Swedish follow-up plan's methods. Both plans, their municipalities and the administrator who
reads them are this module's own, written into the served database, so no other browser test sees them.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from browser_helpers import (
    PHONE,
    VIEWPORT,
    axe_violations,
    horizontal_overflow,
    html_lang,
    served_app,
    sticking_out,
    text_of,
)

pytestmark = pytest.mark.browser

ADMIN = "compare-admin@example.org"
PASSWORD = "compare-the-revisions-2026"
# name: (municipality, its name, country, language, currency, plugin, year, plan kind, section)
PLANS = {
    "ro": ("comuna-compara", {"ro": "Comuna „Compară” & <Vale>"}, "RO", "ro", "RON", "romania", 2023, "action-plan",
           "existing-services"),
    "sv": ("jamforkommun", {"sv": "Jämförs kommun"}, "SE", "sv", "SEK", "sweden", 2026, "followup-plan", "methods"),
}
# Where each plan's first rows come from: a demo plan of the same kind.
SOURCES = {"ro": ("piatra-neamt", 2021), "sv": ("stockholm", 2026)}
# What each language calls a row's change, in the comparison's "What changed" column.
STATUS_WORDS = {"ro": {"removed": "eliminat"}, "sv": {"removed": "borttagen"}}
# How many table frames scroll sideways; those that do without being a keyboard's stop with a name (what axe's
# scrollable-region-focusable asks of them, checked here whatever axe's version decides).
FRAMES = "Array.from(document.querySelectorAll('main .table-wrap')).filter(el => el.scrollWidth > el.clientWidth + 1)"
SCROLLING = f"() => {FRAMES}.length"
UNREACHABLE = f"""() => {FRAMES}
  .filter(el => el.getAttribute('tabindex') !== '0' || !(el.getAttribute('aria-label') || '').trim())
  .map(el => el.outerHTML.slice(0, 120))"""


def _changed(rows: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    """The rows with the first one changed, the second removed and a new one (a copy of the third) added."""
    first = copy.deepcopy(rows[0])
    if name == "ro":
        first["capacity"] = str(int(first["capacity"] or 0) + 5)
    else:
        first["frequency"] = {**first["frequency"], "sv": "Varje år"}
    added = {key: value for key, value in copy.deepcopy(rows[2]).items() if key != "uid"}
    label = "name" if name == "ro" else "method"
    added[label] = {**added[label], name: f"Rad tillagd för jämförelsen ({name})"}
    return [first, *rows[2:], added]


@pytest.fixture(scope="module")
def comparisons(live_server) -> dict[str, str]:
    """Each plan's comparison address (the revision before the change with the one after), made once."""
    from core.services.accounts import create_municipality, create_user, municipality_by_slug, set_plugin_enabled
    from core.services.plans import create_plan, find_plan, replace_sections, section_content

    addresses = {}
    with served_app(live_server) as (session, registry):
        if not live_server.query("SELECT 1 FROM user_account WHERE email = ?", ADMIN):
            create_user(session, ADMIN, PASSWORD, "admin", None, "en")
        for name, (slug, title, country, locale, currency, plugin, year, kind, section) in PLANS.items():
            town = municipality_by_slug(session, slug)
            if town is None:
                town = create_municipality(session, slug, title, country, locale, currency)
                set_plugin_enabled(session, registry, town, plugin, True)
                source_slug, source_year = SOURCES[name]
                source = find_plan(session, municipality_by_slug(session, source_slug), source_year, kind)
                rows = [{k: v for k, v in row.items() if k != "uid"}
                        for row in section_content(session, registry, source, section)["rows"]]
                plan = create_plan(session, registry, town, year, kind, None)
                replace_sections(session, registry, plan, {section: {**section_content(session, registry, plan,
                                                                                         section), "rows": rows}},
                                 None, "import")
                content = section_content(session, registry, plan, section)
                replace_sections(session, registry, plan, {section: {**content,
                                                                     "rows": _changed(content["rows"], name)}},
                                 None, "import")
                session.commit()
            plan = find_plan(session, town, year, kind)
            addresses[name] = f"/m/{slug}/plans/{plan.id}/compare?a={plan.revision - 1}&b={plan.revision}"
    return addresses


@pytest.mark.parametrize("size", [VIEWPORT, PHONE], ids=["1280px", "390px"])
@pytest.mark.parametrize("locale", ["sv", "ro"])
def test_a_comparison_with_changes_passes_axe(ui, live_server, comparisons, locale, size):
    page = ui.sign_in(ADMIN, PASSWORD)
    page.set_viewport_size(size)
    ui.switch_language(page, locale)
    found: dict[str, list[str]] = {}
    for name, address in comparisons.items():
        response = page.goto(live_server(address))
        assert response.status == 200 and html_lang(page) == locale, address
        rows = page.locator("table.diff-rows tbody tr")
        statuses = {row.get_attribute("class") for row in rows.all()}
        assert {"row-changed", "row-added", "row-removed"} <= statuses, f"{name}: {statuses}"
        assert page.locator("table.diff-rows td.changed").count() >= 1, text_of(page.locator("main"))
        assert text_of(page.locator("tr.row-removed .row-status")) == STATUS_WORDS[locale]["removed"]
        ui.screenshot(page, f"compare-changes-{name}-plan-{locale}-{size['width']}")
        problems = [f"axe: {violation}" for violation in axe_violations(page)]
        if (overflow := horizontal_overflow(page)) > 0:
            problems.append(f"the page scrolls {overflow} px sideways: {', '.join(sticking_out(page))}")
        if name == "ro":  # the services' table is wider than either window: its frame scrolls, and is checked
            assert page.evaluate(SCROLLING) >= 1, f"{name}: no table frame scrolls at {size['width']} px"
        problems += [f"a frame scrolls but a keyboard cannot reach it: {frame}" for frame in page.evaluate(UNREACHABLE)]
        if problems:
            found[f"{name} ({address})"] = problems
    assert not found, "\n".join(f"{where}:\n  " + "\n  ".join(problems) for where, problems in found.items())
