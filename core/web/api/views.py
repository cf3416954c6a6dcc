"""The routes of the JSON API. Each view carries its OpenAPI operation (see :func:`operation`)."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.db import get_session
from core.i18n import LOCALES
from core.interchange import DocumentError, check_schema, export_section, validator_of
from core.limits import ROW_INDEX_MAX, YEAR_MAX, YEAR_MIN
from core.models import AnnualPlan, Municipality, Role
from core.plugin_api import Finding, PlanKind, RowType, SectionSpec
from core.plugin_manager import get_registry
from core.reports import UnknownReportKind, render_report
from core.services.imports import import_plan
from core.services.plans import (
    AdoptedPlanError,
    ConflictError,
    PlanError,
    Precondition,
    add_row,
    delete_row,
    document_of,
    etag_of,
    is_read_only,
    revision_document_at,
    update_row,
)
from core.services.validation import validate_document
from core.text import NestingError, load_json
from core.web import tenancy
from core.web.api import bp
from core.web.api.access import ApiError, load_plan_by_key
from core.web.api.openapi import build_spec, error_responses, json_body, json_response, operation, ref

# A year outside the plans' years, or a row index beyond any section, matches no route: 404 (see core.web.routing).
PLAN = f"/municipalities/<slug>/plans/<int(min={YEAR_MIN}, max={YEAR_MAX}):year>/<kind>"
SECTION = PLAN + "/sections/<section>"
ROW = SECTION + f"/rows/<int(max={ROW_INDEX_MAX}):index>"


# --- helpers -----------------------------------------------------------------------------------


def _user():
    return current_user._get_current_object()


def _finding(finding: Finding) -> dict[str, Any]:
    return {"severity": str(finding.severity), "message": finding.message, "field": finding.field,
            "rule": finding.rule, "blocks_import": finding.blocks_import}


def _lang(default: str) -> str:
    lang = request.args.get("lang") or default
    if lang not in LOCALES:
        raise ApiError(400, _("The language must be one of: %(languages)s.", languages=", ".join(LOCALES)), "lang")
    return lang


def _section_spec(plan_kind: PlanKind, key: str, rows: bool = False) -> SectionSpec:
    spec = plan_kind.section(key)
    if spec is None:
        raise ApiError(404, _("This plan has no section '%(section)s'.", section=key), "section")
    if rows and spec.row_type is RowType.TEXT:
        raise ApiError(400, _("The section '%(section)s' has text, not rows.", section=key), "section")
    return spec


def _json_object() -> dict[str, Any]:
    """The request's JSON object, its text as the product keeps text (:func:`core.text.clean_value`)."""
    try:
        body = load_json(request.get_data(cache=True)) if request.is_json else None
    except NestingError:
        raise ApiError(400, _("The request body is nested too deeply.")) from None
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise ApiError(400, _("The request body must be a JSON object."))
    return body


def check_row(spec: SectionSpec, row: dict[str, Any]) -> None:
    """Refuse a row that does not have the shape of its row type, or of its section's columns for a plugin's
    entry (400 naming the offending field)."""
    if spec.row_type is RowType.ENTRY:
        allowed = {column.key for column in spec.columns}
        unknown = sorted(set(row) - allowed) if allowed else []
        if unknown:
            raise ApiError(400, _("The section has no column '%(column)s'.", column=unknown[0]), unknown[0])
    validator = validator_of(spec)
    if validator is not None:
        error = next(iter(sorted(validator.iter_errors(row), key=lambda e: list(e.absolute_path))), None)
        if error is not None:
            raise ApiError(400, error.message, "/".join(str(part) for part in error.absolute_path) or "row")


def _require_writable(plan: AnnualPlan, plan_kind: PlanKind) -> None:
    if is_read_only(plan, plan_kind):
        raise ApiError(409, _("This plan is approved and read-only. Open a new revision to change it."))


def _rows(plan: AnnualPlan, spec: SectionSpec) -> list[dict[str, Any]]:
    return _shown_section(plan, spec)["rows"]


def _shown(plan: AnnualPlan) -> int:
    """The revision the call reads (``?revision=adopted`` or a number; a viewer: always the adopted one)."""
    return tenancy.shown_revision(plan, request.args.get("revision"))


def _shown_document(plan: AnnualPlan) -> dict[str, Any]:
    number = _shown(plan)
    if number == plan.revision:
        return document_of(get_session(), get_registry(), plan)
    return revision_document_at(get_session(), get_registry(), plan, number)


