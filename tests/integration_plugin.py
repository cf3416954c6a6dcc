"""A tiny jurisdiction for the API and table tests: a service section, a campaign section, training,
a text section, two funding sources, a nomenclature, one rule and one report kind.

``build_world`` makes two municipalities with users of every role, API tokens and three plans, so
the tests can check each role against its own and the other municipality's data.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from core.hookspecs import hookimpl
from core.plugin_api import (
    Column,
    Finding,
    FundingSource,
    Jurisdiction,
    Nomenclature,
    NomenclatureEntry,
    PlanKind,
    ReportKind,
    RowType,
    SectionSpec,
    Severity,
    WorkflowStep,
)

PLAN_KIND = "test-plan"


def _render(context) -> bytes:
    from core.reports.engine import ReportBuilder

    builder = ReportBuilder(title="Test report", municipality_name=context.municipality.slug, locale=context.locale)
    builder.heading(f"Test report {context.plan.year} ({context.locale})")
    rows = [[row["code"]] for row in context.document["sections"]["existing-services"]["rows"]]
    builder.table(header=[["Code"]], rows=rows or [["-"]], col_widths=[1.0], wrap={0})
    return builder.build()


class IntegrationPlugin:
    @hookimpl
    def socialplan_jurisdictions(self):
        return [Jurisdiction("zt", "Testland", ("ZT",), "EUR", "en")]

    @hookimpl
    def socialplan_nomenclature(self, jurisdiction):
        if jurisdiction != "zt":
            return None
        return Nomenclature([NomenclatureEntry("ZT-1", "Day centre"), NomenclatureEntry("ZT-2", "Home care")],
                            version="1", source="tests")

    @hookimpl
    def socialplan_funding_sources(self, jurisdiction):
        if jurisdiction != "zt":
            return None
        return [FundingSource("local", "Local budget"), FundingSource("state", "State budget")]

    @hookimpl
    def socialplan_plan_kinds(self):
        return [PlanKind(
            code=PLAN_KIND, name="Test plan", jurisdiction="zt",
            sections=(
                SectionSpec("intro", "Introduction", RowType.TEXT),
                SectionSpec("existing-services", "Existing services", RowType.SERVICE, (
                    Column("code", "Code"), Column("name", "Name", "translated"),
                    Column("capacity", "Capacity", "decimal"), Column("occupancy", "Occupancy (%)", "percent"),
                    Column("extra.floor_space", "Floor space (m²)", "decimal"),
                    Column("staff_total", "Staff", "int"),  # a plugin fact named without 'extra.'
                    Column("budget_local", "Local budget", "money"),  # a total the amount columns replace
                ), required=True),
                SectionSpec("campaigns", "Campaigns", RowType.CAMPAIGN),
                SectionSpec("training", "Training", RowType.TRAINING),
            ),
            workflow=(
                WorkflowStep("submit", "Submit", "draft", "submitted"),
                WorkflowStep("approve", "Approve", "submitted", "approved",
                             ("council_decision_ref", "council_decision_date"), role="admin"),
            ),
        )]

    @hookimpl
    def socialplan_validate_plan(self, document, context):
        if document["kind"] != PLAN_KIND:
            return []
        findings = []
        for index, row in enumerate(document["sections"]["existing-services"]["rows"]):
            occupancy = row.get("occupancy")
            if occupancy is not None and Decimal(occupancy) > 100:
                findings.append(Finding(Severity.ERROR, "The occupancy cannot exceed 100 %.",
                                        f"existing-services/{index}/occupancy", "zt.occupancy"))
        return findings

    @hookimpl
    def socialplan_report_kinds(self):
        return [ReportKind("test-report", "Test report", PLAN_KIND, _render)]


def service(code: str, name: str, capacity: str, local: str | None = None, state: str | None = None,
            year: int = 2026, **extra) -> dict:
    budget = [{"year": year, "source": source, "amount": amount, "currency": "EUR", "scale": 1, "note": {}}
              for source, amount in (("local", local), ("state", state)) if amount is not None]
    return {"code": code, "unit": {}, "name": {"en": name}, "description": {}, "beneficiary_category": {},
            "capacity": capacity, "capacity_unit": {}, "occupancy": None, "status": "existing", "extra": extra,
            "budget": budget}


def campaign(title: str, period: dict) -> dict:
    return {"title": {"en": title}, "objectives": {}, "period": period, "responsible": {}, "target_group": {}}


@dataclass
class World:
    """What the tests need to know of the data; no app context stays pushed, so every request the test
    client makes gets its own ``g`` and database session, as in production."""

    app: object
    tokens: dict[str, str] = field(default_factory=dict)
    plan_ids: dict[str, int] = field(default_factory=dict)

    @property
    def registry(self):
        return self.app.extensions["socialplan.registry"]

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    @contextmanager
    def db(self) -> Iterator:
        """A fresh app context and its session, for looking at the database between requests."""
        from core.db import get_session

        with self.app.app_context():
            yield get_session()

    def plan(self, session, name: str):
        from core.models import AnnualPlan

        return session.get(AnnualPlan, self.plan_ids[name])

    def document(self, name: str = "draft") -> dict:
        from core.services.plans import document_of

        with self.db() as session:
            return document_of(session, self.registry, self.plan(session, name))


def build_world(app) -> World:
    """Municipalities 'alpha' and 'beta'; users admin, planner, viewer (alpha) and other (beta's planner);
    plans alpha/2026 (draft, two services, a campaign), alpha/2025 (approved), beta/2026 (draft)."""
    world = World(app)
    with world.db() as session:
        _fill(world, session)
    return world


def _fill(world: World, session) -> None:
    from core.services.accounts import create_municipality, create_user, issue_api_token, set_plugin_enabled
    from core.services.plans import add_row, create_plan, take_step

    registry = world.registry
    towns = {}
    for slug in ("alpha", "beta"):
        towns[slug] = create_municipality(session, slug, {"en": slug.title()}, "ZT", "en", "EUR")
        set_plugin_enabled(session, registry, towns[slug], "integration", True)
    users = {
        "admin": create_user(session, "admin@example.org", "password-1234", "admin", None),
        "planner": create_user(session, "planner@example.org", "password-1234", "planner", towns["alpha"]),
        "viewer": create_user(session, "viewer@example.org", "password-1234", "viewer", towns["alpha"]),
        "other": create_user(session, "other@example.org", "password-1234", "planner", towns["beta"]),
    }
    world.tokens = {who: issue_api_token(session, user) for who, user in users.items()}
    draft = create_plan(session, registry, towns["alpha"], 2026, PLAN_KIND, users["planner"])
    add_row(session, registry, draft, "existing-services",
            service("ZT-1", "Centrul de zi „Speranța” – Piatra-Neamț", "25.5", "1486.50", "300", floor_space="120.5",
                    staff_total=3),
            users["planner"])
    add_row(session, registry, draft, "existing-services", service("ZT-2", "Home care", "40", "2000"),
            users["planner"])
    add_row(session, registry, draft, "campaigns",
            campaign("Awareness week", {"kind": "range", "start": "2026-06-01", "end": "2026-06-07"}),
            users["planner"])
    approved = create_plan(session, registry, towns["alpha"], 2025, PLAN_KIND, users["planner"])
    add_row(session, registry, approved, "existing-services", service("ZT-1", "Day centre", "20", "1000", year=2025),
            users["planner"])
    take_step(session, registry, approved, "submit", {}, users["planner"])
    take_step(session, registry, approved, "approve",
              {"council_decision_ref": "HCL 12/2025", "council_decision_date": "2025-03-01"}, users["admin"])
    other = create_plan(session, registry, towns["beta"], 2026, PLAN_KIND, users["other"])
    session.commit()
    world.plan_ids = {"draft": draft.id, "approved": approved.id, "other": other.id}
