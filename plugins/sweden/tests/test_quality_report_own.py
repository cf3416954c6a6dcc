"""A kvalitetsberättelse of a kommun of our own (not Eskilstuna), made through the pages as a planner makes
it: the section list, goals of every kind, texts, earlier years, the cover; the PDF in sv, en and ro read
back figure by figure; the plan document exported and imported into a fresh municipality giving the same
PDF text; and the attacks a planner's tabs and a hand-edited document make."""

from __future__ import annotations

import copy
import re

import pytest

from core.sdk.plans import find_plan, import_plan
from core.sdk.testing import (
    DocumentError,
    create_user,
    get_registry,
    get_session,
    login,
    municipality_by_slug,
    pdf_text,
    without_revision_numbers,
)

SLUG = "sma-angby"
NAME = 'Små "Ängby" & <Öre> kommun – Café'
OWN = 'Brukarråd "Ängen" & <Öst>'  # a section of the kommun's own, typed in Swedish only
PASSWORD = "a long test password 1"
YEAR = 2025


def _flat(text: str) -> str:
    return " ".join(re.sub(r"-\n(?=[a-zåäöé])", "", text).split())


def _locale(client, locale: str) -> None:
    client.post("/locale", data={"locale": locale, "next": "/"})


def _sections(app) -> list[dict]:
    from plugins.sweden.services.quality_report import sections_for

    with app.app_context():
        town = municipality_by_slug(get_session(), SLUG)
        return sections_for(get_session(), town.id, YEAR)


def _keys(app) -> list[str]:
    return [s["key"] for s in _sections(app)]


def _html(answer) -> str:
    return answer.get_data(as_text=True)


def _pdf(client, plan_id: int, lang: str, slug: str = SLUG) -> str:
    answer = client.get(f"/m/{slug}/plans/{plan_id}/reports/quality-report/{lang}.pdf")
    assert answer.status_code == 200, answer.status_code
    return _flat(without_revision_numbers(pdf_text(answer.data, plain_spaces=True)))


def _exported(app, plan_id: int) -> dict:
    """The plan document as `socialplan plan export` writes it, through JSON."""
    import json

    from core.sdk.models import AnnualPlan
    from core.sdk.plans import document_of

    with app.app_context():
        plan = get_session().get(AnnualPlan, plan_id)
        return json.loads(json.dumps(document_of(get_session(), get_registry(), plan), ensure_ascii=False))


def _make_kommun(app, client) -> int:
    """The administrator creates the kommun and enables Sweden; the planner creates the quality report."""
    with app.app_context():
        create_user(get_session(), "admin@angby.test", PASSWORD, "admin", None)
        get_session().commit()
    login(client, "admin@angby.test", PASSWORD)
    answer = client.post("/admin/municipalities/new", data={
        "slug": SLUG, "name__sv": NAME, "name__en": NAME, "name__ro": "", "country": "SE", "default_locale": "sv",
        "currency": "SEK", "official_code": ""})
    assert answer.status_code == 302, _html(answer)[:2000]  # created
    assert client.post(f"/admin/municipalities/{SLUG}/plugins", data={"plugin": "sweden", "enabled": "1"}
                       ).status_code == 302
    with app.app_context():
        town = municipality_by_slug(get_session(), SLUG)
        assert town.name["sv"] == NAME and "sweden" in town.enabled_plugins  # quotes, &, <, å ä ö é kept
        create_user(get_session(), "planner@angby.test", PASSWORD, "planner", town)
        get_session().commit()
    client.get("/logout")
    client.post("/logout")
    login(client, "planner@angby.test", PASSWORD)
    _locale(client, "sv")
    answer = client.post(f"/m/{SLUG}/plans/new", data={"year": str(YEAR), "kind": "quality-report"})
    assert answer.status_code == 302, _html(answer)[:2000]
    with app.app_context():
        return find_plan(get_session(), municipality_by_slug(get_session(), SLUG), YEAR, "quality-report").id


