"""The one world of the suite's tests, on the one test jurisdiction: the SDK page's example plugin
(docs/example-plugin, loaded by tests/conftest.py as a third-party package would be).

``build_world`` makes two municipalities of Exampleland, 'alpha' and 'beta' (country XX, Romanian by
default, RON), each with a planner and a council viewer, an administrator, API tokens, and per
municipality a 2026 draft and a 2025 plan adopted by the council. Fixtures (tests/conftest.py):
``make_world`` (a world on its own app, with config), ``web_app``, ``web_client`` and ``world``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from flask import Flask

from core.sdk.testing import create_municipality, create_user, get_session, issue_api_token, login, set_plugin_enabled

PLUGIN = "example"  # the test jurisdiction's plugin name
KIND = "example-plan"  # its plan kind
REPORT = "example-report"  # its report kind
PASSWORD = "correct-horse-battery"  # every account's password
DRAFT_YEAR, APPROVED_YEAR = 2026, 2025
NAMES = {"alpha": {"en": "Alpha", "ro": "Alfa"}, "beta": {"en": "Beta"}}
TOKEN_OWNERS = {"admin": "admin@example.org", "planner": "planner@alpha.org", "viewer": "viewer@alpha.org",
                "other": "planner@beta.org"}
EXAMPLE_TOWN = {"en": "Example Town", "ro": "Orașul Exemplu", "sv": "Exempelstad"}  # the plugin's demo town
DECISION = {"council_decision_ref": "HCL 12/2025", "council_decision_date": "2025-03-01"}

# The generic service form's fields for one row, as a browser sends them.
SERVICE_ROW = {"code": "XX-1", "name__en": "Day centre", "capacity": "20", "occupancy": "80", "status": "existing",
               "budget-0-source": "local", "budget-0-amount": "1000.50", "budget-0-scale": "1",
               "budget-0-year": str(DRAFT_YEAR)}


def service(name: str, *, code: str = "XX-1", capacity: str = "20", occupancy: str | None = None,
            local: str | None = None, state: str | None = None, year: int = DRAFT_YEAR,
            ro: str | None = None, **extra: Any) -> dict:
    """A service row as the plan document writes it (a budget line per amount given); ``extra`` holds the
    plugin's own facts."""
    budget = [{"year": year, "source": source, "amount": amount, "currency": "RON", "scale": 1, "note": {}}
              for source, amount in (("local", local), ("state", state)) if amount is not None]
    return {"code": code, "unit": {}, "name": {"en": name, **({"ro": ro} if ro else {})}, "description": {},
            "beneficiary_category": {}, "capacity": capacity, "capacity_unit": {}, "occupancy": occupancy,
            "status": "existing", "extra": extra, "budget": budget}


def campaign(title: str, period: dict) -> dict:
    return {"title": {"en": title}, "objectives": {}, "period": period, "responsible": {}, "target_group": {}}


@dataclass
class World:
    """What the tests need to know of the data. No app context stays pushed, so every request the test
    client makes gets its own ``g`` and database session, as in production."""

    app: Flask
    alpha: str = "alpha"
    beta: str = "beta"
    tokens: dict[str, str] = field(default_factory=dict)  # the API tokens issued so far, see headers()
    plan_ids: dict[str, int] = field(default_factory=dict)  # alpha-draft, alpha-approved, beta-draft, beta-approved

    @property
    def registry(self):
        return self.app.extensions["socialplan.registry"]

    @property
    def alpha_draft(self) -> int:  # alpha's 2026 draft: two services and a campaign
        return self.plan_ids["alpha-draft"]

    @property
    def alpha_approved(self) -> int:  # alpha's 2025 plan, adopted: one service
        return self.plan_ids["alpha-approved"]

    @property
    def beta_draft(self) -> int:  # beta's 2026 draft: two services
        return self.plan_ids["beta-draft"]

    @property
    def beta_approved(self) -> int:
        return self.plan_ids["beta-approved"]

    def headers(self, who: str) -> dict[str, str]:
        """The API headers of 'admin', 'planner', 'viewer' (alpha's) or 'other' (beta's planner): each one's
        token is issued the first time it is asked for, so a world nobody asks has no tokens."""
        if who not in self.tokens:
            from core.sdk.testing import User

            with self.db() as session:
                user = session.query(User).filter_by(email=TOKEN_OWNERS[who]).one()
                self.tokens[who] = issue_api_token(session, user)
                session.commit()
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    @contextmanager
    def db(self) -> Iterator:
        """A fresh app context and its session, for looking at the database between requests."""
        with self.app.app_context():
            yield get_session()

    def plan(self, session, name: str = "alpha-draft"):
        from core.sdk.testing import AnnualPlan

        return session.get(AnnualPlan, self.plan_ids[name])

    def document(self, name: str = "alpha-draft") -> dict:
        from core.sdk.plans import document_of

        with self.db() as session:
            return document_of(session, self.registry, self.plan(session, name))


def sign_in(client, email: str, password: str = PASSWORD):
    return login(client, email, password)


