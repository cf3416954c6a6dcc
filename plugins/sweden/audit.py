"""The Swedish plugin's changes in core's audit trail: :func:`record` for the services, :func:`actions`
for the page that reads them (codes ``sweden.<what>``, labels and how their detail reads)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from core.sdk import audit
from core.sdk.audit import AuditAction
from core.sdk.models import Provider
from plugins.sweden.i18n import _, _l, ngettext


def record(session: Session, municipality_id: int, action: str, subject: str | None = None, **detail: Any) -> None:
    """Record one change of the municipality's Swedish data, made by whoever acts now (a signed-in user,
    or the command line)."""
    audit.record(session, user=audit.actor(), municipality=municipality_id, action=f"sweden.{action}",
                 detail=detail, subject=subject)


def actor_name() -> str:
    """Who acts now, as a row of the plugin keeps it (who removed a goal, withdrew a termination): the signed-in
    user's e-mail address; empty for the command line, whose operator the audit trail names."""
    return str(getattr(audit.actor(), "email", "") or "")


def unit_facts(session: Session, unit: Any) -> dict[str, Any]:
    """A unit's facts as the trail names them (its provider by name)."""
    provider = session.get(Provider, unit.provider_id) if unit.provider_id else None
    return {"name": unit.name, "operating_form": unit.operating_form, "service_type": unit.service_type,
            "district": unit.district, "provider": provider.name if provider else None,
            "provider_started_on": unit.provider_started_on, "rotation_year": unit.rotation_year}


def percent(value: Any) -> Decimal | None:
    """A percentage as its column keeps it (two decimals), so that '90' typed and '90.00' read are one value."""
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def goal_facts(goal: Any) -> dict[str, Any]:
    return {"title": dict(goal.title or {}), "kind": goal.kind, "target": percent(goal.target),
            "kolada_kpi": goal.indicators[0].kolada_kpi if goal.indicators else None}


def settings_facts(settings: Any) -> dict[str, Any]:
    """The settings as the page shows them: the preset's parameters and the deadlines in force, one key each."""
    from plugins.sweden.services.settings import effective_deadlines, effective_params, uses_warning

    facts: dict[str, Any] = {"schedule_preset": settings.schedule_preset}
    facts.update((f"schedule.{name}", value) for name, value in effective_params(settings).items())
    for track, deadlines in effective_deadlines(settings).items():
        facts.update((f"deadline.{track}.{key}", list(period) if period else None)
                     for key, period in deadlines.items())
    facts.update(suppression_threshold=settings.suppression_threshold, kolada_id=settings.kolada_id,
                 warning=uses_warning(settings))
    return facts


def short(text: str, length: int = 200) -> str:
    """Free text as the trail keeps it: the start of it."""
    text = (text or "").strip()
    return text if len(text) <= length else text[: length - 1] + "…"


class _Joined:
    """Two labels read together, e.g. a deadline and its track: 'Action plan due … (external provider)'."""

    def __init__(self, first: Any, second: Any) -> None:
        self.first, self.second = first, second

    def __str__(self) -> str:
        return f"{self.first} ({self.second})"


def period_words(value: Any) -> str:
    """A deadline's (months, days) in words: '1 month', '7 days', '1 month and 7 days'; none: 'No deadline'."""
    if not value:
        return _("No deadline")
    months, days = (int(part) for part in value)
    parts = ([ngettext("%(num)s month", "%(num)s months", months)] if months else []) + \
        ([ngettext("%(num)s day", "%(num)s days", days)] if days or not months else [])
    return parts[0] if len(parts) == 1 else _("%(months)s and %(days)s", months=parts[0], days=parts[1])


def _period(value: Any) -> str:
    return period_words(value)


def _method(code: str) -> str:
    from core.sdk import current_locale
    from plugins.sweden.services.reference import method_name

    return method_name(code, current_locale())


