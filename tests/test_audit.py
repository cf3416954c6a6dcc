"""The audit trail: every change outside plans is one event with who, when and what; the administrators'
page reads events and plan revisions together, in the reader's language."""

from __future__ import annotations

import getpass
import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from world import PASSWORD, PLUGIN, sign_in

from core.db import get_session
from core.models import AuditEvent, User

SOCIALPLAN = str(Path(sys.executable).with_name("socialplan"))
# A municipality of this suite's own: quotes, an ampersand, a '<' and diacritics in its name.
ODD_NAME = 'Vâlcea "Nouă" & <Sud>'


def events(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        found = get_session().scalars(select(AuditEvent).where(AuditEvent.action == action)
                                      .order_by(AuditEvent.id)).all()
        for event in found:
            _ = event.user  # loaded while the session is open
        return found


def user_id(app, email: str) -> int:
    with app.app_context():
        return get_session().scalar(select(User.id).where(User.email == email))


def visible_text(page: str) -> str:
    """What a reader sees: the page without its tags and attributes."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


# --- the command line records its operator -----------------------------------------------------------


def _cli_env(tmp_path: Path, template: Path) -> dict[str, str]:
    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copyfile(template, instance / "socialplan.sqlite")
    env = {k: v for k, v in os.environ.items() if k != "SOCIALPLAN_DATABASE_URL"}
    env.update(SOCIALPLAN_INSTANCE_PATH=str(instance), SOCIALPLAN_SECRET_KEY="a-long-enough-test-secret-key")
    return env


def _run(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([SOCIALPLAN, *args], env=env, input=stdin, capture_output=True, text=True, timeout=120)


def _cli_events(env: dict[str, str], action: str) -> list[tuple]:
    engine = create_engine(f"sqlite:///{env['SOCIALPLAN_INSTANCE_PATH']}/socialplan.sqlite")
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT user_id, actor, municipality_id, detail FROM audit_event "
                                       "WHERE action = :action ORDER BY id"), {"action": action}).all()
    engine.dispose()
    return [(row.user_id, row.actor, row.municipality_id, json.loads(row.detail)) for row in rows]


def test_user_create_on_the_command_line_records_the_operator(tmp_path, sqlite_template):
    env = _cli_env(tmp_path, sqlite_template)
    done = _run(env, "user", "create", "--email", "Șefa.O'Brien@Example.org", "--role", "admin",
                stdin="correct horse battery\n")
    assert done.returncode == 0, done.stderr
    [(user, actor, municipality, detail)] = _cli_events(env, "user.created")
    assert (user, actor, municipality) == (None, "cli", None)
    assert detail["os_user"] == getpass.getuser() and detail["email"] == "șefa.o'brien@example.org"
    assert "correct horse battery" not in json.dumps(detail, ensure_ascii=False)
    refused = _run(env, "user", "create", "--email", "x@example.org", "--role", "admin", stdin="short\n")
    assert refused.returncode == 1 and len(_cli_events(env, "user.created")) == 1  # a refusal records nothing


def test_plugins_disable_and_enable_on_the_command_line_record_the_operator(tmp_path, sqlite_demo_template):
    env = _cli_env(tmp_path, sqlite_demo_template)
    assert _run(env, "plugins", "disable", "romania", "--municipality", "piatra-neamt").returncode == 0
    assert _run(env, "plugins", "disable", "romania", "--municipality", "piatra-neamt").returncode == 0  # no change
    assert _run(env, "plugins", "enable", "romania", "--municipality", "piatra-neamt").returncode == 0
    [(user, actor, municipality, detail)] = _cli_events(env, "plugin.disabled")
    assert (user, actor, detail["plugin"], detail["os_user"]) == (None, "cli", "romania", getpass.getuser())
    assert municipality is not None
    _loaded, enabled = [e for e in _cli_events(env, "plugin.enabled") if e[2] == municipality]  # demo load, then us
    assert (enabled[1], enabled[3]) == ("cli", {"plugin": "romania", "os_user": getpass.getuser()})


# --- signing in and out, the language -----------------------------------------------------------------


def test_a_refused_sign_in_keeps_the_address_typed_never_the_password(web_app, web_client, world):
    secret = "Wrong-Secret-Ä&<1>"
    assert sign_in(web_client, " Planner@Alpha.org ", secret).status_code == 401
    assert sign_in(web_client, "nobody@nowhere.example", secret).status_code == 401
    known, unknown = events(web_app, "account.sign-in-failed")
    assert (known.actor, known.user_id, known.detail) == ("anonymous", None, {"email": "Planner@Alpha.org"})
    assert known.subject == f"user:{user_id(web_app, 'planner@alpha.org')}"
    assert known.municipality_id is not None and unknown.municipality_id is None
    with web_app.app_context():
        rows = get_session().execute(text("SELECT * FROM audit_event")).all()
    assert rows and all(secret not in str(tuple(row)) for row in rows)


def test_sign_in_language_and_sign_out_are_recorded_once_each(web_app, web_client, world):
    planner = user_id(web_app, "planner@alpha.org")
    sign_in(web_client, "planner@alpha.org")
    web_client.post("/locale", data={"locale": "sv"})
    web_client.post("/locale", data={"locale": "sv"})  # the same language again: nothing changes
    web_client.post("/logout")
    for action in ("account.signed-in", "account.locale-chosen", "account.signed-out"):
        [event] = events(web_app, action)
        assert (event.user_id, event.actor, event.subject) == (planner, "user", f"user:{planner}"), action
    assert events(web_app, "account.locale-chosen")[0].detail == {"locale": "sv"}


# --- administrators' changes --------------------------------------------------------------------------


def test_admin_changes_of_municipalities_users_and_plugins_say_what_changed(web_app, web_client, world):
    admin = user_id(web_app, "admin@example.org")
    sign_in(web_client, "admin@example.org")
    web_client.post("/admin/municipalities/new", data={"slug": "valcea-noua", "name__ro": ODD_NAME, "country": "RO",
                                                       "default_locale": "ro", "currency": "RON"})
    web_client.post("/admin/municipalities/valcea-noua/plugins", data={"plugin": PLUGIN, "enabled": "1"})
    web_client.post("/admin/users/new", data={"email": "ana@valcea.example", "password": PASSWORD, "role": "viewer",
                                              "municipality": "valcea-noua", "locale": "ro"})
    ana = user_id(web_app, "ana@valcea.example")
    web_client.post(f"/admin/users/{ana}", data={"role": "planner", "municipality": "valcea-noua"})  # + deactivated
    web_client.post(f"/admin/users/{ana}", data={"role": "planner", "municipality": "valcea-noua"})  # unchanged

    [created] = events(web_app, "municipality.created")[-1:]
    assert (created.user_id, created.detail["name"], created.detail["slug"]) == (admin, {"ro": ODD_NAME},
                                                                                 "valcea-noua")
    plugin = [e for e in events(web_app, "plugin.enabled") if e.municipality_id == created.municipality_id]
    assert [(e.user_id, e.detail) for e in plugin] == [(admin, {"plugin": PLUGIN})]
    [account] = [e for e in events(web_app, "user.created") if e.subject == f"user:{ana}"]
    assert account.user_id == admin and account.detail["role"] == "viewer"
    [changed] = events(web_app, "user.changed")
    assert changed.user_id == admin and changed.detail["changes"] == [
        {"field": "role", "old": "viewer", "new": "planner"}, {"field": "active", "old": True, "new": False}]
    with web_app.app_context():
        password_hash = get_session().get(User, ana).password_hash
        rows = get_session().execute(text("SELECT * FROM audit_event")).all()
    assert all(password_hash not in str(tuple(row)) and PASSWORD not in str(tuple(row)) for row in rows)


def _trail_row(page: str, label: str) -> str:
    """The visible text of the audit page's first row that names ``label`` (its action)."""
    rows = [visible_text(row) for row in re.findall(r"<tr>(.*?)</tr>", page, re.S)]
    found = [row for row in rows if label in row]
    assert found, visible_text(page)
    return " ".join(found[0].split())


# The Romanian name changed, the English one did not: the line names the language whose text changed, for a
# reader in any language.
@pytest.mark.parametrize(("locale", "words"), [
    ("en", ("Municipality changed", "Currency: RON → EUR", "Default language: Română → English",
            f"Name (Română): Alfa → {ODD_NAME}")),
    ("ro", ("UAT modificat", "Moneda: RON → EUR", "Limba implicită: Română → English",
            f"Denumire (Română): Alfa → {ODD_NAME}")),
])
def test_editing_a_municipality_records_what_changed_and_the_trail_shows_it(web_app, web_client, world, locale,
                                                                             words):
    admin = user_id(web_app, "admin@example.org")
    sign_in(web_client, "admin@example.org")
    form = {"name__en": "Alpha", "name__ro": ODD_NAME, "name__sv": "", "default_locale": "en", "currency": "EUR"}
    saved = web_client.post("/admin/municipalities/alpha/edit", data=form)
    assert saved.status_code == 302, saved.text
    again = web_client.post("/admin/municipalities/alpha/edit", data=form)
    assert again.status_code == 302  # saved again unchanged: nothing to record

    [changed] = events(web_app, "municipality.changed")
    with web_app.app_context():
        from core.models import Municipality

        alpha = get_session().scalar(select(Municipality).where(Municipality.slug == "alpha"))
        assert (alpha.name, alpha.currency, alpha.default_locale) == ({"en": "Alpha", "ro": ODD_NAME}, "EUR", "en")
        alpha_id = alpha.id
    assert (changed.user_id, changed.actor, changed.municipality_id, changed.subject) == (
        admin, "user", alpha_id, f"municipality:{alpha_id}")
    assert changed.detail == {"changes": [
        {"field": "name", "old": {"en": "Alpha", "ro": "Alfa"}, "new": {"en": "Alpha", "ro": ODD_NAME}},
        {"field": "default_locale", "old": "ro", "new": "en"},
        {"field": "currency", "old": "RON", "new": "EUR"}]}

    web_client.post("/locale", data={"locale": locale})
    page = web_client.get("/admin/municipalities/alpha/audit?kind=municipality.changed")
    assert page.status_code == 200
    row = _trail_row(page.text, words[0])
    assert "admin@example.org" in row and not [word for word in words if word not in row], row
    assert not [raw for raw in RAW if raw in row] and "Alpha → Alpha" not in row, row


# --- the page -----------------------------------------------------------------------------------------


def test_planners_and_viewers_cannot_read_the_trail(web_app, world):
    for email in ("planner@alpha.org", "viewer@alpha.org"):
        client = web_app.test_client()
        sign_in(client, email)
        assert client.get("/admin/municipalities/alpha/audit").status_code == 403
        assert client.get("/admin/audit").status_code == 403
    assert web_app.test_client().get("/admin/municipalities/alpha/audit").status_code == 302  # to the sign-in


RAW = ("account.", "user.", "plugin.", "municipality.", "plan.revision", "os_user", '{"', "None", "row-added",
       "create", "step submit")


@pytest.mark.parametrize(("locale", "words"), [("sv", ("Utloggad", "Modul aktiverad", "Kommandoraden", "version 1")),
                                               ("ro", ("Deconectat", "Modul activat", "Linia de comandă",
                                                       "versiunea 1"))])
def test_the_page_reads_events_and_revisions_in_the_readers_language(web_app, web_client, world, locale, words):
    sign_in(web_client, "planner@alpha.org")  # an event of alpha
    web_client.post("/logout")
    sign_in(web_client, "admin@example.org")
    web_client.post("/locale", data={"locale": locale})
    page = web_client.get("/admin/municipalities/alpha/audit")
    assert page.status_code == 200
    shown = visible_text(page.text)
    assert all(word in shown for word in words), shown
    assert not [raw for raw in RAW if raw in shown], shown
    assert "planner@alpha.org" in shown and f"({getpass.getuser()})" in shown  # who: a user, the command line
    with web_app.app_context():
        from flask_babel import force_locale

        from core.web.plans import format_datetime

        newest = get_session().scalar(select(AuditEvent).where(AuditEvent.action == "account.signed-out"))
        with web_app.test_request_context(), force_locale(locale):
            assert format_datetime(newest.at) in shown  # when, as Babel writes it for the reader
    first_row = re.search(r"<tbody>\s*<tr>(.*?)</tr>", page.text, re.S).group(1)
    assert "planner@alpha.org" in first_row  # newest first: the sign-out


def test_the_page_filters_by_kind_and_pages_by_fifty(web_app, web_client, world):
    from core.services import audit

    with web_app.app_context():
        session = get_session()
        alpha = session.scalar(select(User).where(User.email == "planner@alpha.org")).municipality_id
        for n in range(60):
            audit.record(session, user=audit.CLI, municipality=alpha, action="plugin.enabled",
                         detail={"plugin": f"p{n}"})
        session.commit()
        revisions = session.scalar(text("SELECT count(*) FROM plan_revision JOIN annual_plan "
                                        "ON annual_plan.id = plan_revision.plan_id WHERE municipality_id = :m"),
                                   {"m": alpha})
        total = session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.municipality_id == alpha))
    sign_in(web_client, "admin@example.org")
    rows = lambda page: len(re.findall(r"<tr>\s*<td>", page.text))  # noqa: E731
    first = web_client.get("/admin/municipalities/alpha/audit")
    assert rows(first) == 50 and 'rel="next"' in first.text
    last_page = -(-(total + revisions) // 50)
    last = web_client.get(f"/admin/municipalities/alpha/audit?page={last_page}")
    assert rows(last) == (total + revisions) - 50 * (last_page - 1) and 'rel="next"' not in last.text
    only_plans = web_client.get("/admin/municipalities/alpha/audit?kind=plan.revision")
    body = re.search(r"<tbody>.*</tbody>", only_plans.text, re.S).group(0)
    assert rows(only_plans) == revisions and "Plugin enabled" not in visible_text(body)
    only_plugins = web_client.get("/admin/municipalities/alpha/audit?kind=plugin.enabled&page=2")
    assert rows(only_plugins) == 61 - 50 and "p0" in only_plugins.text  # 60 + the world's own, oldest last
    assert "/admin/municipalities/alpha/audit" in web_client.get("/admin/municipalities/alpha/plugins").text


# --- the migration ------------------------------------------------------------------------------------


def test_the_migration_keeps_earlier_events_with_dotted_codes(make_app, tmp_path):
    from alembic import command

    from core.migrate import alembic_config, upgrade

    app = make_app(f"sqlite:///{tmp_path / 'old.sqlite'}")
    with app.app_context():
        command.upgrade(alembic_config(), "core_0004")
        engine = app.extensions["socialplan.engine"]
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO audit_event (action, detail) VALUES ('plugin disabled', 'sweden'), "
                                    "('user created', 'x@y.org (viewer)')"))
        upgrade()
        rows = get_session().execute(select(AuditEvent.action, AuditEvent.actor, AuditEvent.detail)
                                     .order_by(AuditEvent.id)).all()
    assert [tuple(r) for r in rows] == [("plugin.disabled", "cli", {"plugin": "sweden"}),
                                        ("user.created", "cli", {"text": "x@y.org (viewer)"})]
