"""Kolada API v2 and v3 documents of Huddinge (0126): what is written, kept, left out and why, in sv and en.

The fixtures are invented in Kolada's shapes: v2 with women's and men's figures, another municipality's
row and a year no goal asks for; v3 (page 1 of 2) with null values whose status is "Saknas", values and
whole observations marked ``isdeleted``, another municipality and a KPI no goal asks for.
"""

from __future__ import annotations

import io
import json
import re
import sqlite3
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest
from flask_babel import force_locale

from core.sdk.plans import create_plan
from core.sdk.reports import render_report
from core.sdk.testing import get_registry, municipality_by_slug, pdf_text, run_cli
from plugins.sweden.models import GoalIndicator, GoalValue, QualityGoal
from plugins.sweden.services import kolada
from plugins.sweden.services.errors import SwedenValidationError
from plugins.sweden.tests.helpers import sign_in

FIXTURES = Path(__file__).parent / "fixtures"
V2 = FIXTURES / "kolada_v2_huddinge_2024.json"
V3 = FIXTURES / "kolada_v3_huddinge_2024.json"
HOME, CARE = "U21468", "U23471"


def _goal(session, municipality_id: int) -> tuple[GoalIndicator, GoalIndicator]:
    goal = QualityGoal(municipality_id=municipality_id, year=2024, title={"sv": "Nöjda brukare & <anhöriga>"},
                       target=Decimal("86"), position=0)
    home = GoalIndicator(scope={"sv": "Ordinärt boende", "en": "Ordinary housing"}, kolada_kpi=HOME, position=0)
    care = GoalIndicator(scope={"sv": "Vård- och omsorgsboende", "en": "Residential care"}, kolada_kpi=CARE,
                         position=1)
    goal.indicators.extend([home, care])
    session.add(goal)
    session.flush()
    return home, care


def _value(session, indicator: GoalIndicator) -> tuple[Decimal | None, Decimal | None]:
    row = session.query(GoalValue).filter_by(indicator_id=indicator.id, year=2024).one()
    return row.value, row.national_value


@pytest.fixture
def huddinge(demo_session):
    municipality = municipality_by_slug(demo_session, "huddinge")
    return municipality, *_goal(demo_session, municipality.id)


def test_v2_then_v3_keeps_women_and_men_and_a_missing_figure_replaces_the_old_one(demo_session, huddinge):
    municipality, home, care = huddinge
    first = kolada.import_kolada(demo_session, municipality.id, V2)
    # Both T results and riket's T of U21468; K and M of both; Stockholm's row and the 2023 one left out.
    assert (first.values, first.national, first.by_sex, first.missing) == (2, 1, 4, 0)
    assert first.skipped == {"other_municipality": 1, "unasked": 1} and not first.more_pages
    assert _value(demo_session, home) == (Decimal("90"), Decimal("89"))
    second = kolada.import_kolada(demo_session, municipality.id, V3)
    assert (second.values, second.national, second.by_sex, second.missing) == (0, 2, 3, 2)
    assert second.skipped == {"deleted": 2, "other_municipality": 1, "unasked": 1} and second.more_pages
    # The 90 of v2 is gone: the result is missing, not 0 and not the old figure; riket's is v3's.
    assert _value(demo_session, home) == (None, Decimal("88.5"))
    assert kolada.missing_result(demo_session, home.id, 2024) == "Missing (Saknas)"
    assert kolada.missing_result(demo_session, home.id, 2024, national=True) is None
    # The deleted observation of U23471 left the municipality's 81 as it was; riket's came from v3.
    assert _value(demo_session, care) == (Decimal("81"), Decimal("82"))
    row = next(r for r in kolada.figure_rows(demo_session, municipality.id, 2024) if r.indicator.id == home.id)
    assert row.get(False, "K").value == Decimal("91") and row.get(False, "M") == kolada.Figure(None, "Saknas")
    assert row.get(True, "M").value == Decimal("87")  # v3's is marked deleted: v2's stays


def test_the_message_counts_each_reason_in_english_and_swedish(demo_session, huddinge):
    municipality = huddinge[0]
    kolada.import_kolada(demo_session, municipality.id, V2)
    result = kolada.import_kolada(demo_session, municipality.id, V3)
    with force_locale("en"):
        assert kolada.import_message(result) == (
            "Kolada: 0 results and 2 national figures were imported. 3 figures for women or men were kept. "
            "2 figures are missing in Kolada and are now shown as missing. 4 figures were left out: 1 that no "
            "goal asks for; 1 of another municipality; 2 deleted in Kolada. The file is one page of a longer "
            "answer from Kolada: import its next page too.")
    with force_locale("sv"):
        message = kolada.import_message(result)
    # Swedish words and plurals, not the English catalog's.
    assert message.startswith("Kolada: 0 resultat och 2 värden för riket importerades.")
    assert "2 borttagna i Kolada" in message and "saknas i Kolada" in message and "figures" not in message