def _shown_section(plan: AnnualPlan, spec: SectionSpec) -> dict[str, Any]:
    if _shown(plan) == plan.revision:
        return export_section(get_session(), plan, spec)
    return _shown_document(plan)["sections"].get(spec.key) or {"not_applicable": False, "text": {}, "footnote": {},
                                                                "rows": []}


def _tagged(response: Response, value: Any) -> Response:
    """``response`` with the ETag of ``value`` (what If-Match names to change it) and no caching by others."""
    response.headers["ETag"] = etag_of(value)
    return response


def _if_match() -> Precondition | None:
    """The ETag a PUT or DELETE is based on (If-Match), or None when it names none or any ('*')."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    tags = [tag.strip() for tag in header.split(",") if tag.strip()]
    if len(tags) != 1 or tags[0].startswith("W/"):
        raise ApiError(400, _("If-Match must name one strong entity tag, as the ETag header gave it."), "If-Match")
    return Precondition(etag=tags[0])


IF_MATCH = {"name": "If-Match", "in": "header", "required": False, "schema": {"type": "string"},
            "description": "The ETag the row had when read: the change is refused (412) if it has another now."}
ETAG = {"ETag": {"description": "The entity tag of what was answered: send it as If-Match to change it",
                 "schema": {"type": "string"}}}
REVISION = {"name": "revision", "in": "query", "required": False, "schema": {"type": "string"},
            "description": "'adopted' for the revision the council adopted, or a revision number; the working "
                           "revision when left out. A council viewer always reads the adopted revision."}


def _check_index(rows: list[Any], index: int) -> None:
    if not 0 <= index < len(rows):
        raise ApiError(404, _("There is no row %(number)s in this section.", number=index + 1), "index")


def _section_findings(plan: AnnualPlan, plan_kind: PlanKind, section: str) -> list[dict[str, Any]]:
    document = document_of(get_session(), get_registry(), plan)
    return [_finding(f) for f in validate_document(get_registry(), plan, plan_kind, document)
            if f.field.split("/", 1)[0] == section]


def _row_answer(plan: AnnualPlan, plan_kind: PlanKind, spec: SectionSpec, where: int | str, status: int = 200):
    """The row at index ``where`` (or of uid ``where``) as stored now, with its ETag and the section's findings."""
    rows = _rows(plan, spec)
    index = where if isinstance(where, int) else next(i for i, row in enumerate(rows) if row["uid"] == where)
    response = _tagged(jsonify(index=index, row=rows[index], revision=plan.revision,
                               findings=_section_findings(plan, plan_kind, spec.key)), rows[index])
    response.status_code = status
    return response


def _commit_change(change) -> None:
    session = get_session()
    try:
        change()
    except ConflictError as error:
        session.rollback()
        raise ApiError(412 if request.headers.get("If-Match") else 409, str(error), error.field,
                       revision=error.revision) from None
    except PlanError as error:
        session.rollback()
        raise ApiError(400, str(error), error.field) from None
    except DocumentError as error:
        session.rollback()
        raise ApiError(400, error.reason, error.path) from None
    session.commit()


def _plan_summary(plan: AnnualPlan) -> dict[str, Any]:
    return {"year": plan.year, "kind": plan.kind, "status": plan.status, "revision": plan.revision,
            "adopted_revision": plan.adopted_revision,
            "title": plan.title or {}, "updated_at": plan.updated_at.isoformat() + "Z",
            "url": url_for("api.plan_document", slug=plan.municipality.slug, year=plan.year, kind=plan.kind)}


LANG = {"name": "lang", "in": "query", "required": False, "schema": {"type": "string", "enum": list(LOCALES)},
        "description": "Language of messages and reports; the municipality's language when left out."}


# --- the document and who I am -----------------------------------------------------------------


@bp.route("/openapi.json")
@operation(get={"summary": "This OpenAPI document", "security": [], "tags": ["meta"],
                "responses": {"200": json_response("The OpenAPI document", {"type": "object"})}})
def openapi_document():
    spec = current_app.extensions.get("socialplan.openapi")
    if spec is None:
        spec = current_app.extensions["socialplan.openapi"] = build_spec(current_app)
    return jsonify(spec)


