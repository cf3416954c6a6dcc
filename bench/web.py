"""Benchmark (issue 5): the plan editor and the dashboard under load, against a bare Flask page.

Two temporary instances: a small one (10 municipalities x 10 years of action plans) and a big one
(3,200 municipalities x 10 years = 32,000 plans), both holding Piatra Neamț's demo plan for 2021
and copies of it (bulk SQL, see bench.dataset). For each, the app is served by gunicorn (2 workers)
on a free loopback port; a requests.Session signs the demo planner in through the login form (CSRF
on), and ``wrk --latency`` loads, at 32 connections for 10 s each:

- the editor: the existing-services section page of the demo plan;
- the dashboard of Piatra Neamț;
- the bare page (bench/bare_app.py: Flask + SQLAlchemy listing the same service rows), served the same way.

The three servers stay up together; the five pages are warmed up, then measured in this order, so
that the two pages a floor compares run one right after the other: bare page, editor (small, big),
dashboard (small, big).

Floors: editor throughput >= 0.8x the bare page; editor and dashboard p99 < 100 ms on both databases;
editor and dashboard median latency on the big database within 1.2x of the small one.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from bench.common import Floor, floors_dict, print_table
from bench.dataset import DEMO_SLUG, PLANNER, Instance, clone_plans, count, make_instance, plan_id
from core.demo import DEMO_PASSWORD

# One browser: the sign-in and wrk send the same User-Agent, as a real browser does. (Flask-Login ties
# the session to it; another agent marks the session not fresh, which rewrites the cookie every request.)
USER_AGENT = "socialplan-bench/1 (wrk)"
YEARS = range(2012, 2022)
FLOORS = {"throughput": 0.8, "p99_ms": 100.0, "scaling": 1.2}


@dataclass
class Load:
    """What wrk measured for one URL."""

    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    requests: int
    errors: int


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serve(instance: Instance, app: str, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """gunicorn with 2 workers serving ``app`` on a free loopback port; yields the base URL."""
    port = _free_port()
    env = {**instance.env(), **(extra_env or {})}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
         app], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(base + "/", timeout=20, allow_redirects=False)
                break
            except (requests.ConnectionError, requests.Timeout):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start: {process.stderr.read()[-2000:]}") from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def sign_in(base: str) -> requests.Session:
    """The demo planner signed in through the login form, CSRF token and all."""
    browser = requests.Session()
    browser.headers["User-Agent"] = USER_AGENT
    form = browser.get(base + "/login", timeout=10)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form.text)
    if token is None:
        raise RuntimeError("the login form has no CSRF token")
    answer = browser.post(base + "/login", data={"csrf_token": token.group(1), "email": PLANNER,
                                                 "password": DEMO_PASSWORD}, timeout=10)
    if answer.status_code != 200 or "session" not in browser.cookies:
        raise RuntimeError(f"sign-in failed: HTTP {answer.status_code}")
    return browser


def _millis(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(url: str, cookie: str, seconds: int, connections: int) -> Load:
    command = ["wrk", "--threads", "2", "--connections", str(connections), "--duration", f"{seconds}s", "--latency",
               "--timeout", "10s", "--header", f"User-Agent: {USER_AGENT}", url]
    if cookie:
        command[1:1] = ["--header", f"Cookie: session={cookie}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    percentiles = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)\s*$", out, re.MULTILINE))
    if len(percentiles) != 3:
        raise RuntimeError(f"cannot read wrk's latency distribution:\n{out}")
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return Load(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        p50_ms=_millis(percentiles["50"]), p90_ms=_millis(percentiles["90"]), p99_ms=_millis(percentiles["99"]),
        requests=int(re.search(r"(\d+) requests in", out).group(1)),
        errors=(int(errors.group(1)) if errors else 0)
        + (sum(map(int, socket_errors.groups())) if socket_errors else 0),
    )


def _check_page(browser: requests.Session, url: str, expect: str) -> None:
    """The page answers 200 with its content, so wrk measures the real page and not a redirect."""
    answer = browser.get(url, timeout=30, allow_redirects=False)
    if answer.status_code != 200 or expect not in answer.text:
        raise RuntimeError(f"{url} answered {answer.status_code} without '{expect}'")


@dataclass
class Target:
    """A page ready for wrk: its URL and the session cookie it needs ('' for none)."""

    url: str
    cookie: str


def app_targets(stack: ExitStack, instance: Instance) -> dict[str, Target]:
    """The editor and the dashboard of ``instance``, served, signed in and checked."""
    plan = plan_id(instance)
    editor = f"/m/{DEMO_SLUG}/plans/{plan}/sections/existing-services"
    dashboard = f"/m/{DEMO_SLUG}/"
    base = stack.enter_context(serve(instance, "core.wsgi:app"))
    browser = sign_in(base)
    cookie = browser.cookies["session"]
    _check_page(browser, base + editor, "8810 ID-I")
    _check_page(browser, base + dashboard, "2021")
    return {"editor": Target(base + editor, cookie), "dashboard": Target(base + dashboard, cookie)}


def bare_target(stack: ExitStack, instance: Instance) -> Target:
    base = stack.enter_context(serve(instance, "bench.bare_app:app", {"BENCH_PLAN_ID": str(plan_id(instance))}))
    page = requests.get(base + "/", timeout=10)
    if page.status_code != 200 or "8810 ID-I" not in page.text:
        raise RuntimeError("the bare page does not list the demo services")
    return Target(base + "/", "")


def measure(targets: dict[str, Target], seconds: int, connections: int) -> dict[str, Load]:
    """wrk on each target in turn, after a warm-up of every one (templates compiled, caches filled).

    All servers are up for the whole run (an idle one costs nothing), so the pages a floor compares
    are measured one right after the other: on a machine shared with other work, its load drifts
    less between them than between a server started, measured and stopped after another.
    """
    if seconds > 1:
        for target in targets.values():
            wrk(target.url, target.cookie, 1, connections)
    return {name: wrk(target.url, target.cookie, seconds, connections) for name, target in targets.items()}


def _row(load: Load) -> str:
    return (f"{load.rps:8.1f} req/s  p50 {load.p50_ms:6.1f} ms  p90 {load.p90_ms:6.1f} ms  p99 {load.p99_ms:6.1f} ms"
            f"  ({load.requests} requests, {load.errors} errors)")


def run(quick: bool = False) -> dict[str, float]:
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed (make bench installs it: apt-get install wrk)")
    seconds, connections = (1, 4) if quick else (10, 32)
    small_n, big_n, years = (2, 6, range(2020, 2022)) if quick else (10, 3_200, YEARS)
    with tempfile.TemporaryDirectory(prefix="web-bench-") as folder:
        small = make_instance(Path(folder) / "small")
        setup_small = clone_plans(small, small_n, years)
        big = make_instance(Path(folder) / "big")
        setup_big = clone_plans(big, big_n, years)
        plans = {"small": count(small, "annual_plan"), "big": count(big, "annual_plan")}
        with ExitStack() as stack:
            pages = {"small": app_targets(stack, small)}
            # A quick run only checks that the bench works: one server, the small database's figures twice.
            pages["big"] = pages["small"] if quick else app_targets(stack, big)
            # Each floor's pair back to back: bare and editor, then small and big per page.
            order = {"bare": bare_target(stack, small)}
            for page in ("editor", "dashboard"):
                order.update({f"{page}/{size}": pages[size][page] for size in ("small", "big")})
            measured = measure(order, seconds, connections)
        bare = measured["bare"]
        loads = {size: {page: measured[f"{page}/{size}"] for page in ("editor", "dashboard")}
                 for size in ("small", "big")}
    editor, editor_big = loads["small"]["editor"], loads["big"]["editor"]
    dashboard, dashboard_big = loads["small"]["dashboard"], loads["big"]["dashboard"]
    figures = {"bare_rps": bare.rps, "setup_small_s": setup_small, "setup_big_s": setup_big}
    for size, pages in loads.items():
        for page, load in pages.items():
            figures.update({f"{page}_{size}_rps": load.rps, f"{page}_{size}_p50_ms": load.p50_ms,
                            f"{page}_{size}_p99_ms": load.p99_ms, f"{page}_{size}_errors": float(load.errors)})
    floors = [
        Floor("editor throughput / bare page", editor.rps / bare.rps, FLOORS["throughput"], "x", at_least=True),
        Floor("editor p99 (small database)", editor.p99_ms, FLOORS["p99_ms"], "ms"),
        Floor("editor p99 (big database)", editor_big.p99_ms, FLOORS["p99_ms"], "ms"),
        Floor("dashboard p99 (small database)", dashboard.p99_ms, FLOORS["p99_ms"], "ms"),
        Floor("dashboard p99 (big database)", dashboard_big.p99_ms, FLOORS["p99_ms"], "ms"),
        Floor("editor p50 big / small database", editor_big.p50_ms / editor.p50_ms, FLOORS["scaling"], "x"),
        Floor("dashboard p50 big / small database", dashboard_big.p50_ms / dashboard.p50_ms, FLOORS["scaling"], "x"),
        Floor("failed requests", float(sum(load.errors for pages in loads.values() for load in pages.values())
                                       + bare.errors), 0.0, ""),
    ]
    shown = [
        ("load", f"wrk, 2 threads, {connections} connections, {seconds} s per page; gunicorn 2 workers"),
        ("databases", f"small {plans['small']:,} plans ({setup_small:.1f} s to copy), "
                      f"big {plans['big']:,} plans ({setup_big:.1f} s to copy)"),
        ("bare page (small database)", _row(bare)),
        ("editor (small database)", _row(editor)),
        ("editor (big database)", _row(editor_big)),
        ("dashboard (small database)", _row(dashboard)),
        ("dashboard (big database)", _row(dashboard_big)),
    ]
    print_table(f"web ({'quick' if quick else 'full'}): plan editor and dashboard under load", shown, floors)
    return floors_dict(figures, floors[-1:] if quick else floors)


if __name__ == "__main__":
    sys.exit(1 if run(quick="--quick" in sys.argv)["floor_failures"] else 0)
