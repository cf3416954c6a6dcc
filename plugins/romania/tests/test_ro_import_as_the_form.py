"""An import refuses what the web form refuses (issue 10): an occupancy outside 0-100 %, I.B's floor space, staff
needed and staff by role outside 0 to 1,000,000 (staff in whole persons), amounts in a unit the form does not
offer. Each is refused with its JSON path and nothing is written; a figure stored before is flagged beside its
field and never printed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from core.sdk import DocumentError, Severity
from core.sdk.plans import document_of, import_plan, record_revision, validate_document
from core.sdk.reports import render_report
from core.sdk.testing import Service, get_registry, pdf_text
from plugins.romania.forms import section_form
from plugins.romania.rules import validate
from plugins.romania.tests.helpers import counts, findings_of
from plugins.romania.tests.own_plan import own_document
from plugins.romania.tests.test_ro_forms import _post


@pytest.fixture
def ctx(app):
    with app.test_request_context(headers={"Accept-Language": "ro"}):
        yield


def _existing(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["sections"]["existing-services"]["rows"][0]


def _proposed(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["sections"]["proposed-services"]["rows"][0]


def _set_scale(doc: dict[str, Any], scale: int) -> None:
    for line in _existing(doc)["budget"]:
        line["scale"] = scale


# (what is changed, the rule, the finding's field, the refused import's JSON path)
CASES: dict[str, tuple[Callable[[dict], None], str, str, str]] = {
    "occupancy 150 %": (lambda d: _existing(d).update(occupancy="150"), "ro.occupancy-range",
                        "existing-services/0/occupancy", "$.sections.existing-services.rows[0].occupancy"),
    "floor space -240": (lambda d: _proposed(d)["extra"].update(floor_space="-240"), "ro.figure-range",
                         "proposed-services/0/floor_space", "$.sections.proposed-services.rows[0].extra.floor_space"),
    "floor space too large": (lambda d: _proposed(d)["extra"].update(floor_space="1000001"), "ro.figure-range",
                              "proposed-services/0/floor_space",
                              "$.sections.proposed-services.rows[0].extra.floor_space"),
    "staff -6": (lambda d: _proposed(d)["extra"].update(staff_total=-6), "ro.figure-range",
                 "proposed-services/0/staff_total", "$.sections.proposed-services.rows[0].extra.staff_total"),
    "staff 2.5": (lambda d: _proposed(d)["extra"].update(staff_total="2.5"), "ro.figure-range",
                  "proposed-services/0/staff_total", "$.sections.proposed-services.rows[0].extra.staff_total"),
    "staff role -5": (lambda d: _proposed(d)["extra"]["staff_roles"][0].update(count=-5), "ro.figure-range",
                      "proposed-services/0/staff_roles", "$.sections.proposed-services.rows[0].extra.staff_roles"),
    "millions of lei": (lambda d: _set_scale(d, 1_000_000), "ro.budget-unit", "existing-services/0/budget_unit",
                        "$.sections.existing-services.rows[0].budget"),
}


MESSAGES = {"ro.figure-range": "Introduceți un număr de la 0 la 1.000.000.",
            "ro.budget-unit": "Unitatea sumelor: lei / mii lei"}


@pytest.mark.parametrize("case", list(CASES))
def test_the_rule_flags_it_beside_its_field_and_it_blocks_an_import(ctx, case):
    change, rule, field, path = CASES[case]
    doc = own_document()
    change(doc)
    [finding] = findings_of(validate(doc), rule)
    assert (finding.field, finding.path) == (field, path)
    assert finding.severity is Severity.ERROR and finding.blocks_import
    if rule in MESSAGES:  # said in the page's language (Romanian here), in words the form uses
        assert finding.message == MESSAGES[rule]


@pytest.mark.parametrize("case", list(CASES))
def test_an_import_refuses_it_with_its_path_and_writes_nothing(demo_session, case):
    change, _rule, _field, path = CASES[case]
    doc = own_document()
    change(doc)
    before = counts(demo_session)
    with pytest.raises(DocumentError) as refused:
        import_plan(demo_session, get_registry(), doc, None)
    assert refused.value.path == path
    demo_session.rollback()
    assert counts(demo_session) == before


@pytest.mark.parametrize(("section", "changes"), [
    ("existing-services", {"occupancy": "150"}),
    ("proposed-services", {"floor_space": "-240"}),
    ("proposed-services", {"floor_space": "1.000.001"}),
    ("proposed-services", {"staff_total": "-6"}),
    ("proposed-services", {"staff_total": "2,5"}),
    ("existing-services", {"budget_unit": "1000000"}),
])
def test_the_form_refuses_the_same(ctx, section, changes):
    spec = section_form("action-plan", section)
    row = own_document()["sections"][section]["rows"][0]
    form = _post(spec, row, **changes)
    assert not form.validate()
    assert set(changes) <= set(form.errors), form.errors


def test_the_own_plan_as_written_passes_every_one_of_these_rules(ctx):
    assert [f for f in validate(own_document()) if f.rule in {rule for _c, rule, _f, _p in CASES.values()}] == []


def test_a_negative_floor_space_or_staff_stored_before_is_flagged_and_never_printed(demo_session):
    registry = get_registry()
    plan = import_plan(demo_session, registry, own_document(), None)
    service = demo_session.scalars(select(Service).where(Service.plan_id == plan.id,
                                                         Service.status == "proposed")).one()
    # written past the import, as bulk SQL or an older version would
    service.extra = {**service.extra, "floor_space": "-240", "staff_total": -6,
                     "staff_roles": [{"role": {"ro": "Îngrijitori"}, "count": -5}]}
    demo_session.flush()
    demo_session.expire_all()
    record_revision(demo_session, registry, plan, None, "row-changed")  # the PDF prints a kept revision
    doc = document_of(demo_session, registry, plan)
    found = validate_document(registry, plan, registry.plan_kind("action-plan"), doc)
    assert {f.field for f in found if f.rule == "ro.figure-range"} == {
        "proposed-services/0/floor_space", "proposed-services/0/staff_total", "proposed-services/0/staff_roles"}
    text = " ".join(pdf_text(render_report(demo_session, plan, "action-plan", "ro"), plain_spaces=True).split())
    assert "-240" not in text and "-6" not in text and "-5" not in text and "−" not in text
    assert "Îngrijitori" in text and "PNRR & buget local" in text  # the row is printed, without those figures


def test_a_table_whose_rows_were_saved_in_lei_and_thousand_lei_is_stated_in_lei(demo_session):
    """The form saves one row at a time, each in its own unit: a table mixing them prints in lei, every row
    converted, under one unit label (never 'thousand lei' above rows written in lei)."""
    registry = get_registry()
    plan = import_plan(demo_session, registry, own_document(), None)
    canteen = demo_session.scalars(select(Service).where(Service.plan_id == plan.id, Service.status == "existing",
                                                         Service.position == 1)).one()
    for line in canteen.budget_lines:  # 150 and 12 thousand lei typed again as lei
        line.amount, line.scale = line.amount * 1000, 1
    demo_session.flush()
    demo_session.expire_all()
    record_revision(demo_session, registry, plan, None, "row-changed")
    doc = document_of(demo_session, registry, plan)
    assert {f.field for f in validate_document(registry, plan, registry.plan_kind("action-plan"), doc)
            if f.rule == "ro.mixed-units"} == {"existing-services/1/budget_unit"}  # the row unlike the others
    text = " ".join(pdf_text(render_report(demo_session, plan, "action-plan", "ro"), plain_spaces=True).split())
    part = text[text.index("A. Serviciile sociale oferite"):text.index("B. Servicii sociale propuse")]
    assert "(lei)" in part and "(mii lei)" not in part
    for figure in ("210.000", "45.000", "255.000", "150.000", "12.000", "162.000", "360.000", "417.000"):
        assert figure in part, figure
