"""Benchmark: 1,000,000 individuppföljning answers through the Swedish plugin's real import and results.

50,000 persons x 20 questions, 500 units in 14 districts (a few units with fewer than five
respondents, so suppression has work to do). Measures the CSV import (``import_answers``, as the
web upload and the CLI use it) and the results per question area x unit x district with
joint suppression (``published_results``), against a hand-written GROUP BY over the same table in the same
run. Runs on SQLite (a temporary file) and, when SOCIALPLAN_BENCH_DATABASE_URL is set, on
PostgreSQL in a database of its own (``socialplan_bench``, created and dropped here).

Results read the per-cell counts the import keeps (se_answer_cell); the hand-written GROUP BY reads
the million answers, as a query without them would; ``*_cells_group_by_s`` shows the plain query
over the cells, so the cost of suppression and of loading the units is visible.

Floors: import < 30 s; results < 1.5 s on SQLite and < 0.3 s on PostgreSQL, and within 1.5x of the
GROUP BY.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PERSONS, QUESTIONS, UNITS, DISTRICTS = 50_000, 20, 500, 14
SMALL_UNITS = 12  # units with 1 to 4 respondents
YEAR = 2026
FLOORS = {"import": 30.0, "sqlite": 1.5, "postgresql": 0.3, "ratio": 1.5}
BENCH_DATABASE = "socialplan_bench"

GROUP_BY = """
SELECT area, district, unit_id, SUM(CASE WHEN positive THEN 1 ELSE 0 END), COUNT(*), COUNT(DISTINCT response)
FROM se_answer WHERE municipality_id = :m AND year = :y AND respondent = 'person'
GROUP BY area, district, unit_id
"""


# The same counts from the per-cell table the plugin keeps (for reference: the plugin's query without suppression).
CELLS_GROUP_BY = """
SELECT area, unit_id, SUM(positive), SUM(answers), SUM(respondents) FROM se_answer_cell
WHERE municipality_id = :m AND year = :y AND respondent = 'person' GROUP BY area, unit_id
"""


def unit_sizes(persons: int, units: int) -> list[int]:
    small = [1 + i % 4 for i in range(min(SMALL_UNITS, units // 10))]
    rest = units - len(small)
    left = persons - sum(small)
    return small + [left // rest + (1 if i < left % rest else 0) for i in range(rest)]


def write_csv(path: Path, persons: int, units: int) -> int:
    """The answers file: one line per answer, persons numbered 1.. and spread over the units."""
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("unit,response,question,value,area,respondent\n")
        person = 0
        for unit, size in enumerate(unit_sizes(persons, units)):
            code = f"U{unit:04d}"
            lines = []
            for _ in range(size):
                person += 1
                for q in range(QUESTIONS):
                    value = (person * 7 + q * 13) % 5 + 1 if q % 4 else (person + q) % 2
                    lines.append(f"{code},{person},b{q + 1},{value},,person\n")
            out.write("".join(lines))
            rows += len(lines)
    return rows


def template_definition() -> dict[str, Any]:
    from plugins.sweden.services.reference import default_template

    base = default_template()
    areas = [a["code"] for a in base["areas"]]
    questions = [{"code": f"b{q + 1}", "area": areas[q % len(areas)], "scale": "satisfaction5" if q % 4 else "yesno",
                  "text": {"en": f"Question {q + 1}"}} for q in range(QUESTIONS)]
    return {"areas": base["areas"], "scales": base["scales"], "questions": questions}


def _timed(function: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _setup(session, units: int):
    """A municipality with the plugin, its units and a 20-question template."""
    from core.plugin_manager import get_registry
    from core.services.accounts import create_municipality, set_plugin_enabled
    from plugins.sweden.models import SwedenSettings, Unit
    from plugins.sweden.services.individual import create_template

    municipality = create_municipality(session, "benchkommun", {"sv": "Benchkommun"}, "SE", "sv", "SEK")
    set_plugin_enabled(session, get_registry(), municipality, "sweden", True)
    session.add(SwedenSettings(municipality_id=municipality.id, schedule_preset="stockholm", schedule_overrides={},
                               ladder_overrides={}, suppression_threshold=5, special_review_area={}))
    session.add_all([Unit(municipality_id=municipality.id, code=f"U{i:04d}", name=f"Enhet {i:04d}",
                          operating_form="in_house", service_type="home_care", district=f"Stadsdel {i % DISTRICTS + 1}",
                          active=True) for i in range(units)])
    template = create_template(session, municipality.id, "Bench", template_definition())
    session.commit()
    return municipality, template


def run_backend(name: str, url: str, csv_path: Path, rows: int, units: int, instance: Path) -> dict[str, float]:
    from core.app import create_app
    from core.db import get_session
    from core.migrate import upgrade
    from plugins.sweden.services.answer_import import import_answers
    from plugins.sweden.services.individual import published_results

    os.environ["SOCIALPLAN_INSTANCE_PATH"] = str(instance)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-secret-key-long-enough", "TESTING": True})
    with app.app_context():
        upgrade()
        session = get_session()
        municipality, template = _setup(session, units)
        start = time.perf_counter()
        with csv_path.open("rb") as stream:
            result = import_answers(session, template, YEAR, stream)
        session.commit()
        import_s = time.perf_counter() - start
        assert result.ok and result.imported == rows, (result.refused, result.errors[:3])
        if name == "postgresql":
            session.execute(text("ANALYZE se_answer"))
            session.commit()
        published_results(session, template, YEAR)  # warm the caches of both alike
        session.execute(text(GROUP_BY), {"m": municipality.id, "y": YEAR}).all()
        group_by_s, cells = _timed(lambda: session.execute(text(GROUP_BY), {"m": municipality.id, "y": YEAR}).all(), 5)
        results_s, results = _timed(lambda: published_results(session, template, YEAR), 5)
        cells_s, _ = _timed(lambda: session.execute(text(CELLS_GROUP_BY), {"m": municipality.id, "y": YEAR}).all(), 5)
        hidden = results.hidden  # every answer in every area: one cell per unit and area
        assert len(cells) == len(results.units) * len(results.areas), "both count the same cells"
        session.close()
    app.extensions["socialplan.engine"].dispose()
    figures = {f"{name}_import_s": round(import_s, 3), f"{name}_results_s": round(results_s, 4),
               f"{name}_group_by_s": round(group_by_s, 4), f"{name}_ratio": round(results_s / group_by_s, 3),
               f"{name}_cells_group_by_s": round(cells_s, 4),
               f"{name}_rows_per_s": round(rows / import_s), f"{name}_hidden_cells": hidden}
    return figures


def _postgresql(admin_url: str, create: bool) -> str:
    """Create (or drop) the bench's own database next to the given one; return its URL."""
    url = make_url(admin_url)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)'))
        if create:
            connection.execute(text(f'CREATE DATABASE "{BENCH_DATABASE}"'))
    engine.dispose()
    return url.set(database=BENCH_DATABASE).render_as_string(hide_password=False)


