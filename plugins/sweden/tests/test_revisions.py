"""A Swedish plan's revisions keep its block (units, follow-ups, templates; never the answer cells, which
are personal-level data) once per content, not once per save, and each revision downloads whole as a plan
document."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from core.sdk.plans import document_of, find_plan, set_section_text
from core.sdk.testing import (
    DEMO_PASSWORD,
    PART,
    PlanRevision,
    RevisionPart,
    check_schema,
    get_session,
    login,
    municipality_by_slug,
    revision_snapshot,
)
from plugins.sweden.services.followups import add_unit


def _parts(session) -> int:
    return session.scalar(select(func.count()).select_from(RevisionPart))


def _revision(session, plan, number: int) -> PlanRevision:
    return session.scalar(select(PlanRevision).where(PlanRevision.plan_id == plan.id, PlanRevision.number == number))


def test_the_swedish_block_is_kept_once_however_many_saves(demo_app, demo_session):
    session, registry = demo_session, demo_app.extensions["socialplan.registry"]
    stockholm = municipality_by_slug(session, "stockholm")
    plan = find_plan(session, stockholm, 2026, "followup-plan")
    parts, first = _parts(session), plan.revision
    block = document_of(session, registry, plan)["extensions"]["sweden"]
    assert "answer_cells" not in block and len(block["units"]) == 5  # raw counts stay out of the document
    for text in ("Första", "Andra", "Tredje"):
        set_section_text(session, registry, plan, "reporting", None, text={"sv": text})
        session.commit()
    assert plan.revision == first + 3 and _parts(session) == parts  # three saves, the block kept before
    kept = _revision(session, plan, plan.revision).document["extensions"]["sweden"]
    assert set(kept) == {PART} and len(kept[PART]) == 64
    snapshot = revision_snapshot(session, _revision(session, plan, plan.revision))["extensions"]["sweden"]
    assert snapshot == block and "answer_cells" not in json.dumps(snapshot)

    add_unit(session, stockholm.id, "SO-NY", "Nya boendet", "in_house", "residential_care", "Södermalm")
    set_section_text(session, registry, plan, "reporting", None, text={"sv": "Fjärde"})
    session.commit()
    assert _parts(session) == parts + 1
    codes = [{u["code"] for u in revision_snapshot(session, _revision(session, plan, number))
              ["extensions"]["sweden"]["units"]} for number in (plan.revision - 1, plan.revision)]
    assert "SO-NY" not in codes[0] and "SO-NY" in codes[1]  # each revision reads back the block it kept


def test_a_revision_downloads_as_the_whole_plan_document(demo_app, demo_client):
    with demo_app.app_context():
        session = get_session()
        plan = find_plan(session, municipality_by_slug(session, "stockholm"), 2026, "followup-plan")
        plan_id, number = plan.id, plan.revision
        current = json.loads(json.dumps(document_of(session, demo_app.extensions["socialplan.registry"], plan)))
    login(demo_client, "planner@stockholm.demo", DEMO_PASSWORD)
    history = demo_client.get(f"/m/stockholm/plans/{plan_id}/revisions").text
    url = f"/m/stockholm/plans/{plan_id}/revisions/{number}.json"
    assert f'href="{url}"' in history
    answer = demo_client.get(url)
    assert answer.status_code == 200 and "attachment" in answer.headers["Content-Disposition"]
    document = json.loads(answer.data)
    check_schema(document)
    assert document == current  # the latest revision is the plan as it is, its Swedish block included
    assert demo_client.get(f"/m/stockholm/plans/{plan_id}/revisions/{number + 1}.json").status_code == 404
    viewer = demo_app.test_client()
    login(viewer, "viewer@stockholm.demo", DEMO_PASSWORD)
    assert viewer.get(url).status_code in (403, 404)
    other = demo_app.test_client()
    login(other, "planner@huddinge.demo", DEMO_PASSWORD)
    assert other.get(url).status_code in (403, 404)


def test_the_migration_takes_answer_cells_out_of_revisions_kept_before(app, session):
    """Revisions kept before the cells left the document hold them in the Swedish part, or inline in older
    ones: migration sweden_0004 removes them and keeps the rest of each revision."""
    import hashlib

    from alembic import command

    from core.sdk.plans import create_plan
    from core.sdk.testing import alembic_config, create_municipality, set_plugin_enabled, upgrade

    registry = app.extensions["socialplan.registry"]
    town = create_municipality(session, "gammelby", {"sv": "Gammelby"}, "SE", "sv", "SEK")
    set_plugin_enabled(session, registry, town, "sweden", True)
    add_unit(session, town.id, "GB-1", "Hemtjänst \"Åsen\" & <Co>", "in_house", "home_care", "Åsen")
    plan = create_plan(session, registry, town, 2026, "followup-plan", None)
    first = _revision(session, plan, 1)
    clean_digest = first.document["extensions"]["sweden"][PART]
    block = revision_snapshot(session, first)["extensions"]["sweden"]
    cells = [{"template": 0, "respondent": "person", "area": "respect", "district": "Åsen", "unit": "GB-1",
              "answers": 3, "positive": 3, "respondents": 3}]
    old = {**block, "answer_cells": cells}
    canonical = json.dumps(old, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    old_digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    session.add(RevisionPart(digest=old_digest, content=old))
    first.document = {**first.document, "extensions": {"sweden": {PART: old_digest}}}
    session.add(PlanRevision(plan_id=plan.id, number=2, action="edit",
                             document={**first.document, "extensions": {"sweden": old}}))  # inline, as older ones
    session.commit()
    assert revision_snapshot(session, first)["extensions"]["sweden"]["answer_cells"] == cells
    session.close()
    with app.app_context():
        command.downgrade(alembic_config(), "sweden_0003")
        upgrade()
    session.expire_all()
    kept = session.scalars(select(RevisionPart.content)).all()
    assert kept and not any("answer_cells" in content for content in kept)
    assert session.get(RevisionPart, old_digest) is None
    assert _revision(session, plan, 1).document["extensions"]["sweden"] == {PART: clean_digest}
    assert revision_snapshot(session, _revision(session, plan, 1))["extensions"]["sweden"] == block
    assert _revision(session, plan, 2).document["extensions"]["sweden"] == block


def test_a_revision_kept_before_sweden_0007_restores_with_its_quality_texts(app, session, client):
    """A quality report's revision kept when its texts were nine fixed sections: migration sweden_0008 gives it
    the one quality-work section, so restoring it brings every text back under its section."""
    from alembic import command

    from core.sdk.plans import create_plan
    from core.sdk.testing import alembic_config, create_municipality, create_user, set_plugin_enabled, upgrade

    registry = app.extensions["socialplan.registry"]
    town = create_municipality(session, "gammalstad", {"sv": "Gammalstad \"Å\" & <Ö>"}, "SE", "sv", "SEK")
    set_plugin_enabled(session, registry, town, "sweden", True)
    plan = create_plan(session, registry, town, 2016, "quality-report", None)
    kept = revision_snapshot(session, _revision(session, plan, 1))
    old_sections = {key: value for key, value in kept["sections"].items() if key != "quality-work"}
    old_sections["quality-goals"] = {"rows": [{"uid": "a" * 32, "purpose": {"sv": "Syftet 2016"},
                                               "result": {"sv": "86 % nöjda"}}],
                                     "text": {}, "footnote": {}, "not_applicable": False}
    old_sections["equality"] = {"rows": [{"uid": "b" * 32, "analysis": {"sv": "Kvinna & man lika"}}],
                                "text": {}, "footnote": {}, "not_applicable": False}
    session.add(PlanRevision(plan_id=plan.id, number=2, action="edit",
                             document={**_revision(session, plan, 1).document, "sections": old_sections}))
    plan.revision = 2
    session.commit()
    session.close()
    with app.app_context():
        command.downgrade(alembic_config(), "sweden_0007")
        upgrade()
    session.expire_all()
    moved = _revision(session, plan, 2).document["sections"]
    assert "quality-goals" not in moved and "equality" not in moved  # the old keys are gone from the snapshot
    assert [row["section"] for row in moved["quality-work"]["rows"]] == ["quality-goals", "equality"]
    plan = find_plan(session, town, 2016, "quality-report")
    session.add(PlanRevision(plan_id=plan.id, number=3, action="edit", document=_revision(session, plan, 1).document))
    plan.revision = 3
    create_user(session, "planner@gammalstad.test", DEMO_PASSWORD, "planner", town)
    session.commit()
    login(client, "planner@gammalstad.test", DEMO_PASSWORD)
    page = client.get(f"/m/gammalstad/plans/{plan.id}/revisions/2/restore")
    assert page.status_code == 200
    answer = client.post(f"/m/gammalstad/plans/{plan.id}/revisions/2/restore", data={"_base_revision": "3"})
    assert answer.status_code == 302  # restored, as the planner's confirmation page does it
    session.expire_all()
    rows = document_of(session, registry, find_plan(session, town, 2016, "quality-report"))["sections"][
        "quality-work"]["rows"]
    # every text of the old revision is back, under the section it had
    assert [(r["section"], r.get("purpose"), r.get("result"), r.get("analysis")) for r in rows] == [
        ("quality-goals", {"sv": "Syftet 2016"}, {"sv": "86 % nöjda"}, None),
        ("equality", None, None, {"sv": "Kvinna & man lika"})]
