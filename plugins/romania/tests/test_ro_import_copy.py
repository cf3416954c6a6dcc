"""Importing plan documents (all or nothing) and starting next year's plan from last year's."""

import pytest

from core.sdk.plans import copy_from_previous_year, document_of, find_plan, import_plan, validate_document
from core.sdk.testing import DocumentError, get_registry
from plugins.romania.tests.helpers import counts, demo_plan, document


def _as_2022(doc):
    doc["year"] = 2022
    return doc


@pytest.mark.parametrize(
    ("change", "path", "reason"),
    [
        (lambda d: d["sections"]["existing-services"]["rows"][3].update(code="8891 CZ-Q-IX"),
         "$.sections.existing-services.rows[3].code", "8891 CZ-Q-IX"),
        (lambda d: d["sections"]["existing-services"]["rows"][5]["budget"][2].update(amount="-940"),
         "$.sections.existing-services.rows[5].budget[2].amount", "negative"),
        (lambda d: d["sections"]["proposed-services"]["rows"][0]["budget"][1].update(amount="-3251740.36"),
         "$.sections.proposed-services.rows[0].budget[1].amount", "negative"),
    ],
)
def test_an_import_with_a_bad_code_or_amount_is_refused_and_nothing_changes(demo_session, change, path, reason):
    doc = _as_2022(document())
    change(doc)
    before = counts(demo_session)
    with pytest.raises(DocumentError) as refused:
        import_plan(demo_session, get_registry(), doc, None)
    assert refused.value.path == path
    assert reason in refused.value.reason
    demo_session.rollback()
    assert counts(demo_session) == before


def test_a_good_document_imports_and_round_trips(demo_session):
    registry = get_registry()
    plan = import_plan(demo_session, registry, _as_2022(document()), None)
    exported = document_of(demo_session, registry, plan)
    original = document()
    for key in ("existing-services", "proposed-services", "awareness-campaigns", "training-courses"):
        assert len(exported["sections"][key]["rows"]) == len(original["sections"][key]["rows"])
    assert exported["sections"]["proposed-services"]["rows"][0]["budget"][1]["amount"] == "3251740.36"


def test_new_plan_from_last_years_copies_and_flags_the_old_year(demo_session):
    registry = get_registry()
    municipality = demo_plan(demo_session).municipality
    plan = copy_from_previous_year(demo_session, registry, municipality, 2022, "action-plan", None)
    doc = document_of(demo_session, registry, plan)
    assert len(doc["sections"]["existing-services"]["rows"]) == 7
    assert len(doc["sections"]["awareness-campaigns"]["rows"]) == 7
    assert len(doc["sections"]["centre-training"]["rows"]) == 7
    assert len(doc["sections"]["legal-basis"]["rows"]) == 6  # the strategies carry on (test_ro_copy_forward)
    assert {line["year"] for row in doc["sections"]["existing-services"]["rows"] for line in row["budget"]} == {2022}
    findings = validate_document(registry, plan, registry.plan_kind("action-plan"), doc)
    flagged = {f.field for f in findings if f.rule == "ro.other-year"}
    assert {"qualification-courses/footnote", "centre-training/footnote", "awareness-campaigns/5/period",
            "awareness-campaigns/6/period", "training-courses/footnote"} <= flagged
    assert all("2021" in f.message or "2019" in f.message for f in findings if f.rule == "ro.other-year")
    assert find_plan(demo_session, municipality, 2021, "action-plan") is not None
