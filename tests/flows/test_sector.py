"""The team's choice beside the sector's: the AVS poll of 2019 as data, and how a plan's money splits over its
categories (own words count as "anders")."""

from __future__ import annotations

from flows.catalogue import load
from flows.discussion import catalogue
from flows.plan import Plan, PlanItem
from flows.sector import categories, category_of, source, split


def test_the_poll_as_data():
    """Seven categories with the published shares, adding up to 100, with the source named in both languages."""
    shares = {category.key: category.sector for category in categories()}
    assert shares == {"leerkracht": 24, "vakleerkracht": 17, "zorg": 7, "onderwijsassistent": 28, "concierge": 6,
                      "administratie": 4, "anders": 14}
    assert "AVS" in source("nl") and "2019" in source("en") and load("sector_spending")["year"] == 2019
    keyed = [key for category in categories() for key in category.measures]
    assert sorted(keyed) == sorted(measure.key for measure in catalogue())  # every catalogue measure in one category


def test_the_split_of_a_plan():
    """Money per category as a share of all planned money; own words and uncosted measures handled; nothing planned: None."""
    plan = Plan([PlanItem("a", cost=30000, measure="onderwijsassistent"), PlanItem("b", cost=5000, measure="ict"),
                 PlanItem("c", cost=5000), PlanItem("d", measure="concierge")])
    found = {share.category.key: (share.amount, share.share) for share in split(plan)}
    assert found["onderwijsassistent"] == (30000, 0.75) and found["anders"] == (10000, 0.25)
    assert found["concierge"] == (0, 0.0) and len(found) == 7
    assert category_of(None) == "anders" and category_of("zorg") == "zorg"
    assert split(Plan()) is None and split(Plan([PlanItem("x", cost=0)])) is None
