"""The council's documents (issue 15): the Romanian draft decision, specialist report and annex, the Swedish
committee report (tjänsteutlåtande), generated from the plan as PDF and DOCX, read back with pdftotext and
python-docx; a municipality's own wording; the planners' and the public's downloads.

One deployment for the module (tests/public_world.py) plus two municipalities of this test's own, whose names and
texts carry quotes, &, < and every Romanian and Swedish diacritic.
"""

from __future__ import annotations

import copy
import io
import subprocess

import pytest
from public_world import BASE_URL, DRAFT_MARK, SANMARTIN_BASIS, build_public_world, copy_database
from sqlalchemy import select

from core.app import create_app
from core.demo import DEMO_ADMIN, DEMO_PASSWORD
from core.i18n import LOCALES
from core.testing import TEST_SECRET, login

RO_NAME = {"ro": "Comuna „Țăndărei-Șișești” & <Îmbunătățiri> Ââ", "en": 'Tandarei "Commune" & <Co>'}
SE_NAME = {"sv": "Kommun ”Åsa-Älvö” & <Örby> é", "en": 'Asa "Municipality" & <Orby>'}
RO_BASIS = "Strategia „Țăndărei” 2021-2027 & <anexa 2>: ĂÂÎȘȚ ăâîșț"
SE_RESPONSIBLE = "Förvaltningen ”Åsa” & <Ö> ÅÄÖ åäö é"
OFFICER = "Ann-Christine Hånsson"
COMMITTEE = "Äldrenämnden i ”Åsa” & <Ö>"


@pytest.fixture(scope="module")
def world(sqlite_demo_template, tmp_path_factory):
    import os

    folder = tmp_path_factory.mktemp("council-documents")
    os.environ["SOCIALPLAN_INSTANCE_PATH"] = str(folder)
    app = create_app({"TESTING": True, "SECRET_KEY": TEST_SECRET, "WTF_CSRF_ENABLED": False,
                      "DATABASE_URL": copy_database(sqlite_demo_template, folder), "PUBLIC_BASE_URL": BASE_URL})
    world = build_public_world(app)
    with world.db() as session:
        _own(world, session)
        session.commit()
    yield world
    app.extensions["socialplan.engine"].dispose()


def _copy(world, session, source_id: int, slug: str, name: dict, country: str, locale: str, currency: str,
          plugin: str, year: int):
    """A plan of a new municipality of this test's own: ``source_id``'s document, as a draft of ``year``."""
    from core.models import AnnualPlan
    from core.services.accounts import create_municipality, set_plugin_enabled
    from core.services.plans import document_of
    from core.services.publication import set_publication

    town = create_municipality(session, slug, name, country, locale, currency)
    set_plugin_enabled(session, world.registry, town, plugin, True)
    document = copy.deepcopy(document_of(session, world.registry, session.get(AnnualPlan, source_id)))
    document.update(year=year, status="draft", council_decision={"reference": None, "date": None}, facts={})
    document["municipality"]["slug"] = slug
    document.pop("extensions", None)
    for section in document["sections"].values():
        for row in section["rows"]:
            row.pop("uid", None)
            for line in row["budget"] if isinstance(row.get("budget"), list) else ():
                line["year"] = year
    set_publication(session, town, published=True, licence="CC0-1.0", publisher="Primăria & <Co>")
    return town, document


def _own(world, session) -> None:
    from public_world import adopt_romanian

    from core.services.plans import import_document, take_step

    _town, document = _copy(world, session, world.plan_ids["piatra"], "comuna-tandarei", RO_NAME, "RO", "ro", "RON",
                           "romania", 2023)
    document["sections"]["legal-basis"]["rows"][2]["text"] = {"ro": RO_BASIS}
    plan = import_document(session, world.registry, document, None)
    adopt_romanian(session, world.registry, plan, "HCL 7/2023 „Ț” & <x>", "2023-03-15")
    world.plan_ids["tandarei"] = plan.id
    _town, document = _copy(world, session, world.plan_ids["stockholm"], "kommun-asa", SE_NAME, "SE", "sv", "SEK",
                           "sweden", 2027)
    document["sections"]["methods"]["rows"][0]["responsible"] = {"sv": SE_RESPONSIBLE}
    plan = import_document(session, world.registry, document, None)
    take_step(session, world.registry, plan, "submit", {}, None)
    take_step(session, world.registry, plan, "approve",
              {"council_decision_ref": "Dnr ÄN 2027/1 & <x>", "council_decision_date": "2027-02-18"}, None)
    world.plan_ids["asa"] = plan.id


