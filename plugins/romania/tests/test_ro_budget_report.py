"""Budget totals and shares (Decimal, computed), and the action plan PDF read back with pypdf."""

import io
import re
from decimal import Decimal

import pytest
from pypdf import PdfReader

from core.sdk.plans import take_step
from core.sdk.reports import render_report
from core.sdk.testing import pdf_text
from plugins.romania.budget import overall, shares, totals
from plugins.romania.tests.helpers import demo_plan, document


def _text(pdf: bytes) -> str:
    return pdf_text(pdf, plain_spaces=True)


def test_totals_per_source_and_overall_of_the_existing_services():
    rows = document()["sections"]["existing-services"]["rows"]
    by_source = totals(rows)
    assert by_source == {"local": Decimal(4007), "county": Decimal(0), "state": Decimal(684),
                         "beneficiaries": Decimal(940), "other": Decimal(1236)}
    assert overall(by_source) == Decimal(6867)
    assert all(isinstance(v, Decimal) for v in by_source.values())


def test_the_proposed_service_is_2_and_98_percent():
    [row] = document()["sections"]["proposed-services"]["rows"]
    by_source = totals([row])
    assert by_source["local"] == Decimal("66361.82") and by_source["other"] == Decimal("3251740.36")
    assert overall(by_source) == Decimal("3318102.18")
    percent = shares(by_source)
    assert (percent["local"], percent["other"]) == (Decimal(2), Decimal(98))
    assert shares(by_source, 2)["local"] == Decimal("2.00")


SEED_NUMBERS = [
    "332", "322", "412", "824", "340", "489", "1.486", "684", "940", "706", "38", "40", "30", "60", "52", "102",
    "100 %", "76", "651", "18", "66.361,82", "3.251.740,36", "116", "60", "10.000", "20", "9", "5",
    # computed: totals of the existing services (thousand lei) and of the proposed one (lei)
    "4.007", "1.236", "6.867", "3.318.102,18", "2 %", "98 %",
]


@pytest.fixture
def ro_pdf(demo_session):
    return render_report(demo_session, demo_plan(demo_session), "action-plan", "ro")


def test_the_romanian_pdf_has_every_number_of_the_seed_formatted_the_romanian_way(ro_pdf):
    text = _text(ro_pdf)
    for number in SEED_NUMBERS:
        assert re.search(rf"(?<![\d.,]){re.escape(number)}(?![\d,]|\.\d)", text), number
    assert "1,486" not in text and "66,361.82" not in text


def test_the_romanian_pdf_keeps_diacritics_and_the_model_headings(ro_pdf):
    text = _text(ro_pdf)
    for letter in "șțăîâȘȚĂÎÂ":
        assert letter in text or letter.isupper(), letter
    chapter_one = "Capitolul I. Administrare, înființare și finanțarea serviciilor sociale"
    for phrase in ("Municipiul Piatra Neamț", chapter_one,
                   "Cod serviciu social", "Buget local", "Contribuții persoane beneficiare", "Alte surse",
                   "Cursuri de perfecționare", "Semestrul II", "Iunie 2021", "Lunar", "8790 CRT-II",
                   "pentru anul 2019", "Nu este cazul", "Hotărârea Consiliului Local (HCL): neadoptată încă"):
        assert phrase in text.replace("\n", " ") or phrase in text, phrase
    assert "ş" not in text and "ţ" not in text  # comma below, never the cedilla look-alikes
    table_page = PdfReader(io.BytesIO(ro_pdf)).pages[3]  # the existing services' table: landscape
    assert "8790 CRT-II" in table_page.extract_text()
    assert table_page.mediabox.width > table_page.mediabox.height


def test_the_english_pdf_has_english_headings_and_english_numbers(demo_session):
    text = _text(render_report(demo_session, demo_plan(demo_session), "action-plan", "en"))
    for phrase in ("Chapter I. Administration, establishment and funding of social services", "Local budget",
                   "Beneficiaries' contributions", "Further-training courses", "Second half of the year", "June 2021",
                   "Monthly", "Home care centre for older people", "Year 2021", "3,251,740.36", "1,486"):
        assert phrase in text.replace("\n", " ") or phrase in text, phrase
    assert "Capitolul I" not in text and "Buget local" not in text


def test_the_cover_prints_the_council_decision_once_approved(demo_session):
    from core.sdk.testing import get_registry

    plan = demo_plan(demo_session)
    registry = get_registry()
    take_step(demo_session, registry, plan, "start-consultation",
              {"consultation_start": "2021-02-01", "consultation_end": "2021-02-15"}, None)
    take_step(demo_session, registry, plan, "request-county-opinion", {"contributions_received": 3}, None)
    take_step(demo_session, registry, plan, "approve",
              {"county_opinion_ref": "1234/2021", "county_opinion_date": "2021-03-01",
               "council_decision_ref": "99/2021", "council_decision_date": "2021-03-25"}, None)
    assert plan.status == "approved" and plan.facts["contributions_received"] == 3
    text = _text(render_report(demo_session, plan, "action-plan", "ro")).replace("\n", " ")
    assert "Aprobat prin Hotărârea Consiliului Local (HCL) nr. 99/2021 din 25 martie 2021" in text
    assert "Status: Aprobat de consiliul local" in text or "Aprobat de consiliul local" in text
