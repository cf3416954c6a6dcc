"""The action plan's rules, each on a copy of the seed's plan document."""

import pytest

from core.sdk import Severity
from core.sdk.plans import document_of, errors, validate_document
from core.sdk.testing import get_registry
from plugins.romania.rules import other_years, validate
from plugins.romania.tests.helpers import demo_plan, document, findings_of


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


def test_the_seed_plan_has_no_error_and_one_warning_the_2019_footnote(demo_session):
    registry = get_registry()
    plan = demo_plan(demo_session)
    document = document_of(demo_session, registry, plan)
    findings = validate_document(registry, plan, registry.plan_kind("action-plan"), document)
    assert errors(findings) == []
    warnings = [f for f in findings if f.severity is Severity.WARNING]
    assert [(f.rule, f.field) for f in warnings] == [("ro.other-year", "training-courses/footnote")]
    assert "2019" in warnings[0].message


@pytest.mark.parametrize("value", ["140", "-5", "abc"])
def test_occupancy_outside_0_to_100_is_an_error_beside_the_field(ctx, value):
    doc = document()
    doc["sections"]["existing-services"]["rows"][2]["occupancy"] = value
    [finding] = findings_of(validate(doc), "ro.occupancy-range")
    assert finding.severity is Severity.ERROR
    assert finding.field == "existing-services/2/occupancy"


@pytest.mark.parametrize("amount", ["-332", "trei sute", "NaN"])
def test_a_negative_or_non_numeric_amount_is_an_error(ctx, amount):
    doc = document()
    doc["sections"]["existing-services"]["rows"][0]["budget"][0]["amount"] = amount
    [finding] = findings_of(validate(doc), "ro.budget-amount")
    assert finding.severity is Severity.ERROR and finding.blocks_import
    assert finding.field == "existing-services/0/budget_local"


def test_amounts_of_one_table_in_mixed_units_are_an_error(ctx):
    doc = document()
    doc["sections"]["existing-services"]["rows"][5]["budget"][1]["scale"] = 1  # 684 lei among thousands
    found = findings_of(validate(doc), "ro.mixed-units")
    assert found and all(f.severity is Severity.ERROR for f in found)
    assert {f.field for f in found} == {"existing-services/5/budget_unit"}


def test_an_unknown_code_is_an_error_naming_it(ctx):
    doc = document()
    doc["sections"]["existing-services"]["rows"][1]["code"] = "8790 CR-XYZ-II"
    [finding] = findings_of(validate(doc), "ro.unknown-code")
    assert finding.severity is Severity.ERROR and "8790 CR-XYZ-II" in finding.message
    assert finding.field == "existing-services/1/code"


def test_the_seed_spelling_of_a_code_is_accepted_with_a_note(ctx):
    doc = document()
    doc["sections"]["existing-services"]["rows"][4]["code"] = "8790CR-II"
    findings = validate(doc)
    assert findings_of(findings, "ro.unknown-code") == []
    [note] = findings_of(findings, "ro.code-spelling")
    assert note.severity is Severity.INFO and "8790 CRT-II" in note.message


def test_a_proposed_service_without_justification_is_a_warning(ctx):
    doc = document()
    doc["sections"]["proposed-services"]["rows"][0]["extra"]["justification"] = {}
    [finding] = findings_of(validate(doc), "ro.justification-missing")
    assert finding.severity is Severity.WARNING and finding.field == "proposed-services/0/justification"


def test_a_code_for_another_beneficiary_group_is_a_warning(ctx):
    doc = document()
    doc["sections"]["existing-services"]["rows"][5]["code"] = "8891 CZ-C-II"  # a children's code, older people
    [finding] = findings_of(validate(doc), "ro.beneficiary-group")
    assert finding.severity is Severity.WARNING
    assert finding.field == "existing-services/5/beneficiary_category"
    assert validate(document()) and findings_of(validate(document()), "ro.beneficiary-group") == []


def test_services_need_beneficiaries_and_budget(ctx):
    doc = document()
    row = doc["sections"]["existing-services"]["rows"][3]
    row["capacity"], row["budget"] = None, []
    rules = {f.rule for f in validate(doc) if f.field.startswith("existing-services/3/")}
    assert {"ro.beneficiaries", "ro.budget-missing"} <= rules


def test_a_required_section_left_empty_is_an_error(demo_session):
    registry = get_registry()
    plan = demo_plan(demo_session)
    doc = document_of(demo_session, registry, plan)
    doc["sections"]["contracting"] = {"not_applicable": False, "text": {}, "footnote": {}, "rows": []}
    doc["sections"]["existing-services"]["rows"] = []
    required = sorted((f.field, f.rule) for f in validate_document(registry, plan, registry.plan_kind("action-plan"),
                                                                    doc) if f.severity is Severity.ERROR)
    # core checks the empty section; the plugin also refuses an intro text standing in for the services
    assert required == [("contracting", "core.required-section"), ("existing-services", "ro.rows-required")]


def test_year_rule_flags_other_years_but_not_citations_or_current_periods():
    assert other_years("pentru anul 2019", 2021) == [2019]
    assert other_years("Legea asistenței sociale nr.292/2011", 2021) == []
    assert other_years("aprobată prin Hotărârea Guvernului nr. 365/2018", 2021) == []
    assert other_years("aprobată prin HCL nr. 273/27.09.2018", 2021) == []
    assert other_years("Hotărârea Consiliului Județean nr.265 din 29.11.2018", 2021) == []
    assert other_years("Strategia ... 2018-2023", 2021) == []
    assert other_years("pentru perioada 2018- 2021", 2021) == []
    # a strategy's period is never a year the plan is about, even one that ended before the plan's year
    assert other_years("pentru perioada 2018- 2021", 2022) == []
    assert other_years("campania din iunie 2020", 2021) == [2020]


def test_rules_answer_nothing_for_other_plan_kinds(ctx):
    doc = document()
    doc["kind"] = "uppfoljning"
    assert validate(doc) == []


def test_a_rows_uid_is_not_a_text_that_names_a_year(ctx):
    # A uid is 32 hex digits and may hold "2019": it is the row's identity, not a text the PDF prints.
    doc = document()
    doc["sections"]["objectives"]["rows"][0]["uid"] = "2019" + "a" * 28
    assert [f.field for f in findings_of(validate(doc), "ro.other-year") if f.field.endswith("/uid")] == []
