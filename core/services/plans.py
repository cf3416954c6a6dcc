"""Changing plans: every change goes through here, is checked, and keeps a revision.

The web layer, the JSON API and the CLI call these functions; none of them writes plan rows
directly. A function either completes and flushes, or raises before anything is written, so a
caller that commits after it never stores half a change.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.interchange import (
    FORMAT,
    VERSION,
    DocumentError,
    apply_document,
    export_plan,
    export_section,
    municipality_block,
    replace_section,
)
from core.models import AnnualPlan, Municipality, PlanRevision, PlanStep, RevisionPart, User
from core.plugin_api import PlanKind, RowType, SectionSpec, Severity, WorkflowStep
from core.plugin_manager import Registry


# A revision's action is stored as "<verb> [<section>] [<row number>]" (or "<verb> <value>") so
# that pages can describe it in the reader's language; see core.web.helpers.describe_action.
def action(verb: str, *parts: object) -> str:
    return " ".join([verb, *map(str, parts)])


class PlanError(Exception):
    """A change that cannot be made; the message is translated and meant for the user."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def plan_kind_of(registry: Registry, plan: AnnualPlan) -> PlanKind:
    kind = registry.plan_kind(plan.kind)
    if kind is None:
        raise PlanError(_("No enabled plugin provides the plan kind '%(kind)s'.", kind=plan.kind))
    return kind


def find_plan(session: Session, municipality: Municipality, year: int, kind: str) -> AnnualPlan | None:
    return session.scalar(
        select(AnnualPlan).where(
            AnnualPlan.municipality_id == municipality.id, AnnualPlan.year == year, AnnualPlan.kind == kind
        )
    )


def is_read_only(plan: AnnualPlan, plan_kind: PlanKind) -> bool:
    return plan.status in plan_kind.read_only_statuses


def document_of(session: Session, registry: Registry, plan: AnnualPlan, personal_data: bool = False) -> dict[str, Any]:
    """The plan document, with the enabled plugins' own data about the plan as extensions.

    ``personal_data``: also the plugins' personal-level data (the Swedish answer counts of small
    groups), for an administrator's migration or backup only; the document is then marked
    ``"personal_data": true``. Pages, the API, reports and revisions never ask for it.
    """
    document = export_plan(session, plan, plan_kind_of(registry, plan))
    if personal_data:
        document["personal_data"] = True
    return _with_extensions(session, registry, plan, document, personal_data)


def _with_extensions(session: Session, registry: Registry, plan: AnnualPlan,
                     document: dict[str, Any], personal_data: bool = False) -> dict[str, Any]:
    """``document`` (without extensions) with the enabled plugins' own data about the plan, by plugin."""
    extensions = dict(registry.answers_by_plugin("socialplan_export_plan_extension",
                                                 plan.municipality.enabled_plugins, plan=plan, session=session,
                                                 personal_data=personal_data))
    if extensions:
        document["extensions"] = extensions
    return document


def revision_document(session: Session, plan: AnnualPlan) -> dict[str, Any] | None:
    """The snapshot the plan's latest revision kept, when it is the plan as it now is; else None.

    Every change to a plan goes through this module and ends in :func:`record_revision`, which keeps
    the whole document, so the revision numbered ``plan.revision`` holds the plan's header and sections.
    None when there is no such revision (rows written by bulk SQL) or it has another format version.
    """
    document = session.scalar(
        select(PlanRevision.document).where(PlanRevision.plan_id == plan.id, PlanRevision.number == plan.revision)
    )
    if not isinstance(document, dict) or document.get("format") != FORMAT or document.get("version") != VERSION:
        return None
    return document


def with_live_parts(session: Session, registry: Registry, plan: AnnualPlan, snapshot: dict[str, Any]) -> dict[str, Any]:
    """``snapshot`` with what may change without a revision read afresh, as :func:`document_of` gives it:
    the municipality block (an administrator edits the municipality) and the plugins' extensions (their
    own data, which their pages change, of the plugins enabled now)."""
    document = {key: value for key, value in snapshot.items() if key != "extensions"}
    document["municipality"] = municipality_block(plan.municipality)
    return _with_extensions(session, registry, plan, document)


def current_document(session: Session, registry: Registry, plan: AnnualPlan) -> dict[str, Any]:
    """The plan document, equal to :func:`document_of`, but from one query (the latest revision's
    snapshot) when there is one; pages and reports that only read the plan use this."""
    snapshot = revision_document(session, plan)
    if snapshot is None:
        return document_of(session, registry, plan)
    return with_live_parts(session, registry, plan, snapshot)


