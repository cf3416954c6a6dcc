"""The council's documents a plan kind declares (hook ``socialplan_council_documents``), and the neutral structure
their content is built as, which core renders into both PDF and DOCX.

A builder gets a :class:`DocumentContext` and returns a :class:`Document` of blocks::

    def build(context: DocumentContext) -> Document:
        reference, date = context.decision
        return Document(context.text("title", year=context.plan.year), (
            Heading(_("Background")),
            Paragraph(context.text("background")),
            Article("1.", context.text("proposal", committee=context.text("committee"))),
            Table((_("Method"), _("Frequency")), rows),
            Signatures(((context.text("head_title"), context.text("head_name")),)),
        ), header=context.tr(context.municipality.name))

Strings are printed literally in both formats: translate and format them (core.sdk) first.
"""

from __future__ import annotations

from core.reports.blocks import Article, Bullets, Document, Fields, Heading, Paragraph, Signatures, Table
from core.services.council_documents import CouncilDocument, DocumentContext, FixedText

# One line per name for docs/plugin-sdk.md (None: the object's own docstring says it).
DOCS = {
    "Article": "a numbered article or item: a bold label ('Art. 1.', '1.') and its text",
    "Bullets": "a bulleted list",
    "CouncilDocument": "a document the council decides on: code, name, fixed texts and a builder (or a report kind)",
    "Document": "a document's content: title, subtitle lines, page header and blocks",
    "DocumentContext": "what a builder gets: the plan document, its kind, municipality, language, revision, texts",
    "Fields": "label and value lines (officer, addressee, date, reference)",
    "FixedText": "a fixed text of a template: key, label, default wording, placeholders, officer or not",
    "Heading": "a heading of level 1 to 3",
    "Paragraph": "running text (bold, aligned left, centre or right)",
    "Signatures": "who signs, side by side: (function, name) pairs",
    "Table": "a table: a header row, body rows, relative widths, right-aligned columns, caption",
}

__all__ = [
    "Article",
    "Bullets",
    "CouncilDocument",
    "Document",
    "DocumentContext",
    "Fields",
    "FixedText",
    "Heading",
    "Paragraph",
    "Signatures",
    "Table",
]
