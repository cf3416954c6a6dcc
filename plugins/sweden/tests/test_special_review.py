"""One area a year for särskild granskning (seed 003, 1.4): chosen per year, kept per year through the migration,
the plan document and its import, and shown in the follow-up-plan PDF and the command line."""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from core.sdk.plans import document_of, find_plan, import_plan
from core.sdk.testing import municipality_by_slug, pdf_text, render_report
from plugins.sweden.models import SwedenSettings
from plugins.sweden.services.errors import SwedenValidationError
from plugins.sweden.services.settings import choose_special_review_area, special_review_area

SOCIALPLAN = str(Path(sys.executable).with_name("socialplan"))
MEALS = {"sv": "Måltider & <nutrition>", "en": 'Meals "&" more', "ro": "Mese și nutriție"}


def _huddinge(session):
    """Huddinge with no area chosen yet: the demo's choices (2025, 2026) taken back."""
    town = municipality_by_slug(session, "huddinge")
    session.get(SwedenSettings, town.id).special_review_area = {}
    session.flush()
    return town


def test_choosing_checks_the_year_and_takes_a_choice_back(demo_session):
    session = demo_session
    town = _huddinge(session)
    for year in ("2026", 1999, 2101, None, True):
        with pytest.raises(SwedenValidationError) as error:
            choose_special_review_area(session, town.id, year, MEALS)
        assert error.value.field == "year"
    with pytest.raises(SwedenValidationError) as error:
        choose_special_review_area(session, town.id, 2026, {"sv": "å" * 401})
    assert error.value.field == "area"
    settings = choose_special_review_area(session, town.id, 2026, {"sv": "  Måltider  ", "en": " "})
    assert special_review_area(settings, 2026) == {"sv": "Måltider"} and special_review_area(settings, 2027) == {}
    choose_special_review_area(session, town.id, 2027, {"sv": "Läkemedel"})
    choose_special_review_area(session, town.id, 2026, {})  # taken back
    assert settings.special_review_area == {"2027": {"sv": "Läkemedel"}}


def test_the_plan_document_carries_its_years_area_and_import_sets_that_year_only(demo_app, demo_session):
    session, registry = demo_session, demo_app.extensions["socialplan.registry"]
    town = _huddinge(session)
    choose_special_review_area(session, town.id, 2026, MEALS)
    choose_special_review_area(session, town.id, 2027, {"sv": "Läkemedelshantering"})
    session.commit()
    plan = find_plan(session, town, 2026, "followup-plan")
    document = json.loads(json.dumps(document_of(session, registry, plan)))
    assert document["extensions"]["sweden"]["settings"]["special_review_area"] == MEALS
    changed = copy.deepcopy(document)
    changed["extensions"]["sweden"]["settings"]["special_review_area"] = {"sv": "Social dokumentation"}
    import_plan(session, registry, changed, None, as_new_revision=True)
    session.commit()
    assert session.get(SwedenSettings, town.id).special_review_area == {
        "2026": {"sv": "Social dokumentation"}, "2027": {"sv": "Läkemedelshantering"}}


def test_the_follow_up_plan_pdf_names_the_years_area(demo_app, demo_session):
    session = demo_session
    town = _huddinge(session)
    plan = find_plan(session, town, 2026, "followup-plan")
    before = pdf_text(render_report(session, plan, "followup-plan", "sv"))
    assert "Inget område har ännu valts för särskild granskning 2026." in before
    choose_special_review_area(session, town.id, 2026, MEALS)
    session.commit()
    for locale, line, row in (
            ("sv", "Område utvalt för särskild granskning 2026: Måltider & <nutrition>",
             "Särskild granskning: Måltider"),
            ("en", 'Area chosen for special review in 2026: Meals "&" more', 'Special review: Meals "&" more'),
            ("ro", "Domeniul ales pentru verificarea specială în 2026: Mese și nutriție", "Verificare specială: Mese")):
        shown = " ".join(pdf_text(render_report(session, plan, "followup-plan", locale)).split())
        assert line in shown and row in shown, locale  # the section, and the calendar's row


def test_the_migration_keeps_an_area_chosen_before_as_this_years(app, session):
    from alembic import command

    from core.sdk.testing import alembic_config, create_municipality, upgrade

    town = create_municipality(session, "gamla-stan", {"sv": "Gamla stan"}, "SE", "sv", "SEK")
    other = create_municipality(session, "nya-stan", {"sv": "Nya stan"}, "SE", "sv", "SEK")
    session.add(SwedenSettings(municipality_id=town.id, schedule_preset="huddinge", schedule_overrides={},
                               ladder_overrides={}, suppression_threshold=5, special_review_area={"sv": "Måltider"}))
    session.add(SwedenSettings(municipality_id=other.id, schedule_preset="huddinge", schedule_overrides={},
                               ladder_overrides={}, suppression_threshold=5, special_review_area={}))
    session.commit()
    session.close()
    with app.app_context():
        command.downgrade(alembic_config(), "sweden_0004")
        upgrade()
    session.expire_all()
    this_year = str(dt.date.today().year)
    assert session.get(SwedenSettings, town.id).special_review_area == {this_year: {"sv": "Måltider"}}
    assert session.get(SwedenSettings, other.id).special_review_area == {}
    session.get(SwedenSettings, town.id).special_review_area = {"2025": {"sv": "A"}, "2027": {"sv": "B"}}
    session.commit()
    session.close()
    with app.app_context():
        command.downgrade(alembic_config(), "sweden_0004")  # back to one area: the latest year's
        engine = app.extensions["socialplan.engine"]
        with engine.connect() as connection:
            value = connection.execute(text("SELECT special_review_area FROM se_settings WHERE municipality_id = :m"),
                                       {"m": town.id}).scalar()
        assert (json.loads(value) if isinstance(value, str) else value) == {"sv": "B"}
        upgrade()


@pytest.fixture
def cli_env(tmp_path, sqlite_demo_template):
    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copyfile(sqlite_demo_template, instance / "socialplan.sqlite")
    env = {k: v for k, v in os.environ.items() if k != "SOCIALPLAN_DATABASE_URL"}
    env.update(SOCIALPLAN_INSTANCE_PATH=str(instance), SOCIALPLAN_SECRET_KEY="a-long-enough-test-secret-key")
    return env


def test_the_calendar_command_prints_the_years_area_and_when_each_window_opens(cli_env):
    engine = create_engine(f"sqlite:///{cli_env['SOCIALPLAN_INSTANCE_PATH']}/socialplan.sqlite")
    with engine.begin() as connection:
        connection.execute(text("UPDATE se_settings SET special_review_area = :area WHERE municipality_id = "
                                "(SELECT id FROM municipality WHERE slug = 'huddinge')"),
                           {"area": json.dumps({"2026": MEALS})})
    engine.dispose()
    run = [SOCIALPLAN, "sweden", "calendar", "--municipality", "huddinge", "--today", "2026-06-30"]
    result = subprocess.run([*run, "--year", "2026"], env=cli_env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == 'Special review 2026: Meals "&" more'
    assert any(line.startswith("2026-01-01  2026-12-31") and 'Special review: Meals "&" more' in line
               for line in lines)
    # Trygg Hemtjänst's first clients 1 Feb 2026: its window opens 1 Aug and closes 1 Oct.
    assert any(line.startswith("2026-08-01  2026-10-01") and "Trygg Hemtjänst" in line for line in lines)
    following = subprocess.run([*run, "--year", "2027"], env=cli_env, capture_output=True, text=True, timeout=120)
    assert following.stdout.splitlines()[0] == "Special review 2027: (no area chosen yet)"