def pdftotext(pdf: bytes) -> str:
    """The text of a PDF as poppler's pdftotext reads it (what a reader's copy and paste gets)."""
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    return done.stdout.decode("utf-8").replace("\u00a0", " ").replace("\u202f", " ")


def docx_text(body: bytes) -> str:
    """Every paragraph and table cell of a DOCX (and its page header), read back with python-docx."""
    from docx import Document

    docx = Document(io.BytesIO(body))
    parts = [p.text for p in docx.sections[0].header.paragraphs]
    parts += [p.text for p in docx.paragraphs]
    parts += [cell.text for table in docx.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts).replace("\u00a0", " ").replace("\u202f", " ")


def render(world, plan_key: str, code: str, fmt: str, lang: str, *, public: bool = False,
           number: int | None = None) -> str:
    from core.models import AnnualPlan
    from core.services.council_documents import render as render_document

    with world.db() as session:
        plan = session.get(AnnualPlan, world.plan_ids[plan_key])
        rendered = render_document(session, world.registry, plan, code, fmt, lang,
                                   plan.adopted_revision if number is None else number, public=public)
    assert rendered.mimetype.endswith("pdf" if fmt == "pdf" else "document")
    return pdftotext(rendered.body) if fmt == "pdf" else docx_text(rendered.body)


def flat(text: str) -> str:
    """Text with its line breaks as spaces: a long line wraps in a PDF."""
    return " ".join(text.split())


# What each document says in each language, fixed texts of the templates (the plugins' catalogs).
RO_EXPECTED = {
    "draft-decision": {"ro": ["HOTĂRĂȘTE:", "Art. 1.", "Legea asistenței sociale nr. 292/2011"],
                       "en": ["DECIDES:", "Art. 1.", "Social Assistance Law no. 292/2011"],
                       "sv": ["BESLUTAR:", "Art. 1.", "socialhjälpslagen nr 292/2011"]},
    "specialist-report": {"ro": ["RAPORT DE SPECIALITATE", "Direcția de Asistență Socială"],
                          "en": ["SPECIALIST REPORT", "Social Assistance Directorate"],
                          "sv": ["TJÄNSTESKRIVELSE", "Socialförvaltningen"]},
}
SE_EXPECTED = {"sv": ["Förslag till beslut", "Sammanfattning", "Bakgrund", "Ärendets beredning"],
               "en": ["Proposed decision", "Summary", "Background", "Preparation of the matter"],
               "ro": ["Propunere de decizie", "Rezumat", "Context", "Pregătirea cazului"]}


@pytest.mark.parametrize("lang", LOCALES)
@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_the_romanian_documents_read_back_in_every_language(world, lang, fmt):
    from public_world import SANMARTIN_NAME

    from core.i18n import translated

    piatra = {"ro": "Municipiul Piatra Neamț", "en": "Piatra Neamț Municipality"}
    for key, names, basis in (("piatra", piatra, "Strategia de dezvoltare a serviciilor sociale"),
                              ("sanmartin", SANMARTIN_NAME, SANMARTIN_BASIS), ("tandarei", RO_NAME, RO_BASIS)):
        for code, phrases in RO_EXPECTED.items():
            text = flat(render(world, key, code, fmt, lang))
            # The template's fixed texts in the asked language, the municipality and the plan's basis as typed.
            for phrase in phrases[lang]:
                assert phrase in text, (key, code, fmt, lang, phrase)
            assert translated(names, lang, "ro") in text, (key, code, fmt, lang)  # in the asked language
            if code == "specialist-report":
                assert basis in text, (key, fmt, lang)
    # The decision's preamble cites the strategy the plan carries out, read from its legal basis.
    decision = flat(render(world, "tandarei", "draft-decision", fmt, "ro"))
    assert "Strategia „Țăndărei” 2021-2027 & <anexa 2>: ĂÂÎȘȚ ăâîșț, pe care planul anual de acțiune" in decision


@pytest.mark.parametrize("lang", LOCALES)
@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_the_committee_report_reads_back_in_every_language(world, lang, fmt):
    for key in ("stockholm", "asa", "eskilstuna"):
        text = flat(render(world, key, "committee-report", fmt, lang, number=_working(world, key)))
        # The four parts of seed 000's tjänsteutlåtande, in the asked language.
        for phrase in SE_EXPECTED[lang]:
            assert phrase in text, (key, fmt, lang, phrase)
    asa = flat(render(world, "asa", "committee-report", fmt, lang))
    # The plan's own responsible officer (quotes, &, <, every Swedish diacritic) and the decision's reference.
    assert SE_RESPONSIBLE in asa and "Dnr ÄN 2027/1 & <x>" in asa


