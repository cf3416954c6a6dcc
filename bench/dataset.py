"""Databases for the benchmarks: a migrated instance with the demo data, and bulk copies of the demo plan.

:func:`make_instance` builds a temporary instance folder (SQLite file, secret key) through the real
path: ``create_app``, the migrations and ``load_demo``. :func:`clone_plans` then copies the demo
plan of Piatra Neamț (its rows in every table that hangs off ``annual_plan``) to thousands of
municipalities and years with ``INSERT ... SELECT`` statements, so 32,000 plans take seconds
rather than the hours one ``import_plan`` per plan would. Only the latest revision snapshot is not
copied (the pages measured read the plan's rows, not its history); finding counts are.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from flask import Flask

DEMO_SLUG = "piatra-neamt"
DEMO_YEAR = 2021
PLAN_KIND = "action-plan"
SECRET = "bench-secret-key-that-is-long-enough"
PLANNER = "planner@piatra-neamt.demo"


@dataclass
class Instance:
    folder: Path
    database: Path

    @property
    def url(self) -> str:
        return f"sqlite:///{self.database}"

    def env(self) -> dict[str, str]:
        """Environment for a subprocess (CLI, gunicorn) that serves this instance."""
        return {**os.environ, "SOCIALPLAN_INSTANCE_PATH": str(self.folder), "SOCIALPLAN_DATABASE_URL": self.url,
                "SOCIALPLAN_SECRET_KEY": SECRET}


def create_bench_app(instance: Instance) -> Flask:
    from core.app import create_app

    os.environ["SOCIALPLAN_INSTANCE_PATH"] = str(instance.folder)
    return create_app({"DATABASE_URL": instance.url, "SECRET_KEY": SECRET})


_TEMPLATE: list[Path] = []  # the first instance's database, copied for the next ones in this process


def make_instance(folder: Path) -> Instance:
    """A migrated database with the demo data in ``folder`` (built once per process, then copied)."""
    folder.mkdir(parents=True, exist_ok=True)
    instance = Instance(folder, folder / "socialplan.sqlite")
    if _TEMPLATE and _TEMPLATE[0].exists():
        shutil.copyfile(_TEMPLATE[0], instance.database)
        return instance
    _build(instance)
    template = Path(tempfile.mkdtemp(prefix="socialplan-bench-template-"))
    atexit.register(shutil.rmtree, template, True)
    _TEMPLATE[:] = [template / "socialplan.sqlite"]
    shutil.copyfile(instance.database, _TEMPLATE[0])
    return instance


def _build(instance: Instance) -> None:
    from core.db import get_session
    from core.demo import load_demo
    from core.migrate import upgrade

    app = create_bench_app(instance)
    with app.app_context():
        upgrade()
        load_demo(get_session(), app.extensions["socialplan.registry"])
        # Give the connection back first, so the demo rows leave the WAL file for the database file.
        get_session().close()
    app.extensions["socialplan.engine"].dispose()


def _columns(db: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in db.execute(f'PRAGMA table_info("{table}")')]


def _plan_tables(db: sqlite3.Connection) -> list[str]:
    """Tables whose rows belong to a plan through a ``plan_id`` column (revisions left out)."""
    tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return [t for t in tables if t not in ("plan_revision", "plan_step") and "plan_id" in _columns(db, t)]


def _copy_plan_rows(db: sqlite3.Connection, table: str, template: int) -> None:
    """Copy the template plan's rows of ``table`` to every plan of bench_map, ids shifted by k * stride."""
    columns = _columns(db, table)
    stride = db.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{table}"').fetchone()[0]
    picks = [f"t.id + m.k * {stride}" if c == "id" else "m.plan_id" if c == "plan_id" else f't."{c}"'
             for c in columns]
    names = ", ".join(f'"{c}"' for c in columns)
    # CROSS JOIN keeps bench_map as the outer loop: rows arrive in id order, no sort, appends only.
    db.execute(f'INSERT INTO "{table}" ({names}) SELECT {", ".join(picks)} FROM bench_map m CROSS JOIN "{table}" t '
               f"WHERE t.plan_id = {template}")
    if table == "service":  # budget lines hang off services: shift both ids the same way
        line_columns = _columns(db, "budget_line")
        line_stride = db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM budget_line").fetchone()[0]
        line_picks = [f"b.id + m.k * {line_stride}" if c == "id" else f"b.service_id + m.k * {stride}"
                      if c == "service_id" else f'b."{c}"' for c in line_columns]
        db.execute(f'INSERT INTO budget_line ({", ".join(line_columns)}) SELECT {", ".join(line_picks)} '
                   f"FROM bench_map m CROSS JOIN service s CROSS JOIN budget_line b "
                   f"WHERE b.service_id = s.id AND s.plan_id = {template}")


