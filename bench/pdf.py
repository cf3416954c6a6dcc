"""Benchmark (issue 3): the action-plan PDF against a bare ReportLab document of the same content.

In one run, on a temporary instance with the demo data:

(a) the demo plan (Piatra Neamț 2021, ``action-plan``, ro) through ``core.reports.render_report``;
(b) a synthetic plan of 600 existing services (the demo's rows replicated) with the demo's other
    sections, imported as another municipality's plan through ``import_plan``;
(c) for each, the floor: a bare document of the same tables and paragraphs written directly with
    platypus (same fonts, plain strings in cells, one Paragraph per wrapped cell). Its content is
    what the plugin hands the report builder, recorded once (untimed) by a recording builder.

The renders run in a child process (fonts registered and app created before timing, one warm-up
render each); the figure is the median of N renders. Peak memory is that child's peak resident set
size (VmHWM of /proc/self/status): interpreter, app, fonts, both plans and all renders.

Floors: plugin render <= 1.3x the bare document (both plans); the 600-service plan < 0.5 s; peak RSS
< 200 MB.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from bench.common import Floor, floors_dict, median_time, print_table
from bench.dataset import DEMO_SLUG, DEMO_YEAR, PLAN_KIND, Instance, create_bench_app, make_instance

SYNTHETIC_SLUG = "bench-600"
SYNTHETIC_SERVICES = 600
LOCALE = "ro"
FLOORS = {"ratio": 1.3, "synthetic_s": 0.5, "peak_mb": 200.0}


# --- setup (parent process) -----------------------------------------------------------------------


def synthetic_document(services: int) -> dict[str, Any]:
    """The demo document with its existing services replicated to ``services`` rows, for another municipality."""
    from plugins.romania.demo import demo_document

    document = demo_document()
    rows = document["sections"]["existing-services"]["rows"]
    document["sections"]["existing-services"]["rows"] = [rows[i % len(rows)] for i in range(services)]
    document["municipality"] = {**document["municipality"], "slug": SYNTHETIC_SLUG,
                                "name": {"ro": "Municipiul Sintetic", "en": "Synthetic Municipality"}}
    return document


def add_synthetic_plan(instance: Instance, services: int) -> None:
    from core.db import get_session
    from core.demo import ensure_municipality
    from core.services.imports import import_plan

    app = create_bench_app(instance)
    with app.app_context():
        session, registry = get_session(), app.extensions["socialplan.registry"]
        document = synthetic_document(services)
        ensure_municipality(session, registry, SYNTHETIC_SLUG, document["municipality"]["name"], "RO", "ro", "RON",
                            ("romania",))
        import_plan(session, registry, document, None)
        session.commit()
        session.close()
    app.extensions["socialplan.engine"].dispose()


# --- the bare document (the floor) ------------------------------------------------------------------


class _Recorder:
    """Stands in for ReportBuilder while the plugin fills it: keeps each call, builds nothing."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.calls: list[tuple[str, tuple, dict]] = [("init", args, kwargs)]
        _Recorder.last = self

    def __getattr__(self, name: str):
        def record(*args: Any, **kwargs: Any) -> None:
            self.calls.append((name, args, kwargs))

        return record

    def build(self) -> bytes:
        return b""

    @contextmanager
    def together(self) -> Iterator[None]:
        """What the plugin keeps on one page (a table and its chart): the bare document keeps it so too."""
        self.calls.append(("together_begin", (), {}))
        yield
        self.calls.append(("together_end", (), {}))


def record_content(session, plan) -> list[tuple[str, tuple, dict]]:
    """The plugin's calls to the report builder for ``plan`` (its tables, paragraphs, headings)."""
    import plugins.romania.report as report_module
    from core.reports import render_report

    original = report_module.ReportBuilder
    report_module.ReportBuilder = _Recorder
    try:
        render_report(session, plan, PLAN_KIND, LOCALE)
    finally:
        report_module.ReportBuilder = original
    return _Recorder.last.calls


