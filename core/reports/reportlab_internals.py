"""Every place the report layer reaches into ReportLab's internals, written against ReportLab 5.1.0.

:mod:`core.reports.engine` and :mod:`core.reports.fonts` use ReportLab's public API only; what they
need beyond it lives here, each piece with what of ReportLab it relies on. ReportLab does not keep its
private attributes and methods stable between releases, so setup.cfg pins the version below
(``reportlab[accel]==5.1.0``) and tests/test_reportlab_pin.py fails on any other installed version:
before moving the pin, read each item against the new ReportLab's source, then run
tests/test_reports_engine.py (its byte-for-byte comparisons of :class:`LongTable` with ReportLab's own
Table, and of :func:`make_paragraph` with the parser, find most drift) and the plugins' report tests.

:func:`page_size`
    ``Canvas._pagesize``: the size of the page being drawn (set by ``setPageSize``, which the doc
    template calls for each page template's ``pagesize``); Canvas has no public getter for it.
:class:`MemoParagraph` (``Paragraph.wrap`` overridden)
    ``Paragraph.wrap`` leaves its line breaking in the instance attribute ``blPara`` and replaces that
    object whenever it breaks the lines again; ``width``/``height`` are what ``wrap`` sets.
:func:`make_paragraph`
    ``Paragraph(text, style, bulletText, frags=...)`` skips the markup parser when given fragments;
    ``cleanBlockQuotedText`` is the text clean-up the parser path does first; the parser's fragment
    for text without markup is the style's fragment (``ParaFrag``, as ``Paragraph("x", style).frags[0]``)
    with its ``text``, and its list attributes must not be shared between paragraphs.
:class:`NumberedCanvas` (``Canvas.showPage`` and ``Canvas.save`` overridden)
    A canvas's whole page state is its instance ``__dict__``; ``_pageNumber`` and ``_startPage()``
    begin the next page without writing this one, which ``Canvas.showPage`` writes later.
:class:`LongTable` (``Table.split``, ``_calc_height``, ``_drawCell``, ``_calcSpanRanges``, ``_calcSpanRects``)
    ``Table._calc`` calls ``_calc_height(availHeight, availWidth, H, W)``, which must set
    ``_rowHeights``, ``_rowpositions``, ``_height`` and ``_hmax`` from ``_argH``/``_argW``
    (``_calc_pc``), ``_cellvalues``, ``_cellStyles``, ``_minRowHeights``, ``_cellListProcess``,
    ``_listCellGeom``, ``_listValueWidth``, the span tables (``_spanCmds``, ``_rowSpanCells``,
    ``_colSpanCells``, ``_spanRanges``, ``_colpositions``) and ``spanFixDim``, and honour
    ``_longTableOptimize``; ``_splitRows(availHeight, doInRowSplit)`` and ``splitInRow`` as in
    ``Table.split``; ``_calcSpanRanges`` sets ``_spanRanges``, ``_colSpanCells`` and ``_rowSpanCells``,
    which ReportLab reads with ``get``, ``[]``, ``in`` and ``items()`` only, and ``_calcSpanRects``
    sets ``_spanRects``, ``_vBlocks``, ``_hBlocks`` and ``_hmax_spanRects``. ``_drawCell(cellval,
    cellstyle, pos, size)`` draws one cell, caching the last style in ``_curcellstyle``; the plain
    string path writes the operators ``Canvas.drawString`` would, from the canvas's ``_code``,
    ``_fontname``, ``_fontsize``, ``_leading``, ``_doc``, ``_escape`` and ``bottomup``, and
    ``TTFont._dynamicFont``, ``splitString`` and ``getSubsetInternalName``; bidi text (textobject's
    ``rtlSupport``) goes ReportLab's way.
:class:`RoomFor` (``CondPageBreak.wrap`` with its ``height`` set there)
    ``CondPageBreak.wrap`` breaks the frame when ``height`` is more than the space left on it.
:func:`table_start_height`
    ``Table._rowHeights``: the rows' heights ``Table._calc`` leaves (of the rows measured, for LongTable).
:func:`cell_style_kinds` and :func:`cell_styles` (``CellStyle`` subclassed)
    ``Table(cellStyles=...)`` takes one ``CellStyle`` per cell, read through its attributes
    (``fontname``, ``fontsize``, ``leading``, paddings, ``color``, ``alignment``, ``valign``, ``href``,
    ``destination``, ``direction``, ``shaping``), so class defaults serve; Table changes a cell's style
    in place only for style commands naming cells or when it splits a row of vertically centred cells.
:class:`SubsetFont` (``TTFont.splitString`` overridden)
    ``TTFont.state[doc]`` holds the document's ``subsets`` and its ``assignments`` (character to code,
    codes 0-255 in the first subset); ``splitString`` returns ``(subset, bytes)`` pairs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab import rl_config
from reportlab.lib.rl_accel import fp_str
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import rtlSupport
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Table
from reportlab.platypus.paragraph import cleanBlockQuotedText
from reportlab.platypus.paraparser import ParaFrag
from reportlab.platypus.tables import CellStyle, _calc_pc, spanFixDim

# The ReportLab release every override below was read against; setup.cfg pins the same.
REPORTLAB_VERSION = "5.1.0"

CellKind = tuple[type[CellStyle], type[CellStyle]]  # (left-aligned, right-aligned) cells of one row kind


class RoomFor(CondPageBreak):
    """Placed before a run of headings: a page break unless the page still has room for the headings,
    the text that follows them (up to ``lead_text`` points) and, when a table follows, its header rows
    and first row (else ``room`` points), so that no page ends with a lone heading: ReportLab's
    keepWithNext keeps a heading with one flowable only, and moves a whole long table along.
    The caller fills ``items`` (the headings, then the text) and ``table`` while it adds them."""

    def __init__(self, room: float, lead_text: float, most: float) -> None:
        super().__init__(0)
        self.room, self.lead_text, self.most = room, lead_text, most
        self.items: list[Flowable] = []
        self.table: Table | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        headings = [f for f in self.items if f.getKeepWithNext()]
        text = [f for f in self.items if not f.getKeepWithNext()]
        needed = sum(f.wrap(availWidth, availHeight)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in headings)
        needed += min(sum(f.wrap(availWidth, availHeight)[1] + f.getSpaceAfter() for f in text), self.lead_text)
        if self.table is not None:
            needed += table_start_height(self.table, availWidth, self.most * 2)
        elif not text:
            needed += self.room
        self.height = min(needed, self.most)
        return super().wrap(availWidth, availHeight)


def table_start_height(table: Table, availWidth: float, availHeight: float) -> float:
    """The height of a table's header rows and first body row at this width: what of it a page must hold
    for a heading above it not to end the page alone (``_rowHeights`` as ``Table._calc`` leaves it)."""
    table.wrap(availWidth, availHeight)
    rows = table.repeatRows if isinstance(table.repeatRows, int) else max(table.repeatRows) + 1
    return float(sum(h or 0 for h in table._rowHeights[: rows + 1]))


def page_size(canvas: Canvas) -> tuple[float, float]:
    """The (width, height) of the page being drawn."""
    return canvas._pagesize


# --- Paragraphs --------------------------------------------------------------------------------


class MemoParagraph(Paragraph):
    """A Paragraph that breaks its lines once per width: ReportLab wraps a flowable again each time it
    measures it (a table cell when its row is measured and again when drawn, a repeated header cell on
    every page, a heading kept with the next flowable), and line breaking is most of that cost."""

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        memo = self.__dict__.get("_wrap_memo")
        if memo is not None and memo[0] == availWidth and self.__dict__.get("blPara") is memo[1]:
            self.width, self.height = memo[2]
            return memo[2]
        size = super().wrap(availWidth, availHeight)
        if "blPara" in self.__dict__:
            self._wrap_memo = (availWidth, self.blPara, size)
        return size


_frag_templates: dict[int, tuple[ParagraphStyle, ParaFrag]] = {}


def make_paragraph(markup: str, style: ParagraphStyle, bulletText: str | None = None) -> MemoParagraph:
    """A Paragraph of ``markup`` (user text escaped by core.reports.engine). Text without markup left after
    escaping (no entity, no line break) is one fragment of the style's font, which is what ReportLab's
    parser would return, so it is made directly: parsing is a sizeable share of a report's time."""
    text = cleanBlockQuotedText(markup)
    if not text or "&" in text or "<" in text or ">" in text or getattr(style, "textTransform", None):
        return MemoParagraph(markup, style, bulletText=bulletText)
    cached = _frag_templates.get(id(style))
    if cached is None or cached[0] is not style:
        cached = _frag_templates[id(style)] = (style, Paragraph("x", style).frags[0])
    frag = cached[1].clone(text=text)
    for name, value in frag.__dict__.items():
        if isinstance(value, list):  # per-fragment lists (links, underlines) must not be shared
            setattr(frag, name, list(value))
    return MemoParagraph(text, style, bulletText=bulletText, frags=[frag])


