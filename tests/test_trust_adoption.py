"""What the council adopted stays adopted and visible (issue 9, part 2).

A plan keeps its adopted revision apart from a working revision opened after it: viewers, reports "as
adopted" and the API read the adopted one; reopening asks why and is an administrator's; an import never
replaces an adopted revision; imported statuses and workflow facts are checked.
"""

from __future__ import annotations

import copy
import json

import pytest
from sqlalchemy import select
from world import KIND as PLAN_KIND
from world import PASSWORD, REPORT

from core.interchange import DocumentError
from core.models import AnnualPlan, PlanStep
from core.services.imports import import_plan
from core.services.plans import AdoptedPlanError, PlanError, document_of, reopen, take_step
from core.testing import login, pdf_text

APPROVED = f"/api/v1/municipalities/alpha/plans/2025/{PLAN_KIND}"


def _base(world) -> str:
    return f"/m/alpha/plans/{world.plan_ids['alpha-approved']}"


def _reopen_as_admin(world, reason: str = "Budget rectification of 14 June") -> None:
    admin = world.app.test_client()
    login(admin, "admin@example.org", PASSWORD)
    response = admin.post(f"{_base(world)}/reopen", data={"reason": reason, "confirm": "y"})
    assert response.status_code == 302, response.text


def _rename_first_service(world, name: str) -> None:
    planner = world.app.test_client()
    login(planner, "planner@alpha.org", PASSWORD)
    page = planner.get(f"{_base(world)}/sections/services/rows/0")
    assert page.status_code == 200
    response = planner.post(f"{_base(world)}/sections/services/rows/0",
                            data={"code": "XX-1", "name__en": name, "capacity": "20", "status": "existing"})
    assert response.status_code == 302, response.text


def test_reopening_asks_why_and_a_confirmation_and_is_an_administrators_step(world):
    planner = world.app.test_client()
    login(planner, "planner@alpha.org", PASSWORD)
    assert planner.get(f"{_base(world)}/reopen").status_code == 403
    assert planner.post(f"{_base(world)}/reopen", data={"reason": "x", "confirm": "y"}).status_code == 403
    assert "/reopen" not in planner.get(f"{_base(world)}/").text  # no button offered to a planner

    admin = world.app.test_client()
    login(admin, "admin@example.org", PASSWORD)
    page = admin.get(f"{_base(world)}/reopen")
    assert page.status_code == 200 and 'name="reason"' in page.text and 'name="confirm"' in page.text
    refused = admin.post(f"{_base(world)}/reopen", data={"reason": "  ", "confirm": "y"})
    assert refused.status_code == 422 and "Say why a new revision" in refused.text
    unconfirmed = admin.post(f"{_base(world)}/reopen", data={"reason": "Rectification"})
    assert unconfirmed.status_code == 422 and "Confirm that you mean" in unconfirmed.text
    with world.db() as session:
        assert world.plan(session, "alpha-approved").status == "approved"  # refused twice: nothing changed

    _reopen_as_admin(world, "Rectificare bugetară & „HCL 77” <urgent>")
    with world.db() as session:
        plan = world.plan(session, "alpha-approved")
        assert plan.status == "draft" and plan.adopted_revision == 4 and plan.revision == 5
        assert plan.council_decision_ref is None  # the decision belongs to the adopted revision
        step = session.scalars(select(PlanStep).where(PlanStep.plan_id == plan.id, PlanStep.step == "reopen")).one()
        assert step.data == {"reason": "Rectificare bugetară & „HCL 77” <urgent>"}


