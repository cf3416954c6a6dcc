"""Signed-in sessions end (sign-out, a new password, deactivation, idle and absolute timeouts), sign-in attempts are
limited per account and per address, an unknown account takes as long to refuse as a known one, and several app
servers over one database and one secret key agree on sessions and pages."""

from __future__ import annotations

import os
import socket
import statistics
import time
import uuid

import pytest
from sqlalchemy import select
from world import PASSWORD, SERVICE_ROW, sign_in

from core.db import get_session
from core.models import Service, User
from core.web.sessions import SEEN_AT, SIGNED_IN_AT

TOO_MANY = "Too many failed sign-in attempts"


def signed_in(client, world) -> bool:
    """Whether ``client`` reads a page behind the login (a redirect to /login means signed out)."""
    response = client.get(f"/m/alpha/plans/{world.alpha_draft}/")
    return response.status_code == 200


def session_cookie(client) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def copy_of(app, client):
    """Another browser holding a copy of ``client``'s session cookie, as a thief would."""
    thief = app.test_client()
    thief.set_cookie("session", session_cookie(client))
    return thief


def client_from(app, address: str):
    """A browser at another address (the limiter counts per address)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def service_names(app, plan_id: int) -> list[str]:
    with app.app_context():
        rows = get_session().scalars(select(Service).where(Service.plan_id == plan_id)).all()
        return [row.name.get("en", "") for row in rows]


# --- a session ends with sign-out, a new password or deactivation ------------------------------------------


def test_a_copy_of_the_cookie_neither_reads_nor_saves_after_sign_out(web_app, web_client, world):
    sign_in(web_client, "planner@alpha.org")
    thief = copy_of(web_app, web_client)
    assert signed_in(thief, world)  # the copy works while the session lasts: it is the same cookie
    web_client.post("/logout")
    assert not signed_in(thief, world)
    url = f"/m/alpha/plans/{world.alpha_draft}/sections/services/rows/new"
    response = thief.post(url, data={**SERVICE_ROW, "name__en": "Stolen <&> row"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert "Stolen <&> row" not in service_names(web_app, world.alpha_draft)


def test_signing_out_in_one_browser_ends_the_accounts_other_sessions(web_app, world):
    office, home = web_app.test_client(), web_app.test_client()
    sign_in(office, "planner@alpha.org")
    sign_in(home, "planner@alpha.org")
    assert signed_in(office, world) and signed_in(home, world)
    office.post("/logout")
    assert not signed_in(home, world)
    sign_in(home, "planner@alpha.org")
    assert signed_in(home, world)  # signing in again works


def test_a_new_password_ends_every_other_session_and_this_one_goes_on(web_app, world):
    here, elsewhere = web_app.test_client(), web_app.test_client()
    sign_in(here, "planner@alpha.org")
    sign_in(elsewhere, "planner@alpha.org")
    new_password = "Ștefan's \"new\" <pass> & more"
    response = here.post("/account/password", data={"current_password": PASSWORD, "new_password": new_password,
                                                      "repeat_password": new_password}, follow_redirects=True)
    assert "Every other session of your account has ended." in response.text
    assert signed_in(here, world) and not signed_in(elsewhere, world)
    assert sign_in(web_app.test_client(), "planner@alpha.org", PASSWORD).status_code == 401
    assert sign_in(web_app.test_client(), "planner@alpha.org", new_password).request.path == "/m/alpha/"


def test_a_wrong_current_password_is_refused_beside_its_field(web_app, web_client, world):
    sign_in(web_client, "planner@alpha.org")
    response = web_client.post("/account/password", data={
        "current_password": "not-the-password", "new_password": "long-enough-1", "repeat_password": "long-enough-1"})
    assert response.status_code == 422
    assert 'id="current_password-error"' in response.text and "The current password is wrong." in response.text
    response = web_client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "long-enough-1", "repeat_password": "long-enough-2"})
    assert response.status_code == 422 and "The two new passwords are not the same." in response.text
    assert signed_in(web_client, world)  # nothing changed: the session goes on
    assert sign_in(web_app.test_client(), "planner@alpha.org", PASSWORD).request.path == "/m/alpha/"


def test_deactivation_ends_the_sessions_and_reactivation_does_not_bring_them_back(web_app, world):
    planner, admin = web_app.test_client(), web_app.test_client()
    sign_in(planner, "planner@alpha.org")
    sign_in(admin, "admin@example.org")
    with web_app.app_context():
        user_id = get_session().scalar(select(User.id).where(User.email == "planner@alpha.org"))
    admin.post(f"/admin/users/{user_id}", data={"role": "planner", "municipality": "alpha"})  # active unticked
    assert not signed_in(planner, world)
    admin.post(f"/admin/users/{user_id}", data={"role": "planner", "municipality": "alpha", "active": "y"})
    assert not signed_in(planner, world)


# --- idle and absolute timeouts ------------------------------------------------------------------------------


def backdate(client, key: str, seconds: int) -> None:
    with client.session_transaction() as stored:
        stored[key] = stored[key] - seconds


def test_an_idle_session_ends_after_the_configured_idle_timeout(make_world):

    world = make_world(SESSION_IDLE_TIMEOUT=600)
    app = world.app
    client = app.test_client()
    sign_in(client, "planner@alpha.org")
    backdate(client, SEEN_AT, 590)  # ten minutes less ten seconds: still in time, and the request renews it
    assert signed_in(client, world)
    with client.session_transaction() as stored:
        assert time.time() - stored[SEEN_AT] < 60
    backdate(client, SEEN_AT, 601)
    response = client.get(f"/m/alpha/plans/{world.alpha_draft}/", follow_redirects=True)
    assert response.request.path == "/login" and "Your session has ended. Sign in again." in response.text
    assert not signed_in(client, world)
    app.extensions["socialplan.engine"].dispose()


def test_a_busy_session_still_ends_after_the_absolute_timeout(web_app, web_client, world):
    assert web_app.config["SESSION_ABSOLUTE_TIMEOUT"] == 12 * 60 * 60  # the default
    assert web_app.config["SESSION_IDLE_TIMEOUT"] == 30 * 60
    sign_in(web_client, "planner@alpha.org")
    backdate(web_client, SIGNED_IN_AT, 12 * 60 * 60 - 60)
    assert signed_in(web_client, world)
    backdate(web_client, SIGNED_IN_AT, 61)  # the last request was just now: only the absolute limit ends it
    assert not signed_in(web_client, world)


def test_a_session_cookie_without_its_times_or_version_is_refused(web_app, web_client, world):
    sign_in(web_client, "planner@alpha.org")
    with web_client.session_transaction() as stored:
        user_id = stored["_user_id"]
        stored["_user_id"] = user_id.split(":")[0]  # a session from before versions: the bare id
    assert not signed_in(web_client, world)
    sign_in(web_client, "planner@alpha.org")
    with web_client.session_transaction() as stored:
        del stored[SIGNED_IN_AT]
    assert not signed_in(web_client, world)


def test_the_session_cookie_is_http_only_same_site_and_secure_when_configured(make_world, jurisdiction_app,
                                                                             database_url):

    plain = make_world().app
    cookie = plain.test_client().post("/login", data={"email": "planner@alpha.org", "password": PASSWORD}
                                      ).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    secure = jurisdiction_app(database_url, SESSION_COOKIE_SECURE=True)
    cookie = secure.test_client().post("/login", data={"email": "planner@alpha.org", "password": PASSWORD},
                                       base_url="https://localhost").headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie
    for app in (plain, secure):
        app.extensions["socialplan.engine"].dispose()


# --- sign-in attempts ----------------------------------------------------------------------------------------


def test_sixty_wrong_passwords_then_the_right_one_is_refused(web_app, web_client, world):
    answers = [sign_in(web_client, "planner@alpha.org", f"wrong-{n}").status_code for n in range(60)]
    assert answers[:5] == [401] * 5 and set(answers[5:]) == {429}
    response = sign_in(web_client, "planner@alpha.org", PASSWORD)
    assert response.status_code == 429 and TOO_MANY in response.text
    assert 'class="error-summary"' in response.text and "Traceback" not in response.text
    assert not signed_in(web_client, world)
    # the limit is the account's: the right password from another address is refused as well
    elsewhere = client_from(web_app, "192.0.2.77")
    assert sign_in(elsewhere, "planner@alpha.org", PASSWORD).status_code == 429
    # and only that account's: another account signs in from the same address
    assert sign_in(web_client, "viewer@alpha.org", PASSWORD).status_code == 200


def test_one_address_trying_many_accounts_is_refused_after_twenty_failures(web_app, world):
    client = client_from(web_app, "198.51.100.9")
    answers = [sign_in(client, f"nobody-{n}@example.org", "guess-password").status_code for n in range(21)]
    assert answers[:20] == [401] * 20 and answers[20] == 429
    assert sign_in(client, "planner@alpha.org", PASSWORD).status_code == 429  # the address is held back
    other = client_from(web_app, "198.51.100.10")
    assert sign_in(other, "planner@alpha.org", PASSWORD).request.path == "/m/alpha/"


def test_a_right_password_is_never_counted_as_a_failure(web_app, world):
    client = web_app.test_client()
    for _ in range(8):
        assert sign_in(client, "planner@alpha.org", PASSWORD).request.path == "/m/alpha/"
        client.post("/logout")


def test_an_unknown_account_takes_as_long_to_refuse_as_a_known_one(web_app, world):
    def mean_time(email: str) -> float:
        client = web_app.test_client()
        times = []
        for n in range(5):
            start = time.perf_counter()
            assert sign_in(client, email, f"wrong-password-{n}").status_code == 401
            times.append(time.perf_counter() - start)
        return statistics.mean(times)

    known, unknown = mean_time("planner@alpha.org"), mean_time("no-such-account@alpha.org")
    assert max(known, unknown) / min(known, unknown) < 3, (known, unknown)


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.mark.skipif(not redis_answers() and not os.environ.get("CI"), reason="no Redis on 127.0.0.1:6379")
def test_app_servers_sharing_redis_count_failed_sign_ins_together(make_world, jurisdiction_app, database_url):

    prefix = f"socialplan-test-{uuid.uuid4().hex}"  # counts of this test alone
    config = {"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379", "RATELIMIT_KEY_PREFIX": prefix}
    first = make_world(**config).app
    second = jurisdiction_app(database_url, **config)
    one, two = first.test_client(), second.test_client()
    answers = [sign_in(one if n % 2 else two, "planner@alpha.org", "wrong-password").status_code for n in range(5)]
    assert answers == [401] * 5
    assert sign_in(one, "planner@alpha.org", PASSWORD).status_code == 429
    assert sign_in(two, "planner@alpha.org", PASSWORD).status_code == 429
    for app in (first, second):
        app.extensions["socialplan.engine"].dispose()


# --- several app servers over one database --------------------------------------------------------------------


@pytest.fixture
def second_server(jurisdiction_app, database_url, web_app):
    """Another app server over the same database with the same secret key, as behind a load balancer."""
    app = jurisdiction_app(database_url)
    yield app
    app.extensions["socialplan.engine"].dispose()


def test_a_session_of_one_app_server_is_good_on_another_and_ends_on_both(web_app, second_server, world):
    browser = web_app.test_client()
    sign_in(browser, "planner@alpha.org")
    elsewhere = copy_of(second_server, browser)  # the load balancer sends the next request to the other server
    assert signed_in(elsewhere, world)
    browser.post("/logout")
    assert not signed_in(elsewhere, world)


def test_two_app_servers_show_the_same_page_after_a_change_made_through_the_other(web_app, second_server, world):
    url = f"/m/alpha/plans/{world.alpha_draft}/sections/services"
    first, second = web_app.test_client(), second_server.test_client()
    sign_in(first, "planner@alpha.org")
    sign_in(second, "planner@alpha.org")
    assert "Day centre" in first.get(url).text and "Day centre" in second.get(url).text  # both cache the page
    name = "Centrul „Ana & Ion” <nou>"
    response = second.post(f"{url}/rows/0", data={**SERVICE_ROW, "name__en": name}, follow_redirects=True)
    assert response.status_code == 200
    escaped = "Centrul „Ana &amp; Ion” &lt;nou&gt;"
    assert escaped in first.get(url).text and escaped in second.get(url).text
