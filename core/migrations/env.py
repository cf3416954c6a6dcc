"""Alembic environment: runs inside the Flask app, on the app's engine, for core and plugins."""

from alembic import context
from flask import current_app

import core.models  # noqa: F401  (registers core tables on the metadata)
from core.db import Base

config = context.config


def run_migrations() -> None:
    engine = current_app.extensions["socialplan.engine"]
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode alters a SQLite table by copying it and dropping the old one; with foreign keys enforced,
            # that drop would delete (CASCADE) or blank (SET NULL) every row referring to the table. The pragma
            # is a no-op inside a transaction, so it is set before the migrations' transaction begins.
            _foreign_keys(connection, "OFF")
        try:
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                render_as_batch=sqlite,
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
        finally:
            if sqlite:
                _foreign_keys(connection, "ON")


def _foreign_keys(connection, state: str) -> None:
    connection.exec_driver_sql(f"PRAGMA foreign_keys={state}")
    connection.commit()


run_migrations()
