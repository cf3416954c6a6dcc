"""Removing a quality goal or a unit, and terminating a contract, ask first on a page of their own.

Each works without JavaScript: a link leads to a page that says what will happen; a form posted from it
does it. A unit's removal is undone from its page; a goal's and a termination's undo are in
test_undo_goal_and_termination.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from core.sdk.testing import Provider, get_session, municipality_by_slug
from plugins.sweden.models import DeficiencyCase, FollowUp, QualityGoal, Unit
from plugins.sweden.services import goals
from plugins.sweden.services.cases import open_case, take_step
from plugins.sweden.services.followups import add_unit, record_followup, year_calendar
from plugins.sweden.tests.helpers import sign_in

UNIT_NAME = 'Vård & omsorg "Ängen" <Syd>'
PROVIDER = "Omsorg & Co <AB>"
D = dt.date


@pytest.fixture
def huddinge(demo_app):
    """A contracted unit of our own in Huddinge with one follow-up, and a case ready for termination."""
    with demo_app.app_context():
        session = get_session()
        municipality = municipality_by_slug(session, "huddinge")
        provider = Provider(municipality_id=municipality.id, name=PROVIDER)
        session.add(provider)
        session.flush()
        unit = add_unit(session, municipality.id, "HU-ÄNG", UNIT_NAME, "contracted", "residential_care",
                        "Flemingsberg", provider.id, D(2020, 1, 1))
        record_followup(session, unit, "operational", done_on=D(2025, 3, 3))
        case = open_case(session, unit, D(2025, 1, 31), "Kvalitetschef Åsa", "Upprepade brister")
        take_step(session, case, "request_action_plan", D(2025, 1, 31), "Kvalitetschef Åsa")
        take_step(session, case, "receive_action_plan", D(2025, 2, 20), "Utvecklingsledare B")
        take_step(session, case, "review_measures", D(2025, 5, 12), "Utvecklingsledare B", outcome="not_remedied")
        take_step(session, case, "issue_warning", D(2025, 5, 15), "Förvaltningschef C", deadline=D(2025, 6, 30))
        take_step(session, case, "review_warning", D(2025, 7, 1), "Utvecklingsledare B", outcome="not_remedied")
        goal = goals.create_goal(session, municipality.id, 2025, {"sv": "Nöjda & trygga <brukare>"}, 86, None)
        session.commit()
        return unit.id, case.id, goal.id


def _unit(app, unit_id: int) -> Unit:
    with app.app_context():
        unit = get_session().get(Unit, unit_id)
        get_session().expunge(unit)
        return unit


def test_removing_a_unit_asks_first_and_is_undone_from_its_page(demo_app, demo_client, huddinge):
    unit_id, _case, _goal = huddinge
    sign_in(demo_client, "planner@huddinge.demo")
    page = demo_client.get(f"/m/huddinge/sweden/units/{unit_id}").get_data(as_text=True)
    assert f'href="/m/huddinge/sweden/units/{unit_id}/remove"' in page  # a link: the unit page only asks

    confirm = demo_client.get(f"/m/huddinge/sweden/units/{unit_id}/remove")
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "Vård &amp; omsorg &#34;Ängen&#34; &lt;Syd&gt;" in html
    assert "its follow-ups (1) and deficiency cases (1) are kept" in html
    assert 'method="post"' in html and 'name="csrf_token"' in html and 'id="unit-remove-confirm"' in html
    assert _unit(demo_app, unit_id).active  # asking changed nothing

    removed = demo_client.post(f"/m/huddinge/sweden/units/{unit_id}/remove", follow_redirects=True)
    assert "was removed from the follow-up" in removed.get_data(as_text=True)
    assert not _unit(demo_app, unit_id).active
    with demo_app.app_context():
        session = get_session()
        assert session.scalar(select(FollowUp.id).where(FollowUp.unit_id == unit_id)) is not None  # kept
        assert session.get(DeficiencyCase, huddinge[1]) is not None
        calendar = year_calendar(session, municipality_by_slug(session, "huddinge").id, 2026)
        assert unit_id not in {entry.unit_id for entry in calendar}
    page = demo_client.get(f"/m/huddinge/sweden/units/{unit_id}").get_data(as_text=True)
    assert 'id="unit-removed"' in page and 'id="remove-unit"' not in page
    listed = demo_client.get("/m/huddinge/sweden/units").get_data(as_text=True)
    row = re.search(r'<tr id="unit-row-HU-ÄNG">.*?</tr>', listed, re.S).group(0)
    assert "removed from the follow-up" in row

    back = demo_client.post(f"/m/huddinge/sweden/units/{unit_id}/restore", follow_redirects=True)
    assert "is followed up again" in back.get_data(as_text=True) and _unit(demo_app, unit_id).active
    with demo_app.app_context():
        session = get_session()
        calendar = year_calendar(session, municipality_by_slug(session, "huddinge").id, 2026)
        assert unit_id in {entry.unit_id for entry in calendar}


def test_removing_a_goal_asks_first_on_its_own_page(demo_app, demo_client, huddinge):
    _unit_id, _case, goal_id = huddinge
    sign_in(demo_client, "planner@huddinge.demo")
    page = demo_client.get(f"/m/huddinge/sweden/goals/{goal_id}").get_data(as_text=True)
    assert f'href="/m/huddinge/sweden/goals/{goal_id}/delete"' in page
    confirm = demo_client.get(f"/m/huddinge/sweden/goals/{goal_id}/delete")
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "Nöjda &amp; trygga &lt;brukare&gt;" in html
    assert 'id="goal-delete-submit"' in html and 'name="csrf_token"' in html
    assert "can be restored as it was" in html and "cannot" not in html
    with demo_app.app_context():
        assert get_session().get(QualityGoal, goal_id).removed_at is None  # asking removed nothing
    assert demo_client.post(f"/m/huddinge/sweden/goals/{goal_id}/delete").status_code == 302
    with demo_app.app_context():
        assert get_session().get(QualityGoal, goal_id).removed_at is not None  # kept, to be restored


def test_terminating_a_contract_asks_first_on_its_own_page(demo_app, demo_client, huddinge):
    _unit_id, case_id, _goal = huddinge
    sign_in(demo_client, "planner@huddinge.demo")
    case_page = demo_client.get(f"/m/huddinge/sweden/cases/{case_id}").get_data(as_text=True)
    step_url = f"/m/huddinge/sweden/cases/{case_id}/steps/terminate_contract"
    assert f'href="{step_url}"' in case_page
    assert 'name="terminate_contract-decided_by"' not in case_page  # the form is on the page of its own

    confirm = demo_client.get(step_url)
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200
    assert "terminates its contract with Omsorg &amp; Co &lt;AB&gt;" in html
    assert 'name="terminate_contract-decided_by"' in html and 'id="take-terminate_contract"' in html
    # Sent without who decided: refused beside the field, on the same page, nothing recorded.
    refused = demo_client.post(step_url, data={"terminate_contract-taken_on": "2025-07-10"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and 'id="step-consequence"' in text and "Name who decided." in text
    with demo_app.app_context():
        assert get_session().get(DeficiencyCase, case_id).state == "warning_expired"
    done = demo_client.post(step_url, data={"terminate_contract-taken_on": "2025-07-10",
                                            "terminate_contract-decided_by": "Äldrenämnden"})
    assert done.status_code == 302
    with demo_app.app_context():
        assert get_session().get(DeficiencyCase, case_id).state == "terminated"
    assert demo_client.get(step_url).status_code == 404  # no longer a step of this case
    assert demo_client.get(f"/m/huddinge/sweden/cases/{case_id}/steps/close").status_code == 404  # not asked for


def test_a_viewer_is_not_asked(demo_app, demo_client, huddinge):
    unit_id, case_id, goal_id = huddinge
    sign_in(demo_client, "viewer@huddinge.demo")
    for url in (f"/units/{unit_id}/remove", f"/goals/{goal_id}/delete", f"/cases/{case_id}/steps/terminate_contract"):
        assert demo_client.get(f"/m/huddinge/sweden{url}").status_code == 403, url
    assert demo_client.post(f"/m/huddinge/sweden/units/{unit_id}/remove").status_code == 403
    assert _unit(demo_app, unit_id).active
