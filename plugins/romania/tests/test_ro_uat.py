"""The UATs of Romania with their SIRUTA codes: the data file, the administrator's pick, the PDF cover's county."""

from __future__ import annotations

import json
import re

import pytest

from core.sdk.plans import import_plan
from core.sdk.reports import render_report
from core.sdk.testing import (
    create_municipality,
    create_user,
    get_registry,
    get_session,
    login,
    municipality_by_slug,
    pdf_text,
    set_plugin_enabled,
)
from plugins.romania.tests.own_plan import SLUG, TOWN, own_document
from plugins.romania.uat import DATA, load_register, siruta_is_valid

ADMIN, PASSWORD = "admin@targu-frumos.example", "a-long-password-2026"
EDIT = f"/admin/municipalities/{SLUG}/edit"
SAVE = {"default_locale": "ro", "currency": "RON", "name__ro": TOWN}
# The register's labels and a UAT's type as each language's page says them.
LABELS = {"ro": ("Cod SIRUTA", "Județ", "oraș"), "en": ("SIRUTA code", "County", "oraș (town)"),
          "sv": ("SIRUTA-kod", "Län (județ)", "oraș (mindre stad)")}


@pytest.fixture(scope="module")
def data() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def test_the_data_file_holds_every_uat_with_a_valid_siruta_code(data):
    units = data["units"]
    # 3,181 UATs: 103 municipii (Bucharest among them), 216 orașe, 2,862 comune, each code once
    assert len(units) == 3181 and len({u["siruta"] for u in units}) == 3181
    assert {t: sum(u["type"] == t for u in units) for t in ("municipiu", "oraș", "comună")} == {
        "municipiu": 103, "oraș": 216, "comună": 2862}
    # every code carries the INS check digit
    assert all(siruta_is_valid(u["siruta"]) for u in units)
    # 41 counties and Bucharest, each with its UATs
    assert len(data["counties"]) == 42 and "București" in data["counties"]
    assert {u["county"] for u in units} == set(data["counties"])
    # the source and the licence are named
    assert "sirutalib 1.3.0" in data["source"] and "INS" in data["source"] and "BSD-3-Clause" in data["licence"]


def test_names_use_comma_below_never_cedillas(data):
    text = DATA.read_text(encoding="utf-8")
    assert not re.search("[ŞşŢţ]", text)  # no cedilla anywhere in the file
    names = {u["siruta"]: (u["name"], u["county"], u["type"]) for u in data["units"]}
    assert names["120726"] == ("Piatra-Neamț", "Neamț", "municipiu")  # as people write it, comma below
    assert names["179132"] == ("București", "București", "municipiu")
    assert names["9026"][1] == "Alba"  # a code that checks only padded on the right is still a UAT


@pytest.mark.parametrize(("code", "valid"), [("120726", True), ("120727", False), ("9026", True), ("12a726", False),
                                             ("", False), ("1207260", False)])
def test_the_siruta_check_digit(code, valid):
    assert siruta_is_valid(code) is valid  # the INS check digit, and only digits


def test_the_register_finds_by_name_without_diacritics_and_by_county():
    register = load_register()
    found = register.search("piatra neamt", "Neamț")
    assert [e.code for e in found] == ["120726"]  # typed without diacritics, in its county
    assert {e.region for e in register.search("piatra")} >= {"Neamț", "Olt", "Teleorman"}
    assert register.search("piatra", "Olt")[0].name == "Piatra-Olt"


@pytest.fixture
def town(app, session):
    """Our own town (Târgu Frumos, Iași county), its 2022 plan imported, and an administrator; no UAT picked."""
    registry = get_registry()
    document = own_document()
    block = document["municipality"]
    municipality = create_municipality(session, SLUG, block["name"], "RO", "ro", "RON")
    set_plugin_enabled(session, registry, municipality, "romania", True)
    create_user(session, ADMIN, PASSWORD, "admin", None)
    plan = import_plan(session, registry, document, None)
    session.commit()
    return plan


def _official(app) -> tuple[str | None, str | None, dict]:
    with app.app_context():
        municipality = municipality_by_slug(get_session(), SLUG)
        return municipality.official_code, municipality.region, dict(municipality.name)


