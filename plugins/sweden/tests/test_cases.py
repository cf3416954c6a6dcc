"""A deficiency case walks the sanctions ladder of seed 003 §1.5 with its deadlines; bad dates are refused.

The ladder is a state machine: the tables below are the seed's, written out by hand, and the tests take
every event in every state (allowed or refused) and walk every path from the opening to the close.
"""

from __future__ import annotations

import datetime as dt

import pytest

from plugins.sweden.models import CaseStep, DeficiencyCase
from plugins.sweden.services.cases import (
    STATE_LABELS,
    STEP_LABELS,
    available_steps,
    is_overdue,
    ladder_for,
    open_case,
    take_step,
)
from plugins.sweden.services.errors import SwedenValidationError
from plugins.sweden.services.followups import add_unit

D = dt.date
R, N = "remedied", "not_remedied"

# (state, step, outcome) -> state after it. External provider (seed 003 1.5, "För extern verksamhet").
EXTERNAL = {
    ("opened", "request_action_plan", None): "action_plan_requested",
    ("action_plan_requested", "receive_action_plan", None): "action_plan_received",
    ("action_plan_received", "review_measures", R): "remedied",
    ("action_plan_received", "review_measures", N): "not_remedied",
    ("not_remedied", "issue_warning", None): "warning_issued",  # 4a: först lämnas varning
    ("warning_issued", "review_warning", R): "remedied",
    ("warning_issued", "review_warning", N): "warning_expired",
    ("warning_expired", "consider_termination", None): "termination_considered",  # 4a: överväga hävning
    ("warning_expired", "terminate_contract", None): "terminated",  # 4b: allvarliga och trots varning: hävs
    ("termination_considered", "terminate_contract", None): "terminated",
    ("termination_considered", "keep_contract", None): "contract_kept",
    ("remedied", "report_to_committee", None): "reported",
    ("contract_kept", "report_to_committee", None): "reported",
    ("terminated", "report_to_committee", None): "reported",
    ("reported", "close", None): "closed",
}
# Föreskrifter eller villkor inte följs: hävs kontraktet, from any step before a termination.
for state in ("opened", "action_plan_requested", "action_plan_received", "not_remedied", "warning_issued",
              "warning_expired", "termination_considered"):
    EXTERNAL[(state, "terminate_for_breach", None)] = "terminated"

# In-house unit ("För egen regi verksamhet"): action plan, new follow-up (again until remedied), report.
IN_HOUSE = {
    ("opened", "request_action_plan", None): "action_plan_requested",
    ("action_plan_requested", "receive_action_plan", None): "action_plan_received",
    ("action_plan_received", "follow_up_again", R): "remedied",
    ("action_plan_received", "follow_up_again", N): "action_plan_received",
    ("remedied", "report_to_committee", None): "reported",
    ("reported", "close", None): "closed",
}

OUTCOME_STEPS = {"review_measures", "review_warning", "follow_up_again"}
EVENTS = [*STEP_LABELS, "open"]


@pytest.fixture
def contracted(session, municipality):
    return add_unit(session, municipality.id, "E1", "Björkgården \"Norr\" & <Co>", "contracted", "residential_care")


@pytest.fixture
def in_house(session, municipality):
    return add_unit(session, municipality.id, "I1", "Solgården", "in_house", "residential_care")


def _take(session, case, step, day, outcome=None, ladder=None):
    deadline = day + dt.timedelta(days=30) if step == "issue_warning" else None
    note = "Villkoren följs inte" if step in ("terminate_for_breach", "keep_contract") else ""
    return take_step(session, case, step, day, "Kvalitetschef Åsa", outcome=outcome, deadline=deadline, note=note,
                     ladder=ladder)


@pytest.mark.parametrize("track", ["external", "in_house"])
def test_every_event_in_every_state_is_allowed_or_refused_as_the_seed_says(session, contracted, in_house, track):
    unit, table = (contracted, EXTERNAL) if track == "external" else (in_house, IN_HOUSE)
    for state in STATE_LABELS:
        for step in EVENTS:
            for outcome in ((R, N) if step in OUTCOME_STEPS else (None,)):
                case = open_case(session, unit, D(2026, 1, 10), "Kvalitetschef Åsa")
                case.state = state  # put the case in the state under test
                steps = len(case.steps)
                expected = table.get((state, step, outcome))
                if expected is None:
                    with pytest.raises(SwedenValidationError) as error:
                        _take(session, case, step, D(2026, 2, 1), outcome)
                    assert error.value.field == "step", (state, step, outcome)
                    assert case.state == state and len(case.steps) == steps
                else:
                    _take(session, case, step, D(2026, 2, 1), outcome)
                    assert case.state == expected, (state, step, outcome)
                    assert case.steps[-1].from_state == state and case.steps[-1].to_state == expected
            allowed = {s for (st, s, _o) in table if st == state}
            case = open_case(session, unit, D(2026, 1, 10), "A")
            case.state = state
            assert set(available_steps(case, ladder_for({}))) == allowed, state


