"""The local council's documents around the annual action plan (issue 15): the draft decision (proiect de
hotărâre), the specialist report (raport de specialitate) of the Social Assistance Directorate (DAS) and the plan
itself as the decision's annex (the plan's own PDF).

The draft decision's preamble cites Law 292/2011 (art. 118 (2): the DAS draws up the plan, the council approves
it) and the strategy the plan carries out, read from the plan: the items of its legal basis that its objectives
refer to. Its articles adopt the plan as annex and name who carries it out. Every fixed text is the template's,
in this plugin's catalog (the English msgid, its Romanian wording as Romanian councils write it), and a
municipality may reword it (core's settings page). Signatories' names are set by the municipality and left out
of the public copies: a draft decision is signed by the secretariat's officers, whose names the public pages of
the plan do not need.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from core.sdk import format_date, format_money, format_number
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
from plugins.romania.budget import amounts as _amounts
from plugins.romania.i18n import _, _l
from plugins.romania.plan_kind import FUNDING_SOURCES, PLAN_KIND, SERVICE_SECTIONS, TRAINING_SECTIONS

DASH = "–"
# A strategy's item of the legal basis, as the plan writes it, without what introduces its objectives.
_INTRODUCING = re.compile(r"[,;]?\s*(cu|respectiv)\s+următoarele\b.*$|[\s:;,.]+$", re.IGNORECASE | re.DOTALL)

MUNICIPALITY, YEAR = ("municipality", "year")

DECISION_TEXTS = (
    FixedText("title", _l("Draft decision"), _l("DRAFT DECISION"), ()),
    FixedText("title_adopted", _l("Title of the adopted decision"), _l("DECISION no. %(reference)s of %(date)s"),
              ("reference", "date")),
    FixedText("subject", _l("Subject of the decision"),
              _l("on the approval of the annual action plan for the social services administered and funded from "
                 "the budget of %(municipality)s for %(year)s"), (MUNICIPALITY, YEAR), multiline=True),
    FixedText("council", _l("The council that decides"), _l("The Local Council of %(municipality)s,"),
              (MUNICIPALITY,)),
    FixedText("having_regard", _l("Opening of the preamble"), _l("Having regard to:")),
    FixedText("reports", _l("Preamble: the reports"),
              _l("the approval report of the mayor and the specialist report of the Social Assistance Directorate;"),
              multiline=True),
    FixedText("law", _l("Preamble: the law"),
              _l("the provisions of Article 118(2) of the Social Assistance Law no. 292/2011, as amended and "
                 "supplemented;"), multiline=True),
    FixedText("strategy", _l("Preamble: the strategy the plan carries out"),
              _l("%(strategy)s, which the annual action plan carries out;"), ("strategy",), multiline=True),
    FixedText("county_opinion", _l("Preamble: the county's opinion"),
              _l("the consultative opinion of the County Council no. %(reference)s of %(date)s;"),
              ("reference", "date"), multiline=True),
    FixedText("consultation", _l("Preamble: the public consultation"),
              _l("the public consultation held from %(start)s to %(end)s, in which %(count)s contributions were "
                 "received;"), ("start", "end", "count"), multiline=True),
    FixedText("grounds", _l("Legal grounds of the decision"),
              _l("Pursuant to Article 129(2)(d) and (7)(b) and Article 196(1)(a) of Government Emergency Ordinance "
                 "no. 57/2019 on the Administrative Code, as amended and supplemented,"), multiline=True),
    FixedText("decides", _l("Formula of the decision"), _l("DECIDES:")),
    FixedText("article_1", _l("Article 1: the plan is approved"),
              _l("The annual action plan for the social services administered and funded from the budget of "
                 "%(municipality)s for %(year)s is approved, as set out in the annex, which is an integral part of "
                 "this decision."), (MUNICIPALITY, YEAR), multiline=True),
    FixedText("article_2", _l("Article 2: who carries it out"),
              _l("The mayor, through the Social Assistance Directorate, is entrusted with carrying out this "
                 "decision."), multiline=True),
    FixedText("article_3", _l("Article 3: communication"),
              _l("The general secretary communicates this decision to the institutions and persons concerned and "
                 "makes it public."), multiline=True),
    FixedText("initiator_title", _l("Signatory: the initiator's function"), _l("Initiator, Mayor")),
    FixedText("initiator_name", _l("Signatory: the initiator's name"), officer=True),
    FixedText("legality_title", _l("Signatory: endorsement for legality"),
              _l("Endorsed for legality, General secretary")),
    FixedText("legality_name", _l("Signatory: the general secretary's name"), officer=True),
    FixedText("annex", _l("Annex line"), _l("Annex: the annual action plan for social services for %(year)s"),
              (YEAR,)),
)

REPORT_TEXTS = (
    FixedText("title", _l("Title of the report"), _l("SPECIALIST REPORT"), ()),
    FixedText("subject", _l("Subject of the report"),
              _l("on the draft decision approving the annual action plan for the social services administered and "
                 "funded from the budget of %(municipality)s for %(year)s"), (MUNICIPALITY, YEAR), multiline=True),
    FixedText("author", _l("Who reports"), _l("Social Assistance Directorate")),
    FixedText("law", _l("The plan's legal basis"),
              _l("Under Article 118(2) of the Social Assistance Law no. 292/2011, the public social assistance "
                 "service draws up the annual action plan for the social services administered and funded from the "
                 "local budget and submits it to the local council for approval."), multiline=True),
    FixedText("content", _l("What the plan holds"),
              _l("The plan for %(year)s holds %(existing)s social services provided, %(proposed)s services proposed "
                 "to be established, %(campaigns)s information campaigns and training for %(trained)s persons."),
              (YEAR, "existing", "proposed", "campaigns", "trained"), multiline=True),
    FixedText("conclusion", _l("Conclusion"),
              _l("In view of the above, we propose that the local council approve the draft decision as presented."),
              multiline=True),
    FixedText("director_title", _l("Signatory: the director's function"), _l("Executive director")),
    FixedText("director_name", _l("Signatory: the director's name"), officer=True),
    FixedText("prepared_title", _l("Signatory: who prepared it"), _l("Prepared by")),
    FixedText("prepared_name", _l("Signatory: the preparer's name"), officer=True),
)


def _date(value: Any, locale: str) -> str:
    try:
        return format_date(dt.date.fromisoformat(str(value)), locale, "long") if value else DASH
    except ValueError:
        return str(value)


def _municipality(context: DocumentContext) -> str:
    return context.tr(context.municipality.name)


def strategies(context: DocumentContext) -> list[str]:
    """The strategies the plan carries out: the items of its legal basis its objectives refer to (all of them
    that name a strategy when no objective refers to one), as the plan writes them."""
    rows = context.section("legal-basis")["rows"]
    referred = {context.tr(row.get("reference")) for row in context.section("objectives")["rows"]}
    chosen = [row for row in rows if str(row.get("ref", "")) in referred]
    if not chosen:
        chosen = [row for row in rows if "strateg" in context.tr(row.get("text")).lower()]
    return [text for row in chosen if (text := _INTRODUCING.sub("", context.tr(row.get("text"))).strip())]


def _preamble(context: DocumentContext) -> list[str]:
    facts = context.document.get("facts") or {}
    items = [context.text("reports"), context.text("law")]
    items += [context.text("strategy", strategy=strategy) for strategy in strategies(context)]
    if facts.get("consultation_start") and facts.get("consultation_end"):
        items.append(context.text("consultation", start=_date(facts["consultation_start"], context.locale),
                                  end=_date(facts["consultation_end"], context.locale),
                                  count=facts.get("contributions_received", DASH)))
    if facts.get("county_opinion_ref"):
        items.append(context.text("county_opinion", reference=facts["county_opinion_ref"],
                                  date=_date(facts.get("county_opinion_date"), context.locale)))
    return items


def build_decision(context: DocumentContext) -> Document:
    name = _municipality(context)
    values = {MUNICIPALITY: name, YEAR: context.plan.year}
    reference, date = context.decision
    if context.adopted and reference:
        title = context.text("title_adopted", reference=reference,
                             date=format_date(date, context.locale, "long") if date else DASH)
    else:
        title = context.text("title")
    blocks = [
        Paragraph(context.text("subject", **values), bold=True, align="centre"),
        Paragraph(context.text("council", **values)),
        Paragraph(context.text("having_regard")),
        Bullets(tuple(_preamble(context))),
        Paragraph(context.text("grounds")),
        Paragraph(context.text("decides"), bold=True, align="centre"),
        Article(_("Art. %(number)s.", number=1), context.text("article_1", **values)),
        Article(_("Art. %(number)s.", number=2), context.text("article_2")),
        Article(_("Art. %(number)s.", number=3), context.text("article_3")),
        Signatures(((context.text("initiator_title"), context.text("initiator_name")),
                    (context.text("legality_title"), context.text("legality_name")))),
        Paragraph(context.text("annex", **values)),
    ]
    return Document(title, tuple(blocks), subtitle=(name,), header=name,
                    meta={"subject": context.text("subject", **values)})


def _lei(rows: list[dict[str, Any]], currency: str) -> dict[str, Decimal]:
    """Each funding source's amount over the rows, in lei (a line's scale applied), in the plan's currency only."""
    totals = {source.code: Decimal(0) for source in FUNDING_SOURCES}
    for row in rows:
        scales = {line["source"]: int(line.get("scale") or 1) for line in row.get("budget") or []}
        for source, amount in _amounts(row, currency).items():
            totals[source] = totals.get(source, Decimal(0)) + amount * scales.get(source, 1)
    return totals


