"""The Swedish block of the plan document: export -> import into an empty database -> export gives the
same JSON, the reports print the same text from both databases, and bad blocks are refused by path.

The answer cells (raw counts, small groups included) travel only in an administrator's export with
personal data; the document everyone else reaches never holds them."""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil

import pytest
from sqlalchemy import event, func, select

from core.sdk.plans import document_of, find_plan, import_plan
from core.sdk.reports import render_report
from core.sdk.testing import (
    AnnualPlan,
    DocumentError,
    get_session,
    municipality_by_slug,
    pdf_text,
    without_revision_numbers,
)
from plugins.sweden.models import (
    Answer,
    AnswerCell,
    CaseStep,
    Deficiency,
    DeficiencyCase,
    FollowUp,
    GoalValue,
    LexSarahReport,
    QualityGoal,
    QuestionTemplate,
    Unit,
)

REPORTS = {"quality-report": ["quality-report"], "followup-plan": ["followup-plan", "followup-results"]}
PLANS = [("eskilstuna", 2017, "quality-report"), ("stockholm", 2026, "followup-plan"),
         ("huddinge", 2026, "followup-plan")]
COUNTED = (Unit, FollowUp, DeficiencyCase, CaseStep, QuestionTemplate, AnswerCell, QualityGoal, GoalValue,
           LexSarahReport)




def _plan(session, slug: str, year: int, kind: str) -> AnnualPlan:
    return find_plan(session, municipality_by_slug(session, slug), year, kind)


def _export(app, slug: str, year: int, kind: str, personal_data: bool = True) -> dict:
    """The plan document as a migration exports it: with personal data unless asked otherwise."""
    session = get_session()
    document = document_of(session, app.extensions["socialplan.registry"], _plan(session, slug, year, kind),
                           personal_data=personal_data)
    return json.loads(json.dumps(document))  # JSON-able, and compared as a file would be


def _reports(slug: str, year: int, kind: str) -> dict[tuple[str, str], str]:
    session = get_session()
    plan = _plan(session, slug, year, kind)
    # Revision numbers masked: the same document is another revision in another database.
    return {(report, locale): without_revision_numbers(pdf_text(render_report(session, plan, report, locale)))
            for report in REPORTS[kind] for locale in ("sv", "en")}


def _counts(session) -> list[int]:
    return [session.scalar(select(func.count()).select_from(model)) for model in COUNTED]


@pytest.fixture
def empty_app(make_app, tmp_path, sqlite_template):
    path = tmp_path / "empty.sqlite"
    shutil.copyfile(sqlite_template, path)
    app = make_app(f"sqlite:///{path}")
    yield app
    app.extensions["socialplan.engine"].dispose()


def _import(app, document: dict) -> None:
    with app.app_context():
        session = get_session()
        import_plan(session, app.extensions["socialplan.registry"], copy.deepcopy(document), None)
        session.commit()


@pytest.fixture
def stockholm(demo_app, demo_session):
    return _export(demo_app, "stockholm", 2026, "followup-plan")


@pytest.mark.parametrize(("slug", "year", "kind"), PLANS)
def test_export_import_into_an_empty_database_gives_the_same_json_and_reports(
    demo_app, demo_session, empty_app, slug, year, kind
):
    first = _export(demo_app, slug, year, kind)
    texts = _reports(slug, year, kind)
    _import(empty_app, first)
    with empty_app.app_context():
        assert _export(empty_app, slug, year, kind) == first
        assert _reports(slug, year, kind) == texts
        assert get_session().scalar(select(func.count()).select_from(Answer)) == 0  # only the cells travel
    block = first["extensions"]["sweden"]
    if kind == "quality-report":
        # Seed 002's eight goals: the LSS goal with its three parts; every kind of goal.
        assert [len(g["indicators"]) for g in block["quality_goals"]] == [1, 3, 4, 1, 1, 1, 1, 1]
        assert [g["kind"] for g in block["quality_goals"]] == ["percent"] * 3 + ["text", "percent", "percent",
                                                                                "yes_no", "count"]
        # 2016's result (of 2016's goal) travels with 2017's, which the report prints beside it.
        assert block["quality_goals"][0]["indicators"][0]["values"] == [
            {"year": 2016, "value": "70", "national_value": None, "source": "manual", "outcome": None,
             "comment": {}},
            {"year": 2017, "value": "78.33", "national_value": None, "source": "manual", "outcome": None,
             "comment": {}}]
        assert block["quality_goals"][3]["indicators"][0]["values"][0]["outcome"] is False  # Modiga idéer
        report = block["quality_report"]
        assert report["report_date"] == "2018-02-13" and len(report["sections"]) == 35
        sarah = block["lex_sarah_reports"]
        assert len(sarah) == 18 and sum(r["reported_to_ivo"] for r in sarah) == 5
        assert "78,33 %" in texts["quality-report", "sv"].replace("\u00a0", " ")
    elif slug == "stockholm":
        assert [u["code"] for u in block["units"]] == ["SO-DV", "SO-HT", "SO-HTE", "SO-SH", "SO-VOB"]
        assert [len(c["steps"]) for c in block["deficiency_cases"]] == [2]
        assert block["followups"] == []  # all the demo's follow-ups were done in 2025
        assert sum(c["answers"] for c in block["answer_cells"]) == 6 * (24 + 14 + 3 + 31 + 9 + 8 + 4 + 1 + 10 + 3)
        assert "(NNI)" in texts["followup-results", "en"]
    else:
        assert block["settings"]["schedule_preset"] == "huddinge"
        assert {u["provider"] for u in block["units"]} >= {"Omsorgsbolaget Syd AB", "Trygg Hemtjänst AB"}


