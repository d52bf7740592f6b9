"""The summary of a closed analysis round: aggregates only, and nothing at all below the group threshold.

Pure: no I/O beyond the method's packaged data files, no Telegram, no SQLite. Shares are floats in 0..1
and nothing is rounded here; rendering rounds.

Privacy: a summary of fewer respondents than ``Thresholds.min_group_size`` carries no field that depends on
the answers (only the counts of respondents and members, and the thresholds). Open answers need their own,
higher threshold per prompt; below it only their number is kept. Open answers are shuffled, so their order
cannot be linked to the order in which people answered.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field
from typing import Any

from flows.catalogue import load
from flows.checkin import FREE_TEXT, Question

SCHEMA = 1
HIGH_SHARE_FROM = 2  # pressure "veel" (2) or "heel veel" (3)
OFTEN_FROM = 3  # frequency "vaak" (3) or "altijd" (4): the CBS reporting rule


@dataclass(frozen=True)
class Thresholds:
    """Minimum numbers of answers before results (scores) and open answers (per prompt) are shown."""

    min_group_size: int
    min_group_size_free_text: int

    def __post_init__(self) -> None:
        if self.min_group_size < 1 or self.min_group_size_free_text < 1:
            raise ValueError("anonymity thresholds must be at least 1")


@dataclass(frozen=True)
class NeaItem:
    """One NEA workload item: the share answering altijd or vaak, and counts (altijd, vaak, soms, nooit)."""

    id: str
    nl: str
    en: str
    share_often: float | None
    distribution: tuple[int, ...]


@dataclass(frozen=True)
class SourceResult:
    """One source of workload: mean pressure 0-3, counts (geen, een beetje, veel, heel veel), share veel+."""

    key: str
    nl: str
    en: str
    mean: float | None
    distribution: tuple[int, ...]
    share_high: float | None

    def label(self, language: str) -> str:
        """The source's name in ``language``."""
        return self.en if language == "en" else self.nl


@dataclass(frozen=True)
class InfluenceResult:
    """Influence on one's own workload: mean 1-4 and counts (geen, weinig, redelijk, veel)."""

    mean: float | None
    distribution: tuple[int, ...]


@dataclass(frozen=True)
class Reference:
    """A national high-workload figure (percent) for primary education, with its year and source."""

    value: float
    year: int
    source: str
    sector: str = "po"



def stored_header(data: dict[str, Any]) -> dict[str, Any]:
    """The fields every stored summary starts with (who could answer, who did, the thresholds)."""
    return {
        "respondents": data["respondents"],
        "members": data["members"],
        "released": data["released"],
        "response_rate": data.get("response_rate"),
        "min_group_size": data["min_group_size"],
        "min_group_size_free_text": data["min_group_size_free_text"],
    }


def stored_results(cls: type, rows: Any) -> tuple:
    """Result rows of ``cls`` read back from JSON (their distributions as tuples again)."""
    return tuple(cls(**{**row, "distribution": tuple(row["distribution"])}) for row in rows or ())


@dataclass(frozen=True)
class AnalysisSummary:
    """The stored result of an analysis round (see the module docstring for what is present when)."""

    respondents: int
    members: int
    released: bool
    response_rate: float | None
    min_group_size: int
    min_group_size_free_text: int
    nea: tuple[NeaItem, ...] = ()
    high_workload_share: float | None = None
    reference: Reference | None = None
    sources: tuple[SourceResult, ...] = ()
    influence: InfluenceResult | None = None
    free_texts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    free_texts_withheld: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (lists for tuples), with a schema number."""
        data = asdict(self)
        data["schema"] = SCHEMA
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AnalysisSummary:
        """Rebuild a summary stored with :meth:`to_dict` (after a JSON round trip)."""
        influence = data.get("influence")
        reference = data.get("reference")
        return cls(
            **stored_header(data),
            nea=stored_results(NeaItem, data.get("nea")),
            high_workload_share=data.get("high_workload_share"),
            reference=Reference(**reference) if reference else None,
            sources=stored_results(SourceResult, data.get("sources")),
            influence=InfluenceResult(influence["mean"], tuple(influence["distribution"])) if influence else None,
            free_texts={key: tuple(texts) for key, texts in data.get("free_texts", {}).items()},
            free_texts_withheld={key: int(count) for key, count in data.get("free_texts_withheld", {}).items()},
        )


# --- helpers ----------------------------------------------------------------------------------
def scale_values(kind: str) -> list[int]:
    """The values of a scale in its display order (e.g. frequency: altijd=4, vaak=3, soms=2, nooit=1)."""
    return list(load("analysis")["scales"][kind]["values"])


def _answers(question: Question, scores: list[dict[str, int]]) -> list[int]:
    """The valid answers to ``question``; a missing answer is skipped, a value off the scale is an error."""
    allowed = scale_values(question.kind)
    values = []
    for response in scores:
        if question.id not in response:
            continue
        value = response[question.id]
        if isinstance(value, bool) or value not in allowed:
            raise ValueError(f"answer {value!r} to {question.id} is not on the {question.kind} scale")
        values.append(value)
    return values


def _distribution(values: list[int], kind: str) -> tuple[int, ...]:
    return tuple(values.count(value) for value in scale_values(kind))


def _share(values: list[int], at_least: int) -> float | None:
    return sum(1 for v in values if v >= at_least) / len(values) if values else None


def _mean(values: list[int]) -> float | None:
    return sum(values) / len(values) if values else None


def national_reference() -> tuple[Reference, float]:
    """The newest national primary-education figure, and the composite's threshold (2.5)."""
    data = load("reference")
    newest = max(data["high_workload"], key=lambda row: row["year"])
    return Reference(float(newest["po"]), int(newest["year"]), data["source"], "po"), float(data["high_workload_threshold"])


