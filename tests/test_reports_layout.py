"""How the report layer lays text out for a council's reader (issue 10): words wrap at their boundaries and
hyphenate by the report's language, columns are as wide as their headings' words, no page ends with a
lone heading, and what a report keeps together (a table and its chart) shares a page."""

from __future__ import annotations

import io
import subprocess
from decimal import Decimal

import pytest
from flask_babel import force_locale
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from core.app import create_app

    database = tmp_path_factory.mktemp("layout") / "t.sqlite"
    app = create_app(test_config={"TESTING": True, "SECRET_KEY": "x" * 32, "DATABASE_URL": f"sqlite:///{database}"})
    yield app
    app.extensions["socialplan.engine"].dispose()


def _pages(pdf: bytes) -> list[str]:
    """Each page's text as poppler lays it out (what a reader sees line by line)."""
    reader = PdfReader(io.BytesIO(pdf))
    texts = []
    for number in range(1, len(reader.pages) + 1):
        texts.append(subprocess.run(["pdftotext", "-layout", "-f", str(number), "-l", str(number), "-", "-"],
                                    input=pdf, capture_output=True, check=True).stdout.decode())
    return texts


@pytest.mark.parametrize(("locale", "word"), [("en", "contributions"), ("sv", "beläggningsgrad"),
                                              ("ro", "dezinstituționalizare")])
def test_a_word_wider_than_its_column_is_hyphenated_by_its_language(app, locale, word):
    import pyphen

    from core.reports.engine import CELL_FONT_SIZE, CELL_PADDING, _CellMaker, _hyphenator, styles

    width = 40.0
    maker = _CellMaker(styles(locale), [width], frozenset({0}), frozenset(), _hyphenator(locale))
    lines = maker.body([word], bold=False)[0].split("\n")
    # The word is split in more than one line, every line but the last ends with a hyphen ...
    assert len(lines) > 1 and all(line.endswith("-") for line in lines[:-1]), lines
    assert "".join(line.removesuffix("-") for line in lines) == word
    # ... at points the language's dictionary allows, and each line fits the column.
    points = {len(first) for first, _rest in pyphen.Pyphen(lang=pyphen.language_fallback(locale)).iterate(word)}
    cuts = [sum(len(line) - 1 for line in lines[:n + 1]) for n in range(len(lines) - 1)]
    assert set(cuts) <= points, (cuts, points)
    font = styles(locale)["cell"].fontName
    assert all(stringWidth(line, font, CELL_FONT_SIZE) <= width - 2 * CELL_PADDING for line in lines)


def test_a_pasted_ten_thousand_character_word_is_cut_with_few_measurements(app, monkeypatch):
    """A 'word' no language has (a pasted address, 10,000 characters) is cut where the column ends, each line found
    by a binary search: the cell costs a few dozen measurements a line, not the square of its length (the attack
    corpus's long values took a form test past ten minutes)."""
    import core.reports.engine as engine

    width, word = 60.0, "ăîșțâ" * 2000
    measured = []

    def counting(text, font, size):
        measured.append(len(text))
        return stringWidth(text, font, size)

    monkeypatch.setattr(engine, "stringWidth", counting)
    maker = engine._CellMaker(engine.styles("ro"), [width], frozenset({0}), frozenset(), engine._hyphenator("ro"))
    lines = maker.body([word], bold=False)[0].split("\n")
    # nothing lost (its last few dozen characters, short enough for a word, may hyphenate)
    assert "".join(line.removesuffix("-") for line in lines[:-1]) + lines[-1] == word
    font = engine.styles("ro")["cell"].fontName
    assert all(stringWidth(line, font, engine.CELL_FONT_SIZE) <= width - 2 * engine.CELL_PADDING for line in lines)
    assert len(measured) <= 40 * len(lines), (len(measured), len(lines))


def test_every_language_has_a_hyphenation_dictionary():
    from core.reports.engine import hyphenation_language

    # The three languages of the reports each hyphenate by their own rules.
    assert {locale: bool(hyphenation_language(locale)) for locale in ("en", "sv", "ro")} == {
        "en": True, "sv": True, "ro": True}


def test_a_narrow_column_is_widened_to_its_headings_longest_word(app):
    from core.reports.engine import ReportBuilder

    headings = ["No.", "Occupancy", "Beneficiaries' contributions", "Justification", "Social service"]
    with app.app_context(), force_locale("en"):
        report = ReportBuilder("t", "m", "en")
        report.table([headings], [["1", "100 %", "12", "EU programme", "Home care"]], [1, 1, 1, 1, 30], wrap={4})
        text = _pages(report.build())[0]
    # Each heading word is printed whole: none is cut into two lines ('Occupanc' / 'y').
    for word in ("Occupancy", "Beneficiaries'", "contributions", "Justification"):
        assert word in text, (word, text)


