"""Nothing private on the public pages (issue 15): an anonymous client walks every public address, and follows
every link, download, catalogue entry and data package file, in every language, against a deployment full of
drafts and private data (tests/public_world.py), and finds none of it."""

from __future__ import annotations

import io
import json
import re
import zipfile
from urllib.parse import urljoin, urlsplit

import pytest
from public_world import BASE_URL, DRAFT_MARK, PRIVATE_MARK, build_public_world, copy_database
from sqlalchemy import select
from world import KIND, PLUGIN

from core.app import create_app
from core.i18n import LOCALES
from core.testing import TEST_SECRET, pdf_text

START = ["/public/", "/public/accessibility", "/public/catalogue.json", "/public/feed.atom"]
INTERNAL_MARK = "internal-note-only-7b3a"


@pytest.fixture(scope="module")
def world(sqlite_demo_template, tmp_path_factory, jurisdiction):
    import os

    folder = tmp_path_factory.mktemp("public-privacy")
    os.environ["SOCIALPLAN_INSTANCE_PATH"] = str(folder)
    app = create_app({"TESTING": True, "SECRET_KEY": TEST_SECRET, "WTF_CSRF_ENABLED": False,
                      "DATABASE_URL": copy_database(sqlite_demo_template, folder), "PUBLIC_BASE_URL": BASE_URL},
                     extra_plugins=[(PLUGIN, jurisdiction)])
    world = build_public_world(app)
    with world.db() as session:
        _internal_plan(world, session)
        session.commit()
    yield world
    app.extensions["socialplan.engine"].dispose()


def _internal_plan(world, session) -> None:
    from core.services.accounts import create_municipality, set_plugin_enabled
    from core.services.plans import create_plan, set_section_text, take_step
    from core.services.publication import set_publication

    town = create_municipality(session, "publicville", {"en": "Publicville"}, "XX", "en", "EUR")
    set_plugin_enabled(session, world.registry, town, PLUGIN, True)
    plan = create_plan(session, world.registry, town, 2026, KIND, None)
    set_section_text(session, world.registry, plan, "intro", None, text={"en": "What everybody may read."})
    set_section_text(session, world.registry, plan, "notes", None, text={"en": INTERNAL_MARK})  # not public
    take_step(session, world.registry, plan, "submit", {}, None)
    take_step(session, world.registry, plan, "approve",
              {"council_decision_ref": "Decision 1/2026", "council_decision_date": "2026-01-15"}, None)
    set_publication(session, town, published=True, licence="CC-BY-4.0", publisher="Publicville")


def _private_texts(world) -> dict[str, str]:
    """What must never be public, by what it is."""
    from core.models import AnnualPlan, User
    from core.services.plans import document_of, plan_kind_of
    from core.services.validation import validate_document

    texts = {"private mark": PRIVATE_MARK, "working revision": DRAFT_MARK, "internal section": INTERNAL_MARK,
             "unpublished municipality": "Huddinge", "personal data block": "answer_cells",
             "plugin data": "deficiency_cases", "extensions": '"extensions"'}
    with world.db() as session:
        for number, email in enumerate(session.scalars(select(User.email))):
            texts[f"e-mail {number}"] = email
        for plan in session.scalars(select(AnnualPlan)):
            findings = validate_document(world.registry, plan, plan_kind_of(world.registry, plan),
                                         document_of(session, world.registry, plan))
            for finding in findings:
                texts[f"finding {plan.municipality.slug} {finding.rule}"] = finding.message
            if plan.adopted_revision is None:  # a draft's own text: the Eskilstuna quality report's introduction
                intro = (document_of(session, world.registry, plan)["sections"].get("introduction") or {})
                for locale, text in (intro.get("text") or {}).items():
                    texts[f"draft {plan.municipality.slug} {locale}"] = text[:60]
    return {what: text for what, text in texts.items() if text and len(text) >= 8}


def _links(body: str, base: str) -> set[str]:
    found = set(re.findall(r'(?:href|src)="([^"#]+)', body)) | set(re.findall(r'"(https?://[^"]+)"', body))
    return {urljoin(base, link.replace("&amp;", "&")) for link in found}


