"""The issue's reproductions, one by one: text at the edge, the ranges the domain gives, URLs beyond the
database's integers.

Text: core.text.clean_text is the one rule, and a NUL typed in a form, sent to the API or found in a
spreadsheet cell is gone before it is stored, so that the XLSX export of the table (an openpyxl
IllegalCharacterError, an error 500, before) works. Numbers: a 50-digit "persons" in each of the eight
Romanian training sections is refused beside the field (each was an error 500); the schema states the
ranges of core.limits exactly. URLs: a plan id, year or row index beyond INTEGER is a 404, and the
OpenAPI document says each path parameter's range.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from attack_corpus import UNCLEAN
from openpyxl import load_workbook
from sqlalchemy import func, select
from world import sign_in

from core import limits
from core.db import get_session
from core.interchange import row_validator
from core.models import AnnualPlan, PlanRevision, TrainingRow, User
from core.plugin_api import RowType
from core.services.accounts import issue_api_token
from core.testing import login, pdf_text
from core.text import clean_text, clean_value

PASSWORD = "demo-password-2026"
API_PLAN = "/api/v1/municipalities/piatra-neamt/plans/2021/action-plan"


@pytest.mark.parametrize(("typed", "kept"), [
    ("plain text, ăâîșț", "plain text, ăâîșț"),
    ("tab\tand\nnewline stay", "tab\tand\nnewline stay"),
    ("windows\r\nline ends\rand old Macs", "windows\nline ends\nand old Macs"),
    ("nul\x00 bell\x07 escape\x1b vt\x0b ff\x0c", "nul bell escape vt ff"),
    ("del\x7f and c1\x85\x9f", "del and c1"),
    ("half \ud800 a pair \udfff", "half \ufffd a pair \ufffd"),
    ("nonchars\ufffe\uffff", "nonchars"),
    ("s\u0326 t\u0326 a\u0306", "\u0219 \u021b \u0103"),  # decomposed ș ț ă become one character each
    ("\u202eright-to-left override stays", "\u202eright-to-left override stays"),
    ('<script>alert("x")</script> =HYPERLINK()', '<script>alert("x")</script> =HYPERLINK()'),
])
def test_clean_text_is_the_one_rule(typed, kept):
    assert clean_text(typed) == kept
    assert clean_text(kept) == kept  # clean text stays as it is


def test_clean_value_cleans_keys_and_values_at_every_depth():
    assert clean_value({"a\x00": ["b\x07", {"c": "d\r\n"}], "n": 5}) == {"a": ["b", {"c": "d\n"}], "n": 5}


def _plan_id(app) -> int:
    with app.app_context():
        return get_session().scalar(select(AnnualPlan.id).where(AnnualPlan.kind == "action-plan"))


def _training(app, plan_id: int, section: str) -> list[TrainingRow]:
    with app.app_context():
        return get_session().scalars(select(TrainingRow).where(TrainingRow.plan_id == plan_id,
                                                               TrainingRow.section == section)
                                     .order_by(TrainingRow.position)).all()


@pytest.fixture
def planner(demo_app):
    client = demo_app.test_client()
    assert login(client, "planner@piatra-neamt.demo", PASSWORD).status_code == 200
    return client


def test_a_nul_typed_in_a_form_is_not_stored_and_the_xlsx_export_works(demo_app, planner):
    plan_id = _plan_id(demo_app)
    url = f"/m/piatra-neamt/plans/{plan_id}/sections/training-courses/rows/new"
    response = planner.post(url, data={"department__ro": "Serviciul\x00 de\x07 asistență\r\nsocială",
                                       "persons": "5"})
    assert response.status_code == 302
    assert _training(demo_app, plan_id, "training-courses")[-1].department == {"ro": "Serviciul de asistență\nsocială"}
    xlsx = planner.get("/m/piatra-neamt/plans/2021/action-plan/tables/training-courses.xlsx")
    assert xlsx.status_code == 200
    cells = [cell.value for row in load_workbook(io.BytesIO(xlsx.data)).active.iter_rows() for cell in row]
    assert "Serviciul de asistență\nsocială" in cells


@pytest.fixture
def planner_headers(demo_app) -> dict[str, str]:
    with demo_app.app_context():
        session = get_session()
        token = issue_api_token(session, session.scalar(select(User).where(User.email == "planner@piatra-neamt.demo")))
        session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_an_api_row_keeps_its_text_cleaned(demo_app, planner_headers):
    row = {"kind": "further-training", "department": {"ro": "Centrul\x00 „Speranța”\x1b", "en": "half \ud800"},
           "persons": 3, "budgeted": False, "budget": None, "note": {"ro": "s\u0326i"}}
    response = demo_app.test_client().post(f"{API_PLAN}/sections/training-courses/rows", data=json.dumps(row),
                                           content_type="application/json", headers=planner_headers)
    assert response.status_code == 201, response.get_json()
    stored = response.get_json()["row"]
    assert stored["department"] == {"ro": "Centrul „Speranța”", "en": "half \ufffd"}
    assert stored["note"] == {"ro": "\u0219i"}


def test_the_swedish_plugins_own_forms_keep_the_rule_too(demo_app):
    from plugins.sweden.models import Unit

    client = demo_app.test_client()
    assert login(client, "planner@huddinge.demo", PASSWORD).status_code == 200
    response = client.post("/m/huddinge/sweden/units/new", data={
        "code": "HU-\x00ÄNG", "name": "Ängens\x07 hemtjänst\r\n & „Co”", "operating_form": "contracted",
        "service_type": "home_care", "new_provider": "Omsorg\x1b & Co AB", "district": "Flemingsberg\x0b",
        "rotation_year": "9" * 30})
    assert response.status_code == 400 and 'id="rotation_year-error"' in response.get_data(as_text=True)
    response = client.post("/m/huddinge/sweden/units/new", data={
        "code": "HU-\x00ÄNG", "name": "Ängens\x07 hemtjänst\r\n & „Co”", "operating_form": "contracted",
        "service_type": "home_care", "new_provider": "Omsorg\x1b & Co AB", "district": "Flemingsberg\x0b"})
    assert response.status_code == 302
    with demo_app.app_context():
        unit = get_session().scalar(select(Unit).where(Unit.code == "HU-ÄNG"))
        assert (unit.name, unit.district) == ("Ängens hemtjänst\n & „Co”", "Flemingsberg")


def test_a_spreadsheet_cell_is_cleaned_on_import(demo_app):
    from flask_babel import force_locale

    from core.services.plans import document_of
    from core.services.tables import rows_from_cells, section_to_table

    registry = demo_app.extensions["socialplan.registry"]
    with demo_app.app_context():
        session = get_session()
        plan = session.get(AnnualPlan, _plan_id(demo_app))
        document = document_of(session, registry, plan)
        plan_kind = registry.plan_kind("action-plan")
        with force_locale("en"):
            header, _rows = section_to_table(document, plan_kind, "awareness-campaigns", registry)
        title = header[0]  # 'Campaign (Română)': the campaign's title in the municipality's language
        result = rows_from_cells([title], [["Campanie\x00 de\x0b informare"]], document, plan_kind,
                                 "awareness-campaigns", registry, "ro")
    assert title.endswith("(Română)")
    assert result.ok, result.errors
    assert result.rows[0]["title"] == {"ro": "Campanie de informare"}


def test_a_nul_stored_before_the_rule_is_left_out_of_csv_xlsx_and_the_pdf(demo_app, planner):
    from core.services.plans import document_of, update_row

    registry = demo_app.extensions["socialplan.registry"]
    with demo_app.app_context():  # written through the service, past every edge, as before the rule
        session = get_session()
        plan = session.get(AnnualPlan, _plan_id(demo_app))
        row = document_of(session, registry, plan)["sections"]["training-courses"]["rows"][0]
        update_row(session, registry, plan, "training-courses", 0, {**row, "department": {"ro": "a\x00b\x1bc"}}, None)
        session.commit()
    tables = "/m/piatra-neamt/plans/2021/action-plan/tables/training-courses"
    assert "abc" in planner.get(f"{tables}.csv").data.decode("utf-8-sig")
    sheet = load_workbook(io.BytesIO(planner.get(f"{tables}.xlsx").data)).active
    assert "abc" in [cell.value for row in sheet.iter_rows() for cell in row]
    pdf = planner.get(f"/m/piatra-neamt/plans/{_plan_id(demo_app)}/reports/action-plan/ro.pdf")
    assert pdf.status_code == 200 and "abc" in pdf_text(pdf.data)


# --- ranges ------------------------------------------------------------------------------------------


def test_50_digit_persons_are_refused_beside_the_field_in_every_romanian_training_section(demo_app, planner):
    from plugins.romania.plan_kind import TRAINING_SECTIONS

    plan_id = _plan_id(demo_app)
    with demo_app.app_context():
        revisions = get_session().scalar(select(func.count(PlanRevision.id)))
    assert len(TRAINING_SECTIONS) == 8
    for section in TRAINING_SECTIONS:
        response = planner.post(f"/m/piatra-neamt/plans/{plan_id}/sections/{section}/rows/new",
                                data={"persons": "9" * 50, "department__ro": "Curs"})
        assert response.status_code == 422, section
        page = response.get_data(as_text=True)
        assert 'id="persons-error"' in page and "1.000.000" in page  # 'from 0 to 1.000.000', as ro writes it
    with demo_app.app_context():
        assert get_session().scalar(select(func.count(PlanRevision.id))) == revisions  # nothing saved


NUMBERS_BEYOND = [
    ("capacity", "1e309", "cannot be read as a number"),
    ("capacity", "1" + "0" * 20, "1,000,000"),
    ("capacity", "1000001", "1,000,000"),
    ("occupancy", "1001", "1,000"),
    ("budget-0-amount", "1" + "0" * 16, "9,999,999,999,999,999.99"),
    ("budget-0-year", "1800", "from 2016 to 2036."),  # within ten years of the plan's 2026
]


def test_the_generic_service_form_refuses_numbers_beyond_their_range(world):
    client = world.app.test_client()
    assert sign_in(client, "planner@alpha.org").status_code == 200  # the world's password
    url = f"/m/alpha/plans/{world.plan_ids['alpha-draft']}/sections/services/rows/new"
    for field, typed, message in NUMBERS_BEYOND:
        data = {"code": "XX-1", "name__en": "Centre", "status": "existing", "budget-0-source": "local",
                "budget-0-amount": "10", "budget-0-scale": "1", field: typed}
        response = client.post(url, data=data)
        assert response.status_code == 422, field
        page = response.get_data(as_text=True)
        assert f'id="{field}-error"' in page and message in page, (field, typed)


def test_a_number_field_without_a_range_still_refuses_what_no_column_keeps(app):
    from werkzeug.datastructures import MultiDict

    from core.web.forms import Form, LocaleDecimalField, LocaleIntegerField

    class Numbers(Form):
        share = LocaleDecimalField("Share")
        count = LocaleIntegerField("Count")

    with app.test_request_context():
        form = Numbers(MultiDict({"share": "1" + "0" * 16, "count": "9" * 12}))
        assert not form.validate()
        assert "too large" in form.share.errors[0] and "10,000,000,000,000,000" in form.share.errors[0]
        assert "too large" in form.count.errors[0] and form.count.data is None
        assert Numbers(MultiDict({"share": "9999999999999999.99", "count": "2147483647"})).validate()


@pytest.mark.parametrize(("definition", "accepted", "refused"), [
    ("capacity", ["0", "38", "999999.99", "1000000", "1000000.00", 1000000, None],
     ["-1", "1000000.01", "1000001", "1e3", "1" + "0" * 309, 1000001, -1, "NaN", "1.486,50"]),
    ("percent", ["0", "100", "999.5", "1000", 1000], ["1000.5", "1001", "-0.5", 1001]),
    ("amount", ["0", "-5", "9999999999999999.99", 9999999999999999],
     ["10000000000000000", "9" * 40, 10 ** 16, "1e5"]),
    ("count", [0, 1000000, None], [-1, 1000001, 10 ** 50, "5"]),
    ("year", [1990, 2100], [1989, 2101, 10 ** 20]),
    ("date", ["2021-06-30", "2024-02-29"], ["2021-02-30", "2021-13-45", "2023-02-29", "30.06.2021"]),
])
def test_the_schema_states_the_ranges_of_core_limits(definition, accepted, refused):
    import jsonschema

    from core.interchange import FORMATS, _schema

    schema = _schema()
    validator = jsonschema.Draft202012Validator({"$defs": schema["$defs"], "$ref": f"#/$defs/{definition}"},
                                                format_checker=FORMATS)
    assert [value for value in accepted if not validator.is_valid(value)] == []
    assert [value for value in refused if validator.is_valid(value)] == []


def test_the_schema_and_core_limits_say_the_same():
    from core.interchange import _schema

    defs = _schema()["$defs"]
    assert defs["count"]["maximum"] == defs["capacity"]["anyOf"][2]["maximum"] == limits.COUNT_MAX
    assert defs["percent"]["anyOf"][2]["maximum"] == limits.OCCUPANCY_MAX
    assert defs["decimal"]["anyOf"][2]["maximum"] == limits.AMOUNT_LIMIT - 1
    assert (defs["year"]["minimum"], defs["year"]["maximum"]) == (limits.YEAR_MIN, limits.YEAR_MAX)
    assert limits.budget_years(2021) == (2011, 2031) and limits.budget_years(1995) == (1990, 2005)
    training = row_validator(RowType.TRAINING)
    assert not training.is_valid({"persons": limits.COUNT_MAX + 1}) and training.is_valid({"persons": 7})


# --- URLs ----------------------------------------------------------------------------------------------


def test_numbers_in_urls_beyond_the_databases_integers_are_404(demo_app, planner, planner_headers):
    huge = "100000000000000000000"
    assert planner.get(f"/m/piatra-neamt/plans/{huge}/").status_code == 404
    assert planner.get(f"/m/piatra-neamt/plans/{huge}/sections/objectives").status_code == 404
    assert planner.get(f"/m/piatra-neamt/plans/{huge}/action-plan/tables/").status_code == 404
    api = demo_app.test_client()
    for url in (f"/api/v1/municipalities/piatra-neamt/plans/{huge}/action-plan",
                "/api/v1/municipalities/piatra-neamt/plans/1800/action-plan",
                f"{API_PLAN}/sections/training-courses/rows/{huge}",
                f"{API_PLAN}/sections/training-courses/rows/{limits.ROW_INDEX_MAX + 1}"):
        response = api.get(url, headers=planner_headers)
        assert response.status_code == 404 and response.is_json, url
        assert api.delete(url, headers=planner_headers).status_code in (404, 405), url


def test_control_characters_in_urls_name_nothing(demo_app, planner, planner_headers):
    plan_id = _plan_id(demo_app)
    assert planner.get("/m/piatra%00neamt/").status_code == 404
    assert planner.get(f"/m/piatra-neamt/plans/{plan_id}/sections/object%00ives").status_code == 404
    assert planner.get(f"/m/piatra-neamt/plans/{plan_id}/?revision=%00").status_code == 400
    response = demo_app.test_client().get("/api/v1/municipalities/piatra%00neamt/plans", headers=planner_headers)
    assert response.status_code == 404 and response.is_json


def test_an_api_entry_row_is_checked_against_its_sections_columns(demo_app, planner_headers):
    api, url = demo_app.test_client(), f"{API_PLAN}/sections/subsidies/rows"
    refused = [{"beneficiaries": 10 ** 7}, {"beneficiaries": -1}, {"beneficiaries": 2.5}, {"amount": "9" * 40},
               {"amount": 1e16}, {"amount": -3}]
    for row in refused:
        assert api.post(url, json=row, headers=planner_headers).status_code == 400, row
    for text in ({"xx": "Legea 292/2011"}, {"ro-RO": "Legea"}, {"ro": 5}):  # a translated column of the legal basis
        response = api.post(f"{API_PLAN}/sections/legal-basis/rows", json={"ref": "7", "text": text},
                            headers=planner_headers)
        assert response.status_code == 400 and response.get_json()["field"].startswith("text"), text
    accepted = {"provider": "Asociația „Ajutor” & Co", "beneficiaries": 120, "amount": "nu este cazul"}
    response = api.post(url, json=accepted, headers=planner_headers)
    assert response.status_code == 201, response.get_json()  # words in a money column are the rules' to judge


def test_json_numbers_in_an_entry_row_or_a_services_facts_are_stored_as_decimals_are(demo_app, planner_headers):
    """A JSON number is read exactly (a Decimal); where a row keeps JSON (a plugin's entry, a service's extra
    facts) it is written as documents write decimals, canonical text, never a 500 of json's TypeError."""
    api = demo_app.test_client()
    response = api.post(f"{API_PLAN}/sections/subsidies/rows", data='{"amount": 1500.50, "beneficiaries": 3}',
                        content_type="application/json", headers=planner_headers)
    assert response.status_code == 201 and response.get_json()["row"]["amount"] == "1500.50"
    service = {"code": "8810 ID-I", "name": {"ro": "Centrul"}, "status": "proposed", "capacity": "10",
               "extra": {"floor_space": 120.5, "staff_total": 3}}
    response = api.post(f"{API_PLAN}/sections/proposed-services/rows", data=json.dumps(service),
                        content_type="application/json", headers=planner_headers)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["row"]["extra"] == {"floor_space": "120.5", "staff_total": 3}


def test_the_openapi_document_states_each_path_parameters_range(demo_app):
    spec = demo_app.test_client().get("/api/v1/openapi.json").get_json()
    parameters = {(path, p["name"]): p["schema"] for path, item in spec["paths"].items()
                  for p in item.get("parameters", [])}
    integers = {key: schema for key, schema in parameters.items() if schema["type"] == "integer"}
    assert integers and all("minimum" in schema and "maximum" in schema for schema in integers.values())
    assert {(schema["minimum"], schema["maximum"]) for (path, name), schema in integers.items() if name == "year"} == {
        (limits.YEAR_MIN, limits.YEAR_MAX)}
    assert {(schema["minimum"], schema["maximum"]) for (path, name), schema in integers.items()
            if name == "index"} == {(0, limits.ROW_INDEX_MAX)}
    assert all(schema.get("pattern") == "^[^/]+$" for schema in parameters.values() if schema["type"] == "string")
    assert Decimal(limits.AMOUNT_MAX) < limits.AMOUNT_LIMIT
    assert not UNCLEAN.search(json.dumps(spec))