@pytest.mark.parametrize("locale", ["ro", "en", "sv"])
def test_an_administrator_finds_and_picks_the_uat_in_each_language(app, client, town, locale):
    code_label, county_label, kind = LABELS[locale]
    login(client, ADMIN, PASSWORD)
    client.post("/locale", data={"locale": locale})
    page = client.get(EDIT).text
    assert code_label in page and county_label in page  # the register's labels in the page's language
    found = client.post(EDIT, data={**SAVE, "find_name": "frumos", "find_region": "Iași", "find": "1"}).text
    # the matches in Iași county, each with a button that chooses it (Frumosu of Suceava is not one)
    assert 'name="pick" value="95471"' in found and "Frumosu" not in found
    assert f"Târgu Frumos (Iași, {kind}, 95471)" in found
    picked = client.post(EDIT, data={**SAVE, "pick": "95471"}).text
    assert re.search(r'name="official_code"[^>]*value="95471"', picked)  # the choice fills the code
    assert _official(app)[:2] == (None, None)  # finding and choosing save nothing
    saved = client.post(EDIT, data={**SAVE, "official_code": "95471"})
    assert saved.status_code == 302
    assert _official(app)[:2] == ("95471", "Iași")
    assert "Iași (95471)" in client.get("/admin/").text  # the list shows the county and the code


@pytest.mark.parametrize(("code", "message"), [
    ("95472", "check digit"),  # a wrong check digit
    ("95480", "No municipality of the register has the SIRUTA code 95480"),  # the town's locality, not its UAT
])
def test_a_bad_siruta_code_is_refused_beside_the_field(app, client, town, code, message):
    login(client, ADMIN, PASSWORD)
    client.post("/locale", data={"locale": "en"})
    response = client.post(EDIT, data={**SAVE, "name__en": "Targu Frumos", "official_code": code})
    assert response.status_code == 422
    error = re.search(r'id="official_code-error">(.*?)</p>', response.text, re.S)
    assert error and message in error.group(1)  # the message sits beside the code's field
    assert 'value="Targu Frumos"' in response.text  # what was typed stays
    code_saved, region, name = _official(app)
    assert code_saved is None and region is None and name.get("en") != "Targu Frumos"  # nothing saved


def test_a_new_romanian_municipality_is_created_from_the_uat_it_picks(app, client, town):
    login(client, ADMIN, PASSWORD)
    client.post("/locale", data={"locale": "ro"})
    form = {"slug": "pascani", "country": "RO", "default_locale": "ro", "currency": "RON"}
    assert "Cod SIRUTA" in client.get("/admin/municipalities/new?country=RO").text
    picked = client.post("/admin/municipalities/new", data={**form, "pick": "95391"}).text
    assert re.search(r'name="name__ro"[^>]*value="Pașcani"', picked)  # the UAT's name fills the empty name
    created = client.post("/admin/municipalities/new", data={**form, "name__ro": "Pașcani",
                                                              "official_code": "95391"})
    assert created.status_code == 302
    twice = client.post("/admin/municipalities/new", data={**form, "slug": "pascani-2", "name__ro": "Pașcani",
                                                            "official_code": "95391"})
    assert twice.status_code == 422 and "pascani" in twice.text  # one municipality per UAT
    with app.app_context():
        municipality = municipality_by_slug(get_session(), "pascani")
        assert (municipality.official_code, municipality.region) == ("95391", "Iași")


@pytest.mark.parametrize(("locale", "county"), [("ro", "Județul Iași"), ("en", "Iași County"), ("sv", "Iași län")])
def test_the_pdf_cover_names_the_county(session, town, locale, county):
    before = pdf_text(render_report(session, town, "action-plan", locale)).split("\f")[0]
    assert county not in " ".join(before.split())  # no UAT picked yet: no county
    town.municipality.official_code, town.municipality.region = "95471", "Iași"
    session.flush()
    cover = pdf_text(render_report(session, town, "action-plan", locale)).split("\f")[0]
    assert county in " ".join(cover.split())  # the cover, page 1, names the county
