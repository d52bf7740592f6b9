"""The trend of workload across a team's analyses, evaluations and pulses.

Pure: it reads only stored summary dicts (``AnalysisSummary.to_dict()``, ``EvaluationSummary.to_dict()``,
``PulseSummary.to_dict()``), never answers.

Differencing guard: a trend shows only released rounds, and every point is the figure its own round
computed on its own respondents when it closed. A round below the group threshold contributes nothing at
all - no point, no respondent count, no date - so nobody can subtract two figures to learn the answers of
the few people who make up the difference. Points are never merged, pooled or recomputed across rounds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flows.pulse import mean_share

KINDS = ("analysis", "evaluation", "pulse")


@dataclass(frozen=True)
class TrendPoint:
    """One released round: its day (ISO date), kind, respondents, and the two workload figures (0..1)."""

    label: str
    day: str
    kind: str
    respondents: int
    nea_often: float | None
    high_workload: float | None


def _point(kind: str, day: str, label: str, data: dict[str, Any]) -> TrendPoint | None:
    if kind not in KINDS:
        raise ValueError(f"unknown round kind {kind!r}")
    day = dt.date.fromisoformat(day).isoformat()  # ValueError for anything but a date
    if not data.get("released"):
        return None
    if kind == "pulse" and "nea_often" in data:
        often = data["nea_often"]
    else:
        often = mean_share([item.get("share_often") for item in data.get("nea", ())])
    return TrendPoint(label, day, kind, int(data["respondents"]), often, data.get("high_workload_share"))


def trend_points(items: list[tuple[str, str, str, dict[str, Any]]]) -> list[TrendPoint]:
    """The points of the released rounds among (kind, day, label, stored summary dict), oldest first.

    Unreleased summaries are skipped entirely (see the module docstring); rounds of the same day keep
    their given order. ``nea_often`` of an analysis or evaluation is the mean of its three NEA items'
    altijd-or-vaak shares (None when an item had no answers).
    """
    points = [_point(kind, day, label, data) for kind, day, label, data in items]
    return sorted((p for p in points if p is not None), key=lambda p: p.day)
