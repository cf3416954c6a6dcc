"""The adopted quality report prints what was adopted (issue 9, part 2).

Huddinge's quality report of 2024 is adopted with its goals, Kolada's figures (for women and men too) and a lex
Sarah report; an administrator opens a new working revision, and the planner then changes the goals' result,
removes a goal, adds one, imports a newer Kolada file (a result now missing, "Saknas") and records another lex
Sarah report. The adopted revision's PDF (the command line's ``report render --adopted``, the viewer's download,
the planner's "as adopted" download and the public page's PDF) still prints what the committee adopted; the
working revision's prints the changes. The plan document carries Kolada's figures, and reads back a document
written before it did.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from core.sdk.plans import create_plan, document_of, find_plan, import_plan
from core.sdk.plans import take_step as plan_step
from core.sdk.reports import render_report
from core.sdk.testing import (
    DEMO_ADMIN,
    AnnualPlan,
    DocumentError,
    User,
    get_registry,
    get_session,
    municipality_by_slug,
    pdf_text,
    without_revision_numbers,
)
from plugins.sweden.models import QualityGoal
from plugins.sweden.services import goals, kolada, lex_sarah
from plugins.sweden.tests.helpers import sign_in

SLUG, YEAR, KIND = "huddinge", 2024, "quality-report"
GOAL = {"sv": 'Nöjdhet "hemtjänst" & <vård>'}
GONE = {"sv": "Trygghet på natten"}
NEW = {"sv": "Nya måltider i särskilt boende"}
KOLADA_GOAL = {"sv": "Självständighet i vardagen"}
HOME = "U21468"
DECISION = "ÄLN 2025/17"


def _flat(text: str) -> str:
    """PDF text with hyphenation at line ends undone, whitespace single spaces and revision numbers masked."""
    return " ".join(re.sub(r"-\n(?=[a-zåäö])", "", without_revision_numbers(text)).split())


def _kolada_file(path: Path, total: float | None, women: float, men: float | None, national: float) -> Path:
    """A Kolada v3 page for Huddinge (0126) and riket of the goal's KPI; a None value is 'Saknas'."""
    def value(gender: str, figure: float | None) -> dict:
        return {"gender": gender, "value": figure, "status": "Saknas" if figure is None else "", "count": 1}

    path.write_text(json.dumps({"count": 2, "next_page": None, "values": [
        {"kpi": HOME, "municipality": "0126", "period": YEAR,
         "values": [value("T", total), value("K", women), value("M", men)]},
        {"kpi": HOME, "municipality": "0000", "period": YEAR, "values": [value("T", national)]},
    ]}), encoding="utf-8")
    return path


@pytest.fixture
def plan_id(demo_app, tmp_path) -> int:
    """Huddinge's quality report of 2024, adopted by the committee, published, then reopened."""
    with demo_app.app_context():
        session, registry = get_session(), get_registry()
        town = municipality_by_slug(session, SLUG)
        admin = session.scalar(select(User).where(User.email == DEMO_ADMIN))
        plan = create_plan(session, registry, town, YEAR, KIND, admin)
        goal = goals.create_goal(session, town.id, YEAR, GOAL, "86")
        goals.record_value(session, goal.indicators[0], YEAR, "88", None)
        gone = goals.create_goal(session, town.id, YEAR, GONE, "80")
        goals.record_value(session, gone.indicators[0], YEAR, "82", None)
        goals.create_goal(session, town.id, YEAR, KOLADA_GOAL, "75", HOME)
        kolada.import_kolada(session, town.id, _kolada_file(tmp_path / "before.json", 75.5, 78.25, 72.75, 80.5))
        lex_sarah.add_report(session, town.id, YEAR, "residential_care", "female", True)
        plan_step(session, registry, plan, "submit", {}, admin)
        plan_step(session, registry, plan, "approve", {"council_decision_ref": DECISION,
                                                       "council_decision_date": "2025-03-20"}, admin)
        town.published, town.licence = True, "CC0-1.0"
        session.commit()
        plan_id = plan.id
    admin = demo_app.test_client()
    sign_in(admin, DEMO_ADMIN)
    answer = admin.post(f"/m/{SLUG}/plans/{plan_id}/reopen", data={"reason": "Nya resultat & <rättelser>",
                                                                    "confirm": "y"})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:2000]
    return plan_id


