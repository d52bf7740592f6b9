"""The plan's data and rules: a proposal for every catalogue measure in both languages within the field limit,
a source for every shipped funds rate, which PMR dates are possible, and a plan that changes stays coherent."""

from __future__ import annotations

import datetime as dt

import pytest

from flows.catalogue import load
from flows.discussion import catalogue
from flows.plan import FIELDS, MAX_COST, MAX_FIELD, Plan, PlanItem, pmr_date_problem, rate_for
from flows.plan_proposal import catalogue_key, proposal, proposed_item


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_catalogue_measure_has_a_proposal_within_the_limits(language):
    """Each measure of the catalogue gets all five fields, none longer than a typed field may be."""
    for measure in catalogue():
        fields = proposal(measure.key, language)
        assert fields is not None, measure.key
        assert all(0 < len(fields[name]) <= MAX_FIELD for name in ("goal", "result", "activities", "who"))
        assert 0 < fields["cost"] <= MAX_COST
    assert set(load("measure_plans")) == {measure.key for measure in catalogue()}


def test_own_words_start_empty_and_catalogue_names_are_recognised():
    """Own words (or no key) give an empty item; a catalogue name in either language and any case is found."""
    empty = proposed_item("Vaste mailmomenten", ["ouders"], None, "nl")
    assert empty.missing() == list(FIELDS) and empty.confirmed and empty.sources == ["ouders"]
    filled = proposed_item("conciërge", [], "concierge", "en")
    assert filled.missing() == [] and filled.proposed == list(FIELDS) and filled.goal.startswith("Teachers")
    assert catalogue_key("  Conciërge ") == "concierge" and catalogue_key("TEACHING assistant") == "onderwijsassistent"
    assert catalogue_key("onderwijsassistent groep 3") is None


def test_a_typed_field_is_no_longer_a_proposal_and_confirming_clears_the_rest():
    """Typing a field makes it the leader's; the plan goes to the vote only once every measure is confirmed."""
    plan = Plan([proposed_item("onderwijsassistent", [], "onderwijsassistent", "nl")])
    assert not plan.ready_for_vote and not plan.fire("to_team_vote")
    plan.items[0].set_field("cost", 38000)
    assert "cost" not in plan.items[0].proposed and plan.items[0].proposed
    plan.items[0].confirm()
    assert plan.ready_for_vote and plan.fire("to_team_vote")
    stored = Plan.from_dict(plan.to_dict())
    assert stored.items[0].measure == "onderwijsassistent" and stored.items[0].confirmed


def test_a_measure_is_found_only_while_it_is_the_same_measure():
    """A button made for a measure finds it by place and title tag: not after removal or renaming."""
    plan = Plan([PlanItem("a"), PlanItem("b"), PlanItem("c")])
    tag_b = plan.items[1].tag
    assert plan.find(1, tag_b) is plan.items[1]
    del plan.items[0]
    assert plan.find(1, tag_b) is None and plan.find(0, tag_b) is plan.items[0]
    plan.items[0].title = "b, renamed"
    assert plan.find(0, tag_b) is None and plan.find(7, tag_b) is None


def test_stored_plans_from_before_proposals_still_load():
    """A plan stored without the new fields loads as confirmed own-words measures."""
    plan = Plan.from_dict({"items": [{"title": "x", "sources": [], "goal": "g", "result": "r", "activities": "a",
                                      "who": "w", "cost": 1}], "state": "opstellen"})
    assert plan.items[0].measure is None and plan.ready_for_vote


def test_pmr_dates():
    """A PMR decision lies between the team's vote and today."""
    vote, today = dt.date(2027, 3, 1), dt.date(2027, 3, 10)
    assert pmr_date_problem(dt.date(2027, 3, 11), vote, today) == "future"
    assert pmr_date_problem(dt.date(2027, 2, 28), vote, today) == "before_vote"
    assert pmr_date_problem(vote, vote, today) is None and pmr_date_problem(today, vote, today) is None
    assert pmr_date_problem(dt.date(2020, 1, 1), None, today) is None
    assert pmr_date_problem(today, dt.date(2027, 3, 12), today) is None  # a clock that disagrees never blocks today


def test_every_shipped_rate_names_its_source():
    """Each per-pupil rate in funds.toml has a source; years without a published figure are simply absent."""
    funds = load("funds")
    assert set(funds["per_pupil"]) == set(funds["source"])
    assert rate_for("2025/26", {}) == ("2025/26", 320.64) and rate_for("2023/24", {}) == ("2022/23", 260.76)