@bp.route("/me")
@operation(get={"summary": "The user the token belongs to", "tags": ["meta"],
                "responses": {"200": json_response("The user", ref("User")), **error_responses(401)}})
def me():
    municipality = current_user.municipality
    return jsonify(email=current_user.email, role=current_user.role,
                   municipality=municipality.slug if municipality else None)


@bp.route("/municipalities")
@operation(get={"summary": "The municipalities the user may see", "tags": ["plans"],
                "responses": {"200": json_response("Municipalities", {"type": "array", "items": ref("Municipality")}),
                              **error_responses(401)}})
def municipalities():
    query = select(Municipality).order_by(Municipality.slug)
    if current_user.role != Role.ADMIN:
        query = query.where(Municipality.id == current_user.municipality_id)
    return jsonify([{"slug": m.slug, "name": m.name, "country": m.country, "default_locale": m.default_locale,
                     "currency": m.currency, "plugins": sorted(m.enabled_plugins)}
                    for m in get_session().scalars(query)])


# --- plans -------------------------------------------------------------------------------------


@bp.route("/municipalities/<slug>/plans")
@operation(get={"summary": "A municipality's plans (a council viewer sees approved plans only)", "tags": ["plans"],
                "responses": {"200": json_response("Plans", {"type": "array", "items": ref("PlanSummary")}),
                              **error_responses(401, 404)}})
def plans(slug: str):
    municipality = tenancy.load_municipality(slug)
    rows = get_session().scalars(select(AnnualPlan).where(AnnualPlan.municipality_id == municipality.id)
                                 .order_by(AnnualPlan.year.desc(), AnnualPlan.kind))
    answer = []
    for plan in rows:
        plan_kind = tenancy.plan_kind_enabled(plan.kind)
        if plan_kind is None or (current_user.role == Role.VIEWER and not tenancy.visible_to_viewer(plan, plan_kind)):
            continue
        answer.append(_plan_summary(plan))
    return jsonify(answer)


@bp.route(PLAN)
@operation(get={"summary": "The plan document", "tags": ["plans"], "parameters": [REVISION],
                "responses": {"200": {**json_response("The plan document", ref("PlanDocument")), "headers": ETAG},
                              **error_responses(401, 404)}})
def plan_document(slug: str, year: int, kind: str):
    plan, _kind = load_plan_by_key(slug, year, kind)
    document = _shown_document(plan)
    response = _tagged(jsonify(document), document)
    response.headers["X-Plan-Revision"] = str(_shown(plan))
    return response


@bp.route(SECTION)
@operation(get={"summary": "One section of the plan: its text and its rows", "tags": ["sections"],
                "parameters": [REVISION],
                "responses": {"200": {**json_response("The section", ref("SectionView")), "headers": ETAG},
                              **error_responses(401, 404)}})
def section(slug: str, year: int, kind: str, section: str):
    plan, plan_kind = load_plan_by_key(slug, year, kind)
    spec = _section_spec(plan_kind, section)
    content = _shown_section(plan, spec)
    number = _shown(plan)
    return _tagged(jsonify(key=spec.key, title=str(spec.title), row_type=str(spec.row_type),
                           columns=[{"key": c.key, "label": str(c.label), "kind": c.kind} for c in spec.columns],
                           read_only=is_read_only(plan, plan_kind) or number != plan.revision, revision=number,
                           **content), content)


@bp.route(SECTION + "/rows", methods=["POST"])
@operation(post={
    "summary": "Add a row to a section", "tags": ["sections"],
    "description": "The body is one row in the shape of the section's row type. A revision is kept.",
    "parameters": [{"name": "position", "in": "query", "required": False,
                    "schema": {"type": "integer", "minimum": 0, "maximum": ROW_INDEX_MAX},
                    "description": "Where to insert the row (0 = first); at the end when left out."}],
    "requestBody": json_body("A row", ref("Row")),
    "responses": {"201": json_response("The row as stored, the plan's revision and the section's findings",
                                       ref("RowAnswer")), **error_responses(400, 401, 403, 404, 409)}})