def _change_everything(app, tmp_path) -> None:
    """After the adoption: a result changed, a goal removed and one added, Kolada imported, lex Sarah recorded."""
    with app.app_context():
        session = get_session()
        town = municipality_by_slug(session, SLUG)
        by_title = {g.title["sv"]: g for g in session.scalars(select(QualityGoal).where(
            QualityGoal.municipality_id == town.id, QualityGoal.year == YEAR))}
        goals.record_value(session, by_title[GOAL["sv"]].indicators[0], YEAR, "70", None)
        goals.remove_goal(session, by_title[GONE["sv"]])
        goals.create_goal(session, town.id, YEAR, NEW, "60")
        kolada.import_kolada(session, town.id, _kolada_file(tmp_path / "after.json", None, 91.25, None, 84.75))
        lex_sarah.add_report(session, town.id, YEAR, "ordinary_housing", "male", False)
        session.commit()


def _adopted_revision(app, plan_id: int) -> int:
    with app.app_context():
        plan = get_session().get(AnnualPlan, plan_id)
        assert plan.status == "draft" and plan.adopted_revision < plan.revision
        return plan.adopted_revision


def _render(app, plan_id: int, lang: str, adopted: bool) -> str:
    with app.app_context():
        plan = get_session().get(AnnualPlan, plan_id)
        return _flat(pdf_text(render_report(get_session(), plan, KIND, lang,
                                            revision=plan.adopted_revision if adopted else None),
                              plain_spaces=True))


def _assert_as_adopted(text: str) -> None:
    assert f"Beslutad version (version N), beslut {DECISION} den 20 mars 2025" in text
    assert f"{GOAL['sv']} Alla 86 % 88 % – Ja" in text and "70 %" not in text
    assert f"{GONE['sv']} Alla 80 % 82 % – Ja" in text  # removed after the adoption: adopted with it
    assert NEW["sv"] not in text  # added after the adoption
    # Kolada's figures as imported before the adoption: the result and riket's, then women's and men's.
    assert f"{KOLADA_GOAL['sv']} Alla 75 % 75,5 % 80,5 % Ja" in text
    assert f"{KOLADA_GOAL['sv']} 75,5 % 78,25 % 72,75 % 80,5 % – –" in text
    assert "Saknas" not in text and "91,25 %" not in text and "84,75 %" not in text
    assert "Under 2024 gjordes 1 lex Sarah-rapport;" in text and "Vård- och omsorgsboende 1 1 Totalt 1 1 0" in text
    assert "Ordinärt boende" not in text


def _assert_working(text: str) -> None:
    assert "Arbetsversion N, ej beslutad" in text and DECISION not in text
    assert f"{GOAL['sv']} Alla 86 % 70 % – Nej" in text and "88 %" not in text
    assert GONE["sv"] not in text and f"{NEW['sv']} Alla 60 % – – –" in text
    assert f"{KOLADA_GOAL['sv']} Alla 75 % Saknas 84,75 % –" in text
    assert f"{KOLADA_GOAL['sv']} Saknas 91,25 % Saknas 84,75 % – –" in text
    assert "75,5 %" not in text and "78,25 %" not in text
    assert "Under 2024 gjordes 2 lex Sarah-rapporter;" in text and "Ordinärt boende 1 1 Totalt 2 1 1" in text


def test_the_adopted_pdf_prints_what_was_adopted_and_the_working_one_the_changes(demo_app, tmp_path, plan_id):
    before = _render(demo_app, plan_id, "sv", adopted=True)
    _assert_as_adopted(before)
    _change_everything(demo_app, tmp_path)
    adopted = _render(demo_app, plan_id, "sv", adopted=True)
    _assert_as_adopted(adopted)

    _assert_working(_render(demo_app, plan_id, "sv", adopted=False))

    english = _render(demo_app, plan_id, "en", adopted=True)
    assert "88%" in english and GONE["sv"] in english and NEW["sv"] not in english and "Missing" not in english


