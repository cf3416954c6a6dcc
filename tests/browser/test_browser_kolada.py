"""A Swedish planner imports Kolada files (v2, then v3) in the browser and reads the goals page: the
import says what it left out, the goal's result says 'Saknas', women's and men's figures stand under
Kvinna and Man; the page fits a phone and passes axe-core. Huddinge's own files, a year (2024) no
other test uses."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_helpers import axe_violations, horizontal_overflow, text_of

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).parents[2] / "plugins/sweden/tests/fixtures"
PLANNER = "planner@huddinge.demo"


def _upload(page, live_server, name: str) -> str:
    page.goto(live_server("/m/huddinge/sweden/import"))
    page.locator("#kolada-file").set_input_files(str(FIXTURES / name))
    with page.expect_navigation():
        page.locator("#kolada-import-submit").click()
    return text_of(page.locator(".flash, [role=status], [role=alert]").first)


def test_a_planner_imports_kolada_v2_and_v3_and_reads_women_men_and_missing(ui, live_server):
    page = ui.sign_in(PLANNER)
    page.goto(live_server("/m/huddinge/sweden/goals?year=2024"))
    page.locator("#title__sv").fill("Nöjda brukare i ordinärt boende")
    page.locator("#target").fill("86")
    page.locator("#kolada_kpi").fill("U21468")
    with page.expect_navigation():
        page.locator("#goal-form-submit").click()
    assert "/sweden/goals/" in page.url, text_of(page.locator("main"))

    first = _upload(page, live_server, "kolada_v2_huddinge_2024.json")
    assert first.startswith("Kolada: 1 resultat och 1 värde för riket importerades."), first
    second = _upload(page, live_server, "kolada_v3_huddinge_2024.json")
    assert "saknas i Kolada" in second and "nästa sida" in second, second

    page.goto(live_server("/m/huddinge/sweden/goals?year=2024"))
    result = text_of(page.locator("#goals tbody tr").first)
    assert "Saknas" in result and "90" not in result  # v2's 90 is replaced, shown as missing
    figures = page.locator("#kolada-figures")
    assert "Kvinna" in text_of(figures.locator("thead")) and "Man" in text_of(figures.locator("thead"))
    assert "91" in text_of(figures.locator("tbody"))
    assert axe_violations(page) == []
    ui.screenshot(page, "kolada-goals-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    assert horizontal_overflow(page) == 0
    ui.screenshot(page, "kolada-goals-390")
