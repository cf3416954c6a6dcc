"""Huddinge's demo data as seed 003 writes it: its own follow-up methods, a special review area each year,
and a results report with figures (the threshold of 5 hiding the small units)."""

from __future__ import annotations

import re
from html import unescape

import pytest

from core.sdk.plans import find_plan
from core.sdk.reports import render_report
from core.sdk.testing import municipality_by_slug, pdf_text
from plugins.sweden.models import SwedenSettings
from plugins.sweden.services.settings import special_review_area
from plugins.sweden.tests.helpers import sign_in

SEED_003_METHODS = (  # seed 003's methods and how often, as the plan's table lists them
    "Var tredje år", "Samverkansgrupp för entreprenader",
    "Varje månad de första sex månaderna, sedan varannan månad under avtalstiden",
    "Sex till åtta månader efter att utföraren börjat ta emot kunder", "Ett område per år",
    "Åtgärdsplan inom en månad, granskning inom tre månader",
)


def _pdf(session, kind: str, locale: str = "sv") -> list[str]:
    plan = find_plan(session, municipality_by_slug(session, "huddinge"), 2026, "followup-plan")
    return pdf_text(render_report(session, plan, kind, locale), plain_spaces=True).splitlines()


def _joined(lines: list[str]) -> str:
    return re.sub(r"\s+", " ", " ".join(lines))


def test_the_plan_lists_seed_003s_methods_not_stockholms(demo_session):
    text = _joined(_pdf(demo_session, "followup-plan"))
    for method in SEED_003_METHODS:
        assert method in text, method
    # Stockholm's row (every other year, by the district administration) is not Huddinge's.
    assert "Vartannat år" not in text and "Stadsdelsförvaltningen" not in text


def test_a_special_review_area_for_each_year(demo_session):
    settings = demo_session.get(SwedenSettings, municipality_by_slug(demo_session, "huddinge").id)
    assert special_review_area(settings, 2025)["sv"] == "Arbetet med lex Sarah"
    assert special_review_area(settings, 2026)["sv"] == "Säkerhet i särskilda boenden"
    assert "Säkerhet i särskilda boenden" in _joined(_pdf(demo_session, "followup-plan"))  # the plan's year's


def test_the_results_report_shows_figures_and_hides_the_small_units(demo_session):
    lines = _pdf(demo_session, "followup-results")
    big = lines.index("Solgårdens äldreboende (egen regi)")  # 22 respondents
    assert re.fullmatch(r"\d+", lines[big + 1]) and lines[big + 2].endswith("%")  # answers and share shown
    for small in ("Trygg Hemtjänst", "Vistagårdens gruppbostad (egen regi)"):  # 3 and 4 respondents
        start = lines.index(small)
        assert lines[start + 1:start + 3] == ["–", "–"], small
    assert not any(line in ("3", "4") for line in lines)  # the small units' counts appear nowhere


@pytest.mark.parametrize("locale", ["sv", "en"])
def test_the_results_page_shows_results_to_the_planner(demo_app, demo_client, locale):
    sign_in(demo_client, "planner@huddinge.demo", locale)
    page = demo_client.get("/m/huddinge/sweden/results?year=2026")
    text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", page.get_data(as_text=True))))
    assert page.status_code == 200 and "Solgårdens äldreboende (egen regi)" in text
    assert re.search(r"\d+ ?%", text)  # shares shown, not an empty report
    html = page.get_data(as_text=True)
    for code in ("HU-KV", "HU-EB2"):  # 3 and 4 respondents: every row of theirs hidden, answers and share
        rows = re.findall(rf'<tr id="result-[\w-]+-{code}">(.*?)</tr>', html, re.S)
        assert rows and all(re.findall(r"<td>([^<]*)</td>", row)[1:] == ["–", "–"] for row in rows), code
