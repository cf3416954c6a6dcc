"""The web form offers every period the plan schema allows (issue 10): a recurrence (monthly, quarterly,
half-yearly, yearly), a half-year, a month, several months, a date range, named dates (a named day) and
permanent; each period of the own plan's campaigns and meetings comes back from the form as it went in."""

from __future__ import annotations

import pytest

from core.sdk.testing import check_schema
from plugins.romania.forms import section_form
from plugins.romania.tests.own_plan import own_document
from plugins.romania.tests.test_ro_forms import _post

# The kinds and recurrences of the plan schema's $defs.period, in words a planner picks.
KINDS = {"recurrence", "half-year", "month", "months", "range", "dates", "permanent"}
RECURRENCES = {"monthly", "quarterly", "half-yearly", "yearly"}


@pytest.fixture
def ctx(app):
    with app.test_request_context(headers={"Accept-Language": "ro"}):
        yield


def _values(field) -> set[str]:
    return {str(choice.value) for choice in field.choices if choice.value}


@pytest.mark.parametrize(("section", "key"), [("awareness-campaigns", "period"), ("tripartite-meetings", "frequency")])
def test_the_form_offers_every_kind_and_recurrence_with_a_label(ctx, section, key):
    form = section_form("action-plan", section).form_class()
    assert _values(form[f"{key}_kind"]) == KINDS
    assert _values(form[f"{key}_every"]) == RECURRENCES
    assert all(str(choice.label).strip() for choice in form[f"{key}_kind"].choices if choice.value)


def test_the_own_plan_uses_every_kind_and_every_recurrence():
    sections = own_document()["sections"]
    periods = [row["period"] for key in ("awareness-campaigns", "promotion-campaigns") for row in sections[key]["rows"]]
    periods += [row["frequency"] for row in sections["tripartite-meetings"]["rows"]]
    assert {period["kind"] for period in periods} == KINDS
    assert {period["every"] for period in periods if period["kind"] == "recurrence"} == RECURRENCES
    check_schema(own_document())


@pytest.mark.parametrize(("section", "key"), [("awareness-campaigns", "period"), ("promotion-campaigns", "period"),
                                              ("tripartite-meetings", "frequency")])
def test_each_period_comes_back_from_the_form_as_it_went_in(ctx, section, key):
    spec = section_form("action-plan", section)
    for row in own_document()["sections"][section]["rows"]:
        form = _post(spec, row)
        assert form.validate(), (row[key], form.errors)
        assert spec.to_row(form)[key] == row[key]
