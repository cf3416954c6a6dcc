"""A document as a neutral structure, rendered by core into both PDF (ReportLab) and DOCX (python-docx).

A plugin that declares a council document (``socialplan_council_documents``) builds its content as a
:class:`Document`: a title and a sequence of blocks (headings, paragraphs, bullets, numbered articles, tables,
label/value fields, signatures). Core renders that one description into both formats
(:func:`render_pdf` here, :func:`core.reports.docx.render_docx`), so the PDF and the DOCX always say the same.

Every string is printed literally in both formats: markup or ``&`` typed by a user never becomes formatting.
Translate and format (core.i18n) before putting a string into a block.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import KeepTogether, TableStyle
from reportlab.platypus import Table as _Grid

from core.reports.engine import INK, ReportBuilder, _markup
from core.reports.reportlab_internals import make_paragraph

ALIGNMENTS = ("left", "centre", "right")


@dataclass(frozen=True)
class Heading:
    """A heading of level 1 (the document's parts) to 3."""

    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    """Running text; a blank line starts a new paragraph, a single line break stays one. ``bold`` and
    ``align`` ("left", "centre", "right") for lines such as a decision's formula ("HOTĂRĂȘTE:")."""

    text: str
    bold: bool = False
    align: str = "left"


@dataclass(frozen=True)
class Bullets:
    """A bulleted list."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class Article:
    """A numbered article or item: its label printed bold ("Art. 1.", "1."), then its text."""

    label: str
    text: str


@dataclass(frozen=True)
class Table:
    """A table: one header row, the body rows (strings), relative column widths (all 1 when empty), and the
    indexes of numeric columns that align right. ``caption`` is printed above it."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] = ()
    align_right: frozenset[int] = frozenset()
    caption: str = ""


@dataclass(frozen=True)
class Fields:
    """Label and value lines, as a case's head names its officer, addressee, date and reference."""

    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Signatures:
    """Who signs, side by side: (function, name) pairs with room above the name to sign."""

    items: tuple[tuple[str, str], ...]


Block = Heading | Paragraph | Bullets | Article | Table | Fields | Signatures


@dataclass(frozen=True)
class Document:
    """A document's content: its ``title`` (also the PDF's and DOCX's metadata title), the lines under it
    (``subtitle``), the name printed in every page's header (``header``, the municipality) and its blocks."""

    title: str
    blocks: tuple[Block, ...]
    subtitle: tuple[str, ...] = ()
    header: str = ""
    meta: dict[str, str] = field(default_factory=dict)  # "subject", "author": metadata of both formats


# --- PDF ----------------------------------------------------------------------------------------------

_ALIGN = {"left": 0, "centre": TA_CENTER, "right": TA_RIGHT}


def _style(builder: ReportBuilder, name: str, bold: bool = False, align: str = "left") -> ParagraphStyle:
    base = builder.styles[name]
    if not bold and align == "left":
        return base
    return ParagraphStyle(f"{name}-{bold}-{align}", parent=base, fontName=builder.bold if bold else base.fontName,
                          alignment=_ALIGN.get(align, 0))


def _paragraph(builder: ReportBuilder, block: Paragraph) -> None:
    if not block.bold and block.align == "left":
        builder.paragraph(block.text)
        return
    style = _style(builder, "body", block.bold, block.align)
    for part in (p.strip() for p in block.text.replace("\r\n", "\n").split("\n\n")):
        if part:
            builder.add(make_paragraph(_markup(part), style))


def _article(builder: ReportBuilder, block: Article) -> None:
    label = _markup(block.label)
    text = _markup(block.text)
    builder.add(make_paragraph(f"<b>{label}</b> {text}" if label else text, builder.styles["body"]))


def _table(builder: ReportBuilder, block: Table) -> None:
    if block.caption:
        builder.heading(block.caption, 3)
    widths = list(block.widths) or [1.0] * len(block.header)
    columns = set(range(len(widths)))
    builder.table([list(block.header)] if block.header else [], [list(row) for row in block.rows], widths,
                  wrap=columns - set(block.align_right), align_right=block.align_right)


def _fields(builder: ReportBuilder, block: Fields) -> None:
    if not block.items:
        return
    width = builder.frame_width()
    cell = builder.styles["body"]
    label_style = _style(builder, "body", bold=True)
    rows = [[make_paragraph(_markup(label), label_style), make_paragraph(_markup(value), cell)]
            for label, value in block.items]
    table = _Grid(rows, colWidths=[width * 0.3, width * 0.7], hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 1), ("TOPPADDING", (0, 0), (-1, -1), 1)]))
    builder.add(table)
    builder.spacer(3)


def _signatures(builder: ReportBuilder, block: Signatures) -> None:
    if not block.items:
        return
    width = builder.frame_width() / len(block.items)
    centred = _style(builder, "body", align="centre")
    bold = _style(builder, "body", bold=True, align="centre")
    cells = [[make_paragraph(_markup(function), bold), make_paragraph("&nbsp;", centred),
              make_paragraph(_markup(name) if name else "&nbsp;", centred)] for function, name in block.items]
    table = _Grid([cells], colWidths=[width] * len(cells), hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("TEXTCOLOR", (0, 0), (-1, -1), INK)]))
    builder.spacer(6)
    builder.add(KeepTogether([table]))


def _block(builder: ReportBuilder, block: Block) -> None:
    if isinstance(block, Heading):
        builder.heading(block.text, block.level)
    elif isinstance(block, Paragraph):
        _paragraph(builder, block)
    elif isinstance(block, Bullets):
        builder.bullets(block.items)
    elif isinstance(block, Article):
        _article(builder, block)
    elif isinstance(block, Table):
        _table(builder, block)
    elif isinstance(block, Fields):
        _fields(builder, block)
    elif isinstance(block, Signatures):
        _signatures(builder, block)
    else:  # a plugin's mistake, said at once rather than a document with a part missing
        raise TypeError(f"not a document block: {block!r}")


def render_pdf(document: Document, locale: str, *, generated_at: dt.datetime | None = None,
               revision_status: str = "") -> bytes:
    """The document as PDF with the core report layer (A4, Noto Sans: every diacritic prints). Call it inside the
    locale's ``force_locale`` (the footer's 'Page x of y' and date are translated)."""
    builder = ReportBuilder(document.title, document.header, locale, author=document.meta.get("author", "socialplan"),
                            subject=document.meta.get("subject", ""), generated_at=generated_at,
                            revision_status=revision_status)
    builder.add(make_paragraph(_markup(document.title), builder.styles["h1"]))
    for line in document.subtitle:
        builder.add(make_paragraph(_markup(line), builder.styles["cover_meta"]))
    if document.subtitle:
        builder.spacer(4)
    for block in document.blocks:
        _block(builder, block)
    return builder.build()