def test_a_heading_at_a_pages_foot_moves_on_with_its_text_and_the_start_of_its_table(app):
    from core.reports.engine import ReportBuilder

    with app.app_context(), force_locale("en"):
        report = ReportBuilder("t", "m", "en")
        report.paragraph("\n\n".join(f"Filler line {i}." for i in range(37)))  # ends low on the first page
        report.heading("Lonely heading", 2)
        report.paragraph("The table below lists the courses.")
        report.table([["Course", "Persons"]], [[f"Course {i}\nsecond line\nthird line", str(i)] for i in range(40)],
                     [5, 1], wrap={0})
        pages = _pages(report.build())
    page = next(n for n, text in enumerate(pages) if "Lonely heading" in text)
    # The heading's page also holds its text and the table's header and first row.
    assert "The table below" in pages[page] and "Course 0" in pages[page] and "Persons" in pages[page]
    assert page > 0  # it did not fit at the first page's foot: it moved on (the filler is there)


def test_a_table_and_its_chart_kept_together_share_a_page(app):
    from core.reports.engine import ReportBuilder

    with app.app_context(), force_locale("en"):
        report = ReportBuilder("t", "m", "en")
        report.paragraph("\n\n".join(f"Filler line {i}." for i in range(38)))
        with report.together():
            report.table([["Source", "Amount"]], [[f"Source {i}", str(i)] for i in range(6)], [3, 1])
            report.bar_chart("Chart of the sources", [f"Source {i}" for i in range(6)],
                             [Decimal(i + 1) for i in range(6)], str)
        pages = _pages(report.build())
    # The table's first row and the chart's title are on one page.
    assert next(n for n, text in enumerate(pages) if "Source 0" in text) == next(
        n for n, text in enumerate(pages) if "Chart of the sources" in text)


def test_a_rows_total_in_the_editor_leaves_out_a_line_in_another_currency():
    from core.web.helpers import row_budget_total

    row = {"budget": [{"source": "local", "amount": "100", "scale": 1000, "currency": "RON"},
                      {"source": "other", "amount": "50", "scale": 1, "currency": "EUR"}]}
    # 100 thousand lei; the 50 euros are shown beside their line, never added into the lei (issue 10).
    assert row_budget_total(row, "RON") == Decimal(100000)
    assert row_budget_total(row) == Decimal(100050)  # without a currency: every line, as before


@pytest.mark.parametrize("report_locale", ["en", "sv"])
def test_a_romanian_text_in_another_languages_report_hyphenates_by_romanian_rules(app, report_locale):
    # A row typed only in Romanian, printed in an English or Swedish report (its fallback), keeps its language: a word
    # wider than its column breaks where Romanian allows ('Dezinstituționali-zare'), never where only the report's
    # language would ('Dezinstituțion-alizare' by English rules); a text in the report's language keeps the report's.
    import pyphen

    from core.i18n import written_in
    from core.reports.engine import ReportBuilder, _CellMaker, _hyphenator, styles

    word = "Dezinstituționalizare"
    text = written_in({"ro": word}, report_locale, "ro")
    assert text == word and text.locale == "ro"
    assert written_in({"ro": "x", report_locale: "y"}, report_locale, "ro").locale == report_locale
    maker = _CellMaker(styles(report_locale), [48.0], frozenset({0}), frozenset(), _hyphenator(report_locale))
    own, plain = (maker.body([value], bold=False)[0].split("\n") for value in (text, word))

    def cuts(lines):
        return {sum(len(line) - 1 for line in lines[:n + 1]) for n in range(len(lines) - 1)}

    def points(lang):
        return {len(first) for first, _rest in pyphen.Pyphen(lang=lang).iterate(word)}

    romanian, theirs = points("ro_RO"), points(pyphen.language_fallback(report_locale))
    assert len(own) > 1 and cuts(own) <= romanian, own
    assert cuts(plain) <= theirs and cuts(plain) != cuts(own), (plain, own)  # the report's own rules differ here
    # Running text too: its paragraph style hyphenates by the text's language.
    with app.app_context(), force_locale(report_locale):
        report = ReportBuilder("t", "m", report_locale)
        assert report._style_of(text, "body").hyphenationLang == "ro_RO"
        assert report._style_of(word, "body").hyphenationLang == report.styles["body"].hyphenationLang != "ro_RO"
