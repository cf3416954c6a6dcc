"""``socialplan sweden ...`` run as a user runs it: a real process on a copy of the demo database."""

from __future__ import annotations

import subprocess

import pytest
from sqlalchemy import create_engine, text

from core.sdk.testing import cli_environment, run_cli
from plugins.sweden.services.reference import DATA


@pytest.fixture
def cli_env(tmp_path, sqlite_demo_template):
    return cli_environment(tmp_path, sqlite_demo_template)


def run(env, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(env, "sweden", *args)


def one_sentence_error(result, *fragments: str) -> None:
    assert result.returncode != 0 and "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def answers(env, year: int) -> int:
    engine = create_engine(f"sqlite:///{env['SOCIALPLAN_INSTANCE_PATH']}/socialplan.sqlite")
    with engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM se_answer WHERE year = :y"), {"y": year}).scalar()
    engine.dispose()
    return count


def test_import_answers(cli_env, tmp_path):
    good = tmp_path / "svar.csv"
    good.write_text("unit,response,question,value\n" + "".join(
        f"SO-HTE,{n},q6,{1 + n % 5}\n" for n in range(1, 11)), encoding="utf-8")
    result = run(cli_env, "import-answers", str(good), "--municipality", "stockholm", "--year", "2025")
    assert result.returncode == 0, result.stderr
    assert "Imported 10 answers" in result.stdout and answers(cli_env, 2025) == 10
    one_sentence_error(run(cli_env, "import-answers", str(good), "--municipality", "stockholm", "--year", "2025"),
                       "already")
    bad = tmp_path / "fel.csv"
    bad.write_text("unit,response,question,value\nSO-HTE,1,q6,3\nSO-HTE,2,q6,8\nXX,3,q6,1\n", encoding="utf-8")
    report = tmp_path / "report.csv"
    result = run(cli_env, "import-answers", str(bad), "--municipality", "stockholm", "--year", "2024",
                 "--report", str(report))
    one_sentence_error(result, "Nothing was imported: 2 of 3 rows were refused", "row 3 (value)")
    assert report.read_text(encoding="utf-8").splitlines()[1:] == [
        "3,value,The answer '8' is outside the scale 1 to 5.",
        "4,unit,There is no unit 'XX'."]
    assert answers(cli_env, 2024) == 0


def test_import_answers_bad_arguments(cli_env, tmp_path):
    one_sentence_error(run(cli_env, "import-answers", str(tmp_path / "nope.csv"), "--municipality", "stockholm",
                           "--year", "2025"), "Cannot read")
    empty = tmp_path / "empty.csv"
    empty.write_text("a,b\n", encoding="utf-8")
    one_sentence_error(run(cli_env, "import-answers", str(empty), "--municipality", "nowhere", "--year", "2025"),
                       "There is no municipality 'nowhere'.")
    one_sentence_error(run(cli_env, "import-answers", str(empty), "--municipality", "stockholm", "--year", "2025"),
                       "missing: unit, response, question, value")
    one_sentence_error(run(cli_env, "import-answers", str(empty), "--municipality", "stockholm", "--year", "1850"),
                       "out of range")


def test_import_kolada_and_its_errors(cli_env, tmp_path):
    result = run(cli_env, "import-kolada", str(DATA / "kolada_eskilstuna_2016_2017.json"), "--municipality",
                 "eskilstuna")
    assert result.returncode == 0, result.stderr
    assert "Kolada: 4 results and 4 national figures were imported." in result.stdout
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    one_sentence_error(run(cli_env, "import-kolada", str(broken), "--municipality", "eskilstuna"),
                       "is not valid JSON: it is damaged or cut off at line 1")
    one_sentence_error(run(cli_env, "import-kolada", str(tmp_path / "none.json"), "--municipality", "eskilstuna"),
                       "There is no file")


def test_calendar_prints_overdue_marks(cli_env):
    result = run(cli_env, "calendar", "--municipality", "huddinge", "--year", "2026", "--today", "2026-06-30")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    cooperation = [line for line in lines if "Björkgårdens" in line and "2026-01-31" in line]
    assert cooperation and "OVERDUE" in cooperation[0]  # January's samverkansgrupp meeting was not held
    assert any("Solgårdens" in line and "2026-12-31" in line and "OVERDUE" not in line for line in lines)
    assert lines[-1].endswith("as of 2026-06-30.") and " overdue" in lines[-1]
    one_sentence_error(run(cli_env, "calendar", "--municipality", "huddinge", "--year", "3000"), "out of range")
