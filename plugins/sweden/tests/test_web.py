"""The plugin's pages answer for a municipality that enabled it, 404 for one that did not."""

from __future__ import annotations

from core.sdk.testing import DEMO_PASSWORD, login


def test_calendar_and_cases_pages(demo_client):
    login(demo_client, "planner@huddinge.demo", DEMO_PASSWORD)
    page = demo_client.get("/m/huddinge/sweden/calendar/2026")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Samverkansgrupp" in html and "Solgårdens äldreboende (egen regi)" in html
    assert demo_client.get("/m/huddinge/sweden/cases").status_code == 200
    assert demo_client.get("/m/stockholm/sweden/cases").status_code == 404  # another tenant


def test_dashboard_shows_the_panel(demo_client):
    login(demo_client, "planner@stockholm.demo", DEMO_PASSWORD)
    html = demo_client.get("/m/stockholm/").get_data(as_text=True)
    assert "Sofia servicehus" in html