def import_extensions(session: Session, registry: Registry, plan: AnnualPlan, document: dict[str, Any]) -> None:
    for plugin, data in (document.get("extensions") or {}).items():
        if plugin not in plan.municipality.enabled_plugins:
            raise DocumentError(f"$.extensions.{plugin}", f"plugin '{plugin}' is not enabled for this municipality")
        # Personal-level data is read back only from a document an administrator exported with it.
        registry.call_plugin(plugin, "socialplan_import_plan_extension", plan=plan, session=session, data=data,
                             personal_data=document.get("personal_data") is True)


def record_revision(session: Session, registry: Registry, plan: AnnualPlan, user: User | None, what: str) -> None:
    """Keep a snapshot of the plan as it now is, and count its findings for plan lists."""
    from core.services.validation import validate_document

    session.flush()
    plan_kind = plan_kind_of(registry, plan)
    document = document_of(session, registry, plan)
    findings = validate_document(registry, plan, plan_kind, document)
    plan.error_count = sum(f.severity is Severity.ERROR for f in findings)
    plan.warning_count = sum(f.severity is Severity.WARNING for f in findings)
    plan.revision += 1
    plan.updated_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    session.add(
        PlanRevision(plan_id=plan.id, number=plan.revision, user_id=user.id if user else None, action=what,
                     document=_kept(session, document))
    )
    session.flush()


# In a kept snapshot, an extension block stands as {PART: digest} for its content in plan_revision_part.
PART = "$part"


