"""Evalueren: did the measures help? The evaluation check-in's questions and the summary of a closed round.

Pure: no I/O beyond the method's packaged data files (``flows/data/evaluation.toml``), no Telegram, no
SQLite. Shares are floats in 0..1 and nothing is rounded here; rendering rounds.

Privacy, as for the analysis: a summary of fewer respondents than ``Thresholds.min_group_size`` keeps only
the counts, the thresholds and the leader's own sick-leave figures - nothing derived from any answer, and
no comparison with the baseline. Open answers need ``min_group_size_free_text`` answers and are shuffled.
The NEA shares and the high-workload composite are computed by :func:`flows.analysis.summarise_analysis`
on the NEA items (the same ids as the analysis), so the two phases count in exactly the same way.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass
from typing import Any

from flows.analysis import AnalysisSummary, Reference, Thresholds, scale_values, stored_header, stored_results, summarise_analysis
from flows.catalogue import load
from flows.checkin import FREE_TEXT, Question

SCHEMA = 1
NEA_IDS = ("nea_hard", "nea_much", "nea_fast")
PLATFORM_IDS = ("eval_support", "eval_influence", "eval_discuss")
FREE_EVAL = "free_eval"
STANDINGS = ("goed_bezig", "op_de_goede_weg", "aandacht_nodig")
VERDICTS = ("geholpen", "deels", "niet_geholpen")
EPSILON = 1e-9  # float rounding in rule comparisons (0.6 - 0.5 is 10 points)
YES, PARTLY = 3, 2  # agreement scale: ja=3, deels=2, nee=1


def nea_questions() -> list[Question]:
    """The three NEA workload items, with the analysis' ids and texts."""
    return [Question(q["id"], q["kind"], q["nl"], q["en"]) for q in load("analysis")["questions"] if q["id"] in NEA_IDS]


def measure_id(index: int) -> str:
    """The question id of the adopted measure at ``index`` (0-based, in the plan's order)."""
    return f"measure:{index}"


def evaluation_questions(measures: list[str]) -> list[Question]:
    """The platform's three questions, the NEA items, one question per adopted measure, one open question."""
    data = load("evaluation")
    platform = [Question(q["id"], "agreement", q["nl"], q["en"]) for q in data["platform"]]
    template = data["measure_question"]
    per_measure = [
        Question(measure_id(i), "agreement", template["nl"].format(title=title), template["en"].format(title=title))
        for i, title in enumerate(measures)
    ]
    free = data["free_eval"]
    return platform + nea_questions() + per_measure + [Question(free["id"], FREE_TEXT, free["nl"], free["en"])]


def tips(question_id: str, language: str) -> list[str]:
    """The practical tips for a weak platform question, in ``language`` (Dutch unless "en")."""
    return [tip["en" if language == "en" else "nl"] for tip in load("evaluation")["tips"].get(question_id, [])]


# --- the summary -------------------------------------------------------------------------------
@dataclass(frozen=True)
class AgreementResult:
    """One platform question: shares answering ja, and ja or deels; counts (ja, deels, nee)."""

    id: str
    nl: str
    en: str
    share_yes: float | None
    share_yes_or_partly: float | None
    distribution: tuple[int, ...]


@dataclass(frozen=True)
class NeaChange:
    """One NEA item: the share answering altijd or vaak now and in the baseline analysis (None: none)."""

    id: str
    nl: str
    en: str
    share_often: float | None
    share_before: float | None
    distribution: tuple[int, ...]


@dataclass(frozen=True)
class MeasureResult:
    """Did an adopted measure help: counts (ja, deels, nee) and the verdict (None when nobody answered)."""

    index: int
    title: str
    distribution: tuple[int, ...]
    verdict: str | None


