"""The benchmark's table: sizes of a run, rows with their ratio to the baseline and their target, formatting."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field

from benchmarks.harness import TapStats


@dataclass(frozen=True)
class Sizes:
    """How big each workload is."""

    burst_teams: int
    burst_members: int
    burst_cap: float  # seconds the burst's tap phase may take before it is stopped
    school: int
    closing_answers: tuple[int, ...]
    closing_reps: int
    startup_teams: int
    startup_runs: int
    broadcast_members: int
    broadcast_cap: float
    school_window: float  # the baseline's measuring window for the school tapping with pauses


FULL = Sizes(burst_teams=20, burst_members=25, burst_cap=90.0, school=25, closing_answers=(30, 300), closing_reps=5,
             startup_teams=7000, startup_runs=2, broadcast_members=10_000, broadcast_cap=150.0, school_window=20.0)
QUICK = Sizes(burst_teams=3, burst_members=8, burst_cap=6.0, school=10, closing_answers=(30, 300), closing_reps=2,
              startup_teams=150, startup_runs=1, broadcast_members=150, broadcast_cap=15.0, school_window=4.0)


@dataclass
class Row:
    """One line of the table."""

    workload: str
    figure: str
    bot: str
    baseline: str = "-"
    ratio: str = "-"
    target: str = "-"
    met: str = "-"


@dataclass
class Report:
    """The table, plus what was counted along the way."""

    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, *args, **kwargs) -> None:
        self.rows.append(Row(*args, **kwargs))

    def table(self) -> str:
        header = Row("workload", "figure", "bot", "baseline", "ratio", "target", "met")
        rows = [header, *self.rows]
        cols = list(vars(header))
        widths = {c: max(len(getattr(r, c)) for r in rows) for c in cols}
        lines = []
        for i, row in enumerate(rows):
            lines.append("| " + " | ".join(getattr(row, c).ljust(widths[c]) for c in cols) + " |")
            if i == 0:
                lines.append("|" + "|".join("-" * (widths[c] + 2) for c in cols) + "|")
        return "\n".join(lines)


def ms(seconds: float, lower_bound: bool = False) -> str:
    return ("≥" if lower_bound else "") + f"{seconds * 1000:.0f} ms"


def ratio(bot: float, baseline: float) -> str:
    return f"{bot / baseline:.2f}" if baseline else "-"


def yes(ok: bool) -> str:
    return "yes" if ok else "NO"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def add_latency_rows(report: Report, workload: str, bot: TapStats, base: TapStats, target_p99: float | None) -> None:
    for p in (50, 95, 99):
        value, lower = bot.percentile(p)
        base_value, base_lower = base.percentile(p)
        target, met = "-", "-"
        if p == 99 and target_p99 is not None:
            target, met = f"< {target_p99 * 1000:.0f} ms", yes(value < target_p99)
        report.add(workload, f"tap -> reaction p{p}", ms(value, lower), ms(base_value, base_lower),
                   ratio(value, base_value), target, met)
