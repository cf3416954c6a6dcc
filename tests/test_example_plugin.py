"""The SDK page's example plugin (docs/example-plugin) works as written: its plan kind, rule, report,
page, command and catalog, loaded as a third-party package would be, from core.sdk alone."""

from __future__ import annotations

import ast
import importlib.util
import shutil
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "example-plugin"


def test_the_example_imports_only_the_sdk_from_socialplan():
    for path in EXAMPLE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "core":
                assert node.module == "core.sdk" or node.module.startswith("core.sdk."), (path, node.module)


def test_the_example_registers_through_the_entry_point_group():
    text = (EXAMPLE / "pyproject.toml").read_text(encoding="utf-8")
    assert '[project.entry-points."socialplan.plugins"]\nexample = "socialplan_example"' in text


@pytest.fixture
def example_module(tmp_path):
    """The example package copied aside with its catalogs compiled, as pip would install it."""
    package = tmp_path / "socialplan_example"
    shutil.copytree(EXAMPLE / "socialplan_example", package)
    for po in package.glob("translations/*/LC_MESSAGES/*.po"):
        with po.open("rb") as source, po.with_suffix(".mo").open("wb") as target:
            write_mo(target, read_po(source))
    spec = importlib.util.spec_from_file_location("socialplan_example", package / "__init__.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["socialplan_example"] = module
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("socialplan_example", None)


@pytest.fixture
def example(make_app, database_url, example_module):
    from core.sdk.testing import create_municipality, get_session, load_demo, set_plugin_enabled

    app = make_app(database_url, extra_plugins=[("example", example_module)])
    with app.app_context():
        session = get_session()
        registry = app.extensions["socialplan.registry"]
        load_demo(session, registry)
        town = create_municipality(session, "exampleby", {"en": "Example & <Town>", "sv": "Exempelby"}, "XX",
                                   "sv", "EUR")
        set_plugin_enabled(session, registry, town, "example", True)
        session.commit()
        yield app, session, registry, town
    app.extensions["socialplan.engine"].dispose()


def test_the_example_plan_kind_rule_and_report(example):
    from core.sdk.plans import add_row, create_plan, document_of, validate_document
    from core.sdk.testing import pdf_text, render_report

    _app, session, registry, town = example
    plan = create_plan(session, registry, town, 2026, "example-plan", None)
    add_row(session, registry, plan, "notes", {"note": "Möte med \"Rådet\" & <nämnden>"}, None)
    add_row(session, registry, plan, "notes", {"note": "  "}, None)
    session.commit()
    findings = validate_document(registry, plan, registry.plan_kind("example-plan"),
                                 document_of(session, registry, plan))
    assert [(f.rule, f.field) for f in findings] == [("example.empty-note", "notes/1/note")]
    text = pdf_text(render_report(session, plan, "example-notes", "sv"))
    assert "Anteckningar 2026" in text and "Möte med \"Rådet\" & <nämnden>" in text


def test_the_example_page_is_wrapped_and_translated(example):
    from core.sdk.plans import create_plan
    from core.sdk.testing import DEMO_ADMIN, DEMO_PASSWORD, login, set_plugin_enabled

    app, session, registry, town = example
    create_plan(session, registry, town, 2027, "example-plan", None)
    session.commit()
    client = app.test_client()
    assert client.get("/m/exampleby/example/").status_code == 302  # core signs the user in first
    login(client, DEMO_ADMIN, DEMO_PASSWORD)
    client.post("/locale", data={"locale": "sv", "next": "/"})
    page = client.get("/m/exampleby/example/").get_data(as_text=True)
    assert "Exempelplan" in page and "2027: 0 anteckningar" in page
    set_plugin_enabled(session, registry, town, "example", False)
    session.commit()
    assert client.get("/m/exampleby/example/").status_code == 404


def test_the_example_command(example):
    from core.sdk.plans import add_row, create_plan

    app, session, registry, town = example
    plan = create_plan(session, registry, town, 2026, "example-plan", None)
    add_row(session, registry, plan, "notes", {"note": "Åtgärd: ș ț & <b>"}, None)
    session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["example", "notes", "--municipality", "exampleby", "--year", "2026"])
    assert result.exit_code == 0 and result.output == "Åtgärd: ș ț & <b>\n", result.output
    missing = runner.invoke(args=["example", "notes", "--municipality", "exampleby", "--year", "2030"])
    assert missing.exit_code == 1 and "has no example plan for 2030" in missing.output
