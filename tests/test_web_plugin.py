"""A tiny jurisdiction plugin for the web tests, the data they share, and a test of that data.

The plugin provides one plan kind with a service section, a campaign section, an entry section
and a text section, a workflow whose approval needs the council decision, a rule (occupancy above
100 % is an error) and a report kind. Other web test modules import the fixtures from here.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from flask import Flask
from reportlab.pdfgen import canvas

from core.db import get_session
from core.hookspecs import hookimpl
from core.plugin_api import (
    Column,
    Finding,
    FundingSource,
    Jurisdiction,
    PlanKind,
    ReportKind,
    RowType,
    SectionSpec,
    Severity,
    WorkflowStep,
)
from core.services import plans
from core.services.accounts import create_municipality, create_user, set_plugin_enabled
from core.testing import login

PASSWORD = "correct-horse-battery"
KIND = "test-plan"

PLAN_KIND = PlanKind(
    code=KIND,
    name="Test plan",
    jurisdiction="xx",
    sections=(
        SectionSpec("intro", "Introduction", RowType.TEXT, allow_not_applicable=True),
        SectionSpec("services", "Services", RowType.SERVICE, columns=(
            Column("code", "Code"), Column("name", "Name", "translated"),
            Column("capacity", "Capacity", "decimal"), Column("occupancy", "Occupancy", "percent"),
        )),
        SectionSpec("campaigns", "Campaigns", RowType.CAMPAIGN),
        SectionSpec("meetings", "Meetings", RowType.ENTRY, columns=(
            Column("topic", "Topic", "translated"), Column("date", "Date", "date"),
            Column("participants", "Participants", "int"),
        )),
    ),
    workflow=(
        WorkflowStep("submit", "Submit", "draft", "submitted", blocks_on_errors=True),
        WorkflowStep("approve", "Approve", "submitted", "approved",
                     fields=("council_decision_ref", "council_decision_date"), role="admin"),
    ),
    copy_forward=("services",),
)


def _render(context) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 720, f"Test report {context.plan.year} {context.locale}")
    pdf.save()
    return buffer.getvalue()


class WebTestPlugin:
    @hookimpl
    def socialplan_jurisdictions(self):
        return [Jurisdiction("xx", "Testland", ("XX",), "RON", "ro")]

    @hookimpl
    def socialplan_funding_sources(self, jurisdiction):
        if jurisdiction != "xx":
            return None
        return [FundingSource("local", "Local budget"), FundingSource("state", "State budget")]

    @hookimpl
    def socialplan_plan_kinds(self):
        return [PLAN_KIND]

    @hookimpl
    def socialplan_report_kinds(self):
        return [ReportKind("test-report", "Test report", KIND, _render)]

    @hookimpl
    def socialplan_validate_plan(self, document, context):
        if context.plan_kind.code != KIND:
            return []
        findings = []
        for index, row in enumerate(document["sections"]["services"]["rows"]):
            if row.get("occupancy") and float(row["occupancy"]) > 100:  # a comparison, not money
                findings.append(Finding(Severity.ERROR, "The occupancy rate cannot exceed 100 %.",
                                        f"services/{index}/occupancy", "test.occupancy"))
        return findings


@dataclass
class World:
    alpha: str = "alpha"
    beta: str = "beta"
    alpha_draft: int = 0  # alpha's 2025 plan, a draft with two services
    beta_draft: int = 0
    beta_approved: int = 0


# The generic service form's fields for one row, as a browser sends them.
SERVICE_ROW = {"code": "8810 ID-I", "name__en": "Day centre", "capacity": "20", "occupancy": "80", "status": "existing",
               "budget-0-source": "local", "budget-0-amount": "1000.50", "budget-0-scale": "1", "budget-0-year": "2025"}


def service(name: str, occupancy: str = "80", amount: str = "1000.50") -> dict:
    return {"code": "8810 ID-I", "name": {"en": name}, "capacity": "20", "occupancy": occupancy,
            "status": "existing", "budget": [{"source": "local", "amount": amount, "scale": 1, "year": 2025}]}


def build_world(app: Flask) -> World:
    world = World()
    registry = app.extensions["socialplan.registry"]
    with app.app_context():
        session = get_session()
        create_user(session, "admin@example.org", PASSWORD, "admin", None, "en")
        ids = {}
        for slug, name in (("alpha", {"en": "Alpha", "ro": "Alfa"}), ("beta", {"en": "Beta"})):
            municipality = create_municipality(session, slug, name, "XX", "ro", "RON")
            set_plugin_enabled(session, registry, municipality, "testplugin", True)
            create_user(session, f"planner@{slug}.org", PASSWORD, "planner", municipality, "en")
            create_user(session, f"viewer@{slug}.org", PASSWORD, "viewer", municipality, "en")
            draft = plans.create_plan(session, registry, municipality, 2025, KIND, None)
            plans.add_row(session, registry, draft, "services", service("Day centre"), None)
            plans.add_row(session, registry, draft, "services", service("Home care", amount="250"), None)
            approved = plans.create_plan(session, registry, municipality, 2024, KIND, None)
            plans.add_row(session, registry, approved, "services", service("Old centre"), None)
            plans.take_step(session, registry, approved, "submit", {}, None)
            plans.take_step(session, registry, approved, "approve",
                            {"council_decision_ref": "HCL 12", "council_decision_date": "2024-03-01"}, None)
            ids[slug] = (draft.id, approved.id)
        session.commit()
    world.alpha_draft, world.alpha_approved = ids["alpha"]
    world.beta_draft, world.beta_approved = ids["beta"]
    return world


@pytest.fixture
def web_app(make_app, database_url):
    application = make_app(database_url, extra_plugins=[("testplugin", WebTestPlugin())])
    application.config["WORLD"] = build_world(application)
    yield application
    application.extensions["socialplan.engine"].dispose()


@pytest.fixture
def world(web_app) -> World:
    return web_app.config["WORLD"]


@pytest.fixture
def web_client(web_app):
    return web_app.test_client()


def sign_in(client, email: str, password: str = PASSWORD):
    return login(client, email, password)


def test_world_has_two_tenants_with_plans(web_app, world):
    from core.models import AnnualPlan

    with web_app.app_context():
        session = get_session()
        assert session.get(AnnualPlan, world.beta_approved).status == "approved"
        assert session.get(AnnualPlan, world.alpha_draft).revision == 3  # create + two rows