# --- Canvas: "Page x of y" needs the page count, known only at the end ---------------------------


class NumberedCanvas(Canvas):
    """Keeps each finished page and, when the count is known, lets ``decorate(canvas, number, pages)``
    paint on every one of them (between saveState and restoreState) before writing it."""

    def __init__(self, *args: Any, decorate: Callable[[Canvas, int, int], None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._decorate = decorate
        self._page_states: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._page_states.append(dict(self.__dict__))
        self._pageNumber += 1
        self._startPage()

    def save(self) -> None:
        pages = len(self._page_states)
        for number, state in enumerate(self._page_states, start=1):
            self.__dict__.update(state)
            self.saveState()
            self._decorate(self, number, pages)
            self.restoreState()
            Canvas.showPage(self)
        Canvas.save(self)


# --- Tables ------------------------------------------------------------------------------------


class _SpanRanges(dict):
    """Table._spanRanges holding only the cells that spans touch: every other cell in the table
    reads as its own range (x, y, x, y), as ReportLab's full dict of every cell would say."""

    def __init__(self, ncols: int, nrows: int) -> None:
        super().__init__()
        self.ncols, self.nrows = ncols, nrows

    def get(self, key: tuple[int, int], default: Any = None) -> Any:
        value = dict.get(self, key, self)
        if value is not self:
            return value
        x, y = key
        return (x, y, x, y) if 0 <= x < self.ncols and 0 <= y < self.nrows else default

    def __missing__(self, key: tuple[int, int]) -> tuple[int, int, int, int]:
        value = self.get(key, self)
        if value is self:
            raise KeyError(key)
        return value

    def items(self) -> list[tuple[tuple[int, int], Any]]:  # type: ignore[override]
        """The span cells in ReportLab's order (by column, then row); other cells are no span."""
        return sorted(dict.items(self))


class LongTable(Table):
    """A Table whose page breaks cost in proportion to the rows on the page, not in the table.

    At every page break ReportLab makes a new Table of the remaining rows and measures it again:
    all its rows' heights, and a dict entry per cell for the spans, so a 600-row table is
    quadratic. Here heights are measured only until the page is full (ReportLab's own
    ``longTableOptimize``), the span map holds only the cells spans touch, and span rectangles
    are worked out for the measured rows only. What is drawn is the same.
    """

    _longTableOptimize = 1

    def split(self, availWidth: float, availHeight: float) -> list[Table]:
        self._calc(availWidth, availHeight)
        if not self.splitByRow or (self._width > availWidth and not rl_config.allowTableBoundsErrors & 1):
            return super().split(availWidth, availHeight)  # the cases below do not arise in reports
        parts = self._splitRows(availHeight, doInRowSplit=False)
        if parts or not self.splitInRow or self._cannot_split_in_row(availHeight):
            return parts
        # Splitting inside a row weighs the whole table's height (Table's rule): measure all rows.
        self._longTableOptimize = 0
        self.__dict__.pop("_spanRects", None)
        try:
            self._calc(availWidth, availHeight)
            return self._splitRows(availHeight, doInRowSplit=True)
        finally:
            self._longTableOptimize = 1
            self.__dict__.pop("_spanRects", None)

    def _cannot_split_in_row(self, availHeight: float) -> bool:
        """True where Table's split inside a row surely fails, so the whole table need not be measured
        for it (at a page's foot, this would happen on every page): the part left on this page would
        be under ``splitInRow`` points, and no body cell spans rows (a span can move the split)."""
        if availHeight + 1 >= self.splitInRow or self._height <= availHeight:
            return False
        repeat = self.repeatRows if isinstance(self.repeatRows, int) else max(self.repeatRows) + 1
        return not any(y >= repeat for _x, y in getattr(self, "_rowSpanCells", ()))

    def _calc_height(self, availHeight: float, availWidth: float, H: Any = None, W: Any = None) -> None:
        """Table._calc_height, measuring rows only until the page is full: ReportLab 5.1's own loop goes
        on to the last row unless some cell spans rows (and re-adds all heights for every row), which
        made every page of a long table cost as much as the whole rest of the table. Heights and row
        positions are the same."""
        H = self._argH
        if not W:
            W = _calc_pc(self._argW, availWidth)
        hmax = lim = len(H)
        if None in H:
            H = self._measure_rows(H, W, availHeight)
            hmax = getattr(self, "_measured", lim)
        # Row positions from the bottom up, summed as ReportLab does (compensated).
        self._rowpositions = positions = []
        height = c = 0
        for i in range(hmax - 1, -1, -1):
            positions.append(height)
            y = H[i] - c
            t = height + y
            c = (t - height) - y
            height = t
        positions.append(height)
        self._height = height
        positions.reverse()
        self._hmax = hmax

    def _measure_rows(self, H0: list, W: list, availHeight: float) -> list:
        """The heights of the rows ReportLab would measure (cells spanning rows count only through
        their span's constraint); sets ``_measured`` to how many rows from the top are known."""
        min_heights = self._minRowHeights
        canv = getattr(self, "canv", None)
        saved = (canv._fontname, canv._fontsize, canv._leading) if canv else None
        if self._spanCmds:
            row_span_cells, col_span_cells = set(self._rowSpanCells), set(self._colSpanCells)
            span_ranges, col_positions = self._spanRanges, self._colpositions
        else:
            row_span_cells = col_span_cells = frozenset()
            span_ranges, col_positions = {}, None
        H = H0[:]
        self._rowHeights = H
        span_cons: dict[tuple[int, int], float] = {}
        self._measured = len(H)
        total = 0.0
        for i, known in enumerate(H0):
            if known is not None:
                total += known
                continue
            V, S = self._cellvalues[i], self._cellStyles[i]
            h = 0
            for j, (v, s, w) in enumerate(zip(V, S, W, strict=False)):
                span = span_ranges.get((j, i))
                if (j, i) in row_span_cells and not span:
                    continue  # occluded by a span, or unreliable
                if type(v) is str:
                    t = (s.leading or 1.2 * s.fontsize) * (v.count("\n") + 1)
                elif isinstance(v, (tuple, list, Flowable)):
                    v = V[j] = self._cellListProcess(v, w, None)
                    if canv:
                        canv._fontname, canv._fontsize = s.fontname, s.fontsize
                        canv._leading = s.leading or 1.2 * s.fontsize
                    if (j, i) in col_span_cells:
                        if not span:
                            continue
                        w = max(col_positions[span[2] + 1] - col_positions[span[0]], w or 0)
                    _dw, t = self._listCellGeom(v, w or self._listValueWidth(v), s)
                    if canv:
                        canv._fontname, canv._fontsize, canv._leading = saved
                else:
                    t = (s.leading or 1.2 * s.fontsize) * len(((v is not None and str(v)) or "").split("\n"))
                t += s.bottomPadding + s.topPadding
                if span and span[1] != span[3]:
                    key = span[1], span[3]
                    span_cons[key] = max(span_cons.get(key, t), t)
                    t = 0
                if t > h:
                    h = t
            H[i] = max(min_heights[i], h) if min_heights else h
            total += H[i]
            if self._longTableOptimize and total > availHeight and (not span_cons or i + 1 > max(
                    key[1] for key in span_cons)):
                self._measured = i + 1  # the page is full and every span on it is complete
                break
        if span_cons:
            spanFixDim(H0, H, span_cons)
        return H

    def _drawCell(self, cellval: Any, cellstyle: CellStyle, pos: tuple[float, float], size: tuple[float, float]) -> Any:
        """A plain string cell written straight into the page: the same PDF operators canvas.drawString
        would write, without a text object per line, and each distinct line encoded for the font
        subset once per document rather than character by character on every draw."""
        just, valign = cellstyle.alignment, cellstyle.valign
        canv = self.canv
        if (type(cellval) is not str or just not in _STRING_ALIGN or valign not in ("TOP", "BOTTOM", "MIDDLE")
                or cellstyle.href or cellstyle.destination or cellstyle.direction or cellstyle.shaping
                or not canv.bottomup):
            return super()._drawCell(cellval, cellstyle, pos, size)
        if self._curcellstyle is not cellstyle:
            cur = self._curcellstyle
            if cur is None or cellstyle.color != cur.color:
                canv.setFillColor(cellstyle.color)
            if (cur is None or cellstyle.leading != cur.leading or cellstyle.fontname != cur.fontname
                    or cellstyle.fontsize != cur.fontsize):
                canv.setFont(cellstyle.fontname, cellstyle.fontsize, cellstyle.leading)
            self._curcellstyle = cellstyle
        font = getFont(canv._fontname)
        if not font._dynamicFont or rtlSupport:  # other fonts or bidi text take ReportLab's way
            return super()._drawCell(cellval, cellstyle, pos, size)
        colpos, rowpos = pos
        colwidth, rowheight = size
        lines = cellval.split("\n")
        leading, fontsize = cellstyle.leading, cellstyle.fontsize
        if valign == "BOTTOM":
            y = rowpos + cellstyle.bottomPadding + len(lines) * leading - fontsize
        elif valign == "TOP":
            y = rowpos + rowheight - cellstyle.topPadding - fontsize
        else:
            middle = (cellstyle.bottomPadding + rowheight - cellstyle.topPadding + len(lines) * leading) / 2.0
            y = rowpos + middle - fontsize
        if just == "LEFT":
            x, share = colpos + cellstyle.leftPadding, 0.0
        elif just == "RIGHT":
            x, share = colpos + colwidth - cellstyle.rightPadding, 1.0
        else:
            x, share = colpos + (colwidth + cellstyle.leftPadding - cellstyle.rightPadding) * 0.5, 0.5
        texts = _cell_texts(canv)
        key_font = (canv._fontname, canv._fontsize, canv._leading)
        code = canv._code
        for line in lines:
            known = texts.get((key_font, line))
            if known is None:
                known = texts[key_font, line] = _encode_line(canv, font, line)
            operators, width = known
            code.append(f"BT 1 0 0 1 {fp_str(x - share * width if share else x, y)} Tm {operators} T* ET")
            y -= leading
        return None

    def _calcSpanRanges(self) -> None:
        ncols, nrows = self._ncols, self._nrows
        self._spanRanges = ranges = _SpanRanges(ncols, nrows)
        self._colSpanCells, self._rowSpanCells = col_cells, row_cells = [], []
        for _cmd, (x0, y0), (x1, y1) in self._spanCmds:
            x0, x1 = x0 + ncols if x0 < 0 else x0, x1 + ncols if x1 < 0 else x1
            y0, y1 = y0 + nrows if y0 < 0 else y0, y1 + nrows if y1 < 0 else y1
            x0, x1 = min(x0, x1), max(x0, x1)
            y0, y1 = min(y0, y1), max(y0, y1)
            if x0 == x1 and y0 == y1:
                continue
            cells = [(x, y) for y in range(y0, y1 + 1) for x in range(x0, x1 + 1)]
            if x0 != x1:
                col_cells.extend(cells)
            if y0 != y1:
                row_cells.extend(cells)
            ranges.update(dict.fromkeys(cells))
            ranges[x0, y0] = (x0, y0, x1, y1)

    def _calcSpanRects(self) -> None:
        hmax = getattr(self, "_hmax", None)
        if getattr(self, "_spanRects", None) and (not self._longTableOptimize or hmax == self._hmax_spanRects):
            return
        cols, rows = self._colpositions, self._rowpositions
        rlim = len(rows) - 1
        rects = _SpanRects(cols, rows, min(rlim, self._nrows))
        v_blocks: dict[float, list] = {}
        h_blocks: dict[float, list] = {}
        for (x, y), value in self._spanRanges.items():
            if value is None:
                rects[x, y] = None
                continue
            col0, row0, col1, row1 = value
            if row1 >= rlim:
                continue
            for c in range(col0 + 1, col1 + 1):
                v_blocks.setdefault(cols[c], []).append((rows[row1 + 1], rows[row0]))
            for r in range(row0 + 1, row1 + 1):
                h_blocks.setdefault(rows[r], []).append((cols[col0], cols[col1 + 1]))
            rects[x, y] = (cols[col0], rows[row1 + 1], cols[col1 + 1] - cols[col0], rows[row0] - rows[row1 + 1])
        for blocks in (h_blocks, v_blocks):
            for value in blocks.values():
                value.sort()
        self._spanRects, self._vBlocks, self._hBlocks, self._hmax_spanRects = rects, v_blocks, h_blocks, hmax


_STRING_ALIGN = frozenset(("LEFT", "RIGHT", "CENTRE", "CENTER"))


def _cell_texts(canv: Canvas) -> dict:
    """The canvas's encoded cell lines: valid for its document (subset codes never change once given)."""
    texts = canv.__dict__.get("_socialplan_cell_texts")
    if texts is None:
        texts = canv._socialplan_cell_texts = {}
    return texts


def _encode_line(canv: Canvas, font: Any, text: str) -> tuple[str, float]:
    """PDFTextObject._formatText of ``text`` in the canvas's TrueType font (a fresh text object starts
    with no subset selected), and the line's width as drawRightString measures it."""
    doc = canv._doc
    size_and_leading = f"{fp_str(canv._fontsize)} Tf {fp_str(canv._leading)} TL"
    parts, current = [], -1
    for subset, chunk in font.splitString(text, doc):
        if subset != current:
            parts.append(f"{font.getSubsetInternalName(subset, doc)} {size_and_leading}")
            current = subset
        parts.append(f"({canv._escape(chunk)}) Tj")
    return " ".join(parts), stringWidth(text, canv._fontname, canv._fontsize)


class _SpanRects(dict):
    """Table._spanRects holding only span cells: any other measured cell's rectangle (x, y, width,
    height) comes from the column and row positions when asked for."""

    def __init__(self, cols: list[float], rows: list[float], measured_rows: int) -> None:
        super().__init__()
        self.cols, self.rows, self.measured_rows = cols, rows, measured_rows

    def get(self, key: tuple[int, int], default: Any = None) -> Any:
        value = dict.get(self, key, self)
        if value is not self:
            return value
        x, y = key
        if 0 <= x < len(self.cols) - 1 and 0 <= y < self.measured_rows:
            cols, rows = self.cols, self.rows
            return (cols[x], rows[y + 1], cols[x + 1] - cols[x], rows[y] - rows[y + 1])
        return default

    def __missing__(self, key: tuple[int, int]) -> tuple[float, float, float, float]:
        value = self.get(key, self)
        if value is self:
            raise KeyError(key)
        return value


# --- Table cells' styles ----------------------------------------------------------------------


def cell_style_kinds(regular: str, bold: str, font_size: float, line_leading: float, padding: float,
                     ink: str) -> tuple[CellKind, CellKind, CellKind]:
    """The (header, body, totals) cell kinds of a report table, their look as class defaults:
    ReportLab would otherwise apply a style command per cell for each of font, colour, padding and
    alignment, a noticeable share of a table's time. ``ink``: a hex string, compared per cell while
    drawing, far cheaper than a Color."""

    class BodyCell(CellStyle):
        fontname = regular
        fontsize = font_size
        leading = line_leading
        leftPadding = rightPadding = padding
        topPadding = 2
        bottomPadding = 3
        color = ink
        valign = "TOP"

    class BodyCellRight(BodyCell):
        alignment = "RIGHT"

    class HeadCell(BodyCell):
        fontname = bold
        valign = "BOTTOM"

    class HeadCellRight(HeadCell):
        alignment = "RIGHT"

    class TotalCell(BodyCell):
        fontname = bold

    class TotalCellRight(TotalCell):
        alignment = "RIGHT"

    return (HeadCell, HeadCellRight), (BodyCell, BodyCellRight), (TotalCell, TotalCellRight)


def cell_styles(kinds: list[CellKind], ncols: int, right: frozenset[int], shared: bool = True) -> list:
    """The cells' style objects, of the row kind's class. ``shared``: one object per class in the table;
    Table changes a cell's style in place only for a style command naming cells (FONT, VALIGN...) or
    when it splits a row of vertically centred cells (none here), so without such commands the cells
    can share it. Otherwise one object per cell."""
    if not shared:
        return [[kind[col in right]("") for col in range(ncols)] for kind in kinds]
    rows: dict[tuple, list[CellStyle]] = {}
    for kind in set(kinds):
        made = {cls: cls("") for cls in kind}
        rows[kind] = [made[kind[col in right]] for col in range(ncols)]
    return [list(rows[kind]) for kind in kinds]  # rows of their own: a split may replace a row's cell


# --- Fonts ------------------------------------------------------------------------------------


class SubsetFont(TTFont):
    """ReportLab's TTFont with a faster ``splitString`` (text to the PDF subset's bytes, called for
    every line drawn): ReportLab loops over the characters in Python; once every character of a line
    has its code in the document's single subset, ``str.translate`` gives the same bytes at once.
    Anything else (a new character, a second subset) goes ReportLab's way, which assigns the codes."""

    def splitString(self, text: str, doc: Any, encoding: str = "utf-8") -> list[tuple[int, bytes]]:
        state = self.state.get(doc) if isinstance(text, str) else None
        if state is not None and len(state.subsets) == 1:
            fast = state.__dict__.get("_fast")
            if fast is None or fast[0] != len(state.assignments):
                fast = state._fast = _translation(state.assignments)
            if fast[1] is not None and fast[2].issuperset(text):
                return [(0, text.translate(fast[1]).encode("latin-1"))] if text else []
        return super().splitString(text, doc, encoding)


def _translation(assignments: dict[int, int]) -> tuple[int, dict[int, str] | None, frozenset[str]]:
    """(how many codes, the translate table, the characters it covers) for a subset's assignments;
    no table when a code lies outside a single 256-code subset. A no-break space prints as the space."""
    if any(code > 255 for code in assignments.values()):
        return len(assignments), None, frozenset()
    table = {char: chr(code) for char, code in assignments.items()}
    if 32 in assignments:
        table[0xA0] = chr(assignments[32])
    return len(assignments), table, frozenset(map(chr, table))
