"""A Romanian action plan from a blank page to the council's PDF, in a real browser.

The three tests are one story and run in this order on the shared server: the planner builds and
submits Piatra Neamț's 2027 plan (flow 1), an administrator records the county's opinion and the
council's decision (flow 2), a council member downloads the approved plan in Romanian and English
(flow 3). A later flow is skipped, saying why, when an earlier one did not get the plan there.

The last test is a story of its own, on a town no other browser test reads: our own plan of Târgu Frumos (2022,
plugins/romania/tests/own_plan.py: names with quotes, '&', '<' and diacritics), imported through the services,
one row edited in Romanian with numbers typed the Romanian way, and a second browser's stale form refused.
"""

from __future__ import annotations

import io
import re

import pytest
from browser_helpers import html_lang, served_app, text_of, unlabelled_controls
from pypdf import PdfReader

from plugins.romania.tests.own_plan import CANTEEN, DAY_CENTRE, SLUG, TOWN, own_document

pytestmark = pytest.mark.browser

MUNICIPALITY = "piatra-neamt"
PLANNER = "planner@piatra-neamt.demo"
VIEWER = "consilier@piatra-neamt.demo"
ADMIN = "admin@socialplan.demo"
YEAR = 2027  # the demo has Piatra Neamț's 2021 plan only
HCL_NUMBER = "318"
HCL_DATE = "2026-11-20"
OCCUPANCY_ERROR_RO = "Gradul de ocupare trebuie să fie între 0 și 100 %; este 140."

story: dict[str, object] = {}


def _plan_path(suffix: str = "") -> str:
    if "plan_id" not in story:
        pytest.skip("flow 1 did not create the plan; run this module from its first test")
    return f"/m/{MUNICIPALITY}/plans/{story['plan_id']}/{suffix}"


def _submit(page, form_selector: str = "main form.row-form") -> None:
    with page.expect_navigation():
        page.locator(f"{form_selector} button[type=submit].primary").click()


def _add_service(page, ui, service: dict[str, str]) -> None:
    page.locator("a[href$='/sections/existing-services/rows/new']").click()
    assert unlabelled_controls(page) == []
    for field, value in service.items():
        page.locator(f"#{field}").fill(value)
    _submit(page)


def _mark_not_applicable(page, ui, section: str, reason: str) -> None:
    page.goto(ui.server(_plan_path(f"sections/{section}")))
    page.locator("#not_applicable").check()
    page.locator("#text__ro").fill(reason)
    with page.expect_navigation():
        page.locator("section.section-text-form button[type=submit]").click()
    assert page.locator("main .notice").count() >= 1, f"{section} is not marked as not applicable"


def _add_row(page, ui, section: str, fields: dict[str, str]) -> None:
    page.goto(ui.server(_plan_path(f"sections/{section}")))
    page.locator(f"a[href$='/sections/{section}/rows/new']").click()
    assert unlabelled_controls(page) == []
    for field, value in fields.items():
        page.locator(f"#{field}").fill(value)
    _submit(page)
    assert page.url.endswith(f"/sections/{section}"), text_of(page.locator("main"))


