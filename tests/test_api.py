"""The JSON API: tokens, the web's permissions per role and tenant, row changes with revisions,
findings, reports, plan import all or nothing, and the generated OpenAPI document."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select
from world import KIND as PLAN_KIND
from world import PASSWORD, service

DRAFT = f"/api/v1/municipalities/alpha/plans/2026/{PLAN_KIND}"
APPROVED = f"/api/v1/municipalities/alpha/plans/2025/{PLAN_KIND}"
OTHER = f"/api/v1/municipalities/beta/plans/2026/{PLAN_KIND}"
ROWS = DRAFT + "/sections/services/rows"


@pytest.fixture
def world(make_world):
    return make_world(WTF_CSRF_ENABLED=True)


@pytest.fixture
def client(world):
    return world.app.test_client()


def _revisions(world, plan: str) -> list[tuple[int, str]]:
    from core.models import PlanRevision

    with world.db() as session:
        return [tuple(row) for row in session.execute(
            select(PlanRevision.number, PlanRevision.action)
            .where(PlanRevision.plan_id == world.plan_ids[plan]).order_by(PlanRevision.number))]


# --- tokens ------------------------------------------------------------------------------------


def test_missing_token_is_401_with_a_bearer_challenge(client):
    response = client.get(DRAFT)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization" in response.get_json()["error"]


@pytest.mark.parametrize("header", ["Bearer not-a-token", "Basic dXNlcjpwYXNz", "Bearer "])
def test_invalid_token_is_401(client, header):
    response = client.get(DRAFT, headers={"Authorization": header})
    assert response.status_code == 401
    assert response.is_json


def test_a_deactivated_users_token_is_refused(world, client):
    from core.models import User

    headers = world.headers("planner")  # issued while the account is active
    with world.db() as session:
        session.scalar(select(User).where(User.email == "planner@alpha.org")).active = False
        session.commit()
    assert client.get(DRAFT, headers=headers).status_code == 401


def test_a_signed_in_browser_session_does_not_authenticate_the_api(world, client):
    from core.testing import login

    login(client, "planner@alpha.org", PASSWORD)
    assert client.get(DRAFT).status_code == 401


def test_me(world, client):
    assert client.get("/api/v1/me", headers=world.headers("viewer")).get_json() == {
        "email": "viewer@alpha.org", "role": "viewer", "municipality": "alpha"}


# --- permissions -------------------------------------------------------------------------------


@pytest.mark.parametrize("who, url, status", [
    ("admin", DRAFT, 200), ("admin", OTHER, 200),
    ("planner", DRAFT, 200), ("planner", APPROVED, 200), ("planner", OTHER, 404),
    ("viewer", APPROVED, 200), ("viewer", DRAFT, 404), ("viewer", OTHER, 404),
    ("other", DRAFT, 404), ("other", OTHER, 200),
    ("admin", "/api/v1/municipalities/nowhere/plans", 404),
    ("admin", f"/api/v1/municipalities/alpha/plans/2030/{PLAN_KIND}", 404),
    ("admin", "/api/v1/municipalities/alpha/plans/2026/no-such-kind", 404),
    ("admin", "/api/v1/no/such/thing", 404),
])
def test_reading_follows_the_web_rules(world, client, who, url, status):
    response = client.get(url, headers=world.headers(who))
    assert response.status_code == status
    assert response.is_json


def test_plan_lists_per_role(world, client):
    def years(who, slug="alpha"):
        response = client.get(f"/api/v1/municipalities/{slug}/plans", headers=world.headers(who))
        return response.status_code, [p["year"] for p in response.get_json()] if response.status_code == 200 else None

    assert years("planner") == (200, [2026, 2025])
    assert years("viewer") == (200, [2025])
    assert years("other") == (404, None)
    assert years("admin", "beta") == (200, [2026, 2025])
    listed = client.get("/api/v1/municipalities", headers=world.headers("planner")).get_json()
    assert [m["slug"] for m in listed] == ["alpha"]
    assert len(client.get("/api/v1/municipalities", headers=world.headers("admin")).get_json()) == 2


def test_the_document_and_a_section(world, client):
    document = client.get(DRAFT, headers=world.headers("planner")).get_json()
    assert document["format"] == "socialplan.plan" and document["year"] == 2026
    rows = document["sections"]["services"]["rows"]
    assert rows[0]["budget"][0]["amount"] == "1486.5"
    section = client.get(DRAFT + "/sections/campaigns", headers=world.headers("planner")).get_json()
    assert section["row_type"] == "campaign" and section["read_only"] is False
    assert section["rows"][0]["period"] == {"kind": "range", "start": "2026-06-01", "end": "2026-06-07"}
    assert client.get(DRAFT + "/sections/nope", headers=world.headers("planner")).status_code == 404
    assert client.get(ROWS + "/1", headers=world.headers("planner")).get_json()["code"] == "XX-2"
    assert client.get(ROWS + "/7", headers=world.headers("planner")).status_code == 404


@pytest.mark.parametrize("who, url, status", [
    ("viewer", APPROVED.replace("2025", "2025") + "/sections/services/rows", 403),
    ("viewer", ROWS, 404),  # a viewer does not even see a draft
    ("other", ROWS, 404),
    ("planner", APPROVED + "/sections/services/rows", 409),
    ("admin", APPROVED + "/sections/services/rows", 409),
])
def test_writing_is_refused_per_role_and_status(world, client, who, url, status):
    before = _revisions(world, "alpha-approved") + _revisions(world, "alpha-draft")
    response = client.post(url, json=service("X", capacity="1"), headers=world.headers(who))
    assert response.status_code == status
    assert "error" in response.get_json()
    assert _revisions(world, "alpha-approved") + _revisions(world, "alpha-draft") == before


# --- rows --------------------------------------------------------------------------------------


def test_add_update_delete_rows_keep_revisions(world, client):
    headers = world.headers("planner")
    start = _revisions(world, "alpha-draft")[-1][0]

    meals = service("Meals on wheels", code="XX-2", capacity="12", local="99.99")
    added = client.post(ROWS, json=meals, headers=headers)
    assert added.status_code == 201, added.get_json()
    body = added.get_json()
    assert body["index"] == 2 and body["revision"] == start + 1
    assert body["row"]["budget"][0]["amount"] == "99.99"
    assert added.headers["Location"].endswith("/sections/services/rows/2")

    first = client.post(ROWS + "?position=0", json=service("First", capacity="1"), headers=headers)
    assert first.status_code == 201 and first.get_json()["index"] == 0

    row = service("Overfull", capacity="10")
    row["occupancy"] = "140"
    updated = client.put(ROWS + "/0", json=row, headers=headers)
    assert updated.status_code == 200
    assert updated.get_json()["row"]["occupancy"] == "140"
    assert [f["field"] for f in updated.get_json()["findings"]] == ["services/0/occupancy"]

    deleted = client.delete(ROWS + "/0", headers=headers)
    assert deleted.status_code == 200
    assert deleted.get_json() == {"deleted": 0, "uid": updated.get_json()["row"]["uid"], "revision": start + 4}

    revisions = _revisions(world, "alpha-draft")
    assert [action for _n, action in revisions[-4:]] == [
        "row-added services 3", "row-added services 1", "row-edited services 1",
        "row-removed services 1"]
    codes = [r["code"] for r in client.get(DRAFT, headers=headers).get_json()["sections"]["services"]["rows"]]
    assert codes == ["XX-1", "XX-2", "XX-2"]


@pytest.mark.parametrize("row, field", [
    ({"capacity": "twelve"}, "capacity"),
    ({"name": "not translated"}, "name"),
    ({"status": "closed"}, "status"),
    ({"budget": [{"source": "local"}]}, "budget/0"),
    ({"budget": [{"source": "local", "amount": "5,5"}]}, "budget/0/amount"),
])
def test_a_row_of_the_wrong_shape_is_400_with_its_field(world, client, row, field):
    before = _revisions(world, "alpha-draft")
    response = client.post(ROWS, json=row, headers=world.headers("planner"))
    assert response.status_code == 400
    assert response.get_json()["field"] == field
    assert _revisions(world, "alpha-draft") == before


def test_bad_requests(world, client):
    headers = world.headers("planner")
    assert client.post(ROWS, data="not json", headers=headers, content_type="application/json").status_code == 400
    assert client.post(ROWS, json=[1, 2], headers=headers).status_code == 400
    assert client.post(ROWS + "?position=9", json={}, headers=headers).get_json()["field"] == "position"
    assert client.put(ROWS + "/9", json={}, headers=headers).status_code == 404
    assert client.delete(ROWS + "/9", headers=headers).status_code == 404
    response = client.post(DRAFT + "/sections/intro/rows", json={}, headers=headers)
    assert response.status_code == 400 and response.get_json()["field"] == "section"


def test_the_api_needs_no_csrf_token(world, client):
    """The app runs with CSRF protection on (see the fixture); a token-authenticated POST passes."""
    assert world.app.config["WTF_CSRF_ENABLED"] is True
    assert client.post("/login", data={"email": "x", "password": "y"}).status_code == 400  # the web is protected
    assert client.post(ROWS, json=service("Z", capacity="1"), headers=world.headers("planner")).status_code == 201


# --- findings and reports ----------------------------------------------------------------------


def test_findings(world, client):
    headers = world.headers("planner")
    row = service("Overfull", capacity="10")
    row["occupancy"] = "140"
    client.put(ROWS + "/1", json=row, headers=headers)
    body = client.get(DRAFT + "/findings", headers=headers).get_json()
    assert body["counts"]["error"] == 1
    assert body["findings"][0] | {"message": ""} == {"severity": "error", "message": "",
                                                     "field": "services/1/occupancy",
                                                     "rule": "example.occupancy", "blocks_import": False}
    assert client.get(DRAFT + "/findings?lang=xx", headers=headers).status_code == 400


def test_reports_as_pdf(world, client):
    listed = client.get(APPROVED + "/reports", headers=world.headers("viewer")).get_json()
    assert [r["code"] for r in listed] == ["example-report"]
    for lang, heading in (("ro", "Plan exemplu 2025"), ("en", "Example plan 2025")):
        response = client.get(APPROVED + f"/reports/example-report?lang={lang}", headers=world.headers("viewer"))
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
        assert heading in text and "XX-1" in text  # in the language asked for
    assert client.get(APPROVED + "/reports/nope", headers=world.headers("viewer")).status_code == 404
    assert client.get(DRAFT + "/reports/example-report", headers=world.headers("viewer")).status_code == 404
    assert client.get(OTHER + "/reports/example-report", headers=world.headers("planner")).status_code == 404


# --- import ------------------------------------------------------------------------------------


def _table_counts(world) -> dict[str, int]:
    from core.models import AnnualPlan, BudgetLine, Campaign, PlanRevision, Service

    with world.db() as session:
        return {model.__tablename__: session.scalar(select(func.count()).select_from(model))
                for model in (AnnualPlan, PlanRevision, Service, BudgetLine, Campaign)}


def _document(client, world, url=DRAFT, who="admin") -> dict:
    return client.get(url, headers=world.headers(who)).get_json()


def test_import_creates_a_plan(world, client):
    document = _document(client, world)
    document["year"] = 2027
    response = client.post("/api/v1/plans/import", json=document, headers=world.headers("planner"))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["year"] == 2027
    again = _document(client, world, DRAFT.replace("2026", "2027"), "planner")
    assert again["sections"] == document["sections"]


@pytest.mark.parametrize("change, path", [
    (lambda d: d["sections"]["services"]["rows"][1].update(code="NOPE-9"),
     "$.sections.services.rows[1].code"),
    (lambda d: d["sections"]["services"]["rows"][0]["budget"][0].update(amount="-5"),
     "$.sections.services.rows[0].budget[0].amount"),
    (lambda d: d.update(year="2026"), "$.year"),
    (lambda d: d["sections"]["campaigns"]["rows"][0].update(period={"kind": "fortnight"}),
     "$.sections.campaigns.rows[0].period"),
])
def test_a_refused_import_is_422_with_path_and_writes_nothing(world, client, change, path):
    document = _document(client, world)
    document["sections"]["services"]["rows"][0]["name"] = {"en": "Changed"}
    change(document)
    before = _table_counts(world)
    response = client.post("/api/v1/plans/import", json=document, headers=world.headers("admin"))
    assert response.status_code == 422
    body = response.get_json()
    assert body["path"] == path and body["reason"]
    assert _table_counts(world) == before
    assert _document(client, world)["sections"]["services"]["rows"][0]["name"] == {
        "en": "Day centre", "ro": "Centrul de zi „Speranța” – Piatra-Neamț"}


def test_import_permissions(world, client):
    document = _document(client, world)
    before = _table_counts(world)
    assert client.post("/api/v1/plans/import", json=document, headers=world.headers("viewer")).status_code == 403
    assert client.post("/api/v1/plans/import", json=document, headers=world.headers("other")).status_code == 404
    approved = _document(client, world, APPROVED)
    assert client.post("/api/v1/plans/import", json=approved, headers=world.headers("planner")).status_code == 403
    approved["status"] = "draft"
    assert client.post("/api/v1/plans/import", json=approved, headers=world.headers("planner")).status_code == 409
    assert _table_counts(world) == before


# --- OpenAPI -----------------------------------------------------------------------------------


def test_openapi_document(world, client):
    from core.web.api.openapi import api_rules

    response = client.get("/api/v1/openapi.json")  # public: no token
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.")
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": "A token issued to a user by an administrator"}
    assert spec["security"] == [{"bearerAuth": []}]
    rules = api_rules(world.app)
    assert len(rules) >= 12
    for rule in rules:
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)  # <int(min=1990, max=2100):year> -> {year}
        assert path in spec["paths"], path
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operation = spec["paths"][path][method.lower()]
            assert operation["responses"] and operation["operationId"]
        names = {p["name"] for p in spec["paths"][path].get("parameters", [])}
        assert names == set(rule.arguments)
    assert spec["paths"]["/api/v1/openapi.json"]["get"]["security"] == []
    year = next(p for p in spec["paths"]["/api/v1/municipalities/{slug}/plans/{year}/{kind}"]["parameters"]
                if p["name"] == "year")
    assert year["schema"] == {"type": "integer", "minimum": 1990, "maximum": 2100}
    schemas = spec["components"]["schemas"]
    for name in ("service_row", "campaign_row", "training_row", "objective_row", "PlanDocument", "Error"):
        assert name in schemas
    refs = _refs(spec)
    assert refs and all(ref.startswith("#/components/schemas/") and ref.rsplit("/", 1)[1] in schemas for ref in refs)


def _refs(value) -> list[str]:
    if isinstance(value, dict):
        return [v for k, v in value.items() if k == "$ref"] + [r for v in value.values() for r in _refs(v)]
    if isinstance(value, list):
        return [r for v in value for r in _refs(v)]
    return []
