"""Privacy of individuppföljning answers, walked as a council viewer would: no page, download, PDF or
API answer of a municipality of our own (Ekeby, not the demo) holds a count under the threshold.

Ekeby's register: five units in two districts, two of them with a provider, one unit with three
respondents ('Hemtjänst "Lilla" & Co <Norr>', whose counts 3 and 6 are what must not leak), one
named like a spreadsheet formula. Its 2026 follow-up plan is approved; 2027 has answers and a plan
in draft. Every view's figures are those of ``published_results`` (the property test shows that
they give nothing away); here each view's raw bytes are searched for the small unit's figures where
an attacker would look for them: its own row, its groups' rows, the plan document.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from html import unescape

import pytest
from openpyxl import load_workbook

from core.sdk.plans import create_plan, document_of, find_plan, take_step
from core.sdk.testing import (
    Provider,
    create_municipality,
    create_user,
    get_session,
    issue_api_token,
    login,
    pdf_text,
    set_plugin_enabled,
)
from plugins.sweden.reports import percent
from plugins.sweden.services.followups import add_unit
from plugins.sweden.services.individual import AnswerRow, create_default_template, published_results, record_answers

PASSWORD = "ett-långt-lösenord-2026"
SMALL = 'Hemtjänst "Lilla" & Co <Norr>'
FORMULA = '=HYPERLINK("http://example.org/x","Klicka")'
NORTH, SOUTH = "Norrås & Åby", "Södra Åby"
PROVIDER = 'Vård & Omsorg "Ek" AB'
# code, name, operating form, service type, district, provider?, respondents
UNITS = [
    ("EK-LILLA", SMALL, "customer_choice", "home_care", NORTH, True, 3),
    ("EK-BJORK", "Björkhagens äldreboende", "in_house", "residential_care", NORTH, False, 17),
    ("EK-SOL", "Solrosens vård- och omsorgsboende", "contracted", "residential_care", SOUTH, True, 12),
    ("EK-FORMEL", FORMULA, "in_house", "home_care", SOUTH, False, 9),
    ("EK-ANGEN", "Dagverksamheten Ängen", "in_house", "day_care", SOUTH, False, 21),
]
QUESTIONS = ["q1", "q2", "q3", "q4", "q5", "q6"]  # the default template: respect (q1, q2), then one per area
YES_NO = {"q2", "q4"}  # answered 0 or 1, positive 1; the others 1 to 5, positive from 4


@dataclass
class Ekeby:
    app: object
    plan_id: int
    unit_ids: dict[str, int]
    template_id: int
    viewer_token: str


def _answers(year: int) -> list[AnswerRow]:
    rows, response = [], 0
    for code, *_rest, respondents in UNITS:
        for person in range(respondents):
            response += 1
            for k, question in enumerate(QUESTIONS):
                value = 1 if question in YES_NO else 4
                positive = (person + k) % 4 != 0  # about three in four positive, differently per question
                rows.append(AnswerRow(code, response, question, value if positive else value - 1))
        for person in range(respondents // 4):
            response += 1
            rows.extend(AnswerRow(code, response, q, (1 if q in YES_NO else 4) - int((person + k) % 3 == 0),
                                  respondent="next_of_kin") for k, q in enumerate(QUESTIONS))
    return rows


@pytest.fixture
def ekeby(app) -> Ekeby:
    registry = app.extensions["socialplan.registry"]
    with app.app_context():
        session = get_session()
        town = create_municipality(session, "ekeby", {"sv": "Ekeby kommun", "en": "Ekeby"}, "SE", "sv", "SEK")
        set_plugin_enabled(session, registry, town, "sweden", True)
        admin = create_user(session, "admin@ekeby.example", PASSWORD, "admin", None)
        planner = create_user(session, "planerare@ekeby.example", PASSWORD, "planner", town)
        viewer = create_user(session, "ledamot@ekeby.example", PASSWORD, "viewer", town)
        provider = Provider(municipality_id=town.id, name=PROVIDER)
        session.add(provider)
        session.flush()
        unit_ids = {}
        for code, name, form, kind, district, has_provider, _n in UNITS:
            unit_ids[code] = add_unit(session, town.id, code, name, form, kind, district,
                                      provider.id if has_provider else None).id
        template = create_default_template(session, town.id)
        for year in (2026, 2027):
            record_answers(session, template, year, _answers(year))
        plan = create_plan(session, registry, town, 2026, "followup-plan", planner)
        take_step(session, registry, plan, "submit", {}, planner)
        take_step(session, registry, plan, "approve",
                  {"council_decision_ref": "KF § 12/2026", "council_decision_date": "2026-03-02"}, admin)
        create_plan(session, registry, town, 2027, "followup-plan", planner)  # a draft
        token = issue_api_token(session, viewer)
        session.commit()
        return Ekeby(app, plan.id, unit_ids, template.id, token)


def _client(ekeby: Ekeby, email: str):
    client = ekeby.app.test_client()
    login(client, email, PASSWORD)
    return client


def _published(ekeby: Ekeby, year: int = 2026):
    from plugins.sweden.models import QuestionTemplate

    with ekeby.app.app_context():
        session = get_session()
        return published_results(session, session.get(QuestionTemplate, ekeby.template_id), year)


def _small_counts() -> set[str]:
    """The small unit's true counts in every area: answers, positive and other answers."""
    rows = [r for r in _answers(2026) if r.unit_code == "EK-LILLA" and r.respondent == "person"]
    areas = {"respect": ("q1", "q2"), "influence": ("q3",), "safety": ("q4",), "meals": ("q5",), "overall": ("q6",)}
    counts = set()
    for questions in areas.values():
        mine = [r for r in rows if r.question in questions]
        positive = sum(r.value >= (1 if r.question in YES_NO else 4) for r in mine)
        counts |= {str(len(mine)), str(positive), str(len(mine) - positive)}
    return counts


