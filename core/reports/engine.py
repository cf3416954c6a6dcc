"""The report layer plugins compose their PDF report kinds from (ReportLab platypus).

A plugin's ``ReportKind.render(context)`` gets a :class:`ReportContext` and returns PDF bytes,
usually by filling a :class:`ReportBuilder`::

    def render(context: ReportContext) -> bytes:
        report = ReportBuilder(title, municipality_name, context.locale, generated_at=context.generated_at)
        report.cover(title, lines=[...], status=..., decision=...)
        report.heading(_("Existing services"))
        report.table(header=[[...]], rows=[[...]], col_widths=[3, 1, 1], wrap={0}, align_right={1, 2},
                     totals=[[_("Total"), "1 486,00 kr", ""]], footnotes=[...], landscape=True)
        report.bar_chart(_("Budget by funding source"), labels, values, value_format)
        return report.build()

``ReportBuilder(title, municipality_name, locale, author="socialplan", subject="", generated_at=None,
revision_status="")``
    Pages are A4; each has a header (municipality left, title right) and a footer (generation date
    left, translated "Page x of y" right). Title, author, subject and language (``locale``) go
    into the PDF metadata. Strings the caller passes are printed literally: they are escaped
    before they reach a Paragraph, so ``<b>`` or ``&`` typed by a user never becomes markup.
    Translate labels (gettext) and format numbers (core.i18n) before passing them.

``.cover(title, lines, status=None, decision=None)``
    A cover page without header: big title, subtitle lines, ``Status: <status>``, the council
    decision line as given; the document goes on on a new portrait page.
``.heading(text, level=1)`` (levels 1-3; a heading never ends a page alone: it moves on with its text and
    the header and first row of the table after it), ``.paragraph(text)`` (blank lines start a new
    paragraph, single line breaks are kept), ``.bullets(items)``, ``.spacer(height_mm)``,
    ``.page_break()``, ``.landscape()`` / ``.portrait()`` (what follows starts on a new page of
    that orientation, unless the current page is still empty), ``.add(flowable)`` (escape hatch
    for any platypus flowable; its text is the caller's responsibility).
``.table(header, rows, col_widths, wrap=(), totals=None, footnotes=(), landscape=False, align_right=(), spans=())``
    ``header``: one or more header rows, repeated on every page the table runs over.
    ``rows``: the body, lists of strings. ``col_widths``: relative weights, scaled to the frame.
    ``wrap``: indexes of columns whose text wraps (they get Paragraphs; other cells stay plain
    strings, which is much faster; a plain cell too wide for its column is wrapped anyway).
    ``totals``: rows printed bold under a rule. ``footnotes``: small text under the table.
    ``align_right``: numeric columns. ``spans``: ReportLab ``("SPAN", (c0, r0), (c1, r1))``
    commands, rows counted from the first header row (a header cell spanning columns is centred).
    ``landscape=True`` prints the table on
    landscape pages (headings right before it move along) and goes back to portrait after.
    Text wraps at word boundaries; a word wider than its column is hyphenated by the report language's
    rules (pyphen), and a column is widened to the longest word of its heading where the others can spare it.
``with report.together(): ...``: what is added inside stays on one page (a table and the chart of its figures).
``.bar_chart(title, labels, values, value_format)`` / ``.pie_chart(title, labels, values, value_format)``
    ``values`` are Decimals, ``value_format(Decimal) -> str`` formats the printed values
    (e.g. ``lambda v: format_money(v, "RON")``). The pie's legend shows each share in percent.
``.build() -> bytes``: the PDF. Call it once, inside the locale's ``force_locale`` (render_report does).

This module uses ReportLab's public API only; the speed-ups that need its internals (table splitting,
paragraph fragments, the page-numbering canvas) are in :mod:`core.reports.reportlab_internals`, which is
pinned to one ReportLab release.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.pagesizes import landscape as landscape_size
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageBreakIfNotEmpty,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from core.i18n import InLanguage, format_date, format_percent
from core.reports.fonts import BOLD, REGULAR, ensure_fonts

# What ReportLab offers only through its internals, in a module of its own pinned to one ReportLab version.
from core.reports.reportlab_internals import LongTable as _LongTable
from core.reports.reportlab_internals import (
    NumberedCanvas,
    RoomFor,
    cell_style_kinds,
    cell_styles,
    page_size,
)
from core.reports.reportlab_internals import make_paragraph as _para
from core.text import clean_text

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from core.models import AnnualPlan, Municipality
    from core.plugin_api import PlanKind
    from core.plugin_manager import Registry


# The status of the revision core.reports.render_report is printing: every ReportBuilder made during the
# render states it, so that no plugin's report can print a draft as if it were the adopted plan.
PRINTED_REVISION: ContextVar[str] = ContextVar("socialplan_printed_revision", default="")
# The address of the accessible (HTML) version of the revision being printed, when it is public (a published
# municipality's adopted revision, core.services.publication.public_url): the cover names it, or the last page.
PUBLIC_URL: ContextVar[str] = ContextVar("socialplan_public_url", default="")
# The format core.reports.render_report was asked for: "docx" makes each ReportBuilder of the report write DOCX.
REPORT_FORMAT: ContextVar[str] = ContextVar("socialplan_report_format", default="pdf")


@dataclass
class ReportContext:
    """Everything a report kind's ``render`` needs."""

    plan: AnnualPlan
    document: dict[str, Any]  # the plan in the interchange format (core.interchange.export_plan)
    municipality: Municipality
    plan_kind: PlanKind
    locale: str
    session: Session
    registry: Registry
    generated_at: dt.datetime
    revision: int = 0  # the number of the revision the document is
    adopted: bool = False  # whether that revision is the one the council adopted

    def revision_status(self) -> str:
        """What every page says of the revision it prints: adopted (and by which decision) or a working
        draft that is not adopted, so that no draft passes for the adopted plan."""
        decision = self.document.get("council_decision") or {}
        if self.adopted and decision.get("reference"):
            date = dt.date.fromisoformat(decision["date"]) if decision.get("date") else None
            return _("Adopted version (revision %(revision)s), decision %(reference)s of %(date)s",
                     revision=self.revision, reference=decision["reference"],
                     date=format_date(date, self.locale) if date else "–")
        if self.adopted:
            return _("Adopted version (revision %(revision)s)", revision=self.revision)
        return _("Working revision %(revision)s, not adopted", revision=self.revision)


