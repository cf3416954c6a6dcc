"""The browser flow of a Swedish planner: a serious deficiency at a contracted unit walks the ladder."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from plugins.sweden.models import CaseStep, Deficiency, DeficiencyCase, Unit
from plugins.sweden.tests.helpers import sign_in


def _unit(app, code: str) -> Unit:
    from core.sdk.testing import get_session

    with app.app_context():
        return get_session().scalar(select(Unit).where(Unit.code == code))


def _count(app, model) -> int:
    from core.sdk.testing import get_session

    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(model))


def _step(client, case_id: int, step: str, **fields):
    data = {f"{step}-{name}": value for name, value in fields.items()}
    return client.post(f"/m/huddinge/sweden/cases/{case_id}/steps/{step}", data=data)


def test_serious_deficiency_walks_action_plan_review_and_warning(demo_app, demo_client):
    sign_in(demo_client, "planner@huddinge.demo")
    unit = _unit(demo_app, "HU-ENT")  # Björkgårdens vård- och omsorgsboende, contracted
    page = demo_client.get(f"/m/huddinge/sweden/units/{unit.id}/deficiencies/new")
    assert page.status_code == 200 and 'id="deficiency-form"' in page.get_data(as_text=True)
    answer = demo_client.post(f"/m/huddinge/sweden/units/{unit.id}/deficiencies/new", data={
        "found_on": "2026-03-02", "description": "Brister i läkemedelshanteringen", "serious": "y",
        "recorded_by": "Kvalitetschef A"})
    assert answer.status_code == 302
    case_id = int(re.search(r"/cases/(\d+)$", answer.headers["Location"]).group(1))
    html = demo_client.get(answer.headers["Location"]).get_data(as_text=True)
    assert 'id="take-request_action_plan"' in html and "Request an action plan" in html
    assert 'id="take-issue_warning"' not in html  # only the allowed step is offered

    assert _step(demo_client, case_id, "request_action_plan", taken_on="2026-03-03",
                 decided_by="Kvalitetschef A").status_code == 302
    html = demo_client.get(f"/m/huddinge/sweden/cases/{case_id}").get_data(as_text=True)
    assert "Action plan requested" in html and "Apr 3, 2026" in html  # due within one month
    assert _step(demo_client, case_id, "receive_action_plan", taken_on="2026-03-25",
                 decided_by="Utvecklingsledare B").status_code == 302
    # The review needs its outcome: refused beside the field, nothing recorded.
    steps = _count(demo_app, CaseStep)
    refused = _step(demo_client, case_id, "review_measures", taken_on="2026-06-10", decided_by="Utvecklingsledare B")
    assert refused.status_code == 400
    assert "Say whether the deficiencies were remedied." in refused.get_data(as_text=True)
    assert _count(demo_app, CaseStep) == steps
    assert _step(demo_client, case_id, "review_measures", taken_on="2026-06-10", decided_by="Utvecklingsledare B",
                 outcome="not_remedied").status_code == 302
    # A warning without a deadline, or with one before the decision, is refused; values are kept.
    refused = _step(demo_client, case_id, "issue_warning", taken_on="2026-06-15", decided_by="Äldrenämnden")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "A warning needs a deadline." in html and 'value="Äldrenämnden"' in html
    refused = _step(demo_client, case_id, "issue_warning", taken_on="2026-06-15", decided_by="Äldrenämnden",
                    deadline="2026-06-01")
    assert refused.status_code == 400 and "must be after the step" in refused.get_data(as_text=True)
    assert _count(demo_app, CaseStep) == steps + 1
    assert _step(demo_client, case_id, "issue_warning", taken_on="2026-06-15", decided_by="Äldrenämnden",
                 deadline="2026-08-31").status_code == 302

    html = demo_client.get(f"/m/huddinge/sweden/cases/{case_id}").get_data(as_text=True)
    assert "Warning issued" in html and 'id="take-review_warning"' in html
    history = re.findall(r'data-step="(\w+)"', html)
    assert history == ["open", "request_action_plan", "receive_action_plan", "review_measures", "issue_warning"]
    assert "Äldrenämnden" in html and "Aug 31, 2026" in html
    dashboard = demo_client.get("/m/huddinge/").get_data(as_text=True)
    panel = dashboard[dashboard.index('id="sweden-open-cases"'):]
    assert "Björkgårdens vård- och omsorgsboende" in panel and "Aug 31, 2026" in panel
    assert "Review after the warning" in panel
    from core.sdk.testing import get_session

    with demo_app.app_context():
        case = get_session().get(DeficiencyCase, case_id)
        assert case.state == "warning_issued" and str(case.next_step_due_on) == "2026-08-31"
        assert case.steps[-1].decided_by == "Äldrenämnden" and case.steps[-1].recorded_at is not None


def test_step_out_of_order_and_stale_step_are_refused(demo_app, demo_client):
    sign_in(demo_client, "planner@huddinge.demo")
    unit = _unit(demo_app, "HU-ENT")
    answer = demo_client.post(f"/m/huddinge/sweden/units/{unit.id}/deficiencies/new", data={
        "found_on": "2026-04-01", "description": "Bemanning", "serious": "y", "recorded_by": "A"})
    case_id = int(answer.headers["Location"].rsplit("/", 1)[1])
    refused = _step(demo_client, case_id, "request_action_plan", taken_on="2026-03-01", decided_by="A")
    assert refused.status_code == 400 and "before the case was opened" in refused.get_data(as_text=True)
    stale = _step(demo_client, case_id, "issue_warning", taken_on="2026-04-02", decided_by="A", deadline="2026-05-01")
    assert stale.status_code == 409
    assert _count(demo_app, CaseStep) == _count(demo_app, DeficiencyCase) + 1  # the demo case's request + openings


def test_viewer_reads_but_cannot_change(demo_app, demo_client):
    sign_in(demo_client, "viewer@stockholm.demo")
    from core.sdk.testing import get_session

    with demo_app.app_context():
        case_id = get_session().scalar(select(DeficiencyCase.id))
    html = demo_client.get(f"/m/stockholm/sweden/cases/{case_id}").get_data(as_text=True)
    assert "Sofia servicehus" in html and "<form method=\"post\" novalidate class=\"narrow step-form\"" not in html
    assert _count(demo_app, CaseStep) == 2
    answer = demo_client.post(f"/m/stockholm/sweden/cases/{case_id}/steps/receive_action_plan",
                              data={"receive_action_plan-taken_on": "2026-02-01",
                                    "receive_action_plan-decided_by": "X"})
    assert answer.status_code == 403 and _count(demo_app, CaseStep) == 2
    unit = _unit(demo_app, "SO-SH")
    assert demo_client.get(f"/m/stockholm/sweden/units/{unit.id}/deficiencies/new").status_code == 403
    assert demo_client.get("/m/stockholm/sweden/import").status_code == 403


def test_pages_404_for_other_tenants_and_when_the_plugin_is_disabled(demo_app, demo_client):
    sign_in(demo_client, "planner@huddinge.demo")
    stockholm_unit = _unit(demo_app, "SO-SH")
    assert demo_client.get(f"/m/huddinge/sweden/units/{stockholm_unit.id}").status_code == 404  # not Huddinge's
    assert demo_client.get(f"/m/huddinge/sweden/units/{stockholm_unit.id}/deficiencies/new").status_code == 404
    assert demo_client.get("/m/stockholm/sweden/").status_code == 404
    from core.sdk.testing import get_session, municipality_by_slug, set_plugin_enabled

    with demo_app.app_context():
        session = get_session()
        set_plugin_enabled(session, demo_app.extensions["socialplan.registry"],
                           municipality_by_slug(session, "huddinge"), "sweden", False)
        session.commit()
    for path in ("/m/huddinge/sweden/", "/m/huddinge/sweden/units", "/m/huddinge/sweden/cases",
                 "/m/huddinge/sweden/import", "/m/huddinge/sweden/lex-sarah"):
        assert demo_client.get(path).status_code == 404, path
    assert _count(demo_app, Deficiency) == 0
