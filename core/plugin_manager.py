"""Loading plugins and building the registry of what they provide.

The manager is created by the application factory and kept on the app (never at import time).
Plugins come from the ``socialplan.plugins`` entry-point group, exactly as a third-party package
installed with pip would; tests may pass extra plugin objects to :func:`create_plugin_manager`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pluggy
from flask import current_app
from pluggy import HookImpl

from core import hookspecs
from core.plugin_api import FundingSource, Jurisdiction, MunicipalityRegister, Nomenclature, PlanKind, ReportKind
from core.plugin_context import PluginContext, Untranslated

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
        pm.trace.root.setwriter(lambda message: sys.stderr.write(message))  # stderr as it is when a hook runs
        pm.enable_tracing()
    return pm


ContextFactory = Callable[[str, dict[str, Any]], PluginContext]


def _is_wrapper(impl: HookImpl) -> bool:
    return bool(impl.wrapper or impl.hookwrapper)


def _per_plugin(pm: pluggy.PluginManager, hook_name: str, _only: set[str] | None = None,
                _context: ContextFactory | None = None, **kwargs: Any) -> list[tuple[str, Any]]:
    """Each plugin's answer to a hook, tagged with the plugin's name, in pluggy's call order; ``_only``
    names the plugins to call (None: all), ``_context`` makes the ``context`` argument of each one.

    Every call goes through pluggy (a subset caller holding one plugin's implementation and every
    wrapper), so tracing, wrappers and tryfirst/trylast hold as for ``pm.hook.<name>(...)``.
    """
    caller = getattr(pm.hook, hook_name)
    impls = [impl for impl in reversed(caller.get_hookimpls()) if not _is_wrapper(impl)]
    firstresult = bool(caller.spec and caller.spec.opts.get("firstresult"))
    wants_context = _context is not None and "context" in (caller.spec.argnames if caller.spec else ())
    answers = []
    for impl in impls:
        if _only is not None and impl.plugin_name not in _only:
            continue  # a disabled plugin's answer would be dropped: do not run it (panels query, even flush)
        others = {other.plugin for other in impls if other.plugin_name != impl.plugin_name}
        call_kwargs = dict(kwargs)
        if wants_context and "context" not in call_kwargs:
            call_kwargs["context"] = _context(impl.plugin_name, kwargs)
        result = pm.subset_hook_caller(hook_name, remove_plugins=others)(**call_kwargs)
        result = result if firstresult else (result[0] if result else None)
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
    _domains: dict[str, str] | None = field(default=None, repr=False)

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

    def municipality_register(self, country: str) -> MunicipalityRegister | None:
        """The official register of ``country``'s municipalities a plugin offers (hook
        ``socialplan_municipality_register``), or None."""
        return self.pm.hook.socialplan_municipality_register(country=(country or "").upper())

    def funding_sources(self, jurisdiction: str) -> list[FundingSource]:
        return self.pm.hook.socialplan_funding_sources(jurisdiction=jurisdiction) or []

    def collect(self, hook_name: str, **kwargs: Any) -> list[Any]:
        """Concatenate the list answers of every plugin for a list-returning hook."""
        return [item for _, items in self.answers_by_plugin(hook_name, None, **kwargs) for item in items]

    def answers_by_plugin(self, hook_name: str, enabled_plugins: set[str] | None,
                          **kwargs: Any) -> list[tuple[str, Any]]:
        """Each enabled plugin's answer to a hook (None: every plugin's), with the plugin's name (plugins
        that answer None left out); a hook whose specification takes ``context`` gets each plugin's own."""
        only = None if enabled_plugins is None else set(enabled_plugins)
        return _per_plugin(self.pm, hook_name, only, self._hook_context, **kwargs)

    def call_plugin(self, plugin: str, hook_name: str, **kwargs: Any) -> Any:
        """Call one plugin's implementation of a hook (None when it has none)."""
        answers = self.answers_by_plugin(hook_name, {plugin}, **kwargs)
        return answers[0][1] if answers else None

    def collect_enabled(self, hook_name: str, enabled_plugins: set[str], **kwargs: Any) -> list[Any]:
        return [item for _, items in self.answers_by_plugin(hook_name, enabled_plugins, **kwargs) for item in items]

    def domain_of(self, plugin: str) -> str | None:
        """The first gettext domain the plugin's ``socialplan_translation_dirs`` names (None: it has none)."""
        if self._domains is None:
            domains: dict[str, str] = {}
            for name, pairs in _per_plugin(self.pm, "socialplan_translation_dirs"):
                if pairs:
                    domains.setdefault(name, pairs[0][1])
            self._domains = domains
        return self._domains.get(plugin)

    def context(self, plugin: str, session: Any = None, municipality: Any = None) -> PluginContext:
        """The :class:`PluginContext` of ``plugin`` for this request or command (default: its session)."""
        from core.db import get_session
        from core.i18n import current_locale, translations_for

        domain = self.domain_of(plugin)
        return PluginContext(plugin=plugin, session=session if session is not None else get_session(),
                             registry=self, municipality=municipality, locale=current_locale(),
                             translations=translations_for(domain) if domain else Untranslated())

    def _hook_context(self, plugin: str, kwargs: dict[str, Any]) -> PluginContext:
        plan = kwargs.get("plan")
        municipality = kwargs.get("municipality") or (plan.municipality if plan is not None else None)
        return self.context(plugin, kwargs.get("session"), municipality)


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