# --- Look ----------------------------------------------------------------------------------------

PORTRAIT = "portrait"
LANDSCAPE = "landscape"
COVER = "cover"
PAGE_SIZES = {PORTRAIT: A4, LANDSCAPE: landscape_size(A4), COVER: A4}
MARGIN_X = 18 * mm
MARGIN_TOP = 22 * mm
MARGIN_BOTTOM = 18 * mm
HEADER_Y = 13 * mm  # from the top edge
FOOTER_Y = 10 * mm  # from the bottom edge
FOOTER_LEADING = 3.4 * mm  # a footer's second line (a long revision status) sits this far below the first
CELL_FONT_SIZE = 8
CELL_LEADING = 10
CELL_PADDING = 3
MIN_ROW_PART = 120  # points: the least height of either part of a table row split across pages
INK_HEX = "#1f2933"
INK = colors.HexColor(INK_HEX)
MUTED = colors.HexColor("#616e7c")
RULE = colors.HexColor("#9aa5b1")
GRID = colors.HexColor("#c4cdd5")
HEADER_FILL = colors.HexColor("#e4e7eb")
STRIPE_FILL = colors.HexColor("#f5f7fa")
TOTALS_FILL = colors.HexColor("#eef0f3")
# Okabe-Ito: tells apart for colour-blind readers and in greyscale print.
PALETTE = [
    colors.HexColor(c)
    for c in ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000", "#999999")
]

# Table cells of headers, body rows and totals, each kind left- and right-aligned (fonts, size, padding, ink).
_HEAD, _BODY, _TOTAL = cell_style_kinds(REGULAR, BOLD, CELL_FONT_SIZE, CELL_LEADING, CELL_PADDING, INK_HEX)

_styles_cache: dict[str, dict[str, ParagraphStyle]] = {}
# A heading starts no lower than this above a page's foot: below it, it would end the page alone.
HEADING_ROOM = 30 * mm
# Hyphenation dictionaries of pyphen by report language: the first one pyphen ships is used.
HYPHENATION_LANGUAGES = {"ro": ("ro_RO", "ro"), "sv": ("sv", "sv_SE"), "en": ("en_GB", "en", "en_US")}


@lru_cache(maxsize=16)
def hyphenation_language(locale: str | None) -> str:
    """The pyphen dictionary that hyphenates ``locale``'s words ('ro' -> 'ro_RO'); '' when there is none."""
    if not locale:
        return ""
    import pyphen

    language = locale.replace("-", "_").split("_")[0]
    for name in (*HYPHENATION_LANGUAGES.get(language, ()), locale.replace("-", "_"), language):
        if name in pyphen.LANGUAGES:
            return name
    return ""


@lru_cache(maxsize=16)
def _hyphenator(locale: str | None) -> Any:
    """pyphen's hyphenator of ``locale`` (None when it has no dictionary)."""
    import pyphen

    language = hyphenation_language(locale)
    return pyphen.Pyphen(lang=language) if language else None