def _public_path(address: str) -> str | None:
    parts = urlsplit(address)
    if parts.netloc not in ("", "localhost", urlsplit(BASE_URL).netloc) or not parts.path.startswith("/public/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _texts_of(response) -> list[str]:
    """What a public answer says: its text, a PDF's text, each member of a zip."""
    if response.mimetype == "application/pdf":
        return [pdf_text(response.data)]
    if response.mimetype.endswith("wordprocessingml.document"):  # a council document's DOCX, read back
        from docx import Document

        docx = Document(io.BytesIO(response.data))
        return [p.text for p in docx.paragraphs] + [c.text for t in docx.tables for r in t.rows for c in r.cells]
    if response.mimetype == "application/zip":
        with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
            return [archive.read(name).decode("utf-8-sig") for name in archive.namelist()]
    return [response.get_data(as_text=True)]


def test_an_anonymous_walk_of_every_public_address_finds_nothing_private(world):
    client = world.client()
    private = _private_texts(world)
    assert len([what for what in private if what.startswith("e-mail")]) >= 5
    queue = [f"{path}?lang={lang}" for path in START for lang in LOCALES] + START
    seen: dict[str, str] = {}
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        response = client.get(path)
        assert response.status_code == 200, f"{path} answered {response.status_code}"
        assert "Set-Cookie" not in response.headers, path
        seen[path] = response.mimetype
        for text in _texts_of(response):
            for what, secret in private.items():
                assert secret not in text, f"{path} shows {what}: {secret!r}"
            if response.mimetype in ("text/html", "application/json", "application/atom+xml"):
                base = BASE_URL + path
                queue.extend(p for link in _links(text, base) if (p := _public_path(link)) and p not in seen)
            if path.endswith("/datapackage.json"):  # the folder's files, named relative to it
                for resource in json.loads(text)["resources"]:
                    queue.append(urljoin(path, resource["path"]))
    # The walk reached every kind of public answer, each adopted revision among them, in every language.
    kinds = set(seen.values())
    assert {"text/html", "application/pdf", "application/zip", "application/json", "text/csv",
            "application/atom+xml"} <= kinds
    pages = [path for path in seen if re.search(r"/r\d+/(\?lang=\w+)?$", path)]
    assert len(pages) >= 5 * len(LOCALES)  # Piatra Neamț twice, Sânmartin, Stockholm, Publicville
    assert any("publicville/2026/example-plan/r" in path for path in pages)
    # A report its plugin declares public (ReportKind.public): Stockholm's individuppföljning results, walked as a
    # PDF in every language (plugins/sweden/tests/test_public_results.py reads their figures).
    results = {urlsplit(path).query or "lang=sv" for path in seen
               if urlsplit(path).path.endswith("/reports/followup-results.pdf")}
    assert results == {f"lang={lang}" for lang in LOCALES}, results
    html = client.get("/public/publicville/2026/example-plan/?lang=en").get_data(as_text=True)
    assert "What everybody may read." in html and "Internal notes" not in html  # the public section is shown


def test_the_public_document_holds_only_public_sections_and_no_plugin_data(world):
    client = world.client()
    with world.db() as session:
        from core.models import AnnualPlan

        stockholm = session.get(AnnualPlan, world.plan_ids["stockholm"])
        number = stockholm.adopted_revision
    document = client.get(f"/public/stockholm/2026/followup-plan/r{number}/plan.json").get_json()
    assert set(document) == {"format", "version", "municipality", "year", "kind", "status", "title",
                             "council_decision", "facts", "sections"}
    assert document["status"] == "approved" and document["council_decision"]["reference"] == "Dnr SN 2026/9"
    latest = client.get("/public/publicville/2026/example-plan/").get_data(as_text=True)
    number = re.search(r'href="/public/publicville/2026/example-plan/r(\d+)/plan.json"', latest).group(1)
    internal = client.get(f"/public/publicville/2026/example-plan/r{number}/plan.json").get_json()
    # every section but the internal one (the notes)
    assert list(internal["sections"]) == ["intro", "objectives", "services", "campaigns", "training", "meetings"]
    package = client.get(f"/public/publicville/2026/example-plan/r{number}/data/datapackage.json").get_json()
    # a table of each public table section, and none of the internal one
    assert sorted(r["name"] for r in package["resources"]) == ["campaigns", "meetings", "objectives", "plan-document",
                                                               "services", "training"]