def bare_pdf(calls: list[tuple[str, tuple, dict]]) -> bytes:
    """The recorded content written straight with platypus: the least a PDF of it can cost."""
    import io

    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        BaseDocTemplate,
        Frame,
        KeepTogether,
        NextPageTemplate,
        PageBreak,
        PageTemplate,
        Paragraph,
        Spacer,
        Table,
        TableStyle,
    )

    from core.reports.fonts import ensure_fonts

    regular, bold = ensure_fonts()
    body = ParagraphStyle("b", fontName=regular, fontSize=9.5, leading=13, spaceAfter=5)
    heading = ParagraphStyle("h", fontName=bold, fontSize=13, leading=17, spaceBefore=8, spaceAfter=4)
    cell = ParagraphStyle("c", fontName=regular, fontSize=8, leading=10)
    head_cell = ParagraphStyle("hc", fontName=bold, fontSize=8, leading=10)
    sizes = {"portrait": A4, "landscape": landscape(A4)}

    def page_number(canvas, doc) -> None:
        canvas.setFont(regular, 8)
        canvas.drawRightString(canvas._pagesize[0] - 18 * mm, 10 * mm, str(doc.page))

    templates = [PageTemplate(id=name, pagesize=size, onPage=page_number,
                              frames=[Frame(18 * mm, 18 * mm, size[0] - 36 * mm, size[1] - 40 * mm, id=name)])
                 for name, size in sizes.items()]
    story: list[Any] = []
    orientation = "portrait"

    def turn(to: str) -> None:
        nonlocal orientation
        if to != orientation:
            story.extend([NextPageTemplate(to), PageBreak()])
            orientation = to

    kept: list[int] = []  # where each together() block began in the story
    for name, args, kwargs in calls[1:]:
        if name == "together_begin":
            kept.append(len(story))
        elif name == "together_end":
            start = kept.pop()
            story[start:] = [KeepTogether(story[start:])]
        elif name == "cover":
            title, lines = args[0], kwargs.get("lines", args[1] if len(args) > 1 else [])
            story.extend(Paragraph(escape(t), heading) for t in [title, *lines, kwargs.get("status") or "",
                                                                  kwargs.get("decision") or ""] if t)
            story.append(PageBreak())
        elif name == "heading":
            story.append(Paragraph(escape(args[0]), heading))
        elif name == "paragraph":
            story.extend(Paragraph(escape(b), body) for b in str(args[0] or "").split("\n\n") if b.strip())
        elif name == "bullets":
            story.extend(Paragraph(escape(item), body, bulletText="•") for item in args[0])
        elif name in ("landscape", "portrait"):
            turn(name)
        elif name == "add":
            story.append(args[0])
        elif name == "table":
            story.extend(_bare_table(args, kwargs, sizes, orientation, turn, cell, head_cell, body, regular, bold,
                                     colors, Table, TableStyle, Paragraph, Spacer))
        elif name == "bar_chart":
            title, labels, values = args[0], args[1], args[2]
            drawing = Drawing(400, 16 * len(values) + 10)
            chart = HorizontalBarChart()
            chart.x, chart.y, chart.width, chart.height = 120, 5, 260, 16 * len(values)
            chart.data = [[float(v) for v in values]]
            chart.categoryAxis.categoryNames = list(labels)
            chart.categoryAxis.labels.fontName = regular
            drawing.add(chart)
            story.extend([Paragraph(escape(title), heading), drawing])
    out = io.BytesIO()
    doc = BaseDocTemplate(out, pagesize=A4)
    doc.addPageTemplates(templates)
    doc.build(story)
    return out.getvalue()


def _bare_table(args, kwargs, sizes, orientation, turn, cell, head_cell, body, regular, bold, colors, Table,
                TableStyle, Paragraph, Spacer) -> list[Any]:
    header, rows, col_widths = args[0], args[1], kwargs.get("col_widths", args[2] if len(args) > 2 else None)
    wrap = set(kwargs.get("wrap", ()))
    right = set(kwargs.get("align_right", ()))
    totals = list(kwargs.get("totals") or [])
    landscape_table = kwargs.get("landscape", False)
    flowables: list[Any] = []
    before = orientation
    if landscape_table:
        turn("landscape")
        orientation = "landscape"
    frame = sizes[orientation][0] - 36 * 2.834645669
    widths = [frame * w / sum(col_widths) for w in col_widths]
    data = [[Paragraph(escape(str(t)), head_cell) if t else "" for t in row] for row in header]
    data += [[Paragraph(escape(str(t)), cell) if c in wrap and t else str(t or "") for c, t in enumerate(row)]
             for row in [*rows, *totals]]
    style = [("FONT", (0, 0), (-1, -1), regular, 8, 10), ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
             ("VALIGN", (0, 0), (-1, -1), "TOP"), ("BACKGROUND", (0, 0), (-1, len(header) - 1), colors.lightgrey),
             *[("ALIGN", (c, 0), (c, -1), "RIGHT") for c in right], *kwargs.get("spans", ())]
    if totals:
        style.append(("FONT", (0, len(header) + len(rows)), (-1, -1), bold, 8, 10))
    flowables.append(Table(data, colWidths=widths, repeatRows=len(header), style=TableStyle(style), hAlign="LEFT"))
    flowables.extend(Paragraph(escape(note), body) for note in kwargs.get("footnotes", ()))
    flowables.append(Spacer(1, 10))
    if landscape_table:
        turn(before)
    return flowables


