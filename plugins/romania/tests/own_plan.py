"""A second action plan, of a town of our own, written from the model-cadru for the tests.

Its names hold quotes, '&', '<' and every Romanian diacritic (ă â î ș ț Ă Â Î Ș Ț); its texts cite acts
by year ('Legii nr. 292 din 2011', 'HG 867/2015', 'Legea nr. 197/2012') and a strategy period
('2021-2027'), none of which is a year the plan is about. Every required part of the model-cadru is
present: Chapter I.A-D (a contracting and a subsidy programme with rows), Chapter II, Chapter III.1.a-d
(III.1.b as 'nu este cazul' with its reason). Its campaigns and meetings use every period kind the
schema allows (monthly, quarterly, half-yearly, yearly, a half-year, a month, months, a date range, a
named day, permanent); I.A states its amounts in thousand lei, I.B in lei.
"""

from __future__ import annotations

import copy
from typing import Any

SLUG = "targu-frumos"
YEAR = 2022
TOWN = "Orașul Târgu Frumos & „Valea Bahluiului” <Iași>"
DAY_CENTRE = "Centrul de zi „ÂNCUȚA & ȚICĂ” <Bătrâni>"
CANTEEN = 'Cantina socială "Pâine & Sare" <Centru>'
HOME = "Locuința protejată „ÎMPREUNĂ & ȘANSĂ” <Țara de Sus>"
STRATEGY = ("Strategia locală de dezvoltare a serviciilor sociale „ÎMPREUNĂ & ȘANSĂ” <Țara de Sus> 2021-2027, "
            "aprobată prin HCL nr. 45 din 28 ianuarie 2021;")


def _ro(text: str, en: str | None = None) -> dict[str, str]:
    return {"ro": text, "en": en} if en else {"ro": text}


def _section(rows: list[dict[str, Any]] | None = None, text: str = "", not_applicable: bool = False,
             footnote: str = "") -> dict[str, Any]:
    return {"not_applicable": not_applicable, "text": _ro(text) if text else {},
            "footnote": _ro(footnote) if footnote else {}, "rows": rows or []}


def _line(source: str, amount: str, scale: int, currency: str = "RON") -> dict[str, Any]:
    return {"year": YEAR, "source": source, "amount": amount, "currency": currency, "scale": scale, "note": {}}


def _service(code: str, unit: str, description: str, capacity: str, category: str, occupancy: str | None,
             budget: list[dict[str, Any]], status: str = "existing", extra: dict | None = None) -> dict[str, Any]:
    return {"code": code, "unit": _ro(unit) if status == "existing" else {}, "name": _ro(unit),
            "description": _ro(description) if description else {}, "beneficiary_category": _ro(category),
            "capacity": capacity, "capacity_unit": _ro("locuri"), "occupancy": occupancy, "status": status,
            "extra": extra or {}, "budget": budget}


def _campaign(title: str, period: dict[str, Any]) -> dict[str, Any]:
    return {"title": _ro(title), "objectives": _ro("Prevenirea izolării vârstnicilor"), "period": period,
            "responsible": _ro("DAS Târgu Frumos & voluntari"), "target_group": {}}


def _training(kind: str, department: str, persons: int, budget: str | None = None) -> dict[str, Any]:
    return {"kind": kind, "department": _ro(department), "persons": persons, "budgeted": budget is not None,
            "budget": budget, "note": {}}


