"""The web layer: blueprints, login, CSRF and tenancy checks."""

from __future__ import annotations

from flask import Flask

from core.plugin_manager import Registry


def init_app(app: Flask, registry: Registry) -> None:
    for blueprint in registry.collect("socialplan_blueprints"):
        app.register_blueprint(blueprint)
