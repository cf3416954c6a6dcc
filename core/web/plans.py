"""Plans: create, edit section by section, workflow, revisions, comparison and report downloads.

Every change goes through :mod:`core.services.plans` (which keeps a revision), then commits; a
refused change rolls back, so nothing is half-saved. After a save the browser is redirected to the
section page (post/redirect/get), which shows the new totals and the rule findings.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from babel import dates as babel_dates
from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask import session as flask_session
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import defer
from wtforms import Form

from core.db import get_session
from core.i18n import LOCALES, current_locale
from core.interchange import DocumentError
from core.models import AnnualPlan, PlanRevision, Role
from core.plugin_api import Finding, PlanKind, RowType, SectionFormSpec, SectionSpec, WorkflowStep
from core.plugin_manager import get_registry
from core.services import plans as plan_service
from core.services.revisions import diff_documents
from core.web import tenancy
from core.web.cache import named_key, page_cache
from core.web.comparison import SectionReader, ShownDiff, readable_diff
from core.web.forms import (
    FormContext,
    PlanCreateForm,
    ReopenForm,
    attach_error,
    choices,
    ensure_budget_slots,
    form_to_row,
    generic_row_form,
    plan_title_form,
    row_to_form_data,
    section_text_form,
    step_form,
    translated_data,
    translated_form_data,
)
from core.web.helpers import (
    PlanState,
    UrlPattern,
    budget_totals,
    cached_findings,
    columns_of,
    document_field_label,
    field_anchor,
    plan_state,
    readable_cell,
    row_of_field,
    section_links,
    section_of_field,
    shown_facts,
    status_label,
)

bp = Blueprint("plans", __name__, url_prefix="/m/<municipality>/plans")
bp.before_request(tenancy.load_municipality_from_url)


def format_datetime(value: dt.datetime | None) -> str:
    return babel_dates.format_datetime(value, format="short", locale=current_locale()) if value else ""


# --- helpers ---------------------------------------------------------------------------------------


def _commit_or_error(change) -> Exception | None:
    """Run ``change``; commit when it succeeds, roll back and return the error when it is refused."""
    session = get_session()
    try:
        change()
    except (plan_service.PlanError, DocumentError) as error:
        session.rollback()
        return error
    session.commit()
    return None


def _error_message(error: Exception) -> str:
    if isinstance(error, DocumentError):
        return _("The row could not be saved: %(reason)s", reason=error.reason)
    return str(error)


def _section(plan_kind: PlanKind, key: str) -> SectionSpec:
    spec = plan_kind.section(key)
    if spec is None:
        abort(404)
    return spec


def _state(plan: AnnualPlan) -> PlanState:
    """The plan as its pages read it, once per request and revision (a row page reads it for the row and
    again for its findings; every change makes a new revision)."""
    states = g.setdefault("plan_states", {})
    number = _shown(plan)
    key = (plan.id, number)
    if key not in states:
        if number == plan.revision:
            states[key] = plan_state(get_session(), get_registry(), plan)
        else:  # the adopted revision while a new one is drafted: read as it was, never kept
            document = plan_service.revision_document_at(get_session(), get_registry(), plan, number)
            states[key] = PlanState(document, False)
    return states[key]


def _shown(plan: AnnualPlan) -> int:
    """The revision this request shows (see :func:`core.web.tenancy.shown_revision`)."""
    return tenancy.shown_revision(plan, request.args.get("revision"))


def _document(plan: AnnualPlan) -> dict[str, Any]:
    return _state(plan).document


def _form_context(plan: AnnualPlan, plan_kind: PlanKind) -> FormContext:
    return FormContext(get_registry().funding_sources(plan_kind.jurisdiction), plan.year, plan.municipality.currency)


def _findings(plan: AnnualPlan, plan_kind: PlanKind, state: PlanState) -> list[Finding]:
    return cached_findings(get_registry(), plan, plan_kind, state)[0]


def _plan_url(plan: AnnualPlan, endpoint: str = "plans.overview", **values) -> str:
    return url_for(endpoint, plan_id=plan.id, **values)


def _finding_link(plan: AnnualPlan, finding: Finding) -> str:
    """Where a finding's link goes: the cell of its row in its section's table, else the row, else the section."""
    section = section_of_field(finding)
    spec = get_registry().plan_kind(plan.kind).section(section) if section else None
    if spec is None:
        return _plan_url(plan) + "#findings"
    index, key = row_of_field(finding)
    shown = {column.key.split(".")[0] for column in columns_of(spec)} | {"budget"}
    target = section
    if index is not None:
        target = f"{section}/{index}/{_group_key(key)}" if _group_key(key) in shown else f"{section}/{index}"
    return _plan_url(plan, "plans.section", section=section) + "#" + field_anchor(target)


def _group_key(key: str) -> str:
    """'budget[0].amount' or 'budget/0/amount' -> 'budget': the form group a finding belongs beside."""
    return re.split(r"[./\[]", key, maxsplit=1)[0] if key else ""


# --- create ------------------------------------------------------------------------------------------


@bp.route("/new", methods=["GET", "POST"])
def new(municipality: str):
    tenancy.require_editor()
    registry, m = get_registry(), g.municipality
    form = PlanCreateForm(request.form if request.method == "POST" else None,
                          year=dt.date.today().year + 1)
    form.kind.choices = choices((kind.code, str(kind.name)) for kind in registry.plan_kinds_for(m.enabled_plugins))
    error = None
    if request.method == "POST" and form.validate():
        copy = "from_last_year" in request.form
        created: list[AnnualPlan] = []

        def change() -> None:
            make = plan_service.copy_from_previous_year if copy else plan_service.create_plan
            created.append(make(get_session(), registry, m, form.year.data, form.kind.data, current_user))

        error = _commit_or_error(change)
        if error is None:
            flash(_("The plan was created."), "success")
            return redirect(_plan_url(created[0]))
        _attach_error(form, error)
    status = 422 if request.method == "POST" else 200
    return render_template("plans/new.html", form=form), status


def _attach_error(form: Form, error: Exception, spec: SectionSpec | None = None) -> None:
    """``error`` beside its field; a conflict's changes below the summary (a row's, of section ``spec``)."""
    attach_error(form, getattr(error, "field", ""), _error_message(error))
    for line in _conflict_lines(error, spec):
        form.form_errors.append(line)


def _precondition() -> plan_service.Precondition | None:
    """The revision the submitted form was made from (its hidden ``_base_revision``), if it says one."""
    text = request.form.get("_base_revision", "")
    return plan_service.Precondition(revision=int(text)) if text.isdigit() and len(text) < 10 else None


def _base_revision(plan: AnnualPlan, error: Exception | None) -> int:
    """The revision a form shown now is based on: after a conflict, the one that refused it (saving again
    then knowingly replaces the other person's version), else the plan's."""
    return error.revision if isinstance(error, plan_service.ConflictError) else plan.revision


def _conflict_lines(error: Exception, spec: SectionSpec | None = None) -> list[str]:
    """What another person changed, for a save it refused: who and when, then each field, old and new. A row's
    fields (of section ``spec``) are named and their values written as the revision comparison does (the form's
    labels, numbers and amounts the reader's way), not by their keys in the document."""
    if not isinstance(error, plan_service.ConflictError):
        return []
    plan_kind = get_registry().plan_kind(g.plan.kind) if "plan" in g else None
    lines = []
    if error.by:
        lines.append(_("Changed by %(user)s at %(time)s.", user=error.by, time=format_datetime(error.at)))
    if spec is not None and plan_kind is not None:
        reader = SectionReader(get_registry(), plan_kind, spec, g.plan.year, g.plan.municipality.currency)
        named = ((reader.label(c.key), reader.value(c.key, c.old), reader.value(c.key, c.new)) for c in error.changes)
    else:
        named = ((document_field_label(c.key, plan_kind), c.old, c.new)
                 for c in (readable_cell(cell, plan_kind) for cell in error.changes))
    for field, old, new in named:
        lines.append(_("%(field)s: “%(old)s” became “%(new)s”.", field=field, old="" if old is None else old,
                       new="" if new is None else new))
    return lines


# --- overview and sections ----------------------------------------------------------------------------


@bp.route("/<int:plan_id>/")
def overview(municipality: str, plan_id: int):
    plan, plan_kind = tenancy.load_plan(plan_id)
    state = _state(plan)
    document = state.document
    # Findings are the working revision's: what a planner still has to correct.
    working = _shown(plan) == plan.revision
    findings = _findings(plan, plan_kind, state) if working and current_user.role != Role.VIEWER else []
    steps = _next_steps(plan, plan_kind, findings) if working else []
    reports = get_registry().report_kinds_for(g.municipality.enabled_plugins, plan.kind)
    shown = _shown(plan)
    asked_adopted = shown != plan.revision and current_user.role != Role.VIEWER
    return render_template(
        "plans/overview.html", plan=plan, plan_kind=plan_kind, document=document, findings=findings,
        facts=shown_facts(document, plan_kind),
        shown=shown, revision_arg={"revision": "adopted"} if asked_adopted else {},
        may_reopen=tenancy.can_edit() and plan_service.may_reopen(current_user, plan_kind),
        finding_link=lambda f: _finding_link(plan, f), steps=steps, reports=reports, locales=LOCALES,
        read_only=plan_service.is_read_only(plan, plan_kind), can_edit=tenancy.can_edit(),
        section_findings={spec.key: sum(1 for f in findings if section_of_field(f) == spec.key)
                          for spec in plan_kind.sections},
    )


@dataclass(frozen=True)
class NextStep:
    """A workflow step the plan can take now, as its pages present it: who takes it, whether the reader may,
    and the error findings that block it (a step that ``blocks_on_errors``)."""

    step: WorkflowStep
    may_take: bool
    blocking: tuple[Finding, ...]
    back: bool  # the step returns the plan to its first status (draft): offered after the others

    @property
    def who(self) -> str:
        return (_("An administrator takes this step.") if self.step.role == "admin"
                else _("A planner or an administrator takes this step."))


def _next_steps(plan: AnnualPlan, plan_kind: PlanKind, findings: list[Finding]) -> list[NextStep]:
    errors = tuple(f for f in findings if f.severity == "error")
    steps = [NextStep(step, tenancy.can_edit() and (step.role != "admin" or current_user.role == Role.ADMIN),
                      errors if step.blocks_on_errors else (), step.target == plan_kind.statuses[0])
             for step in plan_service.available_steps(plan, plan_kind)]
    return sorted(steps, key=lambda s: s.back)


@bp.route("/<int:plan_id>/title", methods=["GET", "POST"])
def title(municipality: str, plan_id: int):
    plan, plan_kind = tenancy.load_plan(plan_id, edit=True)
    error = None
    form = plan_title_form()(request.form if request.method == "POST" else None,
                             data=translated_form_data(plan.title, "title"))
    if request.method == "POST" and form.validate():
        error = _commit_or_error(lambda: plan_service.set_title(
            get_session(), get_registry(), plan, translated_data(form, "title"), current_user, _precondition()))
        if error is None:
            flash(_("The title was saved."), "success")
            return redirect(_plan_url(plan))
        _attach_error(form, error)
    status = 422 if request.method == "POST" else 200
    return render_template("plans/title.html", plan=plan, plan_kind=plan_kind, form=form,
                           read_only=plan_service.is_read_only(plan, plan_kind),
                           base_revision=_base_revision(plan, error)), status


def _section_page(plan: AnnualPlan, plan_kind: PlanKind, spec: SectionSpec, text_form: Form | None = None,
                  status: int = 200, base_revision: int | None = None):
    return _render_section(plan, plan_kind, spec, text_form, base_revision)[0], status


def _render_section(plan: AnnualPlan, plan_kind: PlanKind, spec: SectionSpec,
                    text_form: Form | None = None, base_revision: int | None = None) -> tuple[str, bool]:
    """The section page, and whether it was made from :func:`_page_key`'s inputs alone (then it may be kept)."""
    state = _state(plan)
    content = state.document["sections"][spec.key]
    if current_user.role == Role.VIEWER:
        findings, pure = [], state.snapshot
    else:
        findings, pure = cached_findings(get_registry(), plan, plan_kind, state)
    findings = [f for f in findings if section_of_field(f) == spec.key]
    by_cell: dict[str, list[Finding]] = {}
    other: dict[int, list[Finding]] = {}  # findings about a key the table does not show
    shown = {column.key.split(".")[0] for column in columns_of(spec)} | {"budget"}
    for finding in findings:
        index, key = row_of_field(finding)
        target = f"{spec.key}/{index}/{_group_key(key)}" if index is not None else spec.key
        by_cell.setdefault(target, []).append(finding)
        if index is not None and _group_key(key) not in shown:
            other.setdefault(index, []).append(finding)
    read_only = plan_service.is_read_only(plan, plan_kind) or not tenancy.can_edit()
    if text_form is None and not read_only:
        text_form = section_text_form()(data={
            "not_applicable": content["not_applicable"],
            **translated_form_data(content["text"], "text"), **translated_form_data(content["footnote"], "footnote"),
        })
    sources = get_registry().funding_sources(plan_kind.jurisdiction)
    totals = (budget_totals(content["rows"], sources, plan.municipality.currency)
              if spec.row_type is RowType.SERVICE else None)
    html = render_template(
        "plans/section.html", plan=plan, plan_kind=plan_kind, spec=spec, content=content, findings=findings,
        by_cell=by_cell, other_findings=other, finding_link=lambda f: _finding_link(plan, f), read_only=read_only,
        text_form=text_form, row_urls=_row_urls(plan, spec, read_only),
        section_links=section_links(plan, plan_kind, spec.key),
        totals=totals, source_names={s.code: s.name for s in sources}, currency=plan.municipality.currency,
        base_revision=plan.revision if base_revision is None else base_revision,
        choice_labels=SectionReader(get_registry(), plan_kind, spec, plan.year, plan.municipality.currency).choices,
        wide_columns=_wide_columns(spec, content["rows"]),
    )
    return html, pure


def _wide_columns(spec: SectionSpec, rows: list[dict[str, Any]]) -> set[str]:
    """The columns of running text (some cell longer than a short phrase): they keep a readable width, and
    the table scrolls in its frame rather than squeeze them to a word a line."""
    from core.i18n import translated
    from core.interchange import value_at

    return {column.key for column in columns_of(spec) if column.kind in ("translated", "text")
            and any(len(translated(value_at(row, column.key))) > 60 for row in rows)}


def _row_urls(plan: AnnualPlan, spec: SectionSpec, read_only: bool) -> dict[str, UrlPattern]:
    """The rows' action URLs, each made by one url_for per page rather than one per row."""
    if read_only or spec.row_type is RowType.TEXT:
        return {}
    return {name: UrlPattern(endpoint, "index", plan_id=plan.id, section=spec.key)
            for name, endpoint in (("edit", "plans.edit_row"), ("move", "plans.move_row"),
                                   ("delete", "plans.delete_row"))}


def _page_key(plan: AnnualPlan, spec: SectionSpec) -> tuple | None:
    """Everything a GET of a section page depends on, each input by name, or None when it is not to be kept.

    The view reads the plan (its id, kind, year, status, working and adopted revision; the revision it
    shows follows from them, the role and the query), that revision's snapshot (named by plan id and
    revision) and the rules' findings (their inputs, :func:`core.web.helpers.findings_key`, are all in
    here: plan, locale, enabled plugins, the municipality's block); the user's role decides findings,
    editing and forms. The layout (base.html) shows the municipality (slug, name with its default
    locale as fallback), the user's e-mail and role, the language switch (the locale, the request's
    path and query), the session's CSRF token in every form, and pending flashed messages: a request
    with one is not served from the cache. Administrators also get the list of all municipalities,
    so their pages are not kept. Templates and translations are fixed for the process unless
    templates reload (debug), when nothing is kept. A page is stored only if it was made from a
    snapshot and from findings that ran no SQL (see :func:`_render_section`), so that these inputs
    are all it read. tests/test_web_page_cache.py records what a render reads (the templates' names,
    the plan's, municipality's and user's attributes, the request and the session) and fails on any
    input not named here.
    """
    app = current_app
    if request.method != "GET" or app.debug or app.jinja_env.auto_reload or "_flashes" in flask_session:
        return None
    if current_user.role not in (Role.PLANNER, Role.VIEWER):
        return None
    token = flask_session.get(app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    if not token:
        return None
    m = g.municipality
    return named_key({
        "request.script_root": request.script_root, "request.path": request.path,
        "request.full_path": request.full_path, "request.query_string": request.query_string,
        "current_user.id": current_user.id, "current_user.email": current_user.email,
        "current_user.role": current_user.role, "current_user.municipality_id": current_user.municipality_id,
        "current_user.is_authenticated": current_user.is_authenticated,
        "locale": current_locale(), "session.csrf_token": token,
        "municipality.id": m.id, "municipality.slug": m.slug, "municipality.name": json.dumps(m.name, sort_keys=True),
        "municipality.country": m.country, "municipality.default_locale": m.default_locale,
        "municipality.currency": m.currency, "municipality.plugins": tuple(sorted(m.enabled_plugins)),
        "plan.id": plan.id, "plan.revision": plan.revision, "plan.adopted_revision": plan.adopted_revision,
        "plan.status": plan.status, "plan.kind": plan.kind, "plan.year": plan.year,
        "plan.municipality_id": plan.municipality_id, "section": spec.key,
    })


@bp.route("/<int:plan_id>/sections/<section>")
def section(municipality: str, plan_id: int, section: str):
    plan, plan_kind = tenancy.load_plan(plan_id)
    spec = _section(plan_kind, section)
    key = _page_key(plan, spec)
    pages = page_cache(current_app)
    limit = current_app.config.get("WTF_CSRF_TIME_LIMIT")
    # A kept page carries the CSRF token signed when it was made: keep it for at most half its life.
    if key is not None and (html := pages.get(key, max_age=limit / 2 if limit else None)) is not None:
        return html
    html, pure = _render_section(plan, plan_kind, spec)
    if key is not None and pure:
        pages.put(key, html)
    return html


@bp.route("/<int:plan_id>/sections/<section>/text", methods=["POST"])
def section_text(municipality: str, plan_id: int, section: str):
    plan, plan_kind = tenancy.load_plan(plan_id, edit=True)
    spec = _section(plan_kind, section)
    form = section_text_form()(request.form)
    if not form.validate():
        return _section_page(plan, plan_kind, spec, form, 422)
    not_applicable = bool(form.not_applicable.data) if (spec.allow_not_applicable or
                                                          spec.row_type is RowType.TEXT) else None
    error = _commit_or_error(lambda: plan_service.set_section_text(
        get_session(), get_registry(), plan, spec.key, current_user, text=translated_data(form, "text"),
        footnote=translated_data(form, "footnote"), not_applicable=not_applicable, precondition=_precondition()))
    if error is not None:
        _attach_error(form, error)
        return _section_page(plan, plan_kind, spec, form, 422, base_revision=_base_revision(plan, error))
    flash(_("The text was saved."), "success")
    return redirect(_plan_url(plan, "plans.section", section=spec.key))


# --- rows ----------------------------------------------------------------------------------------------


def _form_spec(plan_kind: PlanKind, spec: SectionSpec) -> SectionFormSpec | None:
    return get_registry().pm.hook.socialplan_section_form(plan_kind=plan_kind.code, section=spec.key)


def _build_row_form(plan: AnnualPlan, plan_kind: PlanKind, spec: SectionSpec, row: dict[str, Any]) -> Form:
    formdata = request.form if request.method == "POST" else None
    form_spec = _form_spec(plan_kind, spec)
    if form_spec is not None:
        data = form_spec.from_row(row) if form_spec.from_row else dict(row)
        form = form_spec.form_class(formdata=formdata, data=data)
    else:
        form = generic_row_form(spec, _form_context(plan, plan_kind))(formdata, data=row_to_form_data(spec, row))
    ensure_budget_slots(form)
    return form


def _row_from_form(plan: AnnualPlan, plan_kind: PlanKind, spec: SectionSpec, form: Form,
                   old_row: dict[str, Any]) -> dict[str, Any]:
    form_spec = _form_spec(plan_kind, spec)
    if form_spec is not None:
        if form_spec.to_row:
            return form_spec.to_row(form)
        return {**old_row, **{k: v for k, v in form.data.items() if k != "csrf_token"}}
    return form_to_row(spec, form, old_row, _form_context(plan, plan_kind))


def _row_page(plan, plan_kind, spec, form, index: int | None, status: int = 200, *, uid: str | None = None,
              base_revision: int | None = None, action_url: str | None = None):
    findings: dict[str, list[Finding]] = {}
    if index is not None:
        for finding in _findings(plan, plan_kind, _state(plan)):
            row, key = row_of_field(finding)
            if section_of_field(finding) == spec.key and row == index:
                findings.setdefault(_group_key(key), []).append(finding)
    codes = []
    nomenclature = get_registry().nomenclature(plan_kind.jurisdiction)
    if spec.row_type is RowType.SERVICE and nomenclature is not None:
        codes = [entry for entry in nomenclature if entry.valid_in(plan.year)]  # what the plan's year may use
    return render_template("plans/row_form.html", plan=plan, plan_kind=plan_kind, spec=spec, form=form, index=index,
                           row_findings=findings, codes=codes, uid=uid, action_url=action_url,
                           nomenclature=nomenclature if codes else None,
                           base_revision=plan.revision if base_revision is None else base_revision), status


@bp.route("/<int:plan_id>/sections/<section>/rows/new", methods=["GET", "POST"])
def add_row(municipality: str, plan_id: int, section: str):
    plan, plan_kind = tenancy.load_plan(plan_id, edit=True)
    spec = _section(plan_kind, section)
    if spec.row_type is RowType.TEXT or plan_service.is_read_only(plan, plan_kind):
        abort(404 if spec.row_type is RowType.TEXT else 403)
    form = _build_row_form(plan, plan_kind, spec, {})
    if request.method == "POST" and form.validate():
        row = _row_from_form(plan, plan_kind, spec, form, {})
        error = _commit_or_error(lambda: plan_service.add_row(get_session(), get_registry(), plan, spec.key, row,
                                                              current_user))
        if error is None:
            flash(_("The row was added."), "success")
            return redirect(_plan_url(plan, "plans.section", section=spec.key))
        _attach_error(form, error)
    ensure_budget_slots(form)
    return _row_page(plan, plan_kind, spec, form, None, 422 if request.method == "POST" else 200)


def _existing_row(plan: AnnualPlan, spec: SectionSpec, index: int) -> dict[str, Any]:
    rows = _document(plan)["sections"][spec.key]["rows"]
    if not 0 <= index < len(rows):
        abort(404)
    return rows[index]


@bp.route("/<int:plan_id>/sections/<section>/rows/<int:index>", methods=["GET", "POST"])
def edit_row(municipality: str, plan_id: int, section: str, index: int):
    plan, plan_kind = tenancy.load_plan(plan_id, edit=True)
    spec = _section(plan_kind, section)
    if plan_service.is_read_only(plan, plan_kind):
        abort(403)
    # The row is the one the form was opened on (its uid), wherever it is now: another person's change
    # may have moved it, or removed it.
    uid = request.form.get("_row") if request.method == "POST" else None
    old_row = _row_by_uid(plan, spec, uid) if uid else _existing_row(plan, spec, index)
    form = _build_row_form(plan, plan_kind, spec, old_row or {})
    error = None
    if request.method == "POST" and form.validate():
        row = _row_from_form(plan, plan_kind, spec, form, old_row or {})
        uid = uid or (old_row or {}).get("uid")
        error = _commit_or_error(lambda: plan_service.update_row(
            get_session(), get_registry(), plan, spec.key, index, row, current_user, uid=uid,
            precondition=_precondition()))
        if error is None:
            flash(_("The row was saved."), "success")
            return redirect(_plan_url(plan, "plans.section", section=spec.key))
        _attach_error(form, error, spec)
    ensure_budget_slots(form)
    removed = isinstance(error, plan_service.ConflictError) and old_row is None
    return _row_page(plan, plan_kind, spec, form, index, 422 if request.method == "POST" else 200,
                     uid=None if removed else uid or (old_row or {}).get("uid"),
                     base_revision=_base_revision(plan, error),
                     action_url=_plan_url(plan, "plans.add_row", section=spec.key) if removed else None)


def _row_by_uid(plan: AnnualPlan, spec: SectionSpec, uid: str) -> dict[str, Any] | None:
    return next((row for row in _document(plan)["sections"][spec.key]["rows"] if row.get("uid") == uid), None)


def _row_uid() -> str | None:
    """The uid of the row a table's button acts on (its hidden ``_row``), so that a row another person moved
    is still the one acted on."""
    return request.form.get("_row") or None


def _row_action(plan_id: int, section: str, index: int, action, message: str):
    plan, plan_kind = tenancy.load_plan(plan_id, edit=True)
    spec = _section(plan_kind, section)
    if not _row_uid():
        _existing_row(plan, spec, index)
    if plan_service.is_read_only(plan, plan_kind):
        abort(403)
    error = _commit_or_error(lambda: action(plan, spec))
    flash(_error_message(error) if error else message, "error" if error else "success")
    return redirect(_plan_url(plan, "plans.section", section=spec.key))


@bp.route("/<int:plan_id>/sections/<section>/rows/<int:index>/move", methods=["POST"])
def move_row(municipality: str, plan_id: int, section: str, index: int):
    offset = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    if offset is None:
        abort(400)
    return _row_action(plan_id, section, index, lambda plan, spec: plan_service.move_row(
        get_session(), get_registry(), plan, spec.key, index, offset, current_user, uid=_row_uid()),
        _("The row was moved."))


@bp.route("/<int:plan_id>/sections/<section>/rows/<int:index>/delete", methods=["GET", "POST"])
def delete_row(municipality: str, plan_id: int, section: str, index: int):
    """Remove a row: GET shows it and asks to confirm (a page of its own, no JavaScript needed), POST removes it."""
    if request.method == "GET":
        return _delete_row_page(plan_id, section, index)
    history = url_for("plans.revisions", plan_id=plan_id)
    message = Markup("{} <a href=\"{}\">{}</a>").format(
        _("The row was removed. It can be brought back from the revision history:"), history,
        _("restore the revision before the removal"))
    return _row_action(plan_id, section, index, lambda plan, spec: plan_service.delete_row(
        get_session(), get_registry(), plan, spec.key, index, current_user, uid=_row_uid(),
        precondition=_precondition()), message)


def _delete_row_page(plan_id: int, section: str, index: int):
    plan, plan_kind = tenancy.load_plan(plan_id, edit=True)
    spec = _section(plan_kind, section)
    if plan_service.is_read_only(plan, plan_kind):
        abort(403)
    uid = request.args.get("row")
    rows = _document(plan)["sections"][spec.key]["rows"]
    if uid:  # the row the table's link named, wherever it is now
        index = next((i for i, row in enumerate(rows) if row.get("uid") == uid), -1)
        if index < 0:
            flash(_("This row no longer exists: someone else removed it."), "error")
            return redirect(_plan_url(plan, "plans.section", section=spec.key))
    row = _existing_row(plan, spec, index)
    return render_template("plans/row_delete.html", plan=plan, plan_kind=plan_kind, spec=spec, row=row, index=index,
                           columns=columns_of(spec), currency=plan.municipality.currency, base_revision=plan.revision,
                           choice_labels=SectionReader(get_registry(), plan_kind, spec, plan.year,
                                                       plan.municipality.currency).choices)


# --- workflow --------------------------------------------------------------------------------------------


@bp.route("/<int:plan_id>/steps/<step>", methods=["GET", "POST"])
def step(municipality: str, plan_id: int, step: str):
    plan, plan_kind = tenancy.load_plan(plan_id, edit=True)
    workflow_step = next((s for s in plan_service.available_steps(plan, plan_kind) if s.code == step), None)
    if workflow_step is None:
        abort(404)
    if workflow_step.role == "admin" and current_user.role != Role.ADMIN:
        abort(403)
    form = step_form(workflow_step.fields, plan_kind)(request.form if request.method == "POST" else None)
    # Said before the form is filled: the error findings that keep this step from being taken.
    blocking = [f for f in _findings(plan, plan_kind, _state(plan)) if f.severity == "error"] \
        if workflow_step.blocks_on_errors else []
    if request.method == "POST" and form.validate():
        data = {name: form[name].data for name in workflow_step.fields}
        error = _commit_or_error(lambda: plan_service.take_step(get_session(), get_registry(), plan, step, data,
                                                                current_user, blocking_errors=len(blocking)))
        if error is None:
            flash(_("The plan's status is now “%(status)s”.", status=status_label(plan.status, plan_kind)), "success")
            return redirect(_plan_url(plan))
        _attach_error(form, error)
    status = 422 if request.method == "POST" else 200
    return render_template("plans/step.html", plan=plan, plan_kind=plan_kind, step=workflow_step, form=form,
                           blocking=blocking, finding_link=lambda f: _finding_link(plan, f),
                           steps=(workflow_step,)), status  # the page is the step: no hint of it above


@bp.route("/<int:plan_id>/reopen", methods=["GET", "POST"])
def reopen(municipality: str, plan_id: int):
    """Open a new working revision of an adopted plan: a page of its own that asks why, and to confirm."""
    plan, plan_kind = tenancy.load_plan(plan_id, edit=True)
    if not plan_service.may_reopen(current_user, plan_kind):
        abort(403)
    form = ReopenForm(request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        error = _commit_or_error(lambda: plan_service.reopen(get_session(), get_registry(), plan, current_user,
                                                             form.reason.data))
        if error is None:
            flash(_("Revision %(revision)s is open for editing as a draft; the adopted revision %(adopted)s stays "
                    "in force until a new one is adopted.", revision=plan.revision, adopted=plan.adopted_revision),
                  "success")
            return redirect(_plan_url(plan))
        _attach_error(form, error)
    status = 422 if request.method == "POST" else 200
    return render_template("plans/reopen.html", plan=plan, plan_kind=plan_kind, form=form,
                           read_only=plan_service.is_read_only(plan, plan_kind)), status


# --- revisions -------------------------------------------------------------------------------------------


@bp.route("/<int:plan_id>/revisions")
def revisions(municipality: str, plan_id: int):
    plan, plan_kind = tenancy.load_plan(plan_id, edit=True)
    rows = get_session().scalars(
        select(PlanRevision).where(PlanRevision.plan_id == plan.id).order_by(PlanRevision.number.desc())
        .options(defer(PlanRevision.document))  # a snapshot is the whole plan: the list needs none of them
    ).all()
    return render_template("plans/revisions.html", plan=plan, plan_kind=plan_kind, revisions=rows)


def _revision(plan: AnnualPlan, number: Any) -> PlanRevision:
    try:
        number = int(number)
    except (TypeError, ValueError):
        abort(404)
    revision = get_session().scalar(
        select(PlanRevision).where(PlanRevision.plan_id == plan.id, PlanRevision.number == number)
    )
    if revision is None:
        abort(404)
    return revision


@bp.route("/<int:plan_id>/revisions/<int:number>.json")
def revision_json(municipality: str, plan_id: int, number: int):
    """A revision's snapshot as a plan document, to keep or to import (``socialplan plan import``)."""
    plan, _plan_kind = tenancy.load_plan(plan_id, edit=True)
    document = plan_service.revision_snapshot(get_session(), _revision(plan, number))
    name = f"{g.municipality.slug}-{plan.year}-{plan.kind}-revision-{number}.json"
    return Response(json.dumps(document, ensure_ascii=False, indent=2) + "\n", mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/<int:plan_id>/compare")
def compare(municipality: str, plan_id: int):
    plan, plan_kind = tenancy.load_plan(plan_id, edit=True)
    old = _revision(plan, request.args.get("a", max(plan.revision - 1, 1)))
    new = _revision(plan, request.args.get("b", plan.revision))
    diff = _readable_diff(plan, plan_kind, old, new)
    return render_template("plans/compare.html", plan=plan, plan_kind=plan_kind, old=old, new=new, diff=diff)


def _readable_diff(plan: AnnualPlan, plan_kind: PlanKind, old: PlanRevision, new: PlanRevision) -> ShownDiff:
    from core.web import tr

    return readable_diff(diff_documents(old.document, new.document), get_registry(), plan_kind, plan.year,
                         plan.municipality.currency, tr)


@bp.route("/<int:plan_id>/revisions/<int:number>/restore", methods=["GET", "POST"])
def restore(municipality: str, plan_id: int, number: int):
    """Restore an earlier revision as a new one: GET says what it will change, POST (confirmed) does it."""
    plan, plan_kind = tenancy.load_plan(plan_id, edit=True)
    target = _revision(plan, number)
    if request.method == "POST":
        base = request.form.get("_base_revision", "")
        error = _commit_or_error(lambda: plan_service.restore_revision(
            get_session(), get_registry(), plan, number, current_user,
            expected_revision=int(base) if base.isdigit() and len(base) < 10 else None))
        if error is None:
            flash(_("Revision %(old)s was restored as revision %(new)s.", old=number, new=plan.revision), "success")
            return redirect(_plan_url(plan, "plans.revisions"))
        flash(_error_message(error), "error")
        return redirect(_plan_url(plan, "plans.restore", number=number))
    current = _revision(plan, plan.revision)
    return render_template("plans/revisions_restore.html", plan=plan, plan_kind=plan_kind, target=target,
                           current=current, diff=_readable_diff(plan, plan_kind, current, target),
                           read_only=plan_service.is_read_only(plan, plan_kind))


# --- reports ----------------------------------------------------------------------------------------------


@bp.route("/<int:plan_id>/reports/<report>/<lang>.pdf")
def report(municipality: str, plan_id: int, report: str, lang: str):
    from core.reports import UnknownReportKind, render_report

    plan, _plan_kind = tenancy.load_plan(plan_id)
    available = {kind.code for kind in get_registry().report_kinds_for(g.municipality.enabled_plugins, plan.kind)}
    if report not in available or lang not in LOCALES:
        abort(404)
    number = _shown(plan)
    try:
        pdf = render_report(get_session(), plan, report, lang, revision=number)
    except UnknownReportKind:
        abort(404)
    adopted = "-adopted" if number == plan.adopted_revision else f"-revision-{number}"
    filename = f"{plan.municipality.slug}-{plan.year}-{report}-{lang}{adopted}.pdf"
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/<int:plan_id>/documents/<document>/<lang>.<fmt>")
def council_document(municipality: str, plan_id: int, document: str, lang: str, fmt: str):
    """A council document of the revision the reader sees (core.services.council_documents), as PDF or DOCX."""
    from core.services.council_documents import NoSuchDocument, render

    plan, _plan_kind = tenancy.load_plan(plan_id)
    try:
        rendered = render(get_session(), get_registry(), plan, document, fmt, lang, _shown(plan))
    except NoSuchDocument:
        abort(404)
    return Response(rendered.body, mimetype=rendered.mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{rendered.filename}"'})
