"""Next year's plan from last year's: the legal basis, the objectives, Chapter II and the 'nu este cazul'
choices of C and D carry on, and the year rule flags each copied text that names the old year."""

from __future__ import annotations

from core.sdk.plans import copy_from_previous_year, document_of, import_plan, validate_document
from core.sdk.testing import get_registry
from plugins.romania.plan_kind import CHAPTER_II_SECTIONS
from plugins.romania.tests.helpers import demo_plan
from plugins.romania.tests.own_plan import own_document


def _copy(session, municipality, year: int):
    registry = get_registry()
    plan = copy_from_previous_year(session, registry, municipality, year, "action-plan", None)
    doc = document_of(session, registry, plan)
    return doc, validate_document(registry, plan, registry.plan_kind("action-plan"), doc)


def _content(rows: list[dict]) -> list[dict]:
    """Rows as typed, without their uids (a copy's rows are rows of their own)."""
    return [{key: value for key, value in row.items() if key != "uid"} for row in rows]


def _flagged(findings) -> set[str]:
    return {f.field for f in findings if f.rule == "ro.other-year"}


def test_the_2021_plan_copied_to_2022_carries_its_basis_and_chapter_two_and_flags_2021(demo_session):
    registry = get_registry()
    old_plan = demo_plan(demo_session)
    old = document_of(demo_session, registry, old_plan)
    doc, findings = _copy(demo_session, old_plan.municipality, 2022)
    for key in ("legal-basis", "objectives", *CHAPTER_II_SECTIONS):
        assert _content(doc["sections"][key]["rows"]) == _content(old["sections"][key]["rows"]), key
        assert doc["sections"][key]["text"] == old["sections"][key]["text"], key
    assert [len(doc["sections"][key]["rows"]) for key in ("legal-basis", "objectives", "website-information")] == \
        [6, 31, 10]
    for key in ("contracting", "subsidies"):  # 'nu este cazul' with its reason
        assert doc["sections"][key]["not_applicable"] is True
        assert doc["sections"][key]["text"] == old["sections"][key]["text"] != {}
    assert doc["title"]["ro"].endswith("pentru anul 2021")  # the title comes along, and is flagged
    flagged = _flagged(findings)
    assert {"title", "contracting/text", "subsidies/text", "press-messages/text"} <= flagged
    # the acts ('Legea ... nr.292/2011') and strategies ('2018-2023') the basis cites are not the old year
    assert not {field for field in flagged if field.startswith(("legal-basis", "objectives"))}
    title = next(f for f in findings if f.field == "title" and f.rule == "ro.other-year")
    assert "2021" in title.message and "2022" in title.message and title.path == "$.title"
    errors = [f for f in findings if f.severity == "error"]
    assert errors == []  # every required part came along


def test_an_applicable_programme_is_each_years_own_and_is_not_copied(demo_session):
    registry = get_registry()
    plan = import_plan(demo_session, registry, own_document(), None)
    doc, findings = _copy(demo_session, plan.municipality, 2023)
    # The own plan's C and D both have programmes of 2022: neither is copied, and each is then missing.
    for key in ("contracting", "subsidies"):
        assert doc["sections"][key] == {"not_applicable": False, "text": {}, "footnote": {}, "rows": []}, key
    assert sorted((f.field, f.rule) for f in findings if f.severity == "error") == [
        ("contracting", "core.required-section"), ("subsidies", "core.required-section")]
    # 'nu este cazul' with its reason (Chapter III's qualification courses) is copied, and its 2022 flagged.
    own = own_document()["sections"]["qualification-courses"]
    assert doc["sections"]["qualification-courses"]["not_applicable"] is own["not_applicable"] is True
    assert doc["sections"]["qualification-courses"]["text"] == own["text"] != {}
    assert {"title", "qualification-courses/text", "press-messages/text",
            "awareness-campaigns/0/period", "promotion-campaigns/0/period"} <= _flagged(findings)
    assert not {field for field in _flagged(findings) if field.startswith(("legal-basis", "objectives",
                                                                           "website-information"))}
    assert {line["year"] for row in doc["sections"]["existing-services"]["rows"] for line in row["budget"]} == {2023}
