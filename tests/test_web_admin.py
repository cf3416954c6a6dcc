"""Administration: municipalities, users and roles, plugins per municipality."""

from __future__ import annotations

from sqlalchemy import select
from world import PASSWORD, PLUGIN, sign_in

from core.db import get_session
from core.models import Municipality, User


def test_create_municipality_with_names_per_language_and_enable_a_plugin(web_app, web_client, world):
    sign_in(web_client, "admin@example.org")
    data = {"slug": "Bad Slug", "name__ro": "Piatra Neamț", "country": "RO", "default_locale": "ro", "currency": "RON"}
    response = web_client.post("/admin/municipalities/new", data=data)
    assert response.status_code == 422
    assert "only lower-case letters" in response.text and 'value="Piatra Neamț"' in response.text
    response = web_client.post("/admin/municipalities/new", data={**data, "slug": "piatra-neamt"},
                               follow_redirects=True)
    assert response.request.path == "/admin/municipalities/piatra-neamt/plugins"
    web_client.post("/admin/municipalities/piatra-neamt/plugins", data={"plugin": PLUGIN, "enabled": "1"})
    with web_app.app_context():
        municipality = get_session().scalar(select(Municipality).where(Municipality.slug == "piatra-neamt"))
        assert municipality.name == {"ro": "Piatra Neamț"} and municipality.enabled_plugins == {PLUGIN}
    # the English UI shows the Romanian name, marked as a fallback
    web_client.post("/locale", data={"locale": "en"})
    page = web_client.get("/admin/").text
    assert '<span class="fallback" lang="ro">Piatra Neamț' in page
    response = web_client.post("/admin/municipalities/piatra-neamt/plugins", data={"plugin": "nope", "enabled": "1"},
                               follow_redirects=True)
    assert "There is no plugin named" in response.text


def test_create_user_change_role_and_deactivate(web_app, web_client, world):
    sign_in(web_client, "admin@example.org")
    response = web_client.post("/admin/users/new", data={"email": "new@alpha.org", "password": "short",
                                                          "role": "planner", "municipality": "alpha", "locale": ""})
    assert response.status_code == 422 and "at least 10 characters" in response.text
    assert 'value="new@alpha.org"' in response.text
    web_client.post("/admin/users/new", data={"email": "new@alpha.org", "password": PASSWORD, "role": "viewer",
                                              "municipality": "alpha", "locale": "sv"})
    with web_app.app_context():
        user = get_session().scalar(select(User).where(User.email == "new@alpha.org"))
        user_id = user.id
        assert (user.role, user.locale) == ("viewer", "sv")
    response = web_client.post(f"/admin/users/{user_id}", data={"role": "planner", "municipality": "", "active": "y"})
    assert response.status_code == 422 and "belongs to a municipality" in response.text
    web_client.post(f"/admin/users/{user_id}", data={"role": "planner", "municipality": "alpha", "active": "y"})
    other = web_app.test_client()
    assert sign_in(other, "new@alpha.org").request.path == "/m/alpha/"
    assert other.get("/m/alpha/plans/new").status_code == 200  # a planner now
    web_client.post(f"/admin/users/{user_id}", data={"role": "planner", "municipality": "alpha"})  # deactivated
    assert other.get("/m/alpha/").status_code == 302  # the session ends with the account
    assert sign_in(web_app.test_client(), "new@alpha.org").status_code == 401


def test_admin_cannot_lock_themselves_out(web_app, web_client, world):
    sign_in(web_client, "admin@example.org")
    with web_app.app_context():
        admin_id = get_session().scalar(select(User.id).where(User.email == "admin@example.org"))
    response = web_client.post(f"/admin/users/{admin_id}", data={"role": "viewer", "municipality": "alpha",
                                                                 "active": "y"})
    assert response.status_code == 422 and "your own administrator rights" in response.text


def test_admin_issues_an_api_token_shown_once_that_opens_the_api(web_app, web_client, world):
    import re

    sign_in(web_client, "admin@example.org")
    with web_app.app_context():
        planner = get_session().scalar(select(User).where(User.role == "planner"))
        planner_id, email = planner.id, planner.email
    assert "Issue a new API token" in web_client.get(f"/admin/users/{planner_id}").text
    page = web_client.post(f"/admin/users/{planner_id}/token").text
    token = re.search(r'id="api-token" type="text" readonly value="([^"]+)"', page).group(1)
    api = web_app.test_client()
    me = api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.get_json()["email"] == email
    # a second token does not replace the first; revoking the first ends it at once
    web_client.post(f"/admin/users/{planner_id}/token")
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    with web_app.app_context():
        from core.models import ApiToken

        stored = get_session().scalars(select(ApiToken).where(ApiToken.user_id == planner_id)
                                       .order_by(ApiToken.id)).all()
    assert len(stored) == 2 and all(token not in t.token_hash for t in stored)
    web_client.post(f"/admin/tokens/{stored[0].id}/revoke")
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
