"""The bad-input corpus against every form of the url map that is not a row form (issue 14).

tests/test_attack_forms.py sends ``attack_corpus.HOSTILE`` through the row forms. Here the pages each
account reaches are walked (links followed from its home page, a few pages per endpoint), every
``<form method="post">`` found is kept under the endpoint it posts to, and each form is sent back with
one field at a time holding a hostile value (hidden fields, selects, checkboxes and file uploads too: a
file holds the value as its content). No answer is an error 500 or shows a traceback; a refused value
keeps the page (200, 400 or 422) with the error beside the field that holds it; a save redirects. After
the attack no text stored in any table holds a control character or a lone surrogate, or is not NFC.

Every POST endpoint of the url map is either attacked by one of the tests below or in ``SKIPPED`` with
the reason: test_every_post_endpoint_is_attacked_or_skipped keeps that true when a route is added.
"""

from __future__ import annotations

import contextlib
import json
import re
import unicodedata
import uuid
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from attack_corpus import HOSTILE, UNCLEAN
from sqlalchemy import MetaData, String, Text, select
from werkzeug.exceptions import HTTPException

from core.db import get_session
from core.models import AnnualPlan, Municipality, User
from core.services.accounts import issue_api_token
from core.testing import login

ADMIN, PASSWORD = "admin@socialplan.demo", "demo-password-2026"
ROMANIAN_PLANNER = "planner@piatra-neamt.demo"

# Covered elsewhere, or nothing to attack here: endpoint -> why.
SKIPPED = {
    "plans.edit_row": "a row form: tests/test_attack_forms.py sends the corpus through every field",
    "plans.add_row": "a row form: tests/test_attack_forms.py sends the corpus through every field",
    "auth.logout": "no field; tests/test_sessions.py and tests/test_web_auth.py cover signing out",
    "api.add_section_row": "JSON, not a form: tests/test_attack_api.py (schemathesis) and test_attack_edges.py",
    "api.import_document": "JSON, not a form: tests/test_attack_import.py",
    "sweden.case_withdraw_termination": "a confirmation with no field (its token only), shown once a termination "
                                        "is taken; plugins/sweden/tests post it",
    "api.not_found": "no form: any path under /api/v1/ that names nothing; test_attack_api.py",
}
# Valid values for fields a form starts empty with, so that a refusal is the hostile value's.
FILL = {
    "auth.login": {"email": ADMIN, "password": "not-the-password"},
    "sweden.quality_cover": {f"cover-person{slot}_name": "Anna Lind" for slot in range(1, 9)},  # a role needs one
    "sweden.case_step": {"decided_by": "Socialnämnden"},
}
# What each account's walk must find a form for (the other endpoints are the skipped ones).
ADMIN_FORMS = {
    "admin.new_municipality", "admin.edit_municipality", "admin.plugins", "admin.publication", "admin.new_user",
    "admin.edit_user", "admin.issue_token", "admin.revoke_token", "council_texts.edit", "auth.set_locale",
    "plans.reopen",  # an administrator's, on an adopted plan
}
ROMANIAN_FORMS = {
    "plans.new", "plans.title", "plans.section_text", "plans.step",
    "plans.delete_row", "plans.move_row", "tables.upload", "auth.change_password",
}
SWEDISH_FORMS = {
    "stockholm": {
        "sweden.unit_new", "sweden.unit_edit", "sweden.unit_remove", "sweden.followup_new", "sweden.deficiency_new",
        "sweden.case_step", "sweden.special_review",
        "sweden.settings_page", "sweden.template_question",
        "plans.restore",  # the only plan with a second revision
        "sweden.import_answers_upload", "sweden.import_kolada_upload", "sweden.lex_sarah_reports",
    },
    "eskilstuna": {
        "sweden.goal_list", "sweden.goal_edit", "sweden.goal_delete", "sweden.goal_indicator", "sweden.goal_value",
        "sweden.template_create", "sweden.quality_cover", "sweden.quality_section_add",
        "sweden.quality_section_edit", "sweden.quality_section_move", "sweden.quality_section_remove",
    },
}
# What appears only once the first attack removed or ended something (a unit, a goal, a contract).
SWEDISH_FORMS_AFTER = {
    "stockholm": {"sweden.unit_restore"},
    "eskilstuna": {"sweden.goal_restore"},
}
# Posts that change what the other forms stand on (a row, a unit or a goal gone, a plan submitted, a
# password changed): sent after every other form, in this order, the password last of all.
LAST = ["plans.move_row", "plans.delete_row", "plans.restore", "plans.step", "plans.reopen",
        "sweden.unit_remove", "sweden.unit_restore", "sweden.goal_delete", "sweden.goal_restore",
        "sweden.quality_section_move", "sweden.quality_section_remove", "sweden.case_step",
        "sweden.case_withdraw_termination", "admin.revoke_token", "auth.change_password"]