def check(figures: dict[str, float], quick: bool) -> list[str]:
    """The floors a full run missed (a quick run has none)."""
    if quick:
        return []
    missed = []
    for backend in ("sqlite", "postgresql"):
        if f"{backend}_import_s" not in figures:
            continue
        if figures[f"{backend}_import_s"] > FLOORS["import"]:
            missed.append(f"{backend} import {figures[f'{backend}_import_s']} s > {FLOORS['import']} s")
        if figures[f"{backend}_results_s"] > FLOORS[backend]:
            missed.append(f"{backend} results {figures[f'{backend}_results_s']} s > {FLOORS[backend]} s")
        if figures[f"{backend}_ratio"] > FLOORS["ratio"]:
            missed.append(f"{backend} results/GROUP BY {figures[f'{backend}_ratio']} > {FLOORS['ratio']}")
    return missed


def run(quick: bool = False) -> dict[str, float]:
    persons, units = (2_500, 100) if quick else (PERSONS, UNITS)
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="sweden-bench-") as folder:
        root = Path(folder)
        csv_path = root / "answers.csv"
        start = time.perf_counter()
        rows = write_csv(csv_path, persons, units)
        figures["answers"] = rows
        figures["csv_write_s"] = round(time.perf_counter() - start, 3)
        (root / "sqlite").mkdir()
        figures.update(run_backend("sqlite", f"sqlite:///{root / 'sqlite' / 'bench.sqlite'}", csv_path, rows, units,
                                   root / "sqlite"))
        admin_url = os.environ.get("SOCIALPLAN_BENCH_DATABASE_URL")
        if admin_url:
            (root / "postgresql").mkdir()
            try:
                url = _postgresql(admin_url, create=True)
                figures.update(run_backend("postgresql", url, csv_path, rows, units, root / "postgresql"))
            finally:
                _postgresql(admin_url, create=False)
    print(f"sweden_answers ({'quick' if quick else 'full'}): {rows:,} answers, {persons:,} persons, {units} units, "
          f"{DISTRICTS} districts")
    for key, value in figures.items():
        print(f"  {key:<28} {value}")
    missed = check(figures, quick)
    print("  floors: " + ("all met" if not missed else "MISSED: " + "; ".join(missed)))
    return figures


if __name__ == "__main__":
    run(quick=bool(os.environ.get("BENCH_QUICK")))
