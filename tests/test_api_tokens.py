"""API tokens: scoped to a role and a municipality, never more than their account; with an expiry; listed and
revoked by an administrator (web and command line); a revoked or expired token fails at once; the tokens of the
one-token-per-account days keep working after the migration."""

from __future__ import annotations

import datetime as dt
import re
import subprocess

import pytest
from sqlalchemy import select, text
from world import KIND, PASSWORD, PLUGIN, service, sign_in

from core.db import get_session
from core.models import ApiToken, User, utcnow
from core.services.accounts import create_municipality, create_user, municipality_by_slug, set_plugin_enabled
from core.services.credentials import CredentialError, issue_token
from core.testing import cli_environment, run_cli

ALPHA_PLANS = "/api/v1/municipalities/alpha/plans"
BETA_PLANS = "/api/v1/municipalities/beta/plans"
ALPHA_ROWS = f"{ALPHA_PLANS}/2026/{KIND}/sections/services/rows"  # the draft
ALPHA_APPROVED_ROWS = f"{ALPHA_PLANS}/2025/{KIND}/sections/services/rows"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def user_id(app, email: str) -> int:
    with app.app_context():
        return get_session().scalar(select(User.id).where(User.email == email))


def issue_through_the_page(app, admin, email: str, **fields: str):
    """An administrator issues a token on the account's page; the token shown once, or the refused page."""
    response = admin.post(f"/admin/users/{user_id(app, email)}/token", data=fields)
    found = re.search(r'id="api-token" type="text" readonly value="([^"]+)"', response.text)
    return (found.group(1) if found else None), response


@pytest.fixture
def admin(web_app, world):
    client = web_app.test_client()
    sign_in(client, "admin@example.org")
    return client


# --- scope ------------------------------------------------------------------------------------------------


def test_a_token_with_a_viewer_scope_reads_like_a_council_viewer_even_for_a_planner(web_app, admin):
    token, _page = issue_through_the_page(web_app, admin, "planner@alpha.org", name="Council portal",
                                          role="viewer", municipality="alpha", days="30")
    api = web_app.test_client()
    me = api.get("/api/v1/me", headers=bearer(token)).get_json()
    assert me == {"email": "planner@alpha.org", "role": "viewer", "municipality": "alpha"}
    years = [plan["year"] for plan in api.get(ALPHA_PLANS, headers=bearer(token)).get_json()]
    assert years == [2025]  # the approved plan only, as a council viewer sees
    assert api.post(ALPHA_ROWS, json=service("Not allowed"), headers=bearer(token)).status_code == 404  # a draft
    assert api.post(ALPHA_APPROVED_ROWS, json=service("Not allowed"), headers=bearer(token)).status_code == 403
    planner_token, _page = issue_through_the_page(web_app, admin, "planner@alpha.org")  # the account's own scope
    assert api.post(ALPHA_ROWS, json=service("Allowed"), headers=bearer(planner_token)).status_code == 201


def test_an_administrators_token_for_one_municipality_reaches_no_other(web_app, admin):
    token, _page = issue_through_the_page(web_app, admin, "admin@example.org", role="planner", municipality="beta")
    api = web_app.test_client()
    assert api.get("/api/v1/me", headers=bearer(token)).get_json()["role"] == "planner"
    assert api.get(BETA_PLANS, headers=bearer(token)).status_code == 200
    assert api.get(ALPHA_PLANS, headers=bearer(token)).status_code == 404
    assert [m["slug"] for m in api.get("/api/v1/municipalities", headers=bearer(token)).get_json()] == ["beta"]
    everywhere, _page = issue_through_the_page(web_app, admin, "admin@example.org")
    assert api.get(ALPHA_PLANS, headers=bearer(everywhere)).status_code == 200


def test_a_scope_beyond_the_account_is_refused_beside_its_field(web_app, admin):
    token, page = issue_through_the_page(web_app, admin, "viewer@alpha.org", role="planner", municipality="alpha")
    assert token is None and page.status_code == 422
    assert 'id="role-error"' in page.text
    token, page = issue_through_the_page(web_app, admin, "planner@alpha.org", municipality="beta")
    assert token is None and page.status_code == 422 and 'id="municipality-error"' in page.text
    token, page = issue_through_the_page(web_app, admin, "admin@example.org", role="admin", municipality="alpha")
    assert token is None and page.status_code == 422
    assert "An administrator&#39;s token covers every municipality" in page.text
    token, page = issue_through_the_page(web_app, admin, "planner@alpha.org", name="x" * 121)
    assert token is None and page.status_code == 422 and 'id="name-error"' in page.text
    with web_app.app_context():
        assert get_session().scalar(select(ApiToken.id)) is None  # nothing was issued


def test_the_service_refuses_another_municipality_and_a_higher_role(web_app, world):
    with web_app.app_context():
        session = get_session()
        planner = session.scalar(select(User).where(User.email == "planner@alpha.org"))
        beta = municipality_by_slug(session, "beta")
        with pytest.raises(CredentialError) as refused:
            issue_token(session, planner, role="planner", municipality=beta)
        assert refused.value.field == "municipality"
        with pytest.raises(CredentialError) as refused:
            issue_token(session, planner, role="admin", municipality=None)
        assert refused.value.field == "role"
        with pytest.raises(CredentialError) as refused:
            issue_token(session, planner, days=0)
        assert refused.value.field == "days"