def _working(world, key: str) -> int:
    from core.models import AnnualPlan

    with world.db() as session:
        return session.get(AnnualPlan, world.plan_ids[key]).revision


@pytest.mark.parametrize("lang", ["ro", "en", "sv"])
def test_the_annex_is_the_plan_itself_as_pdf_and_as_docx(world, lang):
    # The annex is the plan's own report: its PDF, and the same report as a DOCX a secretariat files or edits, each
    # with the plan's basis typed with quotes, &, < and every Romanian diacritic and its chapters in the document's
    # language; the DOCX's chapters are Word headings, each of them a heading the PDF prints too.
    from docx import Document

    from core.models import AnnualPlan
    from core.services.council_documents import render as render_document

    pdf = flat(render(world, "tandarei", "annex", "pdf", lang))
    with world.db() as session:
        plan = session.get(AnnualPlan, world.plan_ids["tandarei"])
        rendered = render_document(session, world.registry, plan, "annex", "docx", lang, plan.adopted_revision)
    assert rendered.mimetype.endswith("document") and rendered.filename.endswith(f"annex-r{plan.adopted_revision}-"
                                                                                f"{lang}.docx")
    docx = flat(docx_text(rendered.body))
    chapter = {"ro": "Capitolul", "en": "Chapter", "sv": "Kapitel"}[lang]
    assert RO_BASIS in pdf and RO_BASIS in docx
    headings = [p.text for p in Document(io.BytesIO(rendered.body)).paragraphs if p.style.name.startswith("Heading")]
    chapters = [heading for heading in headings if heading.startswith(chapter)]
    assert len(chapters) >= 2 and all(flat(heading) in pdf for heading in chapters), (chapters, headings)


def _set(world, slug: str, kind: str, code: str, values: dict) -> int:
    from core.services.accounts import municipality_by_slug
    from core.services.council_documents import document_spec, set_overrides

    with world.db() as session:
        town = municipality_by_slug(session, slug)
        changed = set_overrides(session, town, kind, document_spec(world.registry, town, kind, code), values)
        session.commit()
        return changed


def test_a_municipalitys_wording_shows_in_both_formats_and_is_audited(world):
    from core.models import AuditEvent

    changed = _set(world, "kommun-asa", "followup-plan", "committee-report",
                   {("committee", "sv"): COMMITTEE, ("head_name", "sv"): OFFICER, ("committee", "en"): ""})
    assert changed == 2  # an empty field keeps the template's wording: nothing to change
    for fmt in ("pdf", "docx"):
        text = flat(render(world, "asa", "committee-report", fmt, "sv"))
        # The committee named in the proposal and the addressee, and the head of administration's name.
        assert f"{COMMITTEE} godkänner förvaltningens förslag till uppföljningsplan för 2027." in text
        assert OFFICER in text
        assert COMMITTEE not in flat(render(world, "asa", "committee-report", fmt, "en"))  # sv only
    with world.db() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "municipality.council-texts-changed")
                                .order_by(AuditEvent.id.desc())).first()
        assert event is not None and {c["new"] for c in event.detail["changes"]} == {COMMITTEE, OFFICER}
    assert _set(world, "kommun-asa", "followup-plan", "committee-report", {("committee", "sv"): COMMITTEE}) == 0


def test_a_wording_with_an_unknown_placeholder_is_refused(world):
    from core.services.council_documents import OverrideError

    with pytest.raises(OverrideError) as refused:
        _set(world, "comuna-tandarei", "action-plan", "draft-decision", {("article_1", "ro"): "Anul %(an)s"})
    assert "%(an)s" in str(refused.value) and refused.value.field == "draft-decision--article_1--ro"


def test_the_settings_page_saves_and_refuses_beside_the_field(world):
    client = world.client()
    login(client, DEMO_ADMIN, DEMO_PASSWORD)
    url = "/admin/municipalities/comuna-tandarei/council-documents"
    page = client.get(url)
    # Each language's field shows the template's wording in that language beside it.
    assert page.status_code == 200
    shown = page.get_data(as_text=True)
    assert 'Template: <span lang="en">DECIDES:</span>' in shown
    assert 'Template: <span lang="ro">HOTĂRĂȘTE:</span>' in shown
    field = "action-plan--draft-decision--article_2--ro"
    refused = client.post(url, data={field: "Primarul %(nimeni)s"})
    assert refused.status_code == 422 and "%(nimeni)s" in refused.get_data(as_text=True)
    saved = client.post(url, data={field: "Primarul comunei, prin compartimentul „Asistență” & <socială>."})
    assert saved.status_code == 302
    text = flat(render(world, "tandarei", "draft-decision", "docx", "ro"))
    assert "Art. 2. Primarul comunei, prin compartimentul „Asistență” & <socială>." in text


