"""Every page type, as a civil servant reads it, in Swedish, Romanian and English, on a 1,280 px screen and
a 390 px phone (issue 13).

Each page must fit its window's width (a wide table scrolls inside its own frame, never the page), show no
raw code or developer key from the lists below, and pass axe-core with no violation of any impact. Each is
saved as a screenshot under tests/browser/screenshots/ (git-ignored) to be looked at.

The pages are read by accounts of this module's own (created in the served database), so switching their
language changes no account the other browser tests sign in with. Nothing here changes a plan: the forms the
walk sends (a search in the register of municipalities, a Kolada file that is refused) save nothing. The public
pages are those of the municipalities the ``published`` fixture adds (conftest.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import (
    PHONE,
    VIEWPORT,
    axe_violations,
    header_lines,
    heading_problems,
    horizontal_overflow,
    html_lang,
    raw_codes,
    sticking_out,
    text_of,
)

pytestmark = pytest.mark.browser

PASSWORD = "walk-the-pages-2026"
SOCIALPLAN = str(Path(sys.executable).with_name("socialplan"))
ACCOUNTS = {  # name: (e-mail, role, municipality)
    "admin": ("walk-admin@example.org", "admin", None),
    "planner-ro": ("walk-planner@piatra-neamt.example.org", "planner", "piatra-neamt"),
    "viewer-ro": ("walk-consilier@piatra-neamt.example.org", "viewer", "piatra-neamt"),
    "planner-se": ("walk-planner@stockholm.example.org", "planner", "stockholm"),
    "planner-eskilstuna": ("walk-planner@eskilstuna.example.org", "planner", "eskilstuna"),
}

# Codes no page may show, wherever they are in a text: row-kind, scale and plan-kind codes, developer notes,
# parser messages and untranslated placeholders.
ANYWHERE = ("satisfaction5", "yesno", "action-plan", "followup-plan", "quality-report",
            "further-training", "start-consultation", "county-opinion", "seed 0", "Expecting ", "Traceback",
            "%(", "__", "None", "{{", "[object ")
# Codes that are the whole text of an element when they leak: objective levels, plugin codes (the
# jurisdiction's name is shown instead), statuses, country codes.
WHOLE = ("strategic", "operational", "romania", "sweden", "draft", "submitted", "approved", "consultation",
         "existing", "proposed", "RO", "SE", "admin", "planner", "viewer")
# English that leaked onto Swedish and Romanian pages before (issue 13), kept out: inside any text, and as
# the whole text of an element.
ENGLISH_ANYWHERE = ("city-wide", "Follow-ups due", "No deadline", "Window opens", "months", "values")
ENGLISH_WHOLE = ("Next", "Source", "None")
# Codes a page shows on purpose: the council-texts page names the placeholders an administrator types into a
# wording (%(year)s), in the template's wording and under each field, as the service reads them back.
ALLOWED = {"council-texts-ro": ("%(",), "council-texts-se": ("%(",)}
# The pages that answer something else than 200 when they are right to.
STATUS = {"not-found": 404, "kolada-refused": 400}
# A Kolada file that is not JSON: the import page must say what is wrong with it, not the parser's message.
BROKEN_KOLADA = b'{"values": [{"kpi": "U21468" "period": 2017}]}'

# A page of the walk: its path, or a visit that takes the browser there from the page shown now (page, locale)
# and returns the response of the page it arrives at.
Visit = Callable[[Any, str], Any]


def _link(selector: str) -> Visit:
    """Follow the first link ``selector`` finds on the page shown now (a section, a section's removal)."""
    def visit(page, _locale: str):
        href = page.locator(selector).first.get_attribute("href")
        assert href, f"no link {selector} on {page.url}"
        return page.goto(_origin(page) + href)
    return visit


def _public(path: str) -> Visit:
    """A public page, in the walk's language (public pages take it from ?lang=, they have no switcher)."""
    def visit(page, locale: str):
        return page.goto(_origin(page) + f"{path}?lang={locale}")
    return visit


def _register_search(country: str, name: str) -> Visit:
    """The new-municipality form after a search in ``country``'s register that finds municipalities."""
    def visit(page, _locale: str):
        page.goto(_origin(page) + f"/admin/municipalities/new?country={country}")
        page.locator("#find_name").fill(name)
        with page.expect_navigation() as navigation:
            page.locator("button[name=find]").click()
        assert page.locator("#register-matches li").count() > 0, f"no municipality of {country} matches {name}"
        return navigation.value
    return visit


def _kolada_refused(page, _locale: str):
    """The import page after a Kolada file that is not JSON was sent: refused beside the field, nothing saved."""
    page.goto(_origin(page) + "/m/eskilstuna/sweden/import")
    page.locator("#kolada-file").set_input_files(
        {"name": "kolada.json", "mimeType": "application/json", "buffer": BROKEN_KOLADA})
    with page.expect_navigation() as navigation:
        page.locator("#kolada-import-submit").click()
    return navigation.value


def _origin(page) -> str:
    scheme, _empty, host = page.url.split("/", 3)[:3]
    return f"{scheme}//{host}"


def _one(server, sql: str, *params) -> int:
    rows = server.query(sql, *params)
    assert rows, f"the demo database has nothing for: {sql} {params}"
    return rows[0][0]


def _goals(server, municipality: int) -> list[tuple[str, str]]:
    """Eskilstuna's goal pages of 2017, one of each kind, and the one measured in the most parts."""
    sql = "SELECT id FROM se_quality_goal WHERE municipality_id = ? AND year = 2017 AND kind = ? ORDER BY position"
    pages = [(f"goal-{kind.replace('_', '-')}", f"/m/eskilstuna/sweden/goals/{_one(server, sql, municipality, kind)}")
             for kind in ("percent", "count", "yes_no", "text")]
    parts = _one(server, "SELECT g.id FROM se_quality_goal g JOIN se_goal_indicator i ON i.goal_id = g.id "
                         "WHERE g.municipality_id = ? AND g.year = 2017 GROUP BY g.id ORDER BY count(*) DESC, g.id",
                 municipality)
    return [*pages, ("goal-parts", f"/m/eskilstuna/sweden/goals/{parts}")]


def _pages(server) -> dict[str, list[tuple[str, str | Visit]]]:
    """Each account's pages: (name for the screenshot, path or visit)."""
    ro = f"/m/piatra-neamt/plans/{server.plan_id('piatra-neamt', 2021, 'action-plan')}/"
    se = f"/m/stockholm/plans/{server.plan_id('stockholm', 2026, 'followup-plan')}/"
    esk = f"/m/eskilstuna/plans/{server.plan_id('eskilstuna', 2017, 'quality-report')}/"
    stockholm = _one(server, "SELECT id FROM municipality WHERE slug = 'stockholm'")
    unit = _one(server, "SELECT id FROM se_unit WHERE municipality_id = ? ORDER BY id", stockholm)
    case = _one(server, "SELECT id FROM se_deficiency_case WHERE municipality_id = ? ORDER BY id", stockholm)
    template = _one(server, "SELECT id FROM se_question_template WHERE municipality_id = ? ORDER BY id", stockholm)
    planner = _one(server, "SELECT id FROM user_account WHERE email = ?", ACCOUNTS["planner-ro"][0])
    eskilstuna = _one(server, "SELECT id FROM municipality WHERE slug = 'eskilstuna'")
    adopted = f"/m/comuna-publica/plans/{server.plan_id('comuna-publica', 2022, 'action-plan')}/"
    sweden = "/m/stockholm/sweden/"
    return {
        "anonymous": [
            ("sign-in", "/login"), ("public-plan-ro", _public("/public/comuna-publica/2022/action-plan/")),
            ("public-plan-se", _public("/public/publikommun/2026/followup-plan/")),
        ],
        "planner-ro": [
            ("dashboard-ro", "/m/piatra-neamt/"), ("plan", ro), ("section-services", ro + "sections/existing-services"),
            ("section-objectives", ro + "sections/objectives"), ("section-legal-basis", ro + "sections/legal-basis"),
            ("section-campaigns", ro + "sections/awareness-campaigns"),
            ("section-website", ro + "sections/website-information"),
            ("section-training", ro + "sections/training-courses"), ("section-text", ro + "sections/press-messages"),
            ("row-edit", ro + "sections/existing-services/rows/0"),
            ("row-new-proposed", ro + "sections/proposed-services/rows/new"),
            ("row-new-objective", ro + "sections/objectives/rows/new"),
            ("row-delete", ro + "sections/existing-services/rows/0/delete"), ("title", ro + "title"),
            ("step", ro + "steps/start-consultation"), ("revisions", ro + "revisions"),
            ("compare", ro + "compare?a=1&b=1"), ("restore", ro + "revisions/1/restore"),
            ("new-plan", "/m/piatra-neamt/plans/new"), ("tables", "/m/piatra-neamt/plans/2021/action-plan/tables/"),
            ("password", "/account/password"), ("not-found", "/m/piatra-neamt/plans/987654/"),
        ],
        "viewer-ro": [("dashboard-viewer", "/m/piatra-neamt/")],  # a viewer reads adopted plans only: none here
        "admin": [
            ("municipalities", "/admin/"), ("municipality-new", "/admin/municipalities/new"),
            ("plugins", "/admin/municipalities/huddinge/plugins"), ("users", "/admin/users"),
            ("user-new", "/admin/users/new"), ("user-edit", f"/admin/users/{planner}"), ("tokens", "/admin/tokens"),
            ("audit", "/admin/audit"), ("audit-municipality", "/admin/municipalities/piatra-neamt/audit"),
            ("municipality-edit-ro", "/admin/municipalities/piatra-neamt/edit"),
            ("municipality-edit-se", "/admin/municipalities/eskilstuna/edit"),
            ("municipality-new-found", _register_search("RO", "Piatra")),
            ("council-texts-ro", "/admin/municipalities/piatra-neamt/council-documents"),
            ("council-texts-se", "/admin/municipalities/stockholm/council-documents"),
            ("plan-adopted", adopted),  # its council documents made from the adopted revision
        ],
        "planner-se": [
            ("dashboard-se", "/m/stockholm/"), ("plan-se", se), ("sweden", sweden), ("units", sweden + "units"),
            ("unit", f"{sweden}units/{unit}"), ("unit-new", sweden + "units/new"),
            ("unit-edit", f"{sweden}units/{unit}/edit"), ("unit-remove", f"{sweden}units/{unit}/remove"),
            ("followup-new", f"{sweden}units/{unit}/followups/new"),
            ("deficiency-new", f"{sweden}units/{unit}/deficiencies/new"), ("cases", sweden + "cases"),
            ("case", f"{sweden}cases/{case}"), ("lex-sarah", sweden + "lex-sarah"), ("import", sweden + "import"),
            ("templates", sweden + "templates"), ("template", f"{sweden}templates/{template}"),
            ("results", sweden + "results"), ("settings", sweden + "settings"),
            ("calendar", sweden + "calendar/2026"),
        ],
        "planner-eskilstuna": [
            ("plan-quality-report", esk), ("section-quality-report", _link("main .section-list a")),
            ("quality-report", "/m/eskilstuna/sweden/quality-report/2017"),
            ("quality-section-remove", _link("#quality-section-list a[href$='/remove']")),
            ("goals", "/m/eskilstuna/sweden/goals"), *_goals(server, eskilstuna),
            ("results-eskilstuna", "/m/eskilstuna/sweden/results"), ("import-kolada", "/m/eskilstuna/sweden/import"),
            ("kolada-refused", _kolada_refused),
        ],
    }


@pytest.fixture(scope="module")
def walk_accounts(live_server, published) -> dict[str, str]:
    """This module's accounts in the served database, through ``socialplan user create``."""
    env = {**os.environ, "SOCIALPLAN_INSTANCE_PATH": str(live_server.database.parent),
           "SOCIALPLAN_DATABASE_URL": f"sqlite:///{live_server.database}",
           "SOCIALPLAN_SECRET_KEY": "browser-tests-secret-key-0123456789"}
    for email, role, municipality in ACCOUNTS.values():
        if live_server.query("SELECT 1 FROM user_account WHERE email = ?", email):
            continue
        args = ["user", "create", "--email", email, "--role", role]
        args += ["--municipality", municipality] if municipality else []
        result = subprocess.run([SOCIALPLAN, *args], env=env, input=PASSWORD + "\n", text=True,
                                capture_output=True, timeout=120)
        assert result.returncode == 0, result.stderr
    return {name: email for name, (email, _role, _m) in ACCOUNTS.items()}


def page_problems(page, locale: str, allowed: tuple[str, ...] = ()) -> list[str]:
    """What is wrong with the page as shown: sideways scroll, raw codes (but those ``allowed``), axe-core's
    violations."""
    problems = []
    overflow = horizontal_overflow(page)
    if overflow > 0:
        problems.append(f"the page scrolls {overflow} px sideways: {', '.join(sticking_out(page))}")
    english = locale != "en"
    anywhere = tuple(code for code in ANYWHERE + (ENGLISH_ANYWHERE if english else ()) if code not in allowed)
    whole = WHOLE + (ENGLISH_WHOLE if english else ())
    problems += [f"raw code: {found}" for found in raw_codes(page, anywhere, whole)]
    problems += [f"headings: {found}" for found in heading_problems(page)]
    problems += [f"axe: {found}" for found in axe_violations(page)]
    return problems


def walk(ui, live_server, accounts: dict[str, str], locale: str, size: dict[str, int],
         only: Callable[[str], bool] = lambda name: True) -> dict[str, list[str]]:
    """Visit every page type as its account in ``locale`` at ``size``; the problems found, by page."""
    found: dict[str, list[str]] = {}
    for account, pages in _pages(live_server).items():
        if account == "anonymous":
            page = ui.page()
            page.goto(live_server("/login"))
        else:
            page = ui.sign_in(accounts[account], PASSWORD)
        page.set_viewport_size(size)
        ui.switch_language(page, locale)  # chosen, not inherited from a municipality's default language
        for name, path in pages:
            if not only(name):
                continue
            response = page.goto(live_server(path)) if isinstance(path, str) else path(page, locale)
            path = path if isinstance(path, str) else page.url.removeprefix(live_server(""))
            expected = STATUS.get(name, 200)
            if response.status != expected:
                found[f"{name} ({path})"] = [f"answered {response.status}: {text_of(page.locator('body'))[:200]}"]
                continue
            assert html_lang(page) == locale, name
            ui.screenshot(page, f"{name}-{locale}-{size['width']}")
            problems = page_problems(page, locale, ALLOWED.get(name, ()))
            if size["width"] >= 1280 and (lines := header_lines(page)) != 1:
                problems.append(f"the header takes {lines} lines at {size['width']} px")
            if problems:
                found[f"{name} ({path})"] = problems
    return found


@pytest.mark.parametrize("size", [VIEWPORT, PHONE], ids=["1280px", "390px"])
@pytest.mark.parametrize("locale", ["sv", "ro", "en"])
def test_every_page_fits_reads_in_words_and_passes_axe(ui, live_server, walk_accounts, locale, size):
    found = walk(ui, live_server, walk_accounts, locale, size)
    assert not found, "\n".join(f"{where}:\n  " + "\n  ".join(problems) for where, problems in found.items())
