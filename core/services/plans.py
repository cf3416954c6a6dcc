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
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.facts import fact_label, is_date_fact
from core.interchange import (
    FORMAT,
    UID,
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


class ConflictError(PlanError):
    """Someone else changed what a change was based on since the person opened it; nothing was written.

    ``changes`` are the cells (:class:`core.services.revisions.Cell`) the other person changed, ``by`` and
    ``at`` name their last revision, ``revision`` is the plan's revision now (a form based on it may be sent
    again, knowingly).
    """

    def __init__(self, message: str, field: str = "", changes: tuple = (), by: str | None = None,
                 at: dt.datetime | None = None, revision: int = 0) -> None:
        super().__init__(message, field)
        self.changes, self.by, self.at, self.revision = changes, by, at, revision


class AdoptedPlanError(PlanError):
    """An import would replace the revision the council adopted."""


@dataclass(frozen=True)
class Precondition:
    """What a change is based on: the revision the person's form was made from (the web), or the ETag of
    the row or section the client read (the API's If-Match). Checked under the plan's lock."""

    revision: int | None = None
    etag: str | None = None


def etag_of(value: Any) -> str:
    """A strong HTTP entity tag of a plan document part (a row, a section): its canonical JSON's digest."""
    canonical = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    # surrogatepass: a lone surrogate stored before core.text's rule still has a digest (never a 500)
    return '"' + hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()[:32] + '"'


def lock_plan(session: Session, plan: AnnualPlan) -> None:
    """Hold the plan's write lock until the transaction ends, and read the plan afresh.

    Every change of a plan takes it first, so two saves of one plan run one after the other: each sees
    the other's revision (no lost update, no duplicate revision number). PostgreSQL locks the row; SQLite
    has one writer at a time, and a no-op UPDATE makes this transaction that writer now, not at its
    first real write (after it read a plan that may by then be stale).
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(AnnualPlan.id).where(AnnualPlan.id == plan.id).with_for_update())
    else:
        session.execute(update(AnnualPlan).where(AnnualPlan.id == plan.id).values(revision=AnnualPlan.revision)
                        .execution_options(synchronize_session=False))
    session.refresh(plan)


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
    # A snapshot kept before rows had uids (migration core_0004) lacks what the tables now hold.
    if any(UID not in row for section in (document.get("sections") or {}).values() for row in section["rows"]):
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
    precondition: Precondition | None = None,
    part: Callable[[dict[str, Any]], Any] | None = None,
) -> None:
    """Apply ``change`` to a copy of the section's content, write it and keep a revision.

    ``what`` is the revision's action (see :func:`action`), or a function that gives it once the
    change has run. ``part`` picks what the change is about from a section's content (a row, the
    text; default the whole section): ``precondition`` is checked against it (see :func:`check_precondition`).
    """
    lock_plan(session, plan)
    plan_kind = plan_kind_of(registry, plan)
    _require_editable(plan, plan_kind)
    spec = _section(plan_kind, section_key)
    content = copy.deepcopy(export_section(session, plan, spec))
    pick = part or (lambda section: section)
    check_precondition(session, plan, precondition, pick(content),
                       lambda document: pick((document.get("sections") or {}).get(section_key) or _EMPTY_SECTION))
    change(content)
    replace_section(session, plan, spec, content, f"$.sections.{spec.key}")
    record_revision(session, registry, plan, user, what() if callable(what) else what)


_EMPTY_SECTION: dict[str, Any] = {"not_applicable": False, "text": {}, "footnote": {}, "rows": []}


def section_content(session: Session, registry: Registry, plan: AnnualPlan, section_key: str) -> dict[str, Any]:
    """One section of the plan as the document writes it (rows, text, footnote, not_applicable)."""
    return export_section(session, plan, _section(plan_kind_of(registry, plan), section_key))


def replace_sections(session: Session, registry: Registry, plan: AnnualPlan, sections: dict[str, dict[str, Any]],
                     user: User | None, what: str) -> None:
    """Write each section of ``sections`` (key: content in the document's section shape) whole, then keep
    one revision ``what``: a plugin's demo or import fills a plan this way. Refused like any change on
    a read-only plan or for a section the plan kind lacks; a bad row raises DocumentError."""
    lock_plan(session, plan)
    plan_kind = plan_kind_of(registry, plan)
    _require_editable(plan, plan_kind)
    for key, content in sections.items():
        replace_section(session, plan, _section(plan_kind, key), content, f"$.sections.{key}")
    record_revision(session, registry, plan, user, what)


def check_precondition(session: Session, plan: AnnualPlan, precondition: Precondition | None, current: Any,
                       part_of: Callable[[dict[str, Any]], Any]) -> None:
    """Refuse a change whose basis is stale: the ETag the client read is not ``current``'s, or what the
    person's form showed (``part_of`` the revision it was made from) is no longer ``current``.

    Changes by others to other parts of the plan do not refuse it: they are kept, and so is this one.
    """
    if precondition is None:
        return
    if precondition.etag is not None and precondition.etag != etag_of(current):
        raise ConflictError(_("Someone else changed this since you read it."), revision=plan.revision)
    if precondition.revision is None or precondition.revision == plan.revision:
        return
    base = session.scalar(select(PlanRevision).where(PlanRevision.plan_id == plan.id,
                                                     PlanRevision.number == precondition.revision))
    was = part_of(revision_snapshot(session, base)) if base is not None else None
    if base is not None and was == current:
        return
    from core.services.revisions import changed_cells

    latest = session.scalar(select(PlanRevision).where(PlanRevision.plan_id == plan.id,
                                                       PlanRevision.number == plan.revision))
    by = latest.user.email if latest is not None and latest.user is not None else None
    at = latest.created_at if latest is not None else None
    if current is None:
        message = _("Someone else removed this row while you were editing it. What you typed is kept below; "
                    "add it as a new row if it is still needed.")
    else:
        message = _("Someone else saved a change here while you were editing it. Their change is shown below; "
                    "what you typed is kept: check it and save again to replace their version.")
    raise ConflictError(message, changes=changed_cells(was, current), by=by, at=at, revision=plan.revision)


def _row_index(rows: list[dict[str, Any]], index: int, uid: str | None) -> int:
    """Where the row is now: found by its ``uid`` when the caller names one, else by ``index``."""
    if uid is not None:
        for position, row in enumerate(rows):
            if row.get(UID) == uid:
                return position
        raise ConflictError(_("This row no longer exists: someone else removed it."))
    if not 0 <= index < len(rows):
        raise PlanError(_("There is no row %(number)s in this section.", number=index + 1))
    return index


def _row_part(index: int, uid: str | None) -> Callable[[dict[str, Any]], Any]:
    """The row a change is about, from a section's content: by uid when there is one, else by position."""

    def part(content: dict[str, Any]) -> Any:
        rows = content.get("rows") or []
        if uid is not None:
            return next((row for row in rows if row.get(UID) == uid), None)
        return rows[index] if 0 <= index < len(rows) else None

    return part


def add_row(session, registry, plan, section_key: str, row: dict[str, Any], user, position: int | None = None):
    """Add ``row`` (a new row: any uid it carries is replaced by a new one) at ``position`` (default: last)."""
    added: list[int] = []

    def change(content):
        index = len(content["rows"]) if position is None else position
        content["rows"].insert(index, {key: value for key, value in row.items() if key != UID})
        added.append(index + 1)

    change_section(session, registry, plan, section_key, change, user, lambda: action("row-added", section_key,
                                                                                     added[0]))


def update_row(session, registry, plan, section_key: str, index: int, row: dict[str, Any], user, *,
               uid: str | None = None, precondition: Precondition | None = None):
    """Replace the row ``uid`` (else the row at ``index``) with ``row``; the row keeps its identity."""
    done: list[int] = []

    def change(content):
        position = _row_index(content["rows"], index, uid)
        content["rows"][position] = {**row, UID: content["rows"][position][UID]}
        done.append(position + 1)

    change_section(session, registry, plan, section_key, change, user,
                   lambda: action("row-edited", section_key, done[0]), precondition, _row_part(index, uid))


def delete_row(session, registry, plan, section_key: str, index: int, user, *, uid: str | None = None,
               precondition: Precondition | None = None):
    done: list[int] = []

    def change(content):
        position = _row_index(content["rows"], index, uid)
        del content["rows"][position]
        done.append(position + 1)

    change_section(session, registry, plan, section_key, change, user,
                   lambda: action("row-removed", section_key, done[0]), precondition, _row_part(index, uid))


def move_row(session, registry, plan, section_key: str, index: int, offset: int, user, *, uid: str | None = None):
    done: list[int] = []

    def change(content):
        rows = content["rows"]
        position = _row_index(rows, index, uid)
        target = max(0, min(len(rows) - 1, position + offset))
        rows.insert(target, rows.pop(position))
        done.append(position + 1)

    change_section(session, registry, plan, section_key, change, user,
                   lambda: action("row-moved", section_key, done[0]))


def _text_part(content: dict[str, Any]) -> dict[str, Any]:
    return {key: content.get(key) or default for key, default in
            (("not_applicable", False), ("text", {}), ("footnote", {}))}


def set_section_text(session, registry, plan, section_key: str, user, *, text=None, footnote=None,
                     not_applicable: bool | None = None, precondition: Precondition | None = None):
    def change(content):
        if text is not None:
            content["text"] = text
        if footnote is not None:
            content["footnote"] = footnote
        if not_applicable is not None:
            content["not_applicable"] = not_applicable

    change_section(session, registry, plan, section_key, change, user, action("text-edited", section_key),
                   precondition, _text_part)


def set_title(session: Session, registry: Registry, plan: AnnualPlan, title: dict[str, str], user: User | None,
              precondition: Precondition | None = None) -> None:
    """Name the plan, one value per locale (none: the plan kind's name is its title, e.g. on a PDF's cover).

    A title like the one the plan has already keeps no new revision.
    """
    lock_plan(session, plan)
    _require_editable(plan, plan_kind_of(registry, plan))
    check_precondition(session, plan, precondition, plan.title or {}, lambda document: document.get("title") or {})
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
    ``blocks_on_errors`` refuses when it is not zero. A step into a read-only status is the council's
    adoption: the revision it keeps becomes the plan's adopted revision.
    """
    lock_plan(session, plan)
    plan_kind = plan_kind_of(registry, plan)
    step = next((s for s in available_steps(plan, plan_kind) if s.code == step_code), None)
    if step is None:
        raise PlanError(_("This step cannot be taken while the plan is '%(status)s'.", status=plan.status))
    if user is not None and step.role == "admin" and user.role != "admin":
        raise PlanError(_("Only an administrator can take this step."))
    if step.blocks_on_errors and blocking_errors:
        raise PlanError(ngettext("The plan has %(num)s error. Correct it before submitting.",
                                 "The plan has %(num)s errors. Correct them before submitting.", blocking_errors))
    for field in step.fields:
        if data.get(field) in (None, ""):
            raise PlanError(_("This field is required."), field)
    facts = check_facts(plan_kind, {**plan_facts(plan), **{field: data[field] for field in step.fields}},
                        step.fields)
    _record_facts(plan, step, facts)
    session.add(PlanStep(plan_id=plan.id, step=step.code, from_status=plan.status, to_status=step.target,
                         user_id=user.id if user else None, data=_jsonable(data)))
    plan.status = step.target
    record_revision(session, registry, plan, user, action("step", step.code))
    if step.target in plan_kind.read_only_statuses:
        plan.adopted_revision = plan.revision


def plan_facts(plan: AnnualPlan) -> dict[str, Any]:
    """Every fact the plan's workflow recorded, the council's decision among them, by field name."""
    facts = dict(plan.facts or {})
    if plan.council_decision_ref:
        facts["council_decision_ref"] = plan.council_decision_ref
    if plan.council_decision_date:
        facts["council_decision_date"] = plan.council_decision_date.isoformat()
    return facts


def _fact_label(plan_kind: PlanKind, name: str) -> str:
    return str(fact_label(name, plan_kind))


def check_facts(plan_kind: PlanKind, facts: dict[str, Any], fields: tuple[str, ...] | None = None) -> dict[str, Any]:
    """``facts`` read and checked: dates are dates, counts whole numbers, and no date comes before one that
    the plan kind says precedes it. Raises PlanError naming the field (one of ``fields``, the facts being
    recorded now, when given); returns the facts with dates as ``datetime.date`` and counts as ``int``."""
    checked: dict[str, Any] = {}
    for name, value in facts.items():
        if is_date_fact(name) and not isinstance(value, dt.date):
            try:
                value = dt.date.fromisoformat(str(value))
            except ValueError:
                raise PlanError(_("%(field)s: '%(value)s' is not a date (YYYY-MM-DD).",
                                  field=_fact_label(plan_kind, name), value=value), name) from None
        elif name in plan_kind.count_facts:
            text = str(value).strip()
            if isinstance(value, bool) or not text.isdigit():
                raise PlanError(_("%(field)s: write a whole number, for example 12.",
                                  field=_fact_label(plan_kind, name)), name)
            value = int(text)
        checked[name] = value
    for earlier, later in plan_kind.fact_order:
        if earlier in checked and later in checked and checked[later] < checked[earlier]:
            field = later if fields is None or later in fields else earlier
            raise PlanError(_("%(later)s cannot be before %(earlier)s.", later=_fact_label(plan_kind, later),
                              earlier=_fact_label(plan_kind, earlier)), field)
    return checked


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


ROLE_RANK = {"viewer": 0, "planner": 1, "admin": 2}


def may_reopen(user: User | None, plan_kind: PlanKind) -> bool:
    """Whether ``user`` (None: the operator at the command line) may open a new revision of an adopted plan."""
    return user is None or ROLE_RANK.get(user.role, 0) >= ROLE_RANK.get(plan_kind.reopen_role, 2)


def adoption_fields(plan_kind: PlanKind) -> set[str]:
    """The facts recorded by the steps that adopt a plan (into a read-only status): they belong to the
    adopted revision, not to a working revision opened after it."""
    return {field for step in plan_kind.workflow if step.target in plan_kind.read_only_statuses
            for field in step.fields}


def _clear_adoption(plan: AnnualPlan, plan_kind: PlanKind) -> None:
    fields = adoption_fields(plan_kind)
    plan.council_decision_ref = None
    plan.council_decision_date = None
    plan.facts = {name: value for name, value in (plan.facts or {}).items() if name not in fields}


def reopen(session: Session, registry: Registry, plan: AnnualPlan, user: User | None, reason: str = "") -> None:
    """Open a new working revision of an adopted plan, for ``reason``.

    The adopted revision stays what viewers and every "as adopted" download read until a newer one is
    adopted; the working revision starts as a draft without the council's decision, which is the adopted
    revision's. Only the roles the plan kind names (administrators by default) may do it.
    """
    lock_plan(session, plan)
    plan_kind = plan_kind_of(registry, plan)
    if not is_read_only(plan, plan_kind):
        raise PlanError(_("Only an approved plan can be reopened."))
    if not may_reopen(user, plan_kind):
        raise PlanError(_("Only an administrator can open a new revision of an adopted plan."))
    reason = (reason or "").strip()
    if not reason:
        raise PlanError(_("Say why a new revision of the adopted plan is needed."), "reason")
    session.add(PlanStep(plan_id=plan.id, step="reopen", from_status=plan.status, to_status=plan_kind.statuses[0],
                         user_id=user.id if user else None, data={"reason": reason}))
    plan.status = plan_kind.statuses[0]
    _clear_adoption(plan, plan_kind)
    record_revision(session, registry, plan, user, action("reopened"))


def adopted_snapshot(session: Session, plan: AnnualPlan) -> dict[str, Any] | None:
    """The whole document of the revision the council adopted, or None when none was adopted."""
    if plan.adopted_revision is None:
        return None
    revision = session.scalar(select(PlanRevision).where(PlanRevision.plan_id == plan.id,
                                                         PlanRevision.number == plan.adopted_revision))
    return revision_snapshot(session, revision) if revision is not None else None


def revision_document_at(session: Session, registry: Registry, plan: AnnualPlan, number: int) -> dict[str, Any] | None:
    """The plan as revision ``number`` kept it, with today's municipality block; None when there is none.

    The latest revision reads as :func:`current_document` (with the enabled plugins' own data); an
    earlier one carries the plugins' data as it was then.
    """
    if number == plan.revision:
        return current_document(session, registry, plan)
    revision = session.scalar(select(PlanRevision).where(PlanRevision.plan_id == plan.id,
                                                         PlanRevision.number == number))
    if revision is None:
        return None
    document = dict(revision_snapshot(session, revision))
    document["municipality"] = municipality_block(plan.municipality)
    return document


YEAR_PATTERN = re.compile(r"\b(19|20)\d{2}\b")


def copy_from_previous_year(
    session: Session, registry: Registry, municipality: Municipality, year: int, kind: str, user: User | None
) -> AnnualPlan:
    """Start ``year``'s plan from last year's: copies the plan kind's ``copy_forward`` sections, and the
    'not applicable' choices (with their text) of its ``copy_forward_not_applicable`` sections."""
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
    for key in plan_kind.copy_forward_not_applicable:
        content = old["sections"][key]
        if content.get("not_applicable"):
            choice = {"not_applicable": True, "text": dict(content.get("text") or {}),
                      "footnote": dict(content.get("footnote") or {}), "rows": []}
            replace_section(session, plan, _section(plan_kind, key), choice, f"$.sections.{key}")
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


def import_document(session: Session, registry: Registry, document: dict[str, Any], user: User | None,
                    as_new_revision: bool = False) -> AnnualPlan:
    """Create or replace the plan a (schema-checked) document describes.

    An adopted revision is never replaced: a document for a plan the council adopted is refused
    (:class:`AdoptedPlanError`) unless ``as_new_revision`` asks to add it as a new working revision (a
    draft; the adopted revision stays). The document's status must be one its facts reach through the
    plan kind's workflow (an adopted status needs the council's decision), and one ``user``'s role may
    set (None: the operator at the command line).
    """
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
    if plan is not None:
        lock_plan(session, plan)
    adopted_before = plan is not None and (plan.adopted_revision is not None or is_read_only(plan, plan_kind))
    if adopted_before and not as_new_revision:
        raise AdoptedPlanError(_("The %(year)s plan was adopted by the council; an import does not replace the "
                                 "adopted revision (add the document as a new working revision instead).",
                                 year=plan.year))
    if as_new_revision:
        document = _as_working_revision(document, plan_kind)
    _check_imported_status(plan_kind, document, user)
    if plan is None:
        plan = AnnualPlan(municipality=municipality, municipality_id=municipality.id, year=document["year"],
                          kind=document["kind"], status=plan_kind.statuses[0], title={}, facts={})
        session.add(plan)
        session.flush()
    apply_document(session, plan, plan_kind, document)
    import_extensions(session, registry, plan, document)
    record_revision(session, registry, plan, user, action("imported-as-revision" if as_new_revision else "imported"))
    if document["status"] in plan_kind.read_only_statuses:
        plan.adopted_revision = plan.revision
    return plan


def _as_working_revision(document: dict[str, Any], plan_kind: PlanKind) -> dict[str, Any]:
    """``document`` as a new working revision: a draft, without the facts and decision of an adoption."""
    fields = adoption_fields(plan_kind)
    return {**document, "status": plan_kind.statuses[0], "council_decision": {"reference": None, "date": None},
            "facts": {name: value for name, value in (document.get("facts") or {}).items() if name not in fields}}


def _steps_to(plan_kind: PlanKind, status: str) -> list[WorkflowStep] | None:
    """The workflow steps of the shortest path from the first status to ``status``, or None when none leads there."""
    paths: dict[str, list[WorkflowStep]] = {plan_kind.statuses[0]: []}
    queue = [plan_kind.statuses[0]]
    while queue:
        current = queue.pop(0)
        for step in plan_kind.workflow:
            if step.source == current and step.target not in paths:
                paths[step.target] = [*paths[current], step]
                queue.append(step.target)
    return paths.get(status)


def _fact_path(name: str) -> str:
    if name == "council_decision_ref":
        return "$.council_decision.reference"
    if name == "council_decision_date":
        return "$.council_decision.date"
    return f"$.facts.{name}"


def _check_imported_status(plan_kind: PlanKind, document: dict[str, Any], user: User | None) -> None:
    """A document's status must be reachable, with every fact the steps there record, by ``user``'s role."""
    status = document["status"]
    steps = _steps_to(plan_kind, status)
    if steps is None:
        raise DocumentError("$.status", f"no step of plan kind '{plan_kind.code}' leads to '{status}'")
    decision = document.get("council_decision") or {}
    facts = dict(document.get("facts") or {})
    if decision.get("reference"):
        facts["council_decision_ref"] = decision["reference"]
    if decision.get("date"):
        facts["council_decision_date"] = decision["date"]
    recorded = list(dict.fromkeys(field for step in steps for field in step.fields))
    for name in recorded:
        if facts.get(name) in (None, ""):
            raise DocumentError(_fact_path(name), f"a plan whose status is '{status}' records this fact")
    for name in ("council_decision_ref", "council_decision_date"):
        if name in facts and name not in recorded:
            raise DocumentError(_fact_path(name), f"a plan whose status is '{status}' has no council decision")
    if user is not None and user.role != "admin":
        admin_fields = {field for step in plan_kind.workflow if step.role == "admin" for field in step.fields}
        if any(step.role == "admin" for step in steps):
            raise DocumentError("$.status", f"only an administrator may import a plan whose status is '{status}'")
        forged = sorted(name for name in facts if name in admin_fields)
        if forged:
            raise DocumentError(_fact_path(forged[0]), "only an administrator records this fact")
    try:
        check_facts(plan_kind, facts)
    except PlanError as error:
        raise DocumentError(_fact_path(error.field), str(error)) from None


# --- restoring a revision ------------------------------------------------------------------------


def restore_revision(session: Session, registry: Registry, plan: AnnualPlan, number: int, user: User | None, *,
                     expected_revision: int | None = None) -> None:
    """Make the plan's sections and title what revision ``number`` kept, as a new revision ("restored <n>").

    The header's status, council decision and workflow facts stay as they are (restoring content does not
    adopt or un-adopt anything), and so do plugins' own data (their extensions). Rows keep the identity
    the revision gave them, so a row removed since comes back as itself. ``expected_revision`` is the
    revision the person saw when confirming: a plan changed since is refused, not overwritten unseen.
    """
    lock_plan(session, plan)
    plan_kind = plan_kind_of(registry, plan)
    if is_read_only(plan, plan_kind):
        raise PlanError(_("This plan is adopted and read-only: open a new revision of it first, then restore an "
                          "earlier one into it."))
    if expected_revision is not None and expected_revision != plan.revision:
        raise ConflictError(_("Someone else changed the plan since you opened this page: look at what restoring "
                              "would change again before you confirm."), revision=plan.revision)
    revision = session.scalar(select(PlanRevision).where(PlanRevision.plan_id == plan.id,
                                                         PlanRevision.number == number))
    if revision is None:
        raise PlanError(_("This plan has no revision %(number)s.", number=number))
    if number == plan.revision:
        raise PlanError(_("Revision %(number)s is the plan as it is now: there is nothing to restore.", number=number))
    snapshot = revision.document
    if not isinstance(snapshot, dict) or snapshot.get("format") != FORMAT or snapshot.get("version") != VERSION:
        raise PlanError(_("Revision %(number)s was kept in an older format and cannot be restored.", number=number))
    sections = snapshot.get("sections") or {}
    try:
        for spec in plan_kind.sections:
            replace_section(session, plan, spec, sections.get(spec.key) or {}, f"$.sections.{spec.key}")
    except DocumentError as error:
        raise PlanError(_("Revision %(number)s cannot be restored: %(reason)s", number=number,
                          reason=error.reason)) from None
    plan.title = {str(k): str(v) for k, v in (snapshot.get("title") or {}).items() if v not in (None, "")}
    record_revision(session, registry, plan, user, action("restored", number))