def test_viewers_keep_reading_the_adopted_revision_while_a_new_one_is_drafted(world):
    _reopen_as_admin(world)
    _rename_first_service(world, "Centrul „Nou” & <redenumit>")

    viewer = world.app.test_client()
    login(viewer, "viewer@alpha.org", PASSWORD)
    dashboard = viewer.get("/m/alpha/")
    assert f"/plans/{world.plan_ids['alpha-approved']}/" in dashboard.text  # not "no plan"
    overview = viewer.get(f"{_base(world)}/")
    assert overview.status_code == 200 and "HCL 12/2025" in overview.text
    section = viewer.get(f"{_base(world)}/sections/services").text
    assert "Day centre" in section and "redenumit" not in section
    pdf = viewer.get(f"{_base(world)}/reports/example-report/en.pdf")
    assert pdf.status_code == 200 and "adopted" in pdf.headers["Content-Disposition"]
    table = viewer.get(f"/m/alpha/plans/2025/{PLAN_KIND}/tables/services.csv")
    assert table.status_code == 200 and "Day centre" in table.text and "redenumit" not in table.text
    # The viewer cannot ask for the working revision either.
    assert "redenumit" not in viewer.get(f"{_base(world)}/sections/services?revision=6").text

    api = world.app.test_client().get(APPROVED, headers=world.headers("viewer"))
    assert api.status_code == 200
    document = api.get_json()
    assert document["status"] == "approved" and document["council_decision"]["reference"] == "HCL 12/2025"
    assert document["sections"]["services"]["rows"][0]["name"] == {"en": "Day centre"}


def test_planners_see_both_revisions_clearly_labelled(world):
    _reopen_as_admin(world)
    _rename_first_service(world, "Renamed centre")
    planner = world.app.test_client()
    login(planner, "planner@alpha.org", PASSWORD)
    working = planner.get(f"{_base(world)}/").text
    assert "working revision 6, a draft" in working and "revision=adopted" in working
    assert "HCL 12/2025" not in working  # a draft never shows the decision as its own
    adopted = planner.get(f"{_base(world)}/?revision=adopted").text
    assert "You are reading revision 4, the one the council adopted" in adopted and "HCL 12/2025" in adopted
    section = planner.get(f"{_base(world)}/sections/services?revision=adopted").text
    assert "Day centre" in section and "Renamed centre" not in section
    assert "Renamed centre" in planner.get(f"{_base(world)}/sections/services").text


def test_every_page_of_a_report_says_which_revision_it_prints(world):
    _reopen_as_admin(world)
    planner = world.app.test_client()
    login(planner, "planner@alpha.org", PASSWORD)
    draft = pdf_text(planner.get(f"{_base(world)}/reports/example-report/en.pdf").data, plain_spaces=True)
    assert "Working revision 5, not adopted" in draft and "Adopted version" not in draft
    adopted = planner.get(f"{_base(world)}/reports/example-report/en.pdf?revision=adopted")
    text = pdf_text(adopted.data, plain_spaces=True)
    assert "Adopted version (revision 4), decision HCL 12/2025" in text


def test_an_import_never_replaces_the_adopted_revision(world):
    with world.db() as session:
        plan = world.plan(session, "alpha-approved")
        document = document_of(session, world.registry, plan)
        changed = copy.deepcopy(document)
        changed["sections"]["services"]["rows"][0]["name"] = {"en": "Imported over the adopted plan"}
        with pytest.raises(AdoptedPlanError):
            import_plan(session, world.registry, changed, None)
        session.rollback()
        plan = world.plan(session, "alpha-approved")
        assert plan.status == "approved" and plan.council_decision_ref == "HCL 12/2025"

        added = import_plan(session, world.registry, changed, None, as_new_revision=True)
        session.commit()
        assert added.status == "draft" and added.adopted_revision == 4 and added.council_decision_ref is None
        adopted = world.app.test_client().get(APPROVED + "?revision=adopted", headers=world.headers("planner"))
        assert adopted.get_json()["sections"]["services"]["rows"][0]["name"] == {"en": "Day centre"}


def test_the_api_import_refuses_to_replace_an_adopted_plan_unless_asked(world):
    client = world.app.test_client()
    document = client.get(APPROVED, headers=world.headers("admin")).get_json()
    refused = client.post("/api/v1/plans/import", json=document, headers=world.headers("admin"))
    assert refused.status_code == 409 and "as_new_revision" in refused.get_json()["error"]
    added = client.post("/api/v1/plans/import?as_new_revision=true", json=document, headers=world.headers("admin"))
    assert added.status_code == 201
    summary = added.get_json()
    assert summary["status"] == "draft" and summary["adopted_revision"] == 4


