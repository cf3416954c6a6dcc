"""The joint suppression engine on small hand-made layouts: each rule of the module's docstring."""

from __future__ import annotations

from plugins.sweden.services.suppression import (
    CITY,
    GROUP,
    UNIT,
    AreaCounts,
    Layout,
    Margin,
    decide,
    determined,
    exposed,
    joint_bounds,
    propagate,
)


def _flat(units: int) -> Layout:
    """``units`` units and the whole municipality (the last entity) as their sum."""
    return Layout((UNIT,) * units + (CITY,), (Margin(units, tuple(range(units))),))


def _counts(answers: list[int], positive: list[int], respondents: list[int] | None = None) -> AreaCounts:
    """Units' counts with the whole municipality's appended."""
    respondents = respondents if respondents is not None else answers
    return AreaCounts((*answers, sum(answers)), (*positive, sum(positive)), (*respondents, sum(respondents)))


def test_the_issues_attack_is_closed_a_unit_hidden_in_one_area_is_hidden_in_every_area():
    # Influence: U1 20, U2 20, U3 3, U4 8 (total 51); safety shows the same units with other shares.
    influence = _counts([20, 20, 3, 8], [15, 14, 2, 6])
    safety = _counts([20, 20, 3, 8], [12, 18, 1, 3])
    decision = decide(_flat(4), {"influence": influence, "safety": safety}, [20, 20, 3, 8, 51], threshold=5)
    assert 2 in decision.rows  # three respondents
    partners = decision.rows - {2}
    assert partners and all(u in (0, 1, 3) for u in partners)
    # Whatever the partner, it is hidden in both areas: safety no longer gives U4 (or U1, U2) away.
    for area in ("influence", "safety"):
        assert {e for e in range(5) if not decision.answers_shown(e)} == set(decision.rows)
        assert decision.split[area] >= decision.rows


def test_a_small_unit_is_never_protected_only_by_another_small_unit():
    # U1 has 2 respondents; U2 has 3, U3 40, U4 9: the partner is the smallest at or above the threshold.
    counts = _counts([2, 3, 40, 9], [1, 2, 30, 7])
    decision = decide(_flat(4), {"a": counts}, [2, 3, 40, 9, 54], threshold=5)
    assert {0, 1} <= decision.rows  # both small, both primary
    assert 3 in decision.rows and 2 not in decision.rows  # 9 answers: the smallest partner above the threshold


def test_each_margin_with_one_hidden_member_gets_a_second_to_a_fixpoint_over_districts_and_providers():
    # Units 0..3; district D (4) = 0 + 1, district E (5) = 2 + 3; provider P (6) = 0 + 2; city (7).
    layout = Layout((UNIT, UNIT, UNIT, UNIT, GROUP, GROUP, GROUP, CITY), (
        Margin(4, (0, 1)), Margin(5, (2, 3)), Margin(6, (0, 2)), Margin(7, (0, 1, 2, 3)), Margin(7, (4, 5)),
        Margin(7, (6, 1, 3))))
    answers = [3, 30, 25, 40]
    counts = AreaCounts((*answers, 33, 65, 28, 98), (2, 20, 20, 30, 22, 50, 22, 72), (*answers, 33, 65, 28, 98))
    decision = decide(layout, {"a": counts}, list(counts.respondents), threshold=5)
    assert 0 in decision.rows
    for margin in layout.margins:
        assert sum(m in decision.rows for m in margin.members) != 1, margin
    assert determined(layout, set(decision.rows)) == set()


def test_a_combination_of_margins_gives_a_hidden_entity_away():
    # x + y = a, y + z = b, x + z + w = c with w shown: each margin has two hidden, yet all three follow.
    layout = Layout((UNIT, UNIT, UNIT, UNIT, GROUP, GROUP, CITY), (
        Margin(4, (0, 1)), Margin(5, (1, 2)), Margin(6, (0, 2, 3))))
    assert determined(layout, {0, 1, 2}) == {0, 1, 2}
    assert determined(layout, {0, 1, 2, 3}) == set()


def test_bounds_catch_a_partner_whose_other_answers_are_zero():
    # U0: 3 respondents, all positive, hidden; U1: 30 answers, all positive, hidden as its partner. The
    # total's other answers less U2's are 0 = o0 + o1: both pinned to 0 (all of U0's three were positive).
    counts = _counts([3, 30, 25], [3, 30, 15])
    found = exposed(_flat(3), {"a": counts}, [3, 30, 25, 58], {0, 1}, {"a": {0, 1}}, threshold=5)
    assert ("a", 0, False) in found and ("a", 1, False) in found
    # The engine hides a share with both sides at or above the threshold as well: U2's (15 / 10).
    decision = decide(_flat(3), {"a": counts}, [3, 30, 25, 58], threshold=5)
    assert 0 in decision.rows and 2 in decision.split["a"]
    assert exposed(_flat(3), {"a": counts}, [3, 30, 25, 58], decision.rows, decision.split, 5) == []
    # Known to be 1 to 4 is given away too: U0 in 1..4 when the hidden total is 4 and U0 has answers.
    small = _counts([3, 1, 25], [1, 1, 15])
    assert ("a", 0, True) in exposed(_flat(3), {"a": small}, [3, 1, 25, 29], {0, 1}, {"a": {0, 1}}, threshold=5)


def test_bounds_use_the_questionnaire_across_areas():
    # Two units hidden in every area; area b has two questions per respondent. The bounds of the
    # respondents join the areas: U0's answers in a are half its answers in b.
    a = _counts([10, 12], [5, 6])
    b = _counts([20, 24], [10, 12])
    bounds = joint_bounds(_flat(2), {"a": a, "b": b}, [10, 12, 22], {0, 1}, {"a": {0, 1}, "b": {0, 1}})
    assert bounds[("r", None, 2)] == [22, 22]  # the city's respondents follow from its shown answers
    assert bounds[("n", "a", 0)] == [1, 21] and bounds[("n", "b", 0)] == [2, 42]


def test_propagation_pins_a_lone_unknown_and_keeps_open_ones_open():
    bounds = {"t": [10, 10], "x": [0, None], "y": [0, None], "z": [3, 3]}
    propagate([[("t", 1), ("x", -1), ("y", -1), ("z", -1)]], bounds)
    assert bounds["x"] == [0, 7] and bounds["y"] == [0, 7]
    bounds["y"] = [7, 7]
    propagate([[("t", 1), ("x", -1), ("y", -1), ("z", -1)]], bounds)
    assert bounds["x"] == [0, 0]


def test_threshold_one_hides_nothing():
    counts = _counts([1, 2, 30], [1, 0, 29])
    decision = decide(_flat(3), {"a": counts}, [1, 2, 30, 33], threshold=1)
    assert decision.rows == frozenset() and decision.split["a"] == frozenset()
