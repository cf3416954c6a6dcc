"""Deficiency cases and the sanctions ladder (seed 003, 1.5) as a state machine.

A serious or repeated deficiency opens a case.

External provider: the action plan is requested and due within one month (sooner when acute:
the case's first deadline runs from its opening) -> action plan received -> measures reviewed,
e.g. by a visit, within three months -> if not remedied, a warning with a deadline -> if the
warning's deficiencies are still not remedied, the administration considers terminating the
contract (and then terminates it or keeps it), or terminates it at once when the deficiencies
are serious ("hävs avtalet"). When national or local regulations or the contract's terms are not
followed, the contract is terminated directly from any step before ("hävs kontraktet"). Every
outcome is reported to the committee. A termination can be withdrawn until the next step is taken
(:func:`withdraw_termination`): the case goes back to where it was.

In-house unit: the unit's manager makes the action plan (the seed gives no deadline for it) ->
a new follow-up, a visit, within three months of the deficiency (again if not remedied, within
three months of that follow-up) -> report to the committee (no deadline either). Where the seed
gives no deadline the in-house track has none by default.

Each municipality may override the deadlines, per track, and the transitions
(``se_settings.ladder_overrides``); these are the defaults. A deadline is set per track as
``"<track>.<deadline>"`` (e.g. ``"in_house.review_due"``); its value is a period or ``None``: no
deadline. A step's ``due`` names the deadline it sets, counted from the step's date, or a list of
``[deadline, "step" | "opened"]`` alternatives: the first that has a period is used, counted from
the step's date or from the case's opening.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.sdk.models import utcnow
from plugins.sweden.audit import actor_name
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
    "termination_considered": _l("Termination of the contract under consideration"),
    "contract_kept": _l("Contract kept after consideration"),
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
    "consider_termination": _l("Consider terminating the contract"),
    "keep_contract": _l("Keep the contract"),
    "terminate_contract": _l("Terminate the contract"),
    "terminate_for_breach": _l("Terminate the contract: regulations or contract terms not followed"),
    "report_to_committee": _l("Report to the committee"),
    "close": _l("Close the case"),
}

# The external track's states from which a breach of regulations or contract terms ends the contract.
BEFORE_TERMINATION = ["opened", "action_plan_requested", "action_plan_received", "not_remedied", "warning_issued",
                      "warning_expired", "termination_considered"]

# Each step: the states it may be taken from, the state it leads to (or, for a review, one
# state per outcome), and the deadline it sets for the next step ('due': see the module's doc;
# 'due_from_decision': the decider names the date, as a warning's deadline; 'note_required': the
# step says why in its note). 'open' is the case's opening, taken by open_case only.
DEFAULT_LADDER: dict[str, Any] = {
    "deadlines": {
        "action_plan_due": {"months": 1},
        "acute_action_plan_due": {"days": 7},
        "review_due": {"months": 3},
        "report_due": {"months": 1},
        # Egen regi: the seed gives the new follow-up's three months only.
        "in_house.action_plan_due": None,
        "in_house.acute_action_plan_due": None,
        "in_house.report_due": None,
    },
    CaseTrack.EXTERNAL: {
        "open": {"from": [], "to": "opened", "due": [["action_plan_due", "opened"]]},
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
        "consider_termination": {"from": ["warning_expired"], "to": "termination_considered"},
        "keep_contract": {"from": ["termination_considered"], "to": "contract_kept", "due": "report_due",
                          "note_required": True},
        "terminate_contract": {"from": ["warning_expired", "termination_considered"], "to": "terminated",
                               "due": "report_due"},
        "terminate_for_breach": {"from": BEFORE_TERMINATION, "to": "terminated", "due": "report_due",
                                 "note_required": True},
        "report_to_committee": {"from": ["remedied", "contract_kept", "terminated"], "to": "reported"},
        "close": {"from": ["reported"], "to": "closed"},
    },
    CaseTrack.IN_HOUSE: {
        "open": {"from": [], "to": "opened", "due": [["review_due", "opened"]]},
        "request_action_plan": {"from": ["opened"], "to": "action_plan_requested",
                                "due": [["action_plan_due", "step"], ["review_due", "opened"]]},
        "receive_action_plan": {"from": ["action_plan_requested"], "to": "action_plan_received",
                                "due": [["review_due", "opened"]]},
        "follow_up_again": {
            "from": ["action_plan_received"],
            "outcomes": {"remedied": "remedied", "not_remedied": "action_plan_received"},
            "due": {"remedied": "report_due", "not_remedied": "review_due"},
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


def deadline_period(deadlines: dict[str, Any], track: str, key: str) -> dict[str, Any] | None:
    """A track's period for ``key`` ({"months": 1}), or None for no deadline: the track's own entry
    before the one both tracks share."""
    for name in (f"{track}.{key}", key):
        if name in deadlines:
            return deadlines[name] or None
    return None


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
    ladder: dict[str, Any] | None = None,
) -> DeficiencyCase:
    """Open a case and record the opening as its first step, with the case's first deadline (external:
    the action plan's, from the opening; in-house: the new follow-up's)."""
    if not decided_by.strip():
        raise SwedenValidationError("decided_by", _l("Name who decided."))
    ladder = ladder or municipality_ladder(session, unit.municipality_id)
    case = DeficiencyCase(
        municipality_id=unit.municipality_id,
        unit_id=unit.id,
        track=track_for(unit),
        opened_on=opened_on,
        description=description,
        acute=acute,
        state="opened",
    )
    opening = ladder[case.track].get("open") or {}
    case.next_step_due_on = _due(ladder, opening, case, opened_on, None, None)
    case.unit = unit
    case.steps.append(CaseStep(step="open", from_state="", to_state="opened", taken_on=opened_on,
                               decided_by=decided_by.strip(), due_on=case.next_step_due_on))
    session.add(case)
    session.flush()
    audit_record(session, unit.municipality_id, "case-opened", f"case:{case.id}", unit=f"{unit.code} {unit.name}",
                 opened_on=opened_on, decided_by=decided_by.strip(), acute=acute, due_on=case.next_step_due_on)
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
    opening, a review has no outcome, or a step that must say why has no note.
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
    if spec.get("note_required") and not note.strip():
        raise SwedenValidationError("note", _l("Say why in the note."))
    _check_dates(case, taken_on, deadline)
    to_state = _target(spec, outcome)
    due_on = _due(ladder, spec, case, taken_on, deadline, outcome)
    record = CaseStep(
        step=step, from_state=case.state, to_state=to_state, taken_on=taken_on,
        decided_by=decided_by.strip(), due_on=due_on, note=note.strip(),
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
    last = max((s.taken_on for s in in_force(case)), default=case.opened_on)
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


# The steps that terminate a contract: until a later step is taken, such a step can be withdrawn.
TERMINATIONS = ("terminate_contract", "terminate_for_breach")


def in_force(case: DeficiencyCase) -> list[CaseStep]:
    """The case's steps in the order taken, but for a termination withdrawn."""
    return [s for s in case.steps if s.withdrawn_at is None]


