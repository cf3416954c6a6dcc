"""The web pages over the real plugins' demo data: every page renders, and an unchanged row form saves unchanged."""

from __future__ import annotations

from html.parser import HTMLParser

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from core.db import get_session
from core.demo import DEMO_ADMIN, DEMO_PASSWORD
from core.models import AnnualPlan
from core.services.plans import document_of
from core.testing import login


class RowFormFields(HTMLParser):
    """The (name, value) pairs a browser would send for the page's row form."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self.in_form = False
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and "row-form" in (attributes.get("class") or ""):
            self.in_form = True
        if not self.in_form:
            return
        if tag == "input" and attributes.get("name"):
            if attributes.get("type") != "checkbox" or "checked" in attributes:
                self.fields.append((attributes["name"], attributes.get("value", "y")
                                    if attributes.get("type") == "checkbox" else attributes.get("value", "")))
        elif tag == "select":
            self.select = attributes["name"]
        elif tag == "option" and self.select and "selected" in attributes:
            self.fields.append((self.select, attributes.get("value", "")))
        elif tag == "textarea":
            self.textarea = attributes["name"]
            self.fields.append((self.textarea, ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            name, value = self.fields.pop()
            self.fields.append((name, (value + data).lstrip("\n")))


def demo_plans(app) -> list[tuple[int, str, object]]:
    registry = app.extensions["socialplan.registry"]
    with app.app_context():
        return [(plan.id, plan.municipality.slug, registry.plan_kind(plan.kind))
                for plan in get_session().scalars(select(AnnualPlan))]


def first_row(app, plan_id: int, section: str) -> dict:
    with app.app_context():
        session = get_session()
        plan = session.get(AnnualPlan, plan_id)
        return document_of(session, app.extensions["socialplan.registry"], plan)["sections"][section]["rows"][0]


def test_every_page_of_every_demo_plan_renders(demo_app, demo_client):
    plans = demo_plans(demo_app)
    assert plans
    login(demo_client, DEMO_ADMIN, DEMO_PASSWORD)
    for plan_id, slug, plan_kind in plans:
        base = f"/m/{slug}/plans/{plan_id}"
        urls = [f"/m/{slug}/", f"{base}/", f"{base}/revisions", f"{base}/compare"]
        for spec in plan_kind.sections:
            urls.append(f"{base}/sections/{spec.key}")
            if spec.row_type != "text":
                urls.append(f"{base}/sections/{spec.key}/rows/new")
        for url in urls:
            assert demo_client.get(url).status_code == 200, url


def test_an_unchanged_row_form_saves_the_row_unchanged(demo_app, demo_client):
    login(demo_client, DEMO_ADMIN, DEMO_PASSWORD)
    checked = 0
    for plan_id, slug, plan_kind in demo_plans(demo_app):
        for spec in plan_kind.sections:
            url = f"/m/{slug}/plans/{plan_id}/sections/{spec.key}/rows/0"
            page = demo_client.get(url)
            if spec.row_type == "text" or page.status_code in (403, 404):  # approved plans, empty sections
                continue
            before = first_row(demo_app, plan_id, spec.key)
            parser = RowFormFields()
            parser.feed(page.text)
            response = demo_client.post(url, data=MultiDict(parser.fields))
            assert response.status_code == 302, (url, response.text[:2000])
            assert first_row(demo_app, plan_id, spec.key) == before, url
            checked += 1
    assert checked >= 3
