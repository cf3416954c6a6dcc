"""The plan service calls a plugin may make. Every change to a plan goes through these, so each one
is checked (a read-only plan is refused), kept as a revision and counted for the plan lists."""

from __future__ import annotations

from core.services.imports import import_plan
from core.services.plans import (
    PlanError,
    action,
    add_row,
    copy_from_previous_year,
    create_plan,
    document_of,
    find_plan,
    record_revision,
    replace_sections,
    section_content,
    set_section_text,
    take_step,
)
from core.services.validation import errors, validate_document

# One line per name for docs/plugin-sdk.md (None: the object's own docstring says it).
DOCS = {
    "PlanError": 'a refused change, with its translated message and the field it is about',
    "action": "a revision's action code from its verb and parts ('row-added', section, 3)",
    "add_row": 'add a row to a section (one revision)',
    "copy_from_previous_year": "a new plan as a copy of last year's",
    "create_plan": 'a new plan of an enabled plan kind (its first revision)',
    "document_of": "the plan as an interchange document, with the plugins' extensions",
    "errors": 'the error findings of a list of findings',
    "find_plan": "a municipality's plan of a kind for a year, or None",
    "import_plan": 'create or replace a plan from a document, all or nothing',
    "record_revision": 'keep a revision of the plan as it now is (after a plugin changed its own data)',
    "replace_sections": 'write whole sections of a plan, then keep one revision',
    "section_content": 'one section of a plan as the document writes it',
    "set_section_text": "change a section's text, footnote or 'not applicable' (one revision)",
    "take_step": 'take a workflow step (submit, approve ...) with the facts it records',
    "validate_document": "core's and the enabled plugins' findings for a plan document",
}

__all__ = [
    "PlanError",
    "action",
    "add_row",
    "copy_from_previous_year",
    "create_plan",
    "document_of",
    "errors",
    "find_plan",
    "import_plan",
    "record_revision",
    "replace_sections",
    "section_content",
    "set_section_text",
    "take_step",
    "validate_document",
]
