"""Question templates in the browser: the city-wide template, and a district's own questions."""

from __future__ import annotations

import re
from html import unescape as html_unescape

from sqlalchemy import select

from plugins.sweden.models import QuestionTemplate
from plugins.sweden.tests.helpers import sign_in


def _templates(app) -> list[tuple[int | None, str, list[str]]]:
    from core.sdk.testing import get_session

    with app.app_context():
        return [(t.parent_id, t.district, [q["code"] for q in t.definition.get("questions", [])])
                for t in get_session().scalars(select(QuestionTemplate).order_by(QuestionTemplate.id))]


def _city(client) -> int:
    answer = client.get("/m/stockholm/sweden/templates")
    assert answer.status_code == 302
    return int(re.search(r"/templates/(\d+)$", answer.headers["Location"]).group(1))


QUESTION = {"district": "Södermalm", "code": "sod1", "area": "meals", "scale": "satisfaction5",
            "text__sv": "Hur nöjd är du med utevistelsen?", "text__en": "", "text__ro": ""}


def test_district_adds_its_own_question(demo_app, demo_client):
    sign_in(demo_client, "planner@stockholm.demo")
    city = _city(demo_client)
    html = demo_client.get(f"/m/stockholm/sweden/templates/{city}").get_data(as_text=True)
    assert 'id="question-q1"' in html and "Very satisfied" in html and 'id="question-form"' in html
    answer = demo_client.post(f"/m/stockholm/sweden/templates/{city}/questions", data=QUESTION)
    assert answer.status_code == 302
    assert [(d, q) for p, d, q in _templates(demo_app) if p] == [("Södermalm", ["sod1"])]
    # A second question joins the same extension.
    ext_id = int(re.search(r"/templates/(\d+)$", answer.headers["Location"]).group(1))
    assert demo_client.post(f"/m/stockholm/sweden/templates/{ext_id}/questions",
                            data={**QUESTION, "code": "sod2", "scale": "yesno"}).status_code == 302
    assert [q for p, _, q in _templates(demo_app) if p] == [["sod1", "sod2"]]
    html = demo_client.get(f"/m/stockholm/sweden/templates/{ext_id}").get_data(as_text=True)
    assert f'id="district-question-{ext_id}-sod2"' in html


def test_unknown_area_and_duplicate_code_are_refused_beside_the_field(demo_app, demo_client):
    sign_in(demo_client, "planner@stockholm.demo")
    city = _city(demo_client)
    before = _templates(demo_app)
    for data, field, message in [
        ({"area": "parking"}, "area", "The question area 'parking' is not in the template."),
        ({"code": "q1"}, "code", "The question code 'q1' is used twice."),
        ({"scale": "stars10"}, "scale", "The answer scale 'stars10' is not in the template."),
        ({"text__sv": ""}, "text__en", "Write the question in at least one language."),
    ]:
        answer = demo_client.post(f"/m/stockholm/sweden/templates/{city}/questions", data={**QUESTION, **data})
        assert answer.status_code == 400, data
        html = answer.get_data(as_text=True)
        error = re.search(rf'id="{field}-error">(.*?)</p>', html, re.S)
        assert error and message in html_unescape(error.group(1)), data
        assert 'value="Södermalm"' in html
    assert _templates(demo_app) == before


def test_template_roles(demo_app, demo_client):
    sign_in(demo_client, "viewer@stockholm.demo")
    city = _city(demo_client)
    html = demo_client.get(f"/m/stockholm/sweden/templates/{city}").get_data(as_text=True)
    assert 'id="template-questions"' in html and 'id="question-form"' not in html
    assert demo_client.post(f"/m/stockholm/sweden/templates/{city}/questions", data=QUESTION).status_code == 403
    sign_in(demo_client, "planner@eskilstuna.demo")
    assert demo_client.get(f"/m/eskilstuna/sweden/templates/{city}").status_code == 404
    assert demo_client.post(f"/m/eskilstuna/sweden/templates/{city}/questions", data=QUESTION).status_code == 404
    # Eskilstuna has no template yet: a planner makes the city-wide one from the standard template.
    assert 'id="template-create"' in demo_client.get("/m/eskilstuna/sweden/templates").get_data(as_text=True)
    assert demo_client.post("/m/eskilstuna/sweden/templates").status_code == 302
    assert demo_client.get("/m/eskilstuna/sweden/templates").status_code == 302