def add_section_row(slug: str, year: int, kind: str, section: str):
    plan, plan_kind = load_plan_by_key(slug, year, kind, edit=True)
    spec = _section_spec(plan_kind, section, rows=True)
    _require_writable(plan, plan_kind)
    row = _json_object()
    check_row(spec, row)
    count = len(_rows(plan, spec))
    position = request.args.get("position", type=int)
    if position is not None and not 0 <= position <= count:
        raise ApiError(400, _("The position must be between 0 and %(count)s.", count=count), "position")
    _commit_change(lambda: add_row(get_session(), get_registry(), plan, spec.key, row, _user(), position))
    index = count if position is None else position
    response = _row_answer(plan, plan_kind, spec, index, 201)
    response.headers["Location"] = url_for("api.section_row", slug=slug, year=year, kind=kind, section=section,
                                           index=index)
    return response


@bp.route(ROW, methods=["GET"])
@operation(get={"summary": "One row of a section (rows count from 0)", "tags": ["sections"],
                "parameters": [REVISION],
                "responses": {"200": {**json_response("The row", ref("Row")), "headers": ETAG},
                              **error_responses(401, 404)}})
def section_row(slug: str, year: int, kind: str, section: str, index: int):
    plan, plan_kind = load_plan_by_key(slug, year, kind)
    rows = _rows(plan, _section_spec(plan_kind, section, rows=True))
    _check_index(rows, index)
    return _tagged(jsonify(rows[index]), rows[index])


@bp.route(ROW, methods=["PUT"])
@operation(put={"summary": "Replace a row of a section", "tags": ["sections"], "parameters": [IF_MATCH],
                "description": "The row keeps its uid. With If-Match, the change is refused (412) when the row "
                               "changed since it was read.",
                "requestBody": json_body("The row", ref("Row")),
                "responses": {"200": {**json_response("The row as stored", ref("RowAnswer")), "headers": ETAG},
                              **error_responses(400, 401, 403, 404, 409, 412)}})
def update_section_row(slug: str, year: int, kind: str, section: str, index: int):
    plan, plan_kind = load_plan_by_key(slug, year, kind, edit=True)
    spec = _section_spec(plan_kind, section, rows=True)
    _require_writable(plan, plan_kind)
    rows = _rows(plan, spec)
    _check_index(rows, index)
    uid = rows[index]["uid"]
    row = _json_object()
    check_row(spec, row)
    precondition = _if_match()
    _commit_change(lambda: update_row(get_session(), get_registry(), plan, spec.key, index, row, _user(), uid=uid,
                                      precondition=precondition))
    return _row_answer(plan, plan_kind, spec, uid)


@bp.route(ROW, methods=["DELETE"])
@operation(delete={"summary": "Remove a row of a section", "tags": ["sections"], "parameters": [IF_MATCH],
                   "description": "With If-Match, refused (412) when the row changed since it was read.",
                   "responses": {"200": json_response("The plan's new revision", ref("Deleted")),
                                 **error_responses(401, 403, 404, 409, 412)}})
def delete_section_row(slug: str, year: int, kind: str, section: str, index: int):
    plan, plan_kind = load_plan_by_key(slug, year, kind, edit=True)
    spec = _section_spec(plan_kind, section, rows=True)
    _require_writable(plan, plan_kind)
    rows = _rows(plan, spec)
    _check_index(rows, index)
    uid, precondition = rows[index]["uid"], _if_match()
    _commit_change(lambda: delete_row(get_session(), get_registry(), plan, spec.key, index, _user(), uid=uid,
                                      precondition=precondition))
    return jsonify(deleted=index, uid=uid, revision=plan.revision)


# --- findings and reports ----------------------------------------------------------------------


@bp.route(PLAN + "/findings")
@operation(get={"summary": "The rule findings of the plan, errors first", "tags": ["findings"], "parameters": [LANG],
                "responses": {"200": json_response("Findings", ref("Findings")), **error_responses(400, 401, 404)}})
def findings(slug: str, year: int, kind: str):
    plan, plan_kind = load_plan_by_key(slug, year, kind)
    with force_locale(_lang(plan.municipality.default_locale)):
        document = document_of(get_session(), get_registry(), plan)
        found = validate_document(get_registry(), plan, plan_kind, document)
        counts = {severity: sum(1 for f in found if f.severity == severity) for severity in ("error", "warning",
                                                                                             "info")}
        return jsonify(revision=plan.revision, counts=counts, findings=[_finding(f) for f in found])


@bp.route(PLAN + "/reports")
@operation(get={"summary": "The report kinds available for the plan", "tags": ["reports"],
                "responses": {"200": json_response("Report kinds", {"type": "array", "items": ref("ReportKind")}),
                              **error_responses(401, 404)}})
