"""A goal's removal and a contract's termination are undone (issue 9, part 3).

A removed quality goal is kept, out of every page, report and document, and the goals page restores it as it
was; a termination is withdrawn from the case's page, and the case is back where it was, in the calendar too.
Both are asked on a page of their own (no JavaScript), posted with CSRF, refused kindly when stale, and recorded.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from core.sdk.plans import find_plan
from core.sdk.testing import (
    AuditEvent,
    Provider,
    User,
    get_session,
    issue_api_token,
    municipality_by_slug,
    pdf_text,
)
from plugins.sweden.models import DeficiencyCase, GoalValue, KoladaFigure, QualityGoal
from plugins.sweden.services import goals
from plugins.sweden.services.cases import open_case, take_step
from plugins.sweden.services.followups import add_unit, year_calendar
from plugins.sweden.tests.helpers import sign_in

TITLE = {"sv": 'Trygga "brukare" & <anhöriga> i hemtjänsten', "en": 'Safe "users" & <relatives> at home'}
TITLE_HTML = "Trygga &#34;brukare&#34; &amp; &lt;anhöriga&gt; i hemtjänsten"
D = dt.date


def _flat(text: str) -> str:
    """PDF text with hyphenation at line ends undone and whitespace made single spaces."""
    return " ".join(re.sub(r"-\n(?=[a-zåäö])", "", text).split())


@pytest.fixture
def goal_id(demo_app) -> int:
    """Eskilstuna's 2017 goal of our own: a part with a Kolada KPI, a result in figures and words, Kolada's
    figure for women."""
    with demo_app.app_context():
        session = get_session()
        town = municipality_by_slug(session, "eskilstuna")
        goal = goals.create_goal(session, town.id, 2017, TITLE, "80", None)
        part = goals.create_indicator(session, goal, {"sv": "Hemtjänst & <natt>"}, "U21999")
        goals.record_value(session, goal.indicators[0], 2017, "82.5", "79", comment={"sv": "Bättre än 2016"})
        session.add(KoladaFigure(municipality_id=town.id, indicator_id=part.id, year=2017, national=False,
                                 gender="K", value=Decimal("77.00")))
        session.commit()
        return goal.id


def _goal_facts(app, goal_id: int) -> tuple[Any, ...]:
    """Every field of the goal, its parts, their results and Kolada figures, as the database keeps them."""
    with app.app_context():
        session = get_session()
        goal = session.get(QualityGoal, goal_id)
        figures = session.scalars(select(KoladaFigure).where(
            KoladaFigure.indicator_id.in_([i.id for i in goal.indicators]))).all()
        return (goal.year, goal.position, goal.title, goal.kind, goal.target,
                [(i.position, i.scope, i.kolada_kpi,
                  [(v.year, v.value, v.national_value, v.source, v.outcome, v.comment) for v in i.values])
                 for i in goal.indicators],
                sorted((f.indicator_id, f.year, f.national, f.gender, f.value) for f in figures))


def _removed_at(app, goal_id: int) -> dt.datetime | None:
    with app.app_context():
        return get_session().get(QualityGoal, goal_id).removed_at


def _planner_token(app, email: str) -> str:
    with app.app_context():
        session = get_session()
        token = issue_api_token(session, session.scalar(select(User).where(User.email == email)))
        session.commit()
        return token


def _api_goals(client, token: str) -> list[dict[str, Any]]:
    answer = client.get("/api/v1/municipalities/eskilstuna/plans/2017/quality-report",
                        headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    return answer.get_json()["extensions"]["sweden"]["quality_goals"]


def _pdf(app, client) -> str:
    with app.app_context():
        session = get_session()
        plan = find_plan(session, municipality_by_slug(session, "eskilstuna"), 2017, "quality-report")
    answer = client.get(f"/m/eskilstuna/plans/{plan.id}/reports/quality-report/sv.pdf")
    assert answer.status_code == 200
    return _flat(pdf_text(answer.data, plain_spaces=True))


def _goals_table(html: str) -> str:
    return re.search(r'<table class="table" id="goals">.*?</table>', html, re.S).group(0)


def _events(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        return list(get_session().scalars(select(AuditEvent).where(AuditEvent.action == f"sweden.{action}")))


def test_a_removed_goal_leaves_every_view_and_is_restored_as_it_was(demo_app, demo_client, goal_id):
    sign_in(demo_client, "planner@eskilstuna.demo", "sv")
    token = _planner_token(demo_app, "planner@eskilstuna.demo")
    before = _goal_facts(demo_app, goal_id)
    in_api = [g for g in _api_goals(demo_client, token) if g["title"] == TITLE]
    assert len(in_api) == 1
    page = demo_client.get("/m/eskilstuna/sweden/goals?year=2017").get_data(as_text=True)
    assert TITLE_HTML in _goals_table(page) and 'id="removed-goals"' not in page and "U21999" in page
    shown = _pdf(demo_app, demo_client)
    assert 'Trygga "brukare" & <anhöriga>' in shown and "Hemtjänst & <natt>" in shown  # Kolada's women and men

    confirm = demo_client.get(f"/m/eskilstuna/sweden/goals/{goal_id}/delete").get_data(as_text=True)
    assert TITLE_HTML in confirm and 'name="csrf_token"' in confirm
    assert "kan återställas som det var" in confirm and "ångra" not in confirm.casefold()  # no 'cannot be undone'
    removed = demo_client.post(f"/m/eskilstuna/sweden/goals/{goal_id}/delete", follow_redirects=True)
    page = removed.get_data(as_text=True)
    assert removed.status_code == 200 and "Kvalitetsmålet togs bort" in page
    assert TITLE_HTML not in _goals_table(page)  # gone from the goals...
    assert "U21999" not in page  # ...and from Kolada's figures for women and men
    listed = re.search(rf'<tr id="removed-goal-{goal_id}">.*?</tr>', page, re.S).group(0)
    assert TITLE_HTML in listed and "planner@eskilstuna.demo" in listed and 'name="csrf_token"' in listed
    assert _removed_at(demo_app, goal_id) is not None
    assert [g for g in _api_goals(demo_client, token) if g["title"] == TITLE] == []  # the API's plan document
    shown = _pdf(demo_app, demo_client)
    assert "Trygga" not in shown and "<natt>" not in shown  # the quality report
    assert demo_client.get(f"/m/eskilstuna/sweden/goals/{goal_id}").status_code == 302  # an old link: told so
    # A second tab: editing, recording or removing the removed goal changes nothing and says why.
    for url, data in ((f"/goals/{goal_id}", {"title__sv": "Ändrat", "target": "70"}),
                      (f"/goals/{goal_id}/values", {}), (f"/goals/{goal_id}/delete", {})):
        answer = demo_client.post(f"/m/eskilstuna/sweden{url}", data=data, follow_redirects=True)
        assert answer.status_code == 200 and "togs bort efter att du öppnade sidan" in answer.get_data(as_text=True)
    assert _goal_facts(demo_app, goal_id) == before

    restored = demo_client.post(f"/m/eskilstuna/sweden/goals/{goal_id}/restore")
    assert restored.status_code == 302 and restored.headers["Location"].endswith(f"/goals/{goal_id}")
    assert _removed_at(demo_app, goal_id) is None
    assert _goal_facts(demo_app, goal_id) == before  # every field, part, result and figure as it was
    assert [g for g in _api_goals(demo_client, token) if g["title"] == TITLE] == in_api
    page = demo_client.get("/m/eskilstuna/sweden/goals?year=2017").get_data(as_text=True)
    assert TITLE_HTML in _goals_table(page) and 'id="removed-goals"' not in page and "U21999" in page
    shown = _pdf(demo_app, demo_client)
    assert 'Trygga "brukare" & <anhöriga>' in shown and "Hemtjänst & <natt>" in shown

    # Restoring again (a second tab) is refused with a sentence, not an error.
    again = demo_client.post(f"/m/eskilstuna/sweden/goals/{goal_id}/restore", follow_redirects=True)
    assert again.status_code == 200 and "inte borttaget" in again.get_data(as_text=True)
    assert [e.subject for e in _events(demo_app, "goal-removed")] == [f"goal:{goal_id}"]
    restores = _events(demo_app, "goal-restored")
    assert [e.subject for e in restores] == [f"goal:{goal_id}"] and restores[0].detail["goal"] == TITLE
    with demo_app.app_context():
        assert get_session().get(User, restores[0].user_id).email == "planner@eskilstuna.demo"


def test_only_the_municipalitys_planners_restore_a_goal(demo_app, demo_client, goal_id):
    sign_in(demo_client, "planner@eskilstuna.demo")
    demo_client.post(f"/m/eskilstuna/sweden/goals/{goal_id}/delete")
    assert _removed_at(demo_app, goal_id) is not None

    sign_in(demo_client, "viewer@eskilstuna.demo")
    page = demo_client.get("/m/eskilstuna/sweden/goals?year=2017").get_data(as_text=True)
    assert 'id="removed-goals"' not in page and f"/goals/{goal_id}/restore" not in page
    assert demo_client.post(f"/m/eskilstuna/sweden/goals/{goal_id}/restore").status_code == 403
    sign_in(demo_client, "planner@huddinge.demo")
    assert demo_client.post(f"/m/huddinge/sweden/goals/{goal_id}/restore").status_code == 404
    assert demo_client.post(f"/m/eskilstuna/sweden/goals/{goal_id}/restore").status_code in (403, 404)
    assert _removed_at(demo_app, goal_id) is not None  # still removed
    assert _events(demo_app, "goal-restored") == []


def test_a_removed_goal_stays_restorable_across_an_import_of_the_year(demo_app, demo_client, goal_id):
    """Import replaces the year's goals with the document's, which holds no removed goal: that one is kept."""
    from core.sdk.plans import document_of, import_plan

    sign_in(demo_client, "planner@eskilstuna.demo")
    demo_client.post(f"/m/eskilstuna/sweden/goals/{goal_id}/delete")
    with demo_app.app_context():
        session = get_session()
        registry = demo_app.extensions["socialplan.registry"]
        plan = find_plan(session, municipality_by_slug(session, "eskilstuna"), 2017, "quality-report")
        document = document_of(session, registry, plan)
        import_plan(session, registry, document, None)
        session.commit()
    assert _removed_at(demo_app, goal_id) is not None
    assert demo_client.post(f"/m/eskilstuna/sweden/goals/{goal_id}/restore").status_code == 302
    with demo_app.app_context():
        assert get_session().scalar(select(GoalValue.value).join(GoalValue.indicator).where(
            GoalValue.year == 2017, GoalValue.indicator.has(goal_id=goal_id))) == Decimal("82.50")


# --- a contract's termination -------------------------------------------------------------------------


@pytest.fixture
def case_id(demo_app) -> int:
    """A contracted unit of Huddinge whose warning expired: its contract is ready to be terminated."""
    with demo_app.app_context():
        session = get_session()
        town = municipality_by_slug(session, "huddinge")
        provider = Provider(municipality_id=town.id, name="Omsorg & Co <AB>")
        session.add(provider)
        session.flush()
        unit = add_unit(session, town.id, "HU-LIND", 'Lindgården "Syd"', "contracted", "residential_care",
                        "Flemingsberg", provider.id, D(2020, 1, 1))
        case = open_case(session, unit, D(2025, 1, 31), "Kvalitetschef Åsa", "Upprepade brister")
        take_step(session, case, "request_action_plan", D(2025, 1, 31), "Kvalitetschef Åsa")
        take_step(session, case, "receive_action_plan", D(2025, 2, 20), "Utvecklingsledare B")
        take_step(session, case, "review_measures", D(2025, 5, 12), "Utvecklingsledare B", outcome="not_remedied")
        take_step(session, case, "issue_warning", D(2025, 5, 15), "Förvaltningschef C", deadline=D(2025, 6, 30))
        take_step(session, case, "review_warning", D(2025, 7, 1), "Utvecklingsledare B", outcome="not_remedied")
        session.commit()
        return case.id


def _case(app, case_id: int) -> tuple[str, dt.date | None, list[tuple[str, bool]]]:
    with app.app_context():
        case = get_session().get(DeficiencyCase, case_id)
        return case.state, case.next_step_due_on, [(s.step, s.withdrawn_at is not None) for s in case.steps]


def _calendar_due(app, case_id: int) -> list[dt.date]:
    with app.app_context():
        session = get_session()
        entries = year_calendar(session, municipality_by_slug(session, "huddinge").id, 2025)
        return [e.due_on for e in entries if e.case_id == case_id]


def _terminate(client, case_id: int, on: str = "2025-07-10") -> None:
    answer = client.post(f"/m/huddinge/sweden/cases/{case_id}/steps/terminate_contract",
                         data={"terminate_contract-taken_on": on, "terminate_contract-decided_by": "Äldrenämnden"})
    assert answer.status_code == 302


def test_a_termination_is_withdrawn_and_the_case_is_back_where_it_was(demo_app, demo_client, case_id):
    sign_in(demo_client, "planner@huddinge.demo", "sv")
    state, due, _steps = _case(demo_app, case_id)
    assert (state, due) == ("warning_expired", D(2025, 8, 1))  # the report is due a month after the review
    assert f'href="/m/huddinge/sweden/cases/{case_id}/withdraw-termination"' not in \
        demo_client.get(f"/m/huddinge/sweden/cases/{case_id}").get_data(as_text=True)
    assert demo_client.get(f"/m/huddinge/sweden/cases/{case_id}/withdraw-termination").status_code == 404
    confirm = demo_client.get(f"/m/huddinge/sweden/cases/{case_id}/steps/terminate_contract").get_data(as_text=True)
    assert "kan hävningen återkallas" in confirm  # no longer 'cannot be taken back'
    _terminate(demo_client, case_id)
    assert _case(demo_app, case_id)[:2] == ("terminated", D(2025, 8, 10)) and _calendar_due(demo_app, case_id) == [
        D(2025, 8, 10)]

    page = demo_client.get(f"/m/huddinge/sweden/cases/{case_id}").get_data(as_text=True)
    link = f'href="/m/huddinge/sweden/cases/{case_id}/withdraw-termination"'
    row = re.search(r'<tr class="case-step" data-step="terminate_contract".*?</tr>', page, re.S).group(0)
    assert link in row  # the case's history leads to the undo of its termination
    confirm = demo_client.get(f"/m/huddinge/sweden/cases/{case_id}/withdraw-termination")
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and 'name="csrf_token"' in html and 'method="post"' in html
    assert "Omsorg &amp; Co &lt;AB&gt;" in html and "Äldrenämnden" in html and "1 aug. 2025" in html
    assert _case(demo_app, case_id)[0] == "terminated"  # asking changed nothing

    done = demo_client.post(f"/m/huddinge/sweden/cases/{case_id}/withdraw-termination", follow_redirects=True)
    assert done.status_code == 200 and "Hävningen återkallades" in done.get_data(as_text=True)
    state, due, steps = _case(demo_app, case_id)
    assert (state, due) == ("warning_expired", D(2025, 8, 1))  # the state and deadline recorded before
    assert steps[-1] == ("terminate_contract", True)  # kept among the steps, marked withdrawn
    assert _calendar_due(demo_app, case_id) == [D(2025, 8, 1)]  # the calendar shows the case's deadline again
    calendar = demo_client.get("/m/huddinge/sweden/calendar/2025").get_data(as_text=True)
    assert f'href="/m/huddinge/sweden/cases/{case_id}"' in calendar
    page = demo_client.get(f"/m/huddinge/sweden/cases/{case_id}").get_data(as_text=True)
    assert link not in page and 'class="step-withdrawn"' in page and "planner@huddinge.demo" in page
    assert f'href="/m/huddinge/sweden/cases/{case_id}/steps/terminate_contract"' in page  # may be taken again
    (event,) = _events(demo_app, "case-termination-withdrawn")
    assert event.subject == f"case:{case_id}" and event.detail["state"] == "warning_expired"
    assert event.detail["due_on"] == "2025-08-01" and event.detail["decided_by"] == "Äldrenämnden"

    # The plan document holds the steps in force: no termination.
    with demo_app.app_context():
        from core.sdk.plans import document_of

        session = get_session()
        plan = find_plan(session, municipality_by_slug(session, "huddinge"), 2026, "followup-plan")
        block = document_of(session, demo_app.extensions["socialplan.registry"], plan)["extensions"]["sweden"]
    (case,) = [c for c in block["deficiency_cases"] if c["unit"] == "HU-LIND"]
    assert case["state"] == "warning_expired" and "terminate_contract" not in [s["step"] for s in case["steps"]]

    # Withdrawing again (a second tab) is refused with a sentence.
    again = demo_client.post(f"/m/huddinge/sweden/cases/{case_id}/withdraw-termination", follow_redirects=True)
    assert again.status_code == 200 and "Det finns ingen hävning att återkalla" in again.get_data(as_text=True)
    assert _case(demo_app, case_id)[:2] == ("warning_expired", D(2025, 8, 1))


def test_a_termination_reported_on_is_no_longer_withdrawn(demo_app, demo_client, case_id):
    sign_in(demo_client, "planner@huddinge.demo")
    _terminate(demo_client, case_id)
    confirm = demo_client.get(f"/m/huddinge/sweden/cases/{case_id}/withdraw-termination")
    assert confirm.status_code == 200  # opened in one tab...
    assert demo_client.post(f"/m/huddinge/sweden/cases/{case_id}/steps/report_to_committee", data={
        "report_to_committee-taken_on": "2025-07-20",
        "report_to_committee-decided_by": "Äldrenämnden"}).status_code == 302  # ...the next step taken in another
    answer = demo_client.post(f"/m/huddinge/sweden/cases/{case_id}/withdraw-termination", follow_redirects=True)
    assert answer.status_code == 200 and "There is no termination to withdraw" in answer.get_data(as_text=True)
    assert _case(demo_app, case_id)[0] == "reported"
    assert _events(demo_app, "case-termination-withdrawn") == []


def test_only_the_municipalitys_planners_withdraw_a_termination(demo_app, demo_client, case_id):
    sign_in(demo_client, "planner@huddinge.demo")
    _terminate(demo_client, case_id)
    sign_in(demo_client, "viewer@huddinge.demo")
    assert f"/cases/{case_id}/withdraw-termination" not in \
        demo_client.get(f"/m/huddinge/sweden/cases/{case_id}").get_data(as_text=True)
    for method in (demo_client.get, demo_client.post):
        assert method(f"/m/huddinge/sweden/cases/{case_id}/withdraw-termination").status_code == 403
    sign_in(demo_client, "planner@stockholm.demo")
    assert demo_client.post(f"/m/stockholm/sweden/cases/{case_id}/withdraw-termination").status_code == 404
    assert _case(demo_app, case_id)[0] == "terminated"
