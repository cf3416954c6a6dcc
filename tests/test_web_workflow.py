"""Workflow steps, read-only approved plans, reopening, revision history and comparison, reports."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader
from world import SERVICE_ROW, sign_in

from core.db import get_session
from core.models import AnnualPlan

APPROVE = {"council_decision_ref": "HCL 45", "council_decision_date": "2025-04-28"}




def plan(app, plan_id: int) -> AnnualPlan:
    with app.app_context():
        return get_session().get(AnnualPlan, plan_id)


def submit(client, world):
    return client.post(f"/m/alpha/plans/{world.alpha_draft}/steps/submit")


def test_overview_offers_the_steps_of_the_status_and_role(web_client, world):
    sign_in(web_client, "planner@alpha.org")
    page = web_client.get(f"/m/alpha/plans/{world.alpha_draft}/").text
    assert "steps/submit" in page and "steps/approve" not in page
    submit(web_client, world)
    page = web_client.get(f"/m/alpha/plans/{world.alpha_draft}/").text
    assert "steps/approve" not in page  # an admin's step
    assert web_client.get(f"/m/alpha/plans/{world.alpha_draft}/steps/approve").status_code == 403


def test_step_with_a_missing_field_shows_the_error_beside_it(web_app, web_client, world):
    sign_in(web_client, "planner@alpha.org")
    submit(web_client, world)
    web_client.post("/logout")
    sign_in(web_client, "admin@example.org")
    url = f"/m/alpha/plans/{world.alpha_draft}/steps/approve"
    page = web_client.get(url).text
    assert 'type="date"' in page and 'name="council_decision_date"' in page
    response = web_client.post(url, data={"council_decision_ref": "HCL 45", "council_decision_date": ""})
    assert response.status_code == 422
    page = response.text
    assert 'href="#council_decision_date"' in page
    field = page[page.index('for="council_decision_date"'):]
    assert re.match(r'.*?id="council_decision_date-error">\s*<span>This field is required.', field, re.S)
    assert 'value="HCL 45"' in page
    assert plan(web_app, world.alpha_draft).status == "submitted"
    response = web_client.post(url, data=APPROVE, follow_redirects=True)
    approved = plan(web_app, world.alpha_draft)
    assert approved.status == "approved" and approved.council_decision_ref == "HCL 45"
    assert str(approved.council_decision_date) == "2025-04-28"


def test_submit_is_refused_while_the_plan_has_errors(web_app, web_client, world):
    sign_in(web_client, "planner@alpha.org")
    web_client.post(f"/m/alpha/plans/{world.alpha_draft}/sections/services/rows/0",
                    data={"name__en": "Day centre", "occupancy": "140", "status": "existing"})
    response = submit(web_client, world)
    # The step's page says what blocks it, with a link to the finding, and offers no form to fill in vain.
    assert response.status_code == 422 and "This step is blocked by 1 error" in response.text
    assert 'class="finding finding-error"' in response.text and "#f-services-0-occupancy" in response.text
    assert 'name="csrf_token"' not in response.text.split('id="blocked"')[1]
    assert plan(web_app, world.alpha_draft).status == "draft"


def test_approved_plan_refuses_edits_and_reopens_as_a_new_revision(web_app, web_client, world):
    sign_in(web_client, "planner@alpha.org")
    base = f"/m/alpha/plans/{world.alpha_approved}"
    page = web_client.get(f"{base}/sections/services").text
    assert "rows/new" not in page and "/delete" not in page and "read-only" in page
    assert web_client.post(f"{base}/sections/services/rows/new", data={"name__en": "X"}).status_code == 403
    assert web_client.post(f"{base}/sections/services/rows/0", data={"name__en": "X"}).status_code == 403
    assert web_client.post(f"{base}/sections/services/rows/0/delete").status_code == 403
    assert web_client.post(f"{base}/sections/services/rows/0/move", data={"direction": "up"}).status_code == 403
    assert plan(web_app, world.alpha_approved).revision == 4  # create, one row, submit, approve
    response = web_client.post(f"{base}/sections/intro/text", data={"text__en": "x"})
    assert response.status_code == 422 and "read-only" in response.text

    before = plan(web_app, world.alpha_approved).revision
    assert web_client.post(f"{base}/reopen", data={"reason": "x", "confirm": "y"}).status_code == 403  # admins'
    web_client.post("/logout")
    sign_in(web_client, "admin@example.org")
    response = web_client.post(f"{base}/reopen", data={"reason": "A new budget line", "confirm": "y"},
                               follow_redirects=True)
    reopened = plan(web_app, world.alpha_approved)
    assert reopened.status == "draft" and reopened.revision == before + 1 and reopened.adopted_revision == before
    assert f"Revision {before + 1} is open for editing as a draft" in response.text
    page = web_client.get(f"{base}/revisions").text
    assert "Reopened as a new revision" in page and "Workflow step: Approve" in page and "admin@example.org" in page
    assert web_client.post(f"{base}/sections/services/rows/new", data=SERVICE_ROW).status_code == 302


def test_comparison_highlights_the_changed_cell(web_client, world):
    sign_in(web_client, "planner@alpha.org")
    base = f"/m/alpha/plans/{world.alpha_draft}"
    web_client.post(f"{base}/sections/services/rows/1", data={**SERVICE_ROW, "name__en": "Home care plus"})
    page = web_client.get(f"{base}/compare?a=4&b=5").text  # 4: the world's last change of the draft
    assert "Compare revision 4 with revision 5" in page
    assert re.search(r'<td class="changed"><del>Home care</del> <ins>Home care plus</ins></td>', page)
    assert "Name (English)" in page and "name.en" not in page  # the language by its name, not its code
    assert web_client.get(f"{base}/compare?a=3&b=99").status_code == 404


def test_report_menu_and_downloads_in_each_language(web_client, world):
    sign_in(web_client, "viewer@alpha.org")
    base = f"/m/alpha/plans/{world.alpha_approved}"
    page = web_client.get(f"{base}/").text
    for code in ("en", "sv", "ro"):
        assert f'{base}/reports/example-report/{code}.pdf' in page
    response = web_client.get(f"{base}/reports/example-report/sv.pdf")
    assert response.mimetype == "application/pdf"
    assert "alpha-2025-example-report-sv-adopted.pdf" in response.headers["Content-Disposition"]
    assert "Exempelplan 2025" in PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert web_client.get(f"{base}/reports/example-report/de.pdf").status_code == 404
    assert web_client.get(f"{base}/reports/nope/en.pdf").status_code == 404


def test_new_plan_and_new_plan_from_last_year(web_app, web_client, world):
    sign_in(web_client, "planner@alpha.org")
    response = web_client.post("/m/alpha/plans/new", data={"year": "2026", "kind": "example-plan", "create": "1"})
    assert response.status_code == 422 and "already exists for 2026" in response.text
    response = web_client.post("/m/alpha/plans/new", data={"year": "2027", "kind": "example-plan",
                                                            "from_last_year": "1"}, follow_redirects=True)
    assert response.status_code == 200
    with web_app.app_context():
        from core.services.accounts import municipality_by_slug
        from core.services.plans import document_of, find_plan

        session = get_session()
        new = find_plan(session, municipality_by_slug(session, "alpha"), 2027, "example-plan")
        rows = document_of(session, web_app.extensions["socialplan.registry"], new)["sections"]["services"]["rows"]
    assert [row["name"]["en"] for row in rows] == ["Day centre", "Home care"]
    assert rows[0]["budget"][0]["year"] == 2027


def test_comparison_names_the_plans_own_fields_in_the_readers_words(web_app, web_client, world):
    sign_in(web_client, "planner@alpha.org")
    base = f"/m/alpha/plans/{world.alpha_draft}"
    first = plan(web_app, world.alpha_draft).revision
    web_client.post(f"{base}/title", data={"title__en": "Plan for Alpha", "title__ro": "Planul Alfa"})
    web_client.post(f"{base}/sections/intro/text", data={"text__en": "Why we plan"})
    page = web_client.get(f"{base}/compare?a={first}&b={first + 2}").text
    for label in ("Title (English)", "Title (Română)", "Text (English)"):
        assert f'<th scope="row">{label}</th>' in page, label
    assert "title.en" not in page and "text.en" not in page
    web_client.post("/locale", data={"locale": "sv", "next": base})
    page = web_client.get(f"{base}/compare?a={first}&b={first + 1}").text
    assert '<th scope="row">Titel (English)</th>' in page
    approved = plan(web_app, world.alpha_approved).revision
    web_client.post("/locale", data={"locale": "en", "next": base})
    page = web_client.get(f"/m/alpha/plans/{world.alpha_approved}/compare?a={approved - 1}&b={approved}").text
    row = re.search(r'<th scope="row">Status</th><td class="changed">(.*?)</td>', page).group(1)
    assert row == "<del>Submitted</del> <ins>Approved</ins>"  # the statuses by their labels, not their codes