@dataclass(frozen=True)
class EvaluationSummary:
    """The stored result of an evaluation round (see the module docstring for what is present when)."""

    respondents: int
    members: int
    released: bool
    response_rate: float | None
    min_group_size: int
    min_group_size_free_text: int
    sick_leave_before: float | None = None
    sick_leave_now: float | None = None
    platform: tuple[AgreementResult, ...] = ()
    nea: tuple[NeaChange, ...] = ()
    high_workload_share: float | None = None
    high_workload_before: float | None = None
    reference: Reference | None = None
    measures: tuple[MeasureResult, ...] = ()
    free_texts: tuple[str, ...] = ()
    free_texts_withheld: int = 0
    standing: str | None = None
    weak_questions: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict, with a schema number."""
        data = asdict(self)
        data["schema"] = SCHEMA
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EvaluationSummary:
        """Rebuild a summary stored with :meth:`to_dict` (after a JSON round trip)."""
        reference = data.get("reference")
        return cls(
            **stored_header(data),
            sick_leave_before=data.get("sick_leave_before"),
            sick_leave_now=data.get("sick_leave_now"),
            platform=stored_results(AgreementResult, data.get("platform")),
            nea=stored_results(NeaChange, data.get("nea")),
            high_workload_share=data.get("high_workload_share"),
            high_workload_before=data.get("high_workload_before"),
            reference=Reference(**reference) if reference else None,
            measures=stored_results(MeasureResult, data.get("measures")),
            free_texts=tuple(data.get("free_texts", ())),
            free_texts_withheld=int(data.get("free_texts_withheld", 0)),
            standing=data.get("standing"),
            weak_questions=tuple(data.get("weak_questions", ())),
        )


def _agreement_counts(question_id: str, scores: list[dict[str, int]]) -> tuple[int, ...]:
    """Counts (ja, deels, nee) of the answers to an agreement question; a value off the scale is an error."""
    allowed = scale_values("agreement")
    values = []
    for response in scores:
        if question_id in response:
            value = response[question_id]
            if isinstance(value, bool) or value not in allowed:
                raise ValueError(f"answer {value!r} to {question_id} is not on the agreement scale")
            values.append(value)
    return tuple(values.count(v) for v in allowed)


def _shares(counts: tuple[int, ...]) -> tuple[float | None, float | None]:
    """(share ja, share ja or deels) of counts (ja, deels, nee)."""
    total = sum(counts)
    return (counts[0] / total, (counts[0] + counts[1]) / total) if total else (None, None)


def measure_verdict(counts: tuple[int, ...]) -> str | None:
    """"geholpen", "deels" or "niet_geholpen" for counts (ja, deels, nee), by the rule in evaluation.toml."""
    yes, partly, no = counts
    if yes + partly + no == 0:
        return None
    if yes > partly and yes > no:
        return "geholpen"
    if (yes + partly) / (yes + partly + no) >= load("evaluation")["measure_verdict"]["partly_from"] - EPSILON:
        return "deels"
    return "niet_geholpen"


def _condition(name: str, limit: float, platform: list[float | None], rise: float | None, baseline: bool) -> bool:
    if name == "any_platform_below":
        return any(share is not None and share < limit - EPSILON for share in platform)
    if name == "all_platform_at_least":
        return bool(platform) and all(share is not None and share >= limit - EPSILON for share in platform)
    if name == "high_workload_rise_at_least":
        return rise is not None and rise >= limit - EPSILON
    if name == "high_workload_rise_at_most":
        return rise <= limit + EPSILON if rise is not None else not baseline
    raise ValueError(f"unknown standing condition {name!r} in evaluation.toml")


def standing(platform: list[float | None], now: float | None, before: float | None) -> str:
    """The plain-words standing from the ja-or-deels shares of the platform questions and high workload
    now and before (None: no released baseline), by the first matching rule in evaluation.toml."""
    rules = load("evaluation")["standing"]
    rise = now - before if now is not None and before is not None else None
    for rule in rules["rules"]:
        conditions = {key: value for key, value in rule.items() if key != "standing"}
        if all(_condition(key, float(value), platform, rise, before is not None) for key, value in conditions.items()):
            return rule["standing"]
    return rules["default"]


def summarise_evaluation(
    questions: list[Question],
    scores: list[dict[str, int]],
    texts: list[tuple[str, str]],
    members: int,
    thresholds: Thresholds,
    baseline: AnalysisSummary | None,
    measures: list[str],
    sick_leave: tuple[float | None, float | None] = (None, None),
    rng: random.Random | None = None,
) -> EvaluationSummary:
    """Summarise a closed evaluation round against the cycle's analysis (``baseline``; ignored unless
    released). ``measures`` are the adopted measures' titles, in the order of their questions;
    ``sick_leave`` the (before, now) percentages the leader entered (0-100, or None)."""
    for value in sick_leave:
        if value is not None and not 0 <= value <= 100:
            raise ValueError("a sick-leave percentage lies between 0 and 100")
    nea_only = [q for q in questions if q.kind == "frequency"] + [q for q in questions if q.id == FREE_EVAL]
    # summarise_analysis decides the release, validates the NEA answers, computes the NEA shares,
    # the composite, the national reference and the open answers' threshold and shuffle.
    core = summarise_analysis(nea_only, scores, texts, members, thresholds, rng)
    header = dict(
        respondents=core.respondents,
        members=core.members,
        released=core.released,
        response_rate=core.response_rate,
        min_group_size=core.min_group_size,
        min_group_size_free_text=core.min_group_size_free_text,
        sick_leave_before=sick_leave[0],
        sick_leave_now=sick_leave[1],
    )
    if not core.released:
        return EvaluationSummary(**header)

    platform = []
    for q in questions:
        if q.id in PLATFORM_IDS:
            counts = _agreement_counts(q.id, scores)
            platform.append(AgreementResult(q.id, q.nl, q.en, *_shares(counts), counts))

    before = baseline if baseline is not None and baseline.released else None
    before_shares = {item.id: item.share_often for item in before.nea} if before else {}
    nea = tuple(NeaChange(i.id, i.nl, i.en, i.share_often, before_shares.get(i.id), i.distribution) for i in core.nea)
    high_before = before.high_workload_share if before else None

    results = []
    for index, title in enumerate(measures):
        counts = _agreement_counts(measure_id(index), scores)
        results.append(MeasureResult(index, title, counts, measure_verdict(counts)))

    shares = [p.share_yes_or_partly for p in platform]
    tip_below = load("evaluation")["standing"]["tip_below"]
    weak = tuple(p.id for p in platform if p.share_yes_or_partly is not None and p.share_yes_or_partly < tip_below - EPSILON)
    return EvaluationSummary(
        **header,
        platform=tuple(platform),
        nea=nea,
        high_workload_share=core.high_workload_share,
        high_workload_before=high_before,
        reference=core.reference,
        measures=tuple(results),
        free_texts=core.free_texts.get(FREE_EVAL, ()),
        free_texts_withheld=core.free_texts_withheld.get(FREE_EVAL, 0),
        standing=standing(shares, core.high_workload_share, high_before),
        weak_questions=weak,
    )