def _figures(context: DocumentContext) -> dict[str, Any]:
    existing = context.section("existing-services")["rows"]
    proposed = context.section("proposed-services")["rows"]
    campaigns = sum(1 for key in ("awareness-campaigns", "promotion-campaigns")
                    for row in context.section(key)["rows"] if context.tr(row.get("title")))
    trained = sum(int(row.get("persons") or 0) for key in TRAINING_SECTIONS for row in context.section(key)["rows"]
                  if str(row.get("persons") or "0").isdigit())
    return {"existing": format_number(len(existing), context.locale),
            "proposed": format_number(len(proposed), context.locale),
            "campaigns": format_number(campaigns, context.locale), "trained": format_number(trained, context.locale)}


def _budget_table(context: DocumentContext) -> Table:
    currency = context.municipality.currency
    rows = [row for key in SERVICE_SECTIONS for row in context.section(key)["rows"]]
    totals = _lei(rows, currency)
    body = [(str(source.name), format_money(totals[source.code], currency, context.locale))
            for source in FUNDING_SOURCES]
    body.append((_("Total"), format_money(sum(totals.values(), Decimal(0)), currency, context.locale)))
    return Table((_("Funding source"), _("Estimated budget")), tuple(body), (3, 2), frozenset({1}),
                 caption=_("Estimated budget of the social services by funding source"))


