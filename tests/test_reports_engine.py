"""The core PDF report layer: real PDFs built with ReportBuilder, read back with pypdf and poppler."""

from __future__ import annotations

import io
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from pypdf import PdfReader

from core.i18n import format_money

DIACRITICS_RO = "ș ț ă î â Ș Ț Ă Î Â"
DIACRITICS_SV = "å ä ö Å Ä Ö"
USER_TEXT = '<b>not bold</b> & "quotes" <unclosed'
TITLE = "Planul anual de acțiune 2026 – Brașov"
MUNICIPALITY = "Municipiul Brașov"
LONG_HEADER = "Serviciul social existent"
WIDE_HEADER = "Indicator de rezultat – lățime"
LABELS = ["Buget local", "Buget de stat (transferuri)", "Fonduri europene – POIDS"]
VALUES = [Decimal("1200000.50"), Decimal("350000.00"), Decimal("90000.25")]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from core.app import create_app

    database = tmp_path_factory.mktemp("reports") / "t.sqlite"
    app = create_app(test_config={"TESTING": True, "SECRET_KEY": "x" * 32, "DATABASE_URL": f"sqlite:///{database}"})
    yield app
    app.extensions["socialplan.engine"].dispose()


def _money(value: Decimal) -> str:
    return format_money(value, "RON", "ro")


@pytest.fixture(scope="module")
def sample(app):
    """One report with everything the builder offers, in Romanian, and what the tests expect of it."""
    from core.reports.engine import ReportBuilder

    with app.app_context(), force_locale("ro"):
        report = ReportBuilder(TITLE, MUNICIPALITY, "ro", author="Direcția de Asistență Socială", subject="Plan")
        report.cover(TITLE, ["Anul 2026", "Direcția de Asistență Socială"], "Ciornă", "HCL nr. 45/2025")
        report.heading(f"Diacritice {DIACRITICS_RO}")
        report.paragraph(f"Svenska: {DIACRITICS_SV}")
        report.paragraph(USER_TEXT)
        report.bullets([USER_TEXT, "Al doilea punct"])
        rows = [
            [f"Serviciu R{i:02d} pentru persoane vârstnice", f"8810 ID-{i}", _money(Decimal(i * 1000))]
            for i in range(80)
        ]
        report.table(
            [[LONG_HEADER, "Cod", "Buget"]],
            rows,
            [4, 1.5, 1.5],
            wrap={0},
            align_right={2},
            totals=[["Total general", "", _money(Decimal("3160000"))]],
            footnotes=["Notă: sume în lei & <TVA>"],
        )
        report.heading("Tabel lat")  # moves along with the landscape table
        header = [["Grup", "", WIDE_HEADER, ""], ["A", "B", "C", "D"]]
        report.table(
            header,
            [[f"L{i}", "b", "c", "d"] for i in range(5)],
            [1, 1, 1, 1],
            landscape=True,
            spans=[("SPAN", (0, 0), (1, 0)), ("SPAN", (2, 0), (3, 0))],
        )
        report.heading("Grafice")
        report.bar_chart("Buget pe surse de finanțare", LABELS, VALUES, _money)
        report.pie_chart("Ponderea surselor", LABELS, VALUES, _money)
        pdf = report.build()
        page_label = _("Page %(page)s of %(pages)s")
    reader = PdfReader(io.BytesIO(pdf))
    return {
        "pdf": pdf,
        "reader": reader,
        "texts": [page.extract_text() for page in reader.pages],
        "page_label": page_label,
    }


def test_fonts_are_static_instances_registered_once():
    from reportlab.pdfbase import pdfmetrics

    from core.reports.fonts import ensure_fonts

    regular, bold = ensure_fonts()
    assert ensure_fonts() == (regular, bold)
    assert pdfmetrics.getFont(regular).face.name != pdfmetrics.getFont(bold).face.name
    # Bold glyphs are wider: the two faces really are different weights.
    assert pdfmetrics.stringWidth("Brașov", bold, 10) > pdfmetrics.stringWidth("Brașov", regular, 10)


def test_font_instances_are_made_once_into_the_cache_dir(tmp_path, monkeypatch):
    from fontTools.ttLib import TTFont

    from core.reports.fonts import instance_paths

    monkeypatch.setenv("SOCIALPLAN_FONT_CACHE", str(tmp_path / "fonts"))
    paths = instance_paths()
    assert sorted(p.parent for p in paths.values()) == [tmp_path / "fonts"] * 2
    assert sorted(f.name for f in (tmp_path / "fonts").iterdir()) == sorted(p.name for p in paths.values())
    weights = {name: TTFont(path)["OS/2"].usWeightClass for name, path in paths.items()}
    assert sorted(weights.values()) == [400, 700]
    assert all("fvar" not in TTFont(path) for path in paths.values())
    stamps = {p: p.stat().st_mtime_ns for p in paths.values()}
    assert instance_paths() == paths
    assert {p: p.stat().st_mtime_ns for p in paths.values()} == stamps


def test_metadata(sample):
    reader = sample["reader"]
    assert reader.metadata.title == TITLE
    assert reader.metadata.author == "Direcția de Asistență Socială"
    assert reader.metadata.subject == "Plan"
    assert reader.trailer["/Root"]["/Lang"] == "ro"


