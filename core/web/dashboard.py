"""A municipality's dashboard: its plans by year, kind and status, open findings, plugin panels."""

from __future__ import annotations

from collections import defaultdict

from flask import Blueprint, current_app, g, render_template, request
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from core.db import get_session
from core.i18n import current_locale
from core.models import AnnualPlan, Role
from core.plugin_manager import get_registry
from core.web import tenancy
from core.web.cache import fragment_cache, named_key
from core.web.helpers import plugin_label

bp = Blueprint("dashboard", __name__, url_prefix="/m/<municipality>")
bp.before_request(tenancy.load_municipality_from_url)


@bp.route("/")
def index(municipality: str):
    session, registry = get_session(), get_registry()
    m = g.municipality
    # The plans' municipality is g.municipality, already in the session: not joined again (nor its plugins).
    plans = session.scalars(
        select(AnnualPlan).where(AnnualPlan.municipality_id == m.id).order_by(AnnualPlan.year.desc(), AnnualPlan.kind)
        .options(lazyload(AnnualPlan.municipality))
    ).all()
    by_year: dict[int, list[dict]] = defaultdict(list)
    viewer = current_user.role == Role.VIEWER
    disabled: dict[str, int] = defaultdict(int)  # plans of a plugin disabled here, by plugin: said, not hidden
    for plan in plans:
        plan_kind = tenancy.plan_kind_enabled(plan.kind)
        known = plan_kind or registry.plan_kind(plan.kind)
        if known is None or (viewer and not tenancy.visible_to_viewer(plan, known)):
            continue
        if plan_kind is None:
            disabled[registry.plugin_of_plan_kind(plan.kind)] += 1
            continue
        by_year[plan.year].append({"plan": plan, "kind": plan_kind, "errors": 0 if viewer else plan.error_count,
                                   "warnings": 0 if viewer else plan.warning_count})
    panels = registry.collect_enabled("socialplan_dashboard_panels", m.enabled_plugins, municipality=m,
                                      session=session)
    return render_template("dashboard/index.html", plans_table=_plans_table(dict(by_year), viewer), panels=panels,
                           plan_kinds=registry.plan_kinds_for(m.enabled_plugins), can_edit=tenancy.can_edit(),
                           disabled=sorted((plugin_label(p), n) for p, n in disabled.items()))


def _plans_table(by_year: dict[int, list[dict]], viewer: bool) -> Markup:
    """The plans' tables, one per year (empty when there are none), kept per process under :func:`_plans_key`."""
    if not by_year:
        return Markup("")
    key, tables = _plans_key(by_year, viewer), fragment_cache(current_app)
    if key is not None and (html := tables.get(key)) is not None:
        return html
    html = Markup(render_template("dashboard/_plans.html", by_year=by_year, viewer=viewer))
    if key is not None:
        tables.put(key, html)
    return html


def _plans_key(by_year: dict[int, list[dict]], viewer: bool) -> tuple | None:
    """Everything the plans' tables show, each input by name, or None when they are not to be kept.

    Each row shows a plan's link (its id under the municipality's slug and the script root), its
    kind's name and status label (fixed for the process, translated by the locale), its finding
    counts (hidden from viewers) and when it last changed (formatted for the locale). Templates
    are fixed for the process unless they reload (debug), when nothing is kept.
    tests/test_web_page_cache.py enumerates what dashboard/_plans.html reads against these names.
    """
    if current_app.jinja_env.auto_reload:
        return None
    rows = tuple(named_key({
        "plan.id": entry["plan"].id, "plan.year": entry["plan"].year, "plan.kind": entry["plan"].kind,
        "plan.status": entry["plan"].status, "errors": entry["errors"], "warnings": entry["warnings"],
        "plan.updated_at": entry["plan"].updated_at,
    }) for entries in by_year.values() for entry in entries)
    return named_key({"municipality.slug": g.municipality.slug, "request.script_root": request.script_root,
                      "locale": current_locale(), "viewer": viewer, "plans": rows})