def _paths(table: dict, state: str = "opened", seen: tuple = ()) -> list[list[tuple[str, str | None, str]]]:
    """Every path from ``state`` to 'closed', taking the in-house loop (not remedied again) at most once."""
    if state == "closed":
        return [[]]
    paths = []
    for (from_state, step, outcome), to_state in table.items():
        edge = (from_state, step, outcome)
        if from_state != state or edge in seen:
            continue
        paths.extend([[(step, outcome, to_state), *rest] for rest in _paths(table, to_state, (*seen, edge))])
    return paths


@pytest.mark.parametrize("track", ["external", "in_house"])
def test_every_path_from_opening_to_close(session, contracted, in_house, track):
    unit, table = (contracted, EXTERNAL) if track == "external" else (in_house, IN_HOUSE)
    paths = _paths(table)
    assert len(paths) == (12 if track == "external" else 2)  # counted by hand from the seed's ladder
    for path in paths:
        case = open_case(session, unit, D(2026, 1, 10), "Kvalitetschef Åsa")
        day = D(2026, 1, 10)
        for step, outcome, to_state in path:
            day += dt.timedelta(days=3)
            _take(session, case, step, day, outcome)
            assert case.state == to_state, path
        assert case.closed_on == day and not is_overdue(case, D(2030, 1, 1))
        assert [s.step for s in case.steps] == ["open", *(step for step, _o, _s in path)]


def test_external_case_walks_whole_ladder(session, contracted):
    case = open_case(session, contracted, D(2026, 1, 31), "Kvalitetschef A", "Upprepade brister")
    assert case.track == "external"
    # Opened: the action plan is due within a month; the case can go overdue from its opening.
    assert case.next_step_due_on == D(2026, 2, 28) and case.steps[0].due_on == D(2026, 2, 28)
    assert is_overdue(case, D(2026, 3, 1)) and not is_overdue(case, D(2026, 2, 28))
    take_step(session, case, "request_action_plan", D(2026, 1, 31), "Kvalitetschef A")
    assert case.state == "action_plan_requested" and case.next_step_due_on == D(2026, 2, 28)  # one month
    take_step(session, case, "receive_action_plan", D(2026, 2, 20), "Utvecklingsledare B")
    assert case.next_step_due_on == D(2026, 5, 20)  # measures reviewed within three months
    take_step(session, case, "review_measures", D(2026, 5, 12), "Utvecklingsledare B", outcome="not_remedied")
    assert case.state == "not_remedied"
    with pytest.raises(SwedenValidationError) as error:
        take_step(session, case, "issue_warning", D(2026, 5, 15), "Förvaltningschef C")
    assert error.value.field == "deadline"
    take_step(session, case, "issue_warning", D(2026, 5, 15), "Förvaltningschef C", deadline=D(2026, 6, 30))
    assert case.state == "warning_issued" and case.next_step_due_on == D(2026, 6, 30)
    assert is_overdue(case, D(2026, 7, 1))
    take_step(session, case, "review_warning", D(2026, 7, 1), "Utvecklingsledare B", outcome="not_remedied")
    assert case.state == "warning_expired"
    # An unremedied warning: consider termination, or terminate at once.
    assert available_steps(case, ladder_for({})) == ["consider_termination", "terminate_contract",
                                                     "terminate_for_breach"]
    take_step(session, case, "consider_termination", D(2026, 7, 3), "Förvaltningschef C")
    assert case.state == "termination_considered"
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
        "review_warning", "consider_termination", "terminate_contract", "report_to_committee", "close",
    ]
    assert steps[4] == ("issue_warning", "not_remedied", "warning_issued", D(2026, 5, 15), "Förvaltningschef C")
    assert all(s.recorded_at is not None for s in stored.steps)


def test_a_breach_of_regulations_or_terms_terminates_directly_and_says_why(session, contracted):
    case = open_case(session, contracted, D(2026, 2, 2), "Kvalitetschef A", "Tillståndet saknas")
    with pytest.raises(SwedenValidationError) as error:
        take_step(session, case, "terminate_for_breach", D(2026, 2, 3), "Äldrenämnden")
    assert error.value.field == "note" and case.state == "opened"
    take_step(session, case, "terminate_for_breach", D(2026, 2, 3), "Äldrenämnden",
              note="IVO:s tillstånd saknas (föreskrifterna följs inte)")
    assert case.state == "terminated" and case.next_step_due_on == D(2026, 3, 3)  # report to the committee
    assert case.steps[-1].note == "IVO:s tillstånd saknas (föreskrifterna följs inte)"


