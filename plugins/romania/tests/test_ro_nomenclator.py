"""The nomenclator: reference data with its sources, and the spellings real documents use."""

import json

import pytest

from plugins.romania.nomenclature import DATA, load_nomenclature


@pytest.fixture(scope="module")
def nomenclature():
    return load_nomenclature()


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("8810 ID-I", "8810 ID-I"),
        ("8810ID-I", "8810 ID-I"),
        ("8790 CR-PFA-II", "8790 CR-PFA-II"),
        ("8891 CZ-C-II", "8891 CZ-C-II"),
        ("8891CZ-CIII", "8891 CZ-C-III"),
        ("8790CR-II", "8790 CRT-II"),  # the seed's spelling: the T of 'tineri' is missing
        ("8730 CR-V-I", "8730 CR-V-I"),
        ("8899 CPDH-I", "8899 CPDH-I"),
        ("  8730   cr-v-i ", "8730 CR-V-I"),
        ("8790 CR\u2013PFA\u2013II", "8790 CR-PFA-II"),
        ("8899cpdh-i", "8899 CPDH-I"),
    ],
)
def test_real_world_spellings_normalise_to_the_canonical_code(nomenclature, typed, canonical):
    assert nomenclature.normalise(typed) == canonical
    assert nomenclature.lookup(typed).code == canonical


@pytest.mark.parametrize("code", ["9999 XX-I", "8810 ID-IX", "8790 CR-Q-I", "", "ID-I"])
def test_unknown_codes_are_not_found(nomenclature, code):
    assert nomenclature.lookup(code) is None


def test_every_code_of_the_seed_is_known_with_its_parts(nomenclature):
    expected = {
        "8810 ID-I": {"caen": "8810", "form": "ID", "subtype": "I"},
        "8790 CR-PFA-II": {"caen": "8790", "form": "CR", "group": "PFA", "subtype": "II"},
        "8891 CZ-C-II": {"caen": "8891", "form": "CZ", "group": "C", "subtype": "II"},
        "8790 CRT-II": {"caen": "8790", "form": "CR", "group": "T", "subtype": "II"},
        "8730 CR-V-I": {"caen": "8730", "form": "CR", "group": "V", "subtype": "I"},
        "8899 CPDH-I": {"caen": "8899", "form": "CPDH", "subtype": "I"},
    }
    for code, parts in expected.items():
        assert dict(nomenclature.lookup(code).parts) == parts


def test_the_data_file_is_versioned_cites_its_sources_and_has_the_2022_name():
    data = json.loads(DATA.read_text(encoding="utf-8"))
    assert data["version"]
    assert "867/2015" in data["legal_basis"] and "1433/2022" in data["legal_basis"]
    assert any("citizennext/servicii-sociale" in s["citation"] for s in data["sources"])
    nomenclature = load_nomenclature()
    assert len(nomenclature) >= 70
    assert nomenclature.lookup("8790 CR-D-II").name == "Centre de abilitare și reabilitare"
    assert nomenclature.lookup("8899 CPDH-I").name == "Cantine sociale"
    for entry in nomenclature:
        assert entry.name and entry.parts["caen"] in data["caen"]


def test_codes_serve_the_beneficiary_groups_named_in_free_text(nomenclature):
    assert nomenclature.groups_of("8730CR-V-I") == ["V"]
    assert nomenclature.groups_named_in("102 Vârstnici cu risc") == {"V"}
    assert nomenclature.groups_named_in("Persoane fara adapost") == {"PFA"}
    assert nomenclature.groups_named_in("52 beneficiari") == set()


@pytest.mark.parametrize(("year", "flagged"), [(2022, False), (2023, True), (2026, True)])
def test_a_code_dropped_by_hg_1433_2022_is_flagged_in_later_years_with_its_replacement(year, flagged):
    from plugins.romania.rules import validate
    from plugins.romania.tests.helpers import document

    doc = document()
    doc["year"] = year
    doc["sections"]["existing-services"]["rows"][0]["code"] = "8790 CR-D-III"
    found = [f for f in validate(doc) if f.rule == "ro.code-no-longer-valid"]
    # flagged only in a plan for a year after the code left the Nomenclator, naming what took its place
    assert bool(found) is flagged
    if flagged:
        assert "8790 CR-D-I, 8790 CR-D-II" in found[0].message and "1433/2022" in found[0].message
        assert found[0].path == "$.sections.existing-services.rows[0].code"


def test_every_entry_cites_a_source_of_the_data_file_and_the_version_is_named():
    data = json.loads(DATA.read_text(encoding="utf-8"))
    ids = {source["id"] for source in data["sources"]}
    assert all(entry["sources"] and set(entry["sources"]) <= ids for entry in data["entries"])  # each entry cited
    nomenclature = load_nomenclature()
    assert "867/2015" in nomenclature.label and nomenclature.version == data["version"]
    assert not nomenclature.lookup("8790 CR-D-III").valid_in(2023) and nomenclature.lookup("8790 CR-D-I").valid_in(2030)