def test_flow1_planner_builds_and_submits_a_plan_in_romanian(ui):
    page = ui.sign_in(PLANNER)
    assert html_lang(page) == "ro", "the planner's account is in Romanian: the UI must be too"
    assert page.url.endswith(f"/m/{MUNICIPALITY}/")

    # A new, empty plan for a year without one.
    page.locator("a[href$='/plans/new']").click()
    page.locator("#year").fill(str(YEAR))
    with page.expect_navigation():
        page.locator("button[name=create]").click()
    match = re.search(r"/plans/(\d+)/$", page.url)
    assert match, page.url
    story["plan_id"] = int(match.group(1))
    assert str(YEAR) in text_of(page.locator("main h1"))

    # First service: an occupancy of 140 % is refused beside the field and in the summary on top.
    page.locator("a[href$='/sections/existing-services']").first.click()
    page.locator("a[href$='/sections/existing-services/rows/new']").click()
    fields = {"unit__ro": "Centrul de îngrijiri la domiciliu pentru persoanele vârstnice", "code": "8810 ID-I",
              "description__ro": "Îngrijire la domiciliu pentru persoane vârstnice", "capacity": "38",
              "beneficiary_category__ro": "Persoane vârstnice", "occupancy": "140", "budget_local": "100"}
    for field, value in fields.items():
        page.locator(f"#{field}").fill(value)
    _submit(page)
    assert "/rows/new" in page.url, "a row with an occupancy of 140 % must not be saved"
    beside = page.locator(".field:has(#occupancy) .field-error")
    assert text_of(beside) == OCCUPANCY_ERROR_RO
    assert page.locator("#occupancy").get_attribute("aria-invalid") == "true"
    assert "occupancy-error" in page.locator("#occupancy").get_attribute("aria-describedby")
    summary = page.locator("#error-summary")
    link = summary.locator("a[href='#occupancy']")
    assert OCCUPANCY_ERROR_RO in text_of(link)
    assert summary.bounding_box()["y"] < page.locator("main form.row-form").bounding_box()["y"], \
        "the error summary is above the form"
    assert page.locator("#capacity").input_value() == "38", "the typed values are kept"
    ui.screenshot(page, "flow1-ro-editor-occupancy-error")

    # Fixed with a Romanian decimal comma: saved, shown in the table with the totals.
    page.locator("#occupancy").fill("95,5")
    _submit(page)
    assert page.url.endswith("/sections/existing-services"), text_of(page.locator("main"))
    rows = page.locator("table.rows tbody tr")
    assert rows.count() == 1
    assert re.search(r"95,5\d* %", text_of(rows.first)), text_of(rows.first)

    _add_service(page, ui, {"unit__ro": "Centrul de zi pentru preșcolari Castani", "code": "8891 CZ-C-II",
                            "description__ro": "Activități educativ-recreative pentru copii de 3-6 ani",
                            "capacity": "30", "beneficiary_category__ro": "Copii cu vârste 3-6 ani",
                            "occupancy": "90", "budget_local": "50", "budget_state": "20"})
    assert page.locator("table.rows tbody tr").count() == 2
    totals = text_of(page.locator("section.totals"))
    assert "170" in totals and "150" in totals and "20" in totals, totals

    # The required sections the municipality has nothing for: not applicable, with the reason.
    for section in ("proposed-services", "contracting", "subsidies"):
        _mark_not_applicable(page, ui, section, "Nu este cazul în 2027 (art. 118 din Legea nr. 292/2011).")

    # The legal basis and the objective the plan carries out, which the model-cadru requires.
    _add_row(page, ui, "legal-basis", {"ref": "1", "text__ro": "Legea asistenței sociale nr. 292/2011, art. 118;"})
    _add_row(page, ui, "objectives", {"text__ro": "Prevenirea instituționalizării persoanelor vârstnice",
                                      "reference__ro": "1"})
    # Chapter III.1.a-d: no training planned this year, each part with its reason.
    for section in ("training-courses", "qualification-courses", "personal-assistants", "volunteer-training"):
        _mark_not_applicable(page, ui, section, "Nu este cazul în 2027: nu sunt prevăzute alocări financiare.")

    # A campaign.
    page.goto(ui.server(_plan_path("sections/awareness-campaigns")))
    page.locator("a[href$='/sections/awareness-campaigns/rows/new']").click()
    page.locator("#title__ro").fill("Campanie de informare despre îngrijirea la domiciliu")
    page.locator("#objectives__ro").fill("Informarea persoanelor vârstnice despre serviciile de îngrijire.")
    page.locator("#period_kind").select_option("half-year")
    page.locator("#period_half").select_option("1")
    page.locator("#responsible__ro").fill("Direcția de Asistență Socială")
    _submit(page)
    assert page.locator("table.rows tbody tr").count() == 1
    assert "Campanie de informare" in text_of(page.locator("table.rows"))

    # No error left: the planner opens the consultation, then asks for the county's opinion.
    page.goto(ui.server(_plan_path()))
    assert page.locator("#findings .finding-error").count() == 0, text_of(page.locator("main"))
    page.locator("a[href$='/steps/start-consultation']").click()
    assert unlabelled_controls(page) == []
    page.locator("#consultation_start").fill("2026-10-01")
    page.locator("#consultation_end").fill("2026-10-31")
    _submit(page, "main form.narrow")
    assert page.url.endswith(_plan_path()), text_of(page.locator("main"))
    page.locator("a[href$='/steps/request-county-opinion']").click()
    page.locator("#contributions_received").fill("3")
    _submit(page, "main form.narrow")
    assert page.url.endswith(_plan_path()), text_of(page.locator("main"))
    # Recording the county's opinion and the council's decision is the administrator's step (flow 2).
    assert page.locator("a[href$='/steps/approve']").count() == 0, "approval is not the planner's step"
    assert "În așteptarea avizului consultativ al județului" in text_of(page.locator(".status"))
    ui.screenshot(page, "flow1-ro-plan-submitted")
    story["submitted"] = True