def _settings_action() -> AuditAction:
    from plugins.sweden.models import CaseTrack
    from plugins.sweden.services.reference import SERVICE_TYPE_LABELS
    from plugins.sweden.services.settings import DEADLINE_LABELS, PRESET_LABELS, SCHEDULE_PARAMS, track_deadlines

    fields: dict[str, Any] = {"schedule_preset": _l("Schedule preset")}
    values: dict[str, Any] = {"schedule_preset": PRESET_LABELS, "warning": "bool"}
    for params in SCHEDULE_PARAMS.values():
        for param in params:
            fields[f"schedule.{param.name}"] = param.label
            values[f"schedule.{param.name}"] = {
                "bool": "bool", "int": "number",
                "window": lambda v: "–".join(map(str, v)),
                "rotation": lambda v: ", ".join(f"{SERVICE_TYPE_LABELS.get(k, k)}: {n}" for k, n in v.items()),
            }[param.kind]
    tracks = {CaseTrack.EXTERNAL.value: _l("external provider"), CaseTrack.IN_HOUSE.value: _l("in-house")}
    for track, track_label in tracks.items():
        for key in track_deadlines(track):
            fields[f"deadline.{track}.{key}"] = _Joined(DEADLINE_LABELS[key], track_label)
            values[f"deadline.{track}.{key}"] = _period
    fields.update(suppression_threshold=_l("Suppression threshold"), kolada_id=_l("Kolada municipality id"),
                  warning=_l("Warning before the contract is terminated"))
    values["suppression_threshold"] = "number"
    return AuditAction("sweden.settings-saved", _l("Follow-up settings saved"), fields, values)


def _subject_id(event: Any, kind: str) -> int | None:
    """The id in an event's subject 'goal:12' of that kind, or None."""
    prefix, _sep, number = (event.subject or "").partition(":")
    return int(number) if prefix == kind and number.isdigit() else None


def _undo_goal_removal(event: Any, session: Session, municipality: Any) -> str | None:
    """The goals page's list of removed goals, while the goal is still removed."""
    from flask import url_for

    from plugins.sweden.models import QualityGoal

    goal = session.get(QualityGoal, _subject_id(event, "goal") or 0)
    if goal is None or goal.municipality_id != municipality.id or goal.removed_at is None:
        return None
    return url_for("sweden.goal_list", municipality=municipality.slug, year=goal.year, _anchor="removed-goals")


def _undo_unit_removal(event: Any, session: Session, municipality: Any) -> str | None:
    """The unit's page, which takes it back into the follow-up, while it is still removed."""
    from flask import url_for

    from plugins.sweden.models import Unit

    unit = session.get(Unit, _subject_id(event, "unit") or 0)
    if unit is None or unit.municipality_id != municipality.id or unit.active:
        return None
    return url_for("sweden.unit_detail", municipality=municipality.slug, unit_id=unit.id)


def _undo_termination(event: Any, session: Session, municipality: Any) -> str | None:
    """The page that withdraws a termination, while this event's termination is the case's latest step."""
    from flask import url_for

    from plugins.sweden.models import DeficiencyCase
    from plugins.sweden.services.cases import withdrawable_termination

    case = session.get(DeficiencyCase, _subject_id(event, "case") or 0)
    step = withdrawable_termination(case) if case is not None and case.municipality_id == municipality.id else None
    detail = event.detail if isinstance(event.detail, dict) else {}
    if step is None or detail.get("step") != step.step or detail.get("taken_on") != step.taken_on.isoformat():
        return None
    return url_for("sweden.case_withdraw_termination", municipality=municipality.slug, case_id=case.id)


