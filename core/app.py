"""The application factory."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader

from core import db, i18n
from core.plugin_manager import build_registry, create_plugin_manager
from core.resources import CHECKOUT, default_instance_path, resource_path  # noqa: F401  (CHECKOUT: for tests)

CORE_TEMPLATES = resource_path("templates")
# Secret keys that ship in examples and tutorials; refused outside tests.
KNOWN_SECRET_KEYS = {"dev", "secret", "changeme", "change-me", "development"}


class ConfigurationError(RuntimeError):
    """The deployment's configuration cannot work; the message says what to change."""


def instance_path() -> Path:
    return Path(os.environ.get("SOCIALPLAN_INSTANCE_PATH") or default_instance_path()).resolve()


def _load_secret_key(app: Flask) -> None:
    if not app.config.get("SECRET_KEY"):
        key_file = Path(app.instance_path) / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(48))
            key_file.chmod(0o600)
        app.config["SECRET_KEY"] = key_file.read_text().strip()
    if not app.config.get("TESTING") and (
        app.config["SECRET_KEY"] in KNOWN_SECRET_KEYS or len(app.config["SECRET_KEY"]) < 16
    ):
        raise ConfigurationError(
            "SECRET_KEY is a well-known or short value; remove it to have one generated, or set SOCIALPLAN_SECRET_KEY"
        )


def _configure(app: Flask, test_config: Mapping[str, Any] | None) -> None:
    app.config.from_mapping(
        DATABASE_URL=f"sqlite:///{Path(app.instance_path) / 'socialplan.sqlite'}",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        MAX_CONTENT_LENGTH=20 * 1024 * 1024,
        WTF_CSRF_TIME_LIMIT=None,
    )
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("SOCIALPLAN")
    if test_config:
        app.config.from_mapping(test_config)
    _load_secret_key(app)


def _template_loader(app: Flask, plugin_dirs: dict[str, list[Path]]) -> ChoiceLoader:
    """The instance folder's templates, then the plugins' (under their own names only), then core's."""
    from core.web.plugins import PluginTemplateLoader

    core_loader = FileSystemLoader(str(CORE_TEMPLATES))
    return ChoiceLoader([FileSystemLoader(str(Path(app.instance_path) / "templates")),
                         PluginTemplateLoader(plugin_dirs), core_loader,
                         PrefixLoader({"default": core_loader}, delimiter=":")])


def create_app(
    test_config: Mapping[str, Any] | None = None,
    extra_plugins: Iterable[tuple[str, object]] = (),
) -> Flask:
    """Build the application: configuration, database, plugins, languages, web layer."""
    app = Flask(
        __name__,
        instance_path=str(instance_path()),
        instance_relative_config=True,
        static_folder=str(resource_path("static")),
        template_folder=None,
    )
    os.makedirs(app.instance_path, exist_ok=True)
    _configure(app, test_config)

    pm = create_plugin_manager(extra_plugins)
    registry = build_registry(pm)
    app.extensions["socialplan.pm"] = pm
    app.extensions["socialplan.registry"] = registry

    db.init_app(app)
    i18n.init_app(app, registry)
    from core.web.plugins import gate_templates, template_folders

    plugin_templates = template_folders(registry)
    app.jinja_loader = _template_loader(app, plugin_templates)
    gate_templates(app, plugin_templates)

    from core import web

    web.init_app(app, registry)
    for command in registry.collect("socialplan_cli_commands"):
        # The one Flask CLI group (core.cli.cli) finds them here, and so does app.test_cli_runner().
        app.cli.add_command(command)
    return app
