"""The web application as a civil servant uses it (issue 13), over the real plugins' demo data: forms that say
every mistake at once, words instead of codes, the next step and who takes it, a disabled plugin explained,
translatable fields in the reader's order, a table's fallbacks said once.

The browser side (widths, headings, axe-core) is tests/browser/test_browser_pages.py.
"""

from __future__ import annotations

import io
import re
from html import unescape

from flask_babel import force_locale
from openpyxl import load_workbook
from sqlalchemy import select

from core.demo import DEMO_ADMIN, DEMO_PASSWORD
from core.models import AnnualPlan, Municipality
from core.testing import login

PLANNER_RO = "planner@piatra-neamt.demo"
PLANNER_SE = "planner@stockholm.demo"
# A municipality of our own: quotes, an ampersand, a tag and diacritics in its name.
OWN_NAME = 'Comuna „Sânmartin” & <Ciuc>'


def _client(app, email: str, locale: str | None = None):
    client = app.test_client()
    login(client, email, DEMO_PASSWORD)
    if locale:
        client.post("/locale", data={"locale": locale})
    return client


def _plan_id(app, slug: str, year: int, kind: str) -> int:
    from core.db import get_session

    with app.app_context():
        return get_session().scalar(select(AnnualPlan.id).join(Municipality).where(
            Municipality.slug == slug, AnnualPlan.year == year, AnnualPlan.kind == kind))


