"""Bespreken: anonymous proposals of measures and an anonymous vote on them, and the next step of a cycle.

Votes are dot-votes: each member spreads ``votes_per_member`` votes over the proposals (several on one
proposal is allowed), once. A ballot is checked against the round's proposals and the budget.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from flows.catalogue import load
from flows.cycle import RoundKind

VOTES_PER_MEMBER = 3
MAX_PROPOSAL_TEXT = 200
MAX_PROPOSALS_PER_MEMBER = 3
MAX_PROPOSALS_PER_ROUND = 20
LIST_LABEL = 80  # a proposal as it appears in a list (ballot, merge screen); in full elsewhere


def short(text: str, limit: int = LIST_LABEL) -> str:
    """A label cut to ``limit`` characters for lists, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class Measure:
    """A measure from the catalogue."""

    key: str
    nl: str
    en: str

    def label(self, language: str) -> str:
        """The measure's name in ``language``."""
        return self.en if language == "en" else self.nl


def catalogue() -> list[Measure]:
    """The measures a member can pick from (flows/data/measures.toml)."""
    return [Measure(m["key"], m["nl"], m["en"]) for m in load("measures")["measures"]]


def proposal_text(proposal, language: str) -> str:
    """How a proposal reads: a catalogue measure in the reader's language, else the words as typed."""
    key = getattr(proposal, "catalogue_key", None)
    if key:
        for measure in catalogue():
            if measure.key == key:
                return measure.label(language)
    return proposal.text


def clean_proposal(text: str) -> str | None:
    """A typed proposal with its whitespace tidied; None when empty or longer than allowed."""
    cleaned = " ".join((text or "").split())
    return cleaned if 0 < len(cleaned) <= MAX_PROPOSAL_TEXT else None


# --- ballots ----------------------------------------------------------------------------------
def add_vote(ballot: dict[str, int], proposal_id: int, valid_ids: set[int], budget: int) -> bool:
    """Put one more vote on ``proposal_id``; False (ballot unchanged) for an unknown id or no votes left."""
    if proposal_id not in valid_ids or votes_used(ballot) >= budget:
        return False
    key = str(proposal_id)
    ballot[key] = ballot.get(key, 0) + 1
    return True


def votes_used(ballot: dict[str, int]) -> int:
    """How many votes a ballot spends."""
    return sum(ballot.values())


def valid_ballot(ballot: dict[str, int], valid_ids: set[int], budget: int) -> bool:
    """A ballot that may be submitted: at least one vote, within budget, only on existing proposals."""
    try:
        ids = {int(key) for key in ballot}
    except ValueError:
        return False
    return 0 < votes_used(ballot) <= budget and ids <= valid_ids and all(v > 0 for v in ballot.values())


@dataclass(frozen=True)
class TallyLine:
    """One proposal's result."""

    proposal_id: int
    votes: int


def tally(ballots: list[dict[str, int]], proposal_ids: list[int]) -> list[TallyLine]:
    """Proposals ranked by votes (ties keep the given order, which is random)."""
    totals = {pid: 0 for pid in proposal_ids}
    for ballot in ballots:
        for key, votes in ballot.items():
            pid = int(key)
            if pid in totals:
                totals[pid] += votes
    order = {pid: i for i, pid in enumerate(proposal_ids)}
    return [TallyLine(pid, votes) for pid, votes in sorted(totals.items(), key=lambda kv: (-kv[1], order[kv[0]]))]


# --- what /volgende does ----------------------------------------------------------------------
class Step(StrEnum):
    """The next step of a cycle."""

    CLOSE_ROUND = "close_round"  # close the open round (results to the leader)
    OPEN_VOTE = "open_vote"  # proposals are in (and merged): let the team vote
    ADVANCE = "advance"  # move to the next phase


def next_step(phase: str, open_round: RoundKind | None, proposals_to_vote_on: int, vote_held: bool) -> Step:
    """What moving on means now: close what is open; in bespreken, vote on the proposals; else the next phase."""
    if open_round is not None:
        return Step.CLOSE_ROUND
    if phase == "bespreken" and proposals_to_vote_on > 0 and not vote_held:
        return Step.OPEN_VOTE
    return Step.ADVANCE


def advances_after_closing(kind: RoundKind) -> bool:
    """Closing the check-in, the vote on proposals or the evaluation ends its phase; after the proposals
    comes the vote, and after the vote on the plan the leader records the PMR's decision first."""
    return kind in (RoundKind.ANALYSIS, RoundKind.VOTE, RoundKind.EVALUATION)
