"""Demo municipalities: Stockholm (a district), Huddinge and Eskilstuna (its 2017 quality report, whole).

Idempotent: a municipality that already exists is left as it is. Eskilstuna's goals, results and
lex Sarah table are those of seed 002; the units, follow-ups and answers of Stockholm and
Huddinge are invented to show every operating form and rule.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any

from sqlalchemy.orm import Session

from core.sdk import Registry
from core.sdk.demo import ensure_municipality, ensure_user, municipality_by_slug
from core.sdk.models import Municipality, Provider
from core.sdk.plans import action, create_plan, find_plan, replace_sections
from core.sdk.providers import add_provider
from plugins.sweden.models import QualityReport, SwedenSettings
from plugins.sweden.services import goals, individual, kolada, lex_sarah
from plugins.sweden.services.cases import open_case, take_step
from plugins.sweden.services.followups import add_unit, record_followup
from plugins.sweden.services.reference import DATA, default_template

D = dt.date


def _sv(sv: str, en: str) -> dict[str, str]:
    return {"sv": sv, "en": en}


def _municipality(session: Session, registry: Registry, slug: str, name: dict[str, str], preset: str,
                  kolada: str) -> Municipality:
    municipality = ensure_municipality(session, registry, slug, name, "SE", "sv", "SEK", ("sweden",))
    session.add(SwedenSettings(municipality_id=municipality.id, schedule_preset=preset, schedule_overrides={},
                               ladder_overrides={}, suppression_threshold=5, kolada_id=kolada,
                               special_review_area={}))
    ensure_user(session, f"planner@{slug}.demo", "planner", municipality, "sv")
    ensure_user(session, f"viewer@{slug}.demo", "viewer", municipality, "sv")
    session.flush()
    return municipality


def _provider(session: Session, municipality: Municipality, name: str) -> Provider:
    return add_provider(session, municipality.id, name)  # core's row, through core's service


def _plan(session: Session, registry: Registry, municipality: Municipality, year: int, kind: str,
          sections: dict[str, dict[str, Any]]) -> None:
    plan = create_plan(session, registry, municipality, year, kind, None)
    replace_sections(session, registry, plan, sections, None, action("demo-data"))


FOLLOWUP_METHODS_ROWS = [
    {"method": _sv("Verksamhetsuppföljning", "Operational follow-up"), "dimension": _sv("Struktur", "Structure"),
     "frequency": _sv("Vartannat år", "Every other year"), "responsible": _sv("Stadsdelsförvaltningen",
                                                                              "District administration")},
    {"method": _sv("Kvalitetsobservation", "Quality observation"), "dimension": _sv("Process", "Process"),
     "frequency": _sv("Enligt plan", "As planned"), "responsible": _sv("Äldreförvaltningen",
                                                                       "Elderly care administration")},
    {"method": _sv("Individuppföljning", "Individual follow-up"), "dimension": _sv("Resultat", "Outcome"),
     "frequency": _sv("Varje år", "Every year"), "responsible": _sv("Biståndshandläggare", "Needs assessors")},
]


def _answers(session: Session, municipality: Municipality, year: int, sizes: dict[str, int], seed: int) -> None:
    """Deterministic answers: ``sizes`` respondents per unit code, every question, next of kin too."""
    template = individual.create_template(session, municipality.id, default_template()["name"],
                                          {k: default_template()[k] for k in ("areas", "scales", "questions")},
                                          version=default_template()["version"])
    rng = random.Random(seed)
    questions = default_template()["questions"]
    scales = default_template()["scales"]
    rows, response = [], 0
    for code, size in sizes.items():
        for respondent in ["person"] * size + ["next_of_kin"] * (size // 3):
            response += 1
            for q in questions:
                scale = scales[q["scale"]]
                value = min(scale["max"], max(scale["min"], scale["max"] - int(rng.expovariate(1.2))))
                rows.append(individual.AnswerRow(code, response, q["code"], value, respondent=respondent))
    individual.record_answers(session, template, year, rows)


def load_stockholm(session: Session, registry: Registry) -> None:
    m = _municipality(session, registry, "stockholm", {"sv": "Stockholms stad", "en": "City of Stockholm",
                                              "ro": "Orașul Stockholm"}, "stockholm", "0180")
    district = "Södermalm"
    care = _provider(session, m, "Exempel Omsorg AB")
    home = _provider(session, m, "Hemtjänst i Söder AB")
    day = _provider(session, m, "Dagverksamheten Ringen ek. för.")
    units = {
        "SO-VOB": add_unit(session, m.id, "SO-VOB", "Rosenlunds vård- och omsorgsboende", "in_house",
                           "residential_care", district),
        "SO-SH": add_unit(session, m.id, "SO-SH", "Sofia servicehus", "contracted", "service_housing", district,
                          care.id, D(2023, 4, 1)),
        "SO-HT": add_unit(session, m.id, "SO-HT", "Hemtjänst i Söder", "customer_choice", "home_care", district,
                          home.id, D(2025, 9, 1)),
        "SO-HTE": add_unit(session, m.id, "SO-HTE", "Södermalms hemtjänst (egen regi)", "in_house", "home_care",
                           district),
        "SO-DV": add_unit(session, m.id, "SO-DV", "Dagverksamheten Ringen", "framework_agreement", "day_care",
                          district, day.id, D(2020, 1, 1)),
    }
    # A year of follow-ups (2025): the rotation's odd-year services, individuppföljning everywhere.
    for code in ("SO-SH", "SO-HTE"):
        record_followup(session, units[code], "operational", done_on=D(2025, 10, 14))
    for i, unit in enumerate(units.values()):
        if unit.code != "SO-HT":
            record_followup(session, unit, "individual", done_on=D(2025, 3 + i, 10))
    record_followup(session, units["SO-DV"], "user_survey", done_on=D(2025, 11, 5))
    record_followup(session, units["SO-SH"], "quality_observation", done_on=D(2025, 6, 2), deficiencies_found=True)
    case = open_case(session, units["SO-SH"], D(2026, 1, 20), "Avdelningschef Karin Ek",
                     "Upprepade brister i dokumentationen av genomförandeplaner.")
    take_step(session, case, "request_action_plan", D(2026, 1, 22), "Avdelningschef Karin Ek")
    _answers(session, m, 2026, {"SO-VOB": 24, "SO-SH": 14, "SO-HT": 3, "SO-HTE": 31, "SO-DV": 9}, seed=2026)
    _plan(session, registry, m, 2026, "followup-plan", {
        "introduction": {"text": _sv(
            "Uppföljningsmodellen bygger på tre uppföljningsperspektiv som tillsammans ger ett helhetsresultat "
            "för struktur-, process- och resultatkvalitet. Verksamhetsuppföljning sker vartannat år: vård- och "
            "omsorgsboende och dagverksamhet ena året, servicehus och hemtjänst det andra. Individuppföljning "
            "sker varje år.",
            "The follow-up model rests on three perspectives that together cover structure, process and outcome "
            "quality. Operational follow-up takes place every other year; individual follow-up every year.")},
        "methods": {"rows": FOLLOWUP_METHODS_ROWS},
        "reporting": {"text": _sv("Resultaten redovisas till stadsdelsnämnden och på Hitta och jämför service.",
                                  "Results are reported to the district council and published online.")},
    })


# Seed 003's methods, each with its quality dimension, how often and who follows up (sections 1.4 to 4).
HUDDINGE_METHODS_ROWS = [
    {"method": _sv("Verksamhetsuppföljning av särskilda boenden och LSS-boenden i egen regi",
                   "Operational follow-up of in-house residential care and LSS housing"),
     "dimension": _sv("Struktur och process", "Structure and process"),
     "frequency": _sv("Var tredje år", "Every third year"),
     "responsible": _sv("Utvecklingsledare på kvalitetsenheten i samverkan med MAS",
                        "Development officers of the quality unit, with the medical nurse in charge (MAS)")},
    {"method": _sv("Verksamhetsuppföljning av entreprenader", "Operational follow-up of contracted units"),
     "dimension": _sv("Struktur och process", "Structure and process"),
     "frequency": _sv("Varje år", "Every year"),
     "responsible": _sv("Utvecklingsledare på kvalitetsenheten i samverkan med MAS",
                        "Development officers of the quality unit, with the medical nurse in charge (MAS)")},
    {"method": _sv("Samverkansgrupp för entreprenader", "Cooperation group of contracted units"),
     "dimension": _sv("Process", "Process"),
     "frequency": _sv("Varje månad de första sex månaderna, sedan varannan månad under avtalstiden",
                      "Monthly for the first six months, then every other month for the contract's term"),
     "responsible": _sv("Kvalitetsenhet, biståndskansli, ekonomienhet och utföraren",
                        "Quality unit, needs assessment office, finance unit and the provider")},
    {"method": _sv("Uppföljning av nya utförare i kundval", "Follow-up of new customer-choice providers"),
     "dimension": _sv("Struktur och process", "Structure and process"),
     "frequency": _sv("Sex till åtta månader efter att utföraren börjat ta emot kunder",
                      "Six to eight months after the provider takes its first clients"),
     "responsible": _sv("Kvalitetsenheten och ekonomienheten", "The quality unit and the finance unit")},
    {"method": _sv("Årlig uppföljning av utförare i kundval", "Yearly follow-up of customer-choice providers"),
     "dimension": _sv("Struktur och resultat", "Structure and outcome"),
     "frequency": _sv("Varje år, med dialogmöte en gång per år", "Every year, with a dialogue meeting once a year"),
     "responsible": _sv("Utvecklingsledare på kvalitetsenheten i samverkan med biståndskansli och ekonomienhet",
                        "Development officers of the quality unit, with the needs assessment office and the "
                        "finance unit")},
    {"method": _sv("Uppföljning av enstaka insatser enligt ramavtal", "Follow-up of framework agreement services"),
     "dimension": _sv("Struktur", "Structure"),
     "frequency": _sv("Varje år; fördjupad granskning av stora leverantörer eller stora risker",
                      "Every year; an in-depth review of large providers or high risks"),
     "responsible": _sv("Kvalitetsenheten i samverkan med ekonomienheten",
                        "The quality unit, with the finance unit")},
    {"method": _sv("Särskild granskning", "Special review"),
     "dimension": _sv("Struktur, process och resultat", "Structure, process and outcome"),
     "frequency": _sv("Ett område per år", "One area a year"),
     "responsible": _sv("Kvalitetsenheten; området utses av politiker eller chefer",
                        "The quality unit; the area is chosen by politicians or managers")},
    {"method": _sv("Förnyad uppföljning vid allvarliga eller upprepade brister",
                   "Renewed follow-up of serious or repeated deficiencies"),
     "dimension": _sv("Process och resultat", "Process and outcome"),
     "frequency": _sv("Åtgärdsplan inom en månad, granskning inom tre månader",
                      "Remedial action plan within a month, review within three months"),
     "responsible": _sv("Kvalitetsenheten; i egen regi verksamhetens chef",
                        "The quality unit; in-house, the unit's manager")},
    {"method": _sv("Individuppföljning", "Individual follow-up"),
     "dimension": _sv("Resultat", "Outcome"),
     "frequency": _sv("Varje år, utifrån den enskildes behov", "Every year, as the person's needs call for"),
     "responsible": _sv("Biståndshandläggare", "Needs assessors")},
]
# Seed 003 (1.4): one area a year, chosen for a reason (new law) or by politicians or managers; 2.1 names
# lex Sarah and safety as areas of further follow-up.
HUDDINGE_SPECIAL_REVIEW = {
    "2025": _sv("Arbetet med lex Sarah", "Work with lex Sarah reports"),
    "2026": _sv("Säkerhet i särskilda boenden", "Safety in residential care"),
}


def load_huddinge(session: Session, registry: Registry) -> None:
    m = _municipality(session, registry, "huddinge", {"sv": "Huddinge kommun", "en": "Huddinge Municipality",
                                             "ro": "Municipiul Huddinge"}, "huddinge", "0126")
    session.get(SwedenSettings, m.id).special_review_area = dict(HUDDINGE_SPECIAL_REVIEW)
    a = _provider(session, m, "Omsorgsbolaget Syd AB")
    b = _provider(session, m, "Trygg Hemtjänst AB")
    c = _provider(session, m, "Stödboende Norden AB")
    units = {
        "HU-EB": add_unit(session, m.id, "HU-EB", "Solgårdens äldreboende (egen regi)", "in_house",
                          "residential_care", rotation_year=2026),
        "HU-EB2": add_unit(session, m.id, "HU-EB2", "Vistagårdens gruppbostad (egen regi)", "in_house",
                           "lss_housing", rotation_year=2024),
        "HU-ENT": add_unit(session, m.id, "HU-ENT", "Björkgårdens vård- och omsorgsboende", "contracted",
                           "residential_care", provider_id=a.id, provider_started_on=D(2025, 11, 1)),
        "HU-KV": add_unit(session, m.id, "HU-KV", "Trygg Hemtjänst", "customer_choice", "home_care",
                          provider_id=b.id, provider_started_on=D(2026, 2, 1)),
        "HU-RA": add_unit(session, m.id, "HU-RA", "Stödboende Norden", "framework_agreement", "other",
                          provider_id=c.id, provider_started_on=D(2019, 5, 1)),
    }
    record_followup(session, units["HU-ENT"], "cooperation_group", done_on=D(2025, 11, 20))
    record_followup(session, units["HU-ENT"], "cooperation_group", done_on=D(2025, 12, 18))
    record_followup(session, units["HU-RA"], "operational", done_on=D(2025, 9, 30))
    # The year's individual follow-up: enough answers to show the two large units, the small group home
    # and the new customer-choice provider under the threshold (5) so that the results hide them.
    _answers(session, m, 2026, {"HU-EB": 22, "HU-ENT": 16, "HU-EB2": 4, "HU-KV": 3, "HU-RA": 11}, seed=126)
    _plan(session, registry, m, 2026, "followup-plan", {
        "introduction": {"text": _sv(
            "Syftet med uppföljningsplanen är att tydliggöra vad som ska följas upp, hur, av vem och med vilken "
            "regelbundenhet. Enheter i egen regi följs upp var tredje år, entreprenader varje år och genom "
            "samverkansgrupp, nya kundvalsutförare efter sex till åtta månader.",
            "The plan states what is followed up, how, by whom and how often.")},
        "methods": {"rows": HUDDINGE_METHODS_ROWS},
        "reporting": {"text": _sv(
            "Resultaten återkopplas till utförarna och redovisas till berörda chefer och till nämnden; en "
            "sammanställning av årets uppföljningar redovisas på hemsidan och i \u201dJämför service\u201d på "
            "www.huddinge.se. Dialogmöten med utförarna hålls en gång per år.",
            "Results are fed back to the providers and reported to the managers concerned and to the committee; a "
            "summary of the year's follow-ups is published on the municipality's website. Dialogue meetings with "
            "the providers are held once a year.")},
    })


MODIGA_IDEER = ("Alla processer har pekat ut ett område med utmaningar. En stor del av förvaltningens enhetschefer "
                "har genomfört utbildningen modiga idéer och genomfört minst en förändring på sin arbetsplats för att "
                "främja ett innovativt klimat. Samtliga enhetschefer har inte genomfört utbildningen modiga idéer.")
VARUMARKE = ("Arbete har pågått i mer än 50 % av förvaltningens enheter utifrån handlingsplanen under året. Arbetet "
             "fortsätter i verksamheterna under 2018.")

# Seed 002's quality goals of 2017 ("Exempel på 2017 års kvalitetsmål"), of every kind: (title, kind,
# target, [(part, Kolada KPI, {year: (result, national figure, attained, result in words)})]); the
# parts with a KPI get their figures of 2016 and 2017 from Kolada. The first three were goals of 2016 too.
ESKILSTUNA_GOALS = [
    (_sv("86 % av brukarna inom äldreomsorgen ska vara nöjda med myndighetsutövningen",
         "86 % of users in elderly care satisfied with the needs assessment"), "percent", "86",
     [(None, None, {2017: ("78.33", None, None, None), 2016: ("70", None, None, None)})]),
    (_sv("86 % av brukarna inom äldreomsorgen ska vara nöjda med pågående och genomförda insatser",
         "86 % of users in elderly care satisfied with ongoing and completed services"), "percent", "86",
     [(None, None, {2017: ("84", None, None, None)}),
      (_sv("Vård- och omsorgsboende", "Residential care homes"), "U23471", {}),
      (_sv("Ordinärt boende", "Ordinary housing"), "U21468", {})]),
    (_sv("86 % av brukarna ska vara nöjda med handlagda, pågående och genomförda insatser inom LSS, "
         "Socialpsykiatri samt Arbete och aktivitet",
         "86 % of users satisfied with LSS, social psychiatry and work and activity services"), "percent", "86",
     [(None, None, {2017: ("89", None, None, None)}),
      (_sv("Särskilt boende enligt LSS", "LSS housing"), None, {2017: ("89.5", None, None, None)}),
      (_sv("Personlig assistans", "Personal assistance"), None, {2017: ("91", None, None, None)}),
      (_sv("Socialpsykiatri/arbete och aktivitet", "Social psychiatry, work and activity"), None,
       {2017: ("88", None, None, None)})]),
    (_sv("Alla processer ska ha pekat ut ett område med utmaningar, där förbättringsförslag och Modiga idéer "
         "önskas. Samtliga chefer ska ha genomgått utbildning i Modiga idéer samt genomfört minst en förändring på "
         "sin arbetsplats för att främja ett innovativt klimat",
         "Every process has named a challenging area where improvement proposals and Brave ideas are wanted; "
         "every manager has been trained in Brave ideas and made at least one change for an innovative climate"),
     "text", None, [(None, None, {2017: (None, None, False, MODIGA_IDEER)})]),
    (_sv("Att under 2017 ska andelen förverkligade idéer/förbättringsförslag uppgå till 7 %",
         "In 2017, 7 % of ideas and improvement proposals are carried out"), "percent", "7", [(None, None, {})]),
    (_sv("Att under 2017 ska 88 % av alla e-postmeddelanden som kommer från invånare, brukare och kunder till någon "
         "i förvaltningen bli besvarade inom två dagar",
         "In 2017, 88 % of e-mails from residents, users and customers are answered within two days"),
     "percent", "88", [(None, None, {})]),
    (_sv("Att under 2017 ska minst 50 % av alla enheter på förvaltningen ha börjat arbeta enligt handlingsplan för "
         "varumärke", "In 2017, at least 50 % of the units work to the action plan for the brand"), "yes_no", None,
     [(None, None, {2017: (None, None, True, VARUMARKE)})]),
    (_sv("Att under 2017 ska varje verksamhetsområde ha slutfört minst två av punkterna i handlingsplan för "
         "varumärke", "In 2017, every area of operation completes at least two points of the brand's action plan"),
     "count", "2", [(None, None, {})]),
]

# Seed 002: 18 reports, 5 to IVO; (area, women, men). Which five went to IVO the seed does not say.
ESKILSTUNA_LEX_SARAH = [("residential_care", 7, 5), ("ordinary_housing", 1, 1), ("lss", 0, 1),
                        ("social_psychiatry", 1, 1), ("needs_assessment", 0, 1)]
ESKILSTUNA_IVO = {"residential_care": 3, "ordinary_housing": 1, "lss": 1}
# Seed 002 whole: its sections (as its table of contents), their texts, made from the seed by
# data/build_eskilstuna_2017.py.
ESKILSTUNA_REPORT = DATA / "eskilstuna_quality_report_2017.json"


def _eskilstuna_goals(session: Session, municipality: Municipality) -> None:
    for year in (2016, 2017):
        for position, (title, kind, target, indicators) in enumerate(ESKILSTUNA_GOALS[:3] if year == 2016
                                                                     else ESKILSTUNA_GOALS):
            goal = goals.add_goal(session, municipality.id, year, title, target, position, kind)
            for scope, kpi, values in indicators:
                indicator = goals.add_indicator(session, goal, scope, kpi)
                if year in values:
                    value, national, outcome, comment = values[year]
                    goals.set_value(session, indicator, year, value, national, outcome=outcome,
                                    comment={"sv": comment} if comment else None)


def load_eskilstuna(session: Session, registry: Registry) -> None:
    m = _municipality(session, registry, "eskilstuna", {"sv": "Eskilstuna kommun", "en": "Eskilstuna Municipality",
                                               "ro": "Municipiul Eskilstuna"}, "stockholm", "0484")
    _eskilstuna_goals(session, m)
    kolada.import_kolada(session, m.id, DATA / "kolada_eskilstuna_2016_2017.json")
    for area, women, men in ESKILSTUNA_LEX_SARAH:
        to_ivo = ESKILSTUNA_IVO.get(area, 0)
        for i, sex in enumerate(["female"] * women + ["male"] * men):
            lex_sarah.add_report(session, m.id, 2017, area, sex, i < to_ivo)
    report = json.loads(ESKILSTUNA_REPORT.read_text(encoding="utf-8"))
    session.add(QualityReport(
        municipality_id=m.id, year=2017, organisation=_sv("Vård- och omsorgsförvaltningen",
                                                          "Elderly and disability care administration"),
        report_date=D(2018, 2, 13), sections=[{**s, "title": {"sv": s["title"]}} for s in report["sections"]],
        responsible=[{"name": "Johan Lindström", "role": _sv("förvaltningschef", "head of administration")},
                     {"name": "Sara Josefsson", "role": _sv("kvalitetschef", "head of quality")}]))
    session.flush()
    rows = [{key: value if key == "section" else {"sv": value} for key, value in row.items()}
            for row in report["rows"]]
    _plan(session, registry, m, 2017, "quality-report", {
        "introduction": {"text": {"sv": report["introduction"]}},
        "quality-work": {"rows": rows},
    })


LOADERS = {"stockholm": load_stockholm, "huddinge": load_huddinge, "eskilstuna": load_eskilstuna}
PLANS = {"stockholm": (2026, "followup-plan"), "huddinge": (2026, "followup-plan"),
         "eskilstuna": (2017, "quality-report")}


def load(session: Session, registry: Registry) -> list[str]:
    """Load each demo municipality that has not been loaded yet; return all three slugs."""
    for slug, loader in LOADERS.items():
        existing = municipality_by_slug(session, slug)
        year, kind = PLANS[slug]
        if existing is not None and find_plan(session, existing, year, kind) is not None:
            continue
        loader(session, registry)
    session.flush()
    return list(LOADERS)
