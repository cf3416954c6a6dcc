"""Demo municipalities: Stockholm (a district), Huddinge and Eskilstuna (its 2017 quality report).

Idempotent: a municipality that already exists is left as it is. Eskilstuna's goals, results and
lex Sarah table are those of seed 002; the units, follow-ups and answers of Stockholm and
Huddinge are invented to show every operating form and rule.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from sqlalchemy.orm import Session

from core.sdk import Registry
from core.sdk.demo import ensure_municipality, ensure_user, municipality_by_slug
from core.sdk.models import Municipality, Provider
from core.sdk.plans import action, create_plan, find_plan, replace_sections
from core.sdk.providers import add_provider
from plugins.sweden.models import SwedenSettings
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


def load_huddinge(session: Session, registry: Registry) -> None:
    m = _municipality(session, registry, "huddinge", {"sv": "Huddinge kommun", "en": "Huddinge Municipality",
                                             "ro": "Municipiul Huddinge"}, "huddinge", "0126")
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
    _plan(session, registry, m, 2026, "followup-plan", {
        "introduction": {"text": _sv(
            "Syftet med uppföljningsplanen är att tydliggöra vad som ska följas upp, hur, av vem och med vilken "
            "regelbundenhet. Enheter i egen regi följs upp var tredje år, entreprenader varje år och genom "
            "samverkansgrupp, nya kundvalsutförare efter sex till åtta månader.",
            "The plan states what is followed up, how, by whom and how often.")},
        "methods": {"rows": FOLLOWUP_METHODS_ROWS[:1]},
    })


ESKILSTUNA_GOALS = [
    (_sv("86 % av brukarna inom äldreomsorgen ska vara nöjda med myndighetsutövningen",
         "86 % of users in elderly care satisfied with the needs assessment"),
     [(None, None, {2017: ("78.33", None), 2016: ("70", None)})]),
    (_sv("86 % av brukarna inom äldreomsorgen ska vara nöjda med pågående och genomförda insatser",
         "86 % of users in elderly care satisfied with ongoing and completed services"),
     [(None, None, {2017: ("84", None)}),
      (_sv("Vård- och omsorgsboende", "Residential care homes"), "U23471", {}),
      (_sv("Ordinärt boende", "Ordinary housing"), "U21468", {})]),
    (_sv("86 % av brukarna ska vara nöjda med insatser inom LSS, socialpsykiatri samt arbete och aktivitet",
         "86 % of users satisfied with LSS, social psychiatry and work and activity services"),
     [(None, None, {2017: ("89", None)})]),
]

# Seed 002: 18 reports, 5 to IVO; (area, women, men). Which five went to IVO the seed does not say.
ESKILSTUNA_LEX_SARAH = [("residential_care", 7, 5), ("ordinary_housing", 1, 1), ("lss", 0, 1),
                        ("social_psychiatry", 1, 1), ("needs_assessment", 0, 1)]
ESKILSTUNA_IVO = {"residential_care": 3, "ordinary_housing": 1, "lss": 1}


def load_eskilstuna(session: Session, registry: Registry) -> None:
    m = _municipality(session, registry, "eskilstuna", {"sv": "Eskilstuna kommun", "en": "Eskilstuna Municipality",
                                               "ro": "Municipiul Eskilstuna"}, "stockholm", "0484")
    for year in (2016, 2017):
        for position, (title, indicators) in enumerate(ESKILSTUNA_GOALS):
            goal = goals.add_goal(session, m.id, year, title, "86", position)
            for scope, kpi, values in indicators:
                indicator = goals.add_indicator(session, goal, scope, kpi)
                if year in values:
                    goals.set_value(session, indicator, year, *values[year])
    kolada.import_kolada(session, m.id, DATA / "kolada_eskilstuna_2016_2017.json")
    for area, women, men in ESKILSTUNA_LEX_SARAH:
        to_ivo = ESKILSTUNA_IVO.get(area, 0)
        for i, sex in enumerate(["female"] * women + ["male"] * men):
            lex_sarah.add_report(session, m.id, 2017, area, sex, i < to_ivo)
    _plan(session, registry, m, 2017, "quality-report", {
        "introduction": {"text": _sv(
            "Den som bedriver socialtjänst eller verksamhet enligt LSS bör varje år upprätta en sammanhållen "
            "kvalitetsberättelse enligt SOSFS 2011:9 kap 7 § 1.",
            "Providers of social services should each year write a quality report (SOSFS 2011:9, ch. 7, § 1).")},
        "goal-attainment": {"rows": [{
            "topic": _sv("Måluppfyllelse", "Goal attainment"),
            "purpose": _sv("Att följa upp kvalitetsmålen i nämndens verksamhetsplan.",
                           "To follow up the quality goals of the committee's operational plan."),
            "result": _sv("Brukarnöjdheten inom äldreomsorgen uppmättes till 84 % för 2017.",
                          "User satisfaction in elderly care was 84 % in 2017."),
            "analysis": _sv("Måluppfyllelsen har följts upp kontinuerligt under året.",
                            "Goal attainment was followed up throughout the year."),
        }]},
        "complaints-lex-sarah": {"rows": [{
            "topic": _sv("Brukarrelaterade avvikelser och lex Sarah", "User-related deviations and lex Sarah"),
            "purpose": _sv("Att rapportera, dokumentera, analysera och åtgärda avvikelser.",
                           "To report, document, analyse and remedy deviations."),
            "result": _sv("Under 2017 har antal händelser ökat gällande misstanke om missförhållande.",
                          "In 2017 the number of reports of suspected misconduct rose."),
            "analysis": _sv("Inga händelseanalyser gjordes 2017, vilket kan ha ökat antalet rapporter.",
                            "No event analyses were made in 2017, which may have raised the number of reports."),
            "improvements": _sv("Fortsätta att informera om rapporteringsskyldigheten.",
                                "Keep informing staff of the duty to report."),
        }]},
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