def styles(locale: str | None = None) -> dict[str, ParagraphStyle]:
    """The report's paragraph styles, made once per process and language (after the fonts are registered):
    text in ``locale`` wraps at word boundaries and hyphenates a word by that language's rules
    (ReportLab's ``hyphenationLang`` through pyphen) rather than cutting it anywhere."""
    key = hyphenation_language(locale)
    if key in _styles_cache:
        return _styles_cache[key]
    regular, bold = ensure_fonts()

    def style(name: str, size: float, leading: float, font: str = regular, **kw: Any) -> ParagraphStyle:
        kw.setdefault("textColor", INK)
        # Running text hyphenates; headings and table headings (bold) wrap at word boundaries only: their
        # columns are made wide enough for their words (_heading_widths).
        hyphenate = key if font == regular and not name.startswith(("h", "cover", "chart")) else ""
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading, hyphenationLang=hyphenate,
                              embeddedHyphenation=1 if hyphenate else 0, **kw)

    made = [
        style("body", 9.5, 13, spaceAfter=5),
        style("bullet", 9.5, 13, spaceAfter=2, leftIndent=12, bulletIndent=2, bulletFontName=regular),
        style("cell", CELL_FONT_SIZE, CELL_LEADING),
        style("cell_bold", CELL_FONT_SIZE, CELL_LEADING, bold),
        style("cell_bold_right", CELL_FONT_SIZE, CELL_LEADING, bold, alignment=TA_RIGHT),
        style("cell_bold_centre", CELL_FONT_SIZE, CELL_LEADING, bold, alignment=TA_CENTER),
        style("footnote", 7.5, 9.5, textColor=MUTED, spaceBefore=1),
        style("h1", 15, 19, bold, spaceBefore=10, spaceAfter=6, keepWithNext=1),
        style("h2", 12.5, 16, bold, spaceBefore=8, spaceAfter=4, keepWithNext=1),
        style("h3", 10.5, 13.5, bold, spaceBefore=6, spaceAfter=3, keepWithNext=1),
        style("chart_title", 9.5, 12, bold, spaceBefore=6, spaceAfter=3, keepWithNext=1),
        style("cover_title", 26, 32, bold, spaceAfter=14),
        style("cover_line", 14, 19, spaceAfter=4),
        style("cover_meta", 11, 15, spaceBefore=4, textColor=MUTED),
    ]
    _styles_cache[key] = {s.name: s for s in made}
    return _styles_cache[key]


def _markup(text: Any) -> str:
    """User text as Paragraph markup that prints literally (line breaks kept), as the product keeps text: a
    control character or lone surrogate stored before core.text's rule never reaches ReportLab's parser."""
    return escape(clean_text("" if text is None else str(text))).replace("\n", "<br/>")


