"""Browser tests: Debian's chromium driven by Playwright against ``socialplan serve`` on 127.0.0.1.

One server serves the whole browser session (starting one costs several seconds on these
machines): gunicorn with one worker, exactly as ``socialplan serve`` runs in production, on a copy
of the migrated demo database in its own instance folder, with a secret key and CSRF on, so every
form is posted as a browser posts it. Each test gets fresh browser contexts (no shared cookies).

The tests share that server's database: tests that change something other tests read say so, and
a test that switches a demo account's language switches it back.
"""

from __future__ import annotations

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
from browser_helpers import UI, LiveServer

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