def _section_list(app, client) -> None:
    """Add, rename, reorder and remove sections, in Swedish then in English."""
    base = f"/m/{SLUG}/sweden/quality-report/{YEAR}"
    assert client.post(f"{base}/sections", data={"section-title__sv": OWN, "section-level": "1",
                                                  "section-shows": ""}).status_code == 302
    own = _keys(app)[-1]
    assert _sections(app)[-1]["title"] == {"sv": OWN}  # as typed, in Swedish only
    # Rename a default section in Swedish only: it is then the kommun's own title.
    assert client.post(f"{base}/sections/legislation", data={
        "section-title__sv": "Lagar & föreskrifter", "section-level": "1", "section-shows": ""}).status_code == 302
    # Move the own section up twice: it is then third from the end.
    for _ in range(2):
        assert client.post(f"{base}/sections/{own}/move", data={"direction": "up"}).status_code == 302
    assert _keys(app)[-3] == own
    # Remove "Miljö" through its confirmation page, in Swedish.
    page = _html(client.get(f"{base}/sections/environment/remove"))
    assert "Ta bort avsnittet ”Miljö”?" in page or ("Miljö" in page and "section-remove-submit" in page)
    assert client.post(f"{base}/sections/environment/remove").status_code == 302
    assert "environment" not in _keys(app)
    _locale(client, "en")
    assert client.post(f"{base}/sections", data={"section-title__en": "Meals", "section-title__sv": "Måltider",
                                                  "section-level": "2", "section-shows": ""}).status_code == 302
    page = _html(client.get(f"{base}/sections/information-security/remove"))
    assert "Remove the section “Information security”?" in page  # the default title in English
    assert client.post(f"{base}/sections/information-security/remove").status_code == 302
    page = _html(client.get(base))
    assert "Information security" not in page and "Quality goals and strategies" in page
    assert "Brukarråd &#34;Ängen&#34; &amp; &lt;Öst&gt;" in page  # the own title, escaped, never markup
    _locale(client, "sv")


def _goal(client, title: str, kind: str, target: str) -> int:
    answer = client.post(f"/m/{SLUG}/sweden/goals?year={YEAR}", data={
        "year": str(YEAR), "title__sv": title, "title__en": "", "title__ro": "", "kind": kind, "target": target,
        "kolada_kpi": ""})
    assert answer.status_code == 302, _html(answer)[:3000]
    return int(re.search(r"/goals/(\d+)$", answer.headers["Location"]).group(1))


def _indicators(app, goal_id: int) -> list[int]:
    from plugins.sweden.models import QualityGoal

    with app.app_context():
        return [i.id for i in sorted(get_session().get(QualityGoal, goal_id).indicators, key=lambda i: i.position)]


def _recorded(app, indicator: int) -> list:
    from plugins.sweden.models import GoalValue

    with app.app_context():
        return get_session().scalars(__import__("sqlalchemy").select(GoalValue).where(
            GoalValue.indicator_id == indicator)).all()


def _value(client, goal_id: int, indicator: int, year: int, value: str = "", outcome: str = "", comment: str = ""):
    return client.post(f"/m/{SLUG}/sweden/goals/{goal_id}/values", data={
        "result-indicator_id": str(indicator), "result-year": str(year), "result-value": value,
        "result-national_value": "", "result-outcome": outcome, "result-comment__sv": comment})


def _goals(app, client) -> None:
    """A percentage with parts (and last year's results), a count, a yes/no goal and one in words."""
    lss = _goal(client, "88 % nöjda inom LSS & socialpsykiatri", "percent", "88")
    for scope in ("LSS", "Socialpsykiatri"):
        assert client.post(f"/m/{SLUG}/sweden/goals/{lss}/indicators", data={
            "indicator-scope__sv": scope, "indicator-kolada_kpi": ""}).status_code == 302
    whole, part_lss, part_psyk = _indicators(app, lss)
    # The attack: "89.5" where Swedish writes "89,5" is refused beside the field, nothing recorded.
    refused = _value(client, lss, part_lss, YEAR, "89.5")
    beside = re.search(r'id="result-value-error">(.*?)</p>', _html(refused), re.S)
    assert refused.status_code == 400 and beside and "89.5" in beside.group(1) and "1486,50" in beside.group(1)
    assert _indicators(app, lss) and not _recorded(app, part_lss)  # nothing recorded
    for indicator, year, value in ((whole, YEAR, "90"), (part_lss, YEAR, "89,5"), (part_psyk, YEAR, "91"),
                                   (whole, YEAR - 1, "86,25"), (part_lss, YEAR - 1, "84")):
        assert _value(client, lss, indicator, year, value).status_code == 302
    count = _goal(client, "Minst 12 förbättringsförslag", "count", "12")
    assert _value(client, count, _indicators(app, count)[0], YEAR, "17").status_code == 302
    yes_no = _goal(client, "Alla chefer utbildade i Modiga idéer", "yes_no", "")
    assert _value(client, yes_no, _indicators(app, yes_no)[0], YEAR, outcome="yes").status_code == 302
    words = _goal(client, "Ett innovativt klimat", "text", "")
    assert _value(client, words, _indicators(app, words)[0], YEAR, outcome="no",
                  comment="Arbetet har påbörjats på två av fem enheter.").status_code == 302