@pytest.mark.parametrize("document", [
    [{"kpi": HOME}],  # not an object
    {"values": [{"kpi": HOME, "municipality": "0126", "period": 2024, "values": [{"gender": "X", "value": 1}]}]},
    {"values": [{"kpi": HOME, "municipality": "0126", "period": 2024, "values": [{"gender": "T", "value": "x"}]}]},
    {"values": [{"kpi": HOME, "municipality": "0126", "period": "20x4", "values": []}]},
    {"values": [{"kpi": HOME, "municipality": "0126", "period": 2024, "values": {"gender": "T"}}]},
    {"values": [{"kpi": HOME, "municipality": "0126", "period": 2024,
                 "values": [{"gender": "T", "value": None, "status": 7}]}]},
])
def test_a_malformed_document_is_one_sentence_in_the_readers_language(demo_session, huddinge, tmp_path, document):
    path = tmp_path / "kolada.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    for locale, sentence in (("en", "The file is not a Kolada data document (API v2 or v3)."),
                             ("sv", "Filen är inte ett datadokument från Kolada (API v2 eller v3).")):
        with force_locale(locale):
            with pytest.raises(SwedenValidationError) as error:
                kolada.import_kolada(demo_session, huddinge[0].id, path)
            assert str(error.value.message) == sentence  # the whole message: no parser's words


def test_a_figure_that_is_no_percentage_refuses_the_whole_file(demo_session, huddinge, tmp_path):
    municipality = huddinge[0]
    path = tmp_path / "kolada.json"
    path.write_text(json.dumps({"values": [
        {"kpi": HOME, "municipality": "0126", "period": 2024, "values": [{"gender": "K", "value": 40}]},
        {"kpi": HOME, "municipality": "0126", "period": 2024, "values": [{"gender": "T", "value": 250}]}]}))
    with pytest.raises(SwedenValidationError) as error:
        kolada.import_kolada(demo_session, municipality.id, path)
    assert "not a percentage" in str(error.value.message)
    assert kolada.figure_rows(demo_session, municipality.id, 2024) == []  # not even the valid first figure


def test_the_quality_report_pdf_says_missing_and_shows_women_and_men(demo_session, huddinge):
    municipality = huddinge[0]
    kolada.import_kolada(demo_session, municipality.id, V2)
    kolada.import_kolada(demo_session, municipality.id, V3)
    plan = create_plan(demo_session, get_registry(), municipality, 2024, "quality-report", None)
    sv, en = (" ".join(pdf_text(render_report(demo_session, plan, "quality-report", locale), plain_spaces=True)
                       .split()) for locale in ("sv", "en"))  # cells wrap: words joined again
    assert "Kvinna" in sv and "Man" in sv and "Saknas" in sv  # the seed's headings; Kolada's reason
    assert re.search(r"91 ?%", sv) and not re.search(r"\b90 ?%", sv)  # v3's women's figure; v2's 90 is gone
    assert "Women" in en and "Men" in en and "Missing (Saknas)" in en


# --- the web import page and the goals page ----------------------------------------------------------------


def _text(response) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


def _upload(client, path: Path):
    return client.post("/m/huddinge/sweden/import/kolada", content_type="multipart/form-data",
                       data={"kolada-file": (io.BytesIO(path.read_bytes()), path.name)}, follow_redirects=True)


def _web_goal(client) -> int:
    answer = client.post("/m/huddinge/sweden/goals?year=2024", data={
        "year": "2024", "title__sv": "Nöjda brukare", "kind": "percent", "target": "86", "kolada_kpi": "u21468"})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return int(re.search(r"/goals/(\d+)$", answer.headers["Location"]).group(1))


