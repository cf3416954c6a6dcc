"""Alembic environment: runs inside the Flask app, on the app's engine, for core and plugins."""

from alembic import context
from flask import current_app

import core.models  # noqa: F401  (registers core tables on the metadata)
from core.db import Base

config = context.config


def run_migrations() -> None:
    engine = current_app.extensions["socialplan.engine"]
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations()
