"""A deployment for the public pages' tests (issue 15): the demo data, with plans adopted, drafts and private data.

- Piatra Neamț (published): the 2021 action plan adopted by HCL 77/2021 (revision A1), reopened, changed and
  adopted again by HCL 99/2021 (A2), then reopened once more with a working change that nobody adopted.
- Comuna „Sânmartin” & <Vale> (published, another Romanian municipality with quotes, & and < in its name): a 2022
  plan imported from Piatra Neamț's, with a basis typed with „quotes”, & and <tags>, adopted by HCL 5/2022.
- Stockholm (published): the 2026 follow-up plan adopted by the committee; its follow-ups, deficiencies, cases and
  answers (individuppföljning, small groups among them) stay private, each marked with a word of PRIVATE_MARK.
- Eskilstuna (published): its quality report is a draft. Huddinge (not published): its follow-up plan is adopted.
"""

from __future__ import annotations

import copy
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select, update

PRIVATE_MARK = "PRIVATE-4f1c"  # every private text of the world carries it
DRAFT_MARK = "ciornă-nepublicată-WORKING-9d2e"
BASE_URL = "https://planuri.example.ro"
SANMARTIN_NAME = {"ro": "Comuna „Sânmartin” & <Vale>", "en": 'Sânmartin "Commune" & <Valley>'}
SANMARTIN_BASIS = "Hotărârea „Consiliului” nr. 5/2022 & <anexa 1> – asistență socială"
ROMANIAN_STEPS = (
    ("start-consultation", {"consultation_start": "{year}-01-10", "consultation_end": "{year}-02-10"}),
    ("request-county-opinion", {"contributions_received": "3"}),
)


@dataclass
class PublicWorld:
    app: object
    plan_ids: dict[str, int] = field(default_factory=dict)
    # revision numbers: piatra's two adoptions (a1, a2) and its working revision; sanmartin's adoption
    revisions: dict[str, int] = field(default_factory=dict)

    @property
    def registry(self):
        return self.app.extensions["socialplan.registry"]

    @contextmanager
    def db(self) -> Iterator:
        from core.db import get_session

        with self.app.test_request_context():
            yield get_session()

    def client(self):
        return self.app.test_client()


def make_public_app(make_app, demo_database_url: str, **config):
    return make_app(demo_database_url, PUBLIC_BASE_URL=BASE_URL, **config)


def adopt_romanian(session, registry, plan, reference: str, date: str) -> None:
    from core.services.plans import take_step

    for step, data in ROMANIAN_STEPS:
        take_step(session, registry, plan, step, {k: v.format(year=plan.year) for k, v in data.items()}, None)
    take_step(session, registry, plan, "approve",
              {"county_opinion_ref": f"{plan.year}/CJ-12", "county_opinion_date": f"{plan.year}-02-20",
               "council_decision_ref": reference, "council_decision_date": date}, None)


def _basis_row(session, registry, plan, text: str) -> None:
    from core.services.plans import section_content, update_row

    row = dict(section_content(session, registry, plan, "legal-basis")["rows"][0])
    row["text"] = {"ro": text}
    update_row(session, registry, plan, "legal-basis", 0, row, None, uid=row["uid"])


def build_public_world(app) -> PublicWorld:
    world = PublicWorld(app)
    with world.db() as session:
        _piatra(world, session)
        _sanmartin(world, session)
        _sweden(world, session)
        _mark_private_data(session)
        session.commit()
    return world


def _piatra(world: PublicWorld, session) -> None:
    from core.services.accounts import municipality_by_slug
    from core.services.plans import find_plan, reopen
    from core.services.publication import set_publication

    registry = world.registry
    piatra = municipality_by_slug(session, "piatra-neamt")
    plan = find_plan(session, piatra, 2021, "action-plan")
    adopt_romanian(session, registry, plan, "HCL 77/2021", "2021-03-01")
    world.revisions["a1"] = plan.revision
    reopen(session, registry, plan, None, f"Rectificare bugetară {PRIVATE_MARK}")
    _basis_row(session, registry, plan, "Legea asistenței sociale nr. 292/2011, republicată (rectificare)")
    adopt_romanian(session, registry, plan, "HCL 99/2021", "2021-09-30")
    world.revisions["a2"] = plan.revision
    reopen(session, registry, plan, None, f"A doua rectificare {PRIVATE_MARK}")
    _basis_row(session, registry, plan, f"Legea nr. 292/2011 {DRAFT_MARK}")
    world.revisions["working"] = plan.revision
    world.plan_ids["piatra"] = plan.id
    set_publication(session, piatra, published=True, licence="CC-BY-4.0",
                    publisher="Direcția de Asistență Socială Piatra Neamț")