def test_importing_twice_changes_nothing_and_back_into_the_demo_keeps_identities(demo_app, demo_session,
                                                                                 empty_app, stockholm):
    _import(empty_app, stockholm)
    with empty_app.app_context():
        counts = _counts(get_session())
    _import(empty_app, stockholm)
    with empty_app.app_context():
        assert _counts(get_session()) == counts
        assert _export(empty_app, "stockholm", 2026, "followup-plan") == stockholm
    # Back into the database it came from: the case keeps its id, so its deficiencies stay linked.
    case_ids = demo_session.scalars(select(DeficiencyCase.id)).all()
    unit = demo_session.scalar(select(Unit).where(Unit.code == "SO-SH"))
    demo_session.add(Deficiency(municipality_id=unit.municipality_id, unit_id=unit.id,
                                found_on=unit.provider_started_on, description="x", case_id=case_ids[0]))
    demo_session.commit()
    answers = demo_session.scalar(select(func.count()).select_from(Answer))
    _import(demo_app, stockholm)
    demo_session.expire_all()
    assert demo_session.scalars(select(DeficiencyCase.id)).all() == case_ids
    assert demo_session.scalar(select(Deficiency.case_id)) == case_ids[0]
    assert demo_session.scalar(select(func.count()).select_from(Answer)) == answers
    assert _export(demo_app, "stockholm", 2026, "followup-plan") == stockholm


def test_a_changed_block_replaces_the_years_data(demo_app, demo_session, empty_app, stockholm):
    _import(empty_app, stockholm)
    changed = copy.deepcopy(stockholm)
    block = changed["extensions"]["sweden"]
    block["deficiency_cases"] = []
    block["followups"] = [{"unit": "SO-VOB", "method": "operational", "planned_on": None, "done_on": "2026-05-04",
                           "deficiencies_found": False, "summary": "Inga brister."}]
    block["units"][0]["name"] = "Dagverksamheten Ringen (ny)"
    _import(empty_app, changed)
    with empty_app.app_context():
        assert _export(empty_app, "stockholm", 2026, "followup-plan") == changed
        text = _reports("stockholm", 2026, "followup-plan")["followup-plan", "en"]
        assert "Dagverksamheten Ringen (ny)" in text and "action plan" not in text


BAD = [
    (lambda b: b["answer_cells"][0].update(positive=10**6), "$.extensions.sweden.answer_cells[0].positive"),
    (lambda b: b["deficiency_cases"][0].update(unit="NO-SUCH"), "$.extensions.sweden.deficiency_cases[0].unit"),
    (lambda b: b["deficiency_cases"][0]["steps"][1].update(taken_on="22/1 2026"),
     "$.extensions.sweden.deficiency_cases[0].steps[1].taken_on"),
    (lambda b: b["settings"].update(schedule_preset="malmo"), "$.extensions.sweden.settings.schedule_preset"),
    (lambda b: b["settings"]["schedule_overrides"].update(operational_every_years="two"),
     "$.extensions.sweden.settings.schedule_overrides.operational_every_years"),
    (lambda b: b["units"][1].update(operating_form="private"), "$.extensions.sweden.units[1].operating_form"),
    (lambda b: b["units"].append(dict(b["units"][0])), "$.extensions.sweden.units[5].code"),
    (lambda b: b["question_templates"][0]["definition"]["questions"][0].update(area="nowhere"),
     "$.extensions.sweden.question_templates[0].definition"),
    (lambda b: b.update(followups=[{"unit": None, "method": "operational", "done_on": "2025-10-14"}]),
     "$.extensions.sweden.followups[0].done_on"),
    (lambda b: b.update(raw_answers=[]), "$.extensions.sweden.raw_answers"),
]


