"""The PDF of a plan that is not the demo's (Târgu Frumos 2022, own_plan.py), read back with pdftotext figure
by figure in ro, en and sv (issue 10): amounts in lei and in thousand lei as each language writes them, the
C and D programmes, every period kind, the model-cadru's headings, nothing the planner did not enter."""

from __future__ import annotations

import re

import pytest

from core.sdk.plans import import_plan
from core.sdk.reports import render_report
from core.sdk.testing import get_registry, pdf_text
from plugins.romania.tests.own_plan import own_document


@pytest.fixture
def own_texts(session):
    """The own plan imported, and its PDF's text in each language (no-break spaces read as spaces)."""
    plan = import_plan(session, get_registry(), own_document(), None)
    session.commit()
    return {lang: " ".join(pdf_text(render_report(session, plan, "action-plan", lang), plain_spaces=True).split())
            for lang in ("ro", "en", "sv")}


def _has(text: str, figure: str) -> bool:
    """``figure`` printed whole: not part of a longer number."""
    return re.search(rf"(?<![\d.,]){re.escape(figure)}(?![\d]|[.,]\d)", text) is not None


# Figure by figure: I.A in thousand lei (rows, column totals), I.B in lei with shares, I.C and I.D in lei,
# the budget summary in lei, Chapter III's budget.
FIGURES = {
    "ro": ["210", "45", "255", "150", "162", "360", "417", "120.000,50 (20 %)", "480.000,00 (80 %)",
           "Total: 600.000,50 lei", "85.000,00", "12.000,00", "97.000,00", "42.500,75", "417.000,00 lei",
           "1.017.000,50 lei", "2.500", "47,2 %"],
    "en": ["210", "45", "255", "150", "162", "360", "417", "120,000.50 (20%)", "480,000.00 (80%)",
           "Total: RON 600,000.50", "85,000.00", "12,000.00", "97,000.00", "42,500.75", "RON 417,000.00",
           "RON 1,017,000.50", "2,500", "47.2%"],
    "sv": ["210", "45", "255", "150", "162", "360", "417", "120 000,50 (20 %)", "480 000,00 (80 %)",
           "600 000,50 RON", "85 000,00", "12 000,00", "97 000,00", "42 500,75", "417 000,00 RON",
           "1 017 000,50 RON", "2 500", "47,2 %"],
}
PERIODS = {
    "ro": ["Semestrul I 2022", "Lunar", "Trimestrial", "Anual", "1–31 mar. 2022", "Iunie 2022",
           "Iulie și august 2022", "1 Iunie", "Semestrial", "Punct de sprijin deschis tot anul Permanent"],
    "en": ["First half of the year 2022", "Monthly", "Quarterly", "Yearly", "Mar 1 – 31, 2022", "June 2022",
           "July and August 2022", "1 June", "Half-yearly", "Punct de sprijin deschis tot anul Permanent"],
    "sv": ["Första halvåret 2022", "Varje månad", "Kvartalsvis", "Varje år", "1–31 mars 2022", "Juni 2022",
           "Juli och augusti 2022", "1 juni", "Varje halvår", "Punct de sprijin deschis tot anul Löpande"],
}
HEADINGS = {
    "ro": ["Personalul de specialitate", "Programe de voluntariat", "Buget județean*", "Capacitate necesară",
           "Capacitate clădire/ spațiu necesar (mp)", "(mii lei)", "Bugetele estimate pe surse de finanțare (lei)",
           "Asociația sau fundația", "Nu este nimic planificat în această parte."],
    "en": ["Specialist staff", "Volunteer programmes", "County budget*", "Capacity needed",
           "Building capacity / floor space needed (m²)", "(thousand lei)", "Occupancy", "contributions",
           "Justification", "Association or foundation", "Nothing is planned in this part."],
    "sv": ["Specialistpersonal", "Volontärprogram", "Byggnadens kapacitet / yta som behövs (m²)"],
}


@pytest.mark.parametrize("lang", ["ro", "en", "sv"])
def test_every_figure_of_the_own_plan_is_printed_the_languages_way(own_texts, lang):
    text = own_texts[lang]
    for figure in FIGURES[lang]:
        assert _has(text, figure), (lang, figure)
    # Never an amount glued to its currency code, nor a figure of the other languages.
    assert "RON6" not in text and "RON4" not in text and "RON1" not in text
    other = {"ro": "120,000.50", "en": "120.000,50", "sv": "120.000,50"}[lang]
    assert other not in text


@pytest.mark.parametrize("lang", ["ro", "en", "sv"])
def test_every_period_kind_of_the_own_plan_prints_in_words(own_texts, lang):
    text = own_texts[lang]
    for period in PERIODS[lang]:
        assert period in text, (lang, period)
    assert "2022-03-01" not in text and "quarterly" not in text  # no ISO date, no code


@pytest.mark.parametrize("lang", ["ro", "en", "sv"])
def test_the_own_plans_tables_are_headed_as_the_model_cadru(own_texts, lang):
    text = own_texts[lang]
    for heading in HEADINGS[lang]:
        assert heading in text, (lang, heading)
    # One generic heading for every training table is gone; no word of a heading is cut in two.
    assert "Staff, department or topic" not in text and "Personal, serviciu sau temă" not in text
    assert not re.search(r"Occupanc y|Justificatio n|Beneficiarie s", text)


def test_nothing_is_printed_that_the_planner_did_not_enter(own_texts):
    ro, en = own_texts["ro"], own_texts["en"]
    # The website row's 'published' is said as chosen; unbudgeted training rows say nothing of a budget.
    assert "actualizat permanent" not in ro and "kept up to date" not in en
    assert "nebugetat" not in ro and "not budgeted" not in en
    assert "Sume în mii RON" not in ro
    # 'nu este cazul' of III.1.b is printed once, with its reason.
    assert ro.count("Nu este cazul în 2022: personalul este calificat.") == 1
    assert "Nu este cazul. Nu este cazul în 2022" not in ro



@pytest.mark.parametrize("lang", ["en", "sv"])
def test_romanian_words_in_an_english_or_swedish_report_break_where_romanian_allows(own_texts, lang):
    # The own plan's texts are Romanian only: printed in an English or Swedish report, a Romanian word that breaks at
    # a line's end breaks at one of Romanian's hyphenation points ('Dezinstituționali-zare'), never at one only the
    # report's language has ('Dezinstituțion-alizare', by English rules).
    import pyphen

    romanian = pyphen.Pyphen(lang="ro_RO")
    breaks = re.findall(r"\b([a-zăâîșțA-ZĂÂÎȘȚ]+)- ([a-zăâîșț]+)\b", own_texts[lang])
    words = [(first, first + rest) for first, rest in breaks if re.search("[ăâîșțĂÂÎȘȚ]", first + rest)]
    assert words, "no Romanian word broke at a line's end: the test would prove nothing"
    wrong = [f"{first}-{word[len(first):]}" for first, word in words
             if len(first) not in {len(part) for part, _rest in romanian.iterate(word)}]
    assert wrong == []
