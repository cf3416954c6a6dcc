"""Fill the sv and ro catalogs from the table below (run after `pybabel update`); en copies msgid.

Kept next to the catalogs so a new msgid gets its translations here, reviewed, in one place.
Usage: .venv/bin/python plugins/sweden/translations/fill.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

HERE = Path(__file__).resolve().parent

T: dict[str, tuple[str, str]] = {
    "%(total)s lex Sarah reports were made in %(year)s; %(ivo)s of them were reported to the Health and Social Care "
    "Inspectorate (IVO).": (
        "Under %(year)s gjordes %(total)s lex Sarah-rapporter; %(ivo)s av dem anmäldes till Inspektionen för vård "
        "och omsorg (IVO).",
        "În %(year)s au fost făcute %(total)s rapoarte lex Sarah; %(ivo)s dintre ele au fost transmise Inspectoratului "
        "pentru sănătate și îngrijire socială (IVO)."),
    "– : fewer than %(n)s respondents, or hidden so that such a group cannot be worked out from the totals.": (
        "– : färre än %(n)s svarande, eller dolt så att en sådan grupp inte kan räknas fram ur summorna.",
        "– : mai puțin de %(n)s respondenți, sau ascuns pentru ca un astfel de grup să nu poată fi dedus "
        "din totaluri."),
    "%(done)s of %(planned)s follow-ups done in %(year)s; %(overdue)s overdue.": (
        "%(done)s av %(planned)s uppföljningar genomförda %(year)s; %(overdue)s försenade.",
        "%(done)s din %(planned)s monitorizări efectuate în %(year)s; %(overdue)s întârziate."),
    "'%(value)s' is not a number.": ("'%(value)s' är inte ett tal.", "'%(value)s' nu este un număr."),
    "A percentage must be between 0 and 100, not %(value)s.": (
        "En procentsats måste vara mellan 0 och 100, inte %(value)s.",
        "Un procent trebuie să fie între 0 și 100, nu %(value)s."),
    "A warning needs a deadline.": ("En varning behöver en tidsfrist.", "Un avertisment are nevoie de un termen."),
    "Action plan received": ("Åtgärdsplan inkommen", "Plan de remediere primit"),
    "Action plan requested": ("Åtgärdsplan begärd", "Plan de remediere solicitat"),
    "All": ("Alla", "Toate"),
    "Analysis": ("Analys", "Analiză"),
    "Answers": ("Svar", "Răspunsuri"),
    "Appendix: schedule per unit": ("Bilaga: schema per enhet", "Anexă: calendar pe unitate"),
    "Approved": ("Beslutad", "Aprobat"),
    "Area": ("Verksamhetsområde", "Domeniu"),
    "Area chosen for special review": ("Område utvalt för särskild granskning",
                                       "Domeniu ales pentru verificare specială"),
    "Attained": ("Uppnått", "Atins"),
    "Close the case": ("Avsluta ärendet", "Închide cazul"),
    "Closed": ("Avslutat", "Închis"),
    "Complaints, deviations and lex Sarah": ("Klagomål och synpunkter, avvikelser och lex Sarah",
                                             "Reclamații, abateri și rapoarte lex Sarah"),
    "Contract terminated": ("Avtalet hävt", "Contract reziliat"),
    "Contracted (LOU)": ("Entreprenad (LOU)", "Contractat (LOU)"),
    "Cooperation": ("Samverkan", "Cooperare"),
    "Customer choice (LOV)": ("Kundval (LOV)", "Alegerea clientului (LOV)"),
    "Day care": ("Dagverksamhet", "Centru de zi"),
    "Deadline": ("Tidsfrist", "Termen"),
    "Decision %(reference)s of %(date)s": ("Beslut %(reference)s den %(date)s",
                                           "Decizia %(reference)s din %(date)s"),
    "District": ("Stadsdel", "Cartier"),
    "Done": ("Genomförd", "Efectuată"),
    "Draft": ("Utkast", "Proiect"),
    "Due": ("Senast", "Termen"),
    "Every %(n)s years": ("Vart %(n)s:e år", "La fiecare %(n)s ani"),
    "Every other month": ("Varannan månad", "La două luni"),
    "Every year": ("Varje år", "În fiecare an"),
    "Follow up again": ("Ny uppföljning", "Monitorizare nouă"),
    "Follow-up calendar %(year)s": ("Uppföljningskalender %(year)s", "Calendarul monitorizărilor %(year)s"),
    "Follow-up methods": ("Uppföljningsmetoder", "Metode de monitorizare"),
    "Follow-up plan": ("Uppföljningsplan", "Plan de monitorizare"),
    "Follow-up plan %(year)s": ("Uppföljningsplan %(year)s", "Plan de monitorizare %(year)s"),
    "Follow-up, control and evaluation": ("Uppföljning, kontroll och utvärdering",
                                          "Monitorizare, control și evaluare"),
    "Follow-ups and deficiency cases": ("Uppföljningar och bristärenden", "Monitorizări și cazuri de deficiențe"),
    "Follow-ups due in the next 90 days or overdue": ("Uppföljningar som ska göras inom 90 dagar eller är försenade",
                                                      "Monitorizări scadente în următoarele 90 de zile sau întârziate"),
    "Framework agreement": ("Ramavtal", "Acord-cadru"),
    "Frequency": ("Frekvens", "Frecvență"),
    "Gender equality and equity": ("Jämställdhet och jämlikhet", "Egalitate de gen și echitate"),
    "Give the date the follow-up was done or is planned for.": (
        "Ange datum då uppföljningen gjordes eller är planerad.",
        "Indicați data la care monitorizarea a fost efectuată sau este planificată."),
    "Give the unit a name.": ("Ge enheten ett namn.", "Dați un nume unității."),
    "Goal attainment": ("Måluppfyllelse", "Atingerea obiectivelor"),
    "Home care": ("Hemtjänst", "Îngrijire la domiciliu"),
    "Improvement proposals": ("Förbättringsförslag", "Propuneri de îmbunătățire"),
    "In-house": ("Egen regi", "În regie proprie"),
    "Individual follow-up results": ("Resultat av individuppföljning", "Rezultatele monitorizării individuale"),
    "Individual follow-up results %(year)s": ("Resultat av individuppföljning %(year)s",
                                              "Rezultatele monitorizării individuale %(year)s"),
    "Introduction": ("Inledning", "Introducere"),
    "Issue a warning": ("Lämna varning", "Emite un avertisment"),
    "LSS housing": ("LSS-boende", "Locuință LSS"),
    "LSS housing, autism services and personal assistance": (
        "LSS-boende, autismverksamhet och personlig assistans",
        "Locuințe LSS, servicii pentru autism și asistență personală"),
    "Management system": ("Ledningssystem", "Sistem de management"),
    "Measured for": ("Mätt för", "Măsurat pentru"),
    "Men": ("Man", "Bărbați"),
    "Method": ("Metod", "Metodă"),
    "Methods and quality dimensions": ("Metoder och kvalitetsdimensioner", "Metode și dimensiuni ale calității"),
    "Monthly during the first six months": ("Månatligen de första sex månaderna", "Lunar în primele șase luni"),
    "Municipal budget": ("Kommunens budget", "Bugetul municipiului"),
    "Name who decided.": ("Ange vem som beslutade.", "Indicați cine a decis."),
    "Needs-assessment office": ("Biståndskontoret", "Biroul de evaluare a nevoilor"),
    "New provider": ("Ny utförare", "Furnizor nou"),
    "Next step": ("Nästa steg", "Pasul următor"),
    "Next-of-kin satisfaction index (NNI): %(value)s": ("Nöjd Närstående Index (NNI): %(value)s",
                                                         "Indicele de satisfacție al aparținătorilor (NNI): %(value)s"),
    "No": ("Nej", "Nu"),
    "No individual follow-up answers are recorded for this year.": (
        "Inga svar från individuppföljning är registrerade för året.",
        "Nu sunt înregistrate răspunsuri de monitorizare individuală pentru acest an."),
    "No open cases.": ("Inga öppna ärenden.", "Niciun caz deschis."),
    "Not remedied": ("Inte åtgärdat", "Neremediat"),
    "Open deficiency cases": ("Öppna bristärenden", "Cazuri de deficiențe deschise"),
    "Opened": ("Öppnat", "Deschis"),
    "Operating form": ("Driftform", "Formă de administrare"),
    "Ordinary housing": ("Ordinärt boende", "Locuință obișnuită"),
    "Other service": ("Annan insats", "Alt serviciu"),
    "Other sources": ("Övriga källor", "Alte surse"),
    "Outcome quality": ("Resultatkvalitet", "Calitatea rezultatelor"),
    "Overdue": ("Försenad", "Întârziat"),
    "Positive": ("Positiva", "Pozitive"),
    "Process quality": ("Processkvalitet", "Calitatea procesului"),
    "Provider started": ("Utföraren startade", "Data începerii furnizorului"),
    "Purpose": ("Syfte", "Scop"),
    "Quality dimension": ("Kvalitetsdimension", "Dimensiunea calității"),
    "Quality goal": ("Kvalitetsmål", "Obiectiv de calitate"),
    "Quality goals and strategies": ("Kvalitetsmål och strategier", "Obiective și strategii de calitate"),
    "Quality report": ("Kvalitetsberättelse", "Raport anual de calitate"),
    "Quality report %(year)s": ("Kvalitetsberättelse %(year)s", "Raport anual de calitate %(year)s"),
    "Quality work": ("Kvalitetsarbete", "Activitatea privind calitatea"),
    "Reason": ("Anledning", "Motiv"),
    "Receive the action plan": ("Ta emot åtgärdsplanen", "Primește planul de remediere"),
    "Record the committee's decision": ("Registrera nämndens beslut", "Înregistrează decizia comisiei"),
    "Remedied": ("Åtgärdat", "Remediat"),
    "Report to the committee": ("Rapportera till nämnden", "Raportează comisiei"),
    "Reported to the committee": ("Rapporterat till nämnden", "Raportat comisiei"),
    "Reporting of results": ("Redovisning av resultat", "Raportarea rezultatelor"),
    "Reports": ("Antal rapporter", "Rapoarte"),
    "Request an action plan": ("Begär in åtgärdsplan", "Solicită un plan de remediere"),
    "Residential care home": ("Vård- och omsorgsboende", "Cămin de îngrijire rezidențială"),
    "Responsible": ("Ansvarig", "Responsabil"),
    "Result": ("Resultat", "Rezultat"),
    "Return to draft": ("Återför till utkast", "Readu la stadiul de proiect"),
    "Review after the warning": ("Granskning efter varningen", "Verificare după avertisment"),
    "Review the measures taken": ("Granska vidtagna åtgärder", "Verifică măsurile luate"),
    "Rotation": ("Rullande schema", "Rotație"),
    "Row %(row)s: the answer %(value)s is outside the scale %(min)s to %(max)s.": (
        "Rad %(row)s: svaret %(value)s ligger utanför skalan %(min)s till %(max)s.",
        "Rândul %(row)s: răspunsul %(value)s este în afara scalei de la %(min)s la %(max)s."),
    "Row %(row)s: the question '%(question)s' belongs to another area.": (
        "Rad %(row)s: frågan '%(question)s' hör till ett annat frågeområde.",
        "Rândul %(row)s: întrebarea '%(question)s' aparține altui domeniu."),
    "Row %(row)s: the question '%(question)s' is not in the template.": (
        "Rad %(row)s: frågan '%(question)s' finns inte i mallen.",
        "Rândul %(row)s: întrebarea '%(question)s' nu este în șablon."),
    "Row %(row)s: the question area '%(area)s' is not in the template.": (
        "Rad %(row)s: frågeområdet '%(area)s' finns inte i mallen.",
        "Rândul %(row)s: domeniul de întrebări '%(area)s' nu este în șablon."),
    "Row %(row)s: the respondent must be the person or next of kin.": (
        "Rad %(row)s: den svarande måste vara personen eller en närstående.",
        "Rândul %(row)s: respondentul trebuie să fie persoana sau un aparținător."),
    "Row %(row)s: there is no unit '%(unit)s'.": ("Rad %(row)s: det finns ingen enhet '%(unit)s'.",
                                                  "Rândul %(row)s: nu există unitatea '%(unit)s'."),
    "Say whether the deficiencies were remedied.": ("Ange om bristerna har åtgärdats.",
                                                    "Indicați dacă deficiențele au fost remediate."),
    "Schedule per unit": ("Schema per enhet", "Calendar pe unitate"),
    "Service housing": ("Servicehus", "Locuință cu servicii"),
    "Service type": ("Insatstyp", "Tipul serviciului"),
    "Set the municipality's Kolada id first.": ("Ange först kommunens Kolada-id.",
                                                "Setați mai întâi codul Kolada al municipiului."),
    "Share of positive answers per question area": ("Andel positiva svar per frågeområde",
                                                    "Ponderea răspunsurilor pozitive pe domeniu de întrebări"),
    "Social psychiatry / work and activity": ("Socialpsykiatri/ Arbete och aktivitet",
                                              "Psihiatrie socială / muncă și activitate"),
    "State": ("Läge", "Stare"),
    "State grant": ("Statsbidrag", "Grant de stat"),
    "Structure quality": ("Strukturkvalitet", "Calitatea structurii"),
    "Submit to the committee": ("Lämna till nämnden", "Transmite comisiei"),
    "Submitted": ("Inlämnad", "Transmis"),
    "Sweden": ("Sverige", "Suedia"),
    "National figure": ("Riket", "Media națională"),
    "Systematic improvement work": ("Systematiskt förbättringsarbete", "Activitate sistematică de îmbunătățire"),
    "Target": ("Mål", "Țintă"),
    "Terminate the contract": ("Häv avtalet", "Reziliază contractul"),
    "The Kolada file cannot be read: %(error)s": ("Kolada-filen kan inte läsas: %(error)s",
                                                  "Fișierul Kolada nu poate fi citit: %(error)s"),
    "The answer scale '%(scale)s' is not in the template.": ("Svarsskalan '%(scale)s' finns inte i mallen.",
                                                             "Scala de răspuns '%(scale)s' nu este în șablon."),
    "The date %(date)s is before the provider started (%(start)s).": (
        "Datumet %(date)s är före utförarens start (%(start)s).",
        "Data %(date)s este înainte de începerea furnizorului (%(start)s)."),
    "The deadline %(deadline)s is before the case was opened (%(opened)s).": (
        "Tidsfristen %(deadline)s är före ärendets öppnande (%(opened)s).",
        "Termenul %(deadline)s este înainte de deschiderea cazului (%(opened)s)."),
    "The deadline %(deadline)s must be after the step's date (%(date)s).": (
        "Tidsfristen %(deadline)s måste vara efter stegets datum (%(date)s).",
        "Termenul %(deadline)s trebuie să fie după data pasului (%(date)s)."),
    "The file is not a Kolada API v2 data document.": ("Filen är inte ett datadokument från Kolada API v2.",
                                                       "Fișierul nu este un document de date Kolada API v2."),
    "The question area '%(area)s' is not in the template.": ("Frågeområdet '%(area)s' finns inte i mallen.",
                                                             "Domeniul de întrebări '%(area)s' nu este în șablon."),
    "The question code '%(code)s' is used twice.": ("Frågekoden '%(code)s' används två gånger.",
                                                    "Codul întrebării '%(code)s' este folosit de două ori."),
    "The report's date %(date)s is not in %(year)s.": ("Rapportens datum %(date)s ligger inte i %(year)s.",
                                                       "Data raportului %(date)s nu este în %(year)s."),
    "The scale %(scale)s must go from a lower to a higher value.": (
        "Skalan %(scale)s måste gå från ett lägre till ett högre värde.",
        "Scala %(scale)s trebuie să meargă de la o valoare mai mică la una mai mare."),
    "The sex must be female or male, or left empty.": ("Kön måste vara kvinna eller man, eller lämnas tomt.",
                                                       "Sexul trebuie să fie feminin sau masculin, sau lăsat gol."),
    "The step '%(step)s' cannot be taken while the case is '%(state)s'.": (
        "Steget '%(step)s' kan inte tas när ärendet är '%(state)s'.",
        "Pasul '%(step)s' nu poate fi făcut cât timp cazul este '%(state)s'."),
    "The step's date %(date)s is before the case was opened (%(opened)s).": (
        "Stegets datum %(date)s är före ärendets öppnande (%(opened)s).",
        "Data pasului %(date)s este înainte de deschiderea cazului (%(opened)s)."),
    "The step's date %(date)s is before the previous step's date (%(previous)s).": (
        "Stegets datum %(date)s är före föregående stegs datum (%(previous)s).",
        "Data pasului %(date)s este înainte de data pasului anterior (%(previous)s)."),
    "The year's calendar is computed from the units and the schedule rules.": (
        "Årets kalender beräknas från enheterna och uppföljningsreglerna.",
        "Calendarul anului este calculat din unități și regulile de programare."),
    "Topic": ("Rubrik", "Subiect"),
    "Total": ("Totalt", "Total"),
    "Unit": ("Enhet", "Unitate"),
    "Unit with an action plan": ("Enhet med åtgärdsplan", "Unitate cu plan de remediere"),
    "Units": ("Enheter", "Unități"),
    "Unknown area: %(area)s.": ("Okänt verksamhetsområde: %(area)s.", "Domeniu necunoscut: %(area)s."),
    "Unknown follow-up method: %(method)s.": ("Okänd uppföljningsmetod: %(method)s.",
                                              "Metodă de monitorizare necunoscută: %(method)s."),
    "Unknown operating form: %(form)s.": ("Okänd driftform: %(form)s.", "Formă de administrare necunoscută: %(form)s."),
    "Unknown schedule preset: %(preset)s.": ("Okänd regeluppsättning: %(preset)s.",
                                             "Set de reguli necunoscut: %(preset)s."),
    "Unknown service type: %(type)s.": ("Okänd insatstyp: %(type)s.", "Tip de serviciu necunoscut: %(type)s."),
    "User fees": ("Avgifter från brukare", "Contribuții ale beneficiarilor"),
    "User involvement": ("Brukarinvolvering/delaktighet", "Implicarea beneficiarilor"),
    "Warning deadline passed without remedy": ("Varningens tidsfrist har gått ut utan åtgärd",
                                               "Termenul avertismentului a expirat fără remediere"),
    "Warning issued": ("Varning lämnad", "Avertisment emis"),
    "What is followed up, how, by whom and how often.": ("Vad som följs upp, hur, av vem och hur ofta.",
                                                         "Ce se monitorizează, cum, de către cine și cât de des."),
    "Whole municipality": ("Hela kommunen", "Întregul municipiu"),
    "Women": ("Kvinna", "Femei"),
    "Yearly dialogue meeting with providers": ("Årligt dialogmöte med utförare",
                                               "Întâlnire anuală de dialog cu furnizorii"),
    "Yes": ("Ja", "Da"),
}


def fill(locale: str) -> list[str]:
    path = HERE / locale / "LC_MESSAGES" / "sweden.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        if locale == "en":
            message.string = message.id
        elif message.id in T:
            message.string = T[message.id][0 if locale == "sv" else 1]
        else:
            missing.append(message.id)
        message.flags.discard("fuzzy")
    with path.open("wb") as handle:
        write_po(handle, catalog, width=120, omit_header=False)
    return missing


if __name__ == "__main__":
    gaps = {locale: fill(locale) for locale in ("sv", "ro", "en")}
    for locale, ids in gaps.items():
        for msgid in ids:
            print(f"{locale}: no translation for {msgid!r}", file=sys.stderr)
    sys.exit(1 if any(gaps.values()) else 0)
