"""Plan tables in the browser: download every table as CSV or XLSX, upload an XLSX back.

An upload replaces the section's rows in one change (one revision) when every row is accepted;
when any row is refused nothing is saved and the page lists each refused cell by row and column.
The rules are the web's (:mod:`core.web.tenancy`): viewers download approved plans only, planners
and admins upload into plans that are not approved.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from core.db import get_session
from core.interchange import DocumentError
from core.models import AnnualPlan
from core.plugin_api import PlanKind, SectionSpec
from core.plugin_manager import get_registry
from core.services import tables
from core.services.plans import PlanError, document_of, is_read_only, revision_document_at
from core.web import tenancy
from core.web.api.access import load_plan_by_key

bp = Blueprint("tables", __name__, url_prefix="/m/<municipality>/plans/<int:year>/<kind>/tables")
bp.before_request(tenancy.load_municipality_from_url)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


def _choices(plan: AnnualPlan, plan_kind: PlanKind, spec: SectionSpec, document: dict) -> dict:
    """The section's chosen codes and their words, as its forms offer them (and its rows of ``document`` use):
    a table says the words."""
    from core.web.comparison import SectionReader

    rows = document["sections"][spec.key]["rows"]
    return SectionReader(get_registry(), plan_kind, spec, plan.year, plan.municipality.currency, rows).choices


def _spec(plan_kind: PlanKind, section: str) -> SectionSpec:
    spec = plan_kind.section(section)
    if spec is None or spec not in tables.table_sections(plan_kind):
        abort(404)
    return spec


def _page(plan: AnnualPlan, plan_kind: PlanKind, errors: list[tables.CellError] = (), failed: str = "",
          message: str = "", status: int = 200):
    document = _shown_document(plan)
    sections = [{"spec": spec, "rows": len(document["sections"][spec.key]["rows"]),
                 "importable": spec.row_type in tables.IMPORTABLE} for spec in tables.table_sections(plan_kind)]
    can_upload = tenancy.can_edit() and not is_read_only(plan, plan_kind)
    return render_template("tables/index.html", plan=plan, plan_kind=plan_kind, sections=sections,
                           can_upload=can_upload, errors=errors, failed=failed, message=message), status


def _shown_document(plan: AnnualPlan) -> dict:
    """The plan as this request reads it: a viewer (or ``?revision=adopted``) the adopted revision."""
    number = tenancy.shown_revision(plan, request.args.get("revision"))
    return revision_document_at(get_session(), get_registry(), plan, number)


@bp.route("/")
def index(municipality: str, year: int, kind: str):
    plan, plan_kind = load_plan_by_key(municipality, year, kind)
    return _page(plan, plan_kind)


@bp.route("/<section>.<any(csv, xlsx):fmt>")
def download(municipality: str, year: int, kind: str, section: str, fmt: str):
    plan, plan_kind = load_plan_by_key(municipality, year, kind)
    spec = _spec(plan_kind, section)
    document = _shown_document(plan)
    header, rows = tables.section_to_table(document, plan_kind, spec.key, get_registry(),
                                           _choices(plan, plan_kind, spec, document))
    if fmt == "csv":
        body, mimetype = tables.to_csv(header, rows), CSV
    else:
        body, mimetype = tables.to_xlsx(header, rows, spec.key), XLSX
    filename = f"{municipality}-{year}-{kind}-{spec.key}.{fmt}"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/<section>/import", methods=["POST"])
def upload(municipality: str, year: int, kind: str, section: str):
    plan, plan_kind = load_plan_by_key(municipality, year, kind, edit=True)
    spec = _spec(plan_kind, section)
    if spec.row_type not in tables.IMPORTABLE:
        abort(404)
    if is_read_only(plan, plan_kind):
        return _page(plan, plan_kind, failed=spec.key, status=409,
                     message=_("This plan is approved and read-only. Open a new revision to change it."))
    upload_file = request.files.get("file")
    if upload_file is None or not upload_file.filename:
        return _page(plan, plan_kind, failed=spec.key, message=_("Choose an Excel file (.xlsx) to upload."),
                     status=400)
    session, registry = get_session(), get_registry()
    try:
        document = document_of(session, registry, plan)
        result = tables.rows_from_xlsx(upload_file.read(), document, plan_kind, spec.key, registry,
                                       choices=_choices(plan, plan_kind, spec, document))
    except tables.TableImportError as error:
        return _page(plan, plan_kind, failed=spec.key, message=str(error), status=400)
    if not result.ok:
        return _page(plan, plan_kind, errors=result.errors, failed=spec.key, status=400,
                     message=_("No row was saved: correct the rows below and upload the file again."))
    try:
        tables.replace_rows(session, registry, plan, spec.key, result.rows, current_user._get_current_object())
    except (PlanError, DocumentError) as error:
        session.rollback()
        reason = error.reason if isinstance(error, DocumentError) else str(error)
        return _page(plan, plan_kind, failed=spec.key, message=reason, status=400)
    session.commit()
    flash(ngettext("%(num)s row was imported into “%(section)s”.", "%(num)s rows were imported into “%(section)s”.",
                   len(result.rows), section=str(spec.title)), "success")
    return redirect(url_for("tables.index", year=year, kind=kind))