def test_flow2_admin_records_the_county_opinion_and_the_council_decision(ui):
    path = _plan_path()
    if not story.get("submitted"):
        pytest.skip("flow 1 did not submit the plan")
    page = ui.sign_in(ADMIN)
    # The administrators' municipality switcher.
    page.locator("#switch-municipality").select_option(MUNICIPALITY)
    with page.expect_navigation():
        page.locator("form.municipality-switch button[type=submit]").click()
    assert page.url.endswith(f"/m/{MUNICIPALITY}/")
    page.locator(f"a[href$='/plans/{story['plan_id']}/']").click()
    assert page.url.endswith(path)

    page.locator("a[href$='/steps/approve']").click()
    # Sent empty first: every missing fact is named beside its field and in the summary.
    _submit(page, "main form.narrow")
    summary = page.locator("#error-summary")
    for field in ("county_opinion_ref", "county_opinion_date", "council_decision_ref", "council_decision_date"):
        assert summary.locator(f"a[href='#{field}']").count() == 1, field
        assert page.locator(f".field:has(#{field}) .field-error").count() == 1, field
    page.locator("#county_opinion_ref").fill("Aviz nr. 1207")
    page.locator("#county_opinion_date").fill("2026-11-16")
    page.locator("#council_decision_ref").fill(HCL_NUMBER)
    page.locator("#council_decision_date").fill(HCL_DATE)
    _submit(page, "main form.narrow")
    assert page.url.endswith(path), text_of(page.locator("main"))
    facts = text_of(page.locator("dl.facts"))
    assert HCL_NUMBER in facts and "Aviz nr. 1207" in facts, facts
    assert page.locator("main p.notice").count() == 1, "an approved plan says it is read-only"
    assert page.locator("a[href*='/steps/']").count() == 0, "no workflow step is left"
    ui.screenshot(page, "flow2-en-plan-approved")
    page.locator("a[href$='/sections/existing-services']").first.click()
    assert page.locator("a[href$='/rows/new']").count() == 0, "an approved plan cannot be edited"
    story["approved"] = True


def _download(page, link) -> bytes:
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.failure() is None
    return open(download.path(), "rb").read()


def _pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text)  # table cells wrap their text over lines


def test_flow3_council_viewer_downloads_the_plan_in_romanian_and_english(ui):
    path = _plan_path()
    if not story.get("approved"):
        pytest.skip("flow 2 did not approve the plan")
    page = ui.sign_in(VIEWER)
    assert html_lang(page) == "ro"
    # A council member sees the approved plan only, not the 2021 draft.
    plans = page.locator("table.plans a")
    assert plans.count() == 1, text_of(page.locator("main"))
    plans.first.click()
    assert page.url.endswith(path)
    assert page.locator("a[href*='/steps/'], a[href*='/rows/']").count() == 0

    menu = page.locator("table.reports")
    romanian = _pdf_text(_download(page, menu.locator("a[href$='/ro.pdf']").first))
    english = _pdf_text(_download(page, menu.locator("a[href$='/en.pdf']").first))
    cover_ro, cover_en = romanian[:1500], english[:1500]

    assert re.search(rf"HCL\)? nr\. {HCL_NUMBER} din 20 noiembrie 2026", cover_ro), cover_ro
    assert re.search(rf"HCL\)? no\. {HCL_NUMBER} of (20 November 2026|November 20, 2026)", cover_en), cover_en
    for heading in ("Planul anual de acțiune", "Capitolul I", "Bugetul estimat pe surse de finanțare",
                    "Centrul de îngrijiri la domiciliu pentru persoanele vârstnice"):
        assert heading in romanian, heading
    assert set("ăâîșț") <= set(romanian.lower()), "Romanian diacritics are in the PDF's text"
    for heading in ("Annual action plan", "Chapter I", "Estimated budget by funding source"):
        assert heading in english, heading
    assert "Capitolul I" not in english


