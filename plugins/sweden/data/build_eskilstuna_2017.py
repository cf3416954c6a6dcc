"""Build ``eskilstuna_quality_report_2017.json`` from seed 002 (Eskilstuna's kvalitetsberättelse 2017).

Run once by hand: ``python plugins/sweden/data/build_eskilstuna_2017.py SEED.txt``. The seed's text is
split at its headings into the report's own list of sections (level 1 and 2, as its table of
contents), each section's text into rows at its part labels (Syfte, Resultat, Analys,
Förbättringsförslag: a label that comes again, or an earlier one, starts a new row) and sub-headings
(ANÄ, ANF, ANP). Paragraphs split by a page break are joined again; the lex Sarah table is left
out, since the report prints it from the recorded lex Sarah reports.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

# (heading as the seed's body writes it, key, title as the table of contents writes it, level, shows)
SECTIONS = [
    ("Innehåll och upplägg", "contents", None, 1, ""),
    ("Organisatoriskt ansvar för kvalitetsarbetet", "responsibility", None, 1, ""),
    ("Kvalitetsmål och strategier för 2017", "quality-goals", None, 1, ""),
    ("Lagstiftning, riktlinjer och styrande dokument", "legislation", None, 1, ""),
    ("Urval av årets viktigaste kvalitethändelser och resultat", "key-events", None, 1, ""),
    ("Ledningssystem", "management-system", None, 1, ""),
    ("Processkartläggning", "process-mapping", None, 2, ""),
    ("Processutveckling", "process-development", None, 2, ""),
    ("Riktlinjer och rutiner", "guidelines", None, 2, ""),
    ("Systematiskt förbättringsarbete och hantering av resultat/analys", "improvement-work", None, 1, ""),
    ("Ledningens genomgång", "management-review", None, 2, ""),
    ("Måluppfyllelse", "goal-attainment", None, 2, "goals"),
    ("Organisationens värden", "organisation-values", None, 1, ""),
    ("Värdegrund och bemötande", "values", None, 2, ""),
    ("Brukarinvolvering/delaktighet", "user-involvement", None, 2, ""),
    ("Samverkan", "cooperation", None, 1, ""),
    ("Länsgemensam styrgrupp för närvård samt arbetsgrupper", "county-steering-group", None, 2, ""),
    ("VOF och andra förvaltningar/organisationer", "other-organisations", None, 2, ""),
    ("RisKFörebyggande arbete, Riskanalyser och Riskbedömningar", "risk-prevention",
     "Riskförebyggande arbete, Riskanalyser och Riskbedömningar", 1, ""),
    ("Uppföljning/kontroll/utvärdering", "follow-up", None, 1, ""),
    ("Verksamhetsuppföljningar", "operational-follow-up", None, 2, ""),
    ("Internkontroller", "internal-control", None, 2, ""),
    ("Egenkontroller", "self-monitoring", None, 2, ""),
    ("Brukarenkäter", "user-surveys", None, 2, ""),
    ("Statistik och resultat till/från myndigheter", "statistics", None, 2, ""),
    ("Tillsynsmyndigheter", "supervisory-authorities", None, 2, ""),
    ("Klagomål och synpunkter, avvikelser och lex Sarah", "complaints-lex-sarah", None, 1, ""),
    ("Klagomål och synpunktshantering", "complaints", None, 2, ""),
    ("Generella avvikelser", "general-deviations", None, 2, ""),
    ("Brukarrelaterade avvikelser och lex Sarah", "lex-sarah", None, 2, "lex_sarah"),
    ("Social dokumentation", "social-documentation", None, 1, ""),
    ("Jämställdhet och jämlikhet", "equality", None, 1, ""),
    ("Välfärdsteknik/digitalisering/eHälsa", "welfare-technology", None, 1, ""),
    ("Informationssäkerhet", "information-security", None, 1, ""),
    ("Miljö", "environment", None, 1, ""),
]
TOPICS = ("Arbetsgrupp norra äldre (ANÄ)", "Arbetsgrupp norra funktionshinderområdet (ANF)",
          "Arbetsgrupp norra psykiatri (ANP)")
PARTS = [("Syfte", "purpose"), ("Resultat 2017", "result"), ("Resultat", "result"), ("Analys", "analysis"),
         ("Förbättringsförslag", "improvements")]
ORDER = ["purpose", "result", "analysis", "improvements"]
LEX_SARAH_TABLE = re.compile(r"^(Verksamhetsområde\tAntal|.*\t\d+\t)")


def paragraphs(text: str) -> list[str]:
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    joined: list[str] = []
    for block in blocks:
        block = block.replace("**", "").replace("*", "")
        if LEX_SARAH_TABLE.match(block):
            continue
        previous = joined[-1] if joined else ""
        split = previous and not re.search(r"[.:!?;)”\"]$", previous) and not previous.startswith("- ") and (
            block[0].islower() or (block[0].isdigit() and re.match(r"^\d+ %\)", block)))
        if split:
            joined[-1] = f"{previous} {block}"
        else:
            joined.append(block)
    return joined


def rows_of(key: str, text: str) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    row: dict[str, str] = {}
    current = "text"
    for block in paragraphs(text):
        if block in TOPICS:
            if row:
                rows.append(row)
            row, current = {"topic": block}, "text"
            continue
        part = next(((label, field) for label, field in PARTS if block.startswith(label + ":")
                     or block == label + ":"), None)
        if part is not None:
            label, field = part
            if field in row or (current in ORDER and ORDER.index(field) < ORDER.index(current)):
                rows.append(row)
                row = {}
            current = field
            block = block[len(label) + 1:].strip()
            if not block:
                continue
        row[current] = f"{row[current]}\n\n{block}" if current in row else block
    if row:
        rows.append(row)
    return [{"section": key, **r} for r in rows]


def build(seed: str) -> dict:
    body = seed[seed.index("Kvalitetsberättelse\n\nInledning") + len("Kvalitetsberättelse"):]
    lines = body.split("\n")
    heads = {title: (key, toc or title, level, shows) for title, key, toc, level, shows in SECTIONS}
    chunks: list[tuple[str | None, list[str]]] = [(None, [])]
    for line in lines:
        if line.strip() in heads and not any(c[0] == line.strip() for c in chunks):
            chunks.append((line.strip(), []))
        else:
            chunks[-1][1].append(line)
    intro = "\n".join(chunks[0][1]).strip()
    assert intro.startswith("Inledning")
    sections, rows = [], []
    for title, text in chunks[1:]:
        key, toc, level, shows = heads[title]
        sections.append({"key": key, "title": toc, "level": level, "shows": shows})
        rows.extend(rows_of(key, "\n".join(text)))
    assert len(sections) == len(SECTIONS), [s["title"] for s in sections]
    return {"introduction": "\n\n".join(paragraphs(intro[len("Inledning"):])), "sections": sections, "rows": rows}


if __name__ == "__main__":
    result = build(Path(sys.argv[1]).read_text(encoding="utf-8"))
    out = Path(__file__).with_name("eskilstuna_quality_report_2017.json")
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(result['sections'])} sections, {len(result['rows'])} rows -> {out}")