def _consultation(context: DocumentContext) -> list[tuple[str, str]]:
    facts = context.document.get("facts") or {}
    labels = context.plan_kind.fact_labels
    shown = []
    for key in ("consultation_start", "consultation_end", "contributions_received", "county_opinion_ref",
                "county_opinion_date"):
        if facts.get(key) not in (None, ""):
            value = _date(facts[key], context.locale) if key.endswith(("_start", "_end", "_date")) else str(facts[key])
            shown.append((str(labels.get(key, key)), value))
    return shown


def build_report(context: DocumentContext) -> Document:
    name = _municipality(context)
    values = {MUNICIPALITY: name, YEAR: context.plan.year}
    objectives = [context.tr(row.get("text")) for row in context.section("objectives")["rows"]
                  if row.get("level") == "strategic" and context.tr(row.get("text"))]
    basis = [text for row in context.section("legal-basis")["rows"] if (text := context.tr(row.get("text")))]
    blocks: list[Any] = [
        Paragraph(context.text("subject", **values), bold=True, align="centre"),
        Fields(((_("Reported by"), context.text("author")), (_("Date"), format_date(context.revision_at.date(),
                                                                                   context.locale, "long")))),
        Heading(_("Legal basis")),
        Paragraph(context.text("law")),
    ]
    if basis:
        blocks.append(Bullets(tuple(basis)))
    if objectives:
        blocks += [Heading(_("Strategic objectives the plan carries out")), Bullets(tuple(objectives))]
    blocks += [Heading(_("Content of the plan")), Paragraph(context.text("content", **values, **_figures(context))),
               _budget_table(context)]
    consultation = _consultation(context)
    if consultation:
        blocks += [Heading(_("Consultation")), Fields(tuple(consultation))]
    blocks += [Heading(_("Proposal")), Paragraph(context.text("conclusion")),
               Signatures(((context.text("director_title"), context.text("director_name")),
                           (context.text("prepared_title"), context.text("prepared_name"))))]
    return Document(context.text("title"), tuple(blocks), subtitle=(name,), header=name,
                    meta={"subject": context.text("subject", **values), "author": context.text("author")})


DOCUMENTS = (
    CouncilDocument("draft-decision", _l("Draft council decision (proiect de hotărâre)"), build_decision,
                    DECISION_TEXTS),
    CouncilDocument("specialist-report", _l("Specialist report of the Social Assistance Directorate"), build_report,
                    REPORT_TEXTS),
    CouncilDocument("annex", _l("Annex to the decision: the annual action plan"), report=PLAN_KIND),
)


def documents(plan_kind: str) -> list[CouncilDocument]:
    """The council documents of ``plan_kind`` (hook ``socialplan_council_documents``)."""
    return list(DOCUMENTS) if plan_kind == PLAN_KIND else []
