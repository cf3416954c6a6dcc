"""A plan document's numbers are read canonically whatever the page's language: a JSON number (1486.5) is
read exactly, like the string "1486.5"; "1.486" in a document is 1.486, never 1486."""

from __future__ import annotations

import json

import pytest
from world import KIND as PLAN_KIND

from core.text import load_json

ROWS = f"/api/v1/municipalities/alpha/plans/2026/{PLAN_KIND}/sections/services/rows"


def _row(amount) -> dict:
    return {"code": "XX-1", "name": {"en": "Centre"}, "capacity": 20.5, "status": "existing",
            "budget": [{"year": 2026, "source": "local", "amount": amount, "currency": "RON", "scale": 1}]}


def _post(world, row: dict, lang: str):
    body = json.dumps(row)  # JSON numbers as JSON numbers, not strings
    return world.app.test_client().post(f"{ROWS}?lang={lang}", data=body, content_type="application/json",
                                        headers=world.headers("planner"))


@pytest.mark.parametrize("lang", ["en", "sv", "ro"])
def test_a_json_number_is_read_exactly_in_every_language(world, lang):
    answer = _post(world, _row(12345678901234.56), lang)  # 16 digits: a float would keep them only by luck
    assert answer.status_code == 201, answer.get_json()
    row = answer.get_json()["row"]
    assert row["budget"][0]["amount"] == "12345678901234.56" and row["capacity"] == "20.5"


def test_a_json_number_with_more_decimals_than_the_currency_is_refused(world):
    answer = _post(world, _row(1.486), "ro")
    assert answer.status_code == 400 and "more decimals" in answer.get_json()["error"]


def test_json_numbers_parse_as_decimals():
    assert str(load_json('{"a": 0.1}')["a"]) == "0.1"
    with pytest.raises(ValueError):
        load_json('{"a": 1e309}')