def test_an_imported_status_needs_the_facts_of_its_steps(world):
    with world.db() as session:
        document = document_of(session, world.registry, world.plan(session, "alpha-draft"))
        approved = {**document, "status": "approved", "council_decision": {"reference": None, "date": None}}
        with pytest.raises(DocumentError) as refused:
            import_plan(session, world.registry, approved, None)
        assert refused.value.path == "$.council_decision.reference"
        session.rollback()
        dated_only = {**approved, "council_decision": {"reference": "HCL 3", "date": None}}
        with pytest.raises(DocumentError) as refused:
            import_plan(session, world.registry, dated_only, None)
        assert refused.value.path == "$.council_decision.date"


def test_a_planner_cannot_write_a_council_decision_through_an_import(world):
    client = world.app.test_client()
    draft = f"/api/v1/municipalities/alpha/plans/2026/{PLAN_KIND}"
    document = client.get(draft, headers=world.headers("planner")).get_json()
    document["council_decision"] = {"reference": "HCL 999/2021 (forged)", "date": "2021-01-01"}
    response = client.post("/api/v1/plans/import", json=document, headers=world.headers("planner"))
    assert response.status_code == 422
    assert response.get_json()["path"] == "$.council_decision.reference"
    with world.db() as session:
        assert world.plan(session, "alpha-draft").council_decision_ref is None


def test_an_approved_import_by_an_administrator_is_the_adopted_revision(world):
    with world.db() as session:
        document = document_of(session, world.registry, world.plan(session, "alpha-draft"))
    document = {**document, "year": 2031, "status": "approved",
                "council_decision": {"reference": "HCL 5/2031", "date": "2031-02-27"}}
    response = world.app.test_client().post("/api/v1/plans/import", json=document, headers=world.headers("admin"))
    assert response.status_code == 201
    with world.db() as session:
        plan = session.scalars(select(AnnualPlan).where(AnnualPlan.year == 2031)).one()
        assert plan.adopted_revision == plan.revision


def test_reopen_in_the_service_refuses_a_planner_and_an_empty_reason(world):
    from core.models import User

    with world.db() as session:
        plan = world.plan(session, "alpha-approved")
        planner = session.scalars(select(User).where(User.email == "planner@alpha.org")).one()
        with pytest.raises(PlanError):
            reopen(session, world.registry, plan, planner, "A reason")
        admin = session.scalars(select(User).where(User.email == "admin@example.org")).one()
        with pytest.raises(PlanError) as empty:
            reopen(session, world.registry, plan, admin, " ")
        assert empty.value.field == "reason"


# --- workflow facts in order (the Romanian plan kind declares the order) ----------------------------


@pytest.fixture
def ro_plan(demo_app):
    """A Romanian plan of a municipality of our own, in consultation order from the first step."""
    from core.db import get_session
    from core.services.accounts import create_municipality, set_plugin_enabled
    from core.services.plans import create_plan

    registry = demo_app.extensions["socialplan.registry"]
    with demo_app.app_context():
        session = get_session()
        town = create_municipality(session, "sant-tandarei", {"ro": "Comuna Șanț-Țăndărei & „Vale” <Est>"}, "RO",
                                   "ro", "RON")
        set_plugin_enabled(session, registry, town, "romania", True)
        plan = create_plan(session, registry, town, 2027, "action-plan", None)
        session.commit()
        yield session, registry, plan


def test_a_consultation_cannot_end_before_it_starts(ro_plan):
    session, registry, plan = ro_plan
    with pytest.raises(PlanError) as refused:
        take_step(session, registry, plan, "start-consultation",
                  {"consultation_start": "2027-03-10", "consultation_end": "2027-03-01"}, None)
    assert refused.value.field == "consultation_end"
    assert "cannot be before" in str(refused.value)


