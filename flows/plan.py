"""Aanpakken: the team's plan in the platform's work-plan format, its budget, and its adoption.

Per measure: goal (doel), desired result (gewenst resultaat), activities (activiteiten), who (wie) and
the estimated cost. The spending of the workload funds is part of the werkverdelingsplan (CAO-PO): a
majority of the team's MEMBERS must agree (not merely of those who voted), then the staff section of
the participation council (PMR) decides on consent.
"""

from __future__ import annotations

import datetime as dt
import re
import zlib
from dataclasses import asdict, dataclass, field

from transitions import EventData, Machine

from flows.capacity import Role, role_of, roles
from flows.catalogue import load
from flows.machines import fire

MAX_ITEMS = 10
MAX_FIELD = 300
MAX_TITLE = 120
MAX_COST = 10_000_000
FIELDS = ("goal", "result", "activities", "who", "cost")  # the order the leader fills them in
PLAN_CHOICES = ("voor", "tegen", "onthouding")


@dataclass
class PlanItem:
    """One measure of the plan.

    ``measure`` is the catalogue key when the measure came from the catalogue; ``proposed`` names the fields
    the bot filled in from the catalogue's proposal that the leader has not confirmed or typed over yet.
    """

    title: str
    sources: list[str] = field(default_factory=list)
    goal: str = ""
    result: str = ""
    activities: str = ""
    who: str = ""
    cost: int | None = None
    measure: str | None = None
    proposed: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Whether every field of the work-plan format is filled in."""
        return all([self.goal, self.result, self.activities, self.who]) and self.cost is not None

    @property
    def confirmed(self) -> bool:
        """Whether no proposed field waits for the leader's confirmation."""
        return not self.proposed

    @property
    def tag(self) -> int:
        """A short number that tells this measure apart by its title: a button or a typed answer made for
        one measure must not land on another after the plan changed (a measure removed, a title edited)."""
        return zlib.crc32(self.title.encode("utf-8")) % 1_000_000

    def missing(self) -> list[str]:
        """The fields still empty, in filling order."""
        return [name for name in FIELDS if getattr(self, name) in ("", None)]

    def set_field(self, name: str, value: str | int) -> None:
        """The leader typed a field: it is theirs now, no longer a proposal."""
        setattr(self, name, value)
        if name in self.proposed:
            self.proposed.remove(name)

    def confirm(self) -> None:
        """The leader confirmed the proposed fields as they are."""
        self.proposed = []


@dataclass
class PlanVote:
    """The team's anonymous vote on the plan, as released."""

    voor: int
    tegen: int
    onthouding: int
    members: int

    @property
    def voters(self) -> int:
        return self.voor + self.tegen + self.onthouding


@dataclass
class Plan:
    """The plan of one cycle; ``state`` is driven by :data:`PLAN_MACHINE`."""

    items: list[PlanItem] = field(default_factory=list)
    state: str = "opstellen"
    vote: PlanVote | None = None
    pmr_date: str | None = None

    @property
    def total_cost(self) -> int:
        """The sum of the estimated costs."""
        return sum(item.cost or 0 for item in self.items)

    # guards ------------------------------------------------------------------------------------
    @property
    def ready_for_vote(self) -> bool:
        """Every measure filled in and confirmed: the plan may go to the team's vote."""
        return bool(self.items) and all(item.complete and item.confirmed for item in self.items)

    def ready(self, event: EventData) -> bool:
        return self.ready_for_vote

    def find(self, index: int, tag: int) -> PlanItem | None:
        """The measure at ``index`` if it is still the one a button or question was made for."""
        item = self.items[index] if 0 <= index < len(self.items) else None
        return item if item is not None and item.tag == tag else None

    def majority_of_members(self, event: EventData) -> bool:
        return majority_in_favour(event.kwargs["vote"])

    # actions -----------------------------------------------------------------------------------
    def record_vote(self, event: EventData) -> None:
        self.vote = event.kwargs["vote"]

    def record_pmr(self, event: EventData) -> None:
        self.pmr_date = event.kwargs["date"]

    def fire(self, trigger: str, **kwargs: object) -> bool:
        """Apply ``trigger``; False (and no change) when it does not apply."""
        return fire(PLAN_MACHINE, self, trigger, **kwargs)

    def to_dict(self) -> dict:
        """For storage."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Plan:
        """From storage."""
        vote = PlanVote(**data["vote"]) if data.get("vote") else None
        return cls([PlanItem(**item) for item in data["items"]], data["state"], vote, data.get("pmr_date"))


PLAN_STATES = ["opstellen", "stemming", "aangenomen", "verworpen", "pmr_instemming", "pmr_geen_instemming"]
PLAN_TRANSITIONS = [
    {"trigger": "to_team_vote", "source": "opstellen", "dest": "stemming", "conditions": ["ready"]},
    {"trigger": "count_votes", "source": "stemming", "dest": "aangenomen", "conditions": ["majority_of_members"], "before": "record_vote"},
    {"trigger": "count_votes", "source": "stemming", "dest": "verworpen", "before": "record_vote"},
    {"trigger": "revise", "source": ["verworpen", "pmr_geen_instemming"], "dest": "opstellen"},
    {"trigger": "pmr_consents", "source": "aangenomen", "dest": "pmr_instemming", "before": "record_pmr"},
    {"trigger": "pmr_refuses", "source": "aangenomen", "dest": "pmr_geen_instemming", "before": "record_pmr"},
]
PLAN_MACHINE = Machine(
    model=None, states=PLAN_STATES, transitions=PLAN_TRANSITIONS, initial="opstellen", auto_transitions=False, send_event=True
)


def majority_in_favour(vote: PlanVote) -> bool:
    """Adopted when more than half of the team's members voted in favour (CAO-PO werkverdelingsplan)."""
    return vote.voor * 2 > vote.members