# --- our own plan, edited in Romanian -----------------------------------------------------------------------

OWN_PLANNER = "planificator@targu-frumos.browser.example"
OWN_PASSWORD = "frumos-in-the-browser-2026"
CONFLICT_RO = "Altcineva a salvat o modificare aici în timp ce editați."


@pytest.fixture(scope="module")
def own_plan(live_server) -> str:
    """Târgu Frumos and its 2022 plan imported into the served database, with a planner who reads Romanian;
    the path of the plan's first section of services."""
    from core.sdk.plans import import_plan
    from core.sdk.testing import create_municipality, create_user, municipality_by_slug, set_plugin_enabled

    with served_app(live_server) as (session, registry):
        if municipality_by_slug(session, SLUG) is None:
            document = own_document()
            town = create_municipality(session, SLUG, document["municipality"]["name"], "RO", "ro", "RON")
            set_plugin_enabled(session, registry, town, "romania", True)
            create_user(session, OWN_PLANNER, OWN_PASSWORD, "planner", town, "ro")
            import_plan(session, registry, document, None)
            session.commit()
    plan_id = live_server.plan_id(SLUG, 2022, "action-plan")
    return f"/m/{SLUG}/plans/{plan_id}/sections/existing-services"


def _row_form(ui, section: str):
    """A planner's own browser on the form of the section's first row (the day centre)."""
    page = ui.sign_in(OWN_PLANNER, OWN_PASSWORD)
    page.goto(ui.server(f"{section}/rows/0"))
    assert html_lang(page) == "ro"
    assert page.locator("#unit__ro").input_value() == DAY_CENTRE  # quotes, & and < arrive as they were written
    return page


def test_our_own_plan_is_edited_the_romanian_way_and_a_stale_form_keeps_what_was_typed(ui, own_plan):
    first, second = _row_form(ui, own_plan), _row_form(ui, own_plan)  # two people open the same row
    assert TOWN in text_of(first.locator("body"))  # the town's name, with its quotes, & and <, as written

    # Numbers typed the Romanian way: a dot between thousands, a comma before the decimals.
    first.locator("#capacity").fill("1.486")
    first.locator("#budget_local").fill("3.318.102,18")  # in thousand lei, as the plan states I.A
    _submit(first)
    assert first.url.endswith("/sections/existing-services"), text_of(first.locator("main"))
    row = text_of(first.locator("table.rows tbody tr").first)
    # read back as 1486 places and 3,318,102.18 thousand lei, shown in lei the Romanian way and summed exactly
    # with the state's 45 thousand
    assert "1.486" in row and "3.318.102.180,00 lei" in row and "3.318.147.180,00 lei" in row, row
    assert DAY_CENTRE in row and CANTEEN in text_of(first.locator("table.rows tbody"))  # the other row stays

    # The second browser still holds the form of the revision before: its save is refused, its text kept.
    typed = "Centrul de zi „ÂNCUȚA & ȚICĂ” <Bătrâni>, program prelungit"
    second.locator("#unit__ro").fill(typed)
    second.locator("#capacity").fill("1.500")
    _submit(second)
    assert "/rows/0" in second.url, "a save from a stale form must not go through"
    assert CONFLICT_RO in text_of(second.locator("main")), text_of(second.locator("main"))
    changes = text_of(second.locator("#error-summary"))
    # what the other person changed, named by the form's labels, the numbers the Romanian way
    assert "Capacitate: „25” a devenit „1.486”" in changes and "3.318.102,18" in changes, changes
    assert "budget[" not in changes and "Capacity" not in changes, changes
    assert second.locator("#unit__ro").input_value() == typed  # what was typed is kept
    assert second.locator("#capacity").input_value() == "1.500"
    ui.screenshot(second, "own-plan-ro-conflict")
    first.reload()
    assert "1.486" in text_of(first.locator("table.rows tbody tr").first)  # the first save stands
    assert typed not in text_of(first.locator("table.rows tbody"))
    first.goto(ui.server(f"{own_plan}/rows/0"))
    assert first.locator("#budget_local").input_value() == "3.318.102,18"  # the form gives it back as typed