def test_the_small_unit_is_hidden_in_every_table_and_its_groups_do_not_give_it_away(ekeby):
    results = _published(ekeby)
    small = next(r for r in results.units if r.code == "EK-LILLA")
    assert all(f.answers is None and f.positive is None for f in small.figures.values())
    # Its district and its provider would be it plus the shown others: each is hidden too, or has a second
    # hidden unit in every area.
    for group in (*results.districts, *results.providers):
        members = [r for r in results.units if group.code in (r.district,) or
                   (group.level == "provider" and r.code in ("EK-LILLA", "EK-SOL"))]
        if any(m.code == "EK-LILLA" for m in members):
            for code, _ in results.areas:
                hidden = [m for m in members if m.figures[code].answers is None]
                assert group.figures[code].answers is None or len(hidden) >= 2, (group.name, code)
    # No shown count anywhere is under the threshold.
    for row in results.rows:
        for figure in row.figures.values():
            for count in (figure.answers, figure.positive,
                          None if figure.positive is None else figure.answers - figure.positive):
                assert count is None or count == 0 or count >= results.threshold, (row.name, figure)


def _html_rows(html: str, needle: str) -> list[list[str]]:
    """The cells of every table row that names ``needle`` (HTML-escaped as Jinja writes it)."""
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, flags=re.S):
        if needle in unescape(row):
            rows.append([unescape(c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, flags=re.S)])
    return rows


