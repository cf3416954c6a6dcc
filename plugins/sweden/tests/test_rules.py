"""The Swedish plan kinds' rules, run through core's validation as the editor runs them."""

from __future__ import annotations

import copy

from core.sdk.plans import document_of, find_plan, validate_document
from core.sdk.testing import municipality_by_slug
from plugins.sweden.models import SwedenSettings
from plugins.sweden.services.followups import add_unit


def _findings(session, registry, slug: str, year: int, kind: str, change=None):
    plan = find_plan(session, municipality_by_slug(session, slug), year, kind)
    document = copy.deepcopy(document_of(session, registry, plan))
    if change:
        change(document)
    findings = validate_document(registry, plan, registry.plan_kind(kind), document)
    return [f for f in findings if f.rule.startswith("se.")]


def test_quality_report_sections_need_result_and_analysis(demo_app, demo_session):
    registry = demo_app.extensions["socialplan.registry"]
    with demo_app.test_request_context():
        plain = _findings(demo_session, registry, "eskilstuna", 2017, "quality-report")
        plan = find_plan(demo_session, municipality_by_slug(demo_session, "eskilstuna"), 2017, "quality-report")
        rows = document_of(demo_session, registry, plan)["sections"]["quality-work"]["rows"]
        # Seed 002 itself gives five reported rows no Analys: the rule says so of exactly those.
        assert {rows[int(f.field.split("/")[1])]["section"] for f in plain} == {
            "management-system", "process-development", "guidelines", "user-involvement", "welfare-technology"}
        assert {f.rule for f in plain} == {"se.quality-analysis"}
        index = next(i for i, row in enumerate(rows) if row["section"] == "goal-attainment")

        def drop(document):
            rows = document["sections"]["quality-work"]["rows"]
            rows[index]["analysis"] = {"sv": "  "}
            rows[index].pop("result")
            rows[index]["improvements"] = {"sv": "Mer."}
            rows[:] = [row for row in rows if row["section"] != "lex-sarah"]
            rows.append({"section": "gone", "result": {"sv": "R"}, "analysis": {"sv": "A"}})

        findings = _findings(demo_session, registry, "eskilstuna", 2017, "quality-report", drop)
    by_field = {f.field: f for f in findings}
    assert by_field[f"quality-work/{index}/result"].rule == "se.quality-result"  # the row's missing Resultat
    assert by_field[f"quality-work/{index}/analysis"].rule == "se.quality-analysis"
    assert "Måluppfyllelse" in by_field[f"quality-work/{index}/result"].message
    assert any(f.rule == "se.quality-section" for f in findings)  # a row naming no section of the list
    assert "18 lex Sarah reports" in next(f for f in findings if f.rule == "se.quality-lex-sarah").message
    assert all(f.severity == "warning" for f in findings)


def test_followup_plan_warns_of_units_never_scheduled(demo_app, demo_session):
    registry = demo_app.extensions["socialplan.registry"]
    huddinge = municipality_by_slug(demo_session, "huddinge")
    with demo_app.test_request_context():
        # Vistagården (in-house, every third year) is not due in 2026 but is in 2027: no finding.
        assert _findings(demo_session, registry, "huddinge", 2026, "followup-plan") == []
        settings = demo_session.get(SwedenSettings, huddinge.id)
        settings.schedule_overrides = {"framework_every_years": 10}  # anchor 2012: reached in 2022 and 2032 only
        add_unit(demo_session, huddinge.id, "HU-NEW", "Ny entreprenad", "contracted", "home_care")
        demo_session.flush()

        def late_row(document):
            document["sections"]["schedule"]["rows"] = [
                {"unit": "Ny entreprenad", "operating_form": "", "method": "", "due": "2027-02-01"}]

        findings = _findings(demo_session, registry, "huddinge", 2026, "followup-plan", late_row)
    assert [(f.rule, f.field) for f in findings] == [("se.schedule-year", "schedule/0/due"),
                                                     ("se.unit-not-scheduled", "schedule")]
    assert "Stödboende Norden" in findings[1].message and "2024 to 2028" in findings[1].message
