"""Core's row types as declarative specs: the fields of a service (and of its budget lines), a campaign, a training
row and an objective.

Each :class:`RowSpec` lists its row type's fields in the plan document's order, each with its kind, its range,
its choices and labels (core's catalog). A plugin's own form of a core row type (hook
``socialplan_section_form``) takes its limits and words from here rather than repeating them, e.g.
``SERVICE.field("capacity").high`` or the service statuses ``SERVICE.field("status").choices``.
"""

from __future__ import annotations

from core.rows import (
    BUDGET_LINE,
    BUDGET_SCALES,
    CAMPAIGN,
    OBJECTIVE,
    ROW_SPECS,
    SERVICE,
    TRAINING,
    Choice,
    ObjectiveLevel,
    RowField,
    RowSpec,
    ServiceStatus,
    default_columns,
    spec_of,
)

# One line per name for docs/plugin-sdk.md (None: the object's own docstring says it).
DOCS = {
    "BUDGET_LINE": "the fields of one line of a service's budget (year, funding source, amount, currency, scale, "
                   "note); since 1.3",
    "BUDGET_SCALES": "the scales a budget line's amount may be written in: units, thousands, millions; since 1.3",
    "CAMPAIGN": "the fields of a campaign row (title, objectives, period, responsible, target group)",
    "OBJECTIVE": "the fields of an objective row (level, text, reference, group)",
    "ROW_SPECS": "the spec of each core row type that has one, by RowType (a plugin's entry rows have none)",
    "SERVICE": "the fields of a service row (code, names, capacity, occupancy, status, extra facts, budget)",
    "TRAINING": "the fields of a training row (kind, department, persons, budgeted, budget, note)",
    "Choice": None,
    "RowField": None,
    "RowSpec": None,
    "ObjectiveLevel": "the codes of an objective's level: strategic, operational",
    "ServiceStatus": "the codes of a service's status: existing, proposed",
    "default_columns": None,
    "spec_of": "the spec of a row type, or None (entry and text sections)",
}

__all__ = [
    "BUDGET_LINE",
    "BUDGET_SCALES",
    "CAMPAIGN",
    "OBJECTIVE",
    "ROW_SPECS",
    "SERVICE",
    "TRAINING",
    "Choice",
    "ObjectiveLevel",
    "RowField",
    "RowSpec",
    "ServiceStatus",
    "default_columns",
    "spec_of",
]