def test_contributions_are_a_whole_number_and_the_decision_follows_the_opinion(ro_plan):
    session, registry, plan = ro_plan
    take_step(session, registry, plan, "start-consultation",
              {"consultation_start": "2027-03-01", "consultation_end": "2027-03-31"}, None)
    session.commit()
    with pytest.raises(PlanError) as refused:
        take_step(session, registry, plan, "request-county-opinion", {"contributions_received": "three"}, None)
    assert refused.value.field == "contributions_received"
    session.rollback()
    take_step(session, registry, plan, "request-county-opinion", {"contributions_received": "3"}, None)
    session.commit()
    assert plan.facts["contributions_received"] == 3
    for decision_date, field in (("2027-03-15", "council_decision_date"), ("2027-04-01", "council_decision_date")):
        with pytest.raises(PlanError) as refused:
            take_step(session, registry, plan, "approve",
                      {"county_opinion_ref": "Aviz 7", "county_opinion_date": "2027-04-10",
                       "council_decision_ref": "HCL 45", "council_decision_date": decision_date}, None)
        assert refused.value.field == field
        session.rollback()
    take_step(session, registry, plan, "approve",
              {"county_opinion_ref": "Aviz 7", "county_opinion_date": "2027-04-10",
               "council_decision_ref": "HCL 45", "council_decision_date": "2027-04-28"}, None)
    assert plan.status == "approved" and plan.adopted_revision == plan.revision


def test_the_step_form_refuses_a_consultation_that_ends_before_it_starts_beside_the_field(demo_app):
    """In the Romanian editor, in Romanian: the message is beside 'consultation_end' and nothing moves."""
    from core.db import get_session
    from core.demo import DEMO_PASSWORD
    from plugins.romania.demo import PLANNER, SLUG

    client = demo_app.test_client()
    login(client, PLANNER, DEMO_PASSWORD)
    assert client.post("/locale", data={"locale": "ro"}).status_code in (302, 303)
    with demo_app.app_context():
        plan = get_session().scalars(select(AnnualPlan).where(AnnualPlan.kind == "action-plan")).first()
        plan_id, status = plan.id, plan.status
    url = f"/m/{SLUG}/plans/{plan_id}/steps/start-consultation"
    response = client.post(url, data={"consultation_start": "2021-03-10", "consultation_end": "2021-03-01"})
    assert response.status_code == 422
    field = response.text[response.text.index('for="consultation_end"'):]
    assert "nu poate fi înainte de" in field[:2000]
    with demo_app.app_context():
        assert get_session().get(AnnualPlan, plan_id).status == status


# --- the command line: `plan import` over an adopted plan, `report render --adopted` ------------------------


def _cli(world, *args: str):
    """``socialplan *args`` through the Flask CLI of the world's app (click's CliRunner)."""
    from core.cli import cli

    return world.app.test_cli_runner().invoke(cli, list(args))


def test_plan_import_on_the_command_line_keeps_the_adopted_revision_unless_asked(world, tmp_path):
    changed = world.document("alpha-approved")
    changed["sections"]["services"]["rows"][0]["name"] = {"en": "Imported over the adopted plan"}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")

    refused = _cli(world, "plan", "import", str(path))
    assert refused.exit_code == 1 and isinstance(refused.exception, SystemExit)  # the one-sentence CLIError
    lines = [line for line in refused.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in refused.output, refused.output
    assert "adopted by the council" in lines[0] and "--as-new-revision" in lines[0]
    with world.db() as session:
        plan = world.plan(session, "alpha-approved")
        assert (plan.status, plan.revision, plan.adopted_revision) == ("approved", 4, 4)
        assert plan.council_decision_ref == "HCL 12/2025"

    added = _cli(world, "plan", "import", str(path), "--as-new-revision")
    assert added.exit_code == 0, added.output
    with world.db() as session:
        plan = world.plan(session, "alpha-approved")
        assert (plan.status, plan.revision, plan.adopted_revision) == ("draft", 5, 4)

    viewer = world.app.test_client()
    login(viewer, "viewer@alpha.org", PASSWORD)
    section = viewer.get(f"{_base(world)}/sections/services").text
    assert "Day centre" in section and "Imported over the adopted plan" not in section

    where = ["--municipality", "alpha", "--year", "2025", "--kind", REPORT, "--lang", "en"]
    adopted_pdf, working_pdf = tmp_path / "adopted.pdf", tmp_path / "working.pdf"
    assert _cli(world, "report", "render", *where, "--adopted", "--out", str(adopted_pdf)).exit_code == 0
    assert _cli(world, "report", "render", *where, "--out", str(working_pdf)).exit_code == 0
    adopted, working = pdf_text(adopted_pdf, plain_spaces=True), pdf_text(working_pdf, plain_spaces=True)
    assert "Day centre" in adopted and "Imported over the adopted plan" not in adopted
    assert "Adopted version (revision 4), decision HCL 12/2025" in adopted
    assert "Imported over the adopted plan" in working and "Working revision 5, not adopted" in working


# --- every page and the metadata say which revision is printed ----------------------------------------------


def _pages_of(pdf: bytes, tmp_path, name: str) -> tuple[list[str], str]:
    """Each page's text as pdftotext reads it (white space made single spaces), and the PDF's Subject as
    pdfinfo reads it."""
    import re
    import subprocess

    from pypdf import PdfReader

    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    count = len(PdfReader(path).pages)
    pages = []
    for number in range(1, count + 1):
        text = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), str(path), "-"],
                              capture_output=True, text=True, check=True).stdout
        pages.append(re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " ")))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    subject = next((line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith("Subject:")), "")
    assert PdfReader(path).metadata.subject.strip() == subject  # pypdf reads the same metadata
    return pages, subject