def reports(slug: str, year: int, kind: str):
    plan, _kind = load_plan_by_key(slug, year, kind)
    kinds = get_registry().report_kinds_for(plan.municipality.enabled_plugins, plan.kind)
    return jsonify([{"code": k.code, "name": str(k.name), "languages": list(LOCALES),
                     "url": url_for("api.report", slug=slug, year=year, kind=kind, report_kind=k.code)}
                    for k in kinds])


@bp.route(PLAN + "/reports/<report_kind>")
@operation(get={"summary": "A report of the plan as PDF", "tags": ["reports"], "parameters": [LANG],
                "responses": {"200": {"description": "The PDF",
                                      "content": {"application/pdf": {"schema": {"type": "string",
                                                                                 "format": "binary"}}}},
                              **error_responses(400, 401, 404)}})
def report(slug: str, year: int, kind: str, report_kind: str):
    plan, _kind = load_plan_by_key(slug, year, kind)
    lang = _lang(plan.municipality.default_locale)
    try:
        pdf = render_report(get_session(), plan, report_kind, lang)
    except UnknownReportKind:
        raise ApiError(404, _("There is no report '%(report)s' for this plan.", report=report_kind),
                       "report_kind") from None
    filename = f"{slug}-{year}-{report_kind}-{lang}.pdf"
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# --- import ------------------------------------------------------------------------------------


def _refused(error: DocumentError) -> ApiError:
    return ApiError(422, _("The plan document was refused: %(path)s: %(reason)s", path=error.path,
                           reason=error.reason), error.path, path=error.path, reason=error.reason)


def _check_import_rights(document: dict[str, Any]) -> None:
    """Planners import into their own municipality only, and only drafts (approval is a workflow step)."""
    if current_user.role == Role.VIEWER:
        raise ApiError(403, _("Your account may not do this."))
    if current_user.role == Role.ADMIN:
        return
    if current_user.municipality is None or current_user.municipality.slug != document["municipality"]["slug"]:
        raise ApiError(404, not_found_message(), "municipality.slug")
    plan_kind = get_registry().plan_kind(document["kind"])
    if plan_kind is not None and document["status"] != plan_kind.statuses[0]:
        raise ApiError(403, _("Only an administrator can import a plan whose status is '%(status)s'.",
                              status=document["status"]), "status")


def not_found_message() -> str:
    return _("There is no such resource, or it is not available to you.")


@bp.route("/plans/import", methods=["POST"])
@operation(post={
    "summary": "Create or replace a plan from a plan document", "tags": ["plans"],
    "description": "All or nothing: a document that is refused leaves the database as it was. A plan the "
                   "council adopted is never replaced: the import is refused (409) unless as_new_revision asks "
                   "to add the document as a new working revision (a draft; the adopted revision stays).",
    "parameters": [{"name": "as_new_revision", "in": "query", "required": False,
                    "schema": {"type": "boolean"},
                    "description": "Add the document to an adopted plan as a new working revision."}],
    "requestBody": json_body("A plan document", ref("PlanDocument")),
    "responses": {"201": json_response("The imported plan", ref("PlanSummary")),
                  "422": json_response("The document was refused", ref("Refused")),
                  **error_responses(400, 401, 403, 404, 409)}})
def import_document():
    document = _json_object()
    try:
        check_schema(document)
    except DocumentError as error:
        raise _refused(error) from None
    _check_import_rights(document)
    session = get_session()
    as_new_revision = request.args.get("as_new_revision", "").lower() in ("1", "true", "yes")
    try:
        plan = import_plan(session, get_registry(), document, _user(), as_new_revision)
    except DocumentError as error:
        session.rollback()
        raise _refused(error) from None
    except AdoptedPlanError as error:
        session.rollback()
        raise ApiError(409, _("%(reason)s Send it again with ?as_new_revision=true to add it as a new working "
                              "revision.", reason=str(error)), "as_new_revision") from None
    except PlanError as error:
        session.rollback()
        raise ApiError(422, str(error), error.field) from None
    session.commit()
    response = jsonify(_plan_summary(plan))
    response.status_code = 201
    response.headers["Location"] = _plan_summary(plan)["url"]
    return response


@bp.route("/<path:anything>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def not_found(anything: str):
    """Unknown URLs under /api/v1 answer JSON too (left out of the OpenAPI document)."""
    raise ApiError(404, not_found_message())
