"""The plugin contract: hooks through pluggy (traced and wrapped, every one), plugin commands in the one
CLI group, core's provider service, the SDK's version rule and its generated page."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from core import hookspecs
from core.sdk import SDK_VERSION, SDKVersionError, hookimpl, require_sdk

HOOK_NAMES = sorted(name for name in dir(hookspecs) if name.startswith("socialplan_"))
TRACED = re.compile(r"^\s*(socialplan_\w+) \[hook\]", re.MULTILINE)


def _wrapper(name: str):
    @hookimpl(wrapper=True)
    def wrap(self):
        self.seen.append(name)
        return (yield)

    wrap.__name__ = name
    return wrap


# A plugin that wraps every hook and answers none: it sees each call core makes, as pluggy's wrappers do.
Recorder = type("Recorder", (), {name: _wrapper(name) for name in HOOK_NAMES})


@pytest.fixture
def traced_app(monkeypatch, make_app, demo_database_url, capfd):
    monkeypatch.setenv("SOCIALPLAN_TRACE_HOOKS", "1")
    recorder = Recorder()
    recorder.seen = []
    app = make_app(demo_database_url, extra_plugins=[("recorder", recorder)])
    capfd.readouterr()  # start-up's hooks
    recorder.seen.clear()
    yield app, recorder
    app.extensions["socialplan.engine"].dispose()


def test_the_trace_and_the_wrappers_see_every_hook_a_request_calls(traced_app, capfd):
    from core.sdk.testing import login

    app, recorder = traced_app
    client = app.test_client()
    login(client, "planner@stockholm.demo", "demo-password-2026")
    capfd.readouterr()
    recorder.seen.clear()
    assert client.get("/m/stockholm/").status_code == 200  # the dashboard: the Swedish plugin's panels
    traced = TRACED.findall(capfd.readouterr().err)
    # Per-municipality calls used to bypass pluggy and were silent; now the trace names each one.
    assert "socialplan_dashboard_panels" in traced
    assert sorted(set(traced)) == sorted(set(recorder.seen))


def test_the_plan_pages_hooks_are_traced_too(traced_app, capfd):
    from core.sdk.testing import AnnualPlan, get_session, login

    app, recorder = traced_app
    with app.app_context():
        plan_id = get_session().query(AnnualPlan).filter_by(kind="followup-plan").first().id
    client = app.test_client()
    login(client, "planner@stockholm.demo", "demo-password-2026")
    capfd.readouterr()
    recorder.seen.clear()
    assert client.post(f"/m/stockholm/plans/{plan_id}/title", data={"title_sv": "Uppföljningsplan & <mål>"},
                       follow_redirects=True).status_code == 200
    traced = set(TRACED.findall(capfd.readouterr().err))
    assert {"socialplan_validate_plan", "socialplan_export_plan_extension"} <= traced
    assert traced == set(recorder.seen)


def test_plugin_commands_are_in_the_app_cli_group(app):
    result = app.test_cli_runner().invoke(args=["sweden", "--help"])
    assert result.exit_code == 0, result.output
    assert "import-answers" in result.output and "calendar" in result.output


def test_plugin_commands_run_through_the_socialplan_group(demo_database_url, tmp_path):
    from core.cli import cli

    env = {"SOCIALPLAN_INSTANCE_PATH": str(tmp_path), "SOCIALPLAN_DATABASE_URL": demo_database_url,
           "SOCIALPLAN_SECRET_KEY": "a-long-enough-test-secret-key"}
    result = CliRunner().invoke(cli, ["sweden", "calendar", "--municipality", "stockholm", "--year", "2026"],
                                env=env)
    assert result.exit_code == 0, result.output
    assert "Rosenlunds vård- och omsorgsboende" in result.output and "follow-ups" in result.output
    refused = CliRunner().invoke(cli, ["sweden", "calendar", "--municipality", "piatra-neamt", "--year", "2026"],
                                 env=env)
    assert refused.exit_code == 1 and "not enabled" in refused.output


def test_providers_are_added_through_core(session):
    from core.sdk.providers import add_provider, provider_named, providers_of
    from core.sdk.testing import create_municipality

    town = create_municipality(session, "aby", {"sv": "Åby & <Söder>"}, "SE", "sv", "SEK")
    added = add_provider(session, town.id, 'Omsorg "Ek" & Söner AB')
    assert added.id is not None and added.name == 'Omsorg "Ek" & Söner AB'
    assert provider_named(session, town.id, 'Omsorg "Ek" & Söner AB') is added
    assert [p.name for p in providers_of(session, town.id)] == ['Omsorg "Ek" & Söner AB']
    with pytest.raises(ValueError):
        add_provider(session, town.id, "   ")


def test_a_plugin_context_translates_with_the_plugins_own_catalog(app):
    from flask_babel import force_locale

    with app.test_request_context("/"), force_locale("sv"):
        context = app.extensions["socialplan.registry"].context("sweden")
        assert context.locale == "sv"
        assert context.gettext("Units") == "Enheter"


def test_the_sdk_version_rule():
    major, minor = (int(part) for part in SDK_VERSION.split("."))
    require_sdk(f"{major}.0")
    with pytest.raises(SDKVersionError):
        require_sdk(f"{major}.{minor + 1}")
    with pytest.raises(SDKVersionError):
        require_sdk(f"{major + 1}.0")


def test_every_sdk_name_has_its_line():
    from core.sdk.doc import MODULES, describe

    for module in MODULES:
        assert set(module.__all__) == set(module.DOCS), module.__name__
        for name in module.__all__:
            assert describe(module, name), f"{module.__name__}.{name} has no one-line description"


def test_the_committed_sdk_page_is_up_to_date():
    page = Path(__file__).resolve().parents[1] / "docs" / "plugin-sdk.md"
    made = subprocess.run([sys.executable, "-m", "core.sdk.doc"], capture_output=True, text=True, check=True).stdout
    assert page.read_text(encoding="utf-8") == made, "run: python -m core.sdk.doc > docs/plugin-sdk.md"
