"""Removing a row asks first on a page of its own; any earlier revision can be restored as a new one.

Both work without JavaScript: a link leads to a page that shows what will happen, and a form posted
from it (with its CSRF token) does it.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from world import PASSWORD, sign_in

from core.db import get_session
from core.models import AnnualPlan, PlanRevision
from core.services import plans as plan_service
from core.services.accounts import create_user, municipality_by_slug
from core.services.plans import document_of


def plan_of(app, plan_id: int) -> AnnualPlan:
    with app.app_context():
        plan = get_session().get(AnnualPlan, plan_id)
        get_session().expunge(plan)
        return plan


def rows_of(app, plan_id: int) -> list[dict]:
    with app.app_context():
        session = get_session()
        plan = session.get(AnnualPlan, plan_id)
        return document_of(session, app.extensions["socialplan.registry"], plan)["sections"]["services"]["rows"]


def actions_of(app, plan_id: int) -> list[str]:
    with app.app_context():
        return list(get_session().scalars(select(PlanRevision.action).where(PlanRevision.plan_id == plan_id)
                                          .order_by(PlanRevision.number)))


def test_removing_a_row_asks_on_a_page_of_its_own_then_removes_it(web_app, web_client, world):
    sign_in(web_client, "planner@alpha.org")
    base = f"/m/alpha/plans/{world.alpha_draft}/sections/services"
    first, second = rows_of(web_app, world.alpha_draft)
    page = web_client.get(base).text
    link = f"{base}/rows/1/delete?row={second['uid']}"
    assert f'href="{link}"' in page  # a link, not a form: the table's button only asks
    before = plan_of(web_app, world.alpha_draft).revision

    confirm = web_client.get(link)
    assert confirm.status_code == 200
    text = confirm.text
    assert "Remove row 2 of Services?" in text and "Home care" in text and "Day centre" not in text
    form = text[text.index('id="row-delete-form"') - 200:]
    assert 'method="post"' in form and 'name="csrf_token"' in form and f'value="{second["uid"]}"' in form
    assert f'name="_base_revision" value="{before}"' in form
    assert plan_of(web_app, world.alpha_draft).revision == before  # asking changed nothing

    response = web_client.post(f"{base}/rows/1/delete", data={"_row": second["uid"], "_base_revision": before},
                               follow_redirects=True)
    assert response.request.path == base
    assert [row["uid"] for row in rows_of(web_app, world.alpha_draft)] == [first["uid"]]
    flash = re.search(r'<p class="flash flash-success">(.*?)</p>', response.text, re.S).group(1)
    assert "can be brought back from the revision history" in flash
    assert f'href="/m/alpha/plans/{world.alpha_draft}/revisions"' in flash  # the undo is one link away


def test_the_confirmation_names_the_row_by_its_uid_even_after_another_removal(web_app, web_client, world):
    sign_in(web_client, "planner@alpha.org")
    base = f"/m/alpha/plans/{world.alpha_draft}/sections/services"
    first, second = rows_of(web_app, world.alpha_draft)
    web_client.post(f"{base}/rows/0/delete", data={"_row": first["uid"]})  # someone removes row 1 meanwhile
    page = web_client.get(f"{base}/rows/1/delete?row={second['uid']}")  # the link of the older table
    assert page.status_code == 200 and "Remove row 1 of Services?" in page.text and "Home care" in page.text
    gone = web_client.get(f"{base}/rows/0/delete?row={first['uid']}", follow_redirects=True)
    assert "This row no longer exists: someone else removed it." in gone.text
    assert web_client.get(f"{base}/rows/7/delete").status_code == 404


def test_an_approved_plan_neither_asks_nor_removes(web_app, web_client, world):
    sign_in(web_client, "planner@alpha.org")
    base = f"/m/alpha/plans/{world.alpha_approved}/sections/services"
    assert web_client.get(f"{base}/rows/0/delete").status_code == 403
    assert web_client.post(f"{base}/rows/0/delete").status_code == 403


def test_a_removed_row_comes_back_by_restoring_the_revision_before(web_app, web_client, world):
    sign_in(web_client, "planner@alpha.org")
    plan_url = f"/m/alpha/plans/{world.alpha_draft}"
    rows = rows_of(web_app, world.alpha_draft)
    web_client.post(f"{plan_url}/sections/services/rows/0/delete", data={"_row": rows[0]["uid"]})
    web_client.post(f"{plan_url}/title", data={"title__en": "Alpha's plan & <more>"})
    removed = plan_of(web_app, world.alpha_draft)
    target = removed.revision - 2  # the revision before the removal

    history = web_client.get(f"{plan_url}/revisions").text
    assert f'href="{plan_url}/revisions/{target}/restore"' in history
    assert f'href="{plan_url}/revisions/{removed.revision}/restore"' not in history  # not the plan as it is
    page = web_client.get(f"{plan_url}/revisions/{target}/restore")
    assert page.status_code == 200
    summary = page.text[page.text.index('id="restore-summary"'):page.text.index('id="restore-form"')]
    assert "Services</a>: 1 row added" in summary  # the removed row comes back
    assert "Title (English)" in summary and "Alpha&#39;s plan &amp; &lt;more&gt;" in summary
    assert f'name="_base_revision" value="{removed.revision}"' in page.text
    assert plan_of(web_app, world.alpha_draft).revision == removed.revision  # the page changed nothing

    response = web_client.post(f"{plan_url}/revisions/{target}/restore",
                               data={"_base_revision": removed.revision}, follow_redirects=True)
    assert f"Revision {target} was restored as revision {removed.revision + 1}." in response.text
    assert f"Revision {target} restored" in response.text  # the history names the action
    restored = plan_of(web_app, world.alpha_draft)
    assert restored.revision == removed.revision + 1 and restored.title == {}
    assert [row["uid"] for row in rows_of(web_app, world.alpha_draft)] == [row["uid"] for row in rows]
    assert actions_of(web_app, world.alpha_draft)[-1] == f"restored {target}"
    compared = web_client.get(f"{plan_url}/compare?a={removed.revision}&b={restored.revision}").text
    assert re.search(r'<tr class="row-added">\s*<th scope="row">1 <span class="row-summary">XX-1', compared)


def test_a_restore_confirmed_on_a_plan_changed_since_is_refused(web_app, web_client, world):
    sign_in(web_client, "planner@alpha.org")
    plan_url = f"/m/alpha/plans/{world.alpha_draft}"
    seen = plan_of(web_app, world.alpha_draft).revision
    web_client.post(f"{plan_url}/title", data={"title__en": "Changed by someone else"})
    response = web_client.post(f"{plan_url}/revisions/2/restore", data={"_base_revision": seen},
                               follow_redirects=True)
    assert "Someone else changed the plan since you opened this page" in response.text
    assert plan_of(web_app, world.alpha_draft).title == {"en": "Changed by someone else"}
    assert plan_of(web_app, world.alpha_draft).revision == seen + 1


def test_an_adopted_plan_is_not_restored_and_the_page_says_so(web_app, web_client, world):
    sign_in(web_client, "planner@alpha.org")
    plan_url = f"/m/alpha/plans/{world.alpha_approved}"
    before = plan_of(web_app, world.alpha_approved).revision
    history = web_client.get(f"{plan_url}/revisions").text
    assert "/restore" not in history and "open a new revision of it first" in history
    page = web_client.get(f"{plan_url}/revisions/2/restore").text
    assert 'id="restore-refused"' in page and 'id="restore-form"' not in page
    response = web_client.post(f"{plan_url}/revisions/2/restore", follow_redirects=True)
    assert "This plan is adopted and read-only" in response.text
    assert plan_of(web_app, world.alpha_approved).revision == before


def test_a_council_viewer_cannot_restore(web_app, web_client, world):
    sign_in(web_client, "viewer@alpha.org")
    plan_url = f"/m/alpha/plans/{world.alpha_approved}"  # a viewer sees an adopted plan, and may not change it
    assert web_client.get(f"{plan_url}/revisions/2/restore").status_code == 403
    assert web_client.post(f"{plan_url}/revisions/2/restore").status_code == 403
    assert web_client.get(f"/m/alpha/plans/{world.alpha_draft}/revisions/2/restore").status_code == 404  # a draft


def test_restore_keeps_the_status_the_decision_and_the_facts(web_app, world):
    """Restoring content is not a workflow step: a submitted plan stays submitted."""
    registry = web_app.extensions["socialplan.registry"]
    with web_app.app_context():
        session = get_session()
        municipality = municipality_by_slug(session, "beta")
        user = create_user(session, "planificatoare@beta.example", PASSWORD, "planner", municipality, "ro")
        plan = session.get(AnnualPlan, world.beta_draft)
        plan_service.take_step(session, registry, plan, "submit", {}, user)
        submitted = plan.revision
        plan_service.restore_revision(session, registry, plan, 2, user)  # one service, before submitting
        assert plan.status == "submitted" and plan.revision == submitted + 1
        rows = document_of(session, registry, plan)["sections"]["services"]["rows"]
        assert [row["name"]["en"] for row in rows] == ["Day centre"]
        for number, message in ((plan.revision, "nothing to restore"), (99, "no revision 99")):
            with pytest.raises(plan_service.PlanError, match=message):
                plan_service.restore_revision(session, registry, plan, number, user)