def test_diacritics_survive_with_comma_below(sample):
    text = "\n".join(sample["texts"])
    assert DIACRITICS_RO in text
    assert DIACRITICS_SV in text
    assert "\u0219" in text and "\u021b" in text and "\u0218" in text and "\u021a" in text
    assert not {"\u015f", "\u0163", "\u015e", "\u0162"} & set(text)  # the cedilla look-alikes


def test_user_text_prints_literally(sample):
    text = "\n".join(sample["texts"])
    assert text.count(USER_TEXT) == 2  # paragraph and bullet
    assert "Notă: sume în lei & <TVA>" in text


def test_long_table_splits_and_repeats_its_header(sample):
    table_pages = [text for text in sample["texts"] if any(f"R{i:02d}" in text for i in range(80))]
    assert len(table_pages) >= 2
    for text in table_pages:
        assert LONG_HEADER in text
    text = "\n".join(table_pages)
    assert all(f"Serviciu R{i:02d} " in text for i in range(80))
    assert "Total general" in table_pages[-1]


def test_totals_row_is_bold(sample):
    fonts: dict[str, set[str]] = {}

    def visit(text, _cm, _tm, font, _size):
        if font and text.strip():
            fonts.setdefault(text.strip(), set()).add(str(font.get("/BaseFont")))

    for page in sample["reader"].pages:
        page.extract_text(visitor_text=visit)
    assert any(name.endswith("NotoSans-Bold") for name in fonts["Total general"])
    assert all(name.endswith("NotoSans-Regular") for name in fonts["Serviciu R05 pentru persoane vârstnice"])


def test_landscape_table_gets_landscape_pages_and_its_heading(sample):
    reader, texts = sample["reader"], sample["texts"]
    index = next(i for i, text in enumerate(texts) if WIDE_HEADER in text)
    box = reader.pages[index].mediabox
    assert box.width > box.height
    assert "Tabel lat" in texts[index]
    before, after = reader.pages[index - 1].mediabox, reader.pages[index + 1].mediabox
    assert before.width < before.height and after.width < after.height
    assert "Grafice" in texts[index + 1]


def test_every_page_has_header_and_page_x_of_y(sample):
    texts = sample["texts"]
    pages = len(texts)
    for number, text in enumerate(texts, start=1):
        assert sample["page_label"] % {"page": number, "pages": pages} in text
        if number > 1:  # the cover has no header
            assert MUNICIPALITY in text and TITLE in text


def test_charts_print_formatted_values(sample):
    text = sample["texts"][-1]
    for label, value in zip(LABELS, VALUES, strict=True):
        assert text.count(label) == 2  # bar label, pie legend
        # once on the bar, once in the pie legend (pypdf reads the no-break space as a space)
        assert text.count(_money(value).replace("\xa0", " ")) == 2
    assert "73,2" in text  # 1 200 000,50 of 1 640 000,75 in the pie's legend


def test_page_renders_to_png(sample, tmp_path):
    from PIL import Image

    source = tmp_path / "report.pdf"
    source.write_bytes(sample["pdf"])
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "-f", "2", "-l", "2", str(source), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    png = next(tmp_path.glob("page*.png"))
    assert png.stat().st_size > 5000
    with Image.open(png) as image:
        assert image.size[1] > image.size[0] > 400
        assert len(image.convert("L").getcolors(maxcolors=256 * 256)) > 20  # text, rules, fills


@pytest.mark.parametrize(
    "nasty", ["<para>", "</b>", "&amp;", "&#x", '<img src="x"/>', "<font size=80>big", "a\x00b", "]]>", ""]
)
def test_markup_looking_input_never_crashes(app, nasty):
    from core.reports.engine import ReportBuilder

    with app.app_context(), force_locale("en"):
        report = ReportBuilder(nasty, nasty, "en", subject=nasty)
        report.cover(nasty, [nasty], nasty, nasty)
        report.heading(nasty)
        report.paragraph(nasty)
        report.bullets([nasty])
        report.table([[nasty, nasty]], [[nasty, nasty]], [1, 1], wrap={0}, totals=[[nasty, nasty]], footnotes=[nasty])
        report.bar_chart(nasty, [nasty], [Decimal(1)], lambda v: nasty)
        report.pie_chart(nasty, [nasty], [Decimal(1)], lambda v: nasty)
        pdf = report.build()
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    if nasty.isprintable() and nasty:
        assert nasty in text


def test_row_taller_than_a_page_splits_instead_of_failing(app):
    from core.reports.engine import ReportBuilder

    with app.app_context(), force_locale("en"):
        report = ReportBuilder("t", "m", "en")
        report.table([["Text", "Code"]], [["word " * 3000, "x"], ["last", "y"]], [1, 3], wrap={0})
        reader = PdfReader(io.BytesIO(report.build()))
    assert len(reader.pages) > 2
    assert all("Code" in page.extract_text() for page in reader.pages)


