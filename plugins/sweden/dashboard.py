"""The dashboard panel: the year's follow-ups due and overdue, open cases with their next deadline."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from core.sdk import DashboardPanel
from core.sdk.models import Municipality
from plugins.sweden.i18n import _l
from plugins.sweden.services.cases import (
    STATE_LABELS,
    STEP_LABELS,
    is_overdue,
    municipality_ladder,
    next_step,
    open_cases,
)
from plugins.sweden.services.followups import year_calendar
from plugins.sweden.services.reference import method_name


def panel_context(session: Session, municipality_id: int, today: dt.date, locale: str = "en") -> dict:
    entries = year_calendar(session, municipality_id, today.year)
    pending = [e for e in entries if e.done_on is None]
    ladder = municipality_ladder(session, municipality_id)
    cases = []
    for case in open_cases(session, municipality_id):
        step = next_step(case, ladder)
        cases.append({
            "id": case.id,
            "unit": case.unit.name,
            "state": str(STATE_LABELS.get(case.state, case.state)),
            "next_step": str(STEP_LABELS.get(step.step, step.step)) if step else "",
            "due_on": case.next_step_due_on,
            "overdue": is_overdue(case, today),
        })
    return {
        "year": today.year,
        "today": today,
        "due": [
            {"unit": e.unit_name, "method": method_name(e.method, locale), "due_on": e.due_on,
             "overdue": e.overdue(today)}
            for e in sorted(pending, key=lambda e: e.due_on)
            if e.overdue(today) or e.due_on <= today + dt.timedelta(days=90)
        ],
        "planned": len(entries),
        "done": len(entries) - len(pending),
        "overdue": sum(e.overdue(today) for e in entries),
        "cases": cases,
        "cases_overdue": sum(c["overdue"] for c in cases),
    }


def panels(municipality: Municipality, session: Session, today: dt.date | None = None) -> list[DashboardPanel]:
    from core.sdk import current_locale

    context = panel_context(session, municipality.id, today or dt.date.today(), current_locale())
    context["slug"] = municipality.slug  # links are built without a request's municipality too (tests, exports)
    return [DashboardPanel(_l("Follow-ups and deficiency cases"), "sweden/dashboard_panel.html", context)]
