"""The revision comparison matches rows by their uid: removed, added, moved and edited rows read as such.

Documents are built by hand: ten services, each with its own uid, then one change at a time.
"""

from __future__ import annotations

import copy

from core.services.revisions import diff_documents, parse_budget_key, row_values


def uid(number: int) -> str:
    return f"{number:032x}"


def service(number: int, with_uid: bool = True) -> dict:
    row = {"code": "8810 ID-I", "name": {"ro": f"Centrul „Speranța” nr. {number}", "en": f"Centre {number} & <co>"},
           "capacity": str(10 + number), "status": "existing",
           "budget": [{"year": 2021, "source": "local", "amount": f"{number}00.00", "currency": "RON", "scale": 1}]}
    return {"uid": uid(number), **row} if with_uid else row


def doc(rows: list[dict]) -> dict:
    return {"status": "draft", "title": {}, "council_decision": {}, "facts": {},
            "sections": {"existing-services": {"rows": rows, "text": {}, "footnote": {}, "not_applicable": False}}}


def rows_of(old: list[dict], new: list[dict]):
    return diff_documents(doc(old), doc(new)).sections[0].rows


def changed(rows):
    """(status, old position, new position) of every row that is not the same, 1-based as pages show them."""
    return [(row.status, None if row.old_index is None else row.old_index + 1,
             None if row.new_index is None else row.new_index + 1) for row in rows if row.status != "same"]


TEN = [service(n) for n in range(1, 11)]


def test_deleting_row_7_of_10_is_one_removed_row_and_nothing_else():
    after = TEN[:6] + TEN[7:]
    rows = rows_of(TEN, after)
    assert changed(rows) == [("removed", 7, None)]
    assert [row.status for row in rows].count("same") == 9
    assert rows[6].status == "removed" and rows[6].old["name"]["en"] == "Centre 7 & <co>"  # shown where it stood


def test_moving_row_2_to_5_is_one_moved_row_with_both_positions():
    after = [TEN[0], TEN[2], TEN[3], TEN[4], TEN[1], *TEN[5:]]
    rows = rows_of(TEN, after)
    assert changed(rows) == [("moved", 2, 5)]
    moved = next(row for row in rows if row.status == "moved")
    assert not moved.edited and moved.changed_keys == set()


def test_a_row_added_in_the_middle_is_added_and_the_rows_after_it_are_the_same():
    new = service(99)
    after = [*TEN[:4], new, *TEN[4:]]
    rows = rows_of(TEN, after)
    assert changed(rows) == [("added", None, 5)]
    added = rows[4]
    assert added.changed_keys >= {"name.en", "name.ro", "capacity", "budget[2021/local].amount"}


def test_one_field_of_one_row_edited_is_one_changed_cell():
    after = copy.deepcopy(TEN)
    after[3]["name"]["ro"] = "Centrul „Speranța” reabilitat"
    after[3]["budget"][0]["amount"] = "450.00"
    rows = rows_of(TEN, after)
    assert changed(rows) == [("changed", 4, 4)]
    assert rows[3].changed_keys == {"name.ro", "budget[2021/local].amount"}


def test_the_uid_is_never_a_cell():
    assert "uid" not in row_values(service(1))
    rows = rows_of(TEN, [dict(row, uid=uid(100 + n)) for n, row in enumerate(TEN)])  # other rows, same values
    assert all("uid" not in row.changed_keys for row in rows)
    assert [row.status for row in rows].count("added") == 10 and [row.status for row in rows].count("removed") == 10


def test_an_old_revision_without_uids_is_compared_by_position():
    old = [service(n, with_uid=False) for n in range(1, 11)]
    after = copy.deepcopy(TEN)
    after[2]["capacity"] = "99"
    rows = rows_of(old, after)
    assert changed(rows) == [("changed", 3, 3)]
    assert rows[2].changed_keys == {"capacity"}  # the uid the newer row gained is not a change
    shorter = rows_of(old, TEN[:9])
    assert changed(shorter) == [("removed", 10, None)]


def test_a_moved_and_edited_row_is_moved_with_its_changed_cells():
    after = [TEN[1], TEN[2], TEN[3], dict(TEN[0], capacity="42"), *TEN[4:]]
    rows = rows_of(TEN, after)
    assert changed(rows) == [("moved", 1, 4)]
    moved = rows[3]
    assert moved.edited and moved.changed_keys == {"capacity"}
    assert (moved.cells[[c.key for c in moved.cells].index("capacity")].old, moved.new["capacity"]) == ("11", "42")


def test_of_two_swapped_rows_one_is_moved():
    rows = rows_of(TEN, [TEN[1], TEN[0], *TEN[2:]])
    assert len([row for row in rows if row.status == "moved"]) == 1
    assert [row.status for row in rows].count("same") == 9


def test_budget_lines_are_named_by_year_and_source_not_place():
    old = service(1)
    new = copy.deepcopy(old)
    new["budget"].insert(0, {"year": 2021, "source": "state", "amount": "5.00", "currency": "RON", "scale": 1})
    rows = rows_of([old], [new])
    assert rows[0].changed_keys == {"budget[2021/state].amount", "budget[2021/state].currency",
                                    "budget[2021/state].scale"}  # the local line did not change
    key = parse_budget_key("budget[2021/local#2].note.ro")
    assert (key.year, key.source, key.field, key.repeat) == ("2021", "local", "note.ro", 2)
    assert parse_budget_key("name.ro") is None


def test_a_period_is_one_value():
    old = {"uid": uid(1), "title": {"ro": "Campanie"}, "period": {"kind": "month", "month": 6, "year": 2021}}
    new = dict(old, period={"kind": "half-year", "half": 2, "year": 2021})
    rows = rows_of([old], [new])
    assert rows[0].changed_keys == {"period"}
    cell = next(c for c in rows[0].cells if c.key == "period")
    assert cell.old == {"kind": "month", "month": 6, "year": 2021}
