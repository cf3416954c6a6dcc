"""Plan import under attack, and pages that survive what was stored before the edges refused it.

The import corpus goes through the API (POST /api/v1/plans/import, an administrator's token), the way an
integration sends a document: every document that breaks a rule is refused (422) with the JSON path of
the offending value and writes nothing; text with control characters or a lone surrogate is accepted
cleaned. Then values written past every edge (as an older version, or bulk SQL, left them: translations
keyed 'ro-RO', 'xx' or 'Română', a municipality whose language is 'xx', a NUL, a lone surrogate, an
infinite capacity) must not poison any page, download, report or API answer.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest
from attack_corpus import UNCLEAN
from sqlalchemy import func, select, text

from core.db import get_session
from core.models import AnnualPlan, Municipality, PlanRevision, Service, User
from core.services.accounts import issue_api_token
from core.services.plans import document_of, record_revision
from core.testing import login
from plugins.romania.demo import demo_document

ADMIN = "admin@socialplan.demo"
PASSWORD = "demo-password-2026"


def _services(document: dict) -> list[dict]:
    return document["sections"]["existing-services"]["rows"]


def _budget(document: dict) -> dict:
    return _services(document)[0]["budget"][0]


# (what, change to the demo document, the JSON path the refusal names)
REFUSED = [
    ("council decision on 2021-02-30", lambda d: d.update(council_decision={"reference": "1", "date": "2021-02-30"}),
     "$.council_decision.date"),
    ("council decision on 2021-13-45", lambda d: d.update(council_decision={"reference": "1", "date": "2021-13-45"}),
     "$.council_decision.date"),
    ("a campaign that ends before it starts", lambda d: d["sections"]["awareness-campaigns"]["rows"][0].update(
        period={"kind": "range", "start": "2021-06-30", "end": "2021-06-01"}),
     "$.sections.awareness-campaigns.rows[0].period.end"),
    ("a campaign from 2021-02-01 to 2021-02-30", lambda d: d["sections"]["awareness-campaigns"]["rows"][0].update(
        period={"kind": "range", "start": "2021-02-01", "end": "2021-02-30"}),
     "$.sections.awareness-campaigns.rows[0].period"),
    ("a range without its end", lambda d: d["sections"]["awareness-campaigns"]["rows"][0].update(
        period={"kind": "range", "start": "2021-06-01"}), "$.sections.awareness-campaigns.rows[0].period"),
    ("a budget year 1800 in a 2021 plan", lambda d: _budget(d).update(year=1800),
     "$.sections.existing-services.rows[0].budget[0].year"),
    ("a budget year 2040 in a 2021 plan", lambda d: _budget(d).update(year=2040),
     "$.sections.existing-services.rows[0].budget[0].year"),
    ("an amount of 40 digits", lambda d: _budget(d).update(amount="9" * 40),
     "$.sections.existing-services.rows[0].budget[0].amount"),
    ("an amount of 10^16", lambda d: _budget(d).update(amount="1" + "0" * 16),
     "$.sections.existing-services.rows[0].budget[0].amount"),
    ("a capacity of 310 digits", lambda d: _services(d)[0].update(capacity="1" + "0" * 309),
     "$.sections.existing-services.rows[0].capacity"),
    ("a capacity of 1,000,001", lambda d: _services(d)[0].update(capacity="1000001"),
     "$.sections.existing-services.rows[0].capacity"),
    ("an occupancy of 1001 %", lambda d: _services(d)[0].update(occupancy="1001"),
     "$.sections.existing-services.rows[0].occupancy"),
    ("a negative capacity", lambda d: _services(d)[0].update(capacity="-38"),
     "$.sections.existing-services.rows[0].capacity"),
    ("persons of 50 digits", lambda d: d["sections"]["training-courses"]["rows"][0].update(persons=10 ** 50),
     "$.sections.training-courses.rows[0].persons"),
    ("a service code longer than its column", lambda d: _services(d)[0].update(code="8810 ID-I" * 10),
     "$.sections.existing-services.rows[0].code"),
    ("a translation keyed ro-RO", lambda d: _services(d)[0].update(name={"ro-RO": "Centrul"}),
     "$.sections.existing-services.rows[0].name"),
    ("a translation keyed xx", lambda d: d["sections"]["objectives"]["rows"][0].update(text={"xx": "x"}),
     "$.sections.objectives.rows[0].text"),
    ("a title keyed Română", lambda d: d.update(title={"Română": "Planul"}), "$.title"),
    ("a plugin's entry keyed xx", lambda d: d["sections"]["legal-basis"]["rows"][0].update(text={"xx": "Legea"}),
     "$.sections.legal-basis.rows[0].text"),
    ("ten million beneficiaries", lambda d: d["sections"]["subsidies"].update(rows=[
        {"provider": "Asociația „Ajutor”", "beneficiaries": 10 ** 7, "amount": "5000"}]),
     "$.sections.subsidies.rows[0].beneficiaries"),
    ("an entry amount of 40 digits", lambda d: d["sections"]["contracting"].update(rows=[
        {"provider": "Furnizor & Co", "amount": "9" * 40}]), "$.sections.contracting.rows[0].amount"),
    ("a new municipality whose language is xx", lambda d: d["municipality"].update(slug="xx-town",
                                                                                  default_locale="xx"),
     "$.municipality.default_locale"),
    ("a status longer than its column", lambda d: d.update(status="draft" * 20), "$.status"),
    ("a year 100000000000000000000", lambda d: d.update(year=10 ** 20), "$.year"),
    ("a year 1800", lambda d: d.update(year=1800), "$.year"),
    ("a month 13", lambda d: d["sections"]["awareness-campaigns"]["rows"][0].update(
        period={"kind": "month", "month": 13}), "$.sections.awareness-campaigns.rows[0].period"),
]


@pytest.fixture
def admin_headers(demo_app) -> dict[str, str]:
    with demo_app.app_context():
        session = get_session()
        token = issue_api_token(session, session.scalar(select(User).where(User.email == ADMIN)))
        session.commit()
    return {"Authorization": f"Bearer {token}"}


def _revisions(app) -> int:
    with app.app_context():
        return get_session().scalar(select(func.count(PlanRevision.id)))


@pytest.mark.parametrize(("what", "change", "path"), REFUSED, ids=[case[0] for case in REFUSED])
def test_the_api_refuses_each_bad_document_with_its_path_and_writes_nothing(demo_app, admin_headers, what, change,
                                                                             path):
    client = demo_app.test_client()
    document = demo_document()
    change(document)
    before = _revisions(demo_app)
    response = client.post("/api/v1/plans/import?as_new_revision=true", json=document, headers=admin_headers)
    assert response.status_code == 422, (what, response.get_json())
    assert response.get_json()["path"].startswith(path), response.get_json()
    assert _revisions(demo_app) == before


@pytest.mark.parametrize("body", [
    b"[" * 100_000 + b"]" * 100_000,  # a RecursionError in the parser
    b'{"a": ' * 100 + b"1" + b"}" * 100,  # parsed, but deeper than any plan document
    b'{"format": "socialplan.plan", "year": NaN}',
    b'{"format": "socialplan.plan", "year": 1e309}',
    b"\xff\xfe not UTF-8",
], ids=["nested-100000", "nested-100", "nan", "1e309", "not-utf8"])
def test_the_api_refuses_bodies_no_document_is_made_of_in_one_message(demo_app, admin_headers, body):
    response = demo_app.test_client().post("/api/v1/plans/import", data=body, content_type="application/json",
                                           headers=admin_headers)
    assert response.status_code == 400
    assert response.get_json()["error"]


def test_an_imported_document_keeps_its_text_cleaned(demo_app, admin_headers):
    document = demo_document()
    _services(document)[0]["name"] = {"ro": "Centrul\x00 de zi\r\n„Speranța”\x1b", "en": "half \ud800 pair"}
    document["title"] = {"ro": "Planul s\u0326i t\u0326ara"}  # ș and ț decomposed
    body = json.dumps(document)  # the lone surrogate travels as the escape \ud800, as JSON allows
    response = demo_app.test_client().post("/api/v1/plans/import?as_new_revision=true", data=body,
                                           content_type="application/json", headers=admin_headers)
    assert response.status_code == 201, response.get_json()
    with demo_app.app_context():
        session = get_session()
        plan = session.scalar(select(AnnualPlan).where(AnnualPlan.year == 2021, AnnualPlan.kind == "action-plan"))
        stored = document_of(session, demo_app.extensions["socialplan.registry"], plan)
    assert _services(stored)[0]["name"] == {"ro": "Centrul de zi\n„Speranța”", "en": "half \ufffd pair"}
    assert stored["title"] == {"ro": "Planul \u0219i \u021bara"}
    assert not UNCLEAN.search(json.dumps(stored, ensure_ascii=False))


# --- what is already stored ------------------------------------------------------------------------


def _poison(app) -> int:
    """Write, past every edge, what they now refuse; return the Romanian plan's id."""
    registry = app.extensions["socialplan.registry"]
    with app.app_context():
        session = get_session()
        plan = session.scalar(select(AnnualPlan).join(Municipality).where(Municipality.slug == "piatra-neamt"))
        service = session.scalar(select(Service).where(Service.plan_id == plan.id,
                                                       Service.section == "existing-services")
                                 .order_by(Service.position))
        service.name = {"ro-RO": "Centrul\x00 de zi", "xx": "<b>xx</b>", "Română": "half \ud800 pair"}
        service.unit_name = {"xx": "only under xx"}
        if session.get_bind().dialect.name == "sqlite":  # SQLite kept 1e309 so; PostgreSQL's NUMERIC never did
            service.capacity = Decimal("Infinity")
        plan.title = {"Română": "Planul\x07 anual"}
        plan.municipality.default_locale = "xx"
        session.flush()
        record_revision(session, registry, plan, None, "poisoned by bulk SQL")
        session.commit()
        return plan.id