def test_a_plain_cell_too_wide_for_its_column_wraps():
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from core.reports.engine import CELL_FONT_SIZE, CELL_PADDING, _CellMaker, styles

    maker = _CellMaker(styles(), [60.0, 60.0], frozenset({1}), frozenset())
    cells = maker.body(["x" * 40, "un text lung de împărțit pe rânduri"], bold=False)
    for cell, text in zip(cells, ["x" * 40, "un text lung de împărțit pe rânduri"], strict=True):
        lines = cell.split("\n")
        assert len(lines) > 1 and "".join(lines).replace(" ", "") == text.replace(" ", "")
        assert all(stringWidth(line, styles()["cell"].fontName, CELL_FONT_SIZE) <= 60 - 2 * CELL_PADDING
                   for line in lines)
    assert maker.body(["12", "ok"], bold=False) == ["12", "ok"]


def test_table_rows_must_match_the_columns(app):
    from core.reports.engine import ReportBuilder

    with app.app_context():
        report = ReportBuilder("t", "m", "en")
        with pytest.raises(ValueError, match="2 cells"):
            report.table([["A", "B", "C"]], [["1", "2"]], [1, 1, 1])


def test_empty_report_and_empty_charts_still_build(app):
    from core.reports.engine import ReportBuilder

    with app.app_context(), force_locale("en"):
        assert PdfReader(io.BytesIO(ReportBuilder("t", "m", "en").build())).pages
        report = ReportBuilder("t", "m", "en")
        report.bar_chart("Nothing", [], [], str)
        report.pie_chart("Zero", ["a"], [Decimal(0)], str)
        text = PdfReader(io.BytesIO(report.build())).pages[0].extract_text()
    assert text.count("No data") == 2


def test_unknown_report_kind(app):
    from core.db import get_session
    from core.reports import UnknownReportKind, render_report

    with app.app_context(), pytest.raises(UnknownReportKind):
        render_report(get_session(), None, "no-such-report", "en")


def test_no_font_file_is_in_the_checkout():
    checkout = Path(__file__).resolve().parent.parent
    assert not [p for p in (checkout / "core").rglob("*") if p.suffix.lower() in {".ttf", ".otf"}]


# --- speed work that must not change the PDF (issue 3) ----------------------------------------------


@pytest.mark.parametrize("text", ["Serviciul social", "  two   spaces  ", "ș ț ă\u00a0%", "x", "\tTab", "a—b “c”"])
def test_paragraph_made_without_the_parser_has_the_parsers_fragments(app, text):
    from reportlab.platypus import Paragraph

    from core.reports.engine import _markup, _para, styles

    with app.app_context():
        for style in styles().values():
            fast, parsed = _para(_markup(text), style), Paragraph(_markup(text), style)
            assert [f.__dict__ for f in fast.frags] == [f.__dict__ for f in parsed.frags]
            assert (fast.text, fast.style) == (parsed.text, parsed.style)


def _spanned_report(tall_row: bool, variant: str = "spans") -> bytes:
    """``variant``: "spans" (header cells spanning rows and columns), "plain" (no spans at all: Table
    measures rows differently), "styled" (cell style commands: centred, vertically middle text)."""
    from core.reports.engine import ReportBuilder

    report = ReportBuilder(TITLE, MUNICIPALITY, "ro")
    report.heading("Servicii")
    rows = [[str(i), f"Centrul {i} " * (i % 4 + 1), "8810", "1", "2\n2", "3"] for i in range(300)]
    if tall_row:
        rows[40][1] = "Rând foarte lung. " * 400
    spans = [("SPAN", (2, 0), (4, 0)), ("SPAN", (0, 0), (0, 1)), ("SPAN", (1, 0), (1, 1)), ("SPAN", (5, 0), (5, 1)),
             ("SPAN", (0, 302), (4, 302))]
    if variant == "plain":
        spans = []
    elif variant == "styled":
        spans += [("ALIGN", (2, 2), (2, -1), "CENTRE"), ("VALIGN", (0, 2), (3, -1), "MIDDLE")]
    report.table([["Nr.", "Centru", "Buget", "", "", "Total"], ["", "", "A", "B", "C", ""]], rows,
                 [2, 12, 4, 4, 4, 4], wrap={1}, totals=[["Total", "", "", "", "", "6"]], spans=spans,
                 align_right={3, 4, 5}, landscape=True)
    return report.build()


@pytest.mark.parametrize(("tall_row", "variant"),
                         [(False, "spans"), (True, "spans"), (False, "plain"), (True, "plain"), (False, "styled")])
def test_long_table_prints_exactly_what_a_plain_table_prints(app, monkeypatch, tall_row, variant):
    """_LongTable only measures less and writes its plain cells' text itself: the PDF is byte for
    byte that of ReportLab's own Table."""
    from reportlab import rl_config
    from reportlab.platypus import Table

    import core.reports.engine as engine

    monkeypatch.setattr(rl_config, "invariant", 1)
    with app.app_context(), force_locale("ro"):
        fast = _spanned_report(tall_row, variant)
        monkeypatch.setattr(engine, "_LongTable", Table)
        plain = _spanned_report(tall_row, variant)
    assert len(PdfReader(io.BytesIO(fast)).pages) > 5
    assert fast == plain
