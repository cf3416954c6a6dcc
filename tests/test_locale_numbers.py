"""Numbers are read the way the writer's locale writes them (issue 9, part 1).

Typed text (web forms, spreadsheet text cells) is read with the locale of the person who typed it,
never by guessing the decimal mark; the plan JSON and the command line stay canonical whatever the
language; amounts with more decimals than their currency has are refused, never rounded.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from flask_babel import force_locale
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy import func, select

from core.i18n import (
    LOCALES,
    AmountError,
    NumberError,
    check_amount,
    decimal_from_cell,
    format_decimal,
    format_input,
    format_money,
    format_number,
    parse_decimal,
    parse_integer,
    parse_money,
)
from core.interchange import DocumentError, amount_from_json, decimal_from_json, document_decimal

pytest_plugins = ["test_cli"]  # its cli_env fixture: a socialplan process on a database of its own

NBSP, NNBSP, MINUS = "\u00a0", "\u202f", "\u2212"


# --- parsing typed text ----------------------------------------------------------------------------


@pytest.mark.parametrize(("locale", "typed", "expected"), [
    ("ro", "1.486", "1486"),  # the old guess read this as 1.486 (stored 1.49)
    ("ro", "1.486,5", "1486.5"),
    ("ro", "66.361,82", "66361.82"),
    ("ro", "-1.486,50", "-1486.50"),
    ("ro", "0,5", "0.5"),
    ("sv", "1 486,5", "1486.5"),
    ("sv", f"1{NBSP}486,5", "1486.5"),
    ("sv", f"1{NNBSP}486,5", "1486.5"),
    ("sv", f"{MINUS}12{NBSP}345{NBSP}678,9", "-12345678.9"),
    ("en", "1,486.5", "1486.5"),
    ("en", "1,486", "1486"),  # the old guess read this as 1.486
    ("en", "1.486", "1.486"),
    ("en", f"{MINUS}3.25", "-3.25"),
])
def test_text_is_read_the_way_its_locale_writes_numbers(locale, typed, expected):
    assert parse_decimal(typed, locale) == Decimal(expected)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize(("typed", "expected"), [("1486", "1486"), ("-42", "-42"), (f"{MINUS}7", "-7"),
                                                 ("  0 ", "0")])
def test_plain_digits_and_a_leading_minus_are_read_in_every_locale(locale, typed, expected):
    assert parse_decimal(typed, locale) == Decimal(expected)


@pytest.mark.parametrize(("locale", "typed"), [
    ("ro", "1.48.6"), ("ro", "12.5"), ("ro", "1 486,5"), ("ro", "1.486,"), ("ro", ",5"), ("ro", "01.486"),
    ("en", "1,4,86"), ("en", "1,48.6"), ("en", "1 486.5"), ("en", "12,5"),
    ("sv", "1.5"), ("sv", "1 48,5"), ("sv", "1.486,5"), ("sv", "1,486.5"),
    ("en", "1e3"), ("ro", "1E3"), ("sv", "NaN"), ("en", "Infinity"), ("ro", "-inf"), ("en", "1_000"),
    ("en", "+5"), ("ro", "--5"), ("sv", "5-"), ("en", "- 5"), ("en", ""), ("ro", "lei"),
])
def test_ambiguous_or_malformed_text_is_refused(locale, typed):
    with pytest.raises(NumberError):
        parse_decimal(typed, locale)


@pytest.mark.parametrize(("locale", "example", "plain"), [("ro", "1.486,50", "1486,50"),
                                                          ("sv", f"1{NBSP}486,50", "1486,50"),
                                                          ("en", "1,486.50", "1486.50")])
def test_a_refusal_shows_how_the_locale_writes_a_number(app, locale, example, plain):
    with app.app_context(), force_locale(locale), pytest.raises(NumberError) as refused:
        parse_decimal("1.48.6", locale)
    assert isinstance(refused.value, ValueError)
    assert "1.48.6" in refused.value.message and example in refused.value.message and plain in refused.value.message
    assert str(refused.value) == refused.value.message


def test_the_refusal_is_translated(app):
    with app.app_context(), force_locale("ro"), pytest.raises(NumberError) as refused:
        parse_decimal("12.5", "ro")
    assert refused.value.message == "„12.5” nu poate fi citit ca număr: scrieți-l ca 1.486,50 sau 1486,50."


@pytest.mark.parametrize(("locale", "typed", "expected"), [("ro", "1.200", 1200), ("sv", "1 200", 1200),
                                                           ("en", "1,200", 1200), ("ro", "7", 7)])
def test_whole_numbers(locale, typed, expected):
    assert parse_integer(typed, locale) == expected


@pytest.mark.parametrize(("locale", "typed"), [("ro", "1,5"), ("en", "1.5"), ("en", "1.200"), ("sv", "x")])
def test_what_is_not_a_whole_number_is_refused(locale, typed):
    with pytest.raises(NumberError):
        parse_integer(typed, locale)


def test_spreadsheet_cells_are_read_as_numbers_not_as_text():
    assert decimal_from_cell(1486) == Decimal("1486")
    assert decimal_from_cell(1.486) == Decimal("1.486")  # a numeric cell is a number whatever the locale
    assert decimal_from_cell(Decimal("66361.82")) == Decimal("66361.82")
    for cell in (True, float("nan"), float("-inf"), "1486"):
        with pytest.raises(ValueError):
            decimal_from_cell(cell)


# --- amounts -------------------------------------------------------------------------------------


@pytest.mark.parametrize("currency", ["RON", "SEK", "EUR"])
def test_amounts_with_more_decimals_than_the_currency_are_refused(app, currency):
    assert check_amount(Decimal("1486.50"), currency) == Decimal("1486.50")
    assert check_amount(Decimal("1486.500"), currency) == Decimal("1486.5")  # trailing zeros are no decimals
    with app.app_context(), force_locale("en"), pytest.raises(AmountError) as refused:
        check_amount(Decimal("1.486"), currency)
    assert refused.value.message == f"An amount in {currency} has at most 2 decimals."


@pytest.mark.parametrize(("locale", "currency", "typed"), [
    ("ro", "RON", "1.486,50 lei"), ("ro", "RON", f"1.486,50{NBSP}RON"), ("sv", "SEK", f"1{NBSP}486,50{NBSP}kr"),
    ("en", "RON", f"RON{NBSP}1,486.50"), ("en", "RON", "RON1,486.50"), ("en", "EUR", "€1,486.50"),
    ("ro", "RON", "1.486,5"),
])
def test_an_amount_may_carry_its_currency_as_pages_print_it(locale, currency, typed):
    assert parse_money(typed, currency, locale) == Decimal("1486.5")


# --- the property: what the product prints reads back -----------------------------------------------

AMOUNTS = st.decimals(min_value=Decimal("-1E15"), max_value=Decimal("1E15"), allow_nan=False,
                      allow_infinity=False, places=2)


@pytest.mark.parametrize("locale", LOCALES)
@settings(max_examples=200, deadline=None)
@given(value=AMOUNTS, places=st.integers(min_value=0, max_value=2))
def test_what_core_prints_parses_back_to_the_same_value(locale, value, places):
    value = value.quantize(Decimal(1).scaleb(-places))
    assert parse_decimal(format_decimal(value, places, locale), locale) == value
    assert parse_decimal(format_number(value, locale), locale) == value
    assert parse_decimal(format_input(value, locale), locale) == value
    for currency in ("RON", "SEK", "EUR"):
        assert parse_money(format_money(value, currency, locale), currency, locale) == value


# --- the plan JSON is canonical --------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_document_decimals_are_canonical_whatever_the_language(app, locale):
    with app.app_context(), force_locale(locale):
        assert decimal_from_json("1486.00", "$.x") == Decimal("1486.00")
        assert decimal_from_json(1486, "$.x") == Decimal("1486")
        assert decimal_from_json("1.486", "$.x") == Decimal("1.486")  # a decimal point, in every language
        for text in ("1.486,00", "1,486.00", "1 486", "1e3", "NaN", " 12", "1_000"):
            with pytest.raises(DocumentError):
                decimal_from_json(text, "$.x")
        with pytest.raises(DocumentError) as refused:
            amount_from_json("1.486", "$.sections.s.rows[0].budget[0].amount", "RON")
        assert refused.value.path == "$.sections.s.rows[0].budget[0].amount" and "RON" in refused.value.reason
        assert document_decimal("1.486,00") is None and document_decimal("1486.5") == Decimal("1486.5")


def _romanian_document() -> dict:
    """The demo plan moved to a municipality of its own (so it is a new plan), with a name that needs escaping."""
    from plugins.romania.tests.helpers import document

    doc = document()
    doc["year"] = 2031
    doc["municipality"] = {**doc["municipality"], "slug": "targu-frumos",
                           "name": {"ro": "Orașul Târgu Frumos „Nou” & <Vechi>", "en": "Târgu Frumos 'New' & <Old>"}}
    return doc


def test_plan_import_refuses_an_amount_of_three_decimals_with_its_path(demo_session):
    from core.plugin_manager import get_registry
    from core.services.imports import import_plan
    from plugins.romania.tests.helpers import counts

    doc = _romanian_document()
    doc["sections"]["existing-services"]["rows"][2]["budget"][0]["amount"] = "1.486"
    before = counts(demo_session)
    with force_locale("ro"), pytest.raises(DocumentError) as refused:  # '1.486' is 1.486 even for a Romanian
        import_plan(demo_session, get_registry(), doc, None)
    assert refused.value.path == "$.sections.existing-services.rows[2].budget[0].amount"
    assert "1.486" in refused.value.reason and "RON" in refused.value.reason
    demo_session.rollback()
    assert counts(demo_session) == before  # nothing written, nothing rounded to 1.49


def test_plan_import_reads_canonical_amounts_exactly(demo_session):
    from core.models import BudgetLine, Service
    from core.plugin_manager import get_registry
    from core.services.imports import import_plan

    doc = _romanian_document()
    doc["sections"]["existing-services"]["rows"][2]["budget"][0]["amount"] = "1486.00"
    doc["sections"]["existing-services"]["rows"][3]["budget"][0]["amount"] = 66
    with force_locale("ro"):
        plan = import_plan(demo_session, get_registry(), doc, None)
    amounts = set(demo_session.scalars(select(BudgetLine.amount).join(Service, BudgetLine.service_id == Service.id)
                                       .where(Service.plan_id == plan.id)))
    assert Decimal("1486") in amounts and Decimal("66") in amounts


def test_a_capacity_with_more_decimals_than_its_column_keeps_is_refused_not_rounded(demo_session):
    from core.plugin_manager import get_registry
    from core.services.imports import import_plan

    doc = _romanian_document()
    doc["sections"]["existing-services"]["rows"][1]["capacity"] = "12.555"
    with pytest.raises(DocumentError) as refused:
        import_plan(demo_session, get_registry(), doc, None)
    assert refused.value.path == "$.sections.existing-services.rows[1].capacity"
    assert "more than 2 decimals" in refused.value.reason


# --- spreadsheet import ----------------------------------------------------------------------------


@pytest.fixture
def table_world(world):
    with world.app.app_context():
        yield world


def _workbook(header: list, *rows: list) -> bytes:
    workbook = Workbook()
    for row in (header, *rows):
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _import(world, locale: str, *rows: list):
    from world import KIND

    from core.services import tables

    data = _workbook(["Code", "Name (en)", "Capacity", "Local budget 2026 (RON)"], *rows)
    return tables.rows_from_xlsx(data, world.document("alpha-draft"), world.registry.plan_kind(KIND),
                                 "services", world.registry, locale)


def test_text_cells_are_read_the_way_the_importing_person_writes_numbers(table_world):
    romanian = _import(table_world, "ro", ["XX-1", "Centrul „Speranța” & <Casa>", "1.486", "1.486,5"])
    assert romanian.errors == []
    assert (romanian.rows[0]["capacity"], romanian.rows[0]["budget"][0]["amount"]) == ("1486", "1486.5")
    english = _import(table_world, "en", ["XX-1", "Day centre", "1,486", f"RON{NBSP}1,486"])  # as pages print it
    assert english.errors == []
    assert (english.rows[0]["capacity"], english.rows[0]["budget"][0]["amount"]) == ("1486", "1486")


def test_numeric_cells_are_numbers_in_every_locale(table_world):
    for locale in LOCALES:
        result = _import(table_world, locale, ["XX-1", "Day centre", 1.5, 1486])
        assert result.errors == [], locale
        assert (result.rows[0]["capacity"], result.rows[0]["budget"][0]["amount"]) == ("1.5", "1486")


def test_a_text_cell_in_the_other_notation_or_too_precise_is_refused_by_cell(table_world):
    result = _import(table_world, "ro", ["XX-1", "A", "12.5", "10"], ["XX-2", "B", "3", "1,486"],
                     ["XX-1", "C", "4", 1.486])
    assert result.rows == []
    errors = {(e.row, e.column.split(" ")[0]): e.message for e in result.errors}
    assert set(errors) == {(2, "C"), (3, "D"), (4, "D")}
    assert errors[(2, "C")] == "'12.5' cannot be read as a number: write it like 1.486,50 or 1486,50."
    assert errors[(3, "D")] == errors[(4, "D")] == "An amount in RON has at most 2 decimals."


# --- the Romanian editor ---------------------------------------------------------------------------


def _new_service(client, plan_id: int, budget: str):
    return client.post(f"/m/piatra-neamt/plans/{plan_id}/sections/existing-services/rows/new", data={
        "code": "8810 ID-I", "unit__ro": "Centrul „Ana & Ion” <Bicaz>", "budget_unit": "1", "budget_local": budget})


def _services(app, plan_id: int) -> list[dict]:
    from core.db import get_session
    from core.models import AnnualPlan
    from core.services.plans import document_of

    with app.app_context():
        session = get_session()
        document = document_of(session, app.extensions["socialplan.registry"], session.get(AnnualPlan, plan_id))
        return document["sections"]["existing-services"]["rows"]


def _revisions(app, plan_id: int) -> int:
    from core.db import get_session
    from core.models import PlanRevision

    with app.app_context():
        return get_session().scalar(select(func.count()).where(PlanRevision.plan_id == plan_id))


@pytest.fixture
def romanian_editor(demo_app, demo_client):
    from core.db import get_session
    from core.demo import DEMO_PASSWORD
    from core.testing import login
    from plugins.romania.tests.helpers import demo_plan

    with demo_app.app_context():
        plan_id = demo_plan(get_session()).id
    assert login(demo_client, "planner@piatra-neamt.demo", DEMO_PASSWORD).status_code == 200
    return demo_client, plan_id


def _switch(client, locale: str) -> None:
    assert client.post("/locale", data={"locale": locale, "next": "/"}).status_code == 302


def test_the_romanian_editor_reads_1_486_as_one_thousand_four_hundred_eighty_six(demo_app, romanian_editor):
    client, plan_id = romanian_editor
    _switch(client, "ro")
    assert _new_service(client, plan_id, "1.486").status_code == 302
    rows = _services(demo_app, plan_id)
    assert rows[-1]["unit"] == {"ro": "Centrul „Ana & Ion” <Bicaz>"}
    assert [(line["source"], line["amount"]) for line in rows[-1]["budget"]] == [("local", "1486")]
    form = client.get(f"/m/piatra-neamt/plans/{plan_id}/sections/existing-services/rows/{len(rows) - 1}").text
    assert re.search(r'name="budget_local"[^>]*value="1\.486"', form)  # shown back as Romanian writes it


def test_the_english_editor_reads_1_486_with_a_comma_as_a_thousand_and_more(demo_app, romanian_editor):
    client, plan_id = romanian_editor
    _switch(client, "en")
    assert _new_service(client, plan_id, "1,486").status_code == 302
    assert [line["amount"] for line in _services(demo_app, plan_id)[-1]["budget"]] == ["1486"]


def test_12_5_in_the_romanian_editor_is_refused_beside_the_field_and_nothing_is_saved(demo_app, romanian_editor):
    client, plan_id = romanian_editor
    _switch(client, "ro")
    rows, revisions = _services(demo_app, plan_id), _revisions(demo_app, plan_id)
    refused = _new_service(client, plan_id, "12.5")
    assert refused.status_code == 422
    error = re.search(r'id="budget_local-error">(.*?)</', refused.text, re.S)
    assert error and "scrieți-l ca 1.486,50 sau 1486,50" in error.group(1)
    assert re.search(r'name="budget_local"[^>]*value="12\.5"', refused.text)  # what was typed is kept
    assert _services(demo_app, plan_id) == rows and _revisions(demo_app, plan_id) == revisions


def test_an_amount_of_three_decimals_is_refused_in_the_editor(demo_app, romanian_editor):
    client, plan_id = romanian_editor
    _switch(client, "ro")
    rows = _services(demo_app, plan_id)
    refused = _new_service(client, plan_id, "1,486")  # 1.486 lei: not rounded to 1,49
    assert refused.status_code == 422 and "O sumă în RON are cel mult 2 zecimale." in refused.text
    assert _services(demo_app, plan_id) == rows


# --- integer fields and staff lines (the Romanian forms, in a Romanian request) --------------------------


@pytest.fixture
def ro_request(app):
    with app.test_request_context(headers={"Accept-Language": "ro"}):
        yield


def test_romanian_counts_are_read_with_their_group_separator(ro_request):
    from werkzeug.datastructures import MultiDict

    from plugins.romania.forms import section_form

    training = section_form("action-plan", "volunteer-training")
    form = training.form_class(formdata=MultiDict({"persons": "1.200", "budget": "2.500,50", "original": "{}"}))
    assert form.validate(), form.errors
    row = training.to_row(form)
    assert (row["persons"], row["budget"]) == (1200, "2500.5")

    proposed = section_form("action-plan", "proposed-services")
    form = proposed.form_class(formdata=MultiDict({"code": "8810 ID-I", "staff_total": "1.200", "budget_unit": "1",
                                                   "staff_roles": "1.000 Îngrijitori\n2 Asistenți sociali",
                                                   "original": "{}"}))
    assert form.validate(), form.errors
    extra = proposed.to_row(form)["extra"]
    assert extra["staff_total"] == 1200
    assert [(r["count"], r["role"]["ro"]) for r in extra["staff_roles"]] == [(1000, "Îngrijitori"),
                                                                             (2, "Asistenți sociali")]
    form = proposed.form_class(formdata=MultiDict({"code": "8810 ID-I", "staff_total": "1,5", "budget_unit": "1",
                                                   "staff_roles": "2,5 Educatori", "capacity": "12,555",
                                                   "original": "{}"}))
    assert not form.validate()
    assert "număr întreg" in form.errors["staff_total"][0] and "număr întreg" in form.errors["staff_roles"][0]
    assert form.errors["capacity"] == ["Introduceți cel mult 2 zecimale."]  # the column keeps two: not rounded


# --- the command line is canonical -----------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ("report", "render", "--municipality", "piatra-neamt", "--year", "2.021", "--kind", "action-plan",
     "--lang", "ro", "--out", "plan.pdf"),
    ("plan", "export", "--municipality", "piatra-neamt", "--year", "2021,0", "--kind", "action-plan",
     "--out", "plan.json"),
    ("sweden", "import-answers", "answers.csv", "--municipality", "huddinge", "--year", "2026", "--template", "x1"),
])
def test_a_number_on_the_command_line_that_is_not_plain_digits_is_one_sentence(cli_env, tmp_path, args):
    from test_cli import assert_one_sentence_error, run

    result = run(cli_env, *(str(tmp_path / arg) if arg.startswith(("plan.", "answers.")) else arg for arg in args))
    assert result.returncode == 1  # the command's own error, not click's usage text (exit 2)
    assert_one_sentence_error(result, "takes a whole number written in digits, such as 2026")
    assert list(tmp_path.glob("plan.*")) == []
