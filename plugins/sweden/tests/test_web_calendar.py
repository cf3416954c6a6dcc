"""The calendar, unit, special review and goals pages: what to do next and where to record it, between years."""

from __future__ import annotations

import datetime as dt
import html as htmllib
import re
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from plugins.sweden.models import FollowUp, SwedenSettings, Unit
from plugins.sweden.tests.helpers import sign_in

ROW = re.compile(r'<tr class="calendar-row[^"]*" data-unit="(\d*)" data-method="([^"]+)" data-next="([^"]+)">'
                 r'(.*?)</tr>', re.S)


def _unit(app, code: str) -> Unit:
    from core.sdk.testing import get_session

    with app.app_context():
        return get_session().scalar(select(Unit).where(Unit.code == code))


def _settings(app, slug: str) -> SwedenSettings:
    from core.sdk.testing import get_session, municipality_by_slug

    with app.app_context():
        session = get_session()
        settings = session.get(SwedenSettings, municipality_by_slug(session, slug).id)
        session.expunge(settings)
        return settings


def _events(app, action: str) -> list[tuple[str, dict]]:
    from core.sdk.testing import AuditEvent, User, get_session

    with app.app_context():
        rows = get_session().execute(select(User.email, AuditEvent.detail).join(User, User.id == AuditEvent.user_id)
                                     .where(AuditEvent.action == action).order_by(AuditEvent.id)).all()
        return [(email, detail) for email, detail in rows]


def _no_special_review_area(app) -> None:
    """Take back the areas the demo chose for Huddinge (2025, 2026), for tests that start from no choice."""
    from core.sdk.testing import get_session, municipality_by_slug

    with app.app_context():
        session = get_session()
        session.get(SwedenSettings, municipality_by_slug(session, "huddinge").id).special_review_area = {}
        session.commit()


def _link(cell: str) -> str | None:
    found = re.search(r'<td class="next-action"><a href="([^"]+)">', cell)
    return htmllib.unescape(found.group(1)) if found else None


def test_every_calendar_row_says_what_to_do_next_and_links_to_recording_it(demo_app, demo_client):
    _no_special_review_area(demo_app)  # so that the special review's row asks for its area
    sign_in(demo_client, "planner@huddinge.demo")
    page = demo_client.get("/m/huddinge/sweden/calendar/2026").get_data(as_text=True)
    rows = ROW.findall(page)
    assert len(rows) > 10
    for unit_id, method, action, cell in rows:
        link = _link(cell)
        assert link, (method, action)
        path, query = urlsplit(link).path, parse_qs(urlsplit(link).query)
        if action == "choose_area":
            assert path == "/m/huddinge/sweden/calendar/2026/special-review"
        elif action in ("case", "case_overdue"):
            assert path.startswith("/m/huddinge/sweden/cases/")
        elif action == "done":
            assert path == f"/m/huddinge/sweden/units/{unit_id}"
        else:
            assert path == f"/m/huddinge/sweden/units/{unit_id}/followups/new" and query["method"] == [method]
            assert query["next"] == ["/m/huddinge/sweden/calendar/2026"]
    actions = {action for *_rest, action, _cell in rows}
    assert "choose_area" in actions and actions <= {"done", "plan", "record", "overdue", "choose_area", "case",
                                                    "case_overdue"}
    # A viewer reads what is next, without links to forms it may not use.
    demo_client.get("/logout")
    sign_in(demo_client, "viewer@huddinge.demo")
    viewer = demo_client.get("/m/huddinge/sweden/calendar/2026").get_data(as_text=True)
    assert all(_link(cell) is None for *_rest, action, cell in ROW.findall(viewer) if action != "done")


def test_recording_from_a_calendar_row_goes_back_to_the_calendar(demo_app, demo_client):
    sign_in(demo_client, "planner@huddinge.demo")
    unit = _unit(demo_app, "HU-ENT")
    page = demo_client.get("/m/huddinge/sweden/calendar/2026").get_data(as_text=True)
    row = next(r for r in ROW.findall(page) if r[0] == str(unit.id) and r[1] == "cooperation_group"
               and r[2] != "done")
    link = _link(row[3])
    form = demo_client.get(link).get_data(as_text=True)
    assert re.search(r'<option selected value="cooperation_group"|<option value="cooperation_group" selected', form)
    answer = demo_client.post(link, data={"method": "cooperation_group", "done_on": "2026-01-22"})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/m/huddinge/sweden/calendar/2026")
    page = demo_client.get("/m/huddinge/sweden/calendar/2026").get_data(as_text=True)
    done = [r for r in ROW.findall(page) if r[0] == str(unit.id) and r[1] == "cooperation_group" and r[2] == "done"]
    assert done and "Nothing: done on Jan 22, 2026." in page
    # A 'next' that leaves the site is not followed.
    answer = demo_client.post(f"/m/huddinge/sweden/units/{unit.id}/followups/new?next=//evil.example/x",
                              data={"method": "cooperation_group", "done_on": "2026-02-20"})
    assert answer.headers["Location"].endswith(f"/m/huddinge/sweden/units/{unit.id}")


