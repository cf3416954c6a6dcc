"""Quality goals in the browser: add, edit, record results by hand, remove; attainment is computed."""

from __future__ import annotations

import re
from decimal import Decimal

from sqlalchemy import func, select

from plugins.sweden.models import GoalValue, QualityGoal
from plugins.sweden.tests.helpers import sign_in


def _count(app, model) -> int:
    from core.sdk.testing import get_session

    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(model))


def _goal(app, goal_id: int) -> QualityGoal:
    from core.sdk.testing import get_session

    with app.app_context():
        goal = get_session().get(QualityGoal, goal_id)
        return goal and (goal.title, goal.target, goal.indicators[0].kolada_kpi,
                         [(v.year, v.value, v.national_value) for v in goal.indicators[0].values])


def test_add_edit_record_and_remove_a_goal(demo_app, demo_client):
    sign_in(demo_client, "planner@eskilstuna.demo")
    page = demo_client.get("/m/eskilstuna/sweden/goals?year=2017")
    assert page.status_code == 200 and "78.33%" in page.get_data(as_text=True)  # seed 002's result
    answer = demo_client.post("/m/eskilstuna/sweden/goals?year=2018", data={
        "year": "2018", "title__sv": "90 % nöjda med maten", "title__en": "", "title__ro": "", "target": "90",
        "kolada_kpi": "u23471"})
    assert answer.status_code == 302
    goal_id = int(re.search(r"/goals/(\d+)$", answer.headers["Location"]).group(1))
    assert _goal(demo_app, goal_id) == ({"sv": "90 % nöjda med maten"}, Decimal("90.00"), "U23471", [])
    # Edit: title in another language, target with a decimal point (the planner's pages are English).
    assert demo_client.post(f"/m/eskilstuna/sweden/goals/{goal_id}", data={
        "title__sv": "90 % nöjda med maten", "title__en": "90 % satisfied with the food", "target": "87.5",
        "kolada_kpi": ""}).status_code == 302
    title, target, kpi, _ = _goal(demo_app, goal_id)
    assert title["en"] == "90 % satisfied with the food" and target == Decimal("87.50") and kpi is None
    with demo_app.app_context():
        from core.sdk.testing import get_session
        indicator_id = get_session().get(QualityGoal, goal_id).indicators[0].id
    assert demo_client.post(f"/m/eskilstuna/sweden/goals/{goal_id}/values", data={
        "result-indicator_id": str(indicator_id), "result-year": "2018", "result-value": "88.4",
        "result-national_value": "85"}).status_code == 302
    assert _goal(demo_app, goal_id)[3] == [(2018, Decimal("88.40"), Decimal("85.00"))]
    html = demo_client.get("/m/eskilstuna/sweden/goals?year=2018").get_data(as_text=True)
    row = re.search(rf'<tr id="goal-{goal_id}-indicator-{indicator_id}">.*?</tr>', html, re.S).group(0)
    assert "88.4%" in row and "85%" in row and "Yes" in row  # 88.4 >= 87.5: attained
    assert demo_client.post(f"/m/eskilstuna/sweden/goals/{goal_id}/delete").status_code == 302
    html = demo_client.get("/m/eskilstuna/sweden/goals?year=2018").get_data(as_text=True)
    assert f'id="goal-{goal_id}-indicator-{indicator_id}"' not in html  # gone from the table
    assert f'id="restore-goal-{goal_id}"' in html  # kept, to be restored (test_undo_goal_and_termination)


def test_bad_goal_input_is_refused_beside_the_field(demo_app, demo_client):
    sign_in(demo_client, "planner@eskilstuna.demo")
    goals, values = _count(demo_app, QualityGoal), _count(demo_app, GoalValue)
    for data, field, message in [
        ({"target": "120", "title__sv": "Mål"}, "target", "A percentage must be between 0 and 100"),
        ({"kind": "count", "title__sv": "Mål"}, "target", "Give the count to reach."),
        ({"kind": "yes_no", "target": "3", "title__sv": "Mål"}, "target", "has no numeric target"),
        ({"target": "abc", "title__sv": "Mål"}, "target", "cannot be read as a number: write it like 1,486.50"),
        ({"target": "80"}, "title__en", "Give the goal a title in at least one language."),
        ({"target": "80", "title__sv": "Mål", "kolada_kpi": "X1"}, "kolada_kpi", "A Kolada KPI is a letter"),
    ]:
        answer = demo_client.post("/m/eskilstuna/sweden/goals", data={"year": "2018", **data})
        assert answer.status_code == 400, data
        html = answer.get_data(as_text=True)
        error = re.search(rf'id="{field}-error">(.*?)</p>', html, re.S)
        assert error and message in error.group(1), data
        if "title__sv" in data:
            assert 'value="Mål"' in html  # kept
    html = demo_client.get("/m/eskilstuna/sweden/goals?year=2017").get_data(as_text=True)
    goal_id = int(re.search(r"/goals/(\d+)\"", html).group(1))
    for data, field, message in [
        ({"result-value": "101"}, "result-value", "A percentage must be between 0 and 100"),
        ({"result-value": "-3"}, "result-value", "A result is a number from 0 to 99,999"),
        ({}, "result-value", "Give the result, the national figure, whether it was attained or the result in words."),
    ]:
        with demo_app.app_context():
            from core.sdk.testing import get_session
            indicator_id = get_session().get(QualityGoal, goal_id).indicators[0].id
        answer = demo_client.post(f"/m/eskilstuna/sweden/goals/{goal_id}/values", data={
            "result-indicator_id": str(indicator_id), "result-year": "2017", **data})
        assert answer.status_code == 400, data
        error = re.search(rf'id="{field}-error">(.*?)</p>', answer.get_data(as_text=True), re.S)
        assert error and message in error.group(1), data
    assert (_count(demo_app, QualityGoal), _count(demo_app, GoalValue)) == (goals, values)


