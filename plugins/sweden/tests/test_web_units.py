"""Units, follow-ups, deficiencies that do or do not open a case, lex Sarah reports: forms and their errors."""

from __future__ import annotations

from sqlalchemy import func, select

from plugins.sweden.models import DeficiencyCase, FollowUp, LexSarahReport, Unit
from plugins.sweden.tests.helpers import sign_in


def _count(app, model, *where) -> int:
    from core.sdk.testing import get_session

    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(model).where(*where))


def _unit_id(app, code: str) -> int:
    from core.sdk.testing import get_session

    with app.app_context():
        return get_session().scalar(select(Unit.id).where(Unit.code == code))


def test_add_and_edit_a_unit(demo_app, demo_client):
    sign_in(demo_client, "planner@huddinge.demo")
    assert 'id="unit-form"' in demo_client.get("/m/huddinge/sweden/units/new").get_data(as_text=True)
    data = {"code": "HU-ENT", "name": "Ny enhet", "operating_form": "contracted", "service_type": "home_care",
            "new_provider": "Nya Omsorg AB", "district": "Flemingsberg", "provider_started_on": "2026-05-01"}
    refused = demo_client.post("/m/huddinge/sweden/units/new", data=data)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "Another unit has the code" in html and 'value="Ny enhet"' in html
    assert _count(demo_app, Unit, Unit.name == "Ny enhet") == 0
    from core.sdk.testing import Provider

    assert _count(demo_app, Provider, Provider.name == "Nya Omsorg AB") == 0  # nothing half-saved
    answer = demo_client.post("/m/huddinge/sweden/units/new", data={**data, "code": "HU-NY"})
    assert answer.status_code == 302
    unit_id = _unit_id(demo_app, "HU-NY")
    html = demo_client.get(f"/m/huddinge/sweden/units/{unit_id}").get_data(as_text=True)
    assert "Nya Omsorg AB" in html and "Flemingsberg" in html and "Contracted (LOU)" in html

    edit = f"/m/huddinge/sweden/units/{unit_id}/edit"
    assert 'value="Ny enhet"' in demo_client.get(edit).get_data(as_text=True)
    refused = demo_client.post(edit, data={"name": "Ny enhet", "operating_form": "customer_choice",
                                           "service_type": "home_care", "provider_id": "", "district": "X"})
    assert refused.status_code == 400 and "needs its provider" in refused.get_data(as_text=True)
    assert demo_client.post(edit, data={"name": "Nya enheten", "operating_form": "in_house",
                                        "service_type": "day_care", "provider_id": "", "district": "Huddinge C",
                                        "provider_started_on": ""}).status_code == 302
    with demo_app.app_context():
        from core.sdk.testing import get_session

        unit = get_session().get(Unit, unit_id)
        assert (unit.name, unit.operating_form, unit.service_type, unit.district, unit.provider_id) == (
            "Nya enheten", "in_house", "day_care", "Huddinge C", None)
        assert unit.code == "HU-NY"


def test_record_followup_and_its_errors(demo_app, demo_client):
    sign_in(demo_client, "planner@huddinge.demo")
    unit_id = _unit_id(demo_app, "HU-KV")  # customer choice, started 2026-02-01
    url = f"/m/huddinge/sweden/units/{unit_id}/followups/new"
    before = _count(demo_app, FollowUp)
    refused = demo_client.post(url, data={"method": "operational"})
    assert refused.status_code == 400 and "done or is planned for" in refused.get_data(as_text=True)
    refused = demo_client.post(url, data={"method": "operational", "done_on": "2026-01-15"})
    assert refused.status_code == 400 and "before the provider started" in refused.get_data(as_text=True)
    assert _count(demo_app, FollowUp) == before
    assert demo_client.post(url, data={"method": "operational", "done_on": "2026-09-10",
                                       "summary": "Inga anmärkningar"}).status_code == 302
    html = demo_client.get(f"/m/huddinge/sweden/units/{unit_id}").get_data(as_text=True)
    assert "Inga anmärkningar" in html and "Sep 10, 2026" in html


def test_minor_deficiency_opens_no_case_but_a_repeated_one_does(demo_app, demo_client):
    sign_in(demo_client, "planner@huddinge.demo")
    unit_id = _unit_id(demo_app, "HU-EB")  # in-house
    url = f"/m/huddinge/sweden/units/{unit_id}/deficiencies/new"
    refused = demo_client.post(url, data={"found_on": "2026-05-01", "recorded_by": "A"})
    assert refused.status_code == 400 and "Describe the deficiency." in refused.get_data(as_text=True)
    first = demo_client.post(url, data={"found_on": "2026-05-01", "description": "Städning", "recorded_by": "A"})
    assert first.status_code == 302 and first.headers["Location"].endswith(f"/units/{unit_id}")
    assert _count(demo_app, DeficiencyCase, DeficiencyCase.unit_id == unit_id) == 0
    second = demo_client.post(url, data={"found_on": "2026-08-01", "description": "Städning igen", "recorded_by": "A"})
    assert "/cases/" in second.headers["Location"]
    html = demo_client.get(second.headers["Location"]).get_data(as_text=True)
    assert "In-house unit" in html and 'id="take-request_action_plan"' in html