def _text(response) -> str:
    """The page's text without tags, entities decoded, runs of white space made one space."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


# --- forms: every mistake at once -----------------------------------------------------------------------


def test_the_new_user_form_says_every_mistake_at_once_and_does_not_offer_administrator_first(demo_app):
    admin = _client(demo_app, DEMO_ADMIN, "en")
    page = admin.get("/admin/users/new").get_data(as_text=True)
    roles = re.search(r'<select id="role" name="role">(.*?)</select>', page, re.S).group(1)
    assert re.findall(r'value="(\w+)"', roles)[0] != "admin"
    assert re.search(r'<option selected value="viewer">|<option value="viewer" selected>', roles)
    # Three mistakes, one submission: all three beside their fields and in the summary.
    response = admin.post("/admin/users/new", data={"email": "not an address", "password": "short",
                                                    "role": "planner", "municipality": "", "locale": ""})
    assert response.status_code == 422
    text = _text(response)
    for message in ("Enter a valid e-mail address.", "The password must have at least 10 characters.",
                    "A planner or viewer belongs to a municipality."):
        assert message in text
    assert re.findall(r'href="#(\w+)"', response.get_data(as_text=True).split('id="error-summary"')[1]
                      .split("</div>")[0]) == ["email", "password", "municipality"]
    # An address already taken and a short password: both, at once.
    text = _text(admin.post("/admin/users/new", data={"email": PLANNER_RO.upper(), "password": "short",
                                                      "role": "planner", "municipality": "piatra-neamt"}))
    assert "A user with this e-mail address already exists." in text and "at least 10 characters" in text


def test_a_municipality_needs_its_name_in_its_default_language_and_picks_country_and_currency_from_lists(demo_app):
    admin = _client(demo_app, DEMO_ADMIN, "en")
    page = admin.get("/admin/municipalities/new").get_data(as_text=True)
    assert '<select id="currency" name="currency"' in page and '<select id="country" name="country"' in page
    assert '<option value="RON">RON – Romanian Leu</option>' in page
    assert '<option value="SEK">' in page and '<option value="RO">Romania</option>' in page
    assert '<option value="EU">' not in page  # the European Union is no country
    # Four mistakes, one submission.
    response = admin.post("/admin/municipalities/new", data={
        "slug": "Bad Slug", "name__en": "Sânmartin", "default_locale": "ro", "country": "", "currency": ""})
    assert response.status_code == 422
    text = _text(response)
    for message in ("A short name may hold only lower-case letters, digits and hyphens.",
                    "Enter the name in the municipality's default language (Română).", "Choose the country.",
                    "Choose the currency."):
        assert message in text
    assert 'id="name__ro-error"' in response.get_data(as_text=True)  # beside the Romanian name
    response = admin.post("/admin/municipalities/new", data={
        "slug": "sanmartin", "name__ro": OWN_NAME, "default_locale": "ro", "country": "RO", "currency": "RON"})
    assert response.status_code == 302
    from core.db import get_session

    with demo_app.app_context():
        town = get_session().scalar(select(Municipality).where(Municipality.slug == "sanmartin"))
        assert (town.name, town.country, town.currency) == ({"ro": OWN_NAME}, "RO", "RON")
    # The short name now taken, and a currency nobody pays in: both said.
    text = _text(admin.post("/admin/municipalities/new", data={
        "slug": "sanmartin", "name__ro": OWN_NAME, "default_locale": "ro", "country": "RO", "currency": "XYZ"}))
    assert "A municipality with this short name already exists." in text and "Currency: " in text


def test_wtforms_own_messages_are_said_in_the_pages_language(demo_app):
    admin = _client(demo_app, DEMO_ADMIN, "sv")
    text = _text(admin.post("/admin/users/new", data={"email": "", "password": "", "role": "nobody"}))
    assert "Det här fältet är obligatoriskt." in text and "Inte ett giltigt val" in text
    assert "This field is required." not in text and "Not a valid choice." not in text


def test_the_goal_form_says_every_mistake_at_once(demo_app):
    planner = _client(demo_app, "planner@eskilstuna.demo", "en")
    response = planner.post("/m/eskilstuna/sweden/goals", data={"year": "1850", "target": "", "kolada_kpi": "X1"})
    assert response.status_code == 400
    text = _text(response)
    for message in ("Give a year from 2000 to 2100.", "Give the target in percent.",
                    "Give the goal a title in at least one language.",
                    "A Kolada KPI is a letter and five digits, e.g. U23471."):
        assert message in text


# --- the workflow: the next step, who takes it, what blocks it -------------------------------------------


def test_the_plan_page_says_the_next_step_and_who_takes_it_and_a_blocked_step_what_blocks_it(demo_app):
    from core.db import get_session
    from core.plugin_manager import get_registry
    from core.services.imports import import_plan
    from core.services.plans import document_of

    planner = _client(demo_app, PLANNER_RO, "en")
    plan = _plan_id(demo_app, "piatra-neamt", 2021, "action-plan")
    text = _text(planner.get(f"/m/piatra-neamt/plans/{plan}/"))
    assert "Next step Open the public consultation . A planner or an administrator takes this step." in text
    # Every other page of the plan says it in a line under its breadcrumbs.
    section = _text(planner.get(f"/m/piatra-neamt/plans/{plan}/sections/legal-basis"))
    assert "Status: Draft. Next step: Open the public consultation (a planner or an administrator)." in section
    # A plan without its objectives: the step is blocked, its page lists why with links, and asks nothing.
    with demo_app.app_context():
        session = get_session()
        document = document_of(session, get_registry(), session.get(AnnualPlan, plan))
        document["year"] = 2024
        del document["sections"]["objectives"]
        broken = import_plan(session, get_registry(), document, None).id
        session.commit()
    base = f"/m/piatra-neamt/plans/{broken}"
    assert "Blocked by 1 error in the plan: correct it first." in _text(planner.get(f"{base}/"))
    page = planner.get(f"{base}/steps/start-consultation").get_data(as_text=True)
    assert "This step is blocked by 1 error" in page
    assert f'href="{base}/sections/objectives#f-objectives"' in page
    assert 'name="consultation_start"' not in page


def test_a_step_an_administrator_takes_is_said_to_the_planner_without_a_link_and_the_flash_says_what_happened(
        demo_app):
    planner = _client(demo_app, PLANNER_SE, "sv")
    plan = _plan_id(demo_app, "stockholm", 2026, "followup-plan")
    response = planner.post(f"/m/stockholm/plans/{plan}/steps/submit", follow_redirects=True)
    text = _text(response)
    assert "Planens status är nu ”Inlämnad”." in text
    assert "Registrera nämndens beslut . Steget tas av en administratör." in text
    assert f"/plans/{plan}/steps/approve" not in response.get_data(as_text=True)


# --- words, not codes --------------------------------------------------------------------------------------


def test_codes_read_as_words_and_the_legal_basis_has_one_number_column(demo_app):
    planner = _client(demo_app, PLANNER_RO, "en")
    plan = _plan_id(demo_app, "piatra-neamt", 2021, "action-plan")
    overview = _text(planner.get(f"/m/piatra-neamt/plans/{plan}/"))
    assert "seed 001" not in overview and "Source" not in overview  # the demo's note for developers
    objectives = planner.get(f"/m/piatra-neamt/plans/{plan}/sections/objectives").get_data(as_text=True)
    assert re.search(r">\s*Strategic\s*<", objectives) and re.search(r">\s*Operational\s*<", objectives)
    assert not re.search(r">\s*(strategic|operational)\s*<", objectives)
    # A frequency in the reader's words (English 'published' spells as its code: read the Swedish page).
    website = _client(demo_app, PLANNER_RO, "sv").get(
        f"/m/piatra-neamt/plans/{plan}/sections/website-information").get_data(as_text=True)
    assert re.search(r">\s*publicerad\s*<", website) and not re.search(r">\s*(published|when-needed)\s*<", website)
    legal = planner.get(f"/m/piatra-neamt/plans/{plan}/sections/legal-basis").get_data(as_text=True)
    assert legal.count('<th scope="col">No.</th>') == 1  # the document's own numbering fills it
    admin = _client(demo_app, DEMO_ADMIN, "sv")
    page = admin.get("/admin/").get_data(as_text=True)
    assert "<td>Rumänien</td>" in page and "<td>Sverige</td>" in page
    assert re.search(r"<td>Rumänien <a ", page) and not re.search(r">\s*(romania|sweden)\s*<", page)
    plugins = _text(admin.get("/admin/municipalities/huddinge/plugins"))
    assert "Rumänien" in plugins and "romania" not in plugins


def test_a_service_status_is_exported_in_words_and_read_back_in_any_language(demo_app):
    from core.services.tables import status_from_cell

    planner = _client(demo_app, PLANNER_RO, "ro")
    response = planner.get("/m/piatra-neamt/plans/2021/action-plan/tables/existing-services.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    header = [cell.value for cell in sheet[1]]
    column = header.index("Stare")
    assert {row[column] for row in sheet.iter_rows(min_row=2, values_only=True)} == {"Existent"}
    # Chosen codes (an objective's level, how often a text is updated) read as words too.
    for section, label, codes in (("objectives", "Nivel", {"strategic", "operational"}),
                                  ("website-information", "Actualizare", {"published", "when-needed"})):
        sheet = load_workbook(io.BytesIO(planner.get(
            f"/m/piatra-neamt/plans/2021/action-plan/tables/{section}.xlsx").data)).active
        column = [cell.value for cell in sheet[1]].index(label)
        words = {row[column] for row in sheet.iter_rows(min_row=2, values_only=True)} - {None}
        assert words and not words & codes, (section, words)
    assert "Strategic" in _text(planner.get("/m/piatra-neamt/plans/2021/action-plan/tables/objectives.csv"))
    with demo_app.test_request_context():
        assert [status_from_cell(word) for word in ("Existent", "befintlig", "existing", " Proposed ")] == [
            "existing", "existing", "existing", "proposed"]
        with force_locale("ro"):
            try:
                status_from_cell("poate")
            except ValueError as error:
                assert str(error) == "Starea trebuie să fie „Existent” sau „Propus”."
            else:
                raise AssertionError("'poate' is no status")


def test_a_broken_kolada_file_is_explained_in_the_readers_language(demo_app):
    planner = _client(demo_app, "planner@eskilstuna.demo", "sv")
    response = planner.post("/m/eskilstuna/sweden/import/kolada", content_type="multipart/form-data",
                            data={"kolada-file": (io.BytesIO(b'{"values": [1, 2'), "kolada.json")})
    text = _text(response)
    assert "Kolada-filen är inte giltig JSON: den är skadad eller avbruten på rad 1." in text
    assert "Expecting" not in text and "delimiter" not in text


def test_deadlines_read_with_plurals_in_every_language(demo_app):
    from plugins.sweden.audit import period_words

    with demo_app.test_request_context():
        expected = {
            "en": ["1 month", "7 days", "1 month and 7 days", "3 months", "No deadline"],
            "sv": ["1 månad", "7 dagar", "1 månad och 7 dagar", "3 månader", "Ingen tidsfrist"],
            "ro": ["1 lună", "7 zile", "1 lună și 7 zile", "3 luni", "Fără termen"],
        }
        for locale, words in expected.items():
            with force_locale(locale):
                assert [period_words(p) for p in ((1, 0), (0, 7), (1, 7), (3, 0), None)] == words, locale
        with force_locale("ro"):
            assert period_words((20, 0)) == "20 de luni"


# --- translatable fields and fallbacks ---------------------------------------------------------------------


def test_translatable_fields_come_in_the_readers_language_then_the_municipalitys(demo_app):
    admin = _client(demo_app, DEMO_ADMIN, "sv")
    plan = _plan_id(demo_app, "piatra-neamt", 2021, "action-plan")
    page = admin.get(f"/m/piatra-neamt/plans/{plan}/title").get_data(as_text=True)
    order = sorted(("sv", "ro", "en"), key=lambda code: page.index(f'name="title__{code}"'))
    assert order == ["sv", "ro", "en"]  # Swedish reader, Romanian municipality, then the rest
    planner = _client(demo_app, "planner@eskilstuna.demo", "ro")
    page = planner.get("/m/eskilstuna/sweden/goals").get_data(as_text=True)
    assert sorted(("sv", "ro", "en"), key=lambda code: page.index(f'name="title__{code}"')) == ["ro", "sv", "en"]


def test_a_tables_fallbacks_are_said_once_a_page_and_never_on_a_bare_number(demo_app):
    planner = _client(demo_app, PLANNER_RO, "en")
    plan = _plan_id(demo_app, "piatra-neamt", 2021, "action-plan")
    page = planner.get(f"/m/piatra-neamt/plans/{plan}/sections/objectives").get_data(as_text=True)
    table = page.split('<table class="rows">')[1].split("</table>")[0]
    assert 'class="fallback-label"' not in table  # no "(not translated …)" on every cell
    assert '<span class="fallback" lang="ro">Obiectiv strategic 1</span>' in table
    assert not re.search(r'<span class="fallback" lang="ro">\s*3\s*</span>', table)  # a strategy's number "3"
    assert page.count("Texts in italics in the tables are not translated into English; they are shown in Română.") == 1
    # The municipality's name, Romanian only, is in the header, the heading and the breadcrumbs: marked once.
    from core.db import get_session

    with demo_app.app_context():
        town = get_session().scalar(select(Municipality).where(Municipality.slug == "piatra-neamt"))
        town.name = {"ro": "Municipiul Piatra Neamț"}
        get_session().commit()
    reader = _client(demo_app, PLANNER_RO, "sv")
    dashboard = reader.get("/m/piatra-neamt/").get_data(as_text=True)
    assert dashboard.count('lang="ro">Municipiul Piatra Neamț') >= 2
    assert dashboard.count("(inte översatt, visas på Română)") == 1


# --- a disabled plugin, the favicon -------------------------------------------------------------------------


def test_a_disabled_plugin_tells_the_municipalitys_users_why_its_plans_are_not_shown(demo_app):
    admin = _client(demo_app, DEMO_ADMIN, "en")
    response = admin.post("/admin/municipalities/piatra-neamt/plugins", data={"plugin": "romania", "enabled": "0"},
                          follow_redirects=True)
    assert "Romania is now disabled for Piatra Neamț Municipality" in _text(response)
    planner = _client(demo_app, PLANNER_RO, "ro")
    text = _text(planner.get("/m/piatra-neamt/"))
    assert ("1 plan al modulului România nu este afișat: un administrator a dezactivat modulul România pentru "
            "această UAT.") in text
    assert "Nu există încă planuri." not in text
    admin.post("/admin/municipalities/piatra-neamt/plugins", data={"plugin": "romania", "enabled": "1"})
    assert "nu este afișat" not in _text(planner.get("/m/piatra-neamt/"))
    trail = _text(admin.get("/admin/municipalities/piatra-neamt/audit"))
    assert "Plugin disabled Plugin: Romania" in trail and "Plugin: romania" not in trail


def test_every_page_links_the_favicon_and_it_is_served(demo_app):
    client = demo_app.test_client()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in client.get("/login").text
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml" and b"<svg" in icon.data
