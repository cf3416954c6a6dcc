"""The ``socialplan`` command, run as a user runs it: a real process, real files, real exit codes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from core.testing import cli_environment, pdf_text, run_cli, without_revision_numbers


@pytest.fixture
def cli_env(tmp_path, sqlite_template):
    """Environment for a socialplan process on a migrated SQLite database of its own."""
    return cli_environment(tmp_path, sqlite_template)


run = run_cli


def assert_one_sentence_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_db_upgrade_creates_the_sqlite_file_in_the_instance_folder(tmp_path):
    env = dict(os.environ, SOCIALPLAN_INSTANCE_PATH=str(tmp_path / "fresh"),
               SOCIALPLAN_SECRET_KEY="a-long-enough-test-secret-key")
    env.pop("SOCIALPLAN_DATABASE_URL", None)
    result = run(env, "db", "upgrade")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "fresh" / "socialplan.sqlite").stat().st_size > 0
    assert result.stdout.strip() == "Created the database schema."
    again = run(env, "db", "upgrade")
    assert again.returncode == 0 and again.stdout.strip() == "Database is up to date."  # a second one is a no-op


def test_demo_load_before_db_upgrade_says_to_run_db_upgrade_first(tmp_path):
    env = dict(os.environ, SOCIALPLAN_INSTANCE_PATH=str(tmp_path / "empty"),
               SOCIALPLAN_SECRET_KEY="a-long-enough-test-secret-key")
    env.pop("SOCIALPLAN_DATABASE_URL", None)
    result = run(env, "demo", "load")
    assert_one_sentence_error(result, "has no tables yet", "run 'socialplan db upgrade' first")
    assert "Cannot reach" not in result.stderr


def test_missing_secret_key_is_generated_once(tmp_path):
    env = dict(os.environ, SOCIALPLAN_INSTANCE_PATH=str(tmp_path / "inst"))
    env.pop("SOCIALPLAN_SECRET_KEY", None)
    env.pop("SOCIALPLAN_DATABASE_URL", None)
    assert run(env, "plugins", "list").returncode in (0, 1)
    key = (tmp_path / "inst" / "secret_key").read_text()
    assert len(key) >= 32
    run(env, "plugins", "list")
    assert (tmp_path / "inst" / "secret_key").read_text() == key


def test_a_well_known_secret_key_is_refused(cli_env):
    result = run({**cli_env, "SOCIALPLAN_SECRET_KEY": "dev"}, "plugins", "list")
    assert_one_sentence_error(result, "SECRET_KEY")


def test_unreachable_database_is_one_sentence(cli_env):
    env = {**cli_env, "SOCIALPLAN_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"}
    assert_one_sentence_error(run(env, "db", "upgrade"), "Cannot reach the database", "127.0.0.1:1/none")


def test_user_create_reads_the_password_from_stdin(cli_env):
    result = run(cli_env, "user", "create", "--email", "Chief@Example.org", "--role", "admin",
                 stdin="correct horse battery\n")
    assert result.returncode == 0, result.stderr
    assert "chief@example.org" in result.stdout
    assert_one_sentence_error(
        run(cli_env, "user", "create", "--email", "chief@example.org", "--role", "admin", stdin="another password\n"),
        "already exists",
    )
    assert_one_sentence_error(
        run(cli_env, "user", "create", "--email", "x@example.org", "--role", "planner", "--municipality", "atlantis",
            stdin="correct horse battery\n"),
        "atlantis",
    )
    assert_one_sentence_error(
        run(cli_env, "user", "create", "--email", "y@example.org", "--role", "admin", stdin="short\n"), "password"
    )


def test_plugins_enable_and_disable_for_an_unknown_municipality_or_plugin(cli_env):
    assert_one_sentence_error(run(cli_env, "plugins", "enable", "romania", "--municipality", "atlantis"), "atlantis")


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("{not json", "not valid JSON"),
        ('{"format": "socialplan.plan", "version": 1}', "$"),
        ('{"format": "socialplan.plan", "version": 1, "municipality": {"slug": "x", "name": {}, "country": "RO",'
         ' "default_locale": "ro", "currency": "RON"}, "year": "2021", "kind": "k", "status": "draft",'
         ' "sections": {}}', "$.year"),
    ],
)
def test_plan_import_refuses_unreadable_or_invalid_json_naming_the_path(cli_env, tmp_path, content, fragment):
    path = tmp_path / "plan.json"
    path.write_text(content)
    assert_one_sentence_error(run(cli_env, "plan", "import", str(path)), fragment)


def test_plan_import_of_a_missing_file(cli_env, tmp_path):
    assert_one_sentence_error(run(cli_env, "plan", "import", str(tmp_path / "nope.json")), "Cannot read")


def test_report_render_errors_name_what_is_unknown(cli_env, tmp_path):
    out = str(tmp_path / "x.pdf")
    assert_one_sentence_error(
        run(cli_env, "report", "render", "--municipality", "atlantis", "--year", "2021", "--kind", "action-plan",
            "--lang", "ro", "--out", out), "atlantis")
    assert_one_sentence_error(
        run(cli_env, "report", "render", "--municipality", "atlantis", "--year", "2021", "--kind", "action-plan",
            "--lang", "xx", "--out", out), "'xx'")
    assert_one_sentence_error(
        run(cli_env, "report", "render", "--municipality", "atlantis", "--year", "twenty", "--kind", "action-plan",
            "--lang", "ro", "--out", out), "twenty")
    assert not Path(out).exists()


def test_plan_export_of_an_unknown_plan(cli_env, tmp_path):
    assert_one_sentence_error(
        run(cli_env, "plan", "export", "--municipality", "nowhere", "--year", "2021", "--kind", "action-plan",
            "--out", str(tmp_path / "p.json")), "nowhere")


def test_schema_file_is_valid_json_schema():
    import jsonschema

    from core.interchange import SCHEMA_PATH

    jsonschema.Draft202012Validator.check_schema(json.loads(SCHEMA_PATH.read_text()))


def test_user_token_prints_a_token_and_refuses_an_unknown_account(cli_env):
    run(cli_env, "user", "create", "--email", "api@example.org", "--role", "admin", stdin="correct horse battery\n")
    result = run(cli_env, "user", "token", "create", "--email", "api@example.org")
    assert result.returncode == 0 and len(result.stdout.strip()) >= 40
    assert_one_sentence_error(run(cli_env, "user", "token", "create", "--email", "ghost@example.org"),
                              "ghost@example.org")


@pytest.mark.parametrize(("slug", "year", "kind", "report", "flags"), [
    ("piatra-neamt", "2021", "action-plan", "action-plan", []),
    ("eskilstuna", "2017", "quality-report", "quality-report", []),
    # The results report reads the answer cells, which travel only in an export with personal data.
    ("stockholm", "2026", "followup-plan", "followup-results", ["--include-personal-data"]),
])
def test_export_import_into_an_empty_database_export_gives_the_same_json_and_pdf(
    tmp_path, sqlite_template, sqlite_demo_template, slug, year, kind, report, flags
):
    def environment(name: str, template: Path) -> dict[str, str]:
        instance = tmp_path / name
        instance.mkdir()
        shutil.copyfile(template, instance / "socialplan.sqlite")
        env = {k: v for k, v in os.environ.items() if k != "SOCIALPLAN_DATABASE_URL"}
        return {**env, "SOCIALPLAN_INSTANCE_PATH": str(instance), "SOCIALPLAN_SECRET_KEY": "a-long-test-secret-key"}

    demo, empty = environment("demo", sqlite_demo_template), environment("empty", sqlite_template)
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    where = ["--municipality", slug, "--year", year]
    assert run(demo, "plan", "export", *where, "--kind", kind, "--out", str(first), *flags).returncode == 0
    imported = run(empty, "plan", "import", str(first))
    assert imported.returncode == 0, imported.stderr
    assert run(empty, "plan", "export", *where, "--kind", kind, "--out", str(second), *flags).returncode == 0
    assert json.loads(second.read_text()) == json.loads(first.read_text())
    for env, name in ((demo, "first.pdf"), (empty, "second.pdf")):
        result = run(env, "report", "render", *where, "--kind", report, "--lang", "ro", "--out", str(tmp_path / name))
        assert result.returncode == 0, result.stderr
    # The same document, under another revision number in the other database (the footer names it).
    first_text, second_text = pdf_text(tmp_path / "first.pdf"), pdf_text(tmp_path / "second.pdf")
    assert without_revision_numbers(first_text) == without_revision_numbers(second_text)


def test_plugins_list_enable_disable_for_a_municipality(tmp_path, sqlite_demo_template):
    instance = tmp_path / "demo"
    instance.mkdir()
    shutil.copyfile(sqlite_demo_template, instance / "socialplan.sqlite")
    env = {k: v for k, v in os.environ.items() if k != "SOCIALPLAN_DATABASE_URL"}
    env.update(SOCIALPLAN_INSTANCE_PATH=str(instance), SOCIALPLAN_SECRET_KEY="a-long-test-secret-key")
    listed = run(env, "plugins", "list")
    assert "romania: plan kinds [action-plan]; enabled for: piatra-neamt" in listed.stdout
    assert run(env, "plugins", "disable", "romania", "--municipality", "piatra-neamt").returncode == 0
    assert "romania: plan kinds [action-plan]; enabled for: -" in run(env, "plugins", "list").stdout
    refused = run(env, "report", "render", "--municipality", "piatra-neamt", "--year", "2021", "--kind",
                  "action-plan", "--lang", "ro", "--out", str(tmp_path / "x.pdf"))
    assert_one_sentence_error(refused, "action-plan")
    assert run(env, "plugins", "enable", "romania", "--municipality", "piatra-neamt").returncode == 0
    assert "enabled for: piatra-neamt" in run(env, "plugins", "list").stdout
    assert_one_sentence_error(run(env, "plugins", "enable", "klingon", "--municipality", "piatra-neamt"), "klingon")