def test_the_special_review_is_in_the_calendar_only_where_the_rules_have_one(demo_client):
    sign_in(demo_client, "planner@stockholm.demo")
    page = demo_client.get("/m/stockholm/sweden/calendar/2026").get_data(as_text=True)
    assert 'id="special-review-area"' not in page and 'data-method="special_review"' not in page
    sign_in(demo_client, "planner@huddinge.demo")
    page = demo_client.get("/m/huddinge/sweden/calendar/2026").get_data(as_text=True)
    assert 'id="special-review-area"' in page and 'data-method="special_review"' in page


def test_the_calendar_moves_between_years(demo_client):
    sign_in(demo_client, "planner@huddinge.demo")
    page = demo_client.get("/m/huddinge/sweden/calendar/2026").get_data(as_text=True)
    assert 'href="/m/huddinge/sweden/calendar/2025"' in page and 'href="/m/huddinge/sweden/calendar/2027"' in page
    following = demo_client.get("/m/huddinge/sweden/calendar/2027").get_data(as_text=True)
    assert "Follow-up calendar 2027" in following and 'href="/m/huddinge/sweden/calendar/2028"' in following
    assert 'id="calendar-next"' not in demo_client.get("/m/huddinge/sweden/calendar/2100").get_data(as_text=True)
    assert demo_client.get("/m/huddinge/sweden/calendar/2101").status_code == 404


def test_the_unit_page_lists_due_and_overdue_follow_ups(demo_app, demo_client):
    sign_in(demo_client, "planner@huddinge.demo")
    unit = _unit(demo_app, "HU-ENT")  # contracted: yearly follow-up and cooperation-group meetings
    page = demo_client.get(f"/m/huddinge/sweden/units/{unit.id}").get_data(as_text=True)
    table = re.search(r'<table class="table" id="unit-due">.*?</table>', page, re.S).group(0)
    rows = re.findall(r'<tr class="due-row[^"]*" data-method="([^"]+)" data-next="([^"]+)">', table)
    today = dt.date.today()
    from core.sdk.testing import get_session
    from plugins.sweden.services.followups import due_followups

    with demo_app.app_context():
        expected = [(e.method, e.next_action(today)) for e in due_followups(get_session(), get_session().get(
            Unit, unit.id), today)]
    assert rows == expected and all(action != "done" for _method, action in rows)
    # The yearly follow-up of 2025 (from the contract's start, 1 Nov) was not done: overdue, and shown so.
    assert ("operational", "overdue") in rows and "Overdue" in table
    assert ("cooperation_group", "overdue") in rows  # the meetings of 2026 not recorded
    # Each links to recording it, and back to the unit's page.
    assert f"next=/m/huddinge/sweden/units/{unit.id}" in htmllib.unescape(table)


def test_deficiencies_found_lead_on_to_registering_them(demo_app, demo_client):
    sign_in(demo_client, "planner@huddinge.demo")
    unit = _unit(demo_app, "HU-RA")
    answer = demo_client.post(f"/m/huddinge/sweden/units/{unit.id}/followups/new", data={
        "method": "operational", "done_on": "2026-03-20", "deficiencies_found": "y",
        "summary": "Genomförandeplaner saknas för tre brukare & <dokumentation>"})
    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert urlsplit(location).path == f"/m/huddinge/sweden/units/{unit.id}/deficiencies/new"
    assert parse_qs(urlsplit(location).query)["found_on"] == ["2026-03-20"]
    form = demo_client.get(location).get_data(as_text=True)
    assert 'value="2026-03-20"' in form and "Now register the deficiencies it found." in form
    assert "Genomförandeplaner saknas för tre brukare &amp; &lt;dokumentation&gt;" in form  # the summary, escaped
    other = _unit(demo_app, "HU-KV")  # another unit's follow-up does not fill this one's form
    with demo_app.app_context():
        from core.sdk.testing import get_session

        followup_id = get_session().scalar(select(FollowUp.id).where(FollowUp.unit_id == unit.id)
                                           .order_by(FollowUp.id.desc()))
    foreign = demo_client.get(f"/m/huddinge/sweden/units/{other.id}/deficiencies/new?followup={followup_id}")
    assert "Genomförandeplaner" not in foreign.get_data(as_text=True)


