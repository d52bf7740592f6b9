"""The conversation guide for the team meeting of bespreken: a ready agenda for "het goede gesprek".

Pure: the structure (text keys, minutes, the sources to discuss and the figures to mention); the words are
in ``bot/texts/<language>/analysis.toml``. Keys: an item's title is ``guide_<kind>_title`` and each of its
details is a text key.

With released analysis results the meeting discusses the team's top three sources of workload, each with
the method's three questions. Without them (a team that started at bespreken, or too few answers) it walks
through the same three questions in general.
"""

from __future__ import annotations

from dataclasses import dataclass

from flows.analysis import AnalysisSummary, Reference, SourceResult, top_sources

TOP_SOURCES = 3
MIN_MINUTES = 15
MAX_MINUTES = 240

GROUND_RULES = ("guide_rule_experience", "guide_rule_listen", "guide_rule_no_names", "guide_rule_influence", "guide_rule_everyone")
SOURCE_QUESTIONS = ("guide_q_where", "guide_q_self", "guide_q_fit")

# Relative weights of the items; scaled to the meeting's length.
WEIGHTS = {"opening": 1, "results": 2, "source": 2, "general_where": 3, "general_self": 3, "general_fit": 2, "solutions": 2, "closing": 1}


@dataclass(frozen=True)
class AgendaItem:
    """One item of the meeting: ``kind`` selects the title key, ``details`` are text keys."""

    kind: str
    minutes: int
    details: tuple[str, ...]
    source: SourceResult | None = None

    @property
    def title_key(self) -> str:
        """The text key of the item's title."""
        return f"guide_{self.kind}_title"


@dataclass(frozen=True)
class Guide:
    """The agenda, and the figures the results item mentions (None when there are none to show)."""

    minutes: int
    items: tuple[AgendaItem, ...]
    with_results: bool
    note: str | None = None  # a text key explaining why general questions are used, if so
    respondents: int | None = None
    members: int | None = None
    response_rate: float | None = None
    high_workload_share: float | None = None
    reference: Reference | None = None
    min_group_size: int | None = None


def allocate(weights: list[int], minutes: int) -> list[int]:
    """Split ``minutes`` over items in proportion to ``weights``: every item gets at least one unit, the
    sum is exact; in 5-minute units when the meeting is long enough, else in minutes (largest remainder)."""
    unit = 5 if minutes % 5 == 0 and minutes >= 5 * len(weights) else 1
    units = minutes // unit
    if units < len(weights):
        raise ValueError("meeting too short for its agenda")
    total = sum(weights)
    exact = [units * w / total for w in weights]
    shares = [max(1, int(x)) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - int(exact[i])), i))
    i = 0
    while sum(shares) < units:
        shares[order[i % len(order)]] += 1
        i += 1
    while sum(shares) > units:  # only when the minimum of one unit pushed us over
        largest = max(range(len(shares)), key=lambda j: (shares[j], -j))
        shares[largest] -= 1
    return [s * unit for s in shares]


def conversation_guide(summary: AnalysisSummary | None, minutes: int = 60) -> Guide:
    """The agenda for a meeting of ``minutes`` (15-240), from the analysis if its results were released."""
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise ValueError(f"minutes must be between {MIN_MINUTES} and {MAX_MINUTES}")
    sources = top_sources(summary, TOP_SOURCES) if summary is not None else ()
    with_results = bool(summary is not None and summary.released)

    plan: list[tuple[str, tuple[str, ...], SourceResult | None]] = [
        ("opening", ("guide_opening_purpose", *GROUND_RULES), None),
    ]
    if with_results:
        plan.append(("results", ("guide_results_look", "guide_results_recognise"), None))
    if sources:
        plan += [("source", SOURCE_QUESTIONS, source) for source in sources]
    else:
        plan += [
            ("general_where", ("guide_general_where_round", "guide_general_where_balance"), None),
            ("general_self", ("guide_general_self_round", "guide_general_self_choose"), None),
            ("general_fit", ("guide_general_fit_round",), None),
        ]
    plan += [
        ("solutions", ("guide_solutions_bot", "guide_solutions_examples", "guide_solutions_team"), None),
        ("closing", ("guide_closing_summary", "guide_closing_next", "guide_closing_thanks"), None),
    ]
    shares = allocate([WEIGHTS[kind] for kind, _, _ in plan], minutes)
    items = tuple(AgendaItem(kind, m, details, source) for (kind, details, source), m in zip(plan, shares))

    if summary is None:
        note = "guide_note_no_analysis"
    elif not summary.released:
        note = "guide_note_withheld"
    elif not sources:
        note = "guide_note_no_sources"
    else:
        note = None
    if not with_results:
        return Guide(minutes, items, False, note, min_group_size=summary.min_group_size if summary else None)
    return Guide(
        minutes,
        items,
        True,
        note,
        respondents=summary.respondents,
        members=summary.members,
        response_rate=summary.response_rate,
        high_workload_share=summary.high_workload_share,
        reference=summary.reference,
        min_group_size=summary.min_group_size,
    )