# A value sent to a field that is not free text: the corpus but for how text is kept (line ends, NFC,
# direction), which only free text is for.
TEXT_ONLY = {"cr-lf", "decomposed", "rtl-override"}
PAGES_PER_ENDPOINT = 2  # pages of one endpoint walked (two units, two goals: not all of them)
DOWNLOADS = (".pdf", ".csv", ".xlsx", ".json", ".docx", ".odt", ".zip", ".txt")


class Forms(HTMLParser):
    """Every post form of a page: where it posts, its encoding and its fields as a browser sends them."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self.links: list[str] = []
        self.form: dict | None = None
        self.select: dict | None = None
        self.textarea: dict | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            if a.get("method", "get").lower() == "post":
                self.form = {"action": a.get("action", ""), "enctype": a.get("enctype", ""), "fields": []}
                self.forms.append(self.form)
        elif (self.form is not None and a.get("name")) or tag == "option":
            self._field(tag, a)

    def _field(self, tag: str, a: dict[str, str]) -> None:
        if self.form is None:
            return
        fields = self.form["fields"]
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("submit", "image", "reset", "button"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                if kind == "radio" and not any(f["name"] == a["name"] for f in fields):
                    fields.append({"name": a["name"], "kind": kind, "value": a.get("value", "on"), "sent": False})
                return
            fields = [f for f in fields if not (f["name"] == a["name"] and f.get("sent") is False)]
            self.form["fields"] = fields
            fields.append({"name": a["name"], "kind": kind, "value": a.get("value", "on" if kind == "checkbox"
                                                                              else ""), "text": kind == "text"})
        elif tag == "button" and a.get("name") and not any(f["name"] == a["name"] for f in fields):
            fields.append({"name": a["name"], "kind": "button", "value": a.get("value", "")})
        elif tag == "select":
            self.select = {"name": a["name"], "kind": "select", "value": None}
            fields.append(self.select)
        elif tag == "option" and self.select is not None:
            if self.select["value"] is None or "selected" in a:
                self.select["value"] = a.get("value", "")
        elif tag == "textarea":
            self.textarea = {"name": a["name"], "kind": "textarea", "value": "", "text": True}
            fields.append(self.textarea)

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.textarea["value"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.textarea["value"] = self.textarea["value"].removeprefix("\n")
            self.textarea = None
        elif tag == "form":
            self.form = None


class Walk:
    """One signed-in account's pages, their post forms by endpoint, and the attack on each form."""

    def __init__(self, app, client, name: str) -> None:
        self.app, self.client, self.name = app, client, name
        self.adapter = app.url_map.bind("localhost")
        self.forms: dict[str, list[tuple[str, dict]]] = {}  # endpoint -> [(action, form)]
        self.visited: list[str] = []
        self.counts: Counter[str] = Counter()
        self.problems: list[str] = []

    def endpoint(self, path: str, method: str) -> str | None:
        try:
            return self.adapter.match(path, method=method)[0]
        except HTTPException:
            return None

    def walk(self, starts: list[str], avoid: tuple[str, ...] = ()) -> None:
        """Follow the links of the account's pages from ``starts``, a few pages per endpoint."""
        queue, seen, per_endpoint = list(starts), set(), Counter()
        while queue:
            url = queue.pop(0)
            path = urlsplit(url).path
            endpoint = self.endpoint(path, "GET")
            if url in seen or endpoint is None or per_endpoint[endpoint] >= PAGES_PER_ENDPOINT:
                continue
            seen.add(url)
            self.visited.append(url)
            per_endpoint[endpoint] += 1
            response = self.request("GET", url)
            if response is not None and response.status_code in (301, 302, 303):
                queue.append(urljoin(url, response.headers["Location"]))
            if response is None or response.status_code != 200 or "html" not in response.content_type:
                continue
            parser = Forms()
            parser.feed(response.get_data(as_text=True))
            for form in parser.forms:
                action = urlsplit(urljoin(url, form["action"] or url)).path
                post = self.endpoint(action, "POST")
                if post is not None and not any(part in action for part in avoid):
                    self.forms.setdefault(post, []).append((action, form))
            for link in parser.links:
                target = urljoin(url, link.split("#")[0])
                if self._walkable(target, avoid):
                    queue.append(target)

    @staticmethod
    def _walkable(url: str, avoid: tuple[str, ...]) -> bool:
        parts = urlsplit(url)
        return (not parts.netloc or parts.netloc == "localhost") and not parts.path.endswith(DOWNLOADS) \
            and not parts.path.startswith(("/api/", "/p/", "/static/")) and not any(a in url for a in avoid)

    def request(self, method: str, url: str, **kwargs):
        self.counts["requests"] += 1
        try:
            response = self.client.open(url, method=method, **kwargs)
        except Exception as error:  # the app raises what would be an error 500 (TESTING propagates it)
            self.problems.append(f"{method} {url}: {type(error).__name__}: {error}"[:300])
            return None
        if response.status_code >= 500 or b"Traceback" in response.get_data():
            self.problems.append(f"{method} {url}: {response.status_code}"
                                 f"{' with a traceback' if b'Traceback' in response.get_data() else ''}")
        return response

    def attack(self, expected: set[str]) -> None:
        missing = expected - set(self.forms)
        assert not missing, f"{self.name}: no form found for {sorted(missing)}"
        order = sorted(expected, key=lambda endpoint: (LAST.index(endpoint) if endpoint in LAST else -1, endpoint))
        for endpoint in order:
            action, form = self.forms[endpoint][0]
            self.counts["forms"] += 1
            self.attack_form(endpoint, action, form)

    def attack_form(self, endpoint: str, action: str, form: dict) -> None:
        fields = [f for f in form["fields"] if f["name"] != "csrf_token"]
        for f in fields:
            f["value"] = FILL.get(endpoint, {}).get(f["name"], f["value"])
        files = {f["name"] for f in fields if f["kind"] == "file"}
        baseline = self.post(action, [(f["name"], f["value"]) for f in fields if f.get("sent", True)],
                             form["enctype"], files)
        self.baseline_errors = _field_errors(baseline.get_data(as_text=True)) if baseline is not None else set()
        for number, field in enumerate(fields):
            for label, value in self.values(field, number):
                self.counts["fields x values"] += 1
                pairs = [(f["name"], value if f is field else f["value"]) for f in fields
                         if f.get("sent", True) or f is field]
                response = self.post(action, pairs, form["enctype"], files)
                if response is not None:
                    self.judge(response, endpoint, field, label)

    @staticmethod
    def values(field: dict, number: int) -> list[tuple[str, str]]:
        """The corpus for free text; for another field, the corpus but for the text-keeping values."""
        return [(label, value) for label, value in HOSTILE if field.get("text") or label not in TEXT_ONLY]

    def post(self, action: str, pairs: list[tuple[str, str]], enctype: str, files: set[str]):
        if enctype == "multipart/form-data":
            boundary = uuid.uuid4().hex
            body, content_type = _multipart(pairs, files, boundary), f"multipart/form-data; boundary={boundary}"
        else:  # as a browser sends it: UTF-8, a lone surrogate as the bytes a careless encoder makes of it
            body = urlencode(pairs, encoding="utf-8", errors="surrogatepass")
            content_type = "application/x-www-form-urlencoded"
        return self.request("POST", action, data=body, content_type=content_type)

    def judge(self, response, endpoint: str, field: dict, label: str) -> None:
        what = f"{endpoint} {field['name']}={label}"
        status = response.status_code
        if status in (302, 303):
            self.counts["saved"] += 1
        elif status in (200, 400, 422):
            self.counts["refused"] += 1
            errors = _field_errors(response.get_data(as_text=True))
            # An error for a field the form as found already had (an empty required field) says nothing.
            # A translatable value's error is shown beside its first language's field.
            beside = {name for name in errors if name.split("__")[0] == field["name"].split("__")[0]}
            if errors - self.baseline_errors and field["kind"] not in ("hidden", "button") and not beside:
                self.problems.append(f"{what}: refused ({status}), but no error beside the field, "
                                     f"only beside {sorted(errors)}")
        elif status in (401, 403, 404, 409, 429):
            self.counts[str(status)] += 1  # a hidden field naming nothing, or a form whose thing is gone
        elif status < 500:
            self.problems.append(f"{what}: answered {status}")

    def stored_text_is_clean(self) -> None:
        """No text in any table holds what the product refuses or strips (controls, surrogates, non-NFC)."""
        with self.app.app_context():
            session = get_session()
            metadata = MetaData()
            metadata.reflect(session.get_bind())
            for table in metadata.sorted_tables:
                columns = [c for c in table.columns if isinstance(c.type, String | Text) or "JSON" in str(c.type)]
                if not columns:
                    continue
                for row in session.execute(select(*columns)):
                    for column, value in zip(columns, row, strict=True):
                        self._clean(f"{table.name}.{column.name}", value)

    def _clean(self, where: str, value) -> None:
        if value is None:
            return
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        if text[:1] in "[{\"":
            with contextlib.suppress(ValueError):  # JSON text: what it holds, not its escapes
                text = json.dumps(json.loads(text), ensure_ascii=False)
        if UNCLEAN.search(text.replace("\t", "").replace("\n", "")):
            self.problems.append(f"{where}: stored with a control character or a lone surrogate: {text[:80]!r}")
        elif unicodedata.normalize("NFC", text) != text:
            self.problems.append(f"{where}: stored without NFC: {text[:80]!r}")

    def report(self) -> None:
        print(f"{self.name}: {self.counts['forms']} forms, {self.counts['fields x values']} field x value pairs, "
              f"{self.counts['requests']} requests, {self.counts['saved']} saved, {self.counts['refused']} refused, "
              f"{sum(self.counts[s] for s in ('401', '403', '404', '409', '429'))} gone or forbidden, "
              f"{len(self.problems)} problems")
        for problem in self.problems[:30]:
            print("   ", problem)
        assert self.problems == []