def actions() -> list[AuditAction]:
    """Every action the Swedish services record, with its label and its detail's fields."""
    from plugins.sweden.forms import GOAL_KIND_LABELS, OUTCOME_CHOICES
    from plugins.sweden.services.cases import STATE_LABELS, STEP_LABELS
    from plugins.sweden.services.lex_sarah import AREAS
    from plugins.sweden.services.reference import OPERATING_FORM_LABELS, SERVICE_TYPE_LABELS

    goal = {"goal": _l("Quality goal"), "year": _l("Year"), "title": _l("Title"), "kind": _l("Kind of goal"),
            "target": _l("Target"), "kolada_kpi": _l("Kolada KPI")}
    goal_values = {"goal": "translated", "title": "translated", "target": "percent", "kind": GOAL_KIND_LABELS}
    unit = {"unit": _l("Unit"), "code": _l("Code"), "name": _l("Name"), "operating_form": _l("Operating form"),
            "service_type": _l("Service type"), "district": _l("District"), "provider": _l("Provider"),
            "provider_started_on": _l("Provider started on"), "rotation_year": _l("Rotation year")}
    unit_values = {"operating_form": OPERATING_FORM_LABELS, "service_type": SERVICE_TYPE_LABELS,
                   "provider_started_on": "date"}
    return [
        AuditAction("sweden.goal-added", _l("Quality goal added"), goal, goal_values),
        AuditAction("sweden.goal-changed", _l("Quality goal changed"), goal, goal_values),
        AuditAction("sweden.goal-removed", _l("Quality goal removed"), goal, goal_values, undo=_undo_goal_removal),
        AuditAction("sweden.goal-restored", _l("Removed quality goal restored"), goal, goal_values),
        AuditAction("sweden.goal-part-added", _l("Part of a quality goal added"),
                    {**goal, "scope": _l("What is measured")}, {**goal_values, "scope": "translated"}),
        AuditAction("sweden.goal-value-recorded", _l("Result of a quality goal recorded"),
                    {**goal, "scope": _l("What is measured"), "value": _l("Result"),
                     "national_value": _l("National figure"), "outcome": _l("Attained"),
                     "comment": _l("Result in words")},
                    {**goal_values, "scope": "translated", "value": "percent", "national_value": "percent",
                     "outcome": "bool", "comment": "translated"}),
        AuditAction("sweden.kolada-imported", _l("Kolada figures imported"),
                    {"values": _l("Results written"), "national": _l("National figures written"),
                     "by_sex": _l("Figures for women or men written"),
                     "missing": _l("Figures Kolada reports as missing"), "skipped": _l("Figures left out"),
                     "skipped_unasked": _l("Left out: no goal asks for them"),
                     "skipped_other_municipality": _l("Left out: another municipality's"),
                     "skipped_deleted": _l("Left out: deleted in Kolada")},
                    dict.fromkeys(("values", "national", "by_sex", "missing", "skipped", "skipped_unasked",
                                   "skipped_other_municipality", "skipped_deleted"), "number")),
        AuditAction("sweden.unit-added", _l("Unit added"), unit, unit_values),
        AuditAction("sweden.unit-changed", _l("Unit changed"), unit, unit_values),
        AuditAction("sweden.unit-removed", _l("Unit removed from the follow-up"), unit, unit_values,
                    undo=_undo_unit_removal),
        AuditAction("sweden.unit-restored", _l("Unit taken back into the follow-up"), unit, unit_values),
        AuditAction("sweden.followup-recorded", _l("Follow-up recorded"),
                    {"unit": _l("Unit"), "method": _l("Method"), "done_on": _l("Done on"),
                     "planned_on": _l("Planned for"), "deficiencies_found": _l("Deficiencies found")},
                    {"method": _method, "done_on": "date", "planned_on": "date", "deficiencies_found": "bool"}),
        AuditAction("sweden.deficiency-recorded", _l("Deficiency recorded"),
                    {"unit": _l("Unit"), "found_on": _l("Found on"), "description": _l("Description"),
                     "serious": _l("Serious"), "repeated": _l("Repeated"), "acute": _l("Acute"),
                     "case_opened": _l("Case opened")},
                    {"found_on": "date", "serious": "bool", "repeated": "bool", "acute": "bool",
                     "case_opened": "bool"}),
        AuditAction("sweden.case-opened", _l("Deficiency case opened"),
                    {"unit": _l("Unit"), "opened_on": _l("Opened on"), "decided_by": _l("Decided by"),
                     "acute": _l("Acute"), "due_on": _l("Next step due")},
                    {"opened_on": "date", "acute": "bool", "due_on": "date"}),
        AuditAction("sweden.case-step", _l("Step taken on a deficiency case"), _step_fields(),
                    _step_values(STEP_LABELS, STATE_LABELS, dict(OUTCOME_CHOICES)), undo=_undo_termination),
        AuditAction("sweden.case-closed", _l("Deficiency case closed"), _step_fields(),
                    _step_values(STEP_LABELS, STATE_LABELS, dict(OUTCOME_CHOICES))),
        AuditAction("sweden.case-termination-withdrawn", _l("Termination of a contract withdrawn"), _step_fields(),
                    _step_values(STEP_LABELS, STATE_LABELS, dict(OUTCOME_CHOICES))),
        AuditAction("sweden.template-created", _l("Question template created"),
                    {"name": _l("Name"), "district": _l("District"), "version": _l("Version")}),
        AuditAction("sweden.template-question-added", _l("Question added to a district's template"),
                    {"template": _l("Question template"), "district": _l("District"), "code": _l("Code"),
                     "text": _l("Question")}, {"text": "translated"}),
        AuditAction("sweden.answers-imported", _l("Individual follow-up answers imported"),
                    {"template": _l("Question template"), "year": _l("Year"), "answers": _l("Answers"),
                     "replaced": _l("Earlier answers of the year replaced")},
                    {"answers": "number", "replaced": "bool"}),
        AuditAction("sweden.answers-recorded", _l("Individual follow-up answers recorded"),
                    {"template": _l("Question template"), "year": _l("Year"), "answers": _l("Answers")},
                    {"answers": "number"}),
        AuditAction("sweden.lex-sarah-added", _l("Lex Sarah report recorded"),
                    {"year": _l("Year"), "area": _l("Area"), "unit": _l("Unit"), "reported_on": _l("Reported on"),
                     "reported_to_ivo": _l("Reported to IVO"), "reference": _l("Reference")},
                    {"area": AREAS, "reported_on": "date", "reported_to_ivo": "bool"}),
        _settings_action(),
        *_quality_report_actions(),
        AuditAction("sweden.special-review-chosen", _l("Area chosen for special review"),
                    {"year": _l("Year"), "area": _l("Area"), "before": _l("Area chosen before")},
                    {"area": "translated", "before": "translated"}),
    ]