def clone_plans(instance: Instance, municipalities: int, years: Iterable[int]) -> float:
    """Give the database ``municipalities`` Romanian municipalities (Piatra Neamț and copies), each with
    the demo plan for every year of ``years``; returns the seconds it took."""
    start = time.perf_counter()
    years = list(years)
    db = sqlite3.connect(instance.database)
    try:
        db.execute("PRAGMA foreign_keys = OFF")
        db.execute("PRAGMA journal_mode = OFF")  # a failed build is thrown away, so no journal; WAL again after
        db.execute("PRAGMA synchronous = OFF")
        db.execute("PRAGMA cache_size = -262144")  # 256 MiB: the indexes being filled stay in memory
        template_muni, = db.execute("SELECT id FROM municipality WHERE slug = ?", (DEMO_SLUG,)).fetchone()
        template, = db.execute("SELECT id FROM annual_plan WHERE municipality_id = ? AND year = ? AND kind = ?",
                               (template_muni, DEMO_YEAR, PLAN_KIND)).fetchone()
        muni_columns = _columns(db, "municipality")
        next_muni = db.execute("SELECT MAX(id) + 1 FROM municipality").fetchone()[0]
        new_munis = [(next_muni + n, f"bench-{n + 1:04d}", f'{{"ro": "Comuna Bench {n + 1:04d}"}}')
                     for n in range(max(municipalities - 1, 0))]
        assert muni_columns[:3] == ["id", "slug", "name"], muni_columns
        db.executemany("INSERT INTO municipality (id, slug, name, country, default_locale, currency) "
                       "VALUES (?, ?, ?, 'RO', 'ro', 'RON')", new_munis)
        db.executemany("INSERT INTO municipality_plugin (municipality_id, plugin, enabled_at) "
                       "VALUES (?, 'romania', CURRENT_TIMESTAMP)", [(m[0],) for m in new_munis])
        plan_columns = [c for c in _columns(db, "annual_plan") if c not in ("id", "municipality_id", "year")]
        next_plan = db.execute("SELECT MAX(id) + 1 FROM annual_plan").fetchone()[0]
        targets = [(m_id, year) for m_id in [template_muni, *(m[0] for m in new_munis)] for year in years
                   if (m_id, year) != (template_muni, DEMO_YEAR)]
        db.execute("CREATE TEMP TABLE bench_map (k INTEGER PRIMARY KEY, plan_id INTEGER, municipality_id INTEGER,"
                   " year INTEGER)")
        db.executemany("INSERT INTO bench_map VALUES (?, ?, ?, ?)",
                       [(k, next_plan + k - 1, m_id, year) for k, (m_id, year) in enumerate(targets, start=1)])
        names = ", ".join(f'"{c}"' for c in plan_columns)
        picked = ", ".join(f'p."{c}"' for c in plan_columns)
        db.execute(f"INSERT INTO annual_plan (id, municipality_id, year, {names}) SELECT m.plan_id, "
                   f"m.municipality_id, m.year, {picked} "
                   f"FROM bench_map m CROSS JOIN annual_plan p WHERE p.id = {template}")
        for table in _plan_tables(db):
            _copy_plan_rows(db, table, template)
        db.commit()
        db.execute("PRAGMA journal_mode = WAL")
    finally:
        db.close()
    return time.perf_counter() - start


def plan_id(instance: Instance, slug: str = DEMO_SLUG, year: int = DEMO_YEAR) -> int:
    db = sqlite3.connect(instance.database)
    try:
        row = db.execute("SELECT p.id FROM annual_plan p JOIN municipality m ON m.id = p.municipality_id "
                         "WHERE m.slug = ? AND p.year = ? AND p.kind = ?", (slug, year, PLAN_KIND)).fetchone()
    finally:
        db.close()
    return row[0]


def count(instance: Instance, table: str) -> int:
    db = sqlite3.connect(instance.database)
    try:
        return db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
    finally:
        db.close()
