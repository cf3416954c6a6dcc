"""The SDK page's example plugin (docs/example-plugin), the suite's test jurisdiction, works as written: its
plan kind, rule, report, page, command and catalog, loaded as a third-party package would be, from core.sdk
alone (tests/conftest.py installs it aside with its catalogs compiled)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

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
def example(jurisdiction_app, database_url):
    from core.sdk.testing import create_municipality, get_session, load_demo, set_plugin_enabled

    app = jurisdiction_app(database_url)  # the example, loaded as tests/conftest.py installs it
    with app.app_context():
        session = get_session()
        registry = app.extensions["socialplan.registry"]
        load_demo(session, registry)
        town = create_municipality(session, "exampleby", {"en": "Example & <Town>", "sv": "Exempelby"}, "XX",
                                   "sv", "EUR")
        set_plugin_enabled(session, registry, town, "example", True)
        session.commit()
        yield app, session, registry, town


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
    # core's rule (the services are required) first, then the example's own: the empty note
    assert [(f.rule, f.field) for f in findings] == [("core.required-section", "services"),
                                                     ("example.empty-note", "notes/1/note")]
    text = pdf_text(render_report(session, plan, "example-report", "sv"))
    assert "Exempelplan 2026" in text and "Möte med \"Rådet\" & <nämnden>" in text


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


def test_the_world_has_two_tenants_with_plans(world):
    from core.sdk.testing import AnnualPlan

    with world.db() as session:
        assert session.get(AnnualPlan, world.beta_approved).status == "approved"
        assert session.get(AnnualPlan, world.alpha_draft).revision == 4  # create, two services, a campaign
        assert session.get(AnnualPlan, world.beta_draft).municipality.slug == "beta"
