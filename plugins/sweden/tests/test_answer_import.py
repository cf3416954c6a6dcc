"""The bulk import's own counts per cell equal a GROUP BY over what it stored."""

from __future__ import annotations

import io

from sqlalchemy import select

from plugins.sweden.models import AnswerCell
from plugins.sweden.services.answer_import import import_answers
from plugins.sweden.services.followups import add_unit
from plugins.sweden.services.individual import create_template, published_results, refresh_cells
from plugins.sweden.services.reference import default_template


def _cells(session):
    return sorted((c.respondent, c.area, c.district, c.unit_id, c.answers, c.positive, c.respondents)
                  for c in session.scalars(select(AnswerCell)))


def test_import_counts_match_a_recount(session, municipality):
    template = create_template(session, municipality.id, "Mall",
                               {k: default_template()[k] for k in ("areas", "scales", "questions")})
    for code, district in (("A", "Norr"), ("B", "Norr"), ("C", "Söder")):
        add_unit(session, municipality.id, code, f"Enhet {code}", "in_house", "home_care", district)
    lines = ["unit;response;question;value;respondent"]
    for n in range(1, 40):
        unit = "ABC"[n % 3] if n > 3 else "C"
        for q in range(1, 7):
            if (n + q) % 7:  # some questions skipped
                value = (n * q) % 5 + 1 if q in (1, 3, 5, 6) else n % 2
                lines.append(f"{unit};{n};q{q};{value};{'next_of_kin' if n % 10 == 0 else 'person'}")
    result = import_answers(session, template, 2026, io.BytesIO("\n".join(lines).encode()))
    assert result.ok and result.imported == len(lines) - 1
    imported = _cells(session)
    refresh_cells(session, template, 2026)
    assert _cells(session) == imported and len(imported) > 20
    overall = published_results(session, template, 2026).city.figures["overall"]
    assert overall.answers == sum(c[4] for c in imported if c[1] == "overall" and c[0] == "person")


def test_deleting_a_unit_or_template_deletes_its_answers(session, municipality):
    from plugins.sweden.models import Answer, Unit

    template = create_template(session, municipality.id, "Mall",
                               {k: default_template()[k] for k in ("areas", "scales", "questions")})
    other = create_template(session, municipality.id, "Mall 2",
                            {k: default_template()[k] for k in ("areas", "scales", "questions")})
    for code in ("A", "B"):
        add_unit(session, municipality.id, code, f"Enhet {code}", "in_house", "home_care", "Norr")
    text = "unit,response,question,value\nA,1,q6,5\nA,2,q6,4\nB,3,q6,2\n"
    import_answers(session, template, 2026, io.BytesIO(text.encode()))
    import_answers(session, other, 2026, io.BytesIO(b"unit,response,question,value\nB,1,q6,5\n"))
    session.commit()
    session.execute(Unit.__table__.delete().where(Unit.code == "A"))
    assert sorted(session.scalars(select(Answer.unit_id))) == [session.scalar(select(Unit.id))] * 2
    assert {c.unit_id for c in session.scalars(select(AnswerCell))} == {session.scalar(select(Unit.id))}
    session.delete(other)
    session.flush()
    assert session.scalar(select(Answer.template_id)) == template.id and len(session.scalars(
        select(Answer)).all()) == 1