# --- the measuring child ------------------------------------------------------------------------------


def measure(folder: Path, runs: int) -> dict[str, float]:
    """Runs in the child: median render times of both plans and their bare documents, and peak RSS."""
    from sqlalchemy import select

    from core.db import get_session
    from core.models import AnnualPlan, Municipality
    from core.reports import render_report
    from core.reports.fonts import ensure_fonts

    instance = Instance(folder, folder / "socialplan.sqlite")
    app = create_bench_app(instance)
    ensure_fonts()
    figures: dict[str, float] = {}
    with app.app_context():
        session = get_session()
        for label, slug in (("demo", DEMO_SLUG), ("synthetic", SYNTHETIC_SLUG)):
            plan = session.scalar(select(AnnualPlan).join(Municipality).where(
                Municipality.slug == slug, AnnualPlan.year == DEMO_YEAR, AnnualPlan.kind == PLAN_KIND))
            calls = record_content(session, plan)
            # The renders whose pages are counted are the warm-up ones.
            figures[f"{label}_pages"] = float(_pages(render_report(session, plan, PLAN_KIND, LOCALE)))
            figures[f"{label}_bare_pages"] = float(_pages(bare_pdf(calls)))
            figures[f"{label}_plugin_s"], figures[f"{label}_plugin_cpu_s"] = median_time(
                lambda p=plan: render_report(session, p, PLAN_KIND, LOCALE), runs, warmup=0)
            figures[f"{label}_bare_s"], figures[f"{label}_bare_cpu_s"] = median_time(lambda c=calls: bare_pdf(c), runs,
                                                                                     warmup=0)
            session.expire_all()
    figures["peak_mb"] = peak_rss_mb()
    return figures


def peak_rss_mb() -> float:
    """This process's peak resident set size: VmHWM, which starts afresh at exec (ru_maxrss would carry
    over the parent's peak from the fork), else ru_maxrss where /proc is missing."""
    try:
        status = Path("/proc/self/status").read_text()
        return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _pages(pdf: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def run(quick: bool = False) -> dict[str, float]:
    services, runs = (30, 1) if quick else (SYNTHETIC_SERVICES, 9)
    with tempfile.TemporaryDirectory(prefix="pdf-bench-") as folder:
        instance = make_instance(Path(folder) / "instance")
        add_synthetic_plan(instance, services)
        child = subprocess.run([sys.executable, "-m", "bench.pdf", "--child", str(instance.folder), str(runs)],
                               capture_output=True, text=True, env=instance.env(), check=False)
    if child.returncode != 0:
        raise RuntimeError(f"the render process failed:\n{child.stderr[-3000:]}")
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    for label in ("demo", "synthetic"):
        figures[f"{label}_ratio"] = figures[f"{label}_plugin_s"] / figures[f"{label}_bare_s"]
    floors = [
        Floor("demo: plugin / bare", figures["demo_ratio"], FLOORS["ratio"], "x"),
        Floor(f"{services} services: plugin / bare", figures["synthetic_ratio"], FLOORS["ratio"], "x"),
        Floor(f"{services} services: plugin render", figures["synthetic_plugin_s"], FLOORS["synthetic_s"], "s"),
        Floor("peak RSS of the render process", figures["peak_mb"], FLOORS["peak_mb"], "MB"),
    ]
    shown = []
    for label, name in (("demo", "demo plan"), ("synthetic", f"{services} services")):
        for kind, what in (("plugin", "render_report"), ("bare", "bare platypus")):
            wall, cpu = figures[f"{label}_{kind}_s"] * 1000, figures[f"{label}_{kind}_cpu_s"] * 1000
            pages = figures[f"{label}_pages" if kind == "plugin" else f"{label}_bare_pages"]
            shown.append((f"{name}: {what} ({pages:.0f} pages)", f"{wall:8.1f} ms wall, {cpu:8.1f} ms CPU"))
    shown.append(("runs per figure (median)", str(runs)))
    print_table(f"pdf ({'quick' if quick else 'full'}): action-plan, ro", shown, floors)
    return floors_dict(figures, [] if quick else floors)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        print(json.dumps(measure(Path(sys.argv[2]), int(sys.argv[3]))))
    else:
        failures = run(quick="--quick" in sys.argv)["floor_failures"]
        sys.exit(1 if failures else 0)
