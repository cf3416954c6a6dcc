"""What the Nomenclator data file ships, claim by claim (issue 10). The whole annex of HG nr. 867/2015 could not
be sourced as text; what ships is 70 codes of one source, each with its official name, CAEN class, service form
and beneficiary groups, each citing its sources; one code an amendment (HG nr. 1433/2022) dropped is flagged
with the codes that took its place and is not offered for later years; the data file's version is shown in
the editor's service form and in the PDF's footnote under the I.A and I.B tables."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pytest

from core.sdk.plans import import_plan
from core.sdk.reports import render_report
from core.sdk.testing import DEMO_PASSWORD, get_registry, get_session, login, pdf_text
from plugins.romania.demo import PLANNER
from plugins.romania.nomenclature import DATA, load_nomenclature
from plugins.romania.tests.helpers import demo_plan
from plugins.romania.tests.own_plan import SLUG, own_document

VERSION = "2022.12-2"
LABEL = ("Nomenclatorul serviciilor sociale (HG nr. 867/2015, cu modificările și completările ulterioare, "
         "până la HG nr. 1433/2022)")
# The note as each language says it: the Nomenclator's own (Romanian) name and its version.
NOTES = {"ro": f"Coduri de serviciu: {LABEL}, versiunea {VERSION}.",
         "en": f"Service codes: {LABEL}, version {VERSION}.",
         "sv": f"Tjänstekoder: {LABEL}, version {VERSION}."}


@pytest.fixture(scope="module")
def data() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def test_seventy_codes_ship_and_the_file_says_why_not_more(data):
    assert len(data["entries"]) == 70 == len(load_nomenclature())
    assert len({entry["code"] for entry in data["entries"]}) == 70  # each code once
    harta = next(source for source in data["sources"] if source["id"] == "harta-ss")
    assert "(70 codes)" in harta["citation"]
    assert "Only the codes of source harta-ss (70) are listed" in data["caveats"]  # the gap is stated, not hidden


def test_every_code_has_its_name_caen_class_form_and_beneficiary_groups(data):
    for entry in data["entries"]:
        code = entry["code"]
        assert entry["name"].strip() and entry["category"].strip(), code
        assert code.startswith(entry["caen"]) and entry["caen"] in data["caen"], code
        assert entry["form"] in data["forms"] and entry["form"] in code, code
        assert set(entry["beneficiary_groups"]) <= set(data["groups"]), code
        if "group" in entry:  # the group the code names ('8790 CR-D-I': D) is among those it serves
            assert entry["group"] in entry["beneficiary_groups"], code
            assert re.search(rf"\b{entry['form']}-?{entry['group']}\b", code), code  # CR-D-I, CRT-I
        assert not re.search("[ŞşŢţ]", entry["name"] + entry["category"]), code  # comma below, never cedillas


def test_every_code_cites_its_sources_and_each_source_is_cited(data):
    ids = [source["id"] for source in data["sources"]]
    assert len(ids) == len(set(ids)) and all(source["citation"].strip() for source in data["sources"])
    cited = {source for entry in data["entries"] for source in entry["sources"]}
    assert all(entry["sources"] and set(entry["sources"]) <= set(ids) for entry in data["entries"])
    assert cited == set(ids)  # no source is named that no code rests on


def test_one_code_is_flagged_as_dropped_with_what_replaced_it(data):
    dropped = [entry for entry in data["entries"] if entry.get("valid_until") or entry.get("replaced_by")]
    assert [entry["code"] for entry in dropped] == ["8790 CR-D-III"]
    [entry] = dropped
    assert entry["valid_until"] == "2022-12-06" and entry["changed_by"] == "HG nr. 1433/2022"
    nomenclature = load_nomenclature()
    assert all(nomenclature.lookup(code) and nomenclature.lookup(code).valid_in(2030) for code in entry["replaced_by"])
    looked_up = nomenclature.lookup("8790 CR-D-III")
    assert looked_up.valid_until == dt.date(2022, 12, 6) and looked_up.replaced_by == ("8790 CR-D-I", "8790 CR-D-II")
    assert looked_up.valid_in(2022) and not looked_up.valid_in(2023)
    renamed = nomenclature.details["8790 CR-D-II"]
    assert renamed["name"] == "Centre de abilitare și reabilitare" and renamed["previous_name"]


def test_the_version_is_the_data_files_and_names_the_last_amendment(data):
    nomenclature = load_nomenclature()
    assert nomenclature.version == data["version"] == VERSION
    assert nomenclature.label == LABEL


@pytest.mark.parametrize("lang", ["ro", "en", "sv"])
def test_the_pdf_footnote_of_i_a_and_i_b_names_the_version(demo_session, lang):
    text = " ".join(pdf_text(render_report(demo_session, demo_plan(demo_session), "action-plan", lang),
                             plain_spaces=True).split())
    assert text.count(NOTES[lang]) == 2  # under the existing and under the proposed services


def _row_form(client, plan_id: int, slug: str, section: str) -> str:
    page = client.get(f"/m/{slug}/plans/{plan_id}/sections/{section}/rows/new")
    assert page.status_code == 200
    return page.text


@pytest.mark.parametrize("lang", ["ro", "en"])
def test_the_editors_service_form_names_the_version(demo_app, demo_client, lang):
    with demo_app.app_context():
        plan_id = demo_plan(get_session()).id
    login(demo_client, PLANNER, DEMO_PASSWORD)
    with demo_client.session_transaction() as state:
        state["locale"] = lang
    for section in ("existing-services", "proposed-services"):
        page = _row_form(demo_client, plan_id, "piatra-neamt", section)
        note = re.search(r'<p class="hint" id="nomenclature-version">(.*?)</p>', page, re.S)
        assert note and " ".join(html.unescape(note.group(1)).split()) == NOTES[lang], section
    assert 'id="nomenclature-version"' not in _row_form(demo_client, plan_id, "piatra-neamt", "awareness-campaigns")


def test_the_editor_offers_a_dropped_code_only_to_the_years_it_was_valid_in(demo_app, demo_client):
    with demo_app.app_context():
        session = get_session()
        plan_ids = {}
        for year in (2022, 2023):
            doc = own_document()
            doc["year"] = year
            plan_ids[year] = import_plan(session, get_registry(), doc, None).id
        session.commit()
    login(demo_client, "admin@socialplan.demo", DEMO_PASSWORD)
    offered = {year: re.findall(r'<option value="([^"]+)">', _row_form(demo_client, plan_id, SLUG,
                                                                      "existing-services").split("<datalist", 1)[1])
               for year, plan_id in plan_ids.items()}
    assert "8790 CR-D-III" in offered[2022] and "8790 CR-D-III" not in offered[2023]
    assert len(offered[2022]) == 70 and len(offered[2023]) == 69
