"""Browser tests: Debian's chromium driven by Playwright against ``socialplan serve`` on 127.0.0.1.

One server serves the whole browser session (starting one costs several seconds on these
machines): gunicorn with one worker, exactly as ``socialplan serve`` runs in production, on a copy
of the migrated demo database in its own instance folder, with a secret key and CSRF on, so every
form is posted as a browser posts it. Each test gets fresh browser contexts (no shared cookies).

The tests share that server's database: tests that change something other tests read say so, and
a test that switches a demo account's language switches it back.
"""

from __future__ import annotations

import copy
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import UI, LiveServer, served_app

# Debian's chromium; SOCIALPLAN_CHROMIUM names another build of it.
CHROMIUM = Path(os.environ.get("SOCIALPLAN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-gpu"]
CHECKOUT = Path(__file__).resolve().parents[2]
SECRET_KEY = "browser-tests-secret-key-0123456789"
SERVER_START_TIMEOUT = 90  # seconds; the machines are shared and busy


# --- chromium and the server ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """Debian's chromium, or a skip (a failure on CI, where .ci/run installs it)."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does) to run the browser tests"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _socialplan_command() -> str:
    beside = Path(sys.executable).parent / "socialplan"
    found = str(beside) if beside.exists() else shutil.which("socialplan")
    if not found:
        pytest.fail("the socialplan command is not installed: pip install -e . first")
    return found


def _wait_until_serving(server: LiveServer) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"socialplan serve exited with {server.process.returncode}:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(server("/login"), timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    pytest.fail(f"socialplan serve did not answer within {SERVER_START_TIMEOUT} s:\n{server.log_tail()}")


@pytest.fixture(scope="session")
def live_server(chromium_path, sqlite_demo_template, tmp_path_factory) -> Iterator[LiveServer]:
    instance = tmp_path_factory.mktemp("browser-instance")
    database = instance / "socialplan.sqlite"
    shutil.copyfile(sqlite_demo_template, database)
    port = _free_port()
    env = {**os.environ, "SOCIALPLAN_INSTANCE_PATH": str(instance), "SOCIALPLAN_SECRET_KEY": SECRET_KEY,
           "SOCIALPLAN_DATABASE_URL": f"sqlite:///{database}", "SOCIALPLAN_WTF_CSRF_ENABLED": "true"}
    log = instance / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [_socialplan_command(), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
            cwd=CHECKOUT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    server = LiveServer(f"http://127.0.0.1:{port}", database, log, process)
    try:
        _wait_until_serving(server)
        yield server
    finally:
        process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown (SIGTERM waits for idle workers)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture(scope="session")
def published(live_server) -> dict[str, int]:
    """Two published municipalities of the browser tests' own, written into the served SQLite database by an app
    of this process (the public pages and the page walk read them; no test changes them): "comuna-publica"
    (Romanian: a copy of Piatra Neamț's plan, adopted) and "publikommun" (its Swedish follow-up plan adopted).
    Their adopted revision numbers by language ("ro", "sv"). Piatra Neamț and the demo's Swedish municipalities
    are left as they are."""
    from core.models import AnnualPlan
    from core.services.accounts import create_municipality, municipality_by_slug, set_plugin_enabled
    from core.services.plans import create_plan, document_of, find_plan, import_document, set_section_text, take_step
    from core.services.publication import set_publication

    with served_app(live_server) as (session, registry):
        if municipality_by_slug(session, "comuna-publica") is None:
            town = create_municipality(session, "comuna-publica", {"ro": "Comuna „Publică” & <Deal>"}, "RO", "ro",
                                       "RON")
            set_plugin_enabled(session, registry, town, "romania", True)
            source = find_plan(session, municipality_by_slug(session, "piatra-neamt"), 2021, "action-plan")
            document = copy.deepcopy(document_of(session, registry, source))
            document.update(year=2022, status="draft", facts={}, council_decision={"reference": None, "date": None})
            document["municipality"]["slug"] = town.slug
            for section in document["sections"].values():
                for row in section["rows"]:
                    row.pop("uid", None)
                    for line in row["budget"] if isinstance(row.get("budget"), list) else ():
                        line["year"] = 2022
            plan = import_document(session, registry, document, None)
            for step, data in (("start-consultation", {"consultation_start": "2022-01-10",
                                                       "consultation_end": "2022-02-10"}),
                               ("request-county-opinion", {"contributions_received": "3"}),
                               ("approve", {"county_opinion_ref": "CJ 12/2022", "county_opinion_date": "2022-02-20",
                                            "council_decision_ref": "HCL 5/2022",
                                            "council_decision_date": "2022-03-15"})):
                take_step(session, registry, plan, step, data, None)
            set_publication(session, town, published=True, licence="CC-BY-4.0", publisher="Primăria „Publică”")
            sweden = create_municipality(session, "publikommun", {"sv": "Publiks kommun"}, "SE", "sv", "SEK")
            set_plugin_enabled(session, registry, sweden, "sweden", True)
            followup = create_plan(session, registry, sweden, 2026, "followup-plan", None)
            set_section_text(session, registry, followup, "introduction", None,
                             text={"sv": "Uppföljningen av äldreomsorgen 2026: vad, hur och av vem."})
            take_step(session, registry, followup, "submit", {}, None)
            take_step(session, registry, followup, "approve",
                      {"council_decision_ref": "Dnr ÄN 2026/14", "council_decision_date": "2026-02-18"}, None)
            set_publication(session, sweden, published=True, licence="CC0-1.0", publisher="Äldreförvaltningen")
            session.commit()
        numbers = {slug: session.get(AnnualPlan, plan_id).adopted_revision for slug, plan_id in (
            ("ro", find_plan(session, municipality_by_slug(session, "comuna-publica"), 2022, "action-plan").id),
            ("sv", find_plan(session, municipality_by_slug(session, "publikommun"), 2026, "followup-plan").id))}
    return numbers


@pytest.fixture(scope="session")
def chromium(chromium_path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def ui(chromium, live_server, request) -> Iterator[UI]:
    helper = UI(chromium, live_server)
    yield helper
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:  # keep what the browser showed when it failed
        for number, context in enumerate(helper.contexts):
            for index, page in enumerate(context.pages):
                helper.screenshot(page, f"failed-{request.node.name}-{number}-{index}")
    helper.close()
