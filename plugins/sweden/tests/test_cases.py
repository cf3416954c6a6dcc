"""A deficiency case walks the sanctions ladder with its deadlines; bad dates are refused."""

from __future__ import annotations

import datetime as dt

import pytest

from plugins.sweden.models import CaseStep, DeficiencyCase
from plugins.sweden.services.cases import is_overdue, ladder_for, open_case, take_step
from plugins.sweden.services.errors import SwedenValidationError
from plugins.sweden.services.followups import add_unit

D = dt.date


@pytest.fixture
def contracted(session, municipality):
    return add_unit(session, municipality.id, "E1", "Björkgården", "contracted", "residential_care")


@pytest.fixture
def in_house(session, municipality):
    return add_unit(session, municipality.id, "I1", "Solgården", "in_house", "residential_care")


def test_external_case_walks_whole_ladder(session, contracted):
    case = open_case(session, contracted, D(2026, 1, 31), "Kvalitetschef A", "Upprepade brister")
    assert case.track == "external"
    take_step(session, case, "request_action_plan", D(2026, 1, 31), "Kvalitetschef A")
    assert case.state == "action_plan_requested" and case.next_step_due_on == D(2026, 2, 28)  # one month
    assert is_overdue(case, D(2026, 3, 1)) and not is_overdue(case, D(2026, 2, 28))
    take_step(session, case, "receive_action_plan", D(2026, 2, 20), "Utvecklingsledare B")
    assert case.next_step_due_on == D(2026, 5, 20)  # measures reviewed within three months
    take_step(session, case, "review_measures", D(2026, 5, 12), "Utvecklingsledare B", outcome="not_remedied")
    assert case.state == "not_remedied"
    with pytest.raises(SwedenValidationError) as error:
        take_step(session, case, "issue_warning", D(2026, 5, 15), "Förvaltningschef C")
    assert error.value.field == "deadline"
    take_step(session, case, "issue_warning", D(2026, 5, 15), "Förvaltningschef C", deadline=D(2026, 6, 30))
    assert case.state == "warning_issued" and case.next_step_due_on == D(2026, 6, 30)
    take_step(session, case, "review_warning", D(2026, 7, 1), "Utvecklingsledare B", outcome="not_remedied")
    assert case.state == "warning_expired"
    take_step(session, case, "terminate_contract", D(2026, 7, 10), "Äldrenämnden")
    assert case.state == "terminated" and case.next_step_due_on == D(2026, 8, 10)
    take_step(session, case, "report_to_committee", D(2026, 8, 4), "Kvalitetschef A")
    take_step(session, case, "close", D(2026, 8, 4), "Kvalitetschef A")
    assert case.state == "closed" and case.closed_on == D(2026, 8, 4) and not is_overdue(case, D(2030, 1, 1))
    session.commit()
    stored = session.get(DeficiencyCase, case.id)
    steps = [(s.step, s.from_state, s.to_state, s.taken_on, s.decided_by) for s in stored.steps]
    assert [s[0] for s in steps] == [
        "open", "request_action_plan", "receive_action_plan", "review_measures", "issue_warning",
        "review_warning", "terminate_contract", "report_to_committee", "close",
    ]
    assert steps[4] == ("issue_warning", "not_remedied", "warning_issued", D(2026, 5, 15), "Förvaltningschef C")
    assert all(s.recorded_at is not None for s in stored.steps)


def test_acute_case_and_municipal_deadlines(session, contracted):
    case = open_case(session, contracted, D(2026, 3, 2), "A", acute=True)
    take_step(session, case, "request_action_plan", D(2026, 3, 2), "A")
    assert case.next_step_due_on == D(2026, 3, 9)  # acute: a week by default
    ladder = ladder_for({"deadlines": {"action_plan_due": {"days": 14}}})
    other = open_case(session, contracted, D(2026, 3, 2), "A")
    take_step(session, other, "request_action_plan", D(2026, 3, 2), "A", ladder=ladder)
    assert other.next_step_due_on == D(2026, 3, 16)


