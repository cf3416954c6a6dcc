"""Tenancy and roles: which municipality a request is about, and what the signed-in user may do there.

A URL that belongs to a municipality carries its slug as ``<municipality>``; :func:`load_municipality`
puts it on ``g.municipality``. Rules:

- admin: every municipality, every plan;
- planner: reads and edits its own municipality's plans;
- viewer (a council member): reads and downloads its own municipality's approved plans only.

Another tenant's data answers 404 (its existence is not revealed); a forbidden action on one's own
tenant answers 403.
"""

from __future__ import annotations

from flask import abort, current_app, g, request
from flask_login import current_user
from sqlalchemy.orm import lazyload

from core.db import get_session
from core.models import AnnualPlan, Municipality, Role
from core.plugin_api import PlanKind
from core.plugin_manager import get_registry
from core.services.accounts import municipality_by_slug


def is_admin() -> bool:
    return current_user.is_authenticated and current_user.role == Role.ADMIN


def require_admin() -> None:
    if not current_user.is_authenticated:
        abort(current_app.login_manager.unauthorized())
    if not is_admin():
        abort(403)


def load_municipality(slug: str) -> Municipality:
    """The municipality of the URL, if the signed-in user may see it; else 404."""
    own = current_user.municipality if current_user.is_authenticated else None
    # The user's own municipality came with the user (one query less); any other is looked up.
    municipality = own if own is not None and own.slug == slug else municipality_by_slug(get_session(), slug)
    if municipality is None:
        abort(404)
    if not is_admin() and current_user.municipality_id != municipality.id:
        abort(404)
    g.municipality = municipality
    return municipality


def load_municipality_from_url() -> None:
    """``before_request`` of core's blueprints whose routes take ``<municipality>`` (plugins' blueprints get
    :func:`core.web.plugins.guard` instead, which adds the plugin's enabled check and the role rule)."""
    if not current_user.is_authenticated:
        # Flask-Login's answer (a redirect to the sign-in page) ends the request.
        return current_app.login_manager.unauthorized()
    slug = (request.view_args or {}).get("municipality")
    if slug is not None:
        load_municipality(slug)
    return None


def require_plugin(plugin_name: str) -> None:
    """404 unless ``plugin_name`` is enabled for ``g.municipality``; core's guard of every plugin blueprint
    calls it (:func:`core.web.plugins.guard`), so plugin authors never do."""
    municipality = getattr(g, "municipality", None)
    if municipality is None or plugin_name not in municipality.enabled_plugins:
        abort(404)


def can_edit() -> bool:
    """Planners of this municipality and admins change plans; viewers never."""
    return current_user.is_authenticated and current_user.role in (Role.ADMIN, Role.PLANNER)


def require_editor() -> None:
    if not can_edit():
        abort(403)


def plan_kind_enabled(plan_kind_code: str) -> PlanKind | None:
    registry = get_registry()
    plugin = registry.plugin_of_plan_kind(plan_kind_code)
    if plugin is None or plugin not in g.municipality.enabled_plugins:
        return None
    return registry.plan_kind(plan_kind_code)


def visible_to_viewer(plan: AnnualPlan, plan_kind: PlanKind) -> bool:
    """A viewer sees a plan once the council adopted a revision of it, also while a new one is drafted."""
    return plan.adopted_revision is not None or plan.status in plan_kind.read_only_statuses


def shown_revision(plan: AnnualPlan, asked: str | None = None) -> int:
    """The revision a request reads: a viewer always the adopted one; anyone else the working revision,
    or the adopted one when ``asked`` is "adopted" (a download "as adopted"), or a number they name."""
    adopted = plan.adopted_revision if plan.adopted_revision is not None else plan.revision
    if current_user.role == Role.VIEWER or asked == "adopted":
        return adopted
    if asked and asked.isdigit() and len(asked) < 10 and 0 < int(asked) <= plan.revision:
        return int(asked)
    return plan.revision


def load_plan(plan_id: int, edit: bool = False) -> tuple[AnnualPlan, PlanKind]:
    """The plan ``plan_id`` of ``g.municipality`` and its kind, or 404 / 403.

    ``edit`` asks for the right to change it (planner or admin). A viewer sees approved plans only.
    """
    # The municipality is g.municipality's (checked below): taken from the session, not joined again.
    plan = get_session().get(AnnualPlan, plan_id, options=[lazyload(AnnualPlan.municipality)])
    if plan is None or plan.municipality_id != g.municipality.id:
        abort(404)
    return plan, authorize_plan(plan, edit)


def authorize_plan(plan: AnnualPlan, edit: bool = False) -> PlanKind:
    """The kind of ``plan`` (of ``g.municipality``) when the user may see it, ``edit``: change it; the
    web's and the API's one rule: a plan kind whose plugin is off, and for a viewer a plan not yet
    approved, answer 404; a viewer asking to change a plan gets 403."""
    plan_kind = plan_kind_enabled(plan.kind)
    if plan_kind is None:
        abort(404)
    if current_user.role == Role.VIEWER and not visible_to_viewer(plan, plan_kind):
        abort(404)
    if edit:
        require_editor()
    g.plan = plan
    return plan_kind