def counts_released(vote: PlanVote, min_group_size: int) -> bool:
    """The vote's numbers are shown only from ``min_group_size`` voters; the outcome always is."""
    return vote.voters >= min_group_size


def adopted(plan: Plan) -> bool:
    """Whether the team adopted the plan (whatever the PMR decided since)."""
    return plan.state in ("aangenomen", "pmr_instemming", "pmr_geen_instemming")


# --- money ------------------------------------------------------------------------------------
def school_year(day: dt.date) -> str:
    """The school year a day falls in: 1 August to 31 July, e.g. "2026/27"."""
    start = day.year if day.month >= 8 else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def rate_for(year: str, configured: dict[str, float]) -> tuple[str, float] | None:
    """(year of the rate, euros per pupil): the year's own rate, else the newest earlier one."""
    rates = dict(load("funds")["per_pupil"]) | dict(configured)
    known = sorted(y for y in rates if y <= year)
    return (known[-1], float(rates[known[-1]])) if known else None


@dataclass(frozen=True)
class Budget:
    """The funds against the plan's costs."""

    year: str
    rate_year: str | None
    per_pupil: float | None
    pupils: int | None
    funds: float | None
    planned: int
    staff: tuple[Role, ...] = ()  # roles with their employer cost per fte, for the budget in people
    measure_roles: tuple[str, ...] = ()  # the roles the plan's personnel measures pay for

    def role(self, key: str | None) -> Role | None:
        """A role of :attr:`staff` by key."""
        return next((role for role in self.staff if role.key == key), None)

    @property
    def over(self) -> bool:
        """Whether the plan costs more than the funds."""
        return self.funds is not None and self.planned > self.funds

    @property
    def left(self) -> float | None:
        """Funds not yet planned (negative when over budget)."""
        return None if self.funds is None else self.funds - self.planned


def budget(plan: Plan, pupils: int | None, year: str, configured: dict[str, float], staff_costs: dict[str, float] | None = None) -> Budget:
    """Pupils x the funds per pupil for the school year, against the planned costs, with the roles' costs
    (shipped or ``staff_costs`` from the configuration) to say what the money means in people."""
    rate = rate_for(year, configured)
    funds = round(pupils * rate[1], 2) if rate and pupils else None
    needed = tuple(dict.fromkeys(role for role in (role_of(item.measure) for item in plan.items) if role))
    return Budget(year, rate[0] if rate else None, rate[1] if rate else None, pupils, funds, plan.total_cost,
                  roles(staff_costs), needed)


def parse_cost(text: str) -> int | None:
    """A cost as a leader types it: "12000", "€ 12.000", "12.000,-", "12k"; None when it is not one."""
    cleaned = (text or "").strip().lower().replace("€", "").replace("eur", "").replace(" ", "")
    cleaned = cleaned.removesuffix(",-").removesuffix(",00").removesuffix(".-")
    multiplier = 1000 if cleaned.endswith("k") else 1
    cleaned = cleaned.removesuffix("k")
    if multiplier == 1 and re.fullmatch(r"\d{1,3}(\.\d{3})+", cleaned):
        cleaned = cleaned.replace(".", "")
    if not re.fullmatch(r"\d+([.,]\d+)?", cleaned):
        return None
    value = round(float(cleaned.replace(",", ".")) * multiplier)
    return value if 0 <= value <= MAX_COST else None


def pmr_date_problem(day: dt.date, voted_on: dt.date | None, today: dt.date) -> str | None:
    """Why a PMR decision date cannot be right: "future" after today, "before_vote" before the team's vote
    (the PMR decides on a plan the team adopted); None for a date in between."""
    if day > today:
        return "future"
    if voted_on is not None and day < min(voted_on, today):
        return "before_vote"
    return None


def clean_field(text: str) -> str | None:
    """A filled-in field with tidy whitespace; None when empty or too long."""
    cleaned = " ".join((text or "").split())
    return cleaned if 0 < len(cleaned) <= MAX_FIELD else None
