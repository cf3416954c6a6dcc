"""Service codes in the spellings real documents use ('8790CR-II', '8790 cr ii'): an import writes them
as the web form does, the PDF prints them so, and the spelling as written is kept and shown to planners."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from core.sdk.plans import document_of, import_plan
from core.sdk.reports import render_report
from core.sdk.testing import DEMO_PASSWORD, Service, get_registry, login, pdf_text
from plugins.romania.demo import PLANNER
from plugins.romania.forms import section_form
from plugins.romania.tests.helpers import demo_plan
from plugins.romania.tests.own_plan import own_document
from plugins.romania.tests.test_ro_forms import _post

# (spelling as written, the Nomenclator's code)
SPELLINGS = [
    ("8790CR-II", "8790 CRT-II"),  # the seed's, an alias of the code HG 867/2015 names
    ("8790 cr ii", "8790 CRT-II"),
    (" 8891cz-c-ii ", "8891 CZ-C-II"),
    ("8810 ID - I", "8810 ID-I"),
    ("8790 CR\u2013PFA\u2013II", "8790 CR-PFA-II"),  # en dashes
]


@pytest.fixture
def ro_request(app):
    with app.test_request_context(headers={"Accept-Language": "ro"}):
        yield


@pytest.mark.parametrize(("written", "code"), SPELLINGS)
def test_the_form_writes_the_nomenclators_code(ro_request, written, code):
    spec = section_form("action-plan", "existing-services")
    form = _post(spec, own_document()["sections"]["existing-services"]["rows"][1], code=written)
    assert form.validate(), form.errors
    assert spec.to_row(form)["code"] == code


@pytest.mark.parametrize(("written", "code"), SPELLINGS)
def test_import_writes_the_code_as_the_form_does_and_keeps_the_spelling(demo_session, written, code):
    registry = get_registry()
    doc = own_document()
    doc["sections"]["existing-services"]["rows"][1]["code"] = written
    doc["sections"]["proposed-services"]["rows"][0]["code"] = "8790cr-d-i"
    plan = import_plan(demo_session, registry, doc, None)
    exported = document_of(demo_session, registry, plan)
    row = exported["sections"]["existing-services"]["rows"][1]
    assert row["code"] == code
    assert row["extra"]["code_as_written"] == written.strip()
    proposed = exported["sections"]["proposed-services"]["rows"][0]
    assert proposed["code"] == "8790 CR-D-I" and proposed["extra"]["code_as_written"] == "8790cr-d-i"
    assert proposed["extra"]["staff_total"] == 6  # the row's other facts stay
    untouched = exported["sections"]["existing-services"]["rows"][0]
    assert untouched["code"] == "8810 ID-I" and "code_as_written" not in untouched["extra"]


def test_a_document_exported_again_keeps_the_first_spelling(demo_session):
    registry = get_registry()
    doc = own_document()
    doc["sections"]["existing-services"]["rows"][1]["code"] = "8899cpdh-i"
    exported = document_of(demo_session, registry, import_plan(demo_session, registry, doc, None))
    again = document_of(demo_session, registry, import_plan(demo_session, registry, exported, None))
    assert again["sections"]["existing-services"]["rows"][1]["extra"] == {"code_as_written": "8899cpdh-i"}


def test_the_pdf_prints_the_code_normalised_even_if_stored_otherwise(demo_session):
    plan = demo_plan(demo_session)
    demo_session.execute(update(Service).where(Service.plan_id == plan.id, Service.code == "8810 ID-I")
                         .values(code="8810id-i"))  # a spelling stored before import normalised codes
    demo_session.expire_all()
    text = pdf_text(render_report(demo_session, plan, "action-plan", "ro"))
    assert "8810 ID-I" in text and "8810id-i" not in text
    assert "8790 CRT-II" in text and "8790CR-II" not in text  # the seed's spelling is kept, not printed


def test_the_editor_shows_the_spelling_as_written_under_a_readable_heading(demo_app, demo_client):
    with demo_app.app_context():
        from core.sdk.testing import get_session

        plan_id = demo_plan(get_session()).id
    login(demo_client, PLANNER, DEMO_PASSWORD)
    page = demo_client.get(f"/m/piatra-neamt/plans/{plan_id}/sections/existing-services").text
    assert "<th scope=\"col\">Codul așa cum este scris în documentul importat</th>" in page
    cell = re.search(r'<td id="f-existing-services-4-extra-code_as_written"[^>]*>(.*?)</td>', page, re.S)
    assert cell and cell.group(1).strip() == "8790CR-II"  # the seed's row 5, stored as 8790 CRT-II
    assert "code_as_written" not in re.sub(r'id="[^"]*"', "", page)  # the key is no text a planner reads


def test_a_changed_code_drops_the_spelling_of_the_old_one_and_the_same_code_keeps_it(ro_request):
    spec = section_form("action-plan", "existing-services")
    row = own_document()["sections"]["existing-services"]["rows"][1]
    row["extra"] = {"code_as_written": "8899cpdh-i"}
    kept = spec.to_row(_post(spec, row, code="8899 CPDH-I"))
    assert kept["extra"] == {"code_as_written": "8899cpdh-i"}
    changed = spec.to_row(_post(spec, row, code="8899 CPDH-II"))
    assert changed["code"] == "8899 CPDH-II" and "code_as_written" not in changed["extra"]


def test_a_spreadsheet_import_writes_the_code_as_the_form_does(demo_session, app):
    from core.sdk.testing import rows_from_cells, section_to_table

    registry = get_registry()
    doc = own_document()
    kind = registry.plan_kind("action-plan")
    with app.test_request_context(headers={"Accept-Language": "ro"}):
        header, rows = section_to_table(doc, kind, "existing-services", registry)
        code = header.index(next(label for label in header if label == "Cod serviciu social"))
        rows[1][code] = "8899cpdh-i"
        result = rows_from_cells(header, rows, doc, kind, "existing-services", registry, "ro")
    assert result.errors == []
    assert result.rows[1]["code"] == "8899 CPDH-I" and result.rows[1]["extra"]["code_as_written"] == "8899cpdh-i"
