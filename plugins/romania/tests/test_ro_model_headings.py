"""Each table of the seed's PDF (Piatra Neamț 2021) is headed as the model-cadru and the seed head it (issue 10):
Chapter III's first column says who or what is trained (Personalul de specialitate, Personal, Programe de
voluntariat, Teme de interes), II.7 says Tematica, I.A's county budget keeps its asterisk; one generic heading
for every training table is gone; Swedish says 'nu este cazul' in the glossary's words."""

from __future__ import annotations

import pytest

from core.sdk.plans import import_plan
from core.sdk.reports import render_report
from core.sdk.testing import get_registry, pdf_text
from plugins.romania.tests.helpers import demo_plan
from plugins.romania.tests.own_plan import own_document

# (the section's title, the next section's title, the heading its table starts with), as printed in Romanian
RO = [
    ("1.a. Cursuri de perfecționare", "1.b. Cursuri de calificare", "Personalul de specialitate"),
    ("1.b. Cursuri de calificare", "1.c.1. Instruirea asistentului personal", "Personal Nr. persoane"),
    ("1.c.1. Instruirea asistentului personal", "1.c.2. Instruirea personalului", "Personal Nr. persoane"),
    ("1.c.2. Instruirea personalului", "1.d. Sesiuni de instruire", "Personal Nr. persoane"),
    ("1.d. Sesiuni de instruire", "1.e. Întâlniri de tip peer review", "Programe de voluntariat"),
    ("1.e. Întâlniri de tip peer review", "1.f. Participarea", "Teme de interes"),
    ("1.f. Participarea", "2. Contracte de supervizare", "Teme de interes"),
    ("7. Activități de informare și consiliere", "8. Mesaje de interes public", "Tematica"),
    ("A. Serviciile sociale oferite", "B. Servicii sociale propuse", "Buget județean*"),
    ("B. Servicii sociale propuse", "C. Programul anual", "Capacitate necesară"),
]
EN = [
    ("1.a. Further-training courses", "1.b. Qualification courses", "Specialist staff"),
    ("1.b. Qualification courses", "1.c.1. Training of personal assistants", "Staff"),
    ("1.d. Training sessions for volunteers", "1.e. Peer-review meetings", "Volunteer programmes"),
    ("1.e. Peer-review meetings", "1.f. Training sessions", "Topics of interest"),
    ("7. Information and counselling", "8. Public interest messages", "Topic"),
    ("A. Social services provided", "B. Social services proposed", "County budget*"),
]


@pytest.mark.parametrize(("lang", "expected"), [("ro", RO), ("en", EN)])
def test_each_table_is_headed_as_the_model_cadru(demo_session, lang, expected):
    text = " ".join(pdf_text(render_report(demo_session, demo_plan(demo_session), "action-plan", lang),
                             plain_spaces=True).split())
    for start, end, heading in expected:
        part = text[text.index(start):text.index(end, text.index(start))]
        assert heading in part, (start, heading)
    assert "Staff, department or topic" not in text and "Personal, serviciu sau temă" not in text


def test_the_swedish_pdf_says_not_applicable_as_the_glossary_and_the_editor_do(session):
    """'nu este cazul' is 'ej aktuellt' in Swedish (GLOSSARY.md), the words core's editor uses beside the section."""
    plan = import_plan(session, get_registry(), own_document(), None)
    session.commit()
    text = " ".join(pdf_text(render_report(session, plan, "action-plan", "sv"), plain_spaces=True).split())
    part = text[text.index("1.b. Yrkesutbildningar"):text.index("1.c.1.")]
    assert "Ej aktuellt." in part and "tillämpligt" not in text