def _fit(text: str, font: str, size: float, width: float) -> str:
    """``text`` shortened with an ellipsis so that it is at most ``width`` points wide."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"



# --- "Page x of y": painted once the page count is known (NumberedCanvas) -------------------------


def _draw_page_label(canvas: Canvas, number: int, pages: int, *, page_label: str, font: str) -> None:
    """``page_label``: the translated 'Page %(page)s of %(pages)s'."""
    canvas.setFont(font, 8)
    canvas.setFillColor(MUTED)
    canvas.drawRightString(page_size(canvas)[0] - MARGIN_X, FOOTER_Y, page_label % {"page": number, "pages": pages})


# --- The builder ---------------------------------------------------------------------------------


class ReportBuilder:
    """Collects a report's content and builds the PDF; see the module docstring. Inside a
    ``render_report(..., fmt="docx")`` it is a :class:`core.reports.docx_report.DocxReportBuilder`: the same calls
    make the report's DOCX."""

    def __new__(cls, *args: Any, **kwargs: Any) -> ReportBuilder:
        if cls is ReportBuilder and REPORT_FORMAT.get() == "docx":
            from core.reports.docx_report import DocxReportBuilder

            return super().__new__(DocxReportBuilder)
        return super().__new__(cls)

    def __init__(
        self,
        title: str,
        municipality_name: str,
        locale: str,
        author: str = "socialplan",
        subject: str = "",
        generated_at: dt.datetime | None = None,
        revision_status: str = "",
    ) -> None:
        self.regular, self.bold = ensure_fonts()
        self.styles = styles(locale)
        self.title = title or ""
        self.municipality_name = municipality_name or ""
        self.locale = locale
        self.author = author
        self.subject = subject
        self.generated_at = generated_at or dt.datetime.now()
        # Printed in every page's footer and in the PDF's subject: adopted, or a draft (ReportContext.revision_status);
        # core.reports.render_report sets it for every builder of the report, whoever makes the builder.
        self.revision_status = revision_status or PRINTED_REVISION.get()
        self.public_url = PUBLIC_URL.get()
        self._public_url_printed = False
        self._story: list[Flowable] = []
        self._orientation = PORTRAIT
        self._heading_run: int | None = None  # index where the trailing run of headings starts
        self._lead: RoomFor | None = None  # the start of what the last headings head, while it is being added

    # -- page flow --

    def _append(self, *flowables: Flowable) -> None:
        self._story.extend(flowables)
        self._heading_run = None
        self._lead = None

    def _switch(self, orientation: str) -> None:
        """Go on on a page of ``orientation``; headings just before move along to stay with their content."""
        if orientation == self._orientation:
            return
        moved: list[Flowable] = []
        lead = self._lead
        if self._heading_run is not None:
            moved = self._story[self._heading_run :]
            del self._story[self._heading_run :]
        self._append(PageBreakIfNotEmpty(nextTemplate=orientation))
        self._orientation = orientation
        if moved:
            self._heading_run = len(self._story)
            self._story.extend(moved)
            self._lead = lead

    def landscape(self) -> None:
        self._switch(LANDSCAPE)

    def portrait(self) -> None:
        self._switch(PORTRAIT)

    def page_break(self) -> None:
        self._append(PageBreak())

    def spacer(self, height_mm: float) -> None:
        self._append(Spacer(1, height_mm * mm))

    def add(self, flowable: Flowable) -> None:
        self._append(flowable)

    def frame_width(self) -> float:
        return PAGE_SIZES[self._orientation][0] - 2 * MARGIN_X

    # -- text --

    def cover(
        self, title: str, lines: Sequence[str] = (), status: str | None = None, decision: str | None = None
    ) -> None:
        s = self.styles
        self._append(PageBreakIfNotEmpty(nextTemplate=COVER), Spacer(1, 55 * mm))
        self._append(_para(_markup(title), s["cover_title"]))
        self._append(*(_para(_markup(line), s["cover_line"]) for line in lines if line))
        if status:
            self._append(_para(_markup(_("Status: %(status)s", status=status)), s["cover_meta"]))
        if decision:
            self._append(_para(_markup(decision), s["cover_meta"]))
        self._public_url_line()
        self._append(PageBreak(nextTemplate=PORTRAIT))
        self._orientation = PORTRAIT

    def _public_url_line(self) -> None:
        """'Accessible version: <address>', as a link, once: on the cover, else on the last page."""
        if not self.public_url or self._public_url_printed:
            return
        self._public_url_printed = True
        url = escape(self.public_url, {'"': "&quot;"})
        text = escape(_("Accessible version of this document: %(url)s", url="\x00")).replace(
            "\x00", f'<a href="{url}" color="{INK_HEX}"><u>{url}</u></a>')
        self._append(_para(text, self.styles["cover_meta"]))

    def heading(self, text: str, level: int = 1) -> None:
        """A heading; it never ends a page alone: it goes on to the next page together with the start of
        what follows it (its text and a table's header and first row, see ``RoomFor``)."""
        paragraph = _para(_markup(text), self.styles[f"h{min(max(level, 1), 3)}"])
        if self._heading_run is None:
            run, lead = len(self._story), RoomFor(HEADING_ROOM, 40 * mm, PAGE_SIZES[PORTRAIT][1] / 2)
            self._append(lead)
            self._lead = lead
        else:
            run = self._heading_run
        self._story.append(paragraph)
        if self._lead is not None:
            self._lead.items.append(paragraph)
        self._heading_run = run

    def _append_lead(self, *flowables: Flowable) -> None:
        """Text that may follow a heading: it belongs to the heading's start, which no page break splits."""
        lead = self._lead
        self._append(*flowables)
        if lead is not None:
            lead.items.extend(flowables)
            self._lead = lead

    def _style_of(self, text: Any, name: str) -> ParagraphStyle:
        """The style ``name`` for ``text``: of its own language when it says it is written in one (InLanguage,
        a translatable value read in its fallback), so that its words hyphenate by that language's rules."""
        if isinstance(text, InLanguage) and hyphenation_language(text.locale) != hyphenation_language(self.locale):
            return styles(text.locale)[name]
        return self.styles[name]

    def paragraph(self, text: str) -> None:
        style = self._style_of(text, "body")
        blocks = [block.strip() for block in str(text or "").replace("\r\n", "\n").split("\n\n")]
        self._append_lead(*(_para(_markup(block), style) for block in blocks if block))

    def bullets(self, items: Iterable[str]) -> None:
        self._append_lead(*(_para(_markup(item), self._style_of(item, "bullet"), bulletText="•") for item in items))

    @contextmanager
    def together(self) -> Iterator[None]:
        """What is added inside the ``with`` block stays on one page (a table and the chart of its figures),
        moving to the next page whole when it does not fit; content taller than a page flows on as usual."""
        # Headings just before go along: a page never ends with them while what they head moves on.
        start = self._heading_run if self._heading_run is not None else len(self._story)
        yield
        content = self._story[start:]
        del self._story[start:]
        if content:
            self._append(KeepTogether(content))

    # -- tables --

    def table(
        self,
        header: Sequence[Sequence[str]],
        rows: Sequence[Sequence[Any]],
        col_widths: Sequence[float],
        wrap: Iterable[int] = (),
        totals: Sequence[Sequence[Any]] | None = None,
        footnotes: Sequence[str] = (),
        landscape: bool = False,
        align_right: Iterable[int] = (),
        spans: Sequence[tuple] = (),
    ) -> None:
        ncols = len(col_widths)
        totals = list(totals or [])
        for row in (*header, *rows, *totals):
            if len(row) != ncols:
                raise ValueError(f"table row has {len(row)} cells, col_widths has {ncols}: {list(row)[:3]!r}")
        if not header and not rows and not totals:
            return
        previous = self._orientation
        if landscape:
            self._switch(LANDSCAPE)
        frame = self.frame_width()
        weight = sum(col_widths) or 1
        widths = _heading_widths([frame * w / weight for w in col_widths], header, spans,
                                 self.styles["cell_bold"].fontName)
        wrap, right = frozenset(wrap), frozenset(align_right)
        cells = _CellMaker(self.styles, widths, wrap, right, _hyphenator(self.locale))
        # A header cell spanning several columns heads a group of them: centred over the group.
        grouped = {tuple(span[1]) for span in spans if span[0] == "SPAN" and span[1][0] != span[2][0]}
        data = [cells.header(row, {c for c, r in grouped if r == n}) for n, row in enumerate(header)]
        # A cell spanning columns may use their whole width before it has to wrap.
        merged: dict[int, dict[int, float]] = {}
        for command in spans:
            if command[0] == "SPAN" and command[1][0] != command[2][0]:
                (first, row_number), last = command[1], command[2][0]
                merged.setdefault(row_number, {})[first] = sum(widths[first:last + 1])
        offset = len(header)
        data.extend(cells.body(row, False, merged.get(offset + n, {})) for n, row in enumerate(rows))
        offset += len(rows)
        data.extend(cells.body(row, True, merged.get(offset + n, {})) for n, row in enumerate(totals))
        kinds = [_HEAD] * len(header) + [_BODY] * len(rows) + [_TOTAL] * len(totals)
        # splitInRow: a row taller than a page (a long text typed into a cell) is split inside the
        # row rather than failing the report; only where both parts get at least that many points,
        # so ordinary rows still move whole to the next page.
        table = _LongTable(
            data,
            colWidths=widths,
            repeatRows=len(header),
            style=self._table_style(len(header), len(rows), len(totals), spans),
            hAlign="LEFT",
            splitInRow=MIN_ROW_PART,
            cellStyles=cell_styles(kinds, ncols, right, all(command[0] == "SPAN" for command in spans)),
        )
        lead = self._lead
        self._append(table)
        if lead is not None:
            lead.table = table
        if footnotes:
            notes = [_para(_markup(note), self.styles["footnote"]) for note in footnotes]
            self._append(Spacer(1, 1.5 * mm), *notes)
        self._append(Spacer(1, 4 * mm))
        if landscape:
            self._switch(previous)

    @staticmethod
    def _table_style(nhead: int, nbody: int, ntotals: int, spans: Sequence) -> TableStyle:
        """Rules and fills only: fonts, padding and alignment come with the cells' styles."""
        first_total = nhead + nbody
        commands: list[tuple] = [("GRID", (0, 0), (-1, -1), 0.4, GRID), ("BOX", (0, 0), (-1, -1), 0.7, RULE)]
        if nhead:
            commands += [
                ("BACKGROUND", (0, 0), (-1, nhead - 1), HEADER_FILL),
                ("LINEBELOW", (0, nhead - 1), (-1, nhead - 1), 0.9, RULE),
            ]
        if nbody > 1:
            commands.append(("ROWBACKGROUNDS", (0, nhead), (-1, first_total - 1), [colors.white, STRIPE_FILL]))
        if ntotals:
            commands += [
                ("BACKGROUND", (0, first_total), (-1, -1), TOTALS_FILL),
                ("LINEABOVE", (0, first_total), (-1, first_total), 0.9, RULE),
            ]
        commands.extend(tuple(span) for span in spans)
        return TableStyle(commands)

    # -- charts --

    def _chart_title(self, title: str) -> Paragraph | None:
        return _para(_markup(title), self.styles["chart_title"]) if title else None

    def _no_data(self, title: str) -> None:
        parts = [self._chart_title(title), _para(_markup(_("No data")), self.styles["body"])]
        self._append(*(p for p in parts if p is not None))

    def bar_chart(
        self, title: str, labels: Sequence[str], values: Sequence[Decimal], value_format: Callable[[Decimal], str]
    ) -> None:
        """Horizontal bars (long category names stay readable), each labelled with its formatted value."""
        if not values or not any(values):
            self._no_data(title)
            return
        width = self.frame_width()
        font, size = self.regular, 8
        texts = [value_format(v) for v in values]
        label_w = min(max(stringWidth(str(lab), font, size) for lab in labels) + 6, width * 0.4)
        value_w = max(stringWidth(t, font, size) for t in texts) + 8
        bar_h = 16
        height = bar_h * len(values) + 10
        chart = HorizontalBarChart()
        chart.x, chart.y = label_w, 5
        chart.width, chart.height = max(width - label_w - value_w, 40), height - 10
        # Geometry only: ReportLab draws with floats; printed values come from the Decimals.
        chart.data = [[float(v) for v in values]]
        chart.valueAxis.valueMin = min(0.0, *chart.data[0])
        chart.valueAxis.visibleLabels = 0
        chart.valueAxis.visibleGrid = 1
        chart.valueAxis.gridStrokeColor = GRID
        chart.valueAxis.strokeColor = RULE
        chart.valueAxis.visibleTicks = 0
        chart.categoryAxis.categoryNames = [_fit(str(lab), font, size, label_w - 6) for lab in labels]
        chart.categoryAxis.reverseDirection = 1  # first label on top, in reading order
        chart.categoryAxis.labels.fontName = font
        chart.categoryAxis.labels.fontSize = size
        chart.categoryAxis.labels.fillColor = INK
        chart.categoryAxis.strokeColor = RULE
        chart.categoryAxis.visibleTicks = 0
        chart.bars[0].fillColor = PALETTE[0]
        chart.bars[0].strokeColor = None
        chart.barWidth = bar_h * 0.6
        chart.barLabelFormat = "values"
        chart.barLabelArray = [texts]
        chart.barLabels.fontName = font
        chart.barLabels.fontSize = size
        chart.barLabels.fillColor = INK
        chart.barLabels.boxAnchor = "w"
        chart.barLabels.dx = 3
        drawing = Drawing(width, height)
        drawing.add(chart)
        parts = [self._chart_title(title), drawing, Spacer(1, 4 * mm)]
        self._append(KeepTogether([p for p in parts if p is not None]))

    def pie_chart(
        self, title: str, labels: Sequence[str], values: Sequence[Decimal], value_format: Callable[[Decimal], str]
    ) -> None:
        """A pie of the positive values with a legend table: label, value, share in percent."""
        total = sum((v for v in values if v > 0), Decimal(0))
        if not total:
            self._no_data(title)
            return
        size = 48 * mm
        pie = Pie()
        pie.x, pie.y, pie.width, pie.height = 4, 4, size - 8, size - 8
        shown = [(i, v) for i, v in enumerate(values) if v > 0]
        pie.data = [float(v) for _i, v in shown]
        pie.labels = None
        pie.simpleLabels = 1
        pie.slices.strokeColor = colors.white
        pie.slices.strokeWidth = 0.8
        for n, (i, _v) in enumerate(shown):
            pie.slices[n].fillColor = PALETTE[i % len(PALETTE)]
        drawing = Drawing(size, size)
        drawing.add(pie)
        legend = self._pie_legend(labels, values, total, value_format)
        width = self.frame_width()
        layout = Table([[drawing, legend]], colWidths=[size + 6 * mm, width - size - 6 * mm], hAlign="LEFT")
        layout.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
        parts = [self._chart_title(title), layout, Spacer(1, 4 * mm)]
        self._append(KeepTogether([p for p in parts if p is not None]))

    def _pie_legend(
        self, labels: Sequence[str], values: Sequence[Decimal], total: Decimal, value_format: Callable[[Decimal], str]
    ) -> Table:
        width = self.frame_width() - 54 * mm
        rows = []
        for i, (label, value) in enumerate(zip(labels, values, strict=True)):
            swatch = Drawing(8, 8)
            swatch.add(Rect(0, 0, 8, 8, fillColor=PALETTE[i % len(PALETTE)], strokeColor=None))
            share = format_percent(value * 100 / total, 1, self.locale) if value > 0 else ""
            rows.append([swatch, _para(_markup(label), self.styles["cell"]), value_format(value), share])
        legend = Table(rows, colWidths=[14, width - 14 - 150, 100, 50], hAlign="LEFT")
        legend.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), self.regular, CELL_FONT_SIZE, CELL_LEADING),
                    ("TEXTCOLOR", (0, 0), (-1, -1), INK),
                    ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LINEBELOW", (0, 0), (-1, -2), 0.3, GRID),
                ]
            )
        )
        return legend

    # -- output --

    def _draw_header(self, canvas: Canvas, _doc: BaseDocTemplate) -> None:
        width, height = page_size(canvas)
        y = height - HEADER_Y
        half = (width - 2 * MARGIN_X) / 2 - 6
        canvas.saveState()
        canvas.setFont(self.regular, 8)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN_X, y, _fit(self.municipality_name, self.regular, 8, half))
        canvas.drawRightString(width - MARGIN_X, y, _fit(self.title, self.regular, 8, half))
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN_X, y - 2.5 * mm, width - MARGIN_X, y - 2.5 * mm)
        canvas.restoreState()
        self._draw_footer(canvas, _doc)

    def _draw_footer(self, canvas: Canvas, _doc: BaseDocTemplate) -> None:
        width = page_size(canvas)[0]
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN_X, FOOTER_Y + 4 * mm, width - MARGIN_X, FOOTER_Y + 4 * mm)
        canvas.setFont(self.regular, 8)
        canvas.setFillColor(MUTED)
        room = (width - 2 * MARGIN_X) * 0.75  # the rest is the page number's
        lines = [self._generated_label]
        if self.revision_status:
            both = f"{self._generated_label} · {self.revision_status}"
            # The revision printed is not cut short beside the date: when both do not fit, it has a line of its own
            # (three quarters of the page wide: a decision's number and date fit with room to spare).
            lines = [both] if stringWidth(both, self.regular, 8) <= room else [*lines, self.revision_status]
        for number, line in enumerate(lines):
            canvas.drawString(MARGIN_X, FOOTER_Y - number * FOOTER_LEADING, _fit(line, self.regular, 8, room))
        canvas.restoreState()

    def _templates(self) -> list[PageTemplate]:
        templates = []
        for name, on_page in (
            (PORTRAIT, self._draw_header),
            (LANDSCAPE, self._draw_header),
            (COVER, self._draw_footer),
        ):
            width, height = PAGE_SIZES[name]
            frame = Frame(
                MARGIN_X,
                MARGIN_BOTTOM,
                width - 2 * MARGIN_X,
                height - MARGIN_TOP - MARGIN_BOTTOM,
                leftPadding=0,
                rightPadding=0,
                topPadding=0,
                bottomPadding=0,
                id=name,
            )
            templates.append(PageTemplate(id=name, frames=[frame], onPage=on_page, pagesize=PAGE_SIZES[name]))
        return templates

    def build(self) -> bytes:
        date = format_date(self.generated_at.date(), self.locale, "long")
        self._generated_label = _("Generated %(date)s", date=date)
        page_label = _("Page %(page)s of %(pages)s")  # formatted per page by the canvas
        out = io.BytesIO()
        doc = BaseDocTemplate(
            out,
            pagesize=A4,
            title=self.title,
            author=self.author,
            subject=" · ".join(part for part in (self.subject, self.revision_status) if part),
            creator="socialplan",
            lang=self.locale,
            initialFontName=self.regular,
            leftMargin=MARGIN_X,
            rightMargin=MARGIN_X,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
        )
        doc.addPageTemplates(self._templates())
        self._public_url_line()  # a report without a cover names its accessible version at its end
        story = list(self._story) or [Spacer(1, 1)]
        label = partial(_draw_page_label, page_label=page_label, font=self.regular)
        doc.build(story, canvasmaker=partial(NumberedCanvas, decorate=label))
        return out.getvalue()


