"""The plan's title, set per language in the browser, heads the plan and the cover of its PDF."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader
from sqlalchemy import func, select

from core.sdk.testing import DEMO_PASSWORD, PlanRevision, get_session, login
from plugins.romania.tests.helpers import demo_plan

TITLE_RO = "Planul anual de acțiune privind serviciile sociale al Municipiului Piatra Neamț"
TITLE_EN = "Annual action plan for the social services of Piatra Neamț"


def _plan_state(app) -> tuple[int, dict, int]:
    with app.app_context():
        session = get_session()
        plan = demo_plan(session)
        revisions = session.scalar(select(func.count()).where(PlanRevision.plan_id == plan.id))
        return plan.id, dict(plan.title or {}), revisions


def _cover(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200 and response.data[:5] == b"%PDF-"
    return PdfReader(io.BytesIO(response.data)).pages[0].extract_text()


def test_a_planner_titles_the_plan_in_two_languages_and_the_pdf_cover_shows_it(demo_app, demo_client):
    plan_id, title, revisions = _plan_state(demo_app)
    login(demo_client, "planner@piatra-neamt.demo", DEMO_PASSWORD)
    overview = f"/m/piatra-neamt/plans/{plan_id}/"
    assert f'href="/m/piatra-neamt/plans/{plan_id}/title"' in demo_client.get(overview).text
    url = f"/m/piatra-neamt/plans/{plan_id}/title"
    assert 'id="title-form"' in demo_client.get(url).text

    refused = demo_client.post(url, data={"title__ro": "x" * 4001, "title__en": TITLE_EN})
    assert refused.status_code == 422 and f'value="{TITLE_EN}"' in refused.text
    assert re.search(r'id="title__ro-error"', refused.text)
    assert _plan_state(demo_app) == (plan_id, title, revisions)  # nothing saved

    assert demo_client.post(url, data={"title__ro": f"  {TITLE_RO} ", "title__en": TITLE_EN}).status_code == 302
    assert _plan_state(demo_app) == (plan_id, {"ro": TITLE_RO, "en": TITLE_EN}, revisions + 1)
    assert demo_client.post(url, data={"title__ro": TITLE_RO, "title__en": TITLE_EN}).status_code == 302
    assert _plan_state(demo_app)[2] == revisions + 1  # the same title again keeps no revision
    history = demo_client.get(f"/m/piatra-neamt/plans/{plan_id}/revisions").text
    assert "Titlul planului modificat" in history  # the demo planner reads Romanian

    cover_ro = _cover(demo_client, f"/m/piatra-neamt/plans/{plan_id}/reports/action-plan/ro.pdf")
    cover_en = _cover(demo_client, f"/m/piatra-neamt/plans/{plan_id}/reports/action-plan/en.pdf")
    assert "Municipiului Piatra Neamț" in " ".join(cover_ro.split())
    assert "Annual action plan for the social services" in " ".join(cover_en.split())


def test_a_viewer_cannot_title_a_plan(demo_app, demo_client):
    plan_id, title, revisions = _plan_state(demo_app)
    login(demo_client, "consilier@piatra-neamt.demo", DEMO_PASSWORD)
    url = f"/m/piatra-neamt/plans/{plan_id}/title"
    assert demo_client.get(url).status_code in (403, 404)
    assert demo_client.post(url, data={"title__ro": "Alt titlu"}).status_code in (403, 404)
    assert _plan_state(demo_app) == (plan_id, title, revisions)
