"""The benchmark's small version runs to the end and prints its table (no timing assertions: CI machines are noisy)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_quick_benchmark_prints_every_workload_without_rule_violations():
    """`python -m benchmarks.run --quick` finishes, prints a row for every workload and sees no rule violation."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-m", "benchmarks.run", "--quick"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = done.stdout
    table = [line for line in out.splitlines() if line.startswith("| ")]
    assert table and table[0].split("|")[1].strip() == "workload"
    for workload in ("1. burst", "2. one school", "3. close round", "4. ", "5. broadcast", "6. leader's effort"):
        assert any(line.startswith(f"| {workload}") for line in table), f"no rows for {workload!r}:\n{out}"
    assert re.search(r"sandbox: \d+ Bot API calls, 0 rule violations", out), out
    assert "SANDBOX RULE VIOLATIONS" not in out
