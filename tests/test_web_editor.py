"""The plan editor: rows added, edited, moved and removed, each keeping a revision; errors and findings."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from world import sign_in

from core.db import get_session
from core.models import AnnualPlan, PlanRevision
from core.services.plans import document_of
from core.testing import without_uids


def rows_of(app, plan_id: int, section: str = "services") -> list[dict]:
    with app.app_context():
        session = get_session()
        plan = session.get(AnnualPlan, plan_id)
        return document_of(session, app.extensions["socialplan.registry"], plan)["sections"][section]["rows"]


def revision_count(app, plan_id: int) -> int:
    with app.app_context():
        return get_session().scalar(select(func.count()).where(PlanRevision.plan_id == plan_id))


SERVICE_FORM = {
    "code": "8899 CZ-V-II", "name__en": "Night shelter", "name__ro": "Adăpost de noapte", "capacity": "12.5",
    "occupancy": "90", "status": "proposed", "budget-0-source": "local", "budget-0-amount": "1,486.50",
    "budget-0-scale": "1", "budget-0-year": "2026", "budget-1-source": "state", "budget-1-amount": "500",
    "budget-1-scale": "1", "budget-1-year": "2026",
}


def test_add_edit_move_remove_each_keep_a_revision(web_app, web_client, world):
    sign_in(web_client, "planner@alpha.org")
    base = f"/m/alpha/plans/{world.alpha_draft}/sections/services"
    start = revision_count(web_app, world.alpha_draft)

    response = web_client.post(f"{base}/rows/new", data=SERVICE_FORM, follow_redirects=True)
    assert response.request.path == base
    rows = rows_of(web_app, world.alpha_draft)
    assert rows[2]["name"] == {"en": "Night shelter", "ro": "Adăpost de noapte"}
    assert rows[2]["capacity"] == "12.5"
    assert [(line["source"], line["amount"]) for line in rows[2]["budget"]] == [("local", "1486.5"), ("state", "500")]
    assert revision_count(web_app, world.alpha_draft) == start + 1
    # totals after the save: 1486.50 + 250 + 1486.50 local, 300 + 500 state, per source and overall with shares
    assert "Budget totals" in response.text
    assert "3,223.00" in response.text and "4,023.00" in response.text and "80.11" in response.text

    web_client.post(f"{base}/rows/2", data={**SERVICE_FORM, "name__en": "Night shelter (renamed)"})
    assert rows_of(web_app, world.alpha_draft)[2]["name"]["en"] == "Night shelter (renamed)"
    assert revision_count(web_app, world.alpha_draft) == start + 2

    web_client.post(f"{base}/rows/2/move", data={"direction": "up"})
    names = [row["name"]["en"] for row in rows_of(web_app, world.alpha_draft)]
    assert names == ["Day centre", "Night shelter (renamed)", "Home care"]
    assert revision_count(web_app, world.alpha_draft) == start + 3

    web_client.post(f"{base}/rows/0/move", data={"direction": "down"})
    names = [row["name"]["en"] for row in rows_of(web_app, world.alpha_draft)]
    assert names == ["Night shelter (renamed)", "Day centre", "Home care"]

    web_client.post(f"{base}/rows/1/delete")
    names = [row["name"]["en"] for row in rows_of(web_app, world.alpha_draft)]
    assert names == ["Night shelter (renamed)", "Home care"]
    assert revision_count(web_app, world.alpha_draft) == start + 5


def test_form_with_errors_keeps_every_value_and_saves_nothing(web_app, web_client, world):
    sign_in(web_client, "planner@alpha.org")
    base = f"/m/alpha/plans/{world.alpha_draft}/sections/services"
    before = revision_count(web_app, world.alpha_draft)
    data = {**SERVICE_FORM, "capacity": "twelve", "budget-1-amount": ""}
    response = web_client.post(f"{base}/rows/new", data=data)
    assert response.status_code == 422
    page = response.text
    summary = page[page.index('class="error-summary"'):page.index("</div>", page.index('class="error-summary"'))]
    assert 'href="#capacity"' in summary and 'href="#budget-1-amount"' in summary
    # each error sits beside its field and is tied to it
    assert re.search(r'id="capacity-error">.*cannot be read as a number: write it like 1,486.50', page, re.S)
    assert 'aria-describedby="capacity-error"' in page
    assert 'id="budget-1-amount-error"' in page and "Enter the amount for this funding source." in page
    # every value typed comes back
    for value in ('value="twelve"', 'value="Night shelter"', 'value="Adăpost de noapte"', 'value="1,486.50"',
                  'value="8899 CZ-V-II"', 'value="90"'):
        assert value in page
    assert '<option selected value="proposed">' in page
    assert revision_count(web_app, world.alpha_draft) == before
    assert len(rows_of(web_app, world.alpha_draft)) == 2


def test_rule_finding_shows_beside_the_field_and_in_the_list_with_a_link(web_app, web_client, world):
    sign_in(web_client, "planner@alpha.org")
    base = f"/m/alpha/plans/{world.alpha_draft}/sections/services"
    web_client.post(f"{base}/rows/1", data={**SERVICE_FORM, "occupancy": "140"})
    page = web_client.get(base).text
    assert 'id="findings"' in page
    assert f'href="{base}#f-services-1-occupancy"' in page
    cell = page[page.index('id="f-services-1-occupancy"'):]
    cell = cell[:cell.index("</td>")]
    assert "140" in cell and "The occupancy cannot exceed 100 %." in cell
    form = web_client.get(f"{base}/rows/1").text
    group = form[form.index('id="field-occupancy"'):]
    group = group[:group.index('id="field-status"')]
    assert "The occupancy cannot exceed 100 %." in group
    assert 'aria-describedby="occupancy-findings"' in group
    overview = web_client.get(f"/m/alpha/plans/{world.alpha_draft}/").text
    assert f'href="{base}#f-services-1-occupancy"' in overview


def test_campaign_and_entry_rows_with_periods_dates_and_translations(web_app, web_client, world):
    sign_in(web_client, "planner@alpha.org")
    plan = f"/m/alpha/plans/{world.alpha_draft}/sections"
    response = web_client.post(f"{plan}/campaigns/rows/new", data={
        "title__en": "Open day", "title__sv": "Öppet hus", "period_kind": "half-year", "period_half": "2"})
    assert response.status_code == 302
    response = web_client.post(f"{plan}/campaigns/rows/new", data={"title__en": "Bad", "period_kind": "range",
                                                                   "period_start": "2025-06-30"})
    assert response.status_code == 422 and "Enter the start date and the end date." in response.text
    response = web_client.post(f"{plan}/meetings/rows/new", data={
        "topic__ro": "Întâlnire tripartită", "date": "2025-03-14", "participants": "12"})
    assert response.status_code == 302
    # after the world's own campaign (Awareness week), the one added here
    assert without_uids({"rows": rows_of(web_app, world.alpha_draft, "campaigns")})["rows"][1:] == [{
        "title": {"en": "Open day", "sv": "Öppet hus"}, "objectives": {}, "period": {"kind": "half-year", "half": 2},
        "responsible": {}, "target_group": {}}]
    assert without_uids({"rows": rows_of(web_app, world.alpha_draft, "meetings")})["rows"] == [
        {"topic": {"ro": "Întâlnire tripartită"}, "date": "2025-03-14", "participants": 12}]
    web_client.post("/locale", data={"locale": "en"})
    page = web_client.get(f"{plan}/campaigns").text
    assert "Second half of the year" in page
    page = web_client.get(f"{plan}/meetings").text
    # the English page shows the Romanian topic in its language, in italics, and says once what italics mean
    assert '<span class="fallback" lang="ro">Întâlnire tripartită</span>' in page
    assert page.count("not translated into English; they are shown in Română") == 1
    assert "Mar 14, 2025" in page


def test_section_text_and_not_applicable(web_app, web_client, world):
    sign_in(web_client, "planner@alpha.org")
    url = f"/m/alpha/plans/{world.alpha_draft}/sections/intro"
    response = web_client.post(f"{url}/text", data={"not_applicable": "y", "text__en": "Not needed",
                                                    "footnote__ro": "Legea 292/2011"}, follow_redirects=True)
    assert response.request.path == url
    with web_app.app_context():
        session = get_session()
        document = document_of(session, web_app.extensions["socialplan.registry"],
                               session.get(AnnualPlan, world.alpha_draft))
    assert document["sections"]["intro"] == {"not_applicable": True, "text": {"en": "Not needed"},
                                             "footnote": {"ro": "Legea 292/2011"}, "rows": []}
    assert "Not needed</textarea>" in response.text
    assert re.search(r'<input checked id="not_applicable"', response.text)


def test_unknown_section_and_row_answer_404(web_client, world):
    sign_in(web_client, "planner@alpha.org")
    base = f"/m/alpha/plans/{world.alpha_draft}/sections"
    assert web_client.get(f"{base}/nope").status_code == 404
    assert web_client.get(f"{base}/services/rows/7").status_code == 404
    assert web_client.post(f"{base}/services/rows/7/delete").status_code == 404


def test_an_approved_plans_title_is_read_only(web_app, web_client, world):
    sign_in(web_client, "planner@alpha.org")
    url = f"/m/alpha/plans/{world.alpha_approved}/title"
    assert 'id="edit-title"' not in web_client.get(f"/m/alpha/plans/{world.alpha_approved}/").text
    start = revision_count(web_app, world.alpha_approved)
    refused = web_client.post(url, data={"title__en": "A new name"})
    assert refused.status_code == 422 and "approved and read-only" in refused.text
    assert 'value="A new name"' in refused.text  # the typed value is kept
    with web_app.app_context():
        assert not get_session().get(AnnualPlan, world.alpha_approved).title
    assert revision_count(web_app, world.alpha_approved) == start
    draft = f"/m/alpha/plans/{world.alpha_draft}/"
    assert 'id="edit-title"' in web_client.get(draft).text
    assert web_client.post(f"{draft}title", data={"title__en": "A new name"}).status_code == 302
    assert "A new name" in web_client.get(draft).text
