"""Every change of the Swedish plugin's data is one audit event, made through the pages (or the command line),
with who made it; the administrators' trail reads them in Swedish and Romanian."""

from __future__ import annotations

import getpass
import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from core.sdk.testing import DEMO_ADMIN, AuditEvent, User
from plugins.sweden.models import DeficiencyCase, QualityGoal, QuestionTemplate, Unit
from plugins.sweden.services.reference import DATA
from plugins.sweden.tests.helpers import sign_in

SOCIALPLAN = str(Path(sys.executable).with_name("socialplan"))
# A unit of this suite's own: quotes, an ampersand, a '<' and diacritics in its name.
ODD_UNIT = 'Äppelgårdens "Nya" hemtjänst & <dag>'


@pytest.fixture(autouse=True)
def _after_the_demo(request):
    """Events are counted from the test's start: the demo loader records its own (by the command line)."""
    if "demo_app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("demo_app")
    from core.sdk.testing import get_session

    with app.app_context():
        FIRST[app] = (get_session().scalar(select(func.max(AuditEvent.id))) or 0) + 1
    yield
    FIRST.pop(app, None)


FIRST: dict = {}


def events(app, action: str) -> list[tuple[str, dict, str | None]]:
    """(who, detail, subject) of the test's events of ``action``, oldest first; who is the user's e-mail or the
    actor."""
    from core.sdk.testing import get_session

    with app.app_context():
        rows = get_session().execute(
            select(AuditEvent, User.email).outerjoin(User, User.id == AuditEvent.user_id)
            .where(AuditEvent.action == f"sweden.{action}", AuditEvent.id >= FIRST[app])
            .order_by(AuditEvent.id)).all()
        return [(email or event.actor, event.detail, event.subject) for event, email in rows]


def _one(app, action: str, who: str) -> dict:
    """The detail of the one event of ``action``, which ``who`` made."""
    found = events(app, action)
    assert [w for w, _, _ in found] == [who], (action, found)
    return found[0][1]


def _id(app, model, *where) -> int:
    from core.sdk.testing import get_session

    with app.app_context():
        return get_session().scalar(select(model.id).where(*where).order_by(model.id.desc()).limit(1))


def _step(client, case_id: int, step: str, **fields):
    return client.post(f"/m/huddinge/sweden/cases/{case_id}/steps/{step}",
                       data={f"{step}-{name}": value for name, value in fields.items()})