def _public_documents(world, slug: str, year: int, kind: str, number: int) -> str:
    return f"/public/{slug}/{year}/{kind}/r{number}/documents/"


def test_the_public_downloads_the_documents_of_adopted_plans_only(world):
    from core.models import AnnualPlan

    _set(world, "comuna-tandarei", "action-plan", "draft-decision", {("initiator_name", "ro"): OFFICER})
    _set(world, "kommun-asa", "followup-plan", "committee-report", {("officer_name", "sv"): "Elisabeth Lång"})
    client = world.client()
    with world.db() as session:
        tandarei = session.get(AnnualPlan, world.plan_ids["tandarei"]).adopted_revision
        piatra = session.get(AnnualPlan, world.plan_ids["piatra"])
        adopted, working = piatra.adopted_revision, piatra.revision
        eskilstuna = session.get(AnnualPlan, world.plan_ids["eskilstuna"]).revision
        asa_number = session.get(AnnualPlan, world.plan_ids["asa"]).adopted_revision
    page = client.get("/public/comuna-tandarei/2023/action-plan/").get_data(as_text=True)
    base = _public_documents(world, "comuna-tandarei", 2023, "action-plan", tandarei)
    assert f'href="{base}draft-decision.docx"' in page and f'href="{base}annex.pdf"' in page  # listed for all
    for name in ("draft-decision.pdf", "draft-decision.docx", "specialist-report.pdf", "annex.pdf", "annex.docx"):
        answer = client.get(base + name)
        assert answer.status_code == 200 and "Set-Cookie" not in answer.headers, name
        assert answer.headers["Cache-Control"].startswith("public")
    decision = client.get(base + "draft-decision.docx").data
    # The public copy prints the signatories' functions, never the Romanian officers' names; the planner's does.
    assert "Inițiator, Primar" in docx_text(decision) and OFFICER not in docx_text(decision)
    assert OFFICER in render(world, "tandarei", "draft-decision", "docx", "ro")
    # A tjänsteutlåtande's officers are public by Swedish practice: the public copy names them.
    asa = client.get(_public_documents(world, "kommun-asa", 2027, "followup-plan", asa_number) + "committee-report.pdf")
    assert asa.status_code == 200 and "Elisabeth Lång" in pdftotext(asa.data)
    english = client.get(base + "draft-decision.pdf?lang=en")
    assert "DECIDES:" in pdftotext(english.data)  # in the URL's language
    # Never a working revision, a draft plan, an unknown document or format.
    piatra_base = _public_documents(world, "piatra-neamt", 2021, "action-plan", working)
    assert client.get(piatra_base + "draft-decision.pdf").status_code == 404
    assert client.get(_public_documents(world, "piatra-neamt", 2021, "action-plan", adopted)
                      + "draft-decision.pdf").status_code == 200
    assert client.get(_public_documents(world, "eskilstuna", 2017, "quality-report", eskilstuna)
                      + "committee-report.pdf").status_code == 404
    annex = client.get(base + "annex.docx")  # the plan itself, as the public may file it too
    assert annex.status_code == 200 and RO_BASIS in docx_text(annex.data)
    assert client.get(base + "no-such-document.pdf").status_code == 404


def test_planners_download_any_revision_they_see(world):
    client = world.client()
    login(client, "planner@piatra-neamt.demo", DEMO_PASSWORD)
    plan = world.plan_ids["piatra"]
    overview = client.get(f"/m/piatra-neamt/plans/{plan}/").get_data(as_text=True)
    assert f"/m/piatra-neamt/plans/{plan}/documents/draft-decision/ro.docx" in overview
    working = client.get(f"/m/piatra-neamt/plans/{plan}/documents/specialist-report/ro.pdf")
    # The working revision, with its text that nobody adopted yet.
    assert working.status_code == 200 and DRAFT_MARK in flat(pdftotext(working.data))
    adopted = client.get(f"/m/piatra-neamt/plans/{plan}/documents/draft-decision/ro.pdf?revision=adopted")
    assert adopted.status_code == 200 and "HCL 99/2021" in flat(pdftotext(adopted.data))
    assert client.get(f"/m/piatra-neamt/plans/{plan}/documents/draft-decision/xx.pdf").status_code == 404