def _texts(app, client, plan_id: int) -> None:
    rows = f"/m/{SLUG}/plans/{plan_id}/sections/quality-work/rows/new"
    own = next(s["key"] for s in _sections(app) if s["title"].get("sv") == OWN)
    for section, parts in (
        ("quality-goals", {"purpose__sv": "Målen styr kvalitetsarbetet.", "result__sv": "7 av 9 mål nåddes.",
                           "analysis__sv": "Två mål kräver nya arbetssätt.",
                           "improvements__sv": "Följ upp målen kvartalsvis."}),
        (own, {"topic__sv": 'Rådet "Ängen"', "text__sv": "Rådet möttes 4 gånger & gav 23 förslag <i>."}),
    ):
        answer = client.post(rows, data={"section": section, **parts})
        assert answer.status_code == 302, _html(answer)[:3000]


def _cover(client) -> None:
    answer = client.post(f"/m/{SLUG}/sweden/quality-report/{YEAR}/cover", data={
        "cover-organisation__sv": "Vård- & omsorgsförvaltningen", "cover-report_date": "2026-02-13",
        "cover-person1_name": "Åsa Öberg-Émile", "cover-person1_role__sv": "förvaltningschef",
        "cover-person2_name": 'Jan "Janne" Ek', "cover-person2_role__sv": "kvalitetschef"})
    assert answer.status_code == 302, _html(answer)[:3000]


@pytest.fixture
def report(app, client):
    plan_id = _make_kommun(app, client)
    _section_list(app, client)
    _goals(app, client)
    _texts(app, client, plan_id)
    _cover(client)
    return plan_id


def test_an_own_kommuns_report_in_three_languages_and_through_export_and_import(app, client, report):
    sv, en, ro = (_pdf(client, report, lang) for lang in ("sv", "en", "ro"))
    # Cover: the date and the persons responsible, names as typed.
    for text in ("Vård- & omsorgsförvaltningen 2025", "Åsa Öberg-Émile, förvaltningschef",
                 'Jan "Janne" Ek, kvalitetschef', NAME):
        assert text in sv, text
    assert "Datum och ansvarig för innehållet" in sv and "Date and persons responsible for the content" in en
    # Default titles in the reader's language; own titles as typed; removed sections gone.
    assert "Kvalitetsmål och strategier" in sv and "Quality goals and strategies" in en
    assert "Obiective și strategii de calitate" in ro
    assert "Lagar & föreskrifter" in sv and "Lagar & föreskrifter" in en  # renamed in Swedish only: as typed
    assert "Legislation, guidelines" not in en
    assert OWN in sv and OWN in en and OWN in ro
    assert "Meals" in en and "Måltider" in sv
    assert "Miljö" not in sv and "Environment" not in en and "Information security" not in en
    # The texts: Syfte, Resultat, Analys, Förbättringsförslag with their labels.
    assert "Syfte: Målen styr kvalitetsarbetet." in sv and "Resultat: 7 av 9 mål nåddes." in sv
    assert "Analys: Två mål kräver nya arbetssätt." in sv and "Förbättringsförslag: Följ upp målen kvartalsvis." in sv
    assert 'Rådet "Ängen"' in sv and "Rådet möttes 4 gånger & gav 23 förslag <i>." in sv
    # The goals' figures, each written as the language writes it, with last year beside this year.
    for figure in ("89,5 %", "91 %", "90 %", "86,25 %", "84 %", "88 %", "17", "12", "Resultat 2024"):
        assert figure in sv, figure
    for figure in ("89.5%", "91%", "86.25%", "Result 2024", "Result 2025"):
        assert figure in en, figure
    assert "89,5 %" in ro
    assert "Arbetet har påbörjats på två av fem enheter." in sv
    # Export the plan document as it is (what `socialplan plan export` writes) and import it into a fresh kommun.
    document = _exported(app, report)
    sections = document["extensions"]["sweden"]["quality_report"]["sections"]
    assert next(s for s in sections if s["key"] == "quality-goals").get("title") is None  # a default: no title
    fresh = copy.deepcopy(document)
    fresh["municipality"]["slug"] = "ny-angby"
    with app.app_context():
        import_plan(get_session(), get_registry(), fresh, None)
        get_session().commit()
        town = municipality_by_slug(get_session(), "ny-angby")
        create_user(get_session(), "planner@ny-angby.test", PASSWORD, "planner", town)
        new_id = find_plan(get_session(), town, YEAR, "quality-report").id
        get_session().commit()
    client.post("/logout")
    login(client, "planner@ny-angby.test", PASSWORD)
    for lang, before in (("sv", sv), ("en", en), ("ro", ro)):
        after = _pdf(client, new_id, lang, "ny-angby")
        assert after == before, lang  # the same text, figure for figure