def _quality_report_actions() -> list[AuditAction]:
    from plugins.sweden.services.quality_report import SHOWS

    section = {"year": _l("Year"), "section": _l("Section"), "title": _l("Section title"), "level": _l("Level"),
               "shows": _l("Shows besides its texts"), "position": _l("Position")}
    values = {"section": "translated", "title": "translated", "level": "number", "shows": SHOWS,
              "position": "number"}
    return [
        AuditAction("sweden.quality-section-added", _l("Quality report section added"), section, values),
        AuditAction("sweden.quality-section-changed", _l("Quality report section changed"), section, values),
        AuditAction("sweden.quality-section-moved", _l("Quality report section moved"), section, values),
        AuditAction("sweden.quality-section-removed", _l("Quality report section removed"), section, values),
        AuditAction("sweden.quality-cover-saved", _l("Quality report cover saved"),
                    {"year": _l("Year"), "organisation": _l("Administration"), "report_date": _l("Date of the report"),
                     "responsible": _l("Persons responsible")},
                    {"organisation": "translated", "report_date": "date"}),
    ]


def _step_fields() -> dict[str, Any]:
    return {"unit": _l("Unit"), "step": _l("Step"), "outcome": _l("Outcome"), "taken_on": _l("Date"),
            "decided_by": _l("Decided by"), "state": _l("State of the case"), "due_on": _l("Next step due")}


def _step_values(steps: dict[str, Any], states: dict[str, Any], outcomes: dict[str, Any]) -> dict[str, Any]:
    return {"step": steps, "state": states, "outcome": outcomes, "taken_on": "date", "due_on": "date"}


def record_changes(session: Session, municipality_id: int, action: str, subject: str | None, before: dict[str, Any],
                   after: dict[str, Any], **detail: Any) -> None:
    """Record a change of existing things as its fields' old and new values; a save that changed nothing is
    not recorded."""
    changed = audit.changes(before, after)
    if changed:
        record(session, municipality_id, action, subject, **detail, changes=changed)