def _field_errors(html: str) -> set[str]:
    """The fields a page shows an error beside."""
    return set(re.findall(r'id="([^"]+)-error"', html))


def _multipart(pairs: list[tuple[str, str]], files: set[str], boundary: str) -> bytes:
    """A multipart body (werkzeug's encoder refuses a lone surrogate, a browser's would not); a file field's
    value is the file's content."""
    parts = []
    for name, value in pairs:
        data = value.encode("utf-8", "surrogatepass")
        head = f'Content-Disposition: form-data; name="{name}"'
        if name in files:
            head += '; filename="attack.csv"\r\nContent-Type: text/csv'
        parts.append(f"--{boundary}\r\n{head}\r\n\r\n".encode() + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode()


def _signed_in(app, email: str):
    client = app.test_client()
    assert login(client, email, PASSWORD).status_code == 200
    return client


def _user_id(app, email: str) -> int:
    with app.app_context():
        return get_session().scalar(select(User.id).where(User.email == email))


def test_every_post_endpoint_is_attacked_or_skipped(app):
    posts = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())}
    attacked = ADMIN_FORMS | ROMANIAN_FORMS | {"auth.login"} \
        | set().union(*SWEDISH_FORMS.values(), *SWEDISH_FORMS_AFTER.values())
    assert posts - attacked - set(SKIPPED) == set(), "a POST endpoint no attack reaches: attack it or skip it"
    assert (attacked | set(SKIPPED)) - posts == set(), "an endpoint listed here that the url map no longer has"


