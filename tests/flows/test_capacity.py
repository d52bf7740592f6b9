"""The budget in people: an amount as fte, days or hours a week of a role, from its employer cost per fte;
a role without a figure is never expressed in people; a configured figure wins."""

from __future__ import annotations

from flows.capacity import FTE_FROM, capacity, role_keys, roles
from flows.catalogue import load
from flows.plan import Plan, PlanItem, budget


def _role(key, costs):
    return next(role for role in roles(costs) if role.key == key)


def test_fte_days_and_hours():
    """From 0,75 fte on in fte; below in half days a week; below half a day in hours a week."""
    assistant = _role("onderwijsassistent", {"onderwijsassistent": 60000})
    assert capacity(55281, assistant).fte == 0.9 and capacity(55281, assistant).days is None
    assert capacity(120000, assistant).fte == 2.0
    two_days = capacity(30000, _role("vakleerkracht", {"vakleerkracht": 75000}))
    assert (two_days.days, two_days.hours) == (2.0, None)
    hours = capacity(4000, assistant)
    assert hours.days is None and hours.hours == 3
    assert capacity(0, assistant) is None and capacity(10, assistant) is None
    assert FTE_FROM == 0.75


def test_a_role_without_a_figure_is_not_expressed_in_people():
    """No shipped figure could be sourced: without configuration no role has a cost, so nothing is computed."""
    assert all(role.cost is None for role in roles())
    assert capacity(55281, _role("conciërge".replace("ë", "e"), {})) is None


def test_every_shipped_figure_has_year_and_source_and_configuration_wins():
    """A cost in the data file needs its year and source; a configured cost replaces it, named as config.toml."""
    for row in load("staff_costs")["roles"]:
        if "cost" in row:
            assert row.get("year") and row.get("source"), row["key"]
    assert set(role_keys()) == {"onderwijsassistent", "leerkracht", "vakleerkracht", "concierge", "administratief_medewerker"}
    configured = _role("leerkracht", {"leerkracht": 80000})
    assert configured.cost == 80000 and configured.source == "config.toml"


def test_the_budget_knows_the_roles_of_its_personnel_measures():
    """Personnel measures name their role (once each); other measures and own words name none."""
    plan = Plan([PlanItem("a", measure="onderwijsassistent"), PlanItem("b", measure="ict"), PlanItem("c"),
                 PlanItem("d", measure="zorg"), PlanItem("e", measure="groepen")])
    found = budget(plan, 200, "2025/26", {}, {"leerkracht": 80000})
    assert found.measure_roles == ("onderwijsassistent", "leerkracht")
    assert found.role("leerkracht").cost == 80000 and found.role("onderwijsassistent").cost is None
