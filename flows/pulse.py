"""The short recurring pulse between cycles: the three NEA workload items and one optional open line.

Pure: no I/O beyond the packaged data files, no Telegram, no SQLite. The counting is that of the analysis
(:func:`flows.analysis.summarise_analysis` on the pulse's questions), so a pulse compares with the analysis,
the evaluation and the national figure. Below ``Thresholds.min_group_size`` respondents a pulse keeps only
its counts and thresholds; open answers need ``min_group_size_free_text`` answers and are shuffled.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from flows.analysis import NeaItem, Reference, Thresholds, stored_header, stored_results, summarise_analysis
from flows.catalogue import load
from flows.checkin import FREE_TEXT, Question
from flows.evaluation import nea_questions

SCHEMA = 1
FREE_PULSE = "free_pulse"


PULSE_EVERY = (14, 30, 60)  # the schedules a leader can choose, in days
PULSE_OPEN_DAYS = 7  # each pulse is open for a week; one reminder two days before it closes


def pulse_questions() -> list[Question]:
    """The three NEA items (the analysis' ids and texts) and the optional open line "free_pulse"."""
    free = load("evaluation")["free_pulse"]
    return nea_questions() + [Question(free["id"], FREE_TEXT, free["nl"], free["en"])]


def mean_share(shares: Sequence[float | None]) -> float | None:
    """The mean of the NEA items' altijd-or-vaak shares; None when there are none or one is missing."""
    if not shares or any(share is None for share in shares):
        return None
    return sum(shares) / len(shares)


@dataclass(frozen=True)
class PulseSummary:
    """The stored result of a pulse round (see the module docstring for what is present when)."""

    respondents: int
    members: int
    released: bool
    response_rate: float | None
    min_group_size: int
    min_group_size_free_text: int
    nea: tuple[NeaItem, ...] = ()
    nea_often: float | None = None
    high_workload_share: float | None = None
    reference: Reference | None = None
    free_texts: tuple[str, ...] = ()
    free_texts_withheld: int = 0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict, with a schema number."""
        data = asdict(self)
        data["schema"] = SCHEMA
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PulseSummary:
        """Rebuild a summary stored with :meth:`to_dict` (after a JSON round trip)."""
        reference = data.get("reference")
        return cls(
            **stored_header(data),
            nea=stored_results(NeaItem, data.get("nea")),
            nea_often=data.get("nea_often"),
            high_workload_share=data.get("high_workload_share"),
            reference=Reference(**reference) if reference else None,
            free_texts=tuple(data.get("free_texts", ())),
            free_texts_withheld=int(data.get("free_texts_withheld", 0)),
        )


def summarise_pulse(
    questions: list[Question],
    scores: list[dict[str, int]],
    texts: list[tuple[str, str]],
    members: int,
    thresholds: Thresholds,
    rng: random.Random | None = None,
) -> PulseSummary:
    """Summarise a closed pulse round (``scores`` one dict per respondent, ``texts`` each open answer)."""
    used = [q for q in questions if q.kind == "frequency" or q.id == FREE_PULSE]
    core = summarise_analysis(used, scores, texts, members, thresholds, rng)
    header = dict(
        respondents=core.respondents,
        members=core.members,
        released=core.released,
        response_rate=core.response_rate,
        min_group_size=core.min_group_size,
        min_group_size_free_text=core.min_group_size_free_text,
    )
    if not core.released:
        return PulseSummary(**header)
    return PulseSummary(
        **header,
        nea=core.nea,
        nea_often=mean_share([item.share_often for item in core.nea]),
        high_workload_share=core.high_workload_share,
        reference=core.reference,
        free_texts=core.free_texts.get(FREE_PULSE, ()),
        free_texts_withheld=core.free_texts_withheld.get(FREE_PULSE, 0),
    )