def _kept(session: Session, document: dict[str, Any]) -> dict[str, Any]:
    """``document`` as a revision keeps it: each plugin's extension block stored once, by its digest.

    A plugin's block changes with the plugin's own pages, not with most saves of the plan, and may be
    large (the Swedish block carries every answer cell): kept once, not once per save.
    """
    extensions = document.get("extensions")
    if not extensions:
        return document
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    kept = {}
    for plugin, block in extensions.items():
        canonical = json.dumps(block, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
        # Two saves may keep the same block at once: the second one's insert does nothing.
        session.execute(insert(RevisionPart).values(digest=digest, content=block).on_conflict_do_nothing())
        kept[plugin] = {PART: digest}
    return {**document, "extensions": kept}


def revision_snapshot(session: Session, revision: PlanRevision) -> dict[str, Any]:
    """The whole document a revision kept, its extension blocks read back (older revisions hold them inline)."""
    document = revision.document
    extensions = document.get("extensions")
    if not extensions:
        return document
    digests = {plugin: block[PART] for plugin, block in extensions.items() if isinstance(block, dict) and PART in block}
    parts = dict(session.execute(select(RevisionPart.digest, RevisionPart.content)
                                 .where(RevisionPart.digest.in_(set(digests.values())))).all())
    return {**document, "extensions": {plugin: parts[digests[plugin]] if plugin in digests else block
                                       for plugin, block in extensions.items()}}


def create_plan(
    session: Session, registry: Registry, municipality: Municipality, year: int, kind: str, user: User | None
) -> AnnualPlan:
    plan_kind = registry.plan_kind(kind)
    plugin = registry.plugin_of_plan_kind(kind)
    if plan_kind is None or plugin not in municipality.enabled_plugins:
        raise PlanError(_("The plan kind '%(kind)s' is not available for this municipality.", kind=kind), "kind")
    if find_plan(session, municipality, year, kind) is not None:
        raise PlanError(_("A plan of this kind already exists for %(year)s.", year=year), "year")
    plan = AnnualPlan(municipality=municipality, municipality_id=municipality.id, year=year, kind=kind,
                      status=plan_kind.statuses[0], title={}, facts={})
    session.add(plan)
    session.flush()
    record_revision(session, registry, plan, user, "create")
    return plan


def _require_editable(plan: AnnualPlan, plan_kind: PlanKind) -> None:
    if is_read_only(plan, plan_kind):
        raise PlanError(_("This plan is approved and read-only. Open a new revision to change it."))


def _section(plan_kind: PlanKind, key: str) -> SectionSpec:
    spec = plan_kind.section(key)
    if spec is None:
        raise PlanError(_("This plan has no section '%(section)s'.", section=key))
    return spec


def change_section(
    session: Session,
    registry: Registry,
    plan: AnnualPlan,
    section_key: str,
    change: Callable[[dict[str, Any]], None],
    user: User | None,
    what: str | Callable[[], str],
) -> None:
    """Apply ``change`` to a copy of the section's content, write it and keep a revision.

    ``what`` is the revision's action (see :func:`action`), or a function that gives it once the
    change has run.
    """
    plan_kind = plan_kind_of(registry, plan)
    _require_editable(plan, plan_kind)
    spec = _section(plan_kind, section_key)
    content = copy.deepcopy(export_section(session, plan, spec))
    change(content)
    replace_section(session, plan, spec, content, f"$.sections.{spec.key}")
    record_revision(session, registry, plan, user, what() if callable(what) else what)


def _check_index(rows: list[Any], index: int) -> None:
    if not 0 <= index < len(rows):
        raise PlanError(_("There is no row %(number)s in this section.", number=index + 1))


def add_row(session, registry, plan, section_key: str, row: dict[str, Any], user, position: int | None = None):
    added: list[int] = []

    def change(content):
        index = len(content["rows"]) if position is None else position
        content["rows"].insert(index, row)
        added.append(index + 1)

    change_section(session, registry, plan, section_key, change, user, lambda: action("row-added", section_key,
                                                                                     added[0]))


def update_row(session, registry, plan, section_key: str, index: int, row: dict[str, Any], user):
    def change(content):
        _check_index(content["rows"], index)
        content["rows"][index] = row

    change_section(session, registry, plan, section_key, change, user, action("row-edited", section_key, index + 1))


def delete_row(session, registry, plan, section_key: str, index: int, user):
    def change(content):
        _check_index(content["rows"], index)
        del content["rows"][index]

    change_section(session, registry, plan, section_key, change, user, action("row-removed", section_key, index + 1))


def move_row(session, registry, plan, section_key: str, index: int, offset: int, user):
    def change(content):
        rows = content["rows"]
        _check_index(rows, index)
        target = max(0, min(len(rows) - 1, index + offset))
        rows.insert(target, rows.pop(index))

    change_section(session, registry, plan, section_key, change, user, action("row-moved", section_key, index + 1))


def set_section_text(session, registry, plan, section_key: str, user, *, text=None, footnote=None,
                     not_applicable: bool | None = None):
    def change(content):
        if text is not None:
            content["text"] = text
        if footnote is not None:
            content["footnote"] = footnote
        if not_applicable is not None:
            content["not_applicable"] = not_applicable

    change_section(session, registry, plan, section_key, change, user, action("text-edited", section_key))


def set_title(session: Session, registry: Registry, plan: AnnualPlan, title: dict[str, str], user: User | None) -> None:
    """Name the plan, one value per locale (none: the plan kind's name is its title, e.g. on a PDF's cover).

    A title like the one the plan has already keeps no new revision.
    """
    _require_editable(plan, plan_kind_of(registry, plan))
    if title == (plan.title or {}):
        return
    plan.title = dict(title)
    record_revision(session, registry, plan, user, action("title-edited"))


# --- workflow ----------------------------------------------------------------------------------


def available_steps(plan: AnnualPlan, plan_kind: PlanKind) -> list[WorkflowStep]:
    return [step for step in plan_kind.workflow if step.source == plan.status]


def take_step(
    session: Session,
    registry: Registry,
    plan: AnnualPlan,
    step_code: str,
    data: dict[str, Any],
    user: User | None,
    blocking_errors: int = 0,
) -> None:
    """Move the plan along its workflow, recording the step's facts.

    ``blocking_errors`` is the number of error findings the caller found; a step that
    ``blocks_on_errors`` refuses when it is not zero.
    """
    plan_kind = plan_kind_of(registry, plan)
    step = next((s for s in available_steps(plan, plan_kind) if s.code == step_code), None)
    if step is None:
        raise PlanError(_("This step cannot be taken while the plan is '%(status)s'.", status=plan.status))
    if user is not None and step.role == "admin" and user.role != "admin":
        raise PlanError(_("Only an administrator can take this step."))
    if step.blocks_on_errors and blocking_errors:
        raise PlanError(_("The plan has %(count)s errors. Correct them before submitting.", count=blocking_errors))
    for field in step.fields:
        if data.get(field) in (None, ""):
            raise PlanError(_("This field is required."), field)
    _record_facts(plan, step, data)
    session.add(PlanStep(plan_id=plan.id, step=step.code, from_status=plan.status, to_status=step.target,
                         user_id=user.id if user else None, data=_jsonable(data)))
    plan.status = step.target
    record_revision(session, registry, plan, user, action("step", step.code))


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v for k, v in data.items()}