def test_units_follow_ups_deficiencies_and_cases(demo_app, demo_client):
    planner = "planner@huddinge.demo"
    sign_in(demo_client, planner)
    assert demo_client.post("/m/huddinge/sweden/units/new", data={
        "code": "HU-ÄPP", "name": ODD_UNIT, "operating_form": "contracted", "service_type": "home_care",
        "new_provider": "Omsorg & Co AB", "district": "Flemingsberg",
        "provider_started_on": "2026-02-01"}).status_code == 302
    unit_id = _id(demo_app, Unit, Unit.code == "HU-ÄPP")
    added = _one(demo_app, "unit-added", planner)
    assert (added["name"], added["provider"], added["operating_form"]) == (ODD_UNIT, "Omsorg & Co AB", "contracted")
    assert demo_client.post(f"/m/huddinge/sweden/units/{unit_id}/edit", data={
        "name": ODD_UNIT, "operating_form": "contracted", "service_type": "day_care", "provider_id": "",
        "new_provider": "Omsorg & Co AB 2", "district": "Flemingsberg",
        "provider_started_on": "2026-02-01"}).status_code == 302
    assert {c["field"]: (c["old"], c["new"]) for c in _one(demo_app, "unit-changed", planner)["changes"]} == {
        "service_type": ("home_care", "day_care"), "provider": ("Omsorg & Co AB", "Omsorg & Co AB 2")}

    assert demo_client.post(f"/m/huddinge/sweden/units/{unit_id}/followups/new", data={
        "method": "operational", "done_on": "2026-09-10", "summary": "Inga anmärkningar"}).status_code == 302
    assert _one(demo_app, "followup-recorded", planner)["done_on"] == "2026-09-10"
    deficiencies = f"/m/huddinge/sweden/units/{unit_id}/deficiencies/new"
    assert demo_client.post(deficiencies, data={"found_on": "2026-03-01", "description": "Städning",
                                                "recorded_by": "Kvalitetschef Å"}).status_code == 302
    assert events(demo_app, "case-opened") == []  # a minor deficiency opens no case
    answer = demo_client.post(deficiencies, data={"found_on": "2026-10-01", "description": "Läkemedel", "serious": "y",
                                                  "recorded_by": "Kvalitetschef Å"})
    case_id = int(re.search(r"/cases/(\d+)$", answer.headers["Location"]).group(1))
    assert [(w, d["case_opened"]) for w, d, _ in events(demo_app, "deficiency-recorded")] == [
        (planner, False), (planner, True)]
    assert _one(demo_app, "case-opened", planner)["decided_by"] == "Kvalitetschef Å"

    for step, fields in (("request_action_plan", {}), ("receive_action_plan", {}),
                         ("review_measures", {"outcome": "remedied"}), ("report_to_committee", {}), ("close", {})):
        assert _step(demo_client, case_id, step, taken_on="2026-10-02", decided_by="Nämnden", **fields
                     ).status_code == 302, step
    steps = events(demo_app, "case-step")
    assert [(w, d["step"], s) for w, d, s in steps] == [
        (planner, step, f"case:{case_id}")
        for step in ("request_action_plan", "receive_action_plan", "review_measures", "report_to_committee")]
    assert steps[2][1]["outcome"] == "remedied"
    assert _one(demo_app, "case-closed", planner)["state"] == "closed"
    assert _id(demo_app, DeficiencyCase, DeficiencyCase.id == case_id, DeficiencyCase.state == "closed") == case_id


def test_goals_their_parts_results_and_removal(demo_app, demo_client):
    planner = "planner@eskilstuna.demo"
    sign_in(demo_client, planner)
    answer = demo_client.post("/m/eskilstuna/sweden/goals?year=2018", data={
        "year": "2018", "title__sv": "90 % nöjda med maten & <kaffet>", "target": "90", "kolada_kpi": "u23471"})
    goal_id = int(re.search(r"/goals/(\d+)$", answer.headers["Location"]).group(1))
    assert _one(demo_app, "goal-added", planner) == {
        "year": 2018, "title": {"sv": "90 % nöjda med maten & <kaffet>"}, "kind": "percent", "target": "90.00",
        "kolada_kpi": "U23471"}
    assert demo_client.post(f"/m/eskilstuna/sweden/goals/{goal_id}", data={
        "title__sv": "90 % nöjda med maten & <kaffet>", "target": "88", "kolada_kpi": "U23471"}).status_code == 302
    assert _one(demo_app, "goal-changed", planner)["changes"] == [{"field": "target", "old": "90.00", "new": "88.00"}]
    assert demo_client.post(f"/m/eskilstuna/sweden/goals/{goal_id}/indicators", data={
        "indicator-scope__sv": "Hemtjänst", "indicator-kolada_kpi": "U21468"}).status_code == 302
    assert _one(demo_app, "goal-part-added", planner)["scope"] == {"sv": "Hemtjänst"}
    from core.sdk.testing import get_session

    with demo_app.app_context():
        indicator_id = get_session().get(QualityGoal, goal_id).indicators[0].id
    assert demo_client.post(f"/m/eskilstuna/sweden/goals/{goal_id}/values", data={
        "result-indicator_id": str(indicator_id), "result-year": "2018", "result-value": "88",
        "result-national_value": "85"}).status_code == 302
    recorded = _one(demo_app, "goal-value-recorded", planner)
    assert (recorded["value"], recorded["national_value"], recorded["year"]) == ("88.00", "85.00", 2018)
    assert demo_client.post(f"/m/eskilstuna/sweden/goals/{goal_id}/delete").status_code == 302
    assert _one(demo_app, "goal-removed", planner)["goal"] == {"sv": "90 % nöjda med maten & <kaffet>"}