def _default_labels() -> dict[str, tuple[str, str]]:
    return {s["key"]: (s["nl"], s["en"]) for s in load("sources")["sources"]}


# --- the summary -------------------------------------------------------------------------------
def summarise_analysis(
    questions: list[Question],
    scores: list[dict[str, int]],
    texts: list[tuple[str, str]],
    members: int,
    thresholds: Thresholds,
    rng: random.Random | None = None,
    source_labels: dict[str, tuple[str, str]] | None = None,
) -> AnalysisSummary:
    """Summarise a closed analysis round.

    ``scores`` holds one dict per respondent (question id -> value); ``texts`` the open answers, each on
    its own; ``members`` the team size at closing. ``source_labels`` maps a source key to its (nl, en)
    name; a key not given falls back to the default list of sources, then to the key itself.
    """
    respondents = len(scores)
    released = respondents >= thresholds.min_group_size
    rate = min(1.0, respondents / members) if members > 0 else None
    header = dict(
        respondents=respondents,
        members=members,
        released=released,
        response_rate=rate,
        min_group_size=thresholds.min_group_size,
        min_group_size_free_text=thresholds.min_group_size_free_text,
    )
    if not released:
        return AnalysisSummary(**header)

    reference, cutoff = national_reference()
    nea_questions = [q for q in questions if q.kind == "frequency"]
    nea_items = []
    for q in nea_questions:
        values = _answers(q, scores)
        nea_items.append(NeaItem(q.id, q.nl, q.en, _share(values, OFTEN_FROM), _distribution(values, q.kind)))

    high_workload_share = None
    if nea_questions:
        ids = [q.id for q in nea_questions]
        complete = [r for r in scores if all(i in r for i in ids)]
        if complete:
            # Compare sums, not float means: mean >= 2.5 over three items is sum >= 7.5.
            high = sum(1 for r in complete if sum(r[i] for i in ids) >= cutoff * len(ids))
            high_workload_share = high / len(complete)

    labels = {**_default_labels(), **(source_labels or {})}
    sources = []
    for q in questions:
        if q.kind != "pressure":
            continue
        key = q.source or q.id.removeprefix("src:")
        nl, en = labels.get(key, (key, key))
        values = _answers(q, scores)
        sources.append(SourceResult(key, nl, en, _mean(values), _distribution(values, q.kind), _share(values, HIGH_SHARE_FROM)))
    sources.sort(key=lambda s: (s.mean is None, -(s.mean or 0.0), -(s.share_high or 0.0), s.nl.casefold(), s.key))

    influence = None
    influence_question = next((q for q in questions if q.kind == "influence"), None)
    if influence_question is not None:
        values = _answers(influence_question, scores)
        influence = InfluenceResult(_mean(values), _distribution(values, "influence"))

    rng = rng if rng is not None else random.SystemRandom()
    free_texts: dict[str, tuple[str, ...]] = {}
    withheld: dict[str, int] = {}
    for q in questions:
        if q.kind != FREE_TEXT:
            continue
        answers = [text for question_id, text in texts if question_id == q.id and text and text.strip()]
        if len(answers) >= thresholds.min_group_size_free_text:
            rng.shuffle(answers)
            free_texts[q.id] = tuple(answers)
        elif answers:
            withheld[q.id] = len(answers)

    return AnalysisSummary(
        **header,
        nea=tuple(nea_items),
        high_workload_share=high_workload_share,
        reference=reference,
        sources=tuple(sources),
        influence=influence,
        free_texts=free_texts,
        free_texts_withheld=withheld,
    )


def top_sources(summary: AnalysisSummary, count: int = 3) -> tuple[SourceResult, ...]:
    """The ``count`` sources with the highest pressure that anyone answered (none if not released)."""
    if not summary.released:
        return ()
    return tuple(s for s in summary.sources if s.mean is not None)[:count]
