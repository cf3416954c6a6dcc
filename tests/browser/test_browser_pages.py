"""Every page type, as a civil servant reads it, in Swedish, Romanian and English, on a 1,280 px screen and
a 390 px phone (issue 13).

Each page must fit its window's width (a wide table scrolls inside its own frame, never the page), show no
raw code or developer key from the lists below, and pass axe-core with no violation of any impact. Each is
saved as a screenshot under tests/browser/screenshots/ (git-ignored) to be looked at.

The pages are read by accounts of this module's own (created in the served database), so switching their
language changes no account the other browser tests sign in with. Nothing here changes a plan.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

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


def _one(server, sql: str, *params) -> int:
    rows = server.query(sql, *params)
    assert rows, f"the demo database has nothing for: {sql} {params}"
    return rows[0][0]


def _pages(server) -> dict[str, list[tuple[str, str | None]]]:
    """Each account's pages: (name for the screenshot, path; None for the first section the page before lists)."""
    ro = f"/m/piatra-neamt/plans/{server.plan_id('piatra-neamt', 2021, 'action-plan')}/"
    se = f"/m/stockholm/plans/{server.plan_id('stockholm', 2026, 'followup-plan')}/"
    esk = f"/m/eskilstuna/plans/{server.plan_id('eskilstuna', 2017, 'quality-report')}/"
    stockholm = _one(server, "SELECT id FROM municipality WHERE slug = 'stockholm'")
    unit = _one(server, "SELECT id FROM se_unit WHERE municipality_id = ? ORDER BY id", stockholm)
    case = _one(server, "SELECT id FROM se_deficiency_case WHERE municipality_id = ? ORDER BY id", stockholm)
    template = _one(server, "SELECT id FROM se_question_template WHERE municipality_id = ? ORDER BY id", stockholm)
    planner = _one(server, "SELECT id FROM user_account WHERE email = ?", ACCOUNTS["planner-ro"][0])
    sweden = "/m/stockholm/sweden/"
    return {
        "anonymous": [("sign-in", "/login")],
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
            ("plan-quality-report", esk), ("section-quality-report", None),  # the overview's first section
            ("goals", "/m/eskilstuna/sweden/goals"), ("results-eskilstuna", "/m/eskilstuna/sweden/results"),
        ],
    }


@pytest.fixture(scope="module")
def walk_accounts(live_server) -> dict[str, str]:
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


def page_problems(page, locale: str) -> list[str]:
    """What is wrong with the page as shown: sideways scroll, raw codes, axe-core's violations."""
    problems = []
    overflow = horizontal_overflow(page)
    if overflow > 0:
        problems.append(f"the page scrolls {overflow} px sideways: {', '.join(sticking_out(page))}")
    english = locale != "en"
    anywhere = ANYWHERE + (ENGLISH_ANYWHERE if english else ())
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
            if path is None:  # the first section the page before links to
                path = page.locator("main .section-list a").first.get_attribute("href")
            response = page.goto(live_server(path))
            expected = 404 if name == "not-found" else 200
            if response.status != expected:
                found[f"{name} ({path})"] = [f"answered {response.status}: {text_of(page.locator('body'))[:200]}"]
                continue
            assert html_lang(page) == locale, name
            ui.screenshot(page, f"{name}-{locale}-{size['width']}")
            problems = page_problems(page, locale)
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