# Each language's words for the two statuses (core's catalogs): a cut footer or a wrong catalog shows here.
STATUSES = {
    "en": ("Working revision {working}, not adopted",
           "Adopted version (revision {adopted}), decision HCL 7/2032 of {date}", "Adopted version"),
    "ro": ("Versiunea de lucru {working}, neaprobată",
           "Versiunea aprobată (versiunea {adopted}), hotărârea HCL 7/2032 din {date}", "Versiunea aprobată"),
    "sv": ("Arbetsversion {working}, ej beslutad",
           "Beslutad version (version {adopted}), beslut HCL 7/2032 den {date}", "Beslutad version"),
}


@pytest.mark.parametrize("locale", ["en", "sv", "ro"])
def test_every_page_and_the_metadata_of_a_report_name_the_revision_printed(world, tmp_path, locale):
    """A plan of many services (a report of several pages), adopted, then reopened: each page of the draft's
    PDF and its Subject say it is a working revision, not adopted; each page of the adopted one's and its
    Subject name the adoption and its decision, with its date, in the report's language."""
    import datetime as dt

    from core.i18n import format_date
    from core.models import User

    document = world.document("alpha-draft")
    rows = [{k: v for k, v in row.items() if k != "uid"} for row in document["sections"]["services"]["rows"]]
    services = [{**rows[n % 2], "name": {"en": f"Service number {n}"}} for n in range(1, 121)]
    document = {**document, "year": 2032, "status": "approved",
                "council_decision": {"reference": "HCL 7/2032", "date": "2032-02-27"},
                "sections": {**document["sections"], "services": {**document["sections"]["services"],
                                                                  "rows": services}}}
    imported = world.app.test_client().post("/api/v1/plans/import", json=document, headers=world.headers("admin"))
    assert imported.status_code == 201, imported.text
    with world.db() as session:
        plan = session.scalars(select(AnnualPlan).where(AnnualPlan.year == 2032)).one()
        admin = session.scalars(select(User).where(User.email == "admin@example.org")).one()
        reopen(session, world.registry, plan, admin, "Rectification")
        session.commit()
        plan_id, adopted, working = plan.id, plan.adopted_revision, plan.revision
    assert working == adopted + 1

    planner = world.app.test_client()
    login(planner, "planner@alpha.org", PASSWORD)
    url = f"/m/alpha/plans/{plan_id}/reports/{REPORT}/{locale}.pdf"
    draft_words, adopted_words, adopted_marker = STATUSES[locale]
    date = format_date(dt.date(2032, 2, 27), locale).replace("\u00a0", " ").replace("\u202f", " ")
    expected = {"draft": (url, draft_words.format(working=working)),
                "adopted": (url + "?revision=adopted", adopted_words.format(adopted=adopted, date=date))}
    for name, (address, status) in expected.items():
        response = planner.get(address)
        assert response.status_code == 200
        pages, subject = _pages_of(response.data, tmp_path, name)
        assert len(pages) >= 3, f"the {name} report should run to several pages"
        missing = [number for number, text in enumerate(pages, 1) if status not in text]
        assert not missing, f"{name}: pages {missing} of {len(pages)} do not say {status!r}: {pages[0][-160:]!r}"
        assert status in subject, subject
        assert not [number for number, text in enumerate(pages, 1)
                    if (adopted_marker in text) == (name == "draft")], name
