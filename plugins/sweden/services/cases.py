"""Deficiency cases and the sanctions ladder (seed 003, 1.5) as a state machine.

A serious or repeated deficiency opens a case. External provider: action plan requested (due
within one month, sooner when acute) -> action plan received -> measures reviewed, e.g. by a
visit, within three months -> if not remedied, a warning with a deadline -> if still not
remedied, termination of the contract; every outcome is reported to the committee. In-house
unit: action plan by the unit's manager -> new follow-up within three months (again if not
remedied) -> report to the committee. Each municipality may override the deadlines and the
transitions (``se_settings.ladder_overrides``); these are the defaults. A deadline may be set
per track as ``"<track>.<deadline>"`` (e.g. ``"in_house.review_due"``).
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugins.sweden.audit import record as audit_record  # take_step's own 'record' is the case step
from plugins.sweden.i18n import _l
from plugins.sweden.models import CaseStep, CaseTrack, DeficiencyCase, OperatingForm, SwedenSettings, Unit
from plugins.sweden.services.dates import add_period
from plugins.sweden.services.errors import SwedenValidationError

STATE_LABELS = {
    "opened": _l("Opened"),
    "action_plan_requested": _l("Action plan requested"),
    "action_plan_received": _l("Action plan received"),
    "remedied": _l("Remedied"),
    "not_remedied": _l("Not remedied"),
    "warning_issued": _l("Warning issued"),
    "warning_expired": _l("Warning deadline passed without remedy"),
    "terminated": _l("Contract terminated"),
    "reported": _l("Reported to the committee"),
    "closed": _l("Closed"),
}

STEP_LABELS = {
    "request_action_plan": _l("Request an action plan"),
    "receive_action_plan": _l("Receive the action plan"),
    "review_measures": _l("Review the measures taken"),
    "follow_up_again": _l("Follow up again"),
    "issue_warning": _l("Issue a warning"),
    "review_warning": _l("Review after the warning"),
    "terminate_contract": _l("Terminate the contract"),
    "report_to_committee": _l("Report to the committee"),
    "close": _l("Close the case"),
}

# Each step: the states it may be taken from, the state it leads to (or, for a review, one
# state per outcome), and the deadline it sets for the next step ('due': a period after the
# step's date; 'due_from_decision': the decider names the date, as a warning's deadline).
DEFAULT_LADDER: dict[str, Any] = {
    "deadlines": {
        "action_plan_due": {"months": 1},
        "acute_action_plan_due": {"days": 7},
        "review_due": {"months": 3},
        "report_due": {"months": 1},
    },
    CaseTrack.EXTERNAL: {
        "request_action_plan": {"from": ["opened"], "to": "action_plan_requested", "due": "action_plan_due"},
        "receive_action_plan": {"from": ["action_plan_requested"], "to": "action_plan_received", "due": "review_due"},
        "review_measures": {
            "from": ["action_plan_received"],
            "outcomes": {"remedied": "remedied", "not_remedied": "not_remedied"},
            "due": "report_due",
        },
        "issue_warning": {"from": ["not_remedied"], "to": "warning_issued", "due_from_decision": True},
        "review_warning": {
            "from": ["warning_issued"],
            "outcomes": {"remedied": "remedied", "not_remedied": "warning_expired"},
            "due": "report_due",
        },
        "terminate_contract": {"from": ["warning_expired"], "to": "terminated", "due": "report_due"},
        "report_to_committee": {"from": ["remedied", "terminated"], "to": "reported"},
        "close": {"from": ["reported"], "to": "closed"},
    },
    CaseTrack.IN_HOUSE: {
        "request_action_plan": {"from": ["opened"], "to": "action_plan_requested", "due": "action_plan_due"},
        "receive_action_plan": {"from": ["action_plan_requested"], "to": "action_plan_received", "due": "review_due"},
        "follow_up_again": {
            "from": ["action_plan_received"],
            "outcomes": {"remedied": "remedied", "not_remedied": "action_plan_received"},
            "due": "review_due",
        },
        "report_to_committee": {"from": ["remedied"], "to": "reported"},
        "close": {"from": ["reported"], "to": "closed"},
    },
}


def ladder_for(overrides: dict[str, Any] | None) -> dict[str, Any]:
    """The default ladder with a municipality's overrides merged in, one level deep."""
    ladder = copy.deepcopy(DEFAULT_LADDER)
    for key, value in (overrides or {}).items():
        if isinstance(value, dict) and isinstance(ladder.get(key), dict):
            ladder[key].update(value)
        else:
            ladder[key] = value
    return ladder


def municipality_ladder(session: Session, municipality_id: int) -> dict[str, Any]:
    settings = session.get(SwedenSettings, municipality_id)
    return ladder_for(settings.ladder_overrides if settings else None)


@dataclass(frozen=True)
class NextStep:
    step: str
    due_on: dt.date | None


def track_for(unit: Unit) -> str:
    return CaseTrack.EXTERNAL if OperatingForm(unit.operating_form).external else CaseTrack.IN_HOUSE


def available_steps(case: DeficiencyCase, ladder: dict[str, Any]) -> list[str]:
    return [code for code, spec in ladder[case.track].items() if case.state in spec["from"]]


