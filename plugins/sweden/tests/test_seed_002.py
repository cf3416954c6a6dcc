"""Eskilstuna's demo report reproduces seed 002 (its kvalitetsberättelse 2017): every heading of its table
of contents and every figure of its text, read back from the rendered PDF with pdftotext."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.sdk.plans import find_plan
from core.sdk.reports import render_report
from core.sdk.testing import municipality_by_slug, pdf_text

SEEDS = Path("/work/shared/seeds")


def _flat(text: str) -> str:
    """Text with hyphenation at line ends undone and whitespace made single spaces."""
    return " ".join(re.sub(r"-\n(?=[a-zåäö])", "", text).split())


def _seed_text() -> str:
    seed = next(SEEDS.glob("002_*.txt"), None)
    if seed is None:
        pytest.skip("seed 002 is not on this machine")
    return seed.read_text(encoding="utf-8")


def test_the_pdf_has_every_heading_and_figure_of_seed_002(demo_session):
    plan = find_plan(demo_session, municipality_by_slug(demo_session, "eskilstuna"), 2017, "quality-report")
    shown = _flat(pdf_text(render_report(demo_session, plan, "quality-report", "sv"), plain_spaces=True))
    seed = _seed_text()
    start, end = "Innehållsförteckning\n\nInnehållsförteckning", "\n\nKvalitetsberättelse\n\nInledning"
    toc = seed[seed.index(start):seed.index(end)]
    headings = [re.sub(r"[.\s]*\t?\d+$", "", line).strip() for line in toc.splitlines()[3:] if line.strip()]
    assert len(headings) == 40
    for heading in headings:  # each heading of the seed's table of contents, as it spells it
        assert heading in shown, heading
    body = seed[seed.index("\n\nKvalitetsberättelse\n\nInledning"):]
    figures = set(re.findall(r"\d+(?:[.,]\d+)?", body))
    missing = sorted(f for f in figures if f not in shown)
    assert missing == [], missing  # every number of the seed's text is printed
    # The cover: the date and the persons responsible as the seed gives them.
    for line in ("Datum och ansvarig för innehållet", "2018-02-13", "Johan Lindström, förvaltningschef",
                 "Sara Josefsson, kvalitetschef", "Vård- och omsorgsförvaltningen 2017"):
        assert line in shown, line
    # The goals' table: the LSS goal's parts, 2016 beside 2017, a goal in words judged, the lex Sarah table.
    for cell in ("89,5 %", "91 %", "Resultat 2016", "70 %", "Kvinna", "Man", "Verksamhetsområde"):
        assert cell in shown, cell
