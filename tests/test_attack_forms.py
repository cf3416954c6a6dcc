"""The bad-input corpus against every row form: core's generic forms, the Romanian and the Swedish plugin's.

For every section with rows, the form a planner gets to add a row (or to edit its first) is sent back
with each value of ``attack_corpus.HOSTILE`` in each of its fields: free-text fields all at once (they
are meant to take any text), every other field alone (but for the values about how text is kept: line
ends, NFC, direction). No answer is an error 500. A refused form shows the error beside the field that
holds the value; a saved row holds the value cleaned (no control character, no lone surrogate, NFC).
Afterwards every page, table download and report of the plan still renders.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from urllib.parse import urlencode

import pytest
from attack_corpus import HOSTILE, PASSWORD, PLANNER, SLUG, UNCLEAN, form_of, make_town
from sqlalchemy import select
from world import KIND as TEST_KIND
from world import sign_in

from core.db import get_session
from core.models import AnnualPlan, Municipality
from core.services.plans import document_of
from core.testing import login

# Values about how text is kept (line ends, normal forms, direction): sent to the free-text fields only.
TEXT_ONLY = {"cr-lf", "decomposed", "rtl-override"}


class Attack:
    """Requests against one plan's row forms, with what they answered."""

    def __init__(self, app, client, slug: str, plan_id: int) -> None:
        self.app, self.client, self.slug, self.plan_id = app, client, slug, plan_id
        self.counts: Counter[str] = Counter()
        self.problems: list[str] = []

    def url(self, tail: str = "") -> str:
        return f"/m/{self.slug}/plans/{self.plan_id}/{tail}"

    def get(self, url: str):
        self.counts["requests"] += 1
        try:
            response = self.client.get(url)
        except Exception as error:  # the app raises what would be an error 500 (TESTING propagates it)
            self.problems.append(f"GET {url}: {type(error).__name__}: {error}"[:300])
            return None
        if response.status_code >= 500:
            self.problems.append(f"GET {url}: {response.status_code}")
        return response

    def post(self, url: str, pairs: list[tuple[str, str]]):
        self.counts["requests"] += 1
        # Sent as a browser would: UTF-8, and a lone surrogate as the bytes a careless encoder makes of it.
        body = urlencode(pairs, encoding="utf-8", errors="surrogatepass")
        try:
            response = self.client.post(url, data=body, content_type="application/x-www-form-urlencoded")
        except Exception as error:
            self.problems.append(f"POST {url} {pairs_summary(pairs)}: {type(error).__name__}: {error}"[:300])
            return None
        if response.status_code >= 500:
            self.problems.append(f"POST {url}: {response.status_code}")
        return response

    def document(self) -> dict:
        with self.app.app_context():
            session = get_session()
            return document_of(session, self.app.extensions["socialplan.registry"],
                               session.get(AnnualPlan, self.plan_id))

    def section_form(self, section: str) -> tuple[str, list[tuple[str, str]], list[str], list[str]]:
        """Where the form posts, and its pairs, free-text fields and other visible fields: the first row's form
        (a valid row to start from), or the new-row form of a section without rows. The form is sent without
        the revision it was made from, so that one save does not make the next a conflict."""
        has_rows = bool(self.document()["sections"][section]["rows"])
        url = self.url(f"sections/{section}/rows/{0 if has_rows else 'new'}")
        page = self.get(url).get_data(as_text=True)
        form = form_of(page)
        free = [name for name in form.visible if _is_free_text(page, name)]
        pairs = [(name, value) for name, value in form.pairs if name != "_base_revision"]
        return url, pairs, free, [name for name in form.visible if name not in free]

    def row_forms(self, sections: list[str]) -> None:
        seen: set[tuple[str, ...]] = set()
        for section in sections:
            url, pairs, free, other = self.section_form(section)
            shape = tuple(sorted(name for name, _value in pairs if name not in ("original", "_row")))
            if shape in seen:  # the same form as another section's (eight training sections share one)
                continue
            seen.add(shape)
            self.counts["forms"] += 1
            self.attack_form(section, url, pairs, free, other)

    def attack_form(self, section: str, url: str, pairs: list[tuple[str, str]], free: list[str],
                    other: list[str]) -> None:
        for label, value in HOSTILE:
            self.counts["fields x values"] += len(free) + (len(other) if label not in TEXT_ONLY else 0)
            self.free_text(section, url, pairs, free, label, value)
            for name in other if label not in TEXT_ONLY else ():
                response = self.post(url, _with(pairs, {name: value}))
                if response is not None and response.status_code == 422:
                    self.beside(response, [name], f"{section} {name}={label}")
                elif response is not None and response.status_code == 302:
                    self.saved(section, f"{section} {name}={label}")

    def free_text(self, section: str, url: str, pairs, free: list[str], label: str, value: str) -> None:
        fields = list(free)
        for _attempt in range(2):  # the fields that refused it, then the others alone: those must save it
            response = self.post(url, _with(pairs, dict.fromkeys(fields, value)))
            if response is None or response.status_code != 422:
                break
            html = response.get_data(as_text=True)
            refused = [name for name in fields if f'id="{name}-error"' in html]
            if not refused:
                self.problems.append(f"{section} free text={label}: refused with no error beside a field")
                return
            fields = [name for name in fields if name not in refused]
            if not fields:
                return
        if response is not None and response.status_code == 302:
            self.saved(section, f"{section} free text={label}", value if label == "decomposed" else None)
        elif response is not None:
            self.problems.append(f"{section} free text={label}: answered {response.status_code}")

    def beside(self, response, names: list[str], what: str) -> None:
        html = response.get_data(as_text=True)
        if not any(f'id="{name}-error"' in html for name in names):
            self.problems.append(f"{what}: refused, but no error beside the field")

    def saved(self, section: str, what: str, decomposed: str | None = None) -> None:
        self.counts["saved"] += 1
        rows = self.document()["sections"][section]["rows"]
        text = json.dumps(rows, ensure_ascii=False)  # the edited first row, or the one added
        if UNCLEAN.search(text):
            self.problems.append(f"{what}: saved with a control character or a lone surrogate")
        if decomposed and "\u0219i \u021bara" not in text:
            self.problems.append(f"{what}: saved without NFC")

    def pages_still_render(self, sections: list[str], reports: list[str], kind_path: str) -> None:
        """Every page, table and report of the plan after the attack (what was saved poisons nothing)."""
        self.get(self.url())
        for section in sections:
            self.get(self.url(f"sections/{section}"))
            rows = self.document()["sections"][section]["rows"]
            for index in sorted({0, len(rows) - 1} if rows else ()):  # the rows attacked: the first, the added
                self.get(self.url(f"sections/{section}/rows/{index}"))
            for fmt in ("csv", "xlsx"):
                response = self.get(f"/m/{self.slug}/plans/{kind_path}/tables/{section}.{fmt}")
                if response is not None and response.status_code != 200:
                    self.problems.append(f"{section}.{fmt}: {response.status_code}")
        for report in reports:
            for lang in ("ro", "sv", "en"):
                response = self.get(self.url(f"reports/{report}/{lang}.pdf"))
                if response is not None and response.status_code != 200:
                    self.problems.append(f"{report} {lang}: {response.status_code}")
        self.get(self.url("revisions"))
        self.get(self.url("compare"))

    def report(self, name: str) -> None:
        print(f"{name}: {self.counts['forms']} forms, {self.counts['fields x values']} field x value pairs, "
              f"{self.counts['requests']} requests, {self.counts['saved']} rows saved, "
              f"{len(self.problems)} problems")
        for problem in self.problems[:20]:
            print("   ", problem)
        assert self.problems == []


