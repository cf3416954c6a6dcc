"""The settings page: schedule preset and parameters, ladder deadlines, suppression threshold, Kolada id."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from core.sdk.testing import DEMO_ADMIN
from plugins.sweden.models import DeficiencyCase, SwedenSettings, Unit
from plugins.sweden.tests.helpers import sign_in


def _settings(app, slug: str) -> SwedenSettings:
    from core.sdk.testing import get_session, municipality_by_slug

    with app.app_context():
        session = get_session()
        settings = session.get(SwedenSettings, municipality_by_slug(session, slug).id)
        session.expunge(settings)
        return settings


def _form_data(client, slug: str) -> dict[str, str]:
    """Every field of the settings form as the page fills it in (checkboxes only when ticked)."""
    html = client.get(f"/m/{slug}/sweden/settings").get_data(as_text=True)
    form = html[html.index('id="settings-form"'):]
    data = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if not name:
            continue
        if 'type="checkbox"' in tag:
            if "checked" in tag:
                data[name.group(1)] = "y"
        else:
            data[name.group(1)] = value.group(1) if value else ""
    selected = re.search(r'<option selected value="([^"]+)"|<option value="([^"]+)" selected', form)
    data["schedule_preset"] = next(v for v in selected.groups() if v)
    return data


def test_settings_page_shows_defaults_and_saves_every_part(demo_app, demo_client):
    sign_in(demo_client, "planner@huddinge.demo")
    page = demo_client.get("/m/huddinge/sweden/settings")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="settings-form"' in html and 'id="nav-settings"' in html
    assert "Huddinge: by operating form" in html
    data = _form_data(demo_client, "huddinge")
    assert data["schedule_preset"] == "huddinge" and data["huddinge_in_house_every_years"] == "3"
    data.update({"huddinge_in_house_every_years": "2", "huddinge_new_provider_window_months_to": "9",
                 "external_action_plan_due_months": "0", "external_action_plan_due_days": "14",
                 "suppression_threshold": "7", "kolada_id": "0126"})
    answer = demo_client.post("/m/huddinge/sweden/settings", data=data)
    assert answer.status_code == 302, answer.get_data(as_text=True)
    settings = _settings(demo_app, "huddinge")
    # Only what differs from the preset and the default ladder is stored.
    assert settings.schedule_overrides == {"in_house_every_years": 2, "new_provider_window_months": [6, 9]}
    assert settings.ladder_overrides == {"deadlines": {"external.action_plan_due": {"months": 0, "days": 14}}}
    assert settings.suppression_threshold == 7 and settings.kolada_id == "0126"
    html = demo_client.get("/m/huddinge/sweden/settings").get_data(as_text=True)
    row = re.search(r'<tr id="current-in_house_every_years">.*?</tr>', html, re.S).group(0)
    assert "<td>2</td>" in row and "<td>3</td>" in row and "Yes" in row  # in force, default, differs


def test_switching_preset_changes_the_calendar(demo_app, demo_client):
    sign_in(demo_client, "planner@huddinge.demo")
    data = _form_data(demo_client, "huddinge")
    data["schedule_preset"] = "stockholm"
    assert demo_client.post("/m/huddinge/sweden/settings", data=data).status_code == 302
    settings = _settings(demo_app, "huddinge")
    assert settings.schedule_preset == "stockholm" and settings.schedule_overrides == {}
    html = demo_client.get("/m/huddinge/sweden/calendar/2026").get_data(as_text=True)
    assert "Samverkansgrupp" not in html  # cooperation groups are Huddinge's rule only


def test_bad_values_are_refused_beside_the_field_and_nothing_is_saved(demo_app, demo_client):
    sign_in(demo_client, "planner@huddinge.demo")
    before = _settings(demo_app, "huddinge")
    good = _form_data(demo_client, "huddinge")
    cases = [
        ({"suppression_threshold": "0"}, "suppression_threshold", "The threshold must be a whole number from 1 to"),
        ({"suppression_threshold": "abc"}, "suppression_threshold", "cannot be read as a whole number: write it"),
        ({"external_review_due_months": "-1"}, "external_review_due_months", "Enter a whole number from 0 to"),
        ({"in_house_review_due_months": "0", "in_house_review_due_days": "0"}, "in_house_review_due_days",
         "A deadline must be at least one day."),
        ({"kolada_id": "12a4"}, "kolada_id", "A Kolada municipality id is four digits"),
        ({"huddinge_in_house_every_years": "0"}, "huddinge_in_house_every_years", "Enter a whole number from 1 to"),
        ({"huddinge_new_provider_window_months_from": "9", "huddinge_new_provider_window_months_to": "6"},
         "huddinge_new_provider_window_months_to", "The last month must not come before the first."),
    ]
    for change, field, message in cases:
        answer = demo_client.post("/m/huddinge/sweden/settings", data={**good, "kolada_id": "9999", **change})
        assert answer.status_code == 400, change
        html = answer.get_data(as_text=True)
        error = re.search(rf'id="{field}-error">(.*?)</p>', html, re.S)
        assert error and message in error.group(1), change
        typed = next(iter(change.values())) if field not in change else change[field]
        assert f'value="{typed}"' in html  # the typed value is kept
        after = _settings(demo_app, "huddinge")
        assert (after.kolada_id, after.suppression_threshold, after.schedule_overrides, after.ladder_overrides) == (
            before.kolada_id, before.suppression_threshold, before.schedule_overrides, before.ladder_overrides)


def test_messages_are_translated(demo_client):
    sign_in(demo_client, "planner@huddinge.demo", locale="sv")
    good = _form_data(demo_client, "huddinge")
    html = demo_client.post("/m/huddinge/sweden/settings",
                            data={**good, "suppression_threshold": "abc"}).get_data(as_text=True)
    assert "cannot be read as a whole number" not in html and "heltal" in html


def _row(html: str, area: str, unit: str) -> str:
    return re.search(rf'<tr id="result-{area}-{unit}">.*?</tr>', html, re.S).group(0)


def test_threshold_changes_what_the_results_page_suppresses(demo_app, demo_client):
    sign_in(demo_client, "planner@stockholm.demo")
    html = demo_client.get("/m/stockholm/sweden/results?year=2026").get_data(as_text=True)
    assert "%" in _row(html, "respect", "SO-SH")  # 14 respondents: shown at the default threshold 5
    assert "%" not in _row(html, "respect", "SO-HT")  # 3 respondents: hidden
    data = _form_data(demo_client, "stockholm")
    data["suppression_threshold"] = "15"
    assert demo_client.post("/m/stockholm/sweden/settings", data=data).status_code == 302
    html = demo_client.get("/m/stockholm/sweden/results?year=2026").get_data(as_text=True)
    assert "%" not in _row(html, "respect", "SO-SH") and "fewer than 15 respondents" in html
    assert "%" in _row(html, "respect", "SO-HTE")  # 31 respondents: still shown


def test_ladder_deadline_changes_the_next_steps_due_date(demo_app, demo_client):
    from core.sdk.testing import get_session

    sign_in(demo_client, "planner@huddinge.demo")
    data = _form_data(demo_client, "huddinge")
    data.update({"external_action_plan_due_months": "0", "external_action_plan_due_days": "10"})
    assert demo_client.post("/m/huddinge/sweden/settings", data=data).status_code == 302
    with demo_app.app_context():
        unit_id = get_session().scalar(select(Unit.id).where(Unit.code == "HU-ENT"))
    answer = demo_client.post(f"/m/huddinge/sweden/units/{unit_id}/deficiencies/new", data={
        "found_on": "2026-03-02", "description": "Brister", "serious": "y", "recorded_by": "Kvalitetschef A"})
    case_id = int(re.search(r"/cases/(\d+)$", answer.headers["Location"]).group(1))
    assert demo_client.post(f"/m/huddinge/sweden/cases/{case_id}/steps/request_action_plan", data={
        "request_action_plan-taken_on": "2026-03-03", "request_action_plan-decided_by": "A"}).status_code == 302
    with demo_app.app_context():
        assert get_session().get(DeficiencyCase, case_id).next_step_due_on == dt.date(2026, 3, 13)


def test_in_house_deadlines_are_the_seeds_and_each_can_be_set_or_left_without(demo_app, demo_client):
    """Seed 003 gives in-house units no deadline for the manager's action plan or the report, three months for the
    new follow-up; the page shows that and lets a municipality set or remove each deadline per track."""
    from core.sdk.testing import get_session

    sign_in(demo_client, "planner@huddinge.demo")
    html = demo_client.get("/m/huddinge/sweden/settings").get_data(as_text=True)
    row = re.sub(r"\s+", "", re.search(r'<tr id="current-in_house-action_plan_due">.*?</tr>', html, re.S).group(0))
    assert "<td>Nodeadline</td><td>Nodeadline</td><td></td>" in row  # in force, default, differs
    row = re.search(r'<tr id="current-in_house-review_due">.*?</tr>', html, re.S).group(0)
    assert "3 months" in row and "No deadline" not in row
    data = _form_data(demo_client, "huddinge")
    assert data["in_house_action_plan_due_none"] == "y" and data["in_house_report_due_none"] == "y"
    assert "in_house_review_due_none" not in data and "external_report_due_none" not in data
    del data["in_house_action_plan_due_none"]
    data.update({"in_house_action_plan_due_months": "0", "in_house_action_plan_due_days": "21",
                 "external_report_due_none": "y"})
    assert demo_client.post("/m/huddinge/sweden/settings", data=data).status_code == 302
    assert _settings(demo_app, "huddinge").ladder_overrides == {"deadlines": {
        "in_house.action_plan_due": {"months": 0, "days": 21}, "external.report_due": None}}
    html = demo_client.get("/m/huddinge/sweden/settings").get_data(as_text=True)
    row = re.sub(r">\s+<", "><", re.search(r'<tr id="current-external-report_due">.*?</tr>', html, re.S).group(0))
    cells = re.findall(r"<td>(.*?)</td>", row)
    assert cells[0] == "No deadline" and cells[1].startswith("1 month") and cells[2] == "Yes"  # in force, default
    with demo_app.app_context():
        session = get_session()
        unit = session.scalar(select(Unit).where(Unit.code == "HU-EB"))  # in-house
        from plugins.sweden.services.cases import open_case, take_step

        case = open_case(session, unit, dt.date(2026, 3, 2), "Sektionschef")
        take_step(session, case, "request_action_plan", dt.date(2026, 3, 3), "Sektionschef")
        assert case.next_step_due_on == dt.date(2026, 3, 24)  # the municipality's 21 days
        session.rollback()
    missing = {**data, "in_house_action_plan_due_days": ""}
    answer = demo_client.post("/m/huddinge/sweden/settings", data=missing)
    assert answer.status_code == 400 and 'id="in_house_action_plan_due_days-error"' in answer.get_data(as_text=True)


def test_roles_viewer_reads_other_municipality_404_admin_edits(demo_app, demo_client):
    sign_in(demo_client, "viewer@huddinge.demo")
    page = demo_client.get("/m/huddinge/sweden/settings")
    assert page.status_code == 200 and 'id="settings-current"' in page.get_data(as_text=True)
    assert 'id="settings-form"' not in page.get_data(as_text=True)
    assert demo_client.post("/m/huddinge/sweden/settings", data={"suppression_threshold": "9"}).status_code == 403
    assert _settings(demo_app, "huddinge").suppression_threshold == 5
    sign_in(demo_client, "planner@huddinge.demo")
    assert demo_client.get("/m/stockholm/sweden/settings").status_code == 404
    assert demo_client.post("/m/stockholm/sweden/settings", data={"suppression_threshold": "9"}).status_code == 404
    demo_client.get("/logout")
    sign_in(demo_client, DEMO_ADMIN)
    data = _form_data(demo_client, "stockholm")
    data["suppression_threshold"] = "6"
    assert demo_client.post("/m/stockholm/sweden/settings", data=data).status_code == 302
    assert _settings(demo_app, "stockholm").suppression_threshold == 6


def _operational_years(app, slug: str, code: str, years: range) -> list[int]:
    from core.sdk.testing import get_session, municipality_by_slug
    from plugins.sweden.services.followups import year_calendar

    with app.app_context():
        session = get_session()
        municipality = municipality_by_slug(session, slug)
        unit_id = session.scalar(select(Unit.id).where(Unit.code == code))
        return [year for year in years for entry in year_calendar(session, municipality.id, year)
                if entry.unit_id == unit_id and entry.method == "operational"]


def test_the_stockholm_rotation_is_set_per_service_type_by_naming_a_year(demo_app, demo_client):
    # Seed 000: residential care and day care one year, service housing and home care the next.
    this_year = dt.date.today().year
    even, odd = (this_year, this_year + 1) if this_year % 2 == 0 else (this_year + 1, this_year)
    years = range(2026, 2030)
    assert _operational_years(demo_app, "stockholm", "SO-HTE", years) == [2027, 2029]  # in-house home care
    assert _operational_years(demo_app, "stockholm", "SO-VOB", years) == [2026, 2028]  # in-house residential care
    # New in September 2025: its new-provider follow-up in 2026, then home care's odd years.
    assert _operational_years(demo_app, "stockholm", "SO-HT", years) == [2026, 2027, 2029]
    sign_in(demo_client, "planner@stockholm.demo")
    data = _form_data(demo_client, "stockholm")
    assert data["stockholm_rotation_parity_residential_care"] == str(even)
    assert data["stockholm_rotation_parity_home_care"] == str(odd)
    html = demo_client.post("/m/stockholm/sweden/settings",
                            data={**data, "stockholm_rotation_parity_home_care": "1850"}).get_data(as_text=True)
    error = re.search(r'id="stockholm_rotation_parity_home_care-error">(.*?)</p>', html, re.S)
    assert error and "Enter a whole number from 1990 to 2100." in error.group(1)
    assert _settings(demo_app, "stockholm").schedule_overrides == {}
    # Home care moves to the residential care homes' years; saving the shown years unchanged stores nothing.
    assert demo_client.post("/m/stockholm/sweden/settings",
                            data={**data, "stockholm_rotation_parity_home_care": str(even + 2)}).status_code == 302
    overrides = _settings(demo_app, "stockholm").schedule_overrides
    assert overrides["rotation_parity"]["home_care"] == 0 and overrides["rotation_parity"]["residential_care"] == 0
    assert _operational_years(demo_app, "stockholm", "SO-HT", years) == [2026, 2028]
    # Followed up in 2025, in-house home care stays in the odd years: the recorded follow-up decides.
    assert _operational_years(demo_app, "stockholm", "SO-HTE", years) == [2027, 2029]
    html = demo_client.get("/m/stockholm/sweden/settings").get_data(as_text=True)
    row = re.search(r'<tr id="current-rotation_parity-home_care">.*?</tr>', html, re.S).group(0)
    assert f"<td>{even}</td><td>{odd}</td><td>Yes</td>" in row  # in force, default, differs
    assert demo_client.post("/m/stockholm/sweden/settings", data=data).status_code == 302
    assert _settings(demo_app, "stockholm").schedule_overrides == {}


def _cases_at_huddinge(app, states: tuple[str, ...]) -> list[int]:
    """Cases at the contracted Björkgården walked (default ladder) to each of ``states``."""
    from core.sdk.testing import get_session
    from plugins.sweden.services.cases import open_case, take_step

    D = dt.date
    ids = []
    with app.app_context():
        session = get_session()
        unit = session.scalar(select(Unit).where(Unit.code == "HU-ENT"))
        for state in states:
            case = open_case(session, unit, D(2026, 1, 31), "Kvalitetschef A", "Upprepade brister")
            take_step(session, case, "request_action_plan", D(2026, 1, 31), "Kvalitetschef A")
            take_step(session, case, "receive_action_plan", D(2026, 2, 20), "B")
            take_step(session, case, "review_measures", D(2026, 5, 12), "B", outcome="not_remedied")
            if state == "warning_issued":
                take_step(session, case, "issue_warning", D(2026, 5, 15), "C", deadline=D(2026, 6, 30))
            assert case.state == state
            ids.append(case.id)
        session.commit()
    return ids


def test_the_warning_step_is_switched_off_in_the_browser(demo_app, demo_client):
    sign_in(demo_client, "planner@huddinge.demo")
    cases = _cases_at_huddinge(demo_app, ("warning_issued", "not_remedied"))
    data = _form_data(demo_client, "huddinge")
    assert data.get("external_warning_step") == "y"  # seed 003: a warning first
    assert "Issue a warning" in demo_client.get(f"/m/huddinge/sweden/cases/{cases[1]}").get_data(as_text=True)
    del data["external_warning_step"]  # an unticked checkbox is not sent
    assert demo_client.post("/m/huddinge/sweden/settings", data=data).status_code == 302
    external = _settings(demo_app, "huddinge").ladder_overrides["external"]
    assert external["issue_warning"]["from"] == [] and "not_remedied" in external["terminate_contract"]["from"]
    html = demo_client.get("/m/huddinge/sweden/settings").get_data(as_text=True)
    row = re.search(r'<tr id="current-warning-step">.*?</tr>', html, re.S).group(0)
    assert "<td>No</td><td>Yes</td><td>Yes</td>" in row  # in force, default, differs
    assert 'name="external_warning_step"' in html and "checked" not in re.search(
        r'<input[^>]*name="external_warning_step"[^>]*>', html).group(0)
    # A case warned before goes on through the review after the warning; a new one is terminated.
    warned, failed = (f"/m/huddinge/sweden/cases/{case_id}" for case_id in cases)
    assert "Review after the warning" in demo_client.get(warned).get_data(as_text=True)
    page = demo_client.get(failed).get_data(as_text=True)
    assert "Terminate the contract" in page and "Issue a warning" not in page
    answer = demo_client.post("/m/huddinge/sweden/settings", data={**data, "external_warning_step": "y"})
    assert answer.status_code == 302
    assert "external" not in _settings(demo_app, "huddinge").ladder_overrides
