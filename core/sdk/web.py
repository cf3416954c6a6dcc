"""A plugin's web pages: its blueprint, the request's context and session, roles, table downloads.

Core wraps every view of a plugin's blueprint (see ``socialplan_blueprints``): sign-in, the
municipality of the URL on ``g.municipality``, 404 where the plugin is off, and 403 for a council
viewer's change (any method but GET, HEAD, OPTIONS). A view writes none of these checks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from flask import Blueprint, Response, g

from core.db import get_session
from core.plugin_context import PluginContext
from core.plugin_manager import get_registry
from core.services.tables import to_csv, to_xlsx
from core.web.tables import CSV, XLSX
from core.web.tenancy import can_edit, is_admin, plan_kind_enabled, require_editor


def plugin_blueprint(plugin: str, import_name: str, **options: Any) -> Blueprint:
    """A blueprint named ``plugin`` for pages under ``/m/<municipality>/<plugin>`` (override with url_prefix)."""
    options.setdefault("url_prefix", f"/m/<municipality>/{plugin}")
    return Blueprint(plugin, import_name, **options)


def context(plugin: str) -> PluginContext:
    """``plugin``'s context for this request: its session, the registry, ``g.municipality``, the locale."""
    return get_registry().context(plugin, get_session(), getattr(g, "municipality", None))


def request_session() -> Any:
    """The database session of this request (``context(plugin).session``); core closes it after the request."""
    return get_session()


def table_download(fmt: str, header: Sequence[str], rows: Iterable[Sequence[Any]], filename: str,
                   sheet_title: str = "table") -> Response:
    """A table as a CSV (``fmt`` 'csv') or XLSX download; cells that would run as formulas are text."""
    body, mimetype = (to_csv(header, rows), CSV) if fmt == "csv" else (to_xlsx(header, rows, sheet_title), XLSX)
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}.{fmt}"'})


# One line per name for docs/plugin-sdk.md (None: the object's own docstring says it).
DOCS = {
    "CSV": "the CSV download's mimetype",
    "XLSX": "the XLSX download's mimetype",
    "can_edit": 'whether the signed-in user may change (a planner or an admin)',
    "context": None,
    "is_admin": 'whether the signed-in user is an administrator',
    "plan_kind_enabled": "the plan kind of that code when its plugin is enabled for g.municipality, else None",
    "plugin_blueprint": None,
    "request_session": None,
    "require_editor": '403 unless the user may change: for GET pages only editors see (a form)',
    "table_download": None,
    "to_csv": "a table as CSV bytes (UTF-8 with a BOM, '.' decimals)",
    "to_xlsx": 'a table as XLSX bytes',
}

__all__ = [
    "CSV",
    "XLSX",
    "can_edit",
    "context",
    "is_admin",
    "plan_kind_enabled",
    "plugin_blueprint",
    "request_session",
    "require_editor",
    "table_download",
    "to_csv",
    "to_xlsx",
]
