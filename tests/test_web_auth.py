"""Signing in and out, the language switcher, CSRF and the admins' municipality switcher."""

from __future__ import annotations

import re

from sqlalchemy import select
from world import PASSWORD, sign_in

from core.db import get_session
from core.models import User


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.text).group(1)


def test_login_lands_on_own_dashboard_and_logout_ends_the_session(web_client, world):
    response = sign_in(web_client, "planner@alpha.org")
    assert response.request.path == "/m/alpha/"
    assert "planner@alpha.org" in response.text
    response = web_client.post("/logout", follow_redirects=True)
    assert response.request.path == "/login"
    assert web_client.get("/m/alpha/").status_code == 302


def test_bad_password_shows_a_message_in_the_error_summary(web_client, world):
    response = sign_in(web_client, "planner@alpha.org", "wrong-password")
    assert response.status_code == 401
    assert 'class="error-summary"' in response.text
    assert "The e-mail address or the password is wrong" in response.text
    assert 'value="planner@alpha.org"' in response.text  # the e-mail typed is kept
    assert web_client.get("/m/alpha/").status_code == 302


def test_empty_login_form_names_each_field(web_client, world):
    response = web_client.post("/login", data={"email": "", "password": ""})
    assert 'href="#email"' in response.text and 'href="#password"' in response.text
    assert 'aria-describedby="email-error"' in response.text


def test_anonymous_is_sent_to_login(web_client, world):
    response = web_client.get(f"/m/alpha/plans/{world.alpha_draft}/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_open_redirect_is_refused(web_client, world):
    response = web_client.post("/login?next=https://evil.example/", data={"email": "planner@alpha.org",
                                                                          "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_locale_switch_is_remembered_in_session_and_on_the_account(web_app, web_client, world):
    with web_app.app_context():  # a planner who has not chosen a language yet
        get_session().query(User).filter(User.email == "planner@alpha.org").update({"locale": None})
        get_session().commit()
    sign_in(web_client, "planner@alpha.org")
    assert html_lang(web_client.get("/m/alpha/")) == "ro"  # the municipality's default language
    response = web_client.post("/locale", data={"locale": "sv", "next": "/m/alpha/"}, follow_redirects=True)
    assert response.request.path == "/m/alpha/"
    assert html_lang(response) == "sv"
    assert html_lang(web_client.get("/m/alpha/")) == "sv"
    with web_app.app_context():
        assert get_session().scalar(select(User.locale).where(User.email == "planner@alpha.org")) == "sv"
    other = web_app.test_client()  # a new browser: the account remembers
    assert html_lang(sign_in(other, "planner@alpha.org")) == "sv"


def test_unknown_locale_is_refused(web_client, world):
    assert web_client.post("/locale", data={"locale": "xx"}).status_code == 400


def test_post_without_csrf_token_is_refused(make_world):
    app = make_world(WTF_CSRF_ENABLED=True).app
    client = app.test_client()
    response = client.post("/login", data={"email": "planner@alpha.org", "password": PASSWORD})
    assert response.status_code == 400
    assert "security token" in response.text
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"email": "planner@alpha.org", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    app.extensions["socialplan.engine"].dispose()


def test_admin_switches_municipality(web_client, world):
    response = sign_in(web_client, "admin@example.org")
    assert response.request.path == "/admin/"
    assert 'id="switch-municipality"' in response.text
    response = web_client.get("/switch?municipality=beta", follow_redirects=True)
    assert response.request.path == "/m/beta/"


def test_planner_has_no_municipality_switcher(web_client, world):
    response = sign_in(web_client, "planner@alpha.org")
    assert 'id="switch-municipality"' not in response.text
    assert web_client.get("/switch?municipality=beta").status_code == 403


def test_page_has_lang_skip_link_and_labelled_language_buttons(web_client, world):
    page = sign_in(web_client, "planner@alpha.org").text
    assert 'class="skip-link" href="#main"' in page and 'id="main"' in page
    for code in ("en", "sv", "ro"):
        assert f'name="locale" value="{code}" lang="{code}"' in page