@pytest.mark.parametrize(("mutate", "path"), BAD)
def test_a_bad_followup_block_is_refused_by_path_and_nothing_is_written(demo_app, demo_session, empty_app,
                                                                        stockholm, mutate, path):
    bad = copy.deepcopy(stockholm)
    mutate(bad["extensions"]["sweden"])
    with empty_app.app_context():
        session = get_session()
        with pytest.raises(DocumentError) as refused:
            import_plan(session, empty_app.extensions["socialplan.registry"], bad, None)
        session.rollback()
        assert refused.value.path == path, refused.value
        assert _counts(session) == [0] * len(COUNTED)
        assert session.scalar(select(func.count()).select_from(AnnualPlan)) == 0


def test_a_bad_goal_value_is_refused_and_the_quality_data_stays(demo_app, demo_session):
    document = _export(demo_app, "eskilstuna", 2017, "quality-report")
    before = _counts(demo_session)
    document["extensions"]["sweden"]["quality_goals"][1]["indicators"][0]["values"][0]["value"] = "184"
    document["extensions"]["sweden"]["lex_sarah_reports"] = []  # would land if the import were not all or nothing
    with pytest.raises(DocumentError) as refused:
        import_plan(demo_session, demo_app.extensions["socialplan.registry"], document, None)
    demo_session.rollback()
    assert refused.value.path == "$.extensions.sweden.quality_goals[1].indicators[0].values[0].value"
    assert "184" in refused.value.reason
    assert _counts(demo_session) == before


def test_export_is_a_few_queries_however_much_data(demo_app, demo_session):
    from plugins.sweden.extension import export
    from plugins.sweden.services.followups import record_followup

    plan = _plan(demo_session, "stockholm", 2026, "followup-plan")
    statements: list[str] = []

    def count(*args):
        statements.append(args[2])

    def queries() -> int:
        demo_session.expire_all()
        statements.clear()
        engine = demo_session.get_bind()
        event.listen(engine, "before_cursor_execute", count)
        try:
            export(plan, demo_session)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(statements)

    few = queries()
    assert few <= 10, statements
    for unit in demo_session.scalars(select(Unit).where(Unit.municipality_id == plan.municipality_id)):
        for month in range(1, 13):
            start = unit.provider_started_on or dt.date(2026, 1, 1)
            record_followup(demo_session, unit, "individual", done_on=max(start, dt.date(2026, month, 1)))
    demo_session.flush()
    assert queries() == few



def test_the_document_everyone_reaches_holds_no_answer_cells(demo_app, demo_session, stockholm):
    from core.sdk.testing import check_schema

    plain = _export(demo_app, "stockholm", 2026, "followup-plan", personal_data=False)
    check_schema(plain)
    check_schema(stockholm)
    assert "answer_cells" not in plain["extensions"]["sweden"] and "personal_data" not in plain
    # The migration's export is marked, and carries SO-HT's three respondents as they are.
    assert stockholm["personal_data"] is True
    small = [c for c in stockholm["extensions"]["sweden"]["answer_cells"] if c["unit"] == "SO-HT"]
    assert small and {c["respondents"] for c in small if c["respondent"] == "person"} == {3}
    without = {k: v for k, v in stockholm.items() if k != "personal_data"}
    assert {k: v for k, v in without["extensions"]["sweden"].items() if k != "answer_cells"} == \
        plain["extensions"]["sweden"]


def test_cells_are_read_only_from_a_document_marked_as_holding_personal_data(demo_app, demo_session, empty_app,
                                                                             stockholm):
    unmarked = {k: v for k, v in stockholm.items() if k != "personal_data"}
    with empty_app.app_context():
        session = get_session()
        with pytest.raises(DocumentError) as refused:
            import_plan(session, empty_app.extensions["socialplan.registry"], copy.deepcopy(unmarked), None)
        session.rollback()
        assert refused.value.path == "$.extensions.sweden.answer_cells"
        assert _counts(session) == [0] * len(COUNTED)


def test_a_plain_document_leaves_the_cells_as_they_are(demo_app, demo_session, empty_app, stockholm):
    plain = _export(demo_app, "stockholm", 2026, "followup-plan", personal_data=False)
    _import(empty_app, plain)
    with empty_app.app_context():
        assert get_session().scalar(select(func.count()).select_from(AnswerCell)) == 0
    _import(empty_app, stockholm)
    with empty_app.app_context():
        cells = get_session().scalar(select(func.count()).select_from(AnswerCell))
    _import(empty_app, plain)  # e.g. a council's copy imported again: the cells stay
    with empty_app.app_context():
        assert cells > 0 and get_session().scalar(select(func.count()).select_from(AnswerCell)) == cells
        assert _export(empty_app, "stockholm", 2026, "followup-plan") == stockholm