def test_lex_sarah_report_form(demo_app, demo_client):
    sign_in(demo_client, "planner@eskilstuna.demo")
    html = demo_client.get("/m/eskilstuna/sweden/lex-sarah?year=2017").get_data(as_text=True)
    assert "18 lex Sarah reports were made in 2017; 5 of them" in html
    refused = demo_client.post("/m/eskilstuna/sweden/lex-sarah", data={
        "year": "2017", "reported_on": "2018-01-10", "area": "lss", "sex": "female"})
    assert refused.status_code == 400 and "The date is not in the year 2017." in refused.get_data(as_text=True)
    assert demo_client.post("/m/eskilstuna/sweden/lex-sarah", data={
        "year": "2017", "reported_on": "2017-10-10", "area": "lss", "sex": "female", "reported_to_ivo": "y",
        "reference": "LS-19"}).status_code == 302
    assert _count(demo_app, LexSarahReport, LexSarahReport.year == 2017) == 19
    html = demo_client.get("/m/eskilstuna/sweden/lex-sarah?year=2017").get_data(as_text=True)
    assert "19 lex Sarah reports were made in 2017; 6 of them" in html


def test_viewer_sees_units_without_edit_buttons(demo_client):
    sign_in(demo_client, "viewer@huddinge.demo")
    html = demo_client.get("/m/huddinge/sweden/units").get_data(as_text=True)
    assert "Solgårdens äldreboende (egen regi)" in html and 'id="add-unit"' not in html
    assert demo_client.get("/m/huddinge/sweden/units/new").status_code == 403
    assert demo_client.post("/m/huddinge/sweden/lex-sarah", data={"year": "2026", "area": "lss"}).status_code == 403


def test_every_page_renders_in_swedish(demo_app, demo_client):
    sign_in(demo_client, "planner@stockholm.demo", locale="sv")
    unit_id = _unit_id(demo_app, "SO-SH")
    from core.sdk.testing import get_session
    from plugins.sweden.models import DeficiencyCase

    with demo_app.app_context():
        case_id = get_session().scalar(select(DeficiencyCase.id))
    pages = {"/m/stockholm/sweden/": "Uppföljningsöversikt", "/m/stockholm/sweden/units": "Lägg till en enhet",
             f"/m/stockholm/sweden/units/{unit_id}": "Registrera en brist",
             f"/m/stockholm/sweden/units/{unit_id}/edit": "Spara enheten",
             f"/m/stockholm/sweden/units/{unit_id}/followups/new": "Registrera uppföljningen",
             f"/m/stockholm/sweden/units/{unit_id}/deficiencies/new": "Allvarlig brist",
             f"/m/stockholm/sweden/cases/{case_id}": "Ta emot åtgärdsplanen",
             "/m/stockholm/sweden/cases": "Bristärenden", "/m/stockholm/sweden/calendar/2026": "Uppföljningskalender",
             "/m/stockholm/sweden/lex-sarah": "Registrera en lex Sarah-rapport",
             "/m/stockholm/sweden/import": "Importera svaren", "/m/stockholm/": "Uppföljningsöversikt"}
    for path, text in pages.items():
        answer = demo_client.get(path)
        assert answer.status_code == 200, path
        assert text in answer.get_data(as_text=True), (path, text)


def _rotation_followups(app, slug: str, code: str, years: range) -> list[int]:
    """The years in ``years`` in which the calendar plans the unit's operational follow-up."""
    from core.sdk.testing import get_session, municipality_by_slug
    from plugins.sweden.services.followups import year_calendar

    with app.app_context():
        session = get_session()
        municipality, unit_id = municipality_by_slug(session, slug), _unit_id(app, code)
        return [year for year in years for entry in year_calendar(session, municipality.id, year)
                if entry.unit_id == unit_id and entry.method == "operational"]


def test_a_units_own_rotation_year_is_edited_in_the_browser_and_moves_its_follow_ups(demo_app, demo_client):
    # Huddinge's in-house residences are followed up every third year, each in its own rotation (seed 003).
    assert _rotation_followups(demo_app, "huddinge", "HU-EB", range(2026, 2032)) == [2026, 2029]
    sign_in(demo_client, "planner@huddinge.demo")
    unit_id = _unit_id(demo_app, "HU-EB")
    edit = f"/m/huddinge/sweden/units/{unit_id}/edit"
    form = demo_client.get(edit).get_data(as_text=True)
    assert 'name="rotation_year"' in form and 'value="2026"' in form
    data = {"name": "Solgårdens äldreboende (egen regi)", "operating_form": "in_house",
            "service_type": "residential_care", "provider_id": "", "district": "", "provider_started_on": ""}
    for typed, message in (("abc", "cannot be read as a whole number"), ("1200", "Give a year from 1990 to 2100.")):
        refused = demo_client.post(edit, data={**data, "rotation_year": typed})
        html = refused.get_data(as_text=True)
        assert refused.status_code == 400 and message in html and f'value="{typed}"' in html
    assert _rotation_followups(demo_app, "huddinge", "HU-EB", range(2026, 2032)) == [2026, 2029]  # unchanged
    assert demo_client.post(edit, data={**data, "rotation_year": "2027"}).status_code == 302
    assert _rotation_followups(demo_app, "huddinge", "HU-EB", range(2026, 2032)) == [2027, 2030]
    assert "2027" in demo_client.get(f"/m/huddinge/sweden/units/{unit_id}").get_data(as_text=True)
