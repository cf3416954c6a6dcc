"""Plugins' blueprints and templates, wrapped by core so a plugin author cannot forget a check.

- Every view of a plugin's blueprint runs :func:`guard` first: sign-in, the municipality of the URL
  (tenancy), the plugin's enabled check for it, and the role rule for changes.
- A plugin's templates are found only under names that begin with the plugin's name
  (``sweden/units.html``), and rendering one for a municipality that has not enabled the plugin
  answers 404, whichever page asks for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from flask import Flask, abort, before_render_template, current_app, g, has_request_context, request
from flask_login import current_user
from jinja2 import BaseLoader, Environment, FileSystemLoader, Template, TemplateNotFound

from core.plugin_manager import Registry
from core.web.tenancy import load_municipality, require_editor, require_plugin

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def guard(plugin: str) -> Callable[[], Any]:
    """The ``before_request`` core puts first on each of ``plugin``'s blueprints."""

    def check() -> Any:
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()  # the sign-in page; the request ends
        slug = (request.view_args or {}).get("municipality")
        if slug is not None:
            load_municipality(slug)  # 404 for another tenant's municipality
            require_plugin(plugin)  # 404 where the plugin is off
        if request.method not in SAFE_METHODS:
            require_editor()  # council viewers read, never change
        return None

    check.__name__ = f"socialplan_guard_{plugin}"
    return check


def register_blueprints(app: Flask, registry: Registry) -> None:
    """Register every plugin's blueprints, each wrapped by :func:`guard` (before its own hooks)."""
    for plugin, blueprints in registry.answers_by_plugin("socialplan_blueprints", None):
        for blueprint in blueprints:
            app.register_blueprint(blueprint)
            # The app's own table, not the blueprint's: a blueprint object serves many apps in tests.
            app.before_request_funcs.setdefault(blueprint.name, []).insert(0, guard(plugin))


class PluginTemplateLoader(BaseLoader):
    """Each plugin's template folders, for names beginning with ``<plugin>/`` only."""

    def __init__(self, folders_by_plugin: dict[str, list[Path]]) -> None:
        self.loaders = {plugin: FileSystemLoader([str(f) for f in folders])
                        for plugin, folders in folders_by_plugin.items()}

    def get_source(self, environment: Environment, template: str) -> tuple[str, str | None, Callable[[], bool]]:
        plugin = template.split("/", 1)[0]
        if plugin not in self.loaders or "/" not in template:
            raise TemplateNotFound(template)
        return self.loaders[plugin].get_source(environment, template)

    def list_templates(self) -> list[str]:
        return sorted(name for plugin, loader in self.loaders.items() for name in loader.list_templates()
                      if name.startswith(f"{plugin}/"))


def template_folders(registry: Registry) -> dict[str, list[Path]]:
    """Each plugin's template folders, from its ``socialplan_template_dirs`` answer."""
    folders: dict[str, list[Path]] = {}
    for plugin, dirs in registry.answers_by_plugin("socialplan_template_dirs", None):
        folders.setdefault(plugin, []).extend(Path(d) for d in dirs)
    return folders


def gate_templates(app: Flask, plugins: Iterable[str]) -> None:
    """404 when a request about a municipality renders a template of a plugin it has not enabled."""
    owners = frozenset(plugins)

    def check(sender: Flask, template: Template, context: dict[str, Any], **extra: Any) -> None:
        name = template.name or ""
        plugin = name.split("/", 1)[0] if "/" in name else None
        if plugin not in owners or not has_request_context():
            return
        municipality = getattr(g, "municipality", None)
        if municipality is not None and plugin not in municipality.enabled_plugins:
            abort(404)

    # A signal, not the loader: Jinja caches a template by name for every municipality alike.
    before_render_template.connect(check, app, weak=False)