def _heading_widths(widths: list[float], header: Sequence[Sequence[Any]], spans: Sequence[tuple],
                    font: str) -> list[float]:
    """``widths`` widened where a column is narrower than the longest word of its heading (so that no
    heading word is broken), the width taken from the other columns in proportion to what they can spare;
    as given when the headings' words cannot all fit the frame (they hyphenate then)."""
    spanning = {tuple(cmd[1]) for cmd in spans if cmd[0] == "SPAN" and cmd[1][0] != cmd[2][0]}
    need = [0.0] * len(widths)
    for r, row in enumerate(header):
        for c, text in enumerate(row):
            if text and (c, r) not in spanning:
                words = str(text).split()
                need[c] = max(need[c], *(stringWidth(w, font, CELL_FONT_SIZE) + 2 * CELL_PADDING + 1 for w in words))
    deficit = sum(max(n - w, 0) for n, w in zip(need, widths, strict=True))
    slack = [max(w - n, 0) for n, w in zip(need, widths, strict=True)]
    if not deficit or sum(slack) < deficit:
        return widths
    share = deficit / sum(slack)
    return [max(n, w - s * share) for n, w, s in zip(need, widths, slack, strict=True)]


# Longer "words" are not hyphenated: pyphen's points and their widths would cost the square of the length.
LONGEST_HYPHENATED = 64


