"""A report kind's report as DOCX: the same calls a plugin makes on :class:`~core.reports.engine.ReportBuilder`,
written as Word writes them (:mod:`core.reports.docx`), so that a council's secretariat can file or edit the plan
it adopts as a decision's annex.

:func:`core.reports.render_report` with ``fmt="docx"`` makes every ``ReportBuilder(...)`` of the report this
builder: a plugin's report kind gives its DOCX without a line of its own. What is a matter of pages in a PDF
(landscape pages, page breaks, what is kept together) has no meaning in a document Word flows; a table with
several header rows gets one, each column headed by the words above it; a chart is written as the table of its
figures, which is its text alternative in the PDF too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from core.reports.blocks import Block, Bullets, Document, Heading, Paragraph, Table
from core.reports.engine import PRINTED_REVISION, PUBLIC_URL, ReportBuilder


class DocxReportBuilder(ReportBuilder):
    """ReportBuilder's calls recorded as document blocks; :meth:`build` returns DOCX bytes."""

    def __init__(self, title: str, municipality_name: str, locale: str, author: str = "socialplan",
                 subject: str = "", generated_at: Any = None, revision_status: str = "") -> None:
        # No ReportLab state: fonts, styles and the story are the PDF's.
        self.title, self.municipality_name, self.locale = title or "", municipality_name or "", locale
        self.author, self.subject = author, subject
        self.revision_status = revision_status or PRINTED_REVISION.get()
        self.public_url = PUBLIC_URL.get()
        self._subtitle: list[str] = []
        self._blocks: list[Block] = []

    # What only pages have: nothing to write.
    def landscape(self) -> None:
        pass

    def portrait(self) -> None:
        pass

    def page_break(self) -> None:
        pass

    def spacer(self, height_mm: float) -> None:
        pass

    def add(self, flowable: Any) -> None:
        raise TypeError("a ReportLab flowable has no DOCX form: use the builder's headings, text and tables")

    @contextmanager
    def together(self) -> Iterator[None]:
        yield

    def cover(self, title: str, lines: Sequence[str] = (), status: str | None = None,
              decision: str | None = None) -> None:
        self.title = title or self.title
        self._subtitle += [line for line in lines if line]
        if status:
            self._subtitle.append(_("Status: %(status)s", status=status))
        if decision:
            self._subtitle.append(decision)
        if self.public_url:
            self._subtitle.append(_("Accessible version of this document: %(url)s", url=self.public_url))

    def heading(self, text: str, level: int = 1) -> None:
        self._blocks.append(Heading(str(text), level))

    def paragraph(self, text: str) -> None:
        if str(text or "").strip():
            self._blocks.append(Paragraph(str(text)))

    def bullets(self, items: Iterable[str]) -> None:
        items = tuple(str(item) for item in items)
        if items:
            self._blocks.append(Bullets(items))

    def table(self, header: Sequence[Sequence[Any]], rows: Sequence[Sequence[Any]], col_widths: Sequence[float],
              wrap: Iterable[int] = (), totals: Sequence[Sequence[Any]] | None = None, footnotes: Sequence[str] = (),
              landscape: bool = False, align_right: Iterable[int] = (), spans: Sequence[tuple] = ()) -> None:
        body = [tuple(_cell(value) for value in row) for row in (*rows, *(totals or ()))]
        if not header and not body:
            return
        self._blocks.append(Table(one_header(header, spans, len(col_widths)), tuple(body), tuple(col_widths),
                                  frozenset(align_right)))
        self._blocks.extend(Paragraph(str(note)) for note in footnotes)

    def bar_chart(self, title: str, labels: Sequence[str], values: Sequence[Decimal],
                  value_format: Callable[[Decimal], str]) -> None:
        self._figures(title, labels, values, value_format)

    def pie_chart(self, title: str, labels: Sequence[str], values: Sequence[Decimal],
                  value_format: Callable[[Decimal], str]) -> None:
        self._figures(title, labels, values, value_format)

    def _figures(self, title: str, labels: Sequence[str], values: Sequence[Decimal],
                 value_format: Callable[[Decimal], str]) -> None:
        if not values or not any(values):
            self._blocks.append(Paragraph(_("No data")))
            return
        rows = tuple((str(label), value_format(value)) for label, value in zip(labels, values, strict=True))
        self._blocks.append(Table((), rows, (3, 1), frozenset({1}), caption=str(title or "")))

    def build(self) -> bytes:
        from core.reports.docx import render_docx

        subtitle = [*self._subtitle, *([self.revision_status] if self.revision_status else [])]
        subject = " · ".join(part for part in (self.subject, self.revision_status) if part)
        document = Document(self.title, tuple(self._blocks), tuple(dict.fromkeys(subtitle)), self.municipality_name,
                            {"subject": subject, "author": self.author})
        return render_docx(document, self.locale)


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def one_header(header: Sequence[Sequence[Any]], spans: Sequence[tuple], columns: int) -> tuple[str, ...]:
    """A table's header rows as one: each column headed by the words of every header cell above it, a cell that
    spans columns (a 'SPAN' command of ReportLab's) heading each of them ('Budget 2021 – Local')."""
    words: list[list[str]] = [[] for _ in range(columns)]
    spanned = {}
    for command in spans:
        if command[0] == "SPAN":
            (first, row), (last, _row) = command[1], command[2]
            first, last = (index if index >= 0 else columns + index for index in (first, last))  # (-1: the last)
            spanned[(first, row)] = range(first, last + 1)
    for number, cells in enumerate(header):
        for column, value in enumerate(cells):
            text = _cell(value).strip()
            for covered in spanned.get((column, number), (column,)):
                if text and text not in words[covered]:
                    words[covered].append(text)
    return tuple(" – ".join(parts) for parts in words) if header else ()