def test_considered_termination_may_keep_the_contract(session, contracted):
    case = open_case(session, contracted, D(2026, 1, 5), "A")
    for step, outcome in (("request_action_plan", None), ("receive_action_plan", None), ("review_measures", N),
                          ("issue_warning", None), ("review_warning", N), ("consider_termination", None)):
        _take(session, case, step, D(2026, 1, 6), outcome)
    with pytest.raises(SwedenValidationError) as error:
        take_step(session, case, "keep_contract", D(2026, 2, 1), "Äldrenämnden")  # why, in the note
    assert error.value.field == "note"
    take_step(session, case, "keep_contract", D(2026, 2, 1), "Äldrenämnden", note="Ny ledning, åtgärder påbörjade")
    assert case.state == "contract_kept" and case.next_step_due_on == D(2026, 3, 1)
    assert available_steps(case, ladder_for({})) == ["report_to_committee"]


def test_acute_case_and_municipal_deadlines(session, contracted):
    case = open_case(session, contracted, D(2026, 3, 2), "A", acute=True)
    assert case.next_step_due_on == D(2026, 3, 9)  # acute: the action plan within a week of the opening
    take_step(session, case, "request_action_plan", D(2026, 3, 2), "A")
    assert case.next_step_due_on == D(2026, 3, 9)  # acute: a week by default
    ladder = ladder_for({"deadlines": {"action_plan_due": {"days": 14}}})
    other = open_case(session, contracted, D(2026, 3, 2), "A", ladder=ladder)
    assert other.next_step_due_on == D(2026, 3, 16)
    take_step(session, other, "request_action_plan", D(2026, 3, 2), "A", ladder=ladder)
    assert other.next_step_due_on == D(2026, 3, 16)


def test_in_house_case_has_the_seeds_deadlines_only(session, in_house):
    """Egen regi: no deadline for the manager's action plan or the report; the new follow-up within three months
    of the deficiency, and again within three months of a follow-up that found it not remedied."""
    case = open_case(session, in_house, D(2026, 4, 1), "Sektionschef")
    assert case.track == "in_house" and case.next_step_due_on == D(2026, 7, 1)
    assert is_overdue(case, D(2026, 7, 2))
    take_step(session, case, "request_action_plan", D(2026, 4, 1), "Sektionschef")
    assert case.next_step_due_on == D(2026, 7, 1)
    take_step(session, case, "receive_action_plan", D(2026, 4, 20), "Enhetschef")
    assert case.next_step_due_on == D(2026, 7, 1)
    with pytest.raises(SwedenValidationError):
        take_step(session, case, "issue_warning", D(2026, 5, 1), "X", deadline=D(2026, 6, 1))  # not for in-house
    take_step(session, case, "follow_up_again", D(2026, 7, 10), "Utvecklingsledare", outcome="not_remedied")
    assert case.state == "action_plan_received" and case.next_step_due_on == D(2026, 10, 10)
    take_step(session, case, "follow_up_again", D(2026, 10, 1), "Utvecklingsledare", outcome="remedied")
    assert case.state == "remedied" and case.next_step_due_on is None  # the report has no deadline
    take_step(session, case, "report_to_committee", D(2026, 10, 20), "Sektionschef")
    assert case.state == "reported" and case.next_step_due_on is None


def test_in_house_deadlines_are_the_municipalitys_to_set(session, in_house, contracted):
    ladder = ladder_for({"deadlines": {"in_house.action_plan_due": {"months": 1},
                                       "in_house.report_due": {"days": 10}, "external.report_due": None}})
    case = open_case(session, in_house, D(2026, 4, 1), "Sektionschef", ladder=ladder)
    take_step(session, case, "request_action_plan", D(2026, 4, 2), "Sektionschef", ladder=ladder)
    assert case.next_step_due_on == D(2026, 5, 2)  # its own action-plan deadline
    take_step(session, case, "receive_action_plan", D(2026, 4, 20), "Enhetschef", ladder=ladder)
    assert case.next_step_due_on == D(2026, 7, 1)  # the new follow-up, three months from the deficiency
    take_step(session, case, "follow_up_again", D(2026, 6, 1), "U", outcome="remedied", ladder=ladder)
    assert case.next_step_due_on == D(2026, 6, 11)
    external = open_case(session, contracted, D(2026, 4, 1), "A", ladder=ladder)
    take_step(session, external, "terminate_for_breach", D(2026, 4, 2), "Nämnden", note="Villkoren", ladder=ladder)
    assert external.next_step_due_on is None  # no deadline for the report, as this municipality set


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
    assert available_steps(warned, ladder) == ["review_warning", "terminate_for_breach"]
    assert available_steps(case, ladder) == ["terminate_contract", "terminate_for_breach"]
    with pytest.raises(SwedenValidationError) as error:
        take_step(session, case, "issue_warning", D(2026, 5, 15), "C", deadline=D(2026, 6, 30), ladder=ladder)
    assert error.value.field == "step" and case.state == "not_remedied"
    take_step(session, case, "terminate_contract", D(2026, 5, 20), "Äldrenämnden", ladder=ladder)
    assert case.state == "terminated" and case.next_step_due_on == D(2026, 6, 20)
