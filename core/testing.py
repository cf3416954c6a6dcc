"""pytest fixtures shared by core's and the plugins' tests (loaded from the root conftest.py).

Every test gets its own database: a copy of a migrated SQLite file, and, when
SOCIALPLAN_TEST_DATABASE_URL is set, the same test again on that PostgreSQL database (emptied
before each test). ``demo_app`` starts from a database with the demo data loaded.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import MetaData, create_engine, text

from core.app import create_app

TEST_SECRET = "test-secret-key-that-is-long-enough"
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("SOCIALPLAN_TEST_DATABASE_URL") else [])


def _make_app(url: str, instance: Path, extra_plugins=(), **config) -> Flask:
    os.environ["SOCIALPLAN_INSTANCE_PATH"] = str(instance)
    settings = {"TESTING": True, "SECRET_KEY": TEST_SECRET, "DATABASE_URL": url, "WTF_CSRF_ENABLED": False}
    settings.update(config)
    return create_app(settings, extra_plugins=extra_plugins)


def _migrate(app: Flask, with_demo: bool) -> None:
    from core.db import get_session
    from core.demo import load_demo
    from core.migrate import upgrade

    with app.app_context():
        upgrade()
        if with_demo:
            load_demo(get_session(), app.extensions["socialplan.registry"])
        # Give the connection back first: dispose() closes only idle ones, and an open one keeps
        # the demo rows in SQLite's WAL file, which the template copy leaves behind.
        get_session().close()
        app.extensions["socialplan.engine"].dispose()


def _sqlite_template(factory: pytest.TempPathFactory, with_demo: bool) -> Path:
    folder = factory.mktemp("template-demo" if with_demo else "template")
    path = folder / "socialplan.sqlite"
    _migrate(_make_app(f"sqlite:///{path}", folder), with_demo)
    return path


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    return _sqlite_template(tmp_path_factory, with_demo=False)


@pytest.fixture(scope="session")
def sqlite_demo_template(tmp_path_factory) -> Path:
    return _sqlite_template(tmp_path_factory, with_demo=True)


_POSTGRESQL_MIGRATED: set[str] = set()


def _reset_postgresql(url: str, tmp_path: Path, with_demo: bool) -> None:
    """Migrate the test database once per run (from an empty schema), then empty it per test."""
    engine = create_engine(url)
    with engine.begin() as connection:
        metadata = MetaData()
        metadata.reflect(connection)
        if url not in _POSTGRESQL_MIGRATED:
            # Everything an earlier run left (tables, and the functions plugins' migrations create).
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        else:
            names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables if t.name != "alembic_version")
            if names:
                connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()
    if url not in _POSTGRESQL_MIGRATED or with_demo:
        _migrate(_make_app(url, tmp_path), with_demo)
    _POSTGRESQL_MIGRATED.add(url)


def _database_url(backend: str, tmp_path: Path, template: Path, with_demo: bool) -> str:
    if backend == "postgresql":
        url = os.environ["SOCIALPLAN_TEST_DATABASE_URL"]
        _reset_postgresql(url, tmp_path, with_demo)
        return url
    path = tmp_path / "socialplan.sqlite"
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path, sqlite_template) -> str:
    return _database_url(request.param, tmp_path, sqlite_template, with_demo=False)


@pytest.fixture(params=BACKENDS)
def demo_database_url(request, tmp_path, sqlite_demo_template) -> str:
    return _database_url(request.param, tmp_path, sqlite_demo_template, with_demo=True)


@pytest.fixture
def make_app(tmp_path) -> Callable[..., Flask]:
    """Build an app on a given database URL, with optional extra plugins and config."""
    instance = tmp_path / "instance"
    instance.mkdir(exist_ok=True)

    def factory(url: str, extra_plugins=(), **config) -> Flask:
        return _make_app(url, instance, extra_plugins, **config)

    return factory


@pytest.fixture
def app(make_app, database_url) -> Iterator[Flask]:
    application = make_app(database_url)
    yield application
    application.extensions["socialplan.engine"].dispose()


@pytest.fixture
def demo_app(make_app, demo_database_url) -> Iterator[Flask]:
    application = make_app(demo_database_url)
    yield application
    application.extensions["socialplan.engine"].dispose()


@pytest.fixture
def session(app):
    from core.db import get_session

    with app.app_context():
        yield get_session()


@pytest.fixture
def demo_session(demo_app):
    from core.db import get_session

    with demo_app.app_context():
        yield get_session()


@pytest.fixture
def registry(app):
    return app.extensions["socialplan.registry"]


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def demo_client(demo_app):
    return demo_app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def pdf_text(pdf: bytes | Path, plain_spaces: bool = False) -> str:
    """The text of a PDF (its bytes or its file), page after page; ``plain_spaces`` reads the no-break
    spaces Babel puts in numbers as plain ones."""
    import io

    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(pdf if isinstance(pdf, Path) else io.BytesIO(pdf)).pages)
    return text.replace("\u00a0", " ").replace("\u202f", " ") if plain_spaces else text


def login(client, email: str, password: str):
    """Sign ``client`` in through the login form."""
    return client.post("/login", data={"email": email, "password": password}, follow_redirects=True)


def without_uids(document: dict) -> dict:
    """A plan document (or a section) without its rows' uids: what a document written by hand holds."""
    def strip(section: dict) -> dict:
        return {**section, "rows": [{k: v for k, v in row.items() if k != "uid"} for row in section["rows"]]}

    if "sections" not in document:
        return strip(document)
    return {**document, "sections": {key: strip(section) for key, section in document["sections"].items()}}


REVISION_NUMBER = re.compile(r"(?i)\b(revision|version|arbetsversion|versiunea(?: de lucru)?)\s+\d+")


def without_revision_numbers(text: str) -> str:
    """Report text with the printed revision's number masked: the same plan imported into another database
    is the same document under another revision number (every page's footer names it)."""
    return REVISION_NUMBER.sub(r"\1 N", text)


SOCIALPLAN = str(Path(sys.executable).with_name("socialplan"))


def cli_environment(tmp_path: Path, template: Path) -> dict[str, str]:
    """Environment for a ``socialplan`` process on a copy of the migrated SQLite ``template`` of its own."""
    instance = tmp_path / "instance"
    instance.mkdir(exist_ok=True)
    shutil.copyfile(template, instance / "socialplan.sqlite")
    env = dict(os.environ)
    env.pop("SOCIALPLAN_DATABASE_URL", None)
    env.update(SOCIALPLAN_INSTANCE_PATH=str(instance), SOCIALPLAN_SECRET_KEY="a-long-enough-test-secret-key")
    return env


def run_cli(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """``socialplan *args`` as a real process, its output as text."""
    return subprocess.run([SOCIALPLAN, *args], env=env, input=stdin, capture_output=True, text=True, timeout=120)
