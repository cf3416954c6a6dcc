"""The year rule reads every text the PDF prints, the title included, and never an act's year or a
strategy's period."""

from __future__ import annotations

import pytest

from core.sdk import Severity
from plugins.romania.rules import other_years, validate
from plugins.romania.tests.helpers import findings_of
from plugins.romania.tests.own_plan import own_document


@pytest.fixture
def ctx(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


@pytest.mark.parametrize("text", [
    "Art. 118 al Legii nr. 292 din 2011 a asistenței sociale",
    "Legii nr.292 din anul 2011",
    "Legea 34 din 1998 privind acordarea unor subvenții",
    "HG 867/2015 pentru aprobarea Nomenclatorului",
    "Legea nr. 197/2012 privind asigurarea calității",
    "H.G. nr. 797 din 2017",
    "Hotărârea Consiliului Județean nr. 265 din 29 noiembrie 2018",
    "Social Assistance Law no. 292 of 2011",
    "Strategia județeană 2021-2027",
    "Strategia națională pentru perioada 2014 – 2020",
])
def test_cited_acts_and_strategy_periods_are_not_years_of_the_plan(text):
    assert other_years(text, 2022) == []


@pytest.mark.parametrize(("text", "years"), [
    ("pentru anul 2021", [2021]),
    ("Legea nr. 292/2011; campania din 2020", [2020]),  # the act's year is skipped, the campaign's is not
    ("292 de beneficiari din 2021", [2021]),  # a number of people is not an act
    ("Strategia 2021-2027, actualizată în 2019", [2019]),
])
def test_other_years_the_text_is_about_are_found(text, years):
    assert other_years(text, 2022) == years


def test_the_title_naming_another_year_is_flagged_beside_the_title(ctx):
    doc = own_document()
    doc["title"]["ro"] = doc["title"]["ro"].replace("2022", "2021")
    [finding] = [f for f in findings_of(validate(doc), "ro.other-year") if f.field == "title"]
    assert finding.severity is Severity.WARNING and finding.path == "$.title"
    assert "2021" in finding.message and "2022" in finding.message


def test_the_own_plan_citing_acts_and_a_strategy_period_has_no_year_finding(ctx):
    assert findings_of(validate(own_document()), "ro.other-year") == []


def test_budget_notes_staff_roles_and_dates_in_words_are_texts_too(ctx):
    doc = own_document()
    proposed = doc["sections"]["proposed-services"]["rows"][0]
    proposed["budget"][1]["note"] = {"ro": "PNRR, apelul din 2020"}
    proposed["extra"]["staff_roles"][0]["role"] = {"ro": "Îngrijitori angajați în 2019"}
    campaign = doc["sections"]["awareness-campaigns"]["rows"][0]
    campaign["period"] = {"kind": "dates", "text": {"ro": "1 iunie 2021 & 1 octombrie"}}
    flagged = {f.field: f.message for f in findings_of(validate(doc), "ro.other-year")}
    assert set(flagged) == {"proposed-services/0/budget_other", "proposed-services/0/staff_roles",
                            "awareness-campaigns/0/period"}
    assert "2020" in flagged["proposed-services/0/budget_other"]
    assert "2019" in flagged["proposed-services/0/staff_roles"]


def test_a_code_as_written_is_no_text_of_the_plan(ctx):
    doc = own_document()
    doc["sections"]["existing-services"]["rows"][0]["extra"]["code_as_written"] = "8810 ID-I (2019)"
    assert findings_of(validate(doc), "ro.other-year") == []