def _record_facts(plan: AnnualPlan, step: WorkflowStep, data: dict[str, Any]) -> None:
    facts = dict(plan.facts or {})
    for field in step.fields:
        value = data[field]
        if field == "council_decision_ref":
            plan.council_decision_ref = str(value)
        elif field == "council_decision_date":
            plan.council_decision_date = value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
        else:
            facts[field] = value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value
    plan.facts = facts


def reopen(session: Session, registry: Registry, plan: AnnualPlan, user: User | None) -> None:
    """Open a new revision of an approved plan: it becomes a draft again; history keeps the approved one."""
    plan_kind = plan_kind_of(registry, plan)
    if not is_read_only(plan, plan_kind):
        raise PlanError(_("Only an approved plan can be reopened."))
    session.add(PlanStep(plan_id=plan.id, step="reopen", from_status=plan.status, to_status=plan_kind.statuses[0],
                         user_id=user.id if user else None, data={}))
    plan.status = plan_kind.statuses[0]
    record_revision(session, registry, plan, user, action("reopened"))


YEAR_PATTERN = re.compile(r"\b(19|20)\d{2}\b")


def copy_from_previous_year(
    session: Session, registry: Registry, municipality: Municipality, year: int, kind: str, user: User | None
) -> AnnualPlan:
    """Start ``year``'s plan from last year's: copies the plan kind's ``copy_forward`` sections."""
    previous = find_plan(session, municipality, year - 1, kind)
    if previous is None:
        raise PlanError(_("There is no plan for %(year)s to copy from.", year=year - 1), "year")
    plan = create_plan(session, registry, municipality, year, kind, user)
    plan_kind = plan_kind_of(registry, plan)
    old = document_of(session, registry, previous)
    for key in plan_kind.copy_forward:
        spec = _section(plan_kind, key)
        content = copy.deepcopy(old["sections"][key])
        if spec.row_type is RowType.SERVICE:
            for row in content["rows"]:
                for line in row["budget"]:
                    line["year"] = year
        replace_section(session, plan, spec, content, f"$.sections.{key}")
    plan.title = dict(previous.title or {})
    record_revision(session, registry, plan, user, action("copied-from", year - 1))
    return plan


def _municipality_from_document(
    session: Session, registry: Registry, document: dict[str, Any], plan_kind: PlanKind
) -> Municipality:
    from core.services.accounts import AccountError, create_municipality, set_plugin_enabled

    described = document["municipality"]
    try:
        municipality = create_municipality(session, described["slug"], described["name"], described["country"],
                                           described["default_locale"], described["currency"])
    except AccountError as error:
        raise DocumentError("$.municipality.slug", str(error)) from None
    set_plugin_enabled(session, registry, municipality, registry.plugin_of_plan_kind(plan_kind.code), True)
    return municipality


def import_document(session: Session, registry: Registry, document: dict[str, Any], user: User | None) -> AnnualPlan:
    """Create or replace the plan a (schema-checked) document describes."""
    from core.interchange import municipality_from_document

    plan_kind = registry.plan_kind(document["kind"])
    if plan_kind is None:
        raise DocumentError("$.kind", f"unknown plan kind '{document['kind']}'")
    municipality = municipality_from_document(session, document)
    if municipality is None:
        # Into a database that does not know the municipality yet (a new deployment, a restore):
        # create it as the document describes it, with the plugin of the plan kind switched on.
        municipality = _municipality_from_document(session, registry, document, plan_kind)
    if registry.plugin_of_plan_kind(plan_kind.code) not in municipality.enabled_plugins:
        raise DocumentError("$.kind", f"plan kind '{plan_kind.code}' is not enabled for '{municipality.slug}'")
    if document["status"] not in plan_kind.statuses:
        raise DocumentError("$.status", f"'{document['status']}' is not a status of plan kind '{plan_kind.code}'")
    plan = find_plan(session, municipality, document["year"], document["kind"])
    if plan is None:
        plan = AnnualPlan(municipality=municipality, municipality_id=municipality.id, year=document["year"],
                          kind=document["kind"], status=plan_kind.statuses[0], title={}, facts={})
        session.add(plan)
        session.flush()
    apply_document(session, plan, plan_kind, document)
    import_extensions(session, registry, plan, document)
    record_revision(session, registry, plan, user, action("imported"))
    return plan