def test_in_house_case_action_plan_new_followup_report(session, in_house):
    case = open_case(session, in_house, D(2026, 4, 1), "Sektionschef")
    assert case.track == "in_house"
    take_step(session, case, "request_action_plan", D(2026, 4, 1), "Sektionschef")
    take_step(session, case, "receive_action_plan", D(2026, 4, 20), "Enhetschef")
    assert case.next_step_due_on == D(2026, 7, 20)
    with pytest.raises(SwedenValidationError):
        take_step(session, case, "issue_warning", D(2026, 5, 1), "X", deadline=D(2026, 6, 1))  # not for in-house
    take_step(session, case, "follow_up_again", D(2026, 7, 10), "Utvecklingsledare", outcome="not_remedied")
    assert case.state == "action_plan_received" and case.next_step_due_on == D(2026, 10, 10)
    take_step(session, case, "follow_up_again", D(2026, 10, 1), "Utvecklingsledare", outcome="remedied")
    take_step(session, case, "report_to_committee", D(2026, 10, 20), "Sektionschef")
    assert case.state == "reported"


def test_bad_dates_are_refused_and_nothing_recorded(session, contracted):
    case = open_case(session, contracted, D(2026, 5, 10), "A")
    take_step(session, case, "request_action_plan", D(2026, 5, 12), "A")
    count = session.query(CaseStep).count()
    with pytest.raises(SwedenValidationError) as error:
        take_step(session, case, "receive_action_plan", D(2026, 5, 11), "B")  # before the previous step
    assert error.value.field == "taken_on" and "before the previous step" in error.value.message
    with pytest.raises(SwedenValidationError) as error:
        take_step(session, case, "receive_action_plan", D(2026, 5, 1), "B")  # before the case opened
    assert "before the case was opened" in error.value.message
    with pytest.raises(SwedenValidationError) as error:
        take_step(session, case, "receive_action_plan", D(2026, 5, 20), "B", deadline=D(2026, 4, 1))
    assert error.value.field == "deadline" and "before the case was opened" in error.value.message
    with pytest.raises(SwedenValidationError):
        take_step(session, case, "receive_action_plan", D(2026, 5, 20), "  ")
    assert session.query(CaseStep).count() == count and case.state == "action_plan_requested"


def test_without_the_warning_step_a_failed_review_leads_to_termination(session, contracted):
    from plugins.sweden.services.cases import available_steps
    from plugins.sweden.services.settings import ladder_overrides

    ladder = ladder_for(ladder_overrides({}, {}, warning=False))
    assert ladder_for(ladder_overrides({}, {}, warning=True)) == ladder_for({})  # the default keeps the warning
    warned = open_case(session, contracted, D(2026, 1, 31), "Kvalitetschef A", "Brister")
    case = open_case(session, contracted, D(2026, 1, 31), "Kvalitetschef A", "Föreskrifter följs inte")
    for each in (warned, case):
        take_step(session, each, "request_action_plan", D(2026, 1, 31), "Kvalitetschef A", ladder=ladder)
        take_step(session, each, "receive_action_plan", D(2026, 2, 20), "B", ladder=ladder)
        take_step(session, each, "review_measures", D(2026, 5, 12), "B", outcome="not_remedied", ladder=ladder)
    # A case warned before the municipality dropped the step goes on through the review after the warning.
    take_step(session, warned, "issue_warning", D(2026, 5, 15), "C", deadline=D(2026, 6, 30))
    assert available_steps(warned, ladder) == ["review_warning"]
    assert available_steps(case, ladder) == ["terminate_contract"]
    with pytest.raises(SwedenValidationError) as error:
        take_step(session, case, "issue_warning", D(2026, 5, 15), "C", deadline=D(2026, 6, 30), ladder=ladder)
    assert error.value.field == "step" and case.state == "not_remedied"
    take_step(session, case, "terminate_contract", D(2026, 5, 20), "Äldrenämnden", ladder=ladder)
    assert case.state == "terminated" and case.next_step_due_on == D(2026, 6, 20)
