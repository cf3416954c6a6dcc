"""The public pages (issue 15): a published municipality's adopted plans for anyone, in every language.

One deployment for the module (tests/public_world.py): the demo data with plans adopted once and twice, a working
revision after an adoption, drafts, an unpublished municipality and a municipality whose name has quotes, & and <.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from decimal import Decimal
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest
from public_world import BASE_URL, SANMARTIN_BASIS, build_public_world, copy_database

from core.app import create_app
from core.i18n import LOCALES, format_date, format_money
from core.testing import BACKENDS, TEST_SECRET, _database_url, login, pdf_text

PIATRA = "/public/piatra-neamt/2021/action-plan/"
SANMARTIN = "/public/comuna-sanmartin/2022/action-plan/"
NOT_FOUND = {"en": "There is no such public page.", "sv": "Det finns ingen sådan offentlig sida.",
             "ro": "Nu există o astfel de pagină publică."}


@pytest.fixture(scope="module", params=BACKENDS)
def world(request, sqlite_demo_template, tmp_path_factory):
    import os

    folder = tmp_path_factory.mktemp("public-world")
    url = (copy_database(sqlite_demo_template, folder) if request.param == "sqlite"
           else _database_url(request.param, folder, sqlite_demo_template, with_demo=True))
    os.environ["SOCIALPLAN_INSTANCE_PATH"] = str(folder)
    app = create_app({"TESTING": True, "SECRET_KEY": TEST_SECRET, "DATABASE_URL": url, "WTF_CSRF_ENABLED": False,
                      "PUBLIC_BASE_URL": BASE_URL})
    yield build_public_world(app)
    app.extensions["socialplan.engine"].dispose()


def get(client, url: str, status: int = 200, **kwargs):
    response = client.get(url, **kwargs)
    assert response.status_code == status, f"{url}: {response.status_code}"
    return response


def page(client, url: str) -> str:
    return get(client, url).get_data(as_text=True)


class Structure(HTMLParser):
    """What an accessibility check reads of a page: its language, headings, tables, links, scripts, SVGs."""

    def __init__(self) -> None:
        super().__init__()
        self.lang = None
        self.headings: list[int] = []
        self.tables = 0
        self.captions = 0
        self.header_cells: list[str | None] = []
        self.alternates: dict[str, str] = {}
        self.scripts = 0
        self.svgs: list[dict[str, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs) -> None:
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.add(attributes["id"])
        if tag == "html":
            self.lang = attributes.get("lang")
        elif re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        elif tag == "table":
            self.tables += 1
        elif tag == "caption":
            self.captions += 1
        elif tag == "th":
            self.header_cells.append(attributes.get("scope"))
        elif tag == "link" and attributes.get("rel") == "alternate":
            self.alternates[attributes["hreflang"]] = attributes["href"]
        elif tag == "script":
            self.scripts += 1
        elif tag == "svg":
            self.svgs.append(attributes)


def structure(html: str) -> Structure:
    parsed = Structure()
    parsed.feed(html)
    return parsed


def test_the_index_lists_the_published_municipalities_only(world):
    html = page(world.client(), "/public/")
    for slug in ("piatra-neamt", "comuna-sanmartin", "stockholm", "eskilstuna"):
        assert f'href="/public/{slug}/' in html
    assert "huddinge" not in html.lower()  # its plan is adopted, but the municipality is not published
    assert "Sânmartin &#34;Commune&#34; &amp; &lt;Valley&gt;" in html  # the name escaped, never markup


def test_a_municipality_page_lists_its_adopted_plans_by_year(world):
    client = world.client()
    html = page(client, "/public/piatra-neamt/")
    assert "<h2>2021</h2>" in html and "HCL 99/2021" in html
    assert 'href="/public/piatra-neamt/2021/action-plan/"' in html
    assert "2 adopții" in html  # the page is in the municipality's language by default
    eskilstuna = page(client, "/public/eskilstuna/?lang=en")
    assert "No plan of this municipality has been adopted yet." in eskilstuna  # its quality report is a draft
    for missing in ("/public/huddinge/", "/public/huddinge/2026/followup-plan/", "/public/nowhere/",
                    "/public/eskilstuna/2017/quality-report/", "/public/piatra-neamt/2021/action-plan/?lang=xx"):
        response = get(client, missing, 404)
        body = response.get_data(as_text=True)
        assert "Set-Cookie" not in response.headers and "csrf_token" not in body
        assert NOT_FOUND[structure(body).lang] in body  # the public 404 page, in the address's language


def _budget_total(world) -> Decimal:
    """The adopted plan's budget in lei, summed here from the public document (not by the page's code)."""
    document = get(world.client(), f"{PIATRA}r{world.revisions['a2']}/plan.json").get_json()
    return sum((Decimal(line["amount"]) * line["scale"]
                for key in ("existing-services", "proposed-services")
                for row in document["sections"][key]["rows"] for line in row["budget"]), Decimal(0))


@pytest.mark.parametrize("lang", LOCALES)
def test_the_plan_page_is_accessible_html_in_every_language(world, lang):
    html = page(world.client(), f"{PIATRA}?lang={lang}")
    shown = structure(html)
    assert shown.lang == lang and shown.scripts == 0
    assert set(shown.alternates) == {*LOCALES, "x-default"}
    assert shown.alternates["ro"] == PIATRA and shown.alternates["sv"] == f"{PIATRA}?lang=sv"
    assert shown.headings.count(1) == 1 and shown.headings[0] == 1
    steps = zip(shown.headings, shown.headings[1:], strict=False)
    assert all(b - a <= 1 for a, b in steps), shown.headings  # no heading level skipped
    assert shown.tables >= 10 and shown.captions == shown.tables
    assert shown.header_cells and all(scope in ("col", "row") for scope in shown.header_cells)
    # The figures in the page's language: the decision's date, the budget's total in the chart and its table.
    assert format_date(dt.date(2021, 9, 30), locale=lang) in html
    total = format_money(_budget_total(world), "RON", lang)
    assert html.count(total) >= 2
    (chart,) = shown.svgs
    assert chart["role"] == "img" and all(part in shown.ids for part in chart["aria-labelledby"].split())
    description = re.search(r'<desc id="budget-chart-desc">([^<]+)</desc>', html).group(1)
    assert ("lei" if lang == "ro" else "RON") in description  # each source's amount, as the page writes money
    assert "HCL 99/2021" in html and "HCL 77/2021" in html  # the decision, and the history of adoptions
    assert "&lt;span" not in html and "&lt;p&gt;" not in html  # markup never shown as text
    if lang != "ro":  # the Romanian texts are marked as such for screen readers
        assert '<div lang="ro"><p>' in html and '<span lang="ro">' in html


def test_the_figures_differ_by_language(world):
    client = world.client()
    totals = {lang: format_money(_budget_total(world), "RON", lang) for lang in LOCALES}
    assert len(set(totals.values())) == 3  # ro '…,00 lei', sv '… RON', en 'RON…': the test means something
    for lang, total in totals.items():
        html = page(client, f"{PIATRA}?lang={lang}")
        assert total in html
        assert all(other not in html for code, other in totals.items() if code != lang)


def test_each_adoption_has_a_stable_address_and_the_history_lists_them(world):
    client = world.client()
    a1, a2, working = world.revisions["a1"], world.revisions["a2"], world.revisions["working"]
    latest = page(client, PIATRA)
    assert "republicată (rectificare)" in latest and f'{PIATRA}r{a1}/' in latest and f'{PIATRA}r{a2}/' in latest
    first = page(client, f"{PIATRA}r{a1}/?lang=en")
    assert "This is an earlier adopted revision" in first and "republicată (rectificare)" not in first
    assert "HCL 77/2021" in first
    second = page(client, f"{PIATRA}r{a2}/")
    assert "republicată (rectificare)" in second and "This is an earlier adopted revision" not in second
    assert f'<link rel="canonical" href="{PIATRA}r{a2}/">' in latest  # the latest address names the stable one
    for not_adopted in (working, a1 - 1, a2 - 1, 9999):
        get(client, f"{PIATRA}r{not_adopted}/", 404)
        get(client, f"{PIATRA}r{not_adopted}/plan.json", 404)
        get(client, f"{PIATRA}r{not_adopted}/plan.pdf", 404)


def test_public_answers_are_cacheable_and_answer_304(world):
    client = world.client()
    first = get(client, PIATRA)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert first.cache_control.public and first.cache_control.max_age == 300
    assert "Set-Cookie" not in first.headers and "Cookie" not in first.headers.get("Vary", "")
    assert first.last_modified.date() == dt.date.today()  # when the revision was adopted (today, in the world)
    again = client.get(PIATRA, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    assert client.get(PIATRA, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(PIATRA, headers={"If-None-Match": '"another"'}).status_code == 200
    assert get(client, f"{PIATRA}?lang=sv").headers["ETag"] != etag  # another language, another entity
    # A signed-in visitor reads the same page, and the answer neither reads nor sets the session.
    signed_in = world.client()
    login(signed_in, "admin@socialplan.demo", "demo-password-2026")
    theirs = get(signed_in, PIATRA)
    assert theirs.data == first.data and "Set-Cookie" not in theirs.headers
    assert "Cookie" not in theirs.headers.get("Vary", "")
    assert get(client, "/public/piatra-neamt/").cache_control.public


def test_the_pdf_names_the_address_of_its_accessible_version(world):
    client = world.client()
    a2 = world.revisions["a2"]
    text = pdf_text(get(client, f"{PIATRA}r{a2}/plan.pdf").data).replace("\n", "")
    assert f"{BASE_URL}{PIATRA}r{a2}/" in text and "HCL 99/2021" in text
    english = pdf_text(get(client, f"{PIATRA}r{a2}/plan.pdf?lang=en").data).replace("\n", "")
    assert f"{BASE_URL}{PIATRA}r{a2}/?lang=en" in english and "Accessible version of this document" in english
    from core.models import AnnualPlan
    from core.reports import render_report

    with world.db() as session:
        piatra = session.get(AnnualPlan, world.plan_ids["piatra"])
        working = pdf_text(render_report(session, piatra, "action-plan", "en"))  # the working revision
        huddinge = session.get(AnnualPlan, world.plan_ids["huddinge"])  # adopted, not published
        unpublished = pdf_text(render_report(session, huddinge, "followup-plan", "en",
                                             revision=huddinge.adopted_revision))
    assert "Accessible version" not in working and "/public/" not in working
    assert "Accessible version" not in unpublished and "/public/" not in unpublished


def test_each_adopted_revision_is_a_valid_frictionless_data_package(world, tmp_path):
    from frictionless import validate

    from core.interchange import check_schema

    client = world.client()
    number = world.revisions["sanmartin"]
    response = get(client, f"{SANMARTIN}r{number}/datapackage.zip")
    assert response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        archive.extractall(tmp_path)
        names = archive.namelist()
    folder = tmp_path / f"comuna-sanmartin-action-plan-2022-r{number}"
    report = validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    document = json.loads((folder / "plan.json").read_text(encoding="utf-8"))
    check_schema(document)
    assert "extensions" not in document and "personal_data" not in document
    assert descriptor["licenses"][0]["name"] == "CC0-1.0"
    tables = [r for r in descriptor["resources"] if r["path"].endswith(".csv")]
    assert {r["name"] for r in tables} == {key for key, section in document["sections"].items()
                                           if key != "press-messages"}  # every table section, not the text one
    for resource in tables:
        with open(folder / resource["path"], encoding="utf-8-sig", newline="") as table:
            header, *rows = list(csv.reader(table))
        assert header == [f["name"] for f in resource["schema"]["fields"]]
        assert len(rows) == len(document["sections"][resource["name"]]["rows"])
    basis = (folder / "legal-basis.csv").read_text(encoding="utf-8-sig")
    assert SANMARTIN_BASIS.replace('"', '""') in basis  # quotes, & and < kept as typed
    assert len(names) == len(descriptor["resources"]) + 1
    # The same package as a folder: datapackage.json and each file it names, beside it.
    base = f"{SANMARTIN}r{number}/data/"
    assert get(client, base + "datapackage.json").get_json() == descriptor
    for resource in descriptor["resources"]:
        assert get(client, base + resource["path"]).data == (folder / resource["path"]).read_bytes()
    get(client, base + "missing.csv", 404)


def test_the_catalogue_and_the_feed_list_every_adoption(world):
    client = world.client()
    catalogue = get(client, "/public/catalogue.json").get_json()
    datasets = catalogue["dataset"]
    assert sorted(d["version"] for d in datasets if "/piatra-neamt/" in d["landingPage"]) == sorted(
        [str(world.revisions["a1"]), str(world.revisions["a2"])])
    assert len(datasets) == 4  # Piatra Neamț twice, Sânmartin, Stockholm; not Huddinge, not a draft
    assert all(d["landingPage"].startswith(BASE_URL + "/public/") for d in datasets)
    stockholm = next(d for d in datasets if "/stockholm/" in d["landingPage"])
    assert stockholm["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert stockholm["publisher"]["name"] == "Socialförvaltningen, Stockholms stad"
    for dataset in datasets:
        for distribution in dataset["distribution"]:
            address = distribution.get("downloadURL") or distribution["accessURL"]
            answer = get(client, address.removeprefix(BASE_URL))
            assert answer.mimetype == distribution["mediaType"]
    feed = ElementTree.fromstring(get(client, "/public/feed.atom").data)
    atom = "{http://www.w3.org/2005/Atom}"
    entries = feed.findall(f"{atom}entry")
    assert len(entries) == 4
    updated = [entry.find(f"{atom}updated").text for entry in entries]
    assert updated == sorted(updated, reverse=True)  # newest adoption first
    assert {entry.find(f"{atom}id").text for entry in entries} == {d["landingPage"] for d in datasets}


@pytest.mark.parametrize("lang", LOCALES)
def test_the_accessibility_statement_in_every_language(world, lang):
    html = page(world.client(), f"/public/accessibility?lang={lang}")
    assert structure(html).lang == lang and "WCAG 2.1" in html
    assert {"en": "Accessibility statement", "sv": "Tillgänglighetsredogörelse",
            "ro": "Declarație de accesibilitate"}[lang] in html
