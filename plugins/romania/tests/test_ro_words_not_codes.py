"""The editor's section tables show every column the section names, and pages and exports speak words, not codes
(issues 10 and 13): I.A's five budget columns and I.B's building capacity, floor space, staff and justification
hold their values in the page's language; periods read as the report writes them; every table of the demo plan
and of the own plan (Târgu Frumos 2022), exported to XLSX and CSV in en, sv and ro, holds no raw code or key."""

from __future__ import annotations

import csv
import html
import io
import re

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook

from core.sdk.plans import import_plan
from core.sdk.testing import DEMO_ADMIN, DEMO_PASSWORD, get_registry, get_session, login
from plugins.romania.plan_kind import FREQUENCIES
from plugins.romania.tests.helpers import demo_plan
from plugins.romania.tests.own_plan import SLUG, YEAR, own_document

LANGS = ("en", "sv", "ro")


@pytest.fixture
def admin(demo_app, demo_client):
    """The demo plus the own plan, an administrator signed in; the two plans' (slug, year, id)."""
    with demo_app.app_context():
        session = get_session()
        own = import_plan(session, get_registry(), own_document(), None)
        session.commit()
        plans = {"demo": ("piatra-neamt", 2021, demo_plan(session).id), "own": (SLUG, YEAR, own.id)}
    login(demo_client, DEMO_ADMIN, DEMO_PASSWORD)
    demo_client.plans = plans
    return demo_client


def _in(client, lang: str) -> None:
    with client.session_transaction() as state:
        state["locale"] = lang


def _rows(client, which: str, section: str) -> list[list[str]]:
    """The cells of a section table of the editor, as the reader sees them (tags dropped, spaces joined)."""
    slug, _year, plan_id = client.plans[which]
    page = client.get(f"/m/{slug}/plans/{plan_id}/sections/{section}")
    assert page.status_code == 200
    body = page.text.split('<table class="rows">', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body.split("<tbody>", 1)[1], re.S)
    return [[" ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split())
             for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)] for row in rows]


def _header(client, which: str, section: str) -> list[str]:
    slug, _year, plan_id = client.plans[which]
    page = client.get(f"/m/{slug}/plans/{plan_id}/sections/{section}").text
    head = page.split('<table class="rows">', 1)[1].split("</thead>", 1)[0]
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split())
            for cell in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)]


def _column(client, which: str, section: str, heading: str) -> list[str]:
    index = _header(client, which, section).index(heading)
    return [row[index] for row in _rows(client, which, section)]


def test_the_editor_shows_ias_budget_columns_in_the_pages_language(admin):
    _in(admin, "ro")
    # the own plan's I.A is in thousand lei: 210 thousand lei local and 45 state on the day centre
    assert _column(admin, "own", "existing-services", "Buget local") == ["210.000,00 lei", "150.000,00 lei"]
    assert _column(admin, "own", "existing-services", "Buget de stat") == ["45.000,00 lei", ""]
    assert _column(admin, "own", "existing-services", "Contribuții persoane beneficiare") == ["", "12.000,00 lei"]
    _in(admin, "en")
    local = _column(admin, "demo", "existing-services", "Local budget")
    assert local[0] == "RON 332,000.00" and all(local)  # every demo I.A row has a local budget line


def test_the_editor_shows_ibs_building_floor_space_staff_and_justification(admin):
    _in(admin, "ro")
    rows = {heading: cells for heading, *cells in zip(_header(admin, "demo", "proposed-services")[1:],
                                                     *(row[1:] for row in _rows(admin, "demo", "proposed-services")),
                                                     strict=False)}
    assert rows["Capacitate clădire"] == ["76 beneficiari/ centru"]
    assert rows["Spațiu necesar (mp)"] == ["651"]
    assert rows["Resurse umane necesare"] == ["18"]
    assert rows["Justificare"] == ["POCU AP 6.2"]
    assert rows["Buget local"] == ["66.361,82 lei"] and rows["Alte surse"] == ["3.251.740,36 lei"]
    _in(admin, "sv")
    header = _header(admin, "own", "proposed-services")
    row = _rows(admin, "own", "proposed-services")[0]
    shown = dict(zip(header, row, strict=False))
    assert shown["Golvyta (m²)"] == "240" and shown["Kommunens budget"] == "120 000,50 RON"
    assert shown["Personal som behövs"] == "6" and "PNRR & buget local" in shown["Motivering"]


# Codes and keys no reader should meet: a whole cell or heading equal to one of CODES, or any text holding one of
# MARKERS (a language code in brackets, a developer's key).
CODES = {"strategic", "operational", "existing", "proposed", "monthly", "quarterly", "half-yearly", "yearly",
         "permanent", "H1", "H2",
         "published", "updated", "recurrence", "half-year", "range", "dates", "romania",
         # a training row's kind is its section's key
         "training-courses", "qualification-courses", "personal-assistants", "centre-training",
         "volunteer-training", "peer-review", "national-programmes", "supervision"}