def test_the_viewers_download_the_planners_as_adopted_and_the_public_pdf_print_what_was_adopted(
        demo_app, tmp_path, plan_id):
    _change_everything(demo_app, tmp_path)
    number = _adopted_revision(demo_app, plan_id)
    viewer = demo_app.test_client()
    sign_in(viewer, f"viewer@{SLUG}.demo", "sv")
    download = viewer.get(f"/m/{SLUG}/plans/{plan_id}/reports/{KIND}/sv.pdf")
    assert download.status_code == 200 and "adopted" in download.headers["Content-Disposition"]
    planner = demo_app.test_client()
    sign_in(planner, f"planner@{SLUG}.demo", "sv")
    as_adopted = planner.get(f"/m/{SLUG}/plans/{plan_id}/reports/{KIND}/sv.pdf?revision=adopted")
    assert as_adopted.status_code == 200
    public = demo_app.test_client().get(f"/public/{SLUG}/{YEAR}/{KIND}/r{number}/plan.pdf")
    assert public.status_code == 200 and public.mimetype == "application/pdf"
    for answer in (download, as_adopted, public):
        _assert_as_adopted(_flat(pdf_text(answer.data, plain_spaces=True)))
    working = planner.get(f"/m/{SLUG}/plans/{plan_id}/reports/{KIND}/sv.pdf")
    assert working.status_code == 200
    _assert_working(_flat(pdf_text(working.data, plain_spaces=True)))


def _exported(app, plan_id: int) -> dict:
    with app.app_context():
        plan = get_session().get(AnnualPlan, plan_id)
        return json.loads(json.dumps(document_of(get_session(), get_registry(), plan), ensure_ascii=False))


def _import_as(app, document: dict, slug: str) -> int:
    document = copy.deepcopy(document)
    document["municipality"]["slug"] = slug
    document["municipality"]["name"] = {"sv": f"Kommun {slug}"}
    with app.app_context():
        import_plan(get_session(), get_registry(), document, None)
        get_session().commit()
        return find_plan(get_session(), municipality_by_slug(get_session(), slug), YEAR, KIND).id


def test_the_document_carries_kolada_figures_and_reads_one_written_before_it_did(demo_app, tmp_path, plan_id):
    _change_everything(demo_app, tmp_path)
    document = _exported(demo_app, plan_id)
    indicator = next(g for g in document["extensions"]["sweden"]["quality_goals"]
                     if g["title"] == KOLADA_GOAL)["indicators"][0]
    assert {(f["national"], f["gender"]): (f["value"], f["status"]) for f in indicator["kolada_figures"]} == {
        (False, "T"): (None, "Saknas"), (False, "K"): ("91.25", ""), (False, "M"): (None, "Saknas"),
        (True, "T"): ("84.75", "")}
    # Imported into a fresh municipality, the figures come back: the same goals, figures and words printed.
    fresh = _import_as(demo_app, document, "ny-kommun")
    _assert_working(_render(demo_app, fresh, "sv", adopted=False))
    # A figure of no sex Kolada knows is refused with its path, and nothing is written.
    wrong = copy.deepcopy(document)
    goal = next(i for i, g in enumerate(wrong["extensions"]["sweden"]["quality_goals"]) if g["title"] == KOLADA_GOAL)
    wrong["extensions"]["sweden"]["quality_goals"][goal]["indicators"][0]["kolada_figures"][0]["gender"] = "X"
    with pytest.raises(DocumentError) as refused:
        _import_as(demo_app, wrong, "fel-kommun")
    assert refused.value.path == f"$.extensions.sweden.quality_goals[{goal}].indicators[0].kolada_figures[0].gender"
    with demo_app.app_context():
        get_session().rollback()
        assert municipality_by_slug(get_session(), "fel-kommun") is None
    # A document written before the block carried Kolada's figures still imports: then none is kept.
    for goal in document["extensions"]["sweden"]["quality_goals"]:
        for part in goal["indicators"]:
            del part["kolada_figures"]
    older = _import_as(demo_app, document, "gammal-kommun")
    text = _render(demo_app, older, "sv", adopted=False)
    assert GOAL["sv"] in text and "70 %" in text and "91,25 %" not in text and "Saknas" not in text