def test_the_viewers_results_page_csv_and_xlsx_show_the_published_figures_and_no_small_count(ekeby):
    viewer = _client(ekeby, "ledamot@ekeby.example")
    results = _published(ekeby)
    page = viewer.get("/m/ekeby/sweden/results")  # the latest approved year
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'value="2026"' in html and "(NNI)" in html and percent(results.nni, "sv") in html
    small_rows = _html_rows(html, SMALL)
    assert len(small_rows) == len(results.areas)
    assert all(row[1:] == [NORTH, "–", "–"] for row in small_rows), small_rows
    for code, _ in results.areas:  # every unit's row as published
        for row in results.units:
            cells = _html_rows(html[html.index(f'id="results-{code}"'):], row.name)[0]
            assert cells[2] == ("–" if row.figures[code].answers is None else str(row.figures[code].answers))
    provider_rows = _html_rows(html[html.index('id="results-providers"'):], PROVIDER)
    assert provider_rows and all(cell in ("–", "") or "%" in cell or int(cell) >= 5 for cell in provider_rows[0][1:])

    answer = viewer.get("/m/ekeby/sweden/results/2026.csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert "attachment" in answer.headers["Content-Disposition"]
    table = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig"))))
    for line in table[1:]:
        if line[2] == SMALL:
            assert line[4:] == ["–", "–"], line
    assert any(line[2] == "'" + FORMULA for line in table)  # written as text, never run as a formula
    assert not any(line[2] == FORMULA for line in table)
    assert re.search(rb'Lilla"" & Co <Norr>",[^,\r\n]*,[0-9]', answer.data) is None

    book = load_workbook(io.BytesIO(viewer.get("/m/ekeby/sweden/results/2026.xlsx").data))
    sheet = book.active
    cells = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [row[4:] for row in cells if row[2] == SMALL] == [["–", "–"]] * len(results.areas)
    formula = next(c for row in sheet.iter_rows(min_row=2) for c in row if c.value == FORMULA)
    assert formula.data_type == "s"
    assert len(cells) == len(results.rows) * len(results.areas) + 1  # every row, and the NNI


def test_the_viewers_pdf_and_api_answer_hold_no_small_count(ekeby):
    viewer = _client(ekeby, "ledamot@ekeby.example")
    pdf = viewer.get(f"/m/ekeby/plans/{ekeby.plan_id}/reports/followup-results/sv.pdf")
    assert pdf.status_code == 200
    lines = pdf_text(pdf.data, plain_spaces=True).splitlines()
    starts = [i for i, line in enumerate(lines) if line == SMALL]
    assert len(starts) == 5  # one row per area
    assert all(lines[i + 1:i + 4] == [NORTH, "–", "–"] for i in starts), [lines[i:i + 4] for i in starts]
    assert "Per utförare" in lines and "Per stadsdel" in lines and any("(NNI)" in line for line in lines)

    api = ekeby.app.test_client().get("/api/v1/municipalities/ekeby/plans/2026/followup-plan",
                                      headers={"Authorization": f"Bearer {ekeby.viewer_token}"})
    assert api.status_code == 200
    block = api.get_json()["extensions"]["sweden"]
    assert SMALL in {u["name"] for u in block["units"]}  # the register travels, the counts do not
    for leak in (b'"answer_cells"', b'"respondents"', b'"answers"', b'"positive"', b'"personal_data"'):
        assert leak not in api.data
    with ekeby.app.app_context():  # only an administrator's export with personal data holds them
        session = get_session()
        plan = find_plan(session, _town(session), 2026, "followup-plan")
        full = document_of(session, ekeby.app.extensions["socialplan.registry"], plan, personal_data=True)
    mine = [c for c in full["extensions"]["sweden"]["answer_cells"] if c["unit"] == "EK-LILLA"]
    assert mine and {str(c["answers"]) for c in mine} <= _small_counts()


def _town(session):
    from core.sdk.testing import municipality_by_slug

    return municipality_by_slug(session, "ekeby")


def test_every_swedish_page_a_viewer_reaches_keeps_the_small_units_counts_out(ekeby):
    viewer = _client(ekeby, "ledamot@ekeby.example")
    values = {"municipality": "ekeby", "year": 2026, "unit_id": ekeby.unit_ids["EK-LILLA"],
              "template_id": ekeby.template_id, "fmt": "csv"}
    hidden = _small_counts() - {"0"}
    walked = []
    for rule in ekeby.app.url_map.iter_rules():
        if not rule.endpoint.startswith("sweden.") or "GET" not in rule.methods or set(rule.arguments) - set(values):
            continue
        url = rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1]
        answer = viewer.get(url)
        walked.append((url, answer.status_code))
        if answer.status_code != 200:
            continue
        text = answer.data.decode("utf-8-sig", "replace")
        for row in _html_rows(text, SMALL) if "html" in answer.mimetype else []:
            assert not set(row[1:]) & hidden, (url, row)  # none of its counts beside its name
        for line in csv.reader(io.StringIO(text)) if answer.mimetype == "text/csv" else []:
            assert SMALL not in line or not set(line[4:]) & hidden, (url, line)
    urls = dict(walked)
    assert urls["/m/ekeby/sweden/results"] == 200 and urls["/m/ekeby/sweden/results/2026.csv"] == 200
    assert urls[f"/m/ekeby/sweden/units/{ekeby.unit_ids['EK-LILLA']}"] == 200
    assert len(walked) >= 10