def test_attacks_of_tabs_and_of_a_hand_edited_document(app, client, report):
    base = f"/m/{SLUG}/sweden/quality-report/{YEAR}"
    before = _sections(app)
    # A title of only spaces is refused beside the field; nothing added.
    answer = client.post(f"{base}/sections", data={"section-title__sv": "   ", "section-level": "1",
                                                    "section-shows": ""})
    assert (answer.status_code == 400 and "Ge avsnittet en rubrik på minst ett språk." in _html(answer)) \
        or (answer.status_code == 400 and "title" in _html(answer))
    assert _sections(app) == before
    # A duplicate (another case and spacing of an existing title) is refused beside the field.
    answer = client.post(f"{base}/sections", data={"section-title__sv": "  kvalitetsmål  OCH strategier",
                                                    "section-level": "1", "section-shows": ""})
    assert answer.status_code == 400 and "Kvalitetsmål och strategier" in _html(answer)
    assert _sections(app) == before
    # Tab A opens the rename page of a section; tab B removes it; tab A's rename is refused, its title kept.
    own = next(s["key"] for s in before if s["title"].get("sv") == OWN)
    assert client.get(f"{base}/sections/{own}").status_code == 200
    edit_row = client.get(f"/m/{SLUG}/plans/{report}/sections/quality-work/rows/1")  # the own section's text
    assert edit_row.status_code == 200
    base_revision = re.search(r'name="_base_revision" value="(\d+)"', _html(edit_row))
    uid = re.search(r'name="_row" value="([0-9a-f]+)"', _html(edit_row))
    assert client.post(f"{base}/sections/{own}/remove").status_code == 302
    answer = client.post(f"{base}/sections/{own}", data={"section-title__sv": "Brukarrådet 2025",
                                                         "section-level": "1", "section-shows": ""})
    assert answer.status_code == 409
    assert "togs bort ur rapporten efter att du öppnade det" in _html(answer)  # the sentence
    assert 'value="Brukarrådet 2025"' in _html(answer)  # what was typed, in the form that adds it anew
    assert own not in _keys(app)
    # Tab A's text of the removed section: saving it is refused, what was typed kept.
    data = {"section": own, "text__sv": "Ny text som inte får försvinna"}
    if base_revision:
        data["_base_revision"] = base_revision.group(1)
    if uid:
        data["_row"] = uid.group(1)
    answer = client.post(f"/m/{SLUG}/plans/{report}/sections/quality-work/rows/1", data=data)
    assert answer.status_code == 422 and "Ny text som inte får försvinna" in _html(answer)
    # Moving a section removed meanwhile says so and changes nothing (no 404).
    answer = client.post(f"{base}/sections/{own}/move", data={"direction": "up"}, follow_redirects=True)
    assert answer.status_code == 200 and "togs bort ur rapporten" in _html(answer)
    # An imported document whose row names a section the list lacks is refused with its JSON path.
    document = _exported(app, report)
    document["sections"]["quality-work"]["rows"][0]["section"] = "finns-inte"
    document["municipality"]["slug"] = "import-angby"
    with app.app_context(), pytest.raises(DocumentError) as refused:
        import_plan(get_session(), get_registry(), document, None)
    assert refused.value.path == "$.sections.quality-work.rows[0].section"
    with app.app_context():
        get_session().rollback()
        assert municipality_by_slug(get_session(), "import-angby") is None  # nothing written
