"""The budget in people: what an amount of money means in capacity of a role, from the yearly employer cost
per fte of that role (``flows/data/staff_costs.toml``, or ``config.toml`` under ``[staff_costs]``).

A full-time job is 5 days (40 hours) a week in the CAO-PO's terms; capacity from 0,75 fte is said in fte,
below that in days a week (halves), below half a day in hours a week.
"""

from __future__ import annotations

from dataclasses import dataclass

from flows.catalogue import load

DAYS_PER_FTE = 5
HOURS_PER_FTE = 40
FTE_FROM = 0.75  # from this share of a job on, capacity is said in fte; below it in days (or hours) a week
BUDGET_ROLES = ("onderwijsassistent", "vakleerkracht", "leerkracht", "concierge", "administratief_medewerker")


@dataclass(frozen=True)
class Role:
    """A role with its yearly employer cost per fte (None when no figure is known)."""

    key: str
    nl: str
    en: str
    cost: float | None = None
    year: str | None = None
    source: str | None = None

    def label(self, language: str) -> str:
        """The role's name in ``language``."""
        return self.en if language == "en" else self.nl


def role_keys() -> list[str]:
    """The roles the data file knows (the only keys ``[staff_costs]`` accepts)."""
    return [role["key"] for role in load("staff_costs")["roles"]]


def roles(configured: dict[str, float] | None = None) -> tuple[Role, ...]:
    """Every role with its cost: a configured figure wins over the data file's."""
    configured = configured or {}
    found = []
    for row in load("staff_costs")["roles"]:
        key = row["key"]
        if key in configured:
            found.append(Role(key, row["nl"], row["en"], float(configured[key]), None, "config.toml"))
        else:
            cost = row.get("cost")
            found.append(Role(key, row["nl"], row["en"], float(cost) if cost else None, row.get("year"), row.get("source")))
    return tuple(found)


@dataclass(frozen=True)
class Capacity:
    """An amount in one role's capacity: ``fte``, or ``days`` / ``hours`` a week for a smaller share of a job."""

    role: Role
    fte: float
    days: float | None = None
    hours: int | None = None


def capacity(amount: float, role: Role) -> Capacity | None:
    """What ``amount`` a year buys of ``role``; None for a role without a cost figure or nothing to buy."""
    if role.cost is None or role.cost <= 0 or amount <= 0:
        return None
    fte = amount / role.cost
    if fte >= FTE_FROM:
        return Capacity(role, round(fte, 1))
    if fte * DAYS_PER_FTE >= 0.5:
        return Capacity(role, round(fte, 1), days=round(fte * DAYS_PER_FTE * 2) / 2)
    hours = round(fte * HOURS_PER_FTE)
    return Capacity(role, round(fte, 2), hours=hours) if hours >= 1 else None


def role_of(measure: str | None) -> str | None:
    """The role a catalogue measure pays for (``flows/data/measure_plans.toml``), or None."""
    return load("measure_plans").get(measure or "", {}).get("role")
