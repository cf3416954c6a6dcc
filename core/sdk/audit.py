"""The audit trail: a plugin records its changes and says how its actions read."""

from __future__ import annotations

from core.services.audit import AuditAction, actor, changes, record

# One line per name for docs/plugin-sdk.md (None: the object's own docstring says it).
DOCS = {
    "AuditAction": 'an action code with its label and the detail fields shown',
    "changes": "the fields whose value differs between two dicts, as an event's 'changes'",
    "actor": 'who acts now: the signed-in user or the command line',
    "record": "record one change (codes prefixed with the plugin's name)",
}

__all__ = [
    "AuditAction",
    "actor",
    "changes",
    "record",
]
