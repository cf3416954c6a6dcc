"""What the attack suites (tests/test_attack_*.py) throw at socialplan, and a town of their own to throw it at.

``HOSTILE`` is the bad-input corpus every form field, API body and import gets; ``MARKUP`` and
``FORMULAS`` are what must come out inert in HTML, PDF, CSV and XLSX. ``TOWN`` is a Romanian
municipality that is not the demo's (a name with quotes, &, <, every Romanian diacritic), made by
importing a copy of the demo plan as a plan document, the way another deployment would hand it over.
"""

from __future__ import annotations

import copy
import re
from html.parser import HTMLParser
from typing import Any

from sqlalchemy import select

# Text a form field, an API row or a document may be sent; (name, value) for readable test ids.
HOSTILE: list[tuple[str, str]] = [
    ("nul", "before\x00after"),
    ("c0-controls", "bell\x07 escape\x1b back\x08space\x0bvt\x0cff"),
    ("cr-lf", "first\r\nsecond\rthird"),
    ("digits-50", "9" * 50),
    ("exponent-1e309", "1e309"),
    ("minus-one", "-1"),
    ("long-100k", "Ș" * 100_000),
    ("script", '<script>alert("x")</script>'),
    ("formula", '=HYPERLINK("http://example.org/x","Klicka")'),
    ("rtl-override", "\u202eslx.exe"),
    ("lone-surrogate", "half \ud800 a pair"),
    ("date-feb-30", "2021-02-30"),
    ("decomposed", "s\u0326i t\u0326ara"),  # ș and ț as a letter and a combining comma: NFC makes them one
]
# What clean_text must have removed from whatever was saved.
UNCLEAN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

MARKUP = '<script>alert("socialplan")</script><img src=x onerror=alert(1)> & „Ionuț” <b>'
FORMULAS = ['=HYPERLINK("http://example.org/x","Klicka")', "+SUM(A1:A9)", "-2+3", "@cmd", "=1+1"]

SLUG = "targu-frumos"
TOWN_NAME = {"ro": "Târgu Frumos & „Sfântul” <Ion> – ăâîșț ĂÂÎȘȚ", "en": "Targu Frumos & \"St\" <Ion>"}
PLANNER = "planificator@targu-frumos.example"
PASSWORD = "o-parolă-lungă-și-sigură"


def town_document(demo: dict[str, Any]) -> dict[str, Any]:
    """The demo's Romanian plan, as another municipality's: its own name, slug and a row of hostile text."""
    document = copy.deepcopy(demo)
    document["municipality"] = {**document["municipality"], "slug": SLUG, "name": TOWN_NAME}
    document["title"] = {"ro": f"Planul anual 2021 – {TOWN_NAME['ro']}"}
    rows = document["sections"]["training-courses"]["rows"]
    rows.insert(0, {**rows[0], "department": {"ro": MARKUP, "en": FORMULAS[0]}})
    campaigns = document["sections"]["awareness-campaigns"]["rows"]
    campaigns[:0] = [{**campaigns[0], "title": {"ro": formula, "en": MARKUP}, "responsible": {"ro": formula}}
                     for formula in FORMULAS]
    return document


def make_town(app) -> None:
    """Import the town's plan (creating the municipality) and give it a planner."""
    from core.db import get_session
    from core.models import Municipality
    from core.services.accounts import create_user
    from core.services.imports import import_plan
    from plugins.romania.demo import demo_document

    with app.app_context():
        session = get_session()
        import_plan(session, app.extensions["socialplan.registry"], town_document(demo_document()), None)
        town = session.scalar(select(Municipality).where(Municipality.slug == SLUG))
        create_user(session, PLANNER, PASSWORD, "planner", town, "ro")
        session.commit()


class FormFields(HTMLParser):
    """The (name, value) pairs a browser sends for the first form of class ``form_class`` on a page, and the
    names of its visible fields (what a person can type or choose in)."""

    def __init__(self, form_class: str = "row-form") -> None:
        super().__init__()
        self.form_class = form_class
        self.pairs: list[tuple[str, str]] = []
        self.visible: list[str] = []
        self.inside = self.done = False
        self.select: str | None = None
        self.textarea: str | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form" and not self.done and self.form_class in a.get("class", "").split():
            self.inside = True
        if not self.inside or (not a.get("name") and tag != "option"):
            return
        name = a.get("name", "")
        if tag == "input":
            kind = a.get("type", "text")
            if kind not in ("hidden", "submit"):
                self.visible.append(name)
            if kind != "checkbox" or "checked" in a:
                self.pairs.append((name, a.get("value", "y" if kind == "checkbox" else "")))
        elif tag == "select":
            self.select = name
            self.visible.append(name)
        elif tag == "option" and self.select and "selected" in a:
            self.pairs.append((self.select, a.get("value", "")))
        elif tag == "textarea":
            self.textarea, self.text = name, []
            self.visible.append(name)

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.pairs.append((self.textarea, "".join(self.text).removeprefix("\n")))
            self.textarea = None
        elif tag == "form" and self.inside:
            self.inside, self.done = False, True


def form_of(html: str, form_class: str = "row-form") -> FormFields:
    parser = FormFields(form_class)
    parser.feed(html)
    return parser
