"""Flow 4: a Swedish planner takes a serious deficiency at a contracted unit up the sanctions ladder.

Huddinge's demo unit HU-ENT (Björkgårdens vård- och omsorgsboende) is run by a contractor
(entreprenad) and has no case yet. The planner records a serious deficiency, which opens a case
on the external provider's track, then requests an action plan, receives it, reviews the measures
(not remedied) and issues a warning with a deadline; Huddinge's dashboard then shows that
deadline as the case's next one, in each language. Dates are relative to today, as the app's
checks are (no deficiency found in the future).
"""

from __future__ import annotations

import datetime as dt

import pytest
from babel.dates import format_date
from browser_helpers import html_lang, text_of, unlabelled_controls

pytestmark = pytest.mark.browser

PLANNER = "planner@huddinge.demo"
UNIT = "Björkgårdens vård- och omsorgsboende"
DECIDED_BY = "Enhetschef Maria Lind"


def _take_step(page, step: str, taken_on: dt.date, **fields: str) -> None:
    form = page.locator(f"form#step-{step}")
    assert form.count() == 1, f"the step {step} is not offered: {text_of(page.locator('main'))}"
    form.locator(f"#{step}-taken_on").fill(taken_on.isoformat())
    form.locator(f"#{step}-decided_by").fill(DECIDED_BY)
    for name, value in fields.items():
        if name == "outcome":
            form.locator(f"input[name='{step}-outcome'][value='{value}']").check()
        else:
            form.locator(f"#{step}-{name}").fill(value)
    with page.expect_navigation():
        page.locator(f"#take-{step}").click()
    assert page.locator("#error-summary").count() == 0, text_of(page.locator("#error-summary"))


def _state(page) -> str:
    return text_of(page.locator("#case-state"))


def test_flow4_swedish_planner_takes_a_contractor_up_the_sanctions_ladder(ui, live_server):
    today = dt.date.today()
    found_on, requested, received, reviewed, warned = (today - dt.timedelta(days=d) for d in (40, 38, 20, 5, 2))
    warning_deadline = today + dt.timedelta(days=30)

    page = ui.sign_in(PLANNER)
    assert html_lang(page) == "sv"
    page.goto(live_server("/m/huddinge/sweden/units"))
    page.get_by_role("link", name=UNIT).click()
    assert text_of(page.locator("main h1")) == UNIT

    # The deficiency: sent without a description first, refused beside the field.
    page.locator("#record-deficiency").click()
    assert unlabelled_controls(page) == []
    page.locator("#found_on").fill(found_on.isoformat())
    page.locator("#serious").check()
    page.locator("#recorded_by").fill(DECIDED_BY)
    with page.expect_navigation():
        page.locator("#deficiency-form-submit").click()
    assert page.locator("#error-summary a[href='#description']").count() == 1
    assert page.locator(".field:has(#description) .field-error").count() == 1
    page.locator("#description").fill("Genomförandeplaner saknas för fem av tolv boende.")
    with page.expect_navigation():
        page.locator("#deficiency-form-submit").click()
    assert "/sweden/cases/" in page.url, text_of(page.locator("main"))
    assert page.locator("#case-facts").count() == 1
    opened_state = _state(page)

    _take_step(page, "request_action_plan", requested)
    requested_state = _state(page)
    assert requested_state != opened_state
    _take_step(page, "receive_action_plan", received)
    _take_step(page, "review_measures", reviewed, outcome="not_remedied")
    not_remedied_state = _state(page)
    # A warning needs a deadline: refused without one, beside the field.
    form = page.locator("form#step-issue_warning")
    form.locator("#issue_warning-taken_on").fill(warned.isoformat())
    form.locator("#issue_warning-decided_by").fill(DECIDED_BY)
    with page.expect_navigation():
        page.locator("#take-issue_warning").click()
    assert page.locator("form#step-issue_warning .field-error").count() == 1
    assert _state(page) == not_remedied_state, "a refused step changes nothing"
    _take_step(page, "issue_warning", warned, deadline=warning_deadline.isoformat())
    steps = [row.get_attribute("data-step") for row in page.locator("#case-steps tr.case-step").all()]
    assert steps == ["open", "request_action_plan", "receive_action_plan", "review_measures", "issue_warning"], steps
    assert text_of(page.locator("#case-deadline")) == format_date(warning_deadline, "medium", locale="sv")
    ui.screenshot(page, "flow4-sv-case")

    # The dashboard names the case and its next deadline, in every language.
    page.goto(live_server("/m/huddinge/"))
    try:
        for locale in ("sv", "en", "ro"):
            if html_lang(page) != locale:
                ui.switch_language(page, locale)
            cases = page.locator("#sweden-open-cases tbody tr")
            row = cases.filter(has_text=UNIT)
            assert row.count() == 1, text_of(page.locator("#sweden-panel"))
            assert text_of(row.locator("td.deadline")) == format_date(warning_deadline, "medium", locale=locale)
            ui.screenshot(page, f"dashboard-huddinge-{locale}")
    finally:
        if html_lang(page) != "sv":
            ui.switch_language(page, "sv")  # the demo account's own language, for the other tests