def test_goal_roles(demo_app, demo_client):
    sign_in(demo_client, "viewer@eskilstuna.demo")
    html = demo_client.get("/m/eskilstuna/sweden/goals?year=2017").get_data(as_text=True)
    assert 'id="goals"' in html and 'id="goal-form"' not in html
    goal_id = int(re.search(r"/goals/(\d+)\"", html).group(1))
    assert demo_client.post("/m/eskilstuna/sweden/goals", data={"year": "2018", "target": "5",
                                                                "title__sv": "x"}).status_code == 403
    assert demo_client.post(f"/m/eskilstuna/sweden/goals/{goal_id}/delete").status_code == 403
    parts = _indicators(demo_app, goal_id)
    indicator = {"indicator-scope__sv": "Dagverksamhet"}
    assert demo_client.post(f"/m/eskilstuna/sweden/goals/{goal_id}/indicators", data=indicator).status_code == 403
    sign_in(demo_client, "planner@huddinge.demo")
    assert demo_client.get(f"/m/huddinge/sweden/goals/{goal_id}").status_code == 404
    assert demo_client.post(f"/m/huddinge/sweden/goals/{goal_id}/delete").status_code == 404
    assert demo_client.post(f"/m/huddinge/sweden/goals/{goal_id}/indicators", data=indicator).status_code == 404
    assert _indicators(demo_app, goal_id) == parts
    assert _goal(demo_app, goal_id) is not None


def _indicators(app, goal_id: int) -> list[tuple[dict, str | None]]:
    from core.sdk.testing import get_session

    with app.app_context():
        return [(i.scope, i.kolada_kpi) for i in get_session().get(QualityGoal, goal_id).indicators]


def test_a_part_of_a_goal_is_measured_on_its_own(demo_app, demo_client):
    sign_in(demo_client, "planner@eskilstuna.demo")
    answer = demo_client.post("/m/eskilstuna/sweden/goals?year=2018", data={
        "year": "2018", "title__sv": "86 % nöjda", "title__en": "", "title__ro": "", "target": "86"})
    goal_id = int(re.search(r"/goals/(\d+)$", answer.headers["Location"]).group(1))
    url = f"/m/eskilstuna/sweden/goals/{goal_id}/indicators"
    assert 'id="indicator-form"' in demo_client.get(f"/m/eskilstuna/sweden/goals/{goal_id}").get_data(as_text=True)
    before = _indicators(demo_app, goal_id)
    for data, field, message in (
        ({"indicator-scope__sv": " "}, "indicator-scope__en", "Name what is measured in at least one language."),
        ({"indicator-scope__sv": "Hemtjänst", "indicator-kolada_kpi": "21468"}, "indicator-kolada_kpi",
         "A Kolada KPI is a letter and five digits"),
    ):
        refused = demo_client.post(url, data=data)
        html = refused.get_data(as_text=True)
        error = re.search(rf'id="{field}-error">(.*?)</p>', html, re.S)
        assert refused.status_code == 400 and error and message in error.group(1), data
        assert _indicators(demo_app, goal_id) == before
    assert demo_client.post(url, data={"indicator-scope__sv": "Hemtjänst", "indicator-scope__en": "Home care",
                                       "indicator-kolada_kpi": "u21468"}).status_code == 302
    assert _indicators(demo_app, goal_id) == [*before, ({"sv": "Hemtjänst", "en": "Home care"}, "U21468")]
    refused = demo_client.post(url, data={"indicator-scope__sv": "Hemtjänst"})
    assert refused.status_code == 400 and "The goal already measures" in refused.get_data(as_text=True)
    assert len(_indicators(demo_app, goal_id)) == len(before) + 1
    with demo_app.app_context():
        from core.sdk.testing import get_session
        part = get_session().get(QualityGoal, goal_id).indicators[-1].id
    assert demo_client.post(f"/m/eskilstuna/sweden/goals/{goal_id}/values", data={
        "result-indicator_id": str(part), "result-year": "2018", "result-value": "84",
        "result-national_value": "88"}).status_code == 302
    html = demo_client.get("/m/eskilstuna/sweden/goals?year=2018").get_data(as_text=True)
    row = re.search(rf'<tr id="goal-{goal_id}-indicator-{part}">.*?</tr>', html, re.S).group(0)
    assert "Home care" in row and "84%" in row and "88%" in row and "No" in row  # 84 < 86: not attained