def test_a_token_stops_when_its_account_loses_the_rights_it_was_given(web_app, admin):
    token, _page = issue_through_the_page(web_app, admin, "planner@alpha.org")
    api = web_app.test_client()
    assert api.get(ALPHA_PLANS, headers=bearer(token)).status_code == 200
    admin.post(f"/admin/users/{user_id(web_app, 'planner@alpha.org')}",
               data={"role": "viewer", "municipality": "alpha", "active": "y"})
    response = api.get(ALPHA_PLANS, headers=bearer(token))
    assert response.status_code == 401
    assert response.get_json()["error"] == "The API token has more rights than its account has now."


# --- expiry and revocation --------------------------------------------------------------------------------


def test_a_revoked_token_fails_at_once_with_a_json_message(web_app, admin):
    token, _page = issue_through_the_page(web_app, admin, "planner@alpha.org", name="Kolada sync")
    api = web_app.test_client()
    assert api.get(ALPHA_PLANS, headers=bearer(token)).status_code == 200
    with web_app.app_context():
        token_id = get_session().scalar(select(ApiToken.id).where(ApiToken.name == "Kolada sync"))
    page = admin.post(f"/admin/tokens/{token_id}/revoke", data={"next": "/admin/tokens"}, follow_redirects=True)
    assert "The API token Kolada sync of planner@alpha.org is revoked." in page.text
    response = api.get(ALPHA_PLANS, headers=bearer(token))
    assert response.status_code == 401 and response.is_json
    assert response.get_json()["error"] == "The API token has been revoked."
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_an_expired_token_fails_with_a_json_message(web_app, admin):
    token, page = issue_through_the_page(web_app, admin, "planner@alpha.org", days="30")
    assert "It is valid until" in page.text
    with web_app.app_context():
        session = get_session()
        stored = session.scalar(select(ApiToken))
        assert dt.timedelta(days=29) < stored.expires_at - utcnow() <= dt.timedelta(days=30)
        stored.expires_at = utcnow() - dt.timedelta(seconds=1)
        session.commit()
    response = web_app.test_client().get(ALPHA_PLANS, headers=bearer(token))
    assert response.status_code == 401 and response.get_json()["error"] == "The API token has expired."


def test_the_administrator_lists_every_token_with_its_scope_state_and_last_use(web_app, admin):
    name = 'Portal "Ștefan" & <Ana>'
    token, _page = issue_through_the_page(web_app, admin, "planner@alpha.org", name=name, role="viewer")
    issue_through_the_page(web_app, admin, "planner@beta.org", name="Beta export")
    page = admin.get("/admin/tokens").text
    assert "Portal &#34;Ștefan&#34; &amp; &lt;Ana&gt;" in page and name not in page
    assert "Beta export" in page and page.count("In force") == 2 and "Never" in page
    assert token not in page
    web_app.test_client().get(ALPHA_PLANS, headers=bearer(token))
    with web_app.app_context():
        used = get_session().scalar(select(ApiToken.last_used_at).where(ApiToken.role == "viewer"))
    assert used is not None and utcnow() - used < dt.timedelta(minutes=1)
    user_page = admin.get(f"/admin/users/{user_id(web_app, 'planner@alpha.org')}").text
    assert "Portal &#34;Ștefan&#34;" in user_page and "Beta export" not in user_page


def test_planners_and_viewers_cannot_list_or_revoke_tokens(web_app, world, admin):
    issue_through_the_page(web_app, admin, "planner@alpha.org")
    with web_app.app_context():
        token_id = get_session().scalar(select(ApiToken.id))
    for email in ("planner@alpha.org", "viewer@alpha.org"):
        client = web_app.test_client()
        sign_in(client, email)
        assert client.get("/admin/tokens").status_code == 403
        assert client.post(f"/admin/tokens/{token_id}/revoke").status_code == 403
    with web_app.app_context():
        assert get_session().get(ApiToken, token_id).revoked_at is None


# --- the command line -------------------------------------------------------------------------------------


@pytest.fixture
def cli_env(tmp_path, sqlite_template):
    return cli_environment(tmp_path, sqlite_template)


run = run_cli


