"""Loading plugins and building the registry of what they provide.

The manager is created by the application factory and kept on the app (never at import time).
Plugins come from the ``socialplan.plugins`` entry-point group, exactly as a third-party package
installed with pip would; tests may pass extra plugin objects to :func:`create_plugin_manager`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pluggy
from flask import current_app

from core import hookspecs
from core.plugin_api import FundingSource, Jurisdiction, Nomenclature, PlanKind, ReportKind

ENTRY_POINT_GROUP = "socialplan.plugins"


class PluginConflict(RuntimeError):
    """Two plugins claim the same code; refused at start-up."""


def create_plugin_manager(extra_plugins: Iterable[tuple[str, object]] = ()) -> pluggy.PluginManager:
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    for name, plugin in extra_plugins:
        pm.register(plugin, name=name)
    if os.environ.get("SOCIALPLAN_TRACE_HOOKS"):
        pm.trace.root.setwriter(sys.stderr.write)
        pm.enable_tracing()
    return pm


def _per_plugin(pm: pluggy.PluginManager, hook_name: str, _only: set[str] | None = None,
                **kwargs: Any) -> list[tuple[str, Any]]:
    """Call each implementation of a hook on its own and tag its answer with the plugin's name;
    ``_only`` names the plugins to call (None: all)."""
    answers = []
    for impl in getattr(pm.hook, hook_name).get_hookimpls():
        if _only is not None and impl.plugin_name not in _only:
            continue  # a disabled plugin's answer would be dropped: do not run it (panels query, even flush)
        result = impl.function(**{arg: kwargs[arg] for arg in impl.argnames})
        if result is not None:
            answers.append((impl.plugin_name, result))
    return answers


@dataclass
class Registry:
    """What the plugins provide, tagged with the plugin that provides it."""

    pm: pluggy.PluginManager
    jurisdictions: dict[str, tuple[str, Jurisdiction]] = field(default_factory=dict)
    plan_kinds: dict[str, tuple[str, PlanKind]] = field(default_factory=dict)
    report_kinds: dict[str, tuple[str, ReportKind]] = field(default_factory=dict)

    @property
    def plugin_names(self) -> list[str]:
        return sorted(name for name, _ in self.pm.list_name_plugin())

    def plugin_of_plan_kind(self, code: str) -> str | None:
        entry = self.plan_kinds.get(code)
        return entry[0] if entry else None

    def plan_kind(self, code: str) -> PlanKind | None:
        entry = self.plan_kinds.get(code)
        return entry[1] if entry else None

    def report_kind(self, code: str) -> ReportKind | None:
        entry = self.report_kinds.get(code)
        return entry[1] if entry else None

    def plugin_of_report_kind(self, code: str) -> str | None:
        entry = self.report_kinds.get(code)
        return entry[0] if entry else None

    def plan_kinds_for(self, enabled_plugins: set[str]) -> list[PlanKind]:
        return [kind for plugin, kind in self.plan_kinds.values() if plugin in enabled_plugins]

    def report_kinds_for(self, enabled_plugins: set[str], plan_kind: str | None = None) -> list[ReportKind]:
        return [
            kind
            for plugin, kind in self.report_kinds.values()
            if plugin in enabled_plugins and (plan_kind is None or kind.plan_kind == plan_kind)
        ]

    def nomenclature(self, jurisdiction: str) -> Nomenclature | None:
        return self.pm.hook.socialplan_nomenclature(jurisdiction=jurisdiction)

    def funding_sources(self, jurisdiction: str) -> list[FundingSource]:
        return self.pm.hook.socialplan_funding_sources(jurisdiction=jurisdiction) or []

    def collect(self, hook_name: str, **kwargs: Any) -> list[Any]:
        """Concatenate the list answers of every plugin for a list-returning hook."""
        return [item for _, items in _per_plugin(self.pm, hook_name, **kwargs) for item in items]

    def answers_by_plugin(self, hook_name: str, enabled_plugins: set[str], **kwargs: Any) -> list[tuple[str, Any]]:
        """Each enabled plugin's answer to a hook, with the plugin's name (plugins that answer None left out)."""
        return _per_plugin(self.pm, hook_name, set(enabled_plugins), **kwargs)

    def call_plugin(self, plugin: str, hook_name: str, **kwargs: Any) -> Any:
        """Call one plugin's implementation of a hook (None when it has none)."""
        answers = _per_plugin(self.pm, hook_name, {plugin}, **kwargs)
        return answers[0][1] if answers else None

    def collect_enabled(self, hook_name: str, enabled_plugins: set[str], **kwargs: Any) -> list[Any]:
        return [item for _, items in self.answers_by_plugin(hook_name, enabled_plugins, **kwargs) for item in items]


def _claim(table: dict[str, tuple[str, Any]], what: str, plugin: str, item: Any) -> None:
    if item.code in table and table[item.code][0] != plugin:
        raise PluginConflict(
            f"{what} '{item.code}' is claimed by both plugin '{table[item.code][0]}' and plugin '{plugin}'"
        )
    table[item.code] = (plugin, item)


def build_registry(pm: pluggy.PluginManager) -> Registry:
    registry = Registry(pm)
    for plugin, items in _per_plugin(pm, "socialplan_jurisdictions"):
        for item in items:
            _claim(registry.jurisdictions, "jurisdiction", plugin, item)
    for plugin, items in _per_plugin(pm, "socialplan_plan_kinds"):
        for item in items:
            _claim(registry.plan_kinds, "plan kind", plugin, item)
    for plugin, items in _per_plugin(pm, "socialplan_report_kinds"):
        for item in items:
            _claim(registry.report_kinds, "report kind", plugin, item)
    return registry


def get_registry() -> Registry:
    return current_app.extensions["socialplan.registry"]


def plugin_migration_dirs(pm: pluggy.PluginManager) -> list[Path]:
    return [Path(p) for _, paths in _per_plugin(pm, "socialplan_migration_dirs") for p in paths]
