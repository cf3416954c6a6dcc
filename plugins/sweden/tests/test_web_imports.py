"""Uploading individuppföljning answers (CSV) and Kolada figures (JSON): all or nothing, errors per row."""

from __future__ import annotations

import io
import json

from sqlalchemy import func, select

from plugins.sweden.models import Answer, GoalValue, QuestionTemplate
from plugins.sweden.services.reference import DATA
from plugins.sweden.tests.helpers import sign_in


def _answers(app, year: int) -> int:
    from core.sdk.testing import get_session

    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(Answer).where(Answer.year == year))


def _template_id(app, slug: str) -> int:
    from core.sdk.testing import get_session, municipality_by_slug

    with app.app_context():
        session = get_session()
        return session.scalar(select(QuestionTemplate.id).where(
            QuestionTemplate.municipality_id == municipality_by_slug(session, slug).id))


def _upload(client, template_id: int, text: str, year: str = "2025", **extra):
    data = {"template_id": str(template_id), "year": year, "file": (io.BytesIO(text.encode()), "svar.csv"), **extra}
    return client.post("/m/stockholm/sweden/import/answers", data=data, content_type="multipart/form-data")


GOOD = "unit;response;question;value;area;respondent\n" + "".join(
    f"SO-VOB;{n};q{q};{1 + (n + q) % 5 if q in (1, 3, 5, 6) else (n + q) % 2};;person\n"
    for n in range(1, 7) for q in range(1, 7))


def test_answers_upload_refused_rows_listed_and_nothing_saved(demo_app, demo_client):
    sign_in(demo_client, "planner@stockholm.demo")
    template_id = _template_id(demo_app, "stockholm")
    page = demo_client.get("/m/stockholm/sweden/import").get_data(as_text=True)
    assert 'id="answers-import"' in page and 'id="kolada-import"' in page
    bad = GOOD + "SO-VOB;7;q1;9;;person\nNOPE;8;q1;3;;person\nSO-VOB;9;q2;1;meals;person\nSO-VOB;1;q1;3;;person\n"
    answer = _upload(demo_client, template_id, bad)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "No answer was saved: 4 of 40 rows were refused." in html
    assert "outside the scale 1 to 5" in html and "There is no unit &#39;NOPE&#39;" in html
    assert "belongs to another area" in html and "answers the question &#39;q1&#39; twice" in html
    assert '<td>38</td><td>value</td>' in html  # the line in the file, header = line 1
    assert _answers(demo_app, 2025) == 0


def test_answers_upload_imports_and_refuses_a_second_import_unless_replacing(demo_app, demo_client):
    sign_in(demo_client, "planner@stockholm.demo")
    template_id = _template_id(demo_app, "stockholm")
    answer = _upload(demo_client, template_id, GOOD)
    assert answer.status_code == 302 and _answers(demo_app, 2025) == 36
    again = _upload(demo_client, template_id, GOOD)
    assert again.status_code == 400 and "answers for 2025 already" in again.get_data(as_text=True)
    assert _upload(demo_client, template_id, GOOD.splitlines()[0] + "\nSO-VOB;1;q6;5;;person\n",
                   replace="y").status_code == 302
    assert _answers(demo_app, 2025) == 1
    from core.sdk.testing import get_session

    with demo_app.app_context():
        stored = get_session().scalar(select(Answer).where(Answer.year == 2025))
        assert (stored.area, stored.positive, stored.district) == ("overall", True, "Södermalm")


def test_answers_upload_without_the_columns_or_a_file(demo_app, demo_client):
    sign_in(demo_client, "planner@stockholm.demo")
    template_id = _template_id(demo_app, "stockholm")
    answer = _upload(demo_client, template_id, "enhet,svar\nSO-VOB,3\n")
    assert answer.status_code == 400 and "missing: unit, response, question, value" in answer.get_data(as_text=True)
    answer = demo_client.post("/m/stockholm/sweden/import/answers", data={"template_id": str(template_id),
                                                                          "year": "2025"})
    assert answer.status_code == 400 and "Choose a CSV file to upload." in answer.get_data(as_text=True)


def test_kolada_upload(demo_app, demo_client):
    sign_in(demo_client, "planner@eskilstuna.demo")
    from core.sdk.testing import get_session

    with demo_app.app_context():
        session = get_session()
        session.execute(GoalValue.__table__.delete().where(GoalValue.source == "kolada"))
        session.commit()
    document = (DATA / "kolada_eskilstuna_2016_2017.json").read_bytes()
    answer = demo_client.post("/m/eskilstuna/sweden/import/kolada", content_type="multipart/form-data",
                              data={"kolada-file": (io.BytesIO(document), "kolada.json")}, follow_redirects=True)
    assert answer.status_code == 200 and "Kolada: 4 results and 4 national figures were imported" in answer.get_data(
        as_text=True)
    with demo_app.app_context():
        assert get_session().scalar(select(func.count()).select_from(GoalValue).where(
            GoalValue.source == "kolada")) == 4
    refused = demo_client.post("/m/eskilstuna/sweden/import/kolada", content_type="multipart/form-data",
                               data={"kolada-file": (io.BytesIO(json.dumps({"rows": []}).encode()), "x.json")})
    assert refused.status_code == 400 and "not a Kolada data document (API v2 or v3)" in refused.get_data(as_text=True)