def _settings_form(client, slug: str) -> dict[str, str]:
    """Every field of the settings form as the page fills it in (checkboxes only when ticked)."""
    page = client.get(f"/m/{slug}/sweden/settings").get_data(as_text=True)
    form = page[page.index('id="settings-form"'):]
    data = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and ('type="checkbox"' not in tag or "checked" in tag):
            data[name.group(1)] = "y" if 'type="checkbox"' in tag else (html.unescape(value.group(1)) if value else "")
    selected = re.search(r'<option selected value="([^"]+)"|<option value="([^"]+)" selected', form)
    data["schedule_preset"] = next(v for v in selected.groups() if v)
    return data


def test_settings_lex_sarah_templates_and_imports(demo_app, demo_client):
    planner = "planner@huddinge.demo"
    sign_in(demo_client, planner)
    data = _settings_form(demo_client, "huddinge")
    assert demo_client.post("/m/huddinge/sweden/settings", data=data).status_code == 302
    assert events(demo_app, "settings-saved") == []  # saved unchanged: nothing changed, nothing recorded
    assert demo_client.post("/m/huddinge/sweden/settings", data={
        **data, "huddinge_in_house_every_years": "2", "suppression_threshold": "7"}).status_code == 302
    changes = {c["field"]: (c["old"], c["new"]) for c in _one(demo_app, "settings-saved", planner)["changes"]}
    assert changes == {"schedule.in_house_every_years": (3, 2), "suppression_threshold": (5, 7)}
    assert demo_client.post("/m/huddinge/sweden/templates").status_code == 302
    assert _one(demo_app, "template-created", planner)["district"] == ""

    stockholm = "planner@stockholm.demo"
    sign_in(demo_client, stockholm)
    city = int(re.search(r"/templates/(\d+)$", demo_client.get("/m/stockholm/sweden/templates")
                         .headers["Location"]).group(1))
    assert demo_client.post(f"/m/stockholm/sweden/templates/{city}/questions", data={
        "district": "Södermalm", "code": "sod1", "area": "meals", "scale": "satisfaction5",
        "text__sv": "Hur nöjd är du med utevistelsen?"}).status_code == 302
    assert _one(demo_app, "template-question-added", stockholm)["code"] == "sod1"
    assert [w for w, d, _ in events(demo_app, "template-created")] == [planner, stockholm]  # the district's own
    csv = "unit;response;question;value\n" + "".join(f"SO-VOB;{n};q1;{1 + n % 5}\n" for n in range(1, 7))
    template_id = _id(demo_app, QuestionTemplate, QuestionTemplate.id == city)
    assert demo_client.post("/m/stockholm/sweden/import/answers", content_type="multipart/form-data", data={
        "template_id": str(template_id), "year": "2025",
        "file": (io.BytesIO(csv.encode()), "svar.csv")}).status_code == 302
    assert _one(demo_app, "answers-imported", stockholm)["answers"] == 6

    eskilstuna = "planner@eskilstuna.demo"
    sign_in(demo_client, eskilstuna)
    assert demo_client.post("/m/eskilstuna/sweden/lex-sarah", data={
        "year": "2017", "reported_on": "2017-10-10", "area": "lss", "sex": "female", "reported_to_ivo": "y",
        "reference": "LS-19"}).status_code == 302
    report = _one(demo_app, "lex-sarah-added", eskilstuna)
    assert (report["area"], report["reference"]) == ("lss", "LS-19") and "sex" not in report  # not the person's
    document = (DATA / "kolada_eskilstuna_2016_2017.json").read_bytes()
    assert demo_client.post("/m/eskilstuna/sweden/import/kolada", content_type="multipart/form-data",
                            data={"kolada-file": (io.BytesIO(document), "kolada.json")}).status_code == 302
    kolada = _one(demo_app, "kolada-imported", eskilstuna)
    assert (kolada["values"], kolada["national"]) == (4, 4) and isinstance(kolada["skipped"], int)