def test_every_admin_form_survives_the_corpus(demo_app):
    with demo_app.app_context():  # a token to revoke, an adopted plan to reopen
        session = get_session()
        issue_api_token(session, session.get(User, _user_id(demo_app, ROMANIAN_PLANNER)))
        plan = session.scalar(select(AnnualPlan).join(Municipality).where(Municipality.slug == "piatra-neamt"))
        plan.status, plan_url = "approved", f"/m/piatra-neamt/plans/{plan.id}/"
        session.commit()
    walk = Walk(demo_app, _signed_in(demo_app, ADMIN), "admin")
    # Not the administrator's own account: a password saved there would end the session walking.
    walk.walk(["/admin/", "/admin/users", "/admin/tokens", "/admin/municipalities", plan_url],
              avoid=(f"/admin/users/{_user_id(demo_app, ADMIN)}",))
    walk.attack(ADMIN_FORMS)
    walk.stored_text_is_clean()
    walk.report()


def test_every_romanian_page_form_survives_the_corpus(demo_app):
    walk = Walk(demo_app, _signed_in(demo_app, ROMANIAN_PLANNER), "romania")
    walk.walk(["/", "/account/password"])
    walk.attack(ROMANIAN_FORMS)
    walk.stored_text_is_clean()
    walk.report()


@pytest.mark.parametrize("town", sorted(SWEDISH_FORMS))
def test_every_swedish_page_form_survives_the_corpus(demo_app, town):
    walk = Walk(demo_app, _signed_in(demo_app, f"planner@{town}.demo"), f"sweden {town}")
    walk.walk(["/", f"/m/{town}/sweden/", f"/m/{town}/sweden/calendar/2026/special-review"])
    walk.attack(SWEDISH_FORMS[town])
    walk.forms.clear()
    walk.walk(list(walk.visited))  # the same pages again: the removed unit's and goal's show their restore
    walk.attack(SWEDISH_FORMS_AFTER[town])
    walk.stored_text_is_clean()
    walk.report()


def test_the_sign_in_form_survives_the_corpus(demo_app):
    walk = Walk(demo_app, demo_app.test_client(), "sign-in")
    walk.walk(["/login"])
    walk.attack({"auth.login"})
    walk.stored_text_is_clean()
    walk.report()
