"""DOCX output of a neutral document (:mod:`core.reports.blocks`) with python-docx, so that a council's
secretariat can file or edit what socialplan generated.

The same blocks the PDF prints, as Word writes them: headings in Word's heading styles (a navigation pane and a
table of contents find them), articles as paragraphs with a bold label, tables with a header row repeated on
every page, signatures in a borderless table. The text font is Arial, which Word and LibreOffice have everywhere
and which has every Romanian and Swedish letter (ș ț ă â î å ä ö); the text is marked with the document's
language, so the spelling checker reads it as such. Text goes in as text runs: nothing a user typed becomes
markup, and a control character (which XML cannot hold) is left out as the PDF leaves it out.
"""

from __future__ import annotations

import io

from docx import Document as new_docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from core.reports.blocks import Article, Block, Bullets, Document, Fields, Heading, Paragraph, Signatures, Table
from core.text import clean_text

FONT = "Arial"
LANGUAGES = {"ro": "ro-RO", "sv": "sv-SE", "en": "en-GB"}
_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "centre": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}


def _text(value: str) -> str:
    """Text XML can hold (core.text's rule: no control character but tab and newline, which Word writes as its
    tab and line break)."""
    return clean_text(value or "")


def _set_font(style, language: str, size: float | None = None, bold: bool | None = None) -> None:
    style.font.name = FONT
    if size is not None:
        style.font.size = Pt(size)
    if bold is not None:
        style.font.bold = bold
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    props = style.element.get_or_add_rPr()
    lang = props.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        props.append(lang)
    lang.set(qn("w:val"), language)


def _prepare(docx, locale: str) -> None:
    language = LANGUAGES.get(locale, "en-GB")
    styles = docx.styles
    _set_font(styles["Normal"], language, 10.5)
    for level, size in ((1, 14), (2, 12), (3, 11)):
        style = styles[f"Heading {level}"]
        _set_font(style, language, size, True)
        style.font.color.rgb = None
    _set_font(styles["Title"], language, 18, True)
    styles["Title"].font.color.rgb = None


def _paragraph(docx, block: Paragraph) -> None:
    for part in (p.strip() for p in _text(block.text).replace("\r\n", "\n").split("\n\n")):
        if part:
            paragraph = docx.add_paragraph()
            paragraph.alignment = _ALIGN.get(block.align, WD_ALIGN_PARAGRAPH.LEFT)
            run = paragraph.add_run(part)
            run.bold = block.bold or None


def _repeat_header(row) -> None:
    props = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    props.append(header)


def _table(docx, block: Table) -> None:
    if block.caption:
        docx.add_heading(_text(block.caption), 3)
    columns = len(block.header) or (len(block.rows[0]) if block.rows else 0)
    if not columns:
        return
    table = docx.add_table(rows=0, cols=columns)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    if block.header:
        cells = table.add_row().cells
        _repeat_header(table.rows[0])
        for cell, text in zip(cells, block.header, strict=True):
            cell.paragraphs[0].add_run(_text(text)).bold = True
    for row in block.rows:
        cells = table.add_row().cells
        for index, (cell, text) in enumerate(zip(cells, row, strict=True)):
            paragraph = cell.paragraphs[0]
            paragraph.add_run(_text(text))
            if index in block.align_right:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    docx.add_paragraph()


def _plain_table(docx, rows: int, cols: int):
    table = docx.add_table(rows=rows, cols=cols)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    return table


def _fields(docx, block: Fields) -> None:
    if not block.items:
        return
    table = _plain_table(docx, len(block.items), 2)
    for row, (label, value) in zip(table.rows, block.items, strict=True):
        row.cells[0].paragraphs[0].add_run(_text(label)).bold = True
        row.cells[1].paragraphs[0].add_run(_text(value))
    docx.add_paragraph()


def _signatures(docx, block: Signatures) -> None:
    if not block.items:
        return
    table = _plain_table(docx, 1, len(block.items))
    for cell, (function, name) in zip(table.rows[0].cells, block.items, strict=True):
        first = cell.paragraphs[0]
        first.alignment = WD_ALIGN_PARAGRAPH.CENTER
        first.add_run(_text(function)).bold = True
        cell.add_paragraph()  # room to sign
        last = cell.add_paragraph(_text(name))
        last.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _block(docx, block: Block) -> None:
    if isinstance(block, Heading):
        docx.add_heading(_text(block.text), min(max(block.level, 1), 3))
    elif isinstance(block, Paragraph):
        _paragraph(docx, block)
    elif isinstance(block, Bullets):
        for item in block.items:
            docx.add_paragraph(_text(item), style="List Bullet")
    elif isinstance(block, Article):
        paragraph = docx.add_paragraph()
        if block.label:
            paragraph.add_run(_text(block.label)).bold = True
            paragraph.add_run(" ")
        paragraph.add_run(_text(block.text))
    elif isinstance(block, Table):
        _table(docx, block)
    elif isinstance(block, Fields):
        _fields(docx, block)
    elif isinstance(block, Signatures):
        _signatures(docx, block)
    else:
        raise TypeError(f"not a document block: {block!r}")


def render_docx(document: Document, locale: str) -> bytes:
    """The document as DOCX bytes: its title as Word's title, then its blocks; core properties say its title,
    subject, author and language."""
    docx = new_docx()
    _prepare(docx, locale)
    properties = docx.core_properties
    properties.title = _text(document.title)
    properties.subject = _text(document.meta.get("subject", ""))
    properties.author = _text(document.meta.get("author", "socialplan"))
    properties.language = LANGUAGES.get(locale, locale)
    if document.header:
        header = docx.sections[0].header.paragraphs[0]
        header.text = _text(document.header)
    docx.add_heading(_text(document.title), 0)
    for line in document.subtitle:
        docx.add_paragraph(_text(line))
    for block in document.blocks:
        _block(docx, block)
    out = io.BytesIO()
    docx.save(out)
    return out.getvalue()
