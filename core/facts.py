"""The facts a plan's workflow records (a council decision's number and date, a consultation's start and
end): which of them are dates, and their words. Read by the service that checks them, the forms that ask
for them and the pages that show them, so it lives below all three."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l

if TYPE_CHECKING:
    from core.plugin_api import PlanKind

# Facts every plan kind may record; a kind's own ``fact_labels`` name the rest (and may rename these).
CORE_FACT_LABELS = {
    "council_decision_ref": _l("Council decision number"),
    "council_decision_date": _l("Council decision date"),
    "note": _l("Note"),
}
DATE_FACT_SUFFIXES = ("_date", "_start", "_end")


def is_date_fact(name: str) -> bool:
    """Whether the fact ``name`` holds a date (its name ends in _date, _start or _end)."""
    return name.endswith(DATE_FACT_SUFFIXES)


def fact_label(name: str, plan_kind: PlanKind | None = None) -> Any:
    """The fact ``name`` in words: the plan kind's label, else core's, else its name made readable."""
    label = (plan_kind.fact_labels.get(name) if plan_kind else None) or CORE_FACT_LABELS.get(name)
    return label or name.replace("_", " ").capitalize()
