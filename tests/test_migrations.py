"""Alembic: migrations of core and the plugins build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from core.db import Base


def test_migrated_schema_matches_the_models(app):
    engine = app.extensions["socialplan.engine"]
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}),
                                       Base.metadata)
    assert differences == []


def test_every_branch_is_at_its_head(app):
    from alembic.script import ScriptDirectory

    from core.migrate import alembic_config

    with app.app_context():
        script = ScriptDirectory.from_config(alembic_config())
        heads = set(script.get_heads())
        engine = app.extensions["socialplan.engine"]
        with engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    assert current == heads
    assert {head.split("_")[0] for head in heads} == {"core", "sweden"}  # one head per branch
