"""Kolada import, individuppföljning validation and results, migration parity, dashboard panel."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from core.sdk.models import Base
from plugins.sweden.models import Answer, GoalValue, SwedenSettings
from plugins.sweden.services import goals, individual, kolada
from plugins.sweden.services.errors import SwedenValidationError
from plugins.sweden.services.followups import add_unit
from plugins.sweden.services.reference import DATA, default_template, methods_by_dimension

FIXTURES = Path(__file__).parent / "fixtures"


def test_migration_creates_exactly_the_models_tables(app):
    engine = app.extensions["socialplan.engine"]
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata)
    mine = [d for d in diff if "se_" in repr(d)]
    assert mine == []


def test_methods_map_to_quality_dimensions_as_seed_000():
    dims = methods_by_dimension()
    assert "operational" in dims["structure"] and "quality_observation" in dims["process"]
    assert {"individual", "user_survey"} <= set(dims["outcome"])
    assert "inspection" in dims["structure"] and "inspection" in dims["process"] and "inspection" in dims["outcome"]


def test_kolada_import_writes_results_and_riket(session, municipality):
    session.add(SwedenSettings(municipality_id=municipality.id, schedule_preset="stockholm", schedule_overrides={},
                               ladder_overrides={}, suppression_threshold=5, kolada_id="0484",
                               special_review_area={}))
    goal = goals.add_goal(session, municipality.id, 2017, {"sv": "Nöjda brukare"}, "86")
    home = goals.add_indicator(session, goal, {"sv": "Ordinärt boende"}, "U21468")
    care = goals.add_indicator(session, goal, {"sv": "Vård- och omsorgsboende"}, "U23471")
    result = kolada.import_kolada(session, municipality.id, DATA / "kolada_eskilstuna_2016_2017.json")
    assert (result.values, result.national) == (2, 2)  # 2017 only: no 2016 goal; Stockholm's row skipped
    assert result.skipped == {"unasked": 4, "other_municipality": 1}  # 2016 has no goal; 0180 is Stockholm
    rows = {(r.indicator.kolada_kpi, r.value, r.national_value, r.attained) for r in
            goals.attainment(session, municipality.id, 2017)}
    assert rows == {("U21468", Decimal("88"), Decimal("89"), True), ("U23471", Decimal("80"), Decimal("82"), False)}
    assert {v.source for v in session.query(GoalValue)} == {"kolada"}
    assert home.values[0].year == 2017 and care.values[0].value == Decimal("80")


def test_kolada_import_refuses_other_files(session, municipality):
    session.add(SwedenSettings(municipality_id=municipality.id, kolada_id="0484", schedule_overrides={},
                               ladder_overrides={}, special_review_area={}))
    with pytest.raises(SwedenValidationError) as error:
        kolada.import_kolada(session, municipality.id, FIXTURES / "kolada_not_v2.json")
    assert "not a Kolada data document (API v2 or v3)" in error.value.message
    with pytest.raises(SwedenValidationError):
        kolada.import_kolada(session, municipality.id, FIXTURES / "missing.json")


def _template(session, municipality):
    definition = {k: default_template()[k] for k in ("areas", "scales", "questions")}
    return individual.create_template(session, municipality.id, "Mall", definition)


def test_district_extension_with_unknown_area_is_refused(session, municipality):
    city = _template(session, municipality)
    extra = {"questions": [{"code": "d1", "area": "transport", "scale": "yesno", "text": {"sv": "Färdtjänst?"}}]}
    with pytest.raises(SwedenValidationError) as error:
        individual.create_template(session, municipality.id, "Söder", extra, parent=city, district="Söder")
    assert error.value.field == "area" and "transport" in error.value.message
    extra["areas"] = [{"code": "transport", "label": {"sv": "Färdtjänst"}}]
    district = individual.create_template(session, municipality.id, "Söder", extra, parent=city, district="Söder")
    assert len(individual.merged_definition(district)["questions"]) == 7


def test_answers_validated_whole_before_saving(session, municipality):
    template = _template(session, municipality)
    add_unit(session, municipality.id, "U1", "Enhet 1", "in_house", "residential_care", "Söder")
    good = individual.AnswerRow("U1", 1, "q1", 5)
    with pytest.raises(SwedenValidationError) as error:
        individual.record_answers(session, template, 2026, [good, individual.AnswerRow("U1", 1, "q1", 6)])
    assert error.value.field == "value" and "outside the scale 1 to 5" in error.value.message
    with pytest.raises(SwedenValidationError) as error:
        individual.record_answers(session, template, 2026, [good, individual.AnswerRow("U1", 1, "q1", 4, "nope")])
    assert "question area 'nope'" in error.value.message
    assert session.query(Answer).count() == 0


def test_area_results_suppress_small_units(session, municipality):
    template = _template(session, municipality)
    sizes = {"A": 12, "B": 9, "C": 2}
    for code in sizes:
        add_unit(session, municipality.id, code, f"Enhet {code}", "in_house", "residential_care", "Söder")
    rows, response = [], 0
    for code, size in sizes.items():
        for i in range(size):
            response += 1
            rows.append(individual.AnswerRow(code, response, "q6", 5 if i % 3 else 2))
    individual.record_answers(session, template, 2026, rows)
    results = individual.published_results(session, template, 2026)
    figures = {row.name: row.figures["overall"] for row in results.units}
    assert figures["Enhet C"] == individual.Figure(None, None)  # two respondents
    # One hidden unit needs a partner, else the total gives it away: the smallest at or above the threshold.
    assert figures["Enhet B"] == individual.Figure(None, None) and figures["Enhet A"].answers == 12
    assert results.city.figures["overall"].share == Decimal("65.2")  # 15 of 23 positive


def test_dashboard_panel_renders_for_demo(demo_app, demo_session):
    from core.sdk.testing import municipality_by_slug
    from plugins.sweden.dashboard import panels

    stockholm = municipality_by_slug(demo_session, "stockholm")
    with demo_app.test_request_context():
        (panel,) = panels(stockholm, demo_session, today=dt.date(2026, 3, 1))
        html = demo_app.jinja_env.get_template(panel.template).render(context=panel.context)
    assert panel.context["cases"][0]["next_step"] and panel.context["cases"][0]["overdue"]
    assert "Sofia servicehus" in html and panel.context["planned"] > 5
