"""No edit is lost (issue 9, part 3): two people at once, a row removed under someone's form, twenty
parallel saves, and the API's ETag / If-Match. Runs on SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select
from world import KIND as PLAN_KIND
from world import PASSWORD, service

from core.models import PlanRevision
from core.testing import login

ROWS = f"/api/v1/municipalities/alpha/plans/2026/{PLAN_KIND}/sections/services/rows"


def _page(world) -> str:
    return f"/m/alpha/plans/{world.plan_ids['alpha-draft']}/sections/services"


def _browser(world, email: str):
    client = world.app.test_client()
    login(client, email, PASSWORD)
    return client


def _opened(client, url: str) -> dict[str, str]:
    """The hidden basis of the form at ``url``, as the browser would send it back."""
    page = client.get(url).text
    basis = dict(re.findall(r'name="(_base_revision|_row)" value="([^"]*)"', page))
    assert "_base_revision" in basis
    return basis


def _names(world) -> list[str]:
    rows = world.document("alpha-draft")["sections"]["services"]["rows"]
    return [row["name"]["en"] for row in rows]


def _row(name: str, code: str = "XX-1") -> dict[str, str]:
    return {"code": code, "name__en": name, "capacity": "20", "status": "existing"}


def test_a_second_save_of_the_same_row_is_refused_and_shows_what_the_other_person_changed(world):
    anna, bogdan = _browser(world, "planner@alpha.org"), _browser(world, "admin@example.org")
    url = f"{_page(world)}/rows/0"
    anna_basis, bogdan_basis = _opened(anna, url), _opened(bogdan, url)
    saved = bogdan.post(url, data={**bogdan_basis, **_row("Centrul „Bogdan” & <co>")})
    assert saved.status_code == 302

    refused = anna.post(url, data={**anna_basis, **_row("Anna's centre")})
    assert refused.status_code == 422
    page = refused.text
    assert "Someone else saved a change here while you were editing it" in page
    assert "admin@example.org" in page  # who
    assert "Centrul „Bogdan” &amp; &lt;co&gt;" in page  # what they wrote, escaped
    assert 'value="Anna&#39;s centre"' in page  # what Anna typed is kept in the form
    assert _names(world)[0] == "Centrul „Bogdan” & <co>"  # nothing of Anna's was written

    # Sent again from the refusing page (based on the revision that refused it): a knowing replacement.
    again = dict(re.findall(r'name="(_base_revision|_row)" value="([^"]*)"', page))
    assert anna.post(url, data={**again, **_row("Anna's centre")}).status_code == 302
    assert _names(world)[0] == "Anna's centre"


def test_an_edit_after_someone_removed_an_earlier_row_lands_on_its_own_row(world):
    anna, bogdan = _browser(world, "planner@alpha.org"), _browser(world, "admin@example.org")
    assert _names(world) == ["Day centre", "Home care"]
    basis = _opened(anna, f"{_page(world)}/rows/1")  # Home care, the second row
    first_row = _opened(bogdan, f"{_page(world)}/rows/0")["_row"]
    removed = bogdan.post(f"{_page(world)}/rows/0/delete", data={"_row": first_row})
    assert removed.status_code == 302
    saved = anna.post(f"{_page(world)}/rows/1", data={**basis, **_row("Home care, evenings", "XX-2")})
    assert saved.status_code == 302
    assert _names(world) == ["Home care, evenings"]  # the edit went to its row; no other row was rewritten


def test_an_edit_of_a_row_someone_removed_keeps_what_was_typed_and_offers_to_add_it(world):
    anna, bogdan = _browser(world, "planner@alpha.org"), _browser(world, "admin@example.org")
    basis = _opened(anna, f"{_page(world)}/rows/1")
    bogdan.post(f"{_page(world)}/rows/1/delete", data={"_row": basis["_row"]})
    refused = anna.post(f"{_page(world)}/rows/1", data={**basis, **_row("Home care, nights", "XX-2")})
    assert refused.status_code == 422
    assert "Someone else removed this row while you were editing it" in refused.text
    assert 'value="Home care, nights"' in refused.text
    assert f'action="{_page(world).replace("/sections/services", "")}/sections/services/rows/new"' \
        in refused.text
    assert _names(world) == ["Day centre"]


def test_two_saves_of_a_section_text_or_the_title_refuse_the_stale_one(world):
    anna, bogdan = _browser(world, "planner@alpha.org"), _browser(world, "admin@example.org")
    text_url = f"/m/alpha/plans/{world.plan_ids['alpha-draft']}/sections/intro"
    anna_basis, bogdan_basis = _opened(anna, text_url), _opened(bogdan, text_url)
    post = f"{text_url}/text"
    assert bogdan.post(post, data={**bogdan_basis, "text__en": "Bogdan's introduction"}).status_code == 302
    refused = anna.post(post, data={**anna_basis, "text__en": "Anna's introduction"})
    assert refused.status_code == 422 and "Bogdan&#39;s introduction" in refused.text
    assert world.document("alpha-draft")["sections"]["intro"]["text"] == {"en": "Bogdan's introduction"}

    title_url = f"/m/alpha/plans/{world.plan_ids['alpha-draft']}/title"
    anna_basis, bogdan_basis = _opened(anna, title_url), _opened(bogdan, title_url)
    assert bogdan.post(title_url, data={**bogdan_basis, "title__en": "Plan B"}).status_code == 302
    refused = anna.post(title_url, data={**anna_basis, "title__en": "Plan A"})
    assert refused.status_code == 422 and "Plan B" in refused.text
    assert world.document("alpha-draft")["title"] == {"en": "Plan B"}


def test_changes_to_other_rows_in_between_do_not_refuse_a_save(world):
    anna, bogdan = _browser(world, "planner@alpha.org"), _browser(world, "admin@example.org")
    basis = _opened(anna, f"{_page(world)}/rows/0")
    other = _opened(bogdan, f"{_page(world)}/rows/1")
    assert bogdan.post(f"{_page(world)}/rows/1", data={**other, **_row("Home care 2", "XX-2")}).status_code == 302
    assert anna.post(f"{_page(world)}/rows/0", data={**basis, **_row("Day centre 2")}).status_code == 302
    assert _names(world) == ["Day centre 2", "Home care 2"]  # both kept


# --- the API: ETag and If-Match ------------------------------------------------------------------------


def test_the_api_honours_if_match_on_put_and_delete(world):
    client, headers = world.app.test_client(), world.headers("planner")
    read = client.get(ROWS + "/0", headers=headers)
    tag = read.headers["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', tag)
    section = client.get(ROWS.removesuffix("/rows"), headers=headers)
    assert section.headers["ETag"] and client.get(ROWS.split("/sections")[0], headers=headers).headers["ETag"]

    row = service("Renamed once", capacity="25")
    first = client.put(ROWS + "/0", json=row, headers={**headers, "If-Match": tag})
    assert first.status_code == 200 and first.headers["ETag"] != tag
    stale = client.put(ROWS + "/0", json=service("Renamed twice", capacity="25"), headers={**headers, "If-Match": tag})
    assert stale.status_code == 412
    assert client.get(ROWS + "/0", headers=headers).get_json()["name"] == {"en": "Renamed once"}
    assert client.delete(ROWS + "/0", headers={**headers, "If-Match": tag}).status_code == 412
    weak = client.delete(ROWS + "/0", headers={**headers, "If-Match": "W/" + first.headers["ETag"]})
    assert weak.status_code == 400
    assert client.delete(ROWS + "/0", headers={**headers, "If-Match": first.headers["ETag"]}).status_code == 200
    assert len(client.get(ROWS.removesuffix("/rows"), headers=headers).get_json()["rows"]) == 1


def test_the_openapi_document_names_if_match_and_412(world):
    spec = world.app.test_client().get("/api/v1/openapi.json").get_json()
    put = spec["paths"]["/api/v1/municipalities/{slug}/plans/{year}/{kind}/sections/{section}/rows/{index}"]["put"]
    assert any(parameter["name"] == "If-Match" for parameter in put["parameters"])
    assert "412" in put["responses"] and "ETag" in put["responses"]["200"]["headers"]


# --- twenty at once ------------------------------------------------------------------------------------


def _revision_numbers(world) -> list[int]:
    with world.db() as session:
        return list(session.scalars(select(PlanRevision.number).where(
            PlanRevision.plan_id == world.plan_ids["alpha-draft"]).order_by(PlanRevision.number)))


def test_twenty_parallel_saves_lose_nothing_and_answer_no_error(world):
    headers = world.headers("planner")
    start = _revision_numbers(world)[-1]

    def add(number: int) -> int:
        return world.app.test_client().post(ROWS, json=service(f"Parallel {number}", code="XX-2", capacity="5"),
                                            headers=headers).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        codes = list(pool.map(add, range(20)))
    assert codes == [201] * 20
    names = _names(world)
    assert sorted(n for n in names if n.startswith("Parallel")) == sorted(f"Parallel {n}" for n in range(20))
    numbers = _revision_numbers(world)
    assert numbers == list(range(1, start + 21))  # one revision each, none numbered twice, none missing


def test_twenty_parallel_saves_of_one_row_based_on_one_etag_let_exactly_one_through(world):
    headers = world.headers("planner")
    client = world.app.test_client()
    tag = client.get(ROWS + "/1", headers=headers).headers["ETag"]

    def put(number: int) -> int:
        return world.app.test_client().put(ROWS + "/1", json=service(f"Edit {number}", code="XX-2", capacity="5"),
                                           headers={**headers, "If-Match": tag}).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        codes = list(pool.map(put, range(20)))
    assert sorted(codes) == [200] + [412] * 19
    winner = client.get(ROWS + "/1", headers=headers).get_json()["name"]["en"]
    assert winner == f"Edit {codes.index(200)}"
    with world.db() as session:
        kept = session.scalar(select(func.count()).select_from(PlanRevision).where(
            PlanRevision.plan_id == world.plan_ids["alpha-draft"], PlanRevision.action.like("row-edited%")))
    assert kept == 1