MARKERS = ("extra.", "(ro)", "(en)", "(sv)", "budget_", "code_as_written", )


def _raw(text: str, words: set[str] = frozenset()) -> str:
    """The code or key ``text`` is or holds, or '' (``words``: the language's own words that spell like a code,
    English 'published')."""
    text = str(text).strip()
    if text in CODES and text not in words:
        return text
    return next((marker for marker in MARKERS if marker in text), "")


def _table_sections(app) -> list[str]:
    with app.app_context():
        kind = get_registry().plan_kind("action-plan")
        return [spec.key for spec in kind.sections if spec.row_type != "text"]


def _download(client, which: str, section: str, fmt: str) -> list[list[str]]:
    slug, year, _plan_id = client.plans[which]
    response = client.get(f"/m/{slug}/plans/{year}/action-plan/tables/{section}.{fmt}")
    assert response.status_code == 200, (which, section, fmt)
    if fmt == "csv":
        return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(response.data)).active
    return [["" if value is None else str(value) for value in row] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("lang", LANGS)
def test_every_exported_table_says_words_not_codes(demo_app, admin, lang):
    _in(admin, lang)
    with demo_app.test_request_context(), force_locale(lang):
        words = {str(word) for word in FREQUENCIES.values()}  # English 'published', 'yearly' are words
    found = []
    for which in ("demo", "own"):
        for section in _table_sections(demo_app):
            for fmt in ("xlsx", "csv"):
                table = _download(admin, which, section, fmt)
                assert table and table[0], (which, section, fmt)  # at least the heading row
                found += [(which, section, fmt, cell) for row in table for cell in row if _raw(cell, words)]
    assert found == []


def test_exported_words_read_back_as_the_codes_they_name(demo_app, admin):
    """The words a table says (a training kind, a level, a period) are read back by an upload as their codes."""
    slug, year, _plan_id = admin.plans["own"]
    for lang in LANGS:
        _in(admin, lang)
        for section in ("awareness-campaigns", "promotion-campaigns"):
            xlsx = admin.get(f"/m/{slug}/plans/{year}/action-plan/tables/{section}.xlsx").data
            response = admin.post(f"/m/{slug}/plans/{year}/action-plan/tables/{section}/import",
                                  data={"file": (io.BytesIO(xlsx), "table.xlsx")}, content_type="multipart/form-data")
            assert response.status_code == 302, (lang, section, response.text[:2000])
    with demo_app.app_context():
        from core.sdk.plans import document_of, find_plan
        from core.sdk.testing import municipality_by_slug

        session = get_session()
        plan = find_plan(session, municipality_by_slug(session, slug), year, "action-plan")
        doc = document_of(session, get_registry(), plan)
    expected = own_document()["sections"]
    for section in ("awareness-campaigns", "promotion-campaigns"):
        assert [row["period"] for row in doc["sections"][section]["rows"]] == \
            [row["period"] for row in expected[section]["rows"]], section


def test_a_training_kind_reads_as_its_sections_title(demo_app, admin):
    """A training row's kind (the demo's 'volunteers', a new row's section key) is said as the section's title."""
    for lang, title in (("ro", "Sesiuni de instruire pentru voluntari"), ("en", "Training sessions for volunteers")):
        _in(admin, lang)
        table = _download(admin, "demo", "volunteer-training", "csv")
        kind = table[0].index({"ro": "Tip de formare", "en": "Kind of training"}[lang])
        assert {row[kind] for row in table[1:]} == {title}, lang


@pytest.mark.parametrize(("lang", "words"), [
    ("ro", ["Semestrul I 2022", "Lunar", "Trimestrial", "Anual", "Permanent"]),
    ("en", ["First half of the year 2022", "Monthly", "Quarterly", "Yearly", "Permanent"]),
    ("sv", ["Första halvåret 2022", "Varje månad", "Kvartalsvis", "Varje år", "Löpande"]),
])
def test_the_editor_says_each_period_as_the_report_does_and_permanent_is_a_period(demo_app, admin, lang, words):
    with demo_app.app_context():  # the own plan's last campaign runs all year
        session = get_session()
        doc = own_document()
        doc["sections"]["awareness-campaigns"]["rows"][4]["period"] = {"kind": "permanent"}
        import_plan(session, get_registry(), doc, None)
        session.commit()
    _in(admin, lang)
    periods = [row[3] for row in _rows(admin, "own", "awareness-campaigns")]
    assert periods == words  # the same words the PDF prints; no 'quarterly', no ISO dates
