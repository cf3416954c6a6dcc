"""The committee report (tjänsteutlåtande) on a follow-up plan or a quality report (issue 15), in the shape seed
000 uses: its head (officer, addressee and date, reference), the subject, Förslag till beslut, the signatures of
the heads of the administration, Sammanfattning, Bakgrund and Ärendets beredning.

Every fixed text is the template's, in this plugin's catalog, and a municipality may reword it (the committee's
name first of all: "Äldrenämnden", "Socialnämnden"). The officers' names are the municipality's to set, and are
printed on the public copy too: an official's name on a tjänsteutlåtande is public in Swedish practice (the
principle of public access to official records, offentlighetsprincipen, and the case's diary entry).
"""

from __future__ import annotations

from typing import Any

from core.sdk import format_date, format_number
from core.sdk.documents import (
    Article,
    Bullets,
    CouncilDocument,
    Document,
    DocumentContext,
    Fields,
    FixedText,
    Heading,
    Paragraph,
    Signatures,
    Table,
)
from plugins.sweden.i18n import _, _l

DASH = "–"
FOLLOWUP, QUALITY = "followup-plan", "quality-report"
COMMITTEE, YEAR = "committee", "year"


def _texts(kind: str) -> tuple[FixedText, ...]:
    followup = kind == FOLLOWUP
    return (
        FixedText("committee", _l("The committee the report goes to"), _l("Social Services Committee")),
        FixedText("officer_name", _l("Officer in charge (handläggare): name"), officer=True),
        FixedText("officer_phone", _l("Officer in charge: telephone"), officer=True),
        FixedText("proposal_1", _l("Proposed decision, point 1"),
                  _l("The %(committee)s approves the administration's follow-up plan for %(year)s.") if followup else
                  _l("The %(committee)s approves the quality report for %(year)s."), (COMMITTEE, YEAR),
                  multiline=True),
        FixedText("proposal_2", _l("Proposed decision, point 2"),
                  _l("The %(committee)s sends the follow-up plan to the municipal executive board for information.")
                  if followup else
                  _l("The %(committee)s publishes the quality report on the municipality's website."),
                  (COMMITTEE,), multiline=True),
        FixedText("head_title", _l("Signatory: the head of the administration's title"),
                  _l("Head of administration")),
        FixedText("head_name", _l("Signatory: the head of the administration's name"), officer=True),
        FixedText("department_title", _l("Signatory: the head of department's title"), _l("Head of department")),
        FixedText("department_name", _l("Signatory: the head of department's name"), officer=True),
        FixedText("summary", _l("Summary"),
                  _l("The follow-up plan for %(year)s sets out how the committee follows up the quality of the "
                     "services it is responsible for: %(methods)s follow-up methods and %(scheduled)s follow-ups "
                     "scheduled per unit.") if followup else
                  _l("The quality report for %(year)s describes how the quality work of the services was carried "
                     "out and what it achieved, in %(parts)s parts."),
                  (YEAR, "methods", "scheduled") if followup else (YEAR, "parts"), multiline=True),
        FixedText("background", _l("Background"),
                  _l("Under the Local Government Act (2017:725), chapter 6, section 6, a committee follows up and "
                     "controls the services it is responsible for, also when another provider runs them. Under the "
                     "Social Services Act (2001:453), chapter 3, section 3, the quality of the services is to be "
                     "developed and assured systematically and continuously.") if followup else
                  _l("Under the National Board of Health and Welfare's regulations on management systems for "
                     "systematic quality work (SOSFS 2011:9), whoever runs the services draws up a quality report "
                     "each year on how the quality work was carried out and what measures were taken."),
                  multiline=True),
        FixedText("preparation", _l("Preparation of the matter"),
                  _l("The matter has been prepared within the administration."), multiline=True),
    )


