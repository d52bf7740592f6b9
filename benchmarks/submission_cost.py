"""The cost of one check-in submission in storage (``Answers.submit``, its durable commit and the WAL
checkpoint), for a team of ``--members`` in a database holding ``--teams`` other teams' rounds.

    python -m benchmarks.submission_cost --teams 7000 --members 100

Prints the median and the 95th percentile per submission (wall clock: mostly the fsyncs of the durable commit
and the checkpoint, noisy on a shared disk), the time per submission near the end of the round (the re-write
of a round in random order grows with the answers it already holds), and the same in CPU time.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from storage.db import Storage


def _fill(storage: Storage, teams: int, rng: random.Random) -> None:
    """``teams`` teams, each with a closed round of 25 answers (scores and two open answers each)."""
    db = storage.db
    with storage.atomic():
        for n in range(teams):
            team_id = db.execute("INSERT INTO teams (chat_id, name, created_on) VALUES (?, ?, '2026-01-01')", [-10**9 - n, f"T{n}"]).lastrowid
            round_id = db.execute("INSERT INTO rounds (team_id, kind, state) VALUES (?, 'analysis', 'closed')", [team_id]).lastrowid
            rows, ledger = [], []
            for i in range(25):
                rows.append((f"{rng.getrandbits(128):032x}", round_id, "scores", json.dumps({f"q{j}": rng.randint(1, 4) for j in range(6)})))
                rows += [(f"{rng.getrandbits(128):032x}", round_id, "free_text", json.dumps(["free_cause", "x" * 120])) for _ in range(2)]
                ledger.append((round_id, 10**8 + n * 100 + i))
            db.conn.executemany("INSERT INTO answers (key, round_id, part, response) VALUES (?, ?, ?, ?)", rows)
            db.conn.executemany("INSERT INTO participation (round_id, user_id) VALUES (?, ?)", ledger)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=7000)
    parser.add_argument("--members", type=int, default=100)
    args = parser.parse_args()
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as folder:
        storage = Storage(Path(folder) / "cost.db")
        _fill(storage, args.teams, rng)
        team = storage.teams.register(-1, "Team", 1, "hash")
        round_ = storage.cycles.open_round(storage.cycles.start(team.id, "analyseren"), "analysis")
        times, cpu = [], []
        for user in range(args.members):
            storage.answers.save_draft(round_.id, user + 1, {"answers": {"q0": 2}}, now=0)
            parts = [("scores", {f"q{j}": rng.randint(1, 4) for j in range(6)}), ("free_text", ["free_cause", "y" * 120]),
                     ("free_text", ["free_help", "z" * 120])]
            start, start_cpu = time.perf_counter(), time.process_time()
            assert storage.answers.submit(round_.id, user + 1, parts)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        storage.close()
    ms = sorted(t * 1000 for t in times)
    print(f"{args.members} submissions in a database of {args.teams} teams: median {statistics.median(ms):.2f} ms, "
          f"p95 {ms[int(0.95 * len(ms)) - 1]:.2f} ms, the last ten {statistics.mean(t * 1000 for t in times[-10:]):.2f} ms; "
          f"CPU median {statistics.median(cpu) * 1000:.2f} ms, the last ten {statistics.mean(cpu[-10:]) * 1000:.2f} ms")


if __name__ == "__main__":
    main()