def _sanmartin(world: PublicWorld, session) -> None:
    from core.models import AnnualPlan
    from core.services.accounts import create_municipality, set_plugin_enabled
    from core.services.plans import document_of, import_document
    from core.services.publication import set_publication

    registry = world.registry
    town = create_municipality(session, "comuna-sanmartin", SANMARTIN_NAME, "RO", "ro", "RON")
    set_plugin_enabled(session, registry, town, "romania", True)
    source = session.get(AnnualPlan, world.plan_ids["piatra"])
    document = copy.deepcopy(document_of(session, registry, source))
    document["municipality"]["slug"] = town.slug
    document["year"] = 2022
    document["status"] = "draft"
    document["council_decision"] = {"reference": None, "date": None}
    document["facts"] = {}
    for section in document["sections"].values():
        for row in section["rows"]:
            row.pop("uid", None)
            for line in row["budget"] if isinstance(row.get("budget"), list) else ():  # a service's lines
                line["year"] = 2022
    document["sections"]["legal-basis"]["rows"][0]["text"] = {"ro": SANMARTIN_BASIS}
    plan = import_document(session, registry, document, None)
    adopt_romanian(session, registry, plan, "HCL 5/2022", "2022-03-15")
    world.revisions["sanmartin"] = plan.revision
    world.plan_ids["sanmartin"] = plan.id
    set_publication(session, town, published=True, licence="CC0-1.0", publisher='Primăria „Sânmartin” & <Co>')


def _sweden(world: PublicWorld, session) -> None:
    from core.services.accounts import municipality_by_slug
    from core.services.plans import find_plan, take_step
    from core.services.publication import set_publication

    registry = world.registry
    for slug in ("stockholm", "huddinge"):
        town = municipality_by_slug(session, slug)
        plan = find_plan(session, town, 2026, "followup-plan")
        take_step(session, registry, plan, "submit", {}, None)
        take_step(session, registry, plan, "approve",
                  {"council_decision_ref": f"Dnr SN 2026/{len(slug)}", "council_decision_date": "2026-02-18"}, None)
        world.plan_ids[slug] = plan.id
    set_publication(session, municipality_by_slug(session, "stockholm"), published=True, licence="CC-BY-4.0",
                    publisher="Socialförvaltningen, Stockholms stad")
    set_publication(session, municipality_by_slug(session, "eskilstuna"), published=True, licence="ODC-By-1.0",
                    publisher="Eskilstuna kommun")
    world.plan_ids["eskilstuna"] = find_plan(session, municipality_by_slug(session, "eskilstuna"), 2017,
                                             "quality-report").id


def _mark_private_data(session) -> None:
    """Every private text of the Swedish plugin (and the answers' districts) carries PRIVATE_MARK."""
    from plugins.sweden.models import Answer, CaseStep, Deficiency, DeficiencyCase, FollowUp

    marked = " " + PRIVATE_MARK
    for model in (FollowUp, DeficiencyCase, CaseStep):  # the demo has them: the walk has something to miss
        assert session.scalar(select(model.id).limit(1)) is not None, model.__name__
    session.execute(update(FollowUp).values(summary=FollowUp.summary + marked))
    session.execute(update(DeficiencyCase).values(description=DeficiencyCase.description + marked))
    session.execute(update(Deficiency).values(description=Deficiency.description + marked,
                                              recorded_by=Deficiency.recorded_by + marked))
    session.execute(update(CaseStep).values(note=CaseStep.note + marked, decided_by=CaseStep.decided_by + marked))
    assert session.scalar(select(Answer.id).limit(1)) is not None, "the demo has individual answers"


def copy_database(template: Path, folder: Path) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "socialplan.sqlite"
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"