def one_sentence(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_the_command_line_creates_lists_and_revokes_tokens(cli_env):
    run(cli_env, "user", "create", "--email", "ops@example.org", "--role", "admin", stdin="correct horse battery\n")
    created = run(cli_env, "user", "token", "create", "--email", "ops@example.org", "--name", "Backups & <exports>",
                  "--days", "7")
    assert created.returncode == 0, created.stderr
    secret = created.stdout.strip()
    listed = run(cli_env, "user", "token", "list")
    assert listed.returncode == 0 and secret not in listed.stdout
    line = listed.stdout.strip()
    assert "ops@example.org" in line and "Backups & <exports>" in line and "admin@*" in line and "active" in line
    token_id = line.split("\t")[0]
    assert run(cli_env, "user", "token", "revoke", token_id).returncode == 0
    assert "\trevoked\t" in run(cli_env, "user", "token", "list", "--email", "ops@example.org").stdout
    assert "revoked already" in one_sentence(run(cli_env, "user", "token", "revoke", token_id))
    assert "no API token 999" in one_sentence(run(cli_env, "user", "token", "revoke", "999"))
    assert "1 to 366 days" in one_sentence(run(cli_env, "user", "token", "create", "--email", "ops@example.org",
                                               "--days", "1000"))


def test_the_command_line_refuses_a_scope_beyond_the_account(cli_env):
    run(cli_env, "user", "create", "--email", "ops@example.org", "--role", "admin", stdin="correct horse battery\n")
    refused = run(cli_env, "user", "token", "create", "--email", "ops@example.org", "--role", "planner")
    assert "belongs to a municipality" in one_sentence(refused)
    assert "no municipality 'nowhere'" in one_sentence(
        run(cli_env, "user", "token", "create", "--email", "ops@example.org", "--municipality", "nowhere"))


# --- the migration from one token per account ------------------------------------------------------------


def test_a_token_issued_before_the_migration_keeps_working_with_its_accounts_scope(jurisdiction_app, tmp_path):

    from core.migrate import upgrade
    from core.services.credentials import token_digest

    app = jurisdiction_app(f"sqlite:///{tmp_path / 'old.sqlite'}")
    with app.app_context():
        upgrade("core_0005")  # the schema of one token per account
        session = get_session()
        connection = session.connection()
        connection.execute(text(
            "INSERT INTO municipality (id, slug, name, country, default_locale, currency) "
            "VALUES (1, 'sosdala', '{\"sv\": \"Sösdala\"}', 'SE', 'sv', 'SEK')"))
        for user_id_, email, role, municipality, token in (
                (1, "o'brien@sösdala.se", "planner", 1, "old-planner-token"),
                (2, "root@example.org", "admin", None, "old-admin-token"),
                (3, "no-token@example.org", "viewer", 1, None)):
            connection.execute(text(
                "INSERT INTO user_account (id, email, password_hash, role, municipality_id, api_token_hash, active) "
                "VALUES (:id, :email, 'x', :role, :municipality, :hash, 1)"),
                {"id": user_id_, "email": email, "role": role, "municipality": municipality,
                 "hash": token_digest(token) if token else None})
        connection.execute(text("INSERT INTO audit_event (user_id, actor, municipality_id, action, detail) "
                                "VALUES (1, 'user', 1, 'account.signed-in', '{}')"))
        session.commit()
        upgrade()
        session = get_session()
        # SQLite alters user_account by copying it: rows that refer to an account keep referring to it
        assert session.execute(text("SELECT user_id FROM audit_event")).scalar() == 1
        migrated = {t.user.email: t for t in session.scalars(select(ApiToken))}
        assert set(migrated) == {"o'brien@sösdala.se", "root@example.org"}
        assert (migrated["o'brien@sösdala.se"].role, migrated["o'brien@sösdala.se"].municipality_id) == ("planner", 1)
        assert (migrated["root@example.org"].role, migrated["root@example.org"].municipality_id) == ("admin", None)
        assert migrated["root@example.org"].expires_at - utcnow() > dt.timedelta(days=360)
        set_plugin_enabled(session, app.extensions["socialplan.registry"], municipality_by_slug(session, "sosdala"),
                           PLUGIN, True)
        session.commit()
    api = app.test_client()
    me = api.get("/api/v1/me", headers=bearer("old-planner-token")).get_json()
    assert me == {"email": "o'brien@sösdala.se", "role": "planner", "municipality": "sosdala"}
    assert api.get("/api/v1/me", headers=bearer("old-admin-token")).get_json()["role"] == "admin"
    app.extensions["socialplan.engine"].dispose()


def test_downgrading_gives_each_account_back_its_newest_token_in_force(make_app, tmp_path):
    from alembic import command

    from core.migrate import alembic_config, upgrade

    app = make_app(f"sqlite:///{tmp_path / 'down.sqlite'}")
    with app.app_context():
        upgrade()
        session = get_session()
        town = create_municipality(session, "arla", {"sv": "Ärla"}, "SE", "sv", "SEK")
        planner = create_user(session, "planerare@ärla.se", PASSWORD, "planner", town)
        _old, first = issue_token(session, planner, name="first")
        newest, second = issue_token(session, planner, name="second")
        newest.created_at = newest.created_at + dt.timedelta(seconds=1)
        session.commit()
        session.close()
        command.downgrade(alembic_config(), "core_0005")
        with app.extensions["socialplan.engine"].connect() as connection:
            kept = connection.execute(text("SELECT api_token_hash FROM user_account")).scalar()
        from core.services.credentials import token_digest

        assert kept == token_digest(second) and kept != token_digest(first)
        upgrade()
    app.extensions["socialplan.engine"].dispose()
