"""The suite's test jurisdiction and its world (core's fixtures come from core.testing, see ../conftest.py).

The test jurisdiction is the SDK page's example plugin, docs/example-plugin: copied aside once per run
with its catalogs compiled, as ``pip install`` would put it, and registered beside the built-in plugins
the way any third-party plugin is (under its entry-point name, ``example``).
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from world import PLUGIN, World, build_world

EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "example-plugin"


@pytest.fixture(scope="session")
def jurisdiction(tmp_path_factory) -> Iterator[ModuleType]:
    """The example plugin's package, installed aside with its catalogs compiled."""
    package = tmp_path_factory.mktemp("site-packages") / "socialplan_example"
    shutil.copytree(EXAMPLE / "socialplan_example", package)
    for po in package.glob("translations/*/LC_MESSAGES/*.po"):
        with po.open("rb") as source, po.with_suffix(".mo").open("wb") as target:
            write_mo(target, read_po(source))
    spec = importlib.util.spec_from_file_location("socialplan_example", package / "__init__.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["socialplan_example"] = module  # as an installed package is: its blueprint finds its folder
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("socialplan_example", None)


@pytest.fixture
def jurisdiction_app(make_app, jurisdiction) -> Callable[..., object]:
    """Build an app on a database URL with the test jurisdiction installed (and extra one-off plugins)."""
    apps = []

    def factory(url: str, extra_plugins=(), **config):
        app = make_app(url, extra_plugins=[(PLUGIN, jurisdiction), *extra_plugins], **config)
        apps.append(app)
        return app

    yield factory
    for app in apps:
        app.extensions["socialplan.engine"].dispose()


@pytest.fixture
def make_world(jurisdiction_app, database_url) -> Callable[..., World]:
    """The world on an app of its own: ``make_world(**config)`` (e.g. ``WTF_CSRF_ENABLED=True``)."""
    return lambda extra_plugins=(), **config: build_world(jurisdiction_app(database_url, extra_plugins, **config))


@pytest.fixture
def world(make_world) -> World:
    return make_world()


@pytest.fixture
def web_app(world):
    return world.app


@pytest.fixture
def web_client(web_app):
    return web_app.test_client()


@pytest.fixture
def kitchen(jurisdiction_app, jurisdiction, database_url):
    """The test jurisdiction's demo town (Example Town) alone, no other plugin's plans: its app, session and
    registry, inside an app context."""
    from core.db import get_session

    app = jurisdiction_app(database_url)
    with app.app_context():
        session = get_session()
        registry = app.extensions["socialplan.registry"]
        jurisdiction.socialplan_demo_data(session, registry.context(PLUGIN, session))
        session.commit()
        yield SimpleNamespace(app=app, session=session, registry=registry)
