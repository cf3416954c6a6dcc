"""Every required part of the model-cadru (Ordinul 1086/2018): the legal basis, the objectives, Chapter I
A-D, Chapter II and Chapter III.1.a-d. Missing or empty, each is one error, which blocks submission; an
explicit 'nu este cazul' with its reason counts as present."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.sdk import Severity
from core.sdk.plans import document_of, errors, import_plan, validate_document
from core.sdk.testing import DEMO_PASSWORD, AnnualPlan, get_registry, login
from plugins.romania.demo import PLANNER
from plugins.romania.plan_kind import CHAPTER_II_SECTIONS
from plugins.romania.rules import validate
from plugins.romania.tests.helpers import counts, document, findings_of
from plugins.romania.tests.own_plan import own_document

# Each part, and the (field, rule) it is reported as once all of it is gone.
PARTS = {
    "legal-basis": ("legal-basis", "core.required-section"),
    "objectives": ("objectives", "core.required-section"),
    "I.A": ("existing-services", "core.required-section"),
    "I.B": ("proposed-services", "core.required-section"),
    "I.C": ("contracting", "core.required-section"),
    "I.D": ("subsidies", "core.required-section"),
    "II": ("website-information", "ro.part-missing"),
    "III.1.a": ("training-courses", "core.required-section"),
    "III.1.b": ("qualification-courses", "core.required-section"),
    "III.1.c": ("personal-assistants", "ro.part-missing"),
    "III.1.d": ("volunteer-training", "core.required-section"),
}
REQUIRED_KEYS = ("legal-basis", "objectives", "existing-services", "proposed-services", "contracting", "subsidies",
                 *CHAPTER_II_SECTIONS, "training-courses", "qualification-courses", "personal-assistants",
                 "centre-training", "volunteer-training")


@pytest.fixture
def ctx(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def _structural_findings(findings) -> list:
    """The findings about parts of the model-cadru (not about figures or years)."""
    keep = {rule for _field, rule in PARTS.values()} | {"ro.rows-required", "ro.not-applicable-text"}
    return [f for f in findings if f.rule in keep]


def _structural(findings) -> list[tuple[str, str]]:
    return sorted((f.field, f.rule) for f in _structural_findings(findings))


def _import_findings(session, doc):
    registry = get_registry()
    plan = import_plan(session, registry, doc, None)
    return plan, validate_document(registry, plan, registry.plan_kind("action-plan"),
                                   document_of(session, registry, plan))


@pytest.mark.parametrize("make", [document, own_document], ids=["piatra-neamt", "targu-frumos"])
def test_a_document_with_every_required_part_deleted_imports_with_one_error_per_part(demo_session, make):
    doc = make()
    doc["year"] = 2023  # a year neither plan has in the demo database
    for key in REQUIRED_KEYS:
        del doc["sections"][key]
    plan, findings = _import_findings(demo_session, doc)  # a draft with errors still imports
    assert plan.year == 2023
    assert _structural(findings) == sorted(PARTS.values())
    assert all(f.severity is Severity.ERROR for f in findings if (f.field, f.rule) in PARTS.values())
    chapter_two = next(f for f in findings if f.rule == "ro.part-missing" and f.field == "website-information")
    assert "Chapter II" in chapter_two.message and "Information and awareness campaigns" in chapter_two.message


def test_the_complete_plans_have_no_structural_finding(demo_session):
    _plan, findings = _import_findings(demo_session, own_document())
    assert findings == []
    assert _structural(validate(document())) == []


def test_an_intro_text_does_not_stand_in_for_a_part(ctx):
    doc = own_document()
    doc["sections"]["legal-basis"]["rows"] = []  # "Având în vedere:" stays, above no act
    doc["sections"]["training-courses"] = {"not_applicable": False, "text": {"ro": "Cursuri de perfecționare:"},
                                           "footnote": {}, "rows": []}
    found = {(f.field, f.message) for f in findings_of(validate(doc), "ro.rows-required")}
    assert found == {("legal-basis", "Add at least one row."),
                     ("training-courses", "Add at least one row, or mark the section as not applicable.")}


def test_not_applicable_counts_with_its_reason_and_is_an_error_without_it(ctx):
    doc = own_document()
    # III.1.b is 'nu este cazul' with its reason: present
    assert _structural(validate(doc)) == []
    doc["sections"]["qualification-courses"]["text"] = {"ro": "   ", "en": "\n"}  # blanks are no reason
    [finding] = _structural_findings(validate(doc))
    assert (finding.field, finding.rule, finding.severity) == ("qualification-courses/text",
                                                                "ro.not-applicable-text", Severity.ERROR)
    assert finding.path == "$.sections.qualification-courses.text"


def test_not_applicable_is_no_answer_where_the_model_does_not_allow_it(ctx):
    doc = own_document()
    doc["sections"]["objectives"] = {"not_applicable": True, "text": {"ro": "Nu este cazul."}, "footnote": {},
                                     "rows": []}
    assert [(f.field, f.severity) for f in findings_of(validate(doc), "ro.rows-required")] == [
        ("objectives", Severity.ERROR)]


def test_an_optional_section_not_applicable_without_reason_is_a_warning(ctx):
    doc = own_document()
    doc["sections"]["supervision"]["text"] = {}
    [finding] = findings_of(validate(doc), "ro.not-applicable-text")
    assert finding.severity is Severity.WARNING and finding.field == "supervision/text"


def test_chapter_two_is_present_with_any_one_of_its_sections(ctx):
    doc = own_document()
    for key in CHAPTER_II_SECTIONS:
        if key != "press-messages":
            doc["sections"][key]["rows"] = []
    assert findings_of(validate(doc), "ro.part-missing") == []  # the press messages' text is Chapter II
    doc["sections"]["press-messages"]["text"] = {"ro": " "}
    [finding] = findings_of(validate(doc), "ro.part-missing")
    assert finding.field == "website-information" and finding.severity is Severity.ERROR


def test_training_sessions_c_are_present_with_c1_or_c2(ctx):
    doc = own_document()
    assert doc["sections"]["centre-training"]["rows"] == []  # c.2 empty, c.1 has its row
    assert findings_of(validate(doc), "ro.part-missing") == []
    doc["sections"]["personal-assistants"]["rows"] = []
    [finding] = findings_of(validate(doc), "ro.part-missing")
    assert finding.field == "personal-assistants"


def test_a_missing_part_blocks_submission_in_the_editor(demo_app, demo_client):
    from core.sdk.testing import get_session

    with demo_app.app_context():
        session = get_session()
        doc = document()
        doc["year"] = 2024
        del doc["sections"]["objectives"]
        plan = import_plan(session, get_registry(), doc, None)
        session.commit()
        plan_id = plan.id
        before = counts(session)
    login(demo_client, PLANNER, DEMO_PASSWORD)
    response = demo_client.post(f"/m/piatra-neamt/plans/{plan_id}/steps/start-consultation",
                                data={"consultation_start": "2024-01-10", "consultation_end": "2024-01-31"})
    assert response.status_code == 422
    with demo_app.app_context():
        session = get_session()
        assert session.scalars(select(AnnualPlan).where(AnnualPlan.id == plan_id)).one().status == "draft"
        assert counts(session) == before
        plan = session.get(AnnualPlan, plan_id)
        registry = get_registry()
        found = errors(validate_document(registry, plan, registry.plan_kind("action-plan"),
                                         document_of(session, registry, plan)))
        assert [(f.field, f.rule) for f in found] == [("objectives", "core.required-section")]


def test_through_the_api_the_import_answers_201_and_the_findings_name_each_part_in_romanian(demo_app):
    from core.sdk.testing import DEMO_ADMIN, User, get_session, issue_api_token

    with demo_app.app_context():
        session = get_session()
        token = issue_api_token(session, session.scalars(select(User).where(User.email == DEMO_ADMIN)).one())
        session.commit()
    doc = own_document()
    for key in REQUIRED_KEYS:
        del doc["sections"][key]
    client, headers = demo_app.test_client(), {"Authorization": f"Bearer {token}"}
    assert client.post("/api/v1/plans/import", json=doc, headers=headers).status_code == 201
    answer = client.get("/api/v1/municipalities/targu-frumos/plans/2022/action-plan/findings?lang=ro",
                        headers=headers).get_json()
    parts = sorted((f["field"], f["rule"]) for f in answer["findings"] if (f["field"], f["rule"]) in PARTS.values())
    assert parts == sorted(PARTS.values()) and answer["counts"]["error"] == len(PARTS)
    chapter_two = next(f["message"] for f in answer["findings"] if f["rule"] == "ro.part-missing"
                       and f["field"] == "website-information")
    assert chapter_two.startswith("Capitolul II. Planificarea activităților de informare a publicului")
    assert "parte obligatorie a modelului-cadru" in chapter_two