def test_pages_downloads_reports_and_the_api_survive_what_is_already_stored(demo_app, admin_headers):
    plan_id = _poison(demo_app)
    with demo_app.app_context():  # what SQLite holds now: an infinite capacity
        session = get_session()
        if session.get_bind().dialect.name == "sqlite":
            assert session.execute(text("SELECT max(capacity) FROM service")).scalar() == float("inf")
    planner, admin = demo_app.test_client(), demo_app.test_client()
    assert login(planner, "planner@piatra-neamt.demo", PASSWORD).status_code == 200
    assert login(admin, ADMIN, PASSWORD).status_code == 200
    base = f"/m/piatra-neamt/plans/{plan_id}/"
    pages = [base, base + "sections/existing-services", base + "sections/existing-services/rows/0",
             base + "title", base + "revisions", base + "compare",
             "/m/piatra-neamt/plans/2021/action-plan/tables/existing-services.csv",
             "/m/piatra-neamt/plans/2021/action-plan/tables/existing-services.xlsx",
             *[base + f"reports/action-plan/{lang}.pdf" for lang in ("ro", "sv", "en")]]
    for url in pages:
        assert planner.get(url).status_code == 200, url
    for url in ("/admin/", "/admin/users", "/admin/municipalities/piatra-neamt/plugins", base):
        assert admin.get(url).status_code == 200, url
    page = planner.get(base + "sections/existing-services").get_data(as_text=True)
    assert "only under xx" in page  # a translation under a key that is no language still shows
    api = demo_app.test_client()
    for url in ("/api/v1/municipalities", "/api/v1/municipalities/piatra-neamt/plans/2021/action-plan",
                "/api/v1/municipalities/piatra-neamt/plans/2021/action-plan/sections/existing-services"):
        assert api.get(url, headers=admin_headers).status_code == 200, url


def test_translated_never_raises_on_what_was_stored():
    from core.i18n import locale_display_name, translated

    assert translated({"xx": "only"}, "ro", "xx") == "only"
    assert translated({"ro-RO": "a", "ro": ""}, "ro") == "a"
    assert translated(["not", "a", "dict"], "ro") == "['not', 'a', 'dict']"
    assert translated({"ro": 5}, "ro") == "5"
    assert translated(copy.deepcopy({"Română": "x"})) == "x"
    assert [locale_display_name(code) for code in ("xx", "Română", "ro-RO", "", None)] == [
        "xx", "Română", "ro-RO", "", "None"]
    assert locale_display_name("ro") == "Română"