def build_world(app: Flask) -> World:
    world = World(app)
    with world.db() as session:
        _fill(world, session)
    return world


def _fill(world: World, session) -> None:
    from core.sdk.plans import add_row, create_plan, take_step

    registry = world.registry
    admin = create_user(session, "admin@example.org", PASSWORD, "admin", None, "en")
    for slug, name in NAMES.items():
        town = create_municipality(session, slug, name, "XX", "ro", "RON")
        set_plugin_enabled(session, registry, town, PLUGIN, True)
        planner = create_user(session, f"planner@{slug}.org", PASSWORD, "planner", town, "en")
        create_user(session, f"viewer@{slug}.org", PASSWORD, "viewer", town, "en")
        draft = create_plan(session, registry, town, DRAFT_YEAR, KIND, planner)
        add_row(session, registry, draft, "services",
                service("Day centre", ro="Centrul de zi „Speranța” – Piatra-Neamț", capacity="25.5", occupancy="80",
                        local="1486.50", state="300", floor_space="120.5", staff_total=3), planner)
        add_row(session, registry, draft, "services",
                service("Home care", code="XX-2", capacity="40", local="250"), planner)
        if slug == "alpha":
            add_row(session, registry, draft, "campaigns",
                    campaign("Awareness week", {"kind": "range", "start": "2026-06-01", "end": "2026-06-07"}),
                    planner)
        approved = create_plan(session, registry, town, APPROVED_YEAR, KIND, planner)
        add_row(session, registry, approved, "services",
                service("Day centre", occupancy="80", local="1000", year=APPROVED_YEAR), planner)
        take_step(session, registry, approved, "submit", {}, planner)
        take_step(session, registry, approved, "approve", DECISION, admin)
        world.plan_ids.update({f"{slug}-draft": draft.id, f"{slug}-approved": approved.id})
    session.commit()


def plan_document(year: int = 2021) -> dict:
    """A whole plan document of the test jurisdiction's plan kind for Example Town (its demo municipality),
    with every row type filled, as an import reads it."""
    return {
        "format": "socialplan.plan",
        "version": 1,
        "municipality": {"slug": "exampletown", "name": EXAMPLE_TOWN, "country": "XX", "default_locale": "ro",
                         "currency": "RON"},
        "year": year,
        "kind": KIND,
        "status": "draft",
        "title": {"ro": f"Planul anual {year}", "en": f"Annual plan {year}"},
        "council_decision": {"reference": None, "date": None},
        "facts": {},
        "sections": {
            "objectives": {"not_applicable": False, "text": {}, "footnote": {}, "rows": [
                {"level": "strategic", "text": {"ro": "Implicare activă a comunității"}, "reference": {"ro": "HCL 273"},
                 "group": {}},
                {"level": "operational", "text": {"ro": "Dezvoltarea de parteneriate"}, "reference": {}, "group": {}},
            ]},
            "services": {"not_applicable": False, "text": {}, "footnote": {"ro": "* estimare"}, "rows": [
                {"code": "XX-1", "unit": {"ro": "Centrul Social Pietricica"}, "name": {"ro": "Servicii în centru"},
                 "description": {}, "beneficiary_category": {"ro": "Vârstnici cu risc"}, "capacity": "102",
                 "capacity_unit": {"ro": "persoane"}, "occupancy": "100", "status": "existing", "extra": {},
                 "budget": [
                     {"year": year, "source": "local", "amount": "1486", "currency": "RON", "scale": 1000, "note": {}},
                     {"year": year, "source": "other", "amount": "66361.82", "currency": "RON", "scale": 1,
                      "note": {}},
                 ]},
            ]},
            "campaigns": {"not_applicable": False, "text": {}, "footnote": {}, "rows": [
                {"title": {"ro": "Campanie <b>&</b> \"ghilimele\""}, "objectives": {"ro": "Informare"},
                 "period": {"kind": "recurrence", "every": "monthly"}, "responsible": {"ro": "Serviciul"},
                 "target_group": {}},
            ]},
            "training": {"not_applicable": False, "text": {}, "footnote": {}, "rows": [
                {"kind": "further-training", "department": {"ro": "Serviciul de Asistență Socială"}, "persons": 9,
                 "budgeted": False, "budget": None, "note": {"ro": "nu sunt prevăzute alocări"}},
                {"kind": "peer-review", "department": {"ro": "Teme"}, "persons": 10, "budgeted": True,
                 "budget": "10000", "note": {}},
            ]},
            "meetings": {"not_applicable": False, "text": {}, "footnote": {}, "rows": [
                {"participants": "DAS, DGASPC", "frequency": "monthly"},
            ]},
            "intro": {"not_applicable": True, "text": {"ro": "Nu este cazul (Legea 34/1998)."}, "footnote": {},
                      "rows": []},
            "notes": {"not_applicable": False, "text": {}, "footnote": {},
                      "rows": [{"note": "Raport „anual” & <anexe>"}]},
        },
    }
