"""A municipality's dashboard: its plans by year, kind and status, open findings, plugin panels."""

from __future__ import annotations

from collections import defaultdict

from flask import Blueprint, g, render_template
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from core.db import get_session
from core.models import AnnualPlan, Role
from core.plugin_manager import get_registry
from core.web import tenancy

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
    for plan in plans:
        plan_kind = tenancy.plan_kind_enabled(plan.kind)
        if plan_kind is None or (viewer and not tenancy.visible_to_viewer(plan, plan_kind)):
            continue
        by_year[plan.year].append({"plan": plan, "kind": plan_kind, "errors": 0 if viewer else plan.error_count,
                                   "warnings": 0 if viewer else plan.warning_count})
    panels = registry.collect_enabled("socialplan_dashboard_panels", m.enabled_plugins, municipality=m,
                                      session=session)
    return render_template("dashboard/index.html", by_year=dict(by_year), panels=panels,
                           plan_kinds=registry.plan_kinds_for(m.enabled_plugins), can_edit=tenancy.can_edit())