def open_case(
    session: Session,
    unit: Unit,
    opened_on: dt.date,
    decided_by: str,
    description: str = "",
    acute: bool = False,
) -> DeficiencyCase:
    """Open a case and record the opening as its first step."""
    if not decided_by.strip():
        raise SwedenValidationError("decided_by", _l("Name who decided."))
    case = DeficiencyCase(
        municipality_id=unit.municipality_id,
        unit_id=unit.id,
        track=track_for(unit),
        opened_on=opened_on,
        description=description,
        acute=acute,
        state="opened",
    )
    case.unit = unit
    case.steps.append(
        CaseStep(step="open", from_state="", to_state="opened", taken_on=opened_on, decided_by=decided_by.strip())
    )
    session.add(case)
    session.flush()
    audit_record(session, unit.municipality_id, "case-opened", f"case:{case.id}", unit=f"{unit.code} {unit.name}",
                 opened_on=opened_on, decided_by=decided_by.strip(), acute=acute)
    return case


def take_step(
    session: Session,
    case: DeficiencyCase,
    step: str,
    taken_on: dt.date,
    decided_by: str,
    *,
    outcome: str | None = None,
    deadline: dt.date | None = None,
    note: str = "",
    ladder: dict[str, Any] | None = None,
) -> CaseStep:
    """Take ``step`` on ``case``: check it is allowed and its dates, record it, move the case.

    Raises :class:`SwedenValidationError` and changes nothing when the step is not open from the
    case's state, a date is out of order, a deadline falls before the step or the case's
    opening, or a review has no outcome.
    """
    ladder = ladder or municipality_ladder(session, case.municipality_id)
    spec = ladder[case.track].get(step)
    if spec is None or case.state not in spec["from"]:
        raise SwedenValidationError(
            "step", _l("The step '%(step)s' cannot be taken while the case is '%(state)s'."),
            step=str(STEP_LABELS.get(step, step)), state=str(STATE_LABELS.get(case.state, case.state)),
        )
    if not decided_by.strip():
        raise SwedenValidationError("decided_by", _l("Name who decided."))
    _check_dates(case, taken_on, deadline)
    to_state = _target(spec, outcome)
    due_on = _due(ladder, spec, case, taken_on, deadline)
    record = CaseStep(
        step=step, from_state=case.state, to_state=to_state, taken_on=taken_on,
        decided_by=decided_by.strip(), due_on=due_on, note=note,
    )
    case.steps.append(record)
    case.state = to_state
    case.next_step_due_on = due_on
    if to_state == "closed":
        case.closed_on = taken_on
    session.flush()
    audit_record(session, case.municipality_id, "case-closed" if to_state == "closed" else "case-step",
                 f"case:{case.id}", unit=f"{case.unit.code} {case.unit.name}", step=step, outcome=outcome,
                 taken_on=taken_on, decided_by=record.decided_by, state=to_state, due_on=due_on)
    return record


def _check_dates(case: DeficiencyCase, taken_on: dt.date, deadline: dt.date | None) -> None:
    if taken_on < case.opened_on:
        raise SwedenValidationError(
            "taken_on", _l("The step's date %(date)s is before the case was opened (%(opened)s)."),
            date=taken_on, opened=case.opened_on,
        )
    last = max((s.taken_on for s in case.steps), default=case.opened_on)
    if taken_on < last:
        raise SwedenValidationError(
            "taken_on", _l("The step's date %(date)s is before the previous step's date (%(previous)s)."),
            date=taken_on, previous=last,
        )
    if deadline is not None and deadline < case.opened_on:
        raise SwedenValidationError(
            "deadline", _l("The deadline %(deadline)s is before the case was opened (%(opened)s)."),
            deadline=deadline, opened=case.opened_on,
        )
    if deadline is not None and deadline <= taken_on:
        raise SwedenValidationError(
            "deadline", _l("The deadline %(deadline)s must be after the step's date (%(date)s)."),
            deadline=deadline, date=taken_on,
        )


def _target(spec: dict[str, Any], outcome: str | None) -> str:
    if "outcomes" not in spec:
        return spec["to"]
    if outcome not in spec["outcomes"]:
        raise SwedenValidationError("outcome", _l("Say whether the deficiencies were remedied."))
    return spec["outcomes"][outcome]


def _due(
    ladder: dict[str, Any], spec: dict[str, Any], case: DeficiencyCase, taken_on: dt.date, deadline: dt.date | None
) -> dt.date | None:
    if spec.get("due_from_decision"):
        if deadline is None:
            raise SwedenValidationError("deadline", _l("A warning needs a deadline."))
        return deadline
    if deadline is not None:
        return deadline  # the decider may set an earlier or later deadline than the default
    key = spec.get("due")
    if key is None:
        return None
    if key == "action_plan_due" and case.acute:
        key = "acute_action_plan_due"
    deadlines = ladder["deadlines"]
    # A track's own deadline (set on the settings page) before the one both tracks share.
    return add_period(taken_on, deadlines.get(f"{case.track}.{key}") or deadlines[key])


def next_step(case: DeficiencyCase, ladder: dict[str, Any]) -> NextStep | None:
    steps = available_steps(case, ladder)
    if not steps:
        return None
    return NextStep(steps[0], case.next_step_due_on)


def open_cases(session: Session, municipality_id: int) -> list[DeficiencyCase]:
    query = (
        select(DeficiencyCase)
        .where(DeficiencyCase.municipality_id == municipality_id, DeficiencyCase.state != "closed")
        .order_by(DeficiencyCase.next_step_due_on.is_(None), DeficiencyCase.next_step_due_on)
    )
    return list(session.scalars(query))


def is_overdue(case: DeficiencyCase, today: dt.date) -> bool:
    return case.state != "closed" and case.next_step_due_on is not None and case.next_step_due_on < today
