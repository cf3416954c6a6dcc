"""Row forms: codes typed as in real documents, errors beside their fields, rows back and forth."""

import pytest
from werkzeug.datastructures import MultiDict

from plugins.romania.forms import section_form
from plugins.romania.tests.helpers import document


@pytest.fixture
def ro_request(app):
    with app.test_request_context(headers={"Accept-Language": "ro"}):
        yield


def _post(spec, row, **changes):
    data = spec.from_row(row)
    form = spec.form_class(data=data)
    formdata = MultiDict()
    for field in form:
        value = field._value() if hasattr(field, "_value") else field.data
        if field.type == "BooleanField":
            if field.data:
                formdata.add(field.name, "y")
            continue
        formdata.add(field.name, "" if value is None else str(value))
    for key, value in changes.items():
        formdata.setlist(key, [value])
    return spec.form_class(formdata=formdata)


def test_an_existing_service_round_trips_and_the_seed_code_is_normalised(ro_request):
    spec = section_form("action-plan", "existing-services")
    row = document()["sections"]["existing-services"]["rows"][4]
    form = _post(spec, row, code="8790CR-II")
    assert form.validate(), form.errors
    saved = spec.to_row(form)
    assert saved["code"] == "8790 CRT-II"
    assert saved["budget"] == row["budget"] and saved["description"] == row["description"]
    assert saved["capacity"] == "52" and saved["occupancy"] == "100"


def test_errors_come_back_beside_their_fields(ro_request):
    spec = section_form("action-plan", "existing-services")
    row = document()["sections"]["existing-services"]["rows"][0]
    form = _post(spec, row, code="8810 XX-I", occupancy="140", budget_local="-3")
    assert not form.validate()
    assert "8810 XX-I" in form.errors["code"][0]
    assert "140" in form.errors["occupancy"][0]
    assert form.errors["budget_local"]
    assert form.occupancy.raw_data == ["140"]  # the typed value is kept


def test_a_proposed_service_keeps_its_staff_and_notes(ro_request):
    spec = section_form("action-plan", "proposed-services")
    row = document()["sections"]["proposed-services"]["rows"][0]
    form = _post(spec, row, budget_local="66.361,82")
    assert form.validate(), form.errors
    saved = spec.to_row(form)
    assert saved["budget"] == row["budget"]
    assert [r["count"] for r in saved["extra"]["staff_roles"]] == [1, 1, 4, 10, 1, 1]
    assert saved["extra"]["justification"] == {"ro": "POCU AP 6.2"}


def test_campaign_and_training_rows_round_trip(ro_request):
    doc = document()
    for section, index in (("awareness-campaigns", 6), ("awareness-campaigns", 0), ("tripartite-meetings", 1),
                           ("peer-review", 0), ("volunteer-training", 0), ("website-information", 3)):
        spec = section_form("action-plan", section)
        row = doc["sections"][section]["rows"][index]
        form = _post(spec, row)
        assert form.validate(), (section, form.errors)
        assert spec.to_row(form) == row, section


def test_other_plan_kinds_and_generic_sections_get_no_plugin_form():
    assert section_form("uppfoljning", "existing-services") is None
    assert section_form("action-plan", "objectives") is None
