"""Smoke test of the benchmarks (``make bench``): each module runs at its quick sizes and reports figures.

Floors are not judged here (timings on a shared machine); what must hold is that the benchmarks still
run against the real code: PDFs rendered and counted, every report of ``render --all`` written, the
signed-in pages served under wrk without a failed request.
"""

from __future__ import annotations

import shutil

import pytest


def test_pdf_bench_renders_both_plans_and_the_bare_documents():
    from bench import pdf

    figures = pdf.run(quick=True)
    assert figures["demo_pages"] >= 5 and figures["synthetic_pages"] >= 5
    assert figures["demo_bare_pages"] >= 5 and figures["peak_mb"] > 20
    assert figures["demo_plugin_s"] > 0 and figures["synthetic_bare_s"] > 0


def test_render_all_bench_writes_every_pdf_with_a_progress_bar():
    from bench import render_all

    figures = render_all.run(quick=True)
    assert figures["pdfs"] == figures["municipalities"] == 6
    assert figures["progress_bar"] == 1 and figures["floor_failures"] == 0


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (make bench installs it)")
def test_web_bench_loads_the_editor_the_dashboard_and_the_bare_page():
    from bench import web

    figures = web.run(quick=True)
    assert figures["bare_rps"] > 0 and figures["editor_small_rps"] > 0 and figures["dashboard_big_rps"] > 0
    assert figures["floor_failures"] == 0  # no failed request
