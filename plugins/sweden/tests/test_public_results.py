"""The individuppföljning results on the public pages (issue 15): the adopted follow-up plan's public page offers
its results PDF (``ReportKind.public``) in every language, and the PDF holds the published figures only (joint
suppression, issue 11): Ekeby's three-respondent unit (plugins/sweden/tests/test_privacy.py) is hidden in every
area, and no table gives its counts away. A draft's results, and any report not declared public, answer 404."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from core.sdk import LOCALES
from core.sdk.testing import get_session, municipality_by_slug, pdf_text
from plugins.sweden.reports import percent
from plugins.sweden.results import answers_text, share_value
from plugins.sweden.services.individual import Figure, ResultRow
from plugins.sweden.tests.test_privacy import NORTH, PROVIDER, SMALL, Ekeby, _published, _small_counts
from plugins.sweden.tests.test_privacy import ekeby as ekeby  # the fixture

PAGE = "/public/ekeby/2026/followup-plan/"
RESULTS = re.compile(r'href="(/public/ekeby/2026/followup-plan/r(\d+)/reports/followup-results\.pdf[^"]*)"')


@pytest.fixture
def published(ekeby: Ekeby) -> Ekeby:
    """Ekeby, published by its administrator (the fields set_publication sets)."""
    with ekeby.app.app_context():
        session = get_session()
        town = municipality_by_slug(session, "ekeby")
        town.published, town.licence, town.publisher = True, "CC-BY-4.0", "Ekeby kommun"
        session.commit()
    return ekeby


def _results_link(client, lang: str, page: str = PAGE) -> tuple[str, int]:
    """The results PDF the page in ``lang`` links, and its revision."""
    answer = client.get(f"{page}?lang={lang}")
    assert answer.status_code == 200, (page, lang)
    found = RESULTS.search(answer.get_data(as_text=True))
    assert found, f"{page} in {lang} does not link the results"
    return found.group(1).replace("&amp;", "&"), int(found.group(2))


def _share(figure: Figure, lang: str) -> str:
    """A share as the PDF's text reads (pdf_text's plain spaces)."""
    value = share_value(figure)
    return percent(value, lang).replace("\xa0", " ").replace("\u202f", " ") if isinstance(value, Decimal) else value


def _cells(row: ResultRow, codes: list[str], lang: str) -> list[str]:
    """A group's row as the PDF prints it: its name, then answers and share per area."""
    return [row.name, *(cell for code in codes for cell in (answers_text(row.figures[code]),
                                                            _share(row.figures[code], lang)))]


def _holds(lines: list[str], expected: list[str]) -> bool:
    return any(lines[i:i + len(expected)] == expected for i in range(len(lines)))


@pytest.mark.parametrize("lang", LOCALES)
def test_the_public_results_pdf_prints_the_published_figures_and_no_count_under_the_threshold(published, lang):
    client = published.app.test_client()
    link, number = _results_link(client, lang)
    assert link.endswith("" if lang == "sv" else f"?lang={lang}")  # the page's language; Swedish is Ekeby's own
    _municipality_link, same = _results_link(client, lang, "/public/ekeby/")  # its municipality's page too
    assert same == number
    answer = client.get(link)
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert "Set-Cookie" not in answer.headers and answer.headers["Cache-Control"].startswith("public")
    assert answer.headers["Last-Modified"] and answer.headers["Content-Disposition"].endswith(
        f'ekeby-2026-followup-results-r{number}-{lang}.pdf"')
    assert client.get(link, headers={"If-None-Match": answer.headers["ETag"]}).status_code == 304

    results = _published(published)
    lines = pdf_text(answer.data, plain_spaces=True).splitlines()
    codes = [code for code, _label in results.areas]
    # Every unit's row in every area, the whole municipality, the districts and the provider as published.
    for code in codes:
        for row in results.units:
            assert _holds(lines, [row.name, row.district, answers_text(row.figures[code]),
                                  _share(row.figures[code], lang)]), (lang, code, row.name)
    for row in (*results.districts, *results.providers):
        assert _holds(lines, _cells(row, codes, lang)), (lang, row.name)
    assert any(percent(results.nni, lang).replace("\xa0", " ") in line for line in lines)
    # The small unit is hidden in every area (issue 11: hidden in one, hidden in all) ...
    starts = [i for i, line in enumerate(lines) if line == SMALL]
    assert len(starts) == len(codes)
    assert all(lines[i + 1:i + 4] == [NORTH, "–", "–"] for i in starts), [lines[i:i + 4] for i in starts]
    # ... and no figure printed anywhere is a count under the threshold.
    counts = [int(line) for line in lines if re.fullmatch(r"\d+", line)]
    assert counts and all(count >= results.threshold for count in counts if str(count) != str(2026)), counts
    provider = lines.index(PROVIDER)
    assert not set(lines[provider + 1:provider + 1 + 2 * len(codes)]) & (_small_counts() - {"0"})


def test_a_drafts_results_and_reports_not_declared_public_are_not_public(published):
    client = published.app.test_client()
    link, number = _results_link(client, "en")
    base = link.split("/reports/")[0]
    assert client.get(link).status_code == 200
    for code in ("followup-plan", "quality-report", "no-such-report", "FOLLOWUP-RESULTS"):
        assert client.get(f"{base}/reports/{code}.pdf").status_code == 404, code
    assert client.get(f"{base.replace(f'/r{number}', f'/r{number + 1}')}/reports/followup-results.pdf"
                      ).status_code == 404  # a revision nobody adopted
    for revision in range(1, number + 3):  # the 2027 plan is a draft: none of its revisions is public
        draft = f"/public/ekeby/2027/followup-plan/r{revision}/reports/followup-results.pdf"
        assert client.get(draft).status_code == 404, draft
    assert client.get("/public/ekeby/2027/followup-plan/").status_code == 404
    assert "/public/ekeby/2027/" not in client.get("/public/ekeby/").get_data(as_text=True)

    with published.app.app_context():  # taken off the public pages: gone with them
        session = get_session()
        municipality_by_slug(session, "ekeby").published = False
        session.commit()
    assert client.get(link).status_code == 404


def test_only_the_results_are_declared_public(published):
    registry = published.app.extensions["socialplan.registry"]
    public = {code for code, (plugin, kind) in registry.report_kinds.items() if plugin == "sweden" and kind.public}
    assert public == {"followup-results"}