def test_a_viewer_sees_no_results_of_a_year_whose_plan_is_not_approved(ekeby):
    viewer = _client(ekeby, "ledamot@ekeby.example")
    for url in ("/m/ekeby/sweden/results?year=2027", "/m/ekeby/sweden/results/2027.csv",
                "/m/ekeby/sweden/results/2027.xlsx", "/m/ekeby/sweden/results?year=2025"):
        assert viewer.get(url).status_code == 404, url
    with ekeby.app.app_context():
        draft = find_plan(get_session(), _town(get_session()), 2027, "followup-plan").id
    assert viewer.get(f"/m/ekeby/plans/{draft}/reports/followup-results/sv.pdf").status_code == 404
    planner = _client(ekeby, "planerare@ekeby.example")
    page = planner.get("/m/ekeby/sweden/results?year=2027")
    assert page.status_code == 200 and 'id="results-respect"' in page.get_data(as_text=True)
    assert planner.get("/m/ekeby/sweden/results/2027.xlsx").status_code == 200
    other = _client(ekeby, "ledamot@ekeby.example")
    assert other.get("/m/stockholm/sweden/results").status_code == 404  # another tenant


def test_a_viewer_without_any_approved_plan_is_told_so(ekeby):
    with ekeby.app.app_context():
        session = get_session()
        create_user(session, "ny@ekeby.example", PASSWORD, "viewer", _town(session))
        plan = find_plan(session, _town(session), 2026, "followup-plan")
        plan.status = "submitted"  # as if the decision were reopened
        session.commit()
    page = _client(ekeby, "ny@ekeby.example").get("/m/ekeby/sweden/results")
    assert page.status_code == 200 and 'id="results-waiting"' in page.get_data(as_text=True)
    assert SMALL not in page.get_data(as_text=True)


def test_plan_export_writes_the_answer_cells_only_when_asked_for_personal_data(tmp_path, sqlite_template,
                                                                                sqlite_demo_template):
    import os
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    def environment(name: str, template: Path) -> dict[str, str]:
        (tmp_path / name).mkdir()
        shutil.copyfile(template, tmp_path / name / "socialplan.sqlite")
        env = {k: v for k, v in os.environ.items() if k != "SOCIALPLAN_DATABASE_URL"}
        return {**env, "SOCIALPLAN_INSTANCE_PATH": str(tmp_path / name), "SOCIALPLAN_SECRET_KEY": "a-long-test-key-x"}

    def run(env, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(Path(sys.executable).with_name("socialplan")), "plan", *args], env=env,
                              capture_output=True, text=True, timeout=120)

    demo, empty = environment("demo", sqlite_demo_template), environment("empty", sqlite_template)
    where = ["--municipality", "stockholm", "--year", "2026", "--kind", "followup-plan"]
    plain, full = tmp_path / "plain.json", tmp_path / "full.json"
    assert run(demo, "export", *where, "--out", str(plain)).returncode == 0
    exported = run(demo, "export", *where, "--out", str(full), "--include-personal-data")
    assert exported.returncode == 0 and "personal-level data" in exported.stdout
    assert b"answer_cells" not in plain.read_bytes() and b"personal_data" not in plain.read_bytes()
    document = json.loads(full.read_text())
    assert document["personal_data"] is True and document["extensions"]["sweden"]["answer_cells"]
    del document["personal_data"]  # cells in a document that does not say it holds them
    unmarked = tmp_path / "unmarked.json"
    unmarked.write_text(json.dumps(document))
    refused = run(empty, "import", str(unmarked))
    lines = [line for line in refused.stderr.splitlines() if line.strip()]
    assert refused.returncode == 1 and len(lines) == 1 and "$.extensions.sweden.answer_cells" in lines[0]
    assert "Traceback" not in refused.stderr
    assert run(empty, "import", str(full)).returncode == 0
