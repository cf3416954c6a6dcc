"""Security headers on every answer (a strict Content-Security-Policy the templates keep to, no framing, no
sniffing, the referrer kept in the site, HSTS over HTTPS only), ``Cache-Control: private, no-store`` on whatever
is behind a login, no ``Server`` header naming the software, and ``socialplan serve`` saying it serves only once it
listens, and in one sentence when the port is taken."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from world import KIND, sign_in

from core.app import CHECKOUT

SOCIALPLAN = str(Path(sys.executable).with_name("socialplan"))
SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def assert_security_headers(response) -> None:
    policy = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'self'" and directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value, name
    assert "Server" not in response.headers


def private(response) -> bool:
    return response.headers.get("Cache-Control") == "private, no-store"


def test_pages_downloads_and_api_answers_behind_a_login_are_never_cached(web_app, web_client, world):
    sign_in(web_client, "planner@alpha.org")
    answers = {
        "dashboard": web_client.get("/m/alpha/"),
        "section page": web_client.get(f"/m/alpha/plans/{world.alpha_draft}/sections/services"),
        "CSV download": web_client.get(f"/m/alpha/plans/2026/{KIND}/tables/services.csv"),
        "not found": web_client.get("/m/alpha/plans/999999/"),
    }
    from core.services.accounts import issue_api_token

    with web_app.app_context():
        from sqlalchemy import select

        from core.db import get_session
        from core.models import User

        session = get_session()
        token = issue_api_token(session, session.scalar(select(User).where(User.email == "planner@alpha.org")))
        session.commit()
    answers["API"] = web_app.test_client().get("/api/v1/municipalities/alpha/plans",
                                                headers={"Authorization": f"Bearer {token}"})
    answers["API refusal"] = web_app.test_client().get("/api/v1/municipalities/alpha/plans")
    assert answers["CSV download"].status_code == 200 and answers["API"].status_code == 200
    for what, response in answers.items():
        assert private(response), what
        assert_security_headers(response)


def test_the_sign_in_page_and_static_files_carry_the_headers_and_only_static_files_may_be_cached(web_client, world):
    login = web_client.get("/login")
    assert_security_headers(login)
    assert private(login)
    css = web_client.get("/static/socialplan.css")
    assert css.status_code == 200
    assert_security_headers(css)
    assert "no-store" not in css.headers.get("Cache-Control", "")


def test_hsts_only_over_https_and_behind_a_trusted_proxy_only_when_it_says_https(make_app, database_url):
    plain = make_app(database_url)
    assert "Strict-Transport-Security" not in plain.test_client().get("/login").headers
    https = plain.test_client().get("/login", base_url="https://planning.example.org")
    assert https.headers["Strict-Transport-Security"].startswith("max-age=")
    forwarded = {"X-Forwarded-Proto": "https"}
    # no proxy configured: a client's own X-Forwarded-Proto is not believed
    assert "Strict-Transport-Security" not in plain.test_client().get("/login", headers=forwarded).headers
    proxied = make_app(database_url, PROXY_COUNT=1)
    assert "Strict-Transport-Security" in proxied.test_client().get("/login", headers=forwarded).headers
    for app in (plain, proxied):
        app.extensions["socialplan.engine"].dispose()


def template_files() -> list[Path]:
    roots = [CHECKOUT / "templates", *sorted((CHECKOUT / "plugins").glob("*/templates"))]
    return [path for root in roots for path in sorted(root.rglob("*.html"))]


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an on* event handler"),
    (re.compile(r"\sstyle\s*=", re.I), "a style attribute"),
    (re.compile(r"<style[\s>]", re.I), "a <style> element"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]


def test_no_template_holds_what_the_policy_forbids():
    files = template_files()
    assert len(files) > 20  # core's and the plugins' templates were found
    found = [f"{path.relative_to(CHECKOUT)}: {what}" for path in files
             for pattern, what in INLINE if pattern.search(path.read_text())]
    assert found == []


def test_rendered_pages_hold_no_inline_script_or_style(web_client, world):
    sign_in(web_client, "admin@example.org")
    pages = ["/admin/", "/admin/users", "/admin/tokens", "/m/alpha/",
             f"/m/alpha/plans/{world.alpha_draft}/", f"/m/alpha/plans/{world.alpha_draft}/sections/services"]
    for url in pages:
        response = web_client.get(url)
        assert response.status_code == 200, url
        for pattern, what in INLINE:
            assert not pattern.search(response.text), f"{url}: {what}"


# --- socialplan serve ----------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def serve_env(tmp_path, sqlite_template):
    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copyfile(sqlite_template, instance / "socialplan.sqlite")
    env = dict(os.environ)
    env.pop("SOCIALPLAN_DATABASE_URL", None)
    env.update(SOCIALPLAN_INSTANCE_PATH=str(instance), SOCIALPLAN_SECRET_KEY="a-long-enough-test-secret-key",
               PYTHONUNBUFFERED="1")
    return env


def test_serve_says_it_serves_only_once_the_port_listens_and_names_no_software(serve_env):
    port = free_port()
    server = subprocess.Popen([SOCIALPLAN, "serve", "--port", str(port), "--workers", "1"], env=serve_env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()  # blocks until the first line
        assert line.strip() == f"socialplan is serving on http://127.0.0.1:{port}/"
        # at that moment the port already accepts connections (the workers may still be starting)
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            pass
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as response:
                    headers = response.headers
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        assert headers.get("Server") is None
        assert headers["X-Frame-Options"] == "DENY" and headers["Cache-Control"] == "private, no-store"
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.stdout.close()
        server.stderr.close()


def test_serve_on_a_port_in_use_says_so_in_one_sentence(serve_env):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = time.monotonic()
        result = subprocess.run([SOCIALPLAN, "serve", "--port", str(port)], env=serve_env, capture_output=True,
                                text=True, timeout=60)
        assert time.monotonic() - started < 30  # no retries
    assert result.returncode == 1 and "serving on" not in result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [f"Error: Port {port} on 127.0.0.1 is already in use; stop what uses it or choose another "
                     "with --port."]


def test_serve_refuses_an_impossible_port_in_one_sentence(serve_env):
    result = subprocess.run([SOCIALPLAN, "serve", "--port", "70000"], env=serve_env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 1 and result.stderr.strip() == "Error: --port must be between 1 and 65535, not 70000."
