"""The services of Chapter I.C are social services of the Nomenclator too (issue 10): a code in another spelling
('8810ID-I') prints as the Nomenclator spells it, a code it lacks is an error beside the field and one an
amendment dropped is flagged as in I.A and I.B. The row form takes any text, so an import does too."""

from __future__ import annotations

import pytest

from core.sdk import Severity
from core.sdk.plans import import_plan
from core.sdk.reports import render_report
from core.sdk.testing import get_registry, pdf_text
from plugins.romania.rules import validate
from plugins.romania.tests.own_plan import own_document


@pytest.fixture
def ctx(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def _with_code(code: str, year: int | None = None) -> dict:
    doc = own_document()
    doc["sections"]["contracting"]["rows"][0]["code"] = code
    if year:
        doc["year"] = year
    return doc


def _code_findings(doc: dict) -> list[tuple[str, str, Severity, bool]]:
    return [(f.rule, f.path, f.severity, f.blocks_import) for f in validate(doc) if f.field == "contracting/0/code"]


def test_a_code_the_nomenclator_lacks_is_an_error_beside_the_field(ctx):
    assert _code_findings(_with_code("9999 XX-I")) == [
        ("ro.programme-code", "$.sections.contracting.rows[0].code", Severity.ERROR, False)]
    [finding] = [f for f in validate(_with_code("9999 XX-I")) if f.rule == "ro.programme-code"]
    assert "'9999 XX-I'" in finding.message and "Nomenclatorul serviciilor sociale" in finding.message


def test_another_spelling_is_a_note_and_the_canonical_code_or_none_is_nothing(ctx):
    assert _code_findings(_with_code("8810ID-I")) == [
        ("ro.code-spelling", "$.sections.contracting.rows[0].code", Severity.INFO, False)]
    assert _code_findings(_with_code("8810 ID-I")) == []
    assert _code_findings(_with_code("")) == []  # the model-cadru's table has no code column of its own to fill


def test_a_code_an_amendment_dropped_is_flagged_in_a_later_plan(ctx):
    assert _code_findings(_with_code("8790 CR-D-III", 2022)) == []
    [(rule, _path, severity, _blocks)] = _code_findings(_with_code("8790 CR-D-III", 2023))
    assert (rule, severity) == ("ro.code-no-longer-valid", Severity.ERROR)


def test_an_unknown_code_imports_as_the_form_saves_it(session):
    plan = import_plan(session, get_registry(), _with_code("9999 XX-I"), None)  # a finding, not a refusal
    assert plan.year == 2022


def test_the_pdf_prints_the_nomenclators_spelling(session):
    plan = import_plan(session, get_registry(), _with_code("8810id-i"), None)
    session.commit()
    text = " ".join(pdf_text(render_report(session, plan, "action-plan", "ro"), plain_spaces=True).split())
    chapter_c = text[text.index("C. Programul anual de contractare"):text.index("D. Programul de subvenționare")]
    assert "8810 ID-I" in chapter_c and "8810id-i" not in text
