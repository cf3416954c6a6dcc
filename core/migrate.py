"""Alembic, driven from the application: core's revisions and every plugin's."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from flask import current_app
from sqlalchemy import inspect, text

from core.db import get_engine
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


def applied_revisions() -> frozenset[str]:
    """The revisions the database is at: empty when it has no schema yet (no ``alembic_version``)."""
    with get_engine().connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return frozenset()
        return frozenset(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())


def autogenerate(message: str, rev_id: str, head: str = "core@head") -> None:
    """For developers: write a new revision from the difference between models and database."""
    command.revision(alembic_config(), message=message, autogenerate=True, rev_id=rev_id, head=head)