def _fitting_prefix(text: str, font: str, width: float) -> int:
    """The length of the longest prefix of ``text`` (at least 1) that fits ``width``: a binary search, since a
    prefix is never narrower than a shorter one (a pasted 10,000-character word must not cost its square)."""
    low, high = 1, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if stringWidth(text[:middle], font, CELL_FONT_SIZE) <= width:
            low = middle
        else:
            high = middle - 1
    return low


def _hyphenated(word: str, font: str, width: float, hyphenator: Any) -> tuple[str, str] | None:
    """``word`` cut at its language's last hyphenation point whose first part, with a hyphen, fits ``width``."""
    if hyphenator is None or len(word) > LONGEST_HYPHENATED:
        return None  # no language's word is this long (a pasted address, a code): it is cut where the width ends
    for first, rest in hyphenator.iterate(word):
        if stringWidth(first + "-", font, CELL_FONT_SIZE) <= width:
            return first + "-", rest
    return None


def _split_lines(text: str, font: str, width: float) -> list[str]:
    """Greedy line breaking at ordinary spaces only: a no-break space ('98\u00a0%', '1\u00a0486')
    holds, which ReportLab's simpleSplit (str.split()) does not respect."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if line and stringWidth(candidate, font, CELL_FONT_SIZE) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


class _CellMaker:
    """Turns a table's rows of strings into cells: plain strings unless the text must wrap."""

    def __init__(
        self, styles: dict[str, ParagraphStyle], widths: list[float], wrap: frozenset[int], right: frozenset[int],
        hyphenator: Any = None,
    ) -> None:
        self.styles = styles
        self.hyphenator = hyphenator  # pyphen's, of the report's language: a word wider than its column
        self.right = right
        self.wrap = wrap
        self.inner = [w - 2 * CELL_PADDING for w in widths]

    def header(self, row: Sequence[Any], centred: set[int]) -> list[Any]:
        cells: list[Any] = []
        for col, text in enumerate(row):
            if not text:
                cells.append("")
            elif col in centred:
                cells.append(_para(_markup(text), self.styles["cell_bold_centre"]))
            else:
                style = "cell_bold_right" if col in self.right else "cell_bold"
                cells.append(_para(_markup(str(text)), self.styles[style]))
        return cells

    def body(self, row: Sequence[Any], bold: bool, merged: dict[int, float] | None = None) -> list[Any]:
        """``merged``: columns whose cell spans several, with the width of the span."""
        cells: list[Any] = []
        for col, value in enumerate(row):
            text = clean_text(value if isinstance(value, str) else ("" if value is None else str(value)))
            width = merged[col] - 2 * CELL_PADDING if merged and col in merged else self.inner[col]
            # Below this many characters a plain string surely fits (no glyph is wider than 1 em).
            safe_len = int(width // CELL_FONT_SIZE)
            if text and (col in self.wrap or (len(text) > safe_len and self._overflows(text, width, bold))):
                # A text written in another language than the report's hyphenates by its own language's rules.
                own = _hyphenator(value.locale) if isinstance(value, InLanguage) else self.hyphenator
                cells.append(self._wrapped(text, width, bold, own))
            else:
                cells.append(text)
        return cells

    def _wrapped(self, text: str, width: float, bold: bool, hyphenator: Any = None) -> str:
        """``text`` broken into lines that fit ``width``, as a plain string cell: it prints like a
        Paragraph of the cell's style, but a Table measures and draws it many times faster (a Paragraph
        is parsed once and wrapped again for every page a long table is split over)."""
        font = self.styles["cell_bold" if bold else "cell"].fontName
        lines: list[str] = []
        for line in _split_lines(text, font, width):
            while stringWidth(line, font, CELL_FONT_SIZE) > width and len(line) > 1:  # a word wider than the column
                parts = _hyphenated(line, font, width, hyphenator)
                if parts is None:  # no hyphenation point fits (a code, an address): cut where the width ends
                    cut = min(_fitting_prefix(line, font, width), len(line) - 1)
                    parts = line[:cut], line[cut:]
                lines.append(parts[0])
                line = parts[1]
            lines.append(line)
        return "\n".join(lines)

    def _overflows(self, text: str, width: float, bold: bool) -> bool:
        font = self.styles["cell_bold" if bold else "cell"].fontName
        return any(stringWidth(line, font, CELL_FONT_SIZE) > width for line in text.split("\n"))