# --- the command line -----------------------------------------------------------------------------------------


@pytest.fixture
def cli_env(tmp_path, sqlite_demo_template):
    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copyfile(sqlite_demo_template, instance / "socialplan.sqlite")
    env = {k: v for k, v in os.environ.items() if k != "SOCIALPLAN_DATABASE_URL"}
    env.update(SOCIALPLAN_INSTANCE_PATH=str(instance), SOCIALPLAN_SECRET_KEY="a-long-enough-test-secret-key")
    return env


def test_imports_on_the_command_line_record_the_operator(cli_env, tmp_path):
    answers = tmp_path / "svar.csv"
    answers.write_text("unit,response,question,value\n" + "".join(f"SO-VOB,{n},q1,3\n" for n in range(1, 4)))
    for args in (("import-answers", str(answers), "--municipality", "stockholm", "--year", "2024"),
                 ("import-kolada", str(DATA / "kolada_eskilstuna_2016_2017.json"), "--municipality", "eskilstuna")):
        done = subprocess.run([SOCIALPLAN, "sweden", *args], env=cli_env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    engine = create_engine(f"sqlite:///{cli_env['SOCIALPLAN_INSTANCE_PATH']}/socialplan.sqlite")
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT action, user_id, actor, detail FROM audit_event WHERE action IN "
                                       "('sweden.answers-imported', 'sweden.kolada-imported') ORDER BY id")).all()
    engine.dispose()
    imported = [row for row in rows if json.loads(row.detail).get("answers") == 3]
    kolada = [row for row in rows if row.action == "sweden.kolada-imported"][-1:]
    for row in imported + kolada:
        assert (row.user_id, row.actor, json.loads(row.detail)["os_user"]) == (None, "cli", getpass.getuser())
    assert len(imported) == 1 and len(kolada) == 1


# --- the administrators' page ---------------------------------------------------------------------------------


RAW = ("sweden.", "contracted", "home_care", "day_care", "request_action_plan", "action_plan_requested",
       "not_remedied", "remedied ", "operational", "2026-10-01", "{'", '{"', "None", "True", "False", "lss")


@pytest.mark.parametrize(("locale", "words"), [
    ("sv", ("Enhet tillagd", "Steg taget i ett bristärende", "Begär in åtgärdsplan", "Driftform")),
    ("ro", ("Unitate adăugată", "Pas făcut într-un caz de deficiență", "Solicită un plan de remediere",
            "Formă de administrare")),
])
def test_the_trail_reads_swedish_changes_in_the_readers_language(demo_app, demo_client, locale, words):
    sign_in(demo_client, "planner@huddinge.demo")
    demo_client.post("/m/huddinge/sweden/units/new", data={
        "code": "HU-ÄPP", "name": ODD_UNIT, "operating_form": "contracted", "service_type": "home_care",
        "new_provider": "Omsorg & Co AB", "district": "Flemingsberg", "provider_started_on": "2026-02-01"})
    unit_id = _id(demo_app, Unit, Unit.code == "HU-ÄPP")
    answer = demo_client.post(f"/m/huddinge/sweden/units/{unit_id}/deficiencies/new", data={
        "found_on": "2026-10-01", "description": "Läkemedel", "serious": "y", "recorded_by": "Kvalitetschef Å"})
    case_id = int(re.search(r"/cases/(\d+)$", answer.headers["Location"]).group(1))
    _step(demo_client, case_id, "request_action_plan", taken_on="2026-10-02", decided_by="Nämnden")
    admin = demo_app.test_client()
    sign_in(admin, DEMO_ADMIN, locale=locale)
    page = admin.get("/admin/municipalities/huddinge/audit")
    assert page.status_code == 200
    table = re.search(r"<tbody>.*</tbody>", page.get_data(as_text=True), re.S).group(0)
    shown = html.unescape(re.sub(r"<[^>]+>", " ", table))
    assert all(word in shown for word in words), shown
    assert ODD_UNIT in shown and "planner@huddinge.demo" in shown
    assert not [raw for raw in RAW if raw in shown], shown
