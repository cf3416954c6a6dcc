"""The revision comparison names every field, value and status in the reader's language (en, sv, ro).

A Romanian action plan of a municipality of our own (Târgu "Frumos" & <Vale>) is imported, then
changed through the services as planners change it: a service removed, another moved, amounts,
a period, a website entry's frequency, a training row, the proposed service's floor space and staff,
and the English title. The comparison of the first and the last revision must hold none of the
document's own keys or codes, and must say what changed in words.
"""

from __future__ import annotations

import copy
import html
import re

import pytest

from core.db import get_session
from core.services import plans as plan_service
from core.services.accounts import create_user, municipality_by_slug
from core.services.plans import document_of
from core.testing import login
from plugins.romania.demo import demo_document

PASSWORD = "correct-horse-battery"
PLANNER = "planificator@targu-frumos.example"
TITLE_EN = 'Plan "Speranța" & <2021>'

# Keys and codes of the plan document that a reader must never see, anywhere on the page.
RAW_ANYWHERE = ("budget ([", "([", "budget[", "[0]", "title.en", "title.ro", "name.", "text.", ".en)", ".ro)", "(en)",
                "(ro)", "(sv)", "extra.", "uid", "period.", "floor_space", "staff_roles", "monthly-or-on-change",
                "half-year", "RON", "beneficiary_category", "None", "{'", "[{")
# Codes that must not stand as a value or a label of their own.
RAW_VALUES = ("existing", "proposed", "local", "county", "state", "other", "true", "false", "True",
              "False", "strategic", "further-training", "1000")


def _document() -> dict:
    document = copy.deepcopy(demo_document())
    document["municipality"].update(slug="targu-frumos", name={"ro": 'Orașul Târgu "Frumos" & <Vale>'})
    document["facts"] = {}
    return document


@pytest.fixture
def changed_plan(app):
    """The plan's first revision (imported) and its last, after one change of each kind."""
    registry = app.extensions["socialplan.registry"]
    with app.app_context():
        session = get_session()
        plan = plan_service.import_document(session, registry, _document(), None)
        first = plan.revision
        create_user(session, PLANNER, PASSWORD, "planner", municipality_by_slug(session, "targu-frumos"), "en")
        rows = document_of(session, registry, plan)["sections"]

        def update(section: str, index: int, change) -> None:
            row = copy.deepcopy(rows[section]["rows"][index])
            change(row)
            plan_service.update_row(session, registry, plan, section, index, row, None, uid=row["uid"])

        plan_service.delete_row(session, registry, plan, "existing-services", 1, None)  # the second service
        moved = rows["existing-services"]["rows"][4]["uid"]  # the fifth, fourth after the removal: up twice
        plan_service.move_row(session, registry, plan, "existing-services", 3, -1, None, uid=moved)
        plan_service.move_row(session, registry, plan, "existing-services", 2, -1, None, uid=moved)

        def budget(row):
            row["budget"][0]["amount"] = "1486.50"
            row["budget"].append({"year": 2021, "source": "county", "amount": "250", "currency": "RON",
                                  "scale": row["budget"][0].get("scale") or 1, "note": {}})
            row["occupancy"] = "95"

        update("existing-services", 0, budget)
        update("proposed-services", 0, lambda row: row["extra"].update(
            floor_space="180.5", staff_roles=[{"role": {"ro": "Educator „Primii pași”"}, "count": 4}]))
        update("awareness-campaigns", 0, lambda row: row.update(period={"kind": "half-year", "half": 2, "year": 2021}))
        update("website-information", 0, lambda row: row.update(frequency="monthly-or-on-change"))
        update("training-courses", 0, lambda row: row.update(persons=12, budgeted=True, budget="5000"))
        plan_service.set_title(session, registry, plan, {**plan.title, "en": TITLE_EN}, None)
        session.commit()
        yield plan.id, first, plan.revision


def _main(page: str) -> str:
    return page[page.index("<main"):page.index("</main>")]


def _texts(main: str) -> list[str]:
    """The text of every cell, old and new value of the comparison's tables."""
    cells = re.findall(r"<(del|ins|th|td)[^>]*>(.*?)</\1>", main, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", text)).strip() for _tag, text in cells]


@pytest.mark.parametrize("locale", ["en", "sv", "ro"])
def test_comparison_holds_no_raw_key_in_any_language(app, changed_plan, locale):
    plan_id, first, last = changed_plan
    client = app.test_client()
    login(client, PLANNER, PASSWORD)
    client.post("/locale", data={"locale": locale, "next": "/"})
    response = client.get(f"/m/targu-frumos/plans/{plan_id}/compare?a={first}&b={last}")
    assert response.status_code == 200
    main = _main(response.text)
    assert 'lang="' + locale + '"' in response.text
    for raw in RAW_ANYWHERE:
        assert raw not in html.unescape(main), f"{locale}: {raw!r} is on the page"
    texts = _texts(main)
    for raw in RAW_VALUES:
        assert raw not in texts, f"{locale}: the code {raw!r} stands alone in a cell"
    # What changed, in words (labels of the forms and the PDF, in the page's language).
    expected = {
        "en": ("Budget 2021, Local budget: amount", "Budget 2021, County budget: amount", "Title (English)",
               "moved from row 5 to row 2", "removed", "Second half of the year 2021", "monthly or when it changes",
               "Floor space (m²)", "Staff by role", "Occupancy (%)", "Number of persons", "Yes", "95%"),
        "sv": ("Budget 2021, Kommunens budget: belopp", "Titel (English)", "flyttad från rad 5 till rad 2",
               "borttagen", "Andra halvåret 2021", "varje månad eller vid ändring", "Golvyta (m²)",
               "Personal per befattning", "Beläggning (%)", "Antal personer", "Ja"),
        "ro": ("Buget 2021, Buget local: sumă", "Titlu (English)", "mutat de pe rândul 5 pe rândul 2", "eliminat",
               "Semestrul II 2021", "lunar/când apar modificări", "Spațiu necesar (mp)", "Personal pe funcții",
               "Grad de ocupare (%)", "Nr. persoane", "Da"),
    }[locale]
    page_text = html.unescape(main)
    for words in expected:
        assert words in page_text, f"{locale}: {words!r} is missing"
    assert TITLE_EN in page_text and "&lt;2021&gt;" in main  # typed text shown as typed, escaped
    # Amounts in the locale's writing, with the currency by its name, never its code.
    amount = {"en": "1,486.50", "sv": "1\u00a0486,50", "ro": "1.486,50"}[locale]
    assert amount in page_text