def test_the_special_review_area_is_chosen_per_year(demo_app, demo_client):
    _no_special_review_area(demo_app)
    sign_in(demo_client, "planner@huddinge.demo")
    page = demo_client.get("/m/huddinge/sweden/calendar/2026").get_data(as_text=True)
    assert "No area has been chosen for special review in 2026 yet." in page
    answer = demo_client.post("/m/huddinge/sweden/calendar/2026/special-review",
                              data={"review-area__sv": "Måltider & <nutrition>", "review-area__en": 'Meals "&" more'})
    assert answer.status_code == 302
    assert _settings(demo_app, "huddinge").special_review_area == {
        "2026": {"sv": "Måltider & <nutrition>", "en": 'Meals "&" more'}}
    assert demo_client.post("/m/huddinge/sweden/calendar/2026/special-review", data={
        "review-area__sv": "Måltider & <nutrition>", "review-area__en": 'Meals "&" more'}).status_code == 302
    assert _events(demo_app, "sweden.special-review-chosen") == [  # once: the unchanged save is no change
        ("planner@huddinge.demo", {"year": 2026, "area": {"sv": "Måltider & <nutrition>", "en": 'Meals "&" more'},
                                   "before": {}})]
    page = demo_client.get("/m/huddinge/sweden/calendar/2026").get_data(as_text=True)
    assert "Area chosen for special review in 2026: Meals &#34;&amp;&#34; more" in page
    assert "No area has been chosen for special review in 2027 yet." in demo_client.get(
        "/m/huddinge/sweden/calendar/2027").get_data(as_text=True)
    review = demo_client.get("/m/huddinge/sweden/calendar/2026/special-review").get_data(as_text=True)
    assert 'id="special-review-units"' in review and "method=special_review" in review
    too_long = demo_client.post("/m/huddinge/sweden/calendar/2026/special-review", data={"review-area__sv": "x" * 401})
    assert too_long.status_code == 400 and 'id="review-area__sv-error"' in too_long.get_data(as_text=True)
    assert _settings(demo_app, "huddinge").special_review_area["2026"]["sv"] == "Måltider & <nutrition>"
    settings_page = demo_client.get("/m/huddinge/sweden/settings").get_data(as_text=True)
    assert 'id="current-special-review-2026"' in settings_page
    demo_client.get("/logout")
    sign_in(demo_client, "viewer@huddinge.demo")
    assert demo_client.post("/m/huddinge/sweden/calendar/2026/special-review",
                            data={"review-area__sv": "Annat"}).status_code == 403
    assert 'id="special-review-form"' not in demo_client.get(
        "/m/huddinge/sweden/calendar/2026/special-review").get_data(as_text=True)


def test_the_goals_page_opens_on_its_own_year_and_moves_between_years(demo_client):
    sign_in(demo_client, "planner@eskilstuna.demo")
    page = demo_client.get("/m/eskilstuna/sweden/goals").get_data(as_text=True)
    assert "Quality goals 2017" in page  # Eskilstuna's goals are of 2016 and 2017, whatever year it is now
    assert 'href="/m/eskilstuna/sweden/goals?year=2016"' in page
    assert 'href="/m/eskilstuna/sweden/goals?year=2018"' in page
    assert "Quality goals 2016" in demo_client.get("/m/eskilstuna/sweden/goals?year=2016").get_data(as_text=True)
    sign_in(demo_client, "planner@huddinge.demo")
    assert f"Quality goals {dt.date.today().year}" in demo_client.get("/m/huddinge/sweden/goals").get_data(
        as_text=True)  # none anywhere: this year


def test_a_breach_terminates_through_its_confirmation_page(demo_app, demo_client):
    sign_in(demo_client, "planner@huddinge.demo")
    unit = _unit(demo_app, "HU-ENT")
    assert demo_client.post(f"/m/huddinge/sweden/units/{unit.id}/deficiencies/new", data={
        "found_on": "2026-03-02", "description": "Tillstånd från IVO saknas", "serious": "y",
        "recorded_by": "Kvalitetschef A"}).status_code == 302
    from core.sdk.testing import get_session
    from plugins.sweden.models import DeficiencyCase

    with demo_app.app_context():
        case = get_session().scalar(select(DeficiencyCase).where(
            DeficiencyCase.description == "Tillstånd från IVO saknas"))
        case_id, due = case.id, case.next_step_due_on
    assert due == dt.date(2026, 4, 2)  # opened: the action plan within a month
    page = demo_client.get(f"/m/huddinge/sweden/cases/{case_id}").get_data(as_text=True)
    assert f'href="/m/huddinge/sweden/cases/{case_id}/steps/terminate_for_breach"' in page
    confirm = demo_client.get(f"/m/huddinge/sweden/cases/{case_id}/steps/terminate_for_breach")
    assert confirm.status_code == 200
    data = {"terminate_for_breach-taken_on": "2026-03-05", "terminate_for_breach-decided_by": "Äldrenämnden"}
    refused = demo_client.post(f"/m/huddinge/sweden/cases/{case_id}/steps/terminate_for_breach", data=data)
    assert refused.status_code == 400 and "Say why in the note." in refused.get_data(as_text=True)
    why = "Tillståndet saknas: föreskrifterna följs inte"
    answer = demo_client.post(f"/m/huddinge/sweden/cases/{case_id}/steps/terminate_for_breach",
                              data={**data, "terminate_for_breach-note": why})
    assert answer.status_code == 302
    assert "Contract terminated" in demo_client.get(f"/m/huddinge/sweden/cases/{case_id}").get_data(as_text=True)
