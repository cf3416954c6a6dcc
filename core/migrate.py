"""Alembic, driven from the application: core's revisions and every plugin's."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from flask import current_app

from core.plugin_manager import plugin_migration_dirs
from core.resources import resource_path

MIGRATIONS = resource_path("migrations")


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    locations = [MIGRATIONS / "versions", *plugin_migration_dirs(current_app.extensions["socialplan.pm"])]
    config.set_main_option("version_locations", " ".join(str(p) for p in locations))
    config.set_main_option("path_separator", "space")
    return config


def upgrade(revision: str = "heads") -> None:
    command.upgrade(alembic_config(), revision)


def autogenerate(message: str, rev_id: str, head: str = "core@head") -> None:
    """For developers: write a new revision from the difference between models and database."""
    command.revision(alembic_config(), message=message, autogenerate=True, rev_id=rev_id, head=head)
