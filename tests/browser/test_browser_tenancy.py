"""Flow 5: a municipality's plans stay its own, whatever URL another municipality's user types."""

from __future__ import annotations

import pytest
from browser_helpers import html_lang, text_of

pytestmark = pytest.mark.browser


def _expect_404(page, url: str, leaked: str) -> None:
    response = page.goto(url)
    assert response.status == 404, f"{url} answered {response.status}"
    assert page.locator("main h1").count() == 1, "the 404 page of the application, not a bare error"
    assert page.locator("main a[href='/']").count() == 1, "the 404 page leads back to the start page"
    assert leaked not in page.content(), f"{url} shows another municipality's plan"


def test_flow5_a_planner_cannot_open_another_municipalitys_plan_by_url(ui, live_server):
    romanian = live_server.plan_id("piatra-neamt", 2021, "action-plan")
    swedish = live_server.plan_id("stockholm", 2026, "followup-plan")

    page = ui.sign_in("planner@stockholm.demo")
    assert html_lang(page) == "sv"
    own = page.goto(live_server(f"/m/stockholm/plans/{swedish}/"))
    assert own.status == 200, "the planner opens the own municipality's plan"
    for path in (f"/m/piatra-neamt/plans/{romanian}/",  # the other municipality's address
                 f"/m/stockholm/plans/{romanian}/",  # the other plan under one's own municipality
                 f"/m/piatra-neamt/plans/{romanian}/sections/existing-services",
                 f"/m/piatra-neamt/plans/{romanian}/revisions",
                 f"/m/piatra-neamt/plans/{romanian}/reports/action-plan/ro.pdf",
                 "/m/piatra-neamt/"):
        _expect_404(page, live_server(path), "Piatra Neam")
    ui.screenshot(page, "flow5-sv-404")
    assert html_lang(page) == "sv", "the 404 page is in the user's language"
    assert text_of(page.locator("main h1")) != "Page not found", "the 404 page is translated"

    page = ui.sign_in("planner@piatra-neamt.demo")
    _expect_404(page, live_server(f"/m/stockholm/plans/{swedish}/"), "Stockholm")
    _expect_404(page, live_server(f"/m/piatra-neamt/plans/{swedish}/"), "Stockholm")

    # A council member does not see a draft, even by URL.
    page = ui.sign_in("consilier@piatra-neamt.demo")
    _expect_404(page, live_server(f"/m/piatra-neamt/plans/{romanian}/"), "existing-services")

    # Nobody signed in: the sign-in page (the server must not hand a previous request's user on).
    page = ui.page()
    page.goto(live_server(f"/m/piatra-neamt/plans/{romanian}/"))
    assert "/login?next=" in page.url, page.url
