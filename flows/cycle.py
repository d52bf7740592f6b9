"""The team cycle of the Platform Werkdruk method, and the rounds of anonymous answers inside it.

Cycle:  analyseren -> bespreken -> aanpakken -> evalueren -> afgesloten, only forward, on the leader's
word or at a deadline. A team may start at a later phase ("a fine method, not a rigid blueprint").

Round:  open -> closed (results released) or closed_without_results (too few answers, on the leader's
explicit choice or at the deadline). Nothing of a round is visible before it closes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from transitions import EventData, Machine

from flows.machines import fire

PHASES = ["analyseren", "bespreken", "aanpakken", "evalueren"]
CLOSED = "afgesloten"


class RoundKind(StrEnum):
    """What a round collects."""

    ANALYSIS = "analysis"  # the anonymous workload check-in of analyseren
    PROPOSALS = "proposals"  # anonymous proposals of measures (bespreken)
    VOTE = "vote"  # anonymous votes on the proposals (bespreken)
    PLAN_VOTE = "plan_vote"  # the team's anonymous vote on the plan (aanpakken)
    EVALUATION = "evaluation"  # the anonymous evaluation check-in (evalueren)
    PULSE = "pulse"  # a short recurring check-in between cycles (no cycle)


# --- cycle --------------------------------------------------------------------------------
CYCLE_STATES = [*PHASES, CLOSED]
CYCLE_TRANSITIONS = [
    {"trigger": "advance", "source": "analyseren", "dest": "bespreken"},
    {"trigger": "advance", "source": "bespreken", "dest": "aanpakken"},
    {"trigger": "advance", "source": "aanpakken", "dest": "evalueren"},
    {"trigger": "advance", "source": "evalueren", "dest": CLOSED},
    {"trigger": "stop", "source": PHASES, "dest": CLOSED},
]


@dataclass
class Cycle:
    """One pass through the method by one team."""

    id: int
    team_id: int
    state: str

    @property
    def is_open(self) -> bool:
        """Whether the cycle still runs."""
        return self.state != CLOSED

    def fire(self, trigger: str) -> bool:
        """Apply ``trigger``; False (and no change) when it does not apply in this phase."""
        return fire(CYCLE_MACHINE, self, trigger)


CYCLE_MACHINE = Machine(
    model=None, states=CYCLE_STATES, transitions=CYCLE_TRANSITIONS, initial="analyseren", auto_transitions=False
)


def first_round(phase: str) -> RoundKind | None:
    """The round that opens when the cycle enters ``phase``."""
    return {"analyseren": RoundKind.ANALYSIS, "bespreken": RoundKind.PROPOSALS, "evalueren": RoundKind.EVALUATION}.get(phase)


# --- round --------------------------------------------------------------------------------
ROUND_STATES = ["open", "closed", "closed_without_results"]
ROUND_TRANSITIONS = [
    {"trigger": "close", "source": "open", "dest": "closed", "conditions": ["enough_answers"]},
    {"trigger": "close_without_results", "source": "open", "dest": "closed_without_results"},
]


@dataclass
class Round:
    """A round of anonymous answers of one kind, in one team's cycle."""

    id: int
    team_id: int
    cycle_id: int
    kind: RoundKind
    state: str = "open"
    closes_at: int | None = None  # unix time of the deadline, if the leader set one

    @property
    def is_open(self) -> bool:
        """Whether answers are still taken."""
        return self.state == "open"

    def enough_answers(self, event: EventData) -> bool:
        return event.kwargs["answers"] >= event.kwargs["min_group_size"]

    def fire(self, trigger: str, **kwargs: object) -> bool:
        """Apply ``trigger``; False (and no change) when it does not apply."""
        return fire(ROUND_MACHINE, self, trigger, **kwargs)


ROUND_MACHINE = Machine(
    model=None, states=ROUND_STATES, transitions=ROUND_TRANSITIONS, initial="open", auto_transitions=False, send_event=True
)


class CloseOutcome(StrEnum):
    """What closing a round led to."""

    RELEASED = "released"
    WITHOUT_RESULTS = "without_results"
    TOO_FEW = "too_few"  # refused: the leader must choose explicitly to close without results


def close_round(round_: Round, answers: int, min_group_size: int, *, accept_without_results: bool) -> CloseOutcome:
    """Close ``round_``: with results when enough answered, else only on explicit choice (or deadline)."""
    if round_.fire("close", answers=answers, min_group_size=min_group_size):
        return CloseOutcome.RELEASED
    if accept_without_results and round_.fire("close_without_results"):
        return CloseOutcome.WITHOUT_RESULTS
    return CloseOutcome.TOO_FEW


def release_threshold(kind: RoundKind, min_group_size: int) -> int:
    """How many answers a round needs before anything of it is shown.

    Check-ins, proposals and votes need ``min_group_size`` people taking part: proposals carry no author
    and are shown only after collection closes, in random order, but from fewer people a proposal in
    someone's own words could still point to them. The plan vote always closes: the team's decision must be known (adoption needs a majority of all
    members anyway); its counts are shown only from ``min_group_size`` voters.
    """
    return 1 if kind is RoundKind.PLAN_VOTE else min_group_size