_SECTIONS: dict[str, Any] = {
    "legal-basis": _section([
        {"ref": "1", "text": _ro("Art. 118 al Legii nr. 292 din 2011 a asistenței sociale, cu modificările "
                                 "ulterioare;")},
        {"ref": "2", "text": _ro("HG 867/2015 pentru aprobarea Nomenclatorului serviciilor sociale;")},
        {"ref": "3", "text": _ro("Legea nr. 197/2012 privind asigurarea calității în domeniul serviciilor sociale;")},
        {"ref": "4", "text": _ro(STRATEGY)},
    ], "Având în vedere:"),
    "objectives": _section([
        {"level": "strategic", "reference": _ro("4"), "group": _ro("Obiectiv strategic 1"),
         "text": _ro("Îngrijirea la domiciliu a persoanelor vârstnice din „Valea Bahluiului” & satele din jur")},
        {"level": "operational", "reference": _ro("4"), "group": _ro("Obiectiv strategic 1"),
         "text": _ro("Înființarea unei locuințe protejate <Țara de Sus> pentru adulții cu dizabilități")},
    ]),
    "existing-services": _section([
        _service("8810 ID-I", DAY_CENTRE, "Îngrijire la domiciliu pentru persoane vârstnice", "25",
                 "Persoane vârstnice", "96", [_line("local", "210", 1000), _line("state", "45", 1000)]),
        _service("8899 CPDH-I", CANTEEN, "Masă caldă și consiliere", "80", "Persoane în risc de excluziune",
                 "100", [_line("local", "150", 1000), _line("beneficiaries", "12", 1000)]),
    ], "Serviciile sociale oferite de Direcția de Asistență Socială a " + TOWN + ":"),
    "proposed-services": _section([
        _service("8790 CR-D-I", HOME, "", "12", "Adulți cu dizabilități", None,
                 [_line("local", "120000.50", 1), _line("other", "480000", 1)], "proposed",
                 {"building_capacity": _ro("12 locuri"), "floor_space": "240", "staff_total": 6,
                  "staff_roles": [{"role": _ro("Îngrijitori"), "count": 5},
                                  {"role": _ro("Asistent social"), "count": 1}],
                  "justification": _ro("Dezinstituționalizare, PNRR & buget local")}),
    ]),
    "contracting": _section([
        {"provider": 'Asociația „Inimă & Suflet” <ONG>', "service": "Îngrijire la domiciliu", "code": "8810 ID-I",
         "amount": "85000"},
        {"provider": "Fundația „Șansa Țării” & co", "service": "Masă caldă", "code": "8899 CPDH-I", "amount": "12000"},
    ], "Programul anual de contractare, în baza Legii nr. 292/2011:"),
    "subsidies": _section([
        {"provider": "Asociația „Ajutor & Speranță” <Est>", "service": "Centru de zi pentru copii",
         "beneficiaries": 30, "amount": "42500.75"},
    ], "Subvenții acordate în baza Legii nr. 34/1998:"),
    "website-information": _section([
        {"ref": "1.", "text": _ro(STRATEGY), "publication": _ro("www.targu-frumos.ro & avizierul primăriei"),
         "frequency": "published"},
    ]),
    "awareness-campaigns": _section([
        _campaign("Campania „Vecini & Prieteni” <Ăla-Bală>", {"kind": "half-year", "half": 1, "year": YEAR}),
        _campaign("Patrula „Iarna & Frigul”", {"kind": "recurrence", "every": "monthly"}),
        _campaign("Raportul „Trimestrul Țării”", {"kind": "recurrence", "every": "quarterly"}),
        _campaign("Bilanțul „Anului”", {"kind": "recurrence", "every": "yearly"}),
        _campaign("Luna „Prevenirii” <Martie>", {"kind": "range", "start": f"{YEAR}-03-01", "end": f"{YEAR}-03-31"}),
    ]),
    "promotion-campaigns": _section([
        _campaign("Ziua „Porților Deschise” & târg <Centru>", {"kind": "month", "month": 6, "year": YEAR}),
        _campaign("Vacanța „Copiilor” & tabere", {"kind": "months", "months": [7, 8], "year": YEAR}),
        _campaign("Ziua Copilului „Împreună”", {"kind": "dates", "text": {"ro": "1 Iunie", "en": "1 June",
                                                                           "sv": "1 juni"}}),
    ]),
    "tripartite-meetings": _section([
        {"participants": _ro("DAS, furnizori privați & ONG-uri"), "description": _ro("Întâlniri de lucru"),
         "frequency": {"kind": "recurrence", "every": "half-yearly"}},
        {"participants": _ro("Comitetul Comunitar Consultativ „Șase & Țară” <CCC>"),
         "description": _ro("Punct de sprijin deschis tot anul"), "frequency": {"kind": "permanent"}},
    ]),
    "community-assistance": _section([{"topic": _ro("Consiliere la domiciliu în satele „Ștefănești” & Țigănași")}]),
    "press-messages": _section(text="Comunicate în presa locală pe parcursul anului 2022."),
    "training-courses": _section([_training("further-training", "Asistenți sociali „DAS” & îngrijitori", 4, "2500")]),
    "qualification-courses": _section(not_applicable=True, text="Nu este cazul în 2022: personalul este calificat."),
    "personal-assistants": _section([_training("personal-assistants", "Asistenți personali", 14)]),
    "centre-training": _section(),
    "volunteer-training": _section([_training("volunteers", "Voluntari <Crucea Roșie> & elevi", 8)]),
    "peer-review": _section(),
    "national-programmes": _section(),
    "supervision": _section(not_applicable=True, text="Nu este cazul."),
}


def own_document() -> dict[str, Any]:
    """A fresh copy of the plan document of Târgu Frumos for 2022."""
    return copy.deepcopy({
        "format": "socialplan.plan", "version": 1,
        "municipality": {"slug": SLUG, "name": _ro(TOWN, "Târgu Frumos Town & “Bahlui Valley” <Iași>"),
                         "country": "RO", "default_locale": "ro", "currency": "RON"},
        "year": YEAR, "kind": "action-plan", "status": "draft",
        "title": _ro(f"Planul anual de acțiune privind serviciile sociale al {TOWN} pentru anul {YEAR}",
                     f"Annual action plan for the social services of Târgu Frumos for {YEAR}"),
        "council_decision": {"reference": None, "date": None}, "facts": {},
        "sections": _SECTIONS,
    })