@pytest.mark.parametrize("locale", ["sv", "en"])
def test_web_import_of_v2_and_v3_and_the_goal_pages(demo_app, demo_client, locale):
    sign_in(demo_client, "planner@huddinge.demo", locale)
    goal_id = _web_goal(demo_client)
    first = _text(_upload(demo_client, V2))
    second = _text(_upload(demo_client, V3))
    goals = _text(demo_client.get("/m/huddinge/sweden/goals?year=2024"))
    detail = _text(demo_client.get(f"/m/huddinge/sweden/goals/{goal_id}"))
    bad = demo_client.post("/m/huddinge/sweden/import/kolada", content_type="multipart/form-data",
                           data={"kolada-file": (io.BytesIO(b'{"values": {}}'), "x.json")})
    if locale == "en":
        assert "Kolada: 1 result and 1 national figure were imported. 4 figures for women or men were kept." in first
        assert "3 figures were left out: 2 that no goal asks for; 1 of another municipality." in first
        assert "2 figures are missing in Kolada and are now shown as missing." in second
        # Only U21468 has a goal here: U23471's deleted observation is one no goal asks for.
        assert "5 figures were left out: 3 that no goal asks for; 1 of another municipality; 1 deleted in Kolada." in (
            second) and "import its next page too" in second
        assert "Missing (Saknas)" in goals and "Women" in goals and "Men" in goals
        assert "The file is not a Kolada data document (API v2 or v3)." in _text(bad)
    else:
        assert "Kolada: 1 resultat och 1 värde för riket importerades." in first
        assert "saknas i Kolada" in second and "1 borttagen i Kolada" in second
        assert "Saknas" in goals and "Kvinna" in goals and " Man " in goals  # seed 002's headings
        assert "Filen är inte ett datadokument från Kolada (API v2 eller v3)." in _text(bad)
    assert bad.status_code == 400
    # The result cell of the goal says missing, never v2's 90 (the K 91 and riket's 88.5 are v3's).
    result_row = re.search(r'id="goal-\d+-indicator-\d+">(.*?)</tr>', demo_client.get(
        f"/m/huddinge/sweden/goals/{goal_id}").get_data(as_text=True), re.S).group(1)
    assert "Saknas" in result_row and "90" not in result_row
    assert "91" in detail and "88" in detail


# --- the command line ----------------------------------------------------------------------------------------


@pytest.fixture
def cli_huddinge(tmp_path, sqlite_demo_template):
    from core.sdk.testing import cli_environment

    env = cli_environment(tmp_path, sqlite_demo_template)
    database = sqlite3.connect(Path(env["SOCIALPLAN_INSTANCE_PATH"]) / "socialplan.sqlite")
    with database:
        (municipality_id,) = database.execute("SELECT id FROM municipality WHERE slug = 'huddinge'").fetchone()
        goal_id = database.execute("INSERT INTO se_quality_goal (municipality_id, year, position, title, target) "
                                   "VALUES (?, 2024, 0, '{\"sv\": \"Nöjda\"}', 86)", (municipality_id,)).lastrowid
        for position, kpi in enumerate((HOME, CARE)):
            database.execute("INSERT INTO se_goal_indicator (goal_id, position, scope, kolada_kpi) "
                             "VALUES (?, ?, '{}', ?)", (goal_id, position, kpi))
    database.close()
    return env


def test_cli_prints_one_line_in_the_chosen_language(cli_huddinge):
    en = run_cli(cli_huddinge, "sweden", "import-kolada", str(V2), "--municipality", "huddinge")
    assert en.returncode == 0, en.stderr
    assert en.stdout.strip().count("\n") == 0  # one line
    assert en.stdout.startswith("Kolada: 2 results and 1 national figure were imported.")
    assert "2 figures were left out: 1 that no goal asks for; 1 of another municipality." in en.stdout
    sv = run_cli(cli_huddinge, "sweden", "import-kolada", str(V3), "--municipality", "huddinge", "--lang", "sv")
    assert sv.returncode == 0, sv.stderr
    assert sv.stdout.strip().count("\n") == 0 and sv.stdout.startswith("Kolada: 0 resultat och 2 värden för riket")
    assert "2 borttagna i Kolada" in sv.stdout


def test_cli_refuses_a_malformed_file_in_one_sentence(cli_huddinge, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"values": [{"kpi": "U21468", "municipality": "0126", "period": 2024, '
                   '"values": [{"gender": "Q", "value": 1}]}]}', encoding="utf-8")
    for lang, sentence in (("en", "The file is not a Kolada data document (API v2 or v3)."),
                           ("sv", "Filen är inte ett datadokument från Kolada (API v2 eller v3).")):
        done = run_cli(cli_huddinge, "sweden", "import-kolada", str(bad), "--municipality", "huddinge", "--lang", lang)
        assert done.returncode == 1 and done.stderr.strip() == f"Error: {bad}: {sentence}"  # no traceback
    wrong = run_cli(cli_huddinge, "sweden", "import-kolada", str(bad), "--municipality", "huddinge", "--lang", "de")
    assert wrong.returncode == 1 and wrong.stderr.strip() == (
        "Error: There is no catalog for language 'de'; choose one of en, sv, ro.")