def _is_free_text(page: str, name: str) -> bool:
    """A textarea, or a plain text input (not a number, a date or a code from a list)."""
    tag = re.search(rf'<(input|textarea|select)\b[^>]*\bname="{re.escape(name)}"[^>]*>', page)
    if tag is None or tag.group(1) == "select":
        return False
    text = tag.group(0)
    return tag.group(1) == "textarea" or ('type="text"' in text and "inputmode" not in text and "list=" not in text)


def _with(pairs: list[tuple[str, str]], values: dict[str, str]) -> list[tuple[str, str]]:
    replaced = [(name, values.get(name, value)) for name, value in pairs]
    return replaced + [(name, value) for name, value in values.items() if name not in dict(pairs)]


def pairs_summary(pairs: list[tuple[str, str]]) -> str:
    return ", ".join(f"{name}={value[:20]!r}" for name, value in pairs if name != "csrf_token")[:200]


def _rows_sections(app, kind: str) -> list[str]:
    plan_kind = app.extensions["socialplan.registry"].plan_kind(kind)
    return [spec.key for spec in plan_kind.sections if str(spec.row_type) != "text"]


def _reports(app, kind: str) -> list[str]:
    return [code for code, (_plugin, report) in app.extensions["socialplan.registry"].report_kinds.items()
            if report.plan_kind == kind]


def _plan_id(app, slug: str, year: int, kind: str) -> int:
    with app.app_context():
        return get_session().scalar(select(AnnualPlan.id).join(Municipality).where(
            Municipality.slug == slug, AnnualPlan.year == year, AnnualPlan.kind == kind))


def test_every_romanian_row_form_survives_the_corpus(demo_app):
    make_town(demo_app)  # a municipality of our own, made by importing a document
    client = demo_app.test_client()
    assert login(client, PLANNER, PASSWORD).status_code == 200
    attack = Attack(demo_app, client, SLUG, _plan_id(demo_app, SLUG, 2021, "action-plan"))
    sections = _rows_sections(demo_app, "action-plan")
    attack.row_forms(sections)
    attack.pages_still_render(sections, _reports(demo_app, "action-plan"), "2021/action-plan")
    attack.report("romania")


@pytest.mark.parametrize("town", ["stockholm", "eskilstuna"])  # a follow-up plan, a quality report
def test_every_swedish_row_form_survives_the_corpus(demo_app, town):
    from plugins.sweden.demo import PLANS

    client = demo_app.test_client()
    assert login(client, f"planner@{town}.demo", "demo-password-2026").status_code == 200
    year, kind = PLANS[town]
    attack = Attack(demo_app, client, town, _plan_id(demo_app, town, year, kind))
    sections = _rows_sections(demo_app, kind)
    attack.row_forms(sections)
    attack.pages_still_render(sections, _reports(demo_app, kind), f"{year}/{kind}")
    attack.report(f"sweden {town} {kind}")


def test_every_generic_row_form_of_core_survives_the_corpus(world):
    """Core's own forms (services with budget lines, campaigns with periods, training), which a plugin gets
    when it gives no form of its own."""
    app = world.app
    client = app.test_client()
    assert sign_in(client, "planner@alpha.org").status_code == 200  # the world's password
    attack = Attack(app, client, "alpha", world.plan_ids["alpha-draft"])
    sections = _rows_sections(app, TEST_KIND)
    attack.row_forms(sections)
    attack.pages_still_render(sections, ["example-report"], f"2026/{TEST_KIND}")
    attack.report("core")
