"""The PDF report layer a plugin's report kinds compose."""

from __future__ import annotations

from core.reports import ReportBuilder, ReportContext, render_report

# One line per name for docs/plugin-sdk.md (None: the object's own docstring says it).
DOCS = {
    "ReportBuilder": "headings, paragraphs, tables and totals in the report's language, then build()",
    "ReportContext": "what a report kind's render() gets: the plan, its document, the locale",
    "render_report": 'render a report kind of a plan to PDF bytes (tests and commands)',
}

__all__ = [
    "ReportBuilder",
    "ReportContext",
    "render_report",
]