def _head(context: DocumentContext) -> Fields:
    reference, date = context.decision
    officer = ", ".join(part for part in (context.text("officer_name"), context.text("officer_phone")) if part)
    day = date or context.revision_at.date()
    items = [(_("Officer in charge"), officer or DASH), (_("To"), context.text("committee")),
             (_("Date"), format_date(day, context.locale, "long")), (_("Reference"), reference or DASH)]
    return Fields(tuple(items))


def _proposal(context: DocumentContext) -> list[Article]:
    values = {COMMITTEE: context.text("committee"), YEAR: context.plan.year}
    points = [context.text(key, **values) for key in ("proposal_1", "proposal_2")]
    return [Article(f"{number}.", text) for number, text in enumerate((p for p in points if p), start=1)]


def _intro(context: DocumentContext) -> list[Paragraph]:
    text = context.tr(context.section("introduction").get("text"))
    return [Paragraph(text)] if text else []


def _followup_background(context: DocumentContext) -> list[Any]:
    rows = context.section("methods")["rows"]
    if not rows:
        return []
    keys = ("method", "dimension", "frequency", "responsible")
    body = tuple(tuple(context.tr(row.get(key)) for key in keys) for row in rows)
    return [Table((_("Method"), _("Quality dimension"), _("Frequency"), _("Responsible")), body, (3, 2, 2, 3),
                  caption=_("Follow-up methods"))]


def _quality_background(context: DocumentContext) -> list[Any]:
    body = []
    for spec in context.plan_kind.sections:
        rows = context.section(spec.key).get("rows") or []
        if rows:
            body.append((str(spec.title), format_number(len(rows), context.locale)))
    if not body:
        return []
    return [Table((_("Part of the report"), _("Entries")), tuple(body), (4, 1), frozenset({1}),
                  caption=_("Content of the quality report"))]


def _responsible(context: DocumentContext) -> list[Any]:
    names = sorted({context.tr(row.get("responsible")) for row in context.section("methods")["rows"]} - {""})
    return [Paragraph(_("Responsible for the follow-up:")), Bullets(tuple(names))] if names else []


def build(context: DocumentContext) -> Document:
    followup = context.plan_kind.code == FOLLOWUP
    title = context.tr(context.document.get("title")) or f"{context.plan_kind.name} {context.plan.year}"
    municipality = context.tr(context.municipality.name)
    if followup:
        summary = context.text("summary", year=context.plan.year,
                               methods=format_number(len(context.section("methods")["rows"]), context.locale),
                               scheduled=format_number(len(context.section("schedule")["rows"]), context.locale))
    else:
        parts = sum(1 for spec in context.plan_kind.sections if context.section(spec.key).get("rows"))
        summary = context.text("summary", year=context.plan.year, parts=format_number(parts, context.locale))
    blocks: list[Any] = [
        _head(context),
        Heading(_("Proposed decision")), *_proposal(context),
        Signatures(((context.text("head_title"), context.text("head_name")),
                    (context.text("department_title"), context.text("department_name")))),
        Heading(_("Summary")), Paragraph(summary), *_intro(context),
        Heading(_("Background")), Paragraph(context.text("background")),
        *(_followup_background(context) if followup else _quality_background(context)),
        Heading(_("Preparation of the matter")), Paragraph(context.text("preparation")),
        *(_responsible(context) if followup else []),
    ]
    return Document(title, tuple(blocks), subtitle=(_("Committee report (tjänsteutlåtande)"), municipality),
                    header=municipality, meta={"subject": _("Committee report (tjänsteutlåtande)")})


DOCUMENTS = {
    kind: (CouncilDocument("committee-report", _l("Committee report (tjänsteutlåtande)"), build, _texts(kind),
                           public_officers=True),)
    for kind in (FOLLOWUP, QUALITY)
}


def documents(plan_kind: str) -> list[CouncilDocument]:
    """The council documents of ``plan_kind`` (hook ``socialplan_council_documents``)."""
    return list(DOCUMENTS.get(plan_kind, ()))
