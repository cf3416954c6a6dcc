"""The demo data loads once, and the three report kinds print its figures the Swedish way."""

from __future__ import annotations

import pytest

from core.sdk.plans import find_plan
from core.sdk.reports import render_report
from core.sdk.testing import get_registry, municipality_by_slug, pdf_text
from plugins.sweden.demo import load


def _text(pdf: bytes) -> str:
    return pdf_text(pdf, plain_spaces=True)


def _plan(session, slug, year, kind):
    return find_plan(session, municipality_by_slug(session, slug), year, kind)


def test_demo_is_idempotent(demo_session):
    from plugins.sweden.models import Answer, GoalValue, LexSarahReport, Unit

    counts = [demo_session.query(model).count() for model in (Unit, Answer, GoalValue, LexSarahReport)]
    assert load(demo_session, get_registry()) == ["stockholm", "huddinge", "eskilstuna"]
    demo_session.commit()
    assert [demo_session.query(model).count() for model in (Unit, Answer, GoalValue, LexSarahReport)] == counts


def test_quality_report_holds_eskilstunas_figures_in_swedish(demo_session):
    pdf = render_report(demo_session, _plan(demo_session, "eskilstuna", 2017, "quality-report"), "quality-report",
                        "sv")
    text = _text(pdf)
    assert "Kvalitetsberättelse 2017" in text
    for figure in ("86 %", "78,33 %", "84 %", "80 %", "82 %", "88 %", "89 %"):
        assert figure in text, figure
    cells = text.splitlines()
    assert "78,33 %" in cells  # the goals' table writes the figure the Swedish way (the seed's own text: 78.33%)
    assert "gjordes 18 lex Sarah-rapporter; 5 av dem anmäldes" in " ".join(text.split())
    cells = text.splitlines()
    start = cells.index("Vård- och omsorgsboende")
    assert cells[start:start + 4] == ["Vård- och omsorgsboende", "12", "7", "5"]
    sarah = cells[start:]
    assert sarah[sarah.index("Ordinärt boende"):][:4] == ["Ordinärt boende", "2", "1", "1"]
    assert cells[cells.index("Totalt"):][:4] == ["Totalt", "18", "9", "9"]


def test_quality_report_in_english(demo_session):
    text = _text(render_report(demo_session, _plan(demo_session, "eskilstuna", 2017, "quality-report"),
                               "quality-report", "en"))
    assert "Quality report 2017" in text and "78.33%" in text.replace(" %", "%").splitlines()


@pytest.mark.parametrize("slug", ["stockholm", "huddinge"])
def test_followup_plan_has_schedule_appendix(demo_session, slug):
    text = _text(render_report(demo_session, _plan(demo_session, slug, 2026, "followup-plan"), "followup-plan",
                               "sv"))
    assert "Uppföljningsplan 2026" in text and "Bilaga: schema per enhet" in text
    if slug == "huddinge":
        assert "Samverkansgrupp" in text and "Solgårdens äldreboende (egen regi)" in text


def test_followup_results_suppress_small_units(demo_session):
    text = _text(render_report(demo_session, _plan(demo_session, "stockholm", 2026, "followup-plan"),
                               "followup-results", "sv"))
    assert "Hemtjänst i Söder" in text  # three respondents: shown as a row, its figures hidden
    cells = text.splitlines()
    start = cells.index("Hemtjänst i Söder")
    assert cells[start:start + 4] == ["Hemtjänst i Söder", "Södermalm", "–", "–"]
    big = cells.index("Södermalms hemtjänst (egen regi)")
    assert cells[big + 3].endswith("%")
