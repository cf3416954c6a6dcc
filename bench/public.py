"""Benchmark (issue 15): the public plan page under load, against the bare Flask page of bench/web.py.

One temporary instance with the demo data, Piatra Neamț published and its 2021 action plan adopted (through the
services, as an administrator would). gunicorn (2 workers) serves the app and the bare page (bench/bare_app.py:
Flask + SQLAlchemy listing the plan's services in a trivial template); ``wrk --latency`` loads, at 32 connections
for 10 s each, the bare page and then the public page of the adopted plan (``/public/piatra-neamt/2021/action-plan/``,
anonymous, as a visitor or a reverse proxy asks for it), after a warm-up of both.

Floors: the public page's throughput at least the bare page's (1.0x); its p99 under 100 ms; no failed request.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

import requests

from bench.common import Floor, floors_dict, print_table
from bench.dataset import DEMO_SLUG, DEMO_YEAR, PLAN_KIND, Instance, create_bench_app, make_instance
from bench.web import Target, _row, bare_target, measure, serve

FLOORS = {"throughput": 1.0, "p99_ms": 100.0}
PAGE = f"/public/{DEMO_SLUG}/{DEMO_YEAR}/{PLAN_KIND}/"


def publish(instance: Instance) -> None:
    """Adopt the demo plan (its workflow's steps, the council's decision last) and publish its municipality."""
    from core.db import get_session
    from core.services.accounts import municipality_by_slug
    from core.services.plans import find_plan, take_step
    from core.services.publication import set_publication

    app = create_bench_app(instance)
    with app.test_request_context():
        session, registry = get_session(), app.extensions["socialplan.registry"]
        town = municipality_by_slug(session, DEMO_SLUG)
        plan = find_plan(session, town, DEMO_YEAR, PLAN_KIND)
        for step, data in (
            ("start-consultation", {"consultation_start": "2021-01-10", "consultation_end": "2021-02-10"}),
            ("request-county-opinion", {"contributions_received": "3"}),
            ("approve", {"county_opinion_ref": "CJ 12/2021", "county_opinion_date": "2021-02-20",
                         "council_decision_ref": "HCL 77/2021", "council_decision_date": "2021-03-01"}),
        ):
            take_step(session, registry, plan, step, data, None)
        set_publication(session, town, published=True, licence="CC-BY-4.0", publisher="DAS Piatra Neamț")
        session.commit()
        session.close()
    app.extensions["socialplan.engine"].dispose()


def public_target(stack: ExitStack, instance: Instance) -> Target:
    base = stack.enter_context(serve(instance, "core.wsgi:app"))
    page = requests.get(base + PAGE, timeout=30)
    if page.status_code != 200 or "HCL 77/2021" not in page.text or "Set-Cookie" in page.headers:
        raise RuntimeError(f"the public page answered {page.status_code} without the adopted plan")
    return Target(base + PAGE, "")


def run(quick: bool = False) -> dict[str, float]:
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed (make bench installs it: apt-get install wrk)")
    seconds, connections = (1, 4) if quick else (10, 32)
    with tempfile.TemporaryDirectory(prefix="public-bench-") as folder:
        instance = make_instance(Path(folder) / "public")
        publish(instance)
        with ExitStack() as stack:
            targets = {"bare": bare_target(stack, instance), "public": public_target(stack, instance)}
            measured = measure(targets, seconds, connections)
    bare, public = measured["bare"], measured["public"]
    floors = [
        Floor("public page throughput / bare page", public.rps / bare.rps, FLOORS["throughput"], "x", at_least=True),
        Floor("public page p99", public.p99_ms, FLOORS["p99_ms"], "ms"),
        Floor("failed requests", float(public.errors + bare.errors), 0.0, ""),
    ]
    shown = [
        ("load", f"wrk, 2 threads, {connections} connections, {seconds} s per page; gunicorn 2 workers"),
        ("bare page", _row(bare)),
        ("public plan page", _row(public)),
    ]
    print_table(f"public ({'quick' if quick else 'full'}): the public plan page under load", shown, floors)
    figures = {"bare_rps": bare.rps, "public_rps": public.rps, "public_p50_ms": public.p50_ms,
               "public_p99_ms": public.p99_ms, "public_errors": float(public.errors)}
    return floors_dict(figures, floors[-1:] if quick else floors)


if __name__ == "__main__":
    sys.exit(1 if run(quick="--quick" in sys.argv)["floor_failures"] else 0)
