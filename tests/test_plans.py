"""Plans through core's services: the interchange round trip, all-or-nothing import, revisions,
the workflow and the read-only approved plan. Runs on SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from world import KIND, PLUGIN
from world import plan_document as kitchen_document

from core.interchange import DocumentError, check_schema
from core.models import AnnualPlan, BudgetLine, PlanRevision, Service
from core.services.imports import ImportRefused, import_plan
from core.services.plans import (
    PlanError,
    add_row,
    copy_from_previous_year,
    delete_row,
    document_of,
    move_row,
    reopen,
    take_step,
    update_row,
)
from core.testing import without_uids


def _import(kitchen, document):
    plan = import_plan(kitchen.session, kitchen.registry, document, None)
    kitchen.session.commit()
    return plan


def test_document_follows_the_schema_and_round_trips(kitchen):
    document = kitchen_document()
    check_schema(document)
    plan = _import(kitchen, document)
    exported = document_of(kitchen.session, kitchen.registry, plan)
    # Every row gained a uid of its own; apart from that the document comes back as it went in.
    uids = [row["uid"] for section in exported["sections"].values() for row in section["rows"]]
    assert len(uids) == len(set(uids)) > 0
    assert without_uids(exported) == document
    # Imported again, the rows keep their uids: the document comes back exactly.
    again = document_of(kitchen.session, kitchen.registry, _import(kitchen, exported))
    assert again == exported


def test_money_is_stored_as_decimal_not_float(kitchen):
    _import(kitchen, kitchen_document())
    amounts = kitchen.session.scalars(select(BudgetLine.amount).order_by(BudgetLine.position)).all()
    assert amounts == [Decimal("1486.00"), Decimal("66361.82")]
    assert all(isinstance(a, Decimal) for a in amounts)


def test_export_import_into_an_empty_database_gives_the_same_document(kitchen, jurisdiction_app, jurisdiction, tmp_path,
                                                                     sqlite_template):
    import shutil

    from core.db import get_session

    first = document_of(kitchen.session, kitchen.registry, _import(kitchen, kitchen_document()))
    empty = tmp_path / "empty.sqlite"
    shutil.copyfile(sqlite_template, empty)
    other = jurisdiction_app(f"sqlite:///{empty}")
    with other.app_context():
        session, registry = get_session(), other.extensions["socialplan.registry"]
        jurisdiction.socialplan_demo_data(session, registry.context(PLUGIN, session))
        plan = import_plan(session, registry, copy.deepcopy(first), None)
        session.commit()
        assert document_of(session, registry, plan) == first


@pytest.mark.parametrize(
    ("mutate", "path", "reason"),
    [
        (lambda d: d["sections"]["services"]["rows"][0].update(code="XX-99"), "$.sections.services.rows[0].code",
         "'XX-99'"),
        (lambda d: d["sections"]["services"]["rows"][0]["budget"][1].update(amount="-5"),
         "$.sections.services.rows[0].budget[1].amount", "negative"),
        (lambda d: d["sections"]["services"]["rows"][0].update(occupancy="lots"),
         "$.sections.services.rows[0].occupancy", "lots"),
        (lambda d: d["sections"].update(unknown={"rows": []}), "$.sections.unknown", "unknown"),
        (lambda d: d.update(kind="no-such-kind"), "$.kind", "no-such-kind"),
    ],
)
def test_import_is_refused_with_path_and_reason_and_changes_nothing(kitchen, mutate, path, reason):
    plan = _import(kitchen, kitchen_document())
    before = document_of(kitchen.session, kitchen.registry, plan)
    revisions = kitchen.session.scalar(select(func.count(PlanRevision.id)))
    bad = kitchen_document()
    bad["sections"]["training"]["rows"] = []  # a change that must not land either
    mutate(bad)
    with pytest.raises(DocumentError) as refused:
        import_plan(kitchen.session, kitchen.registry, bad, None)
    kitchen.session.rollback()
    assert refused.value.path == path
    assert reason in refused.value.reason
    kitchen.session.expire_all()
    assert document_of(kitchen.session, kitchen.registry, plan) == before
    assert kitchen.session.scalar(select(func.count(PlanRevision.id))) == revisions


def test_import_creates_a_municipality_the_database_does_not_know(kitchen):
    from core.services.accounts import municipality_by_slug

    document = kitchen_document()
    document["municipality"].update(slug="atlantis", name={"en": "Atlantis"})
    plan = _import(kitchen, document)
    atlantis = municipality_by_slug(kitchen.session, "atlantis")
    assert plan.municipality_id == atlantis.id and atlantis.enabled_plugins == {PLUGIN}
    assert (atlantis.country, atlantis.default_locale, atlantis.currency) == ("XX", "ro", "RON")


def test_import_refusal_leaves_an_empty_database_empty(kitchen):
    bad = kitchen_document()
    bad["sections"]["services"]["rows"][0]["code"] = "NOPE"
    with pytest.raises(ImportRefused):
        import_plan(kitchen.session, kitchen.registry, bad, None)
    kitchen.session.rollback()
    assert kitchen.session.scalar(select(func.count(AnnualPlan.id))) == 0
    assert kitchen.session.scalar(select(func.count(Service.id))) == 0


def test_every_change_keeps_a_revision(kitchen):
    plan = _import(kitchen, kitchen_document())
    row = {"participants": "CCC", "frequency": "Semestrul II"}
    add_row(kitchen.session, kitchen.registry, plan, "meetings", row, None)
    update_row(kitchen.session, kitchen.registry, plan, "meetings", 1, {**row, "frequency": "lunar"}, None)
    move_row(kitchen.session, kitchen.registry, plan, "meetings", 1, -1, None)
    delete_row(kitchen.session, kitchen.registry, plan, "meetings", 1, None)
    kitchen.session.commit()
    numbers = [r.number for r in plan.revisions]
    assert numbers == [1, 2, 3, 4, 5]
    assert [r.action for r in plan.revisions] == [
        "imported", "row-added meetings 2", "row-edited meetings 2", "row-moved meetings 2", "row-removed meetings 2"]
    meetings = [without_uids(r.document["sections"]["meetings"])["rows"] for r in plan.revisions]
    assert meetings[3] == [{"participants": "CCC", "frequency": "lunar"}, {"participants": "DAS, DGASPC",
                                                                          "frequency": "monthly"}]
    assert meetings[4] == [{"participants": "CCC", "frequency": "lunar"}]


def test_a_bad_row_change_writes_nothing(kitchen):
    plan = _import(kitchen, kitchen_document())
    before = document_of(kitchen.session, kitchen.registry, plan)
    bad_service = copy.deepcopy(before["sections"]["services"]["rows"][0])
    bad_service["budget"][0]["amount"] = "twelve"
    with pytest.raises(DocumentError):
        update_row(kitchen.session, kitchen.registry, plan, "services", 0, bad_service, None)
    kitchen.session.rollback()
    assert document_of(kitchen.session, kitchen.registry, plan) == before
    with pytest.raises(PlanError):
        delete_row(kitchen.session, kitchen.registry, plan, "meetings", 7, None)


def test_workflow_records_facts_and_approved_plan_is_read_only(kitchen):
    from core.services.accounts import create_user

    plan = _import(kitchen, kitchen_document())
    planner = create_user(kitchen.session, "p@exampletown.test", "a long password", "planner",
                          plan.municipality)
    take_step(kitchen.session, kitchen.registry, plan, "submit", {}, planner)
    with pytest.raises(PlanError, match="administrator"):
        take_step(kitchen.session, kitchen.registry, plan, "approve",
                  {"council_decision_ref": "HCL 12", "council_decision_date": dt.date(2021, 3, 25)}, planner)
    with pytest.raises(PlanError) as missing:
        take_step(kitchen.session, kitchen.registry, plan, "approve", {"council_decision_ref": "HCL 12"}, None)
    assert missing.value.field == "council_decision_date"
    take_step(kitchen.session, kitchen.registry, plan, "approve",
              {"council_decision_ref": "HCL 12", "council_decision_date": dt.date(2021, 3, 25)}, None)
    assert (plan.status, plan.council_decision_ref, plan.council_decision_date) == (
        "approved", "HCL 12", dt.date(2021, 3, 25))
    with pytest.raises(PlanError, match="read-only"):
        add_row(kitchen.session, kitchen.registry, plan, "meetings", {"participants": "x"}, None)
    approved_revision = plan.revision
    with pytest.raises(PlanError, match="Say why"):
        reopen(kitchen.session, kitchen.registry, plan, None)
    reopen(kitchen.session, kitchen.registry, plan, None, "A budget rectification")
    assert plan.status == "draft" and plan.revision == approved_revision + 1
    assert plan.adopted_revision == approved_revision and plan.council_decision_ref is None
    assert plan.revisions[approved_revision - 1].document["status"] == "approved"
    add_row(kitchen.session, kitchen.registry, plan, "meetings", {"participants": "x"}, None)


def test_submit_is_blocked_by_errors(kitchen):
    plan = _import(kitchen, kitchen_document())
    with pytest.raises(PlanError, match="2"):
        take_step(kitchen.session, kitchen.registry, plan, "submit", {}, None, blocking_errors=2)
    assert plan.status == "draft"


def test_new_plan_from_last_years_copies_services_campaigns_and_training(kitchen):
    _import(kitchen, kitchen_document(2021))
    town = kitchen.session.scalar(select(AnnualPlan)).municipality
    plan = copy_from_previous_year(kitchen.session, kitchen.registry, town, 2022, KIND, None)
    document = document_of(kitchen.session, kitchen.registry, plan)
    old = kitchen_document(2021)["sections"]
    assert without_uids(document["sections"]["campaigns"])["rows"] == old["campaigns"]["rows"]
    assert without_uids(document["sections"]["training"])["rows"] == old["training"]["rows"]
    assert [line["year"] for line in document["sections"]["services"]["rows"][0]["budget"]] == [2022, 2022]
    assert document["sections"]["meetings"]["rows"] == []
    with pytest.raises(PlanError):
        copy_from_previous_year(kitchen.session, kitchen.registry, town, 2022, KIND, None)
