"""The XSS and formula corpora through every writer: HTML pages, the PDF report, CSV and XLSX downloads.

The town of tests/attack_corpus.py holds markup (a <script>, an <img onerror>, & and quotes) and
spreadsheet formulas (=HYPERLINK(...), +SUM(...), -2+3, @cmd) in its rows and in its own name. Pages
print them escaped, the PDF prints them literally, a CSV cell that would start a formula starts with an
apostrophe, and an XLSX cell holding one is a text cell, never a formula.
"""

from __future__ import annotations

import csv
import io

import pytest
from attack_corpus import FORMULAS, MARKUP, PASSWORD, PLANNER, SLUG, make_town
from openpyxl import load_workbook
from sqlalchemy import select

from core.db import get_session
from core.models import AnnualPlan, Municipality
from core.testing import login, pdf_text

TABLES = f"/m/{SLUG}/plans/2021/action-plan/tables"


@pytest.fixture
def town(demo_app):
    make_town(demo_app)
    client = demo_app.test_client()
    assert login(client, PLANNER, PASSWORD).status_code == 200
    with demo_app.app_context():
        plan_id = get_session().scalar(select(AnnualPlan.id).join(Municipality).where(Municipality.slug == SLUG))
    return client, f"/m/{SLUG}/plans/{plan_id}/"


def test_pages_print_markup_escaped(town):
    client, base = town
    for url in (base, base + "sections/training-courses", base + "sections/training-courses/rows/0",
                base + "sections/awareness-campaigns", base + "sections/awareness-campaigns/rows/0", base + "title",
                f"{TABLES}/"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in page and "<img src=x" not in page and "<Ion>" not in page, url
    training = client.get(base + "sections/training-courses").get_data(as_text=True)
    assert "&lt;script&gt;alert(" in training and "&lt;img src=x onerror=alert(1)&gt;" in training
    assert "&lt;Ion&gt;" in training  # the municipality's own name, in the page's header


def test_the_pdf_prints_markup_and_formulas_literally(town):
    client, base = town
    response = client.get(base + "reports/action-plan/ro.pdf")
    assert response.status_code == 200
    text = pdf_text(response.data, plain_spaces=True)
    assert "<script>alert(" in text and "onerror=alert(1)>" in text
    assert '=HYPERLINK("http://example.org/x","Klicka")' in text.replace("\n", "")
    assert "<Ion>" in text  # the town's name on the cover


def test_csv_cells_never_start_a_formula(town):
    client, _base = town
    data = client.get(f"{TABLES}/awareness-campaigns.csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data)))
    cells = [cell for row in rows[1:] for cell in row]
    for formula in FORMULAS:
        assert "'" + formula in cells and formula not in cells, formula
    assert MARKUP in cells  # markup is just text in a spreadsheet


def test_xlsx_cells_holding_formulas_are_text(town):
    client, _base = town
    for section in ("awareness-campaigns", "training-courses"):
        sheet = load_workbook(io.BytesIO(client.get(f"{TABLES}/{section}.xlsx").data)).active
        cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row if isinstance(cell.value, str)]
        assert all(cell.data_type == "s" for cell in cells)  # no formula among them
        values = {cell.value for cell in cells}
        assert FORMULAS[0] in values and MARKUP in values
    campaigns = load_workbook(io.BytesIO(client.get(f"{TABLES}/awareness-campaigns.xlsx").data)).active
    values = {cell.value for row in campaigns.iter_rows(min_row=2) for cell in row}
    assert set(FORMULAS) <= values  # written as the text typed, never run
