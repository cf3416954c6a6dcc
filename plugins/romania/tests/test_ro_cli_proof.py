"""The own plan (Târgu Frumos 2022) through the command line, as an administrator runs it (issue 10): ``socialplan
plan import`` of its JSON file, ``socialplan report render`` in ro, en and sv, the PDFs read back figure by figure;
a document the web form would refuse (an occupancy of 150 %) is refused with its JSON path and writes nothing."""

from __future__ import annotations

import json
import re

import pytest

from core.sdk.testing import cli_environment, pdf_text, run_cli
from plugins.romania.tests.own_plan import SLUG, YEAR, own_document

# A figure of each kind per language: I.A in thousand lei, I.B in lei with its share, its total, C's total,
# D's amount, the budget summary's grand total; a period of every kind the PDF prints in words.
EXPECTED = {
    "ro": ["417", "120.000,50 (20 %)", "Total: 600.000,50 lei", "97.000,00", "42.500,75", "1.017.000,50 lei",
           "Semestrul I 2022", "Trimestrial", "1–31 mar. 2022", "Iulie și august 2022", "1 Iunie", "Permanent",
           "Orașul Târgu Frumos & „Valea Bahluiului” <Iași>"],
    "en": ["417", "120,000.50 (20%)", "Total: RON 600,000.50", "97,000.00", "42,500.75", "RON 1,017,000.50",
           "First half of the year 2022", "Quarterly", "Mar 1 – 31, 2022", "July and August 2022", "1 June",
           "Permanent", "Târgu Frumos Town & “Bahlui Valley” <Iași>"],
    "sv": ["417", "120 000,50 (20 %)", "Totalt: 600 000,50 RON", "97 000,00", "42 500,75", "1 017 000,50 RON",
           "Första halvåret 2022", "Kvartalsvis", "1–31 mars 2022", "Juli och augusti 2022", "1 juni", "Löpande"],
}


@pytest.fixture
def cli_env(tmp_path, sqlite_template):
    return cli_environment(tmp_path, sqlite_template)


def test_the_own_plan_is_imported_and_rendered_in_three_languages(cli_env, tmp_path):
    source = tmp_path / "targu-frumos-2022.json"
    source.write_text(json.dumps(own_document(), ensure_ascii=False), encoding="utf-8")
    imported = run_cli(cli_env, "plan", "import", str(source))
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip() == f"Imported the action-plan plan of {SLUG} for {YEAR}."
    for lang, figures in EXPECTED.items():
        out = tmp_path / f"plan-{lang}.pdf"
        rendered = run_cli(cli_env, "report", "render", "--municipality", SLUG, "--year", str(YEAR),
                           "--kind", "action-plan", "--lang", lang, "--out", str(out))
        assert rendered.returncode == 0, rendered.stderr
        text = " ".join(pdf_text(out, plain_spaces=True).split())
        for figure in figures:
            assert figure in text, (lang, figure)
        assert not re.search(r"RON\d", text), lang  # a space between the currency and the amount
        for letter in "ăâîșțĂÂÎȘȚ":
            assert letter in text, (lang, letter)  # every diacritic of the names prints
        assert "&amp;" not in text and "&lt;" not in text  # '&' and '<' print as typed, never as markup


def test_a_document_the_form_would_refuse_is_refused_and_nothing_is_written(cli_env, tmp_path):
    document = own_document()
    document["sections"]["existing-services"]["rows"][0]["occupancy"] = "150"
    source = tmp_path / "refused.json"
    source.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    refused = run_cli(cli_env, "plan", "import", str(source))
    assert refused.returncode == 1
    [line] = [line for line in refused.stderr.splitlines() if line.strip()]
    assert "$.sections.existing-services.rows[0].occupancy" in line and "150" in line
    listed = run_cli(cli_env, "report", "render", "--municipality", SLUG, "--year", str(YEAR),
                     "--kind", "action-plan", "--lang", "ro", "--out", str(tmp_path / "none.pdf"))
    assert listed.returncode == 1 and not (tmp_path / "none.pdf").exists()