def withdrawable_termination(case: DeficiencyCase) -> CaseStep | None:
    """The termination that can still be withdrawn: the case's latest step in force, while it is terminated."""
    steps = in_force(case)
    last = steps[-1] if steps else None
    return last if case.state == "terminated" and last is not None and last.step in TERMINATIONS else None


def deadline_before(case: DeficiencyCase) -> dt.date | None:
    """The deadline the case's latest step in force replaced: the one the step before it set, as recorded."""
    steps = in_force(case)
    return steps[-2].due_on if len(steps) > 1 else None


def withdraw_termination(session: Session, case: DeficiencyCase) -> CaseStep:
    """Undo a termination: the case is back in the state it was terminated from, with the deadline the step
    before had set (as recorded); the termination stays among the steps, marked withdrawn. Refused once a later
    step is taken (or it was withdrawn already, in another tab)."""
    step = withdrawable_termination(case)
    if step is None:
        raise SwedenValidationError("step", _l("There is no termination to withdraw: the case is '%(state)s'. "
                                               "Nothing was changed."),
                                    state=str(STATE_LABELS.get(case.state, case.state)))
    due_on = deadline_before(case)
    step.withdrawn_at, step.withdrawn_by = utcnow(), actor_name()
    case.state, case.next_step_due_on = step.from_state, due_on
    session.flush()
    audit_record(session, case.municipality_id, "case-termination-withdrawn", f"case:{case.id}",
                 unit=f"{case.unit.code} {case.unit.name}", step=step.step, taken_on=step.taken_on,
                 decided_by=step.decided_by, state=case.state, due_on=case.next_step_due_on)
    return step


def _target(spec: dict[str, Any], outcome: str | None) -> str:
    if "outcomes" not in spec:
        return spec["to"]
    if outcome not in spec["outcomes"]:
        raise SwedenValidationError("outcome", _l("Say whether the deficiencies were remedied."))
    return spec["outcomes"][outcome]


def due_alternatives(spec: dict[str, Any], outcome: str | None = None) -> list[tuple[str, str]]:
    """A step's deadline as (deadline, counted from 'step' or 'opened') alternatives, first first."""
    due = spec.get("due")
    if isinstance(due, dict):  # one per outcome of a review
        due = due.get(outcome or "")
    if not due:
        return []
    if isinstance(due, str):
        return [(due, "step")]
    return [(str(key), str(anchor)) for key, anchor in due]


def _due(
    ladder: dict[str, Any], spec: dict[str, Any], case: DeficiencyCase, taken_on: dt.date, deadline: dt.date | None,
    outcome: str | None,
) -> dt.date | None:
    if spec.get("due_from_decision"):
        if deadline is None:
            raise SwedenValidationError("deadline", _l("A warning needs a deadline."))
        return deadline
    if deadline is not None:
        return deadline  # the decider may set an earlier or later deadline than the default
    for key, anchor in due_alternatives(spec, outcome):
        if key == "action_plan_due" and case.acute:
            key = "acute_action_plan_due"
        period = deadline_period(ladder["deadlines"], case.track, key)
        if period is not None:
            return add_period(case.opened_on if anchor == "opened" else taken_on, period)
    return None


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
