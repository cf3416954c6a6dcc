"""Figures of a service that cannot be right: a blank justification, a negative capacity, places that do
not exist but are occupied, an amount in euros in a plan in lei."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import update

from core.sdk import DocumentError, Severity
from core.sdk.plans import document_of, import_plan, record_revision, validate_document
from core.sdk.reports import render_report
from core.sdk.testing import Service, get_registry, pdf_text
from plugins.romania.budget import totals
from plugins.romania.forms import section_form
from plugins.romania.rules import validate
from plugins.romania.tests.helpers import counts, findings_of
from plugins.romania.tests.own_plan import own_document
from plugins.romania.tests.test_ro_forms import _post


@pytest.fixture
def ctx(app):
    with app.test_request_context(headers={"Accept-Language": "ro"}):
        yield


@pytest.mark.parametrize("blank", [{"ro": "   "}, {"ro": "\n\t", "en": " "}, {}])
def test_a_blank_justification_is_missing(ctx, blank):
    doc = own_document()
    doc["sections"]["proposed-services"]["rows"][0]["extra"]["justification"] = blank
    [finding] = findings_of(validate(doc), "ro.justification-missing")
    assert finding.field == "proposed-services/0/justification"
    assert finding.path == "$.sections.proposed-services.rows[0].extra.justification"


def test_a_negative_capacity_is_refused_by_the_form(ctx):
    spec = section_form("action-plan", "existing-services")
    form = _post(spec, own_document()["sections"]["existing-services"]["rows"][0], capacity="-38")
    assert not form.validate()
    assert form.errors["capacity"]


def test_a_negative_capacity_is_refused_by_import_and_nothing_is_written(demo_session):
    doc = own_document()
    doc["sections"]["existing-services"]["rows"][1]["capacity"] = "-38"
    before = counts(demo_session)
    with pytest.raises(DocumentError) as refused:
        import_plan(demo_session, get_registry(), doc, None)
    assert refused.value.path == "$.sections.existing-services.rows[1].capacity"
    demo_session.rollback()
    assert counts(demo_session) == before


def test_the_rule_refuses_a_negative_capacity_on_import_too(ctx):
    doc = own_document()
    doc["sections"]["proposed-services"]["rows"][0]["capacity"] = "-38"
    [finding] = findings_of(validate(doc), "ro.capacity-range")
    assert finding.severity is Severity.ERROR and finding.blocks_import
    assert finding.path == "$.sections.proposed-services.rows[0].capacity" and "-38" in finding.message


def test_a_negative_capacity_stored_before_is_flagged_and_never_printed(demo_session):
    registry = get_registry()
    plan = import_plan(demo_session, registry, own_document(), None)
    demo_session.execute(update(Service).where(Service.plan_id == plan.id, Service.position == 0)
                         .values(capacity=Decimal(-38)))  # written past the import, as bulk SQL would
    demo_session.expire_all()
    record_revision(demo_session, registry, plan, None, "row-changed")  # the PDF prints a kept revision
    doc = document_of(demo_session, registry, plan)
    found = validate_document(registry, plan, registry.plan_kind("action-plan"), doc)
    assert {f.field for f in found if f.rule == "ro.capacity-range"} == {"existing-services/0/capacity",
                                                                         "proposed-services/0/capacity"}
    text = " ".join(pdf_text(render_report(demo_session, plan, "action-plan", "ro"), plain_spaces=True).split())
    assert "-38" not in text and "−38" not in text
    assert "Persoane vârstnice" in text  # the row is printed, without the capacity


@pytest.mark.parametrize(("capacity", "occupancy", "flagged"), [
    ("0", "100", True), ("0", "1", True), ("0", "0", False), ("0", None, False), ("25", "100", False)])
def test_occupied_places_that_do_not_exist_are_an_error(ctx, capacity, occupancy, flagged):
    doc = own_document()
    row = doc["sections"]["existing-services"]["rows"][0]
    row["capacity"], row["occupancy"] = capacity, occupancy
    found = findings_of(validate(doc), "ro.occupancy-without-capacity")
    assert [(f.field, f.severity) for f in found] == ([("existing-services/0/capacity", Severity.ERROR)]
                                                      if flagged else [])


def _with_euros(doc):
    row = doc["sections"]["existing-services"]["rows"][0]
    row["budget"].append({"year": 2022, "source": "other", "amount": "50", "currency": "EUR", "scale": 1000,
                          "note": {}})
    return doc


def test_an_amount_in_euros_is_an_error_and_not_added_into_the_lei_totals(ctx):
    doc = _with_euros(own_document())
    [finding] = findings_of(validate(doc), "ro.currency")
    assert finding.severity is Severity.ERROR and finding.field == "existing-services/0/budget_other"
    assert finding.path == "$.sections.existing-services.rows[0].budget[2].amount"
    assert "EUR" in finding.message and "RON" in finding.message
    by_source = totals(doc["sections"]["existing-services"]["rows"])
    assert by_source["other"] == 0 and sum(by_source.values()) == Decimal(417)  # 210 + 45 + 150 + 12


def test_the_pdf_shows_the_euros_apart_and_totals_the_lei_only(demo_session):
    registry = get_registry()
    plan = import_plan(demo_session, registry, _with_euros(own_document()), None)  # a finding, not a refusal
    text = " ".join(pdf_text(render_report(demo_session, plan, "action-plan", "ro"), plain_spaces=True).split())
    assert "50,00 EUR" in text  # shown where it was typed
    assert "467" not in text and "417" in text  # the table's total: lei only
    assert "1.017.000,50" in text  # the budget summary: 417 thousand lei and the proposed 600.000,50 lei
    assert "Sumele într-o altă monedă decât leul" in text
