"""Benchmark the pure functions on hostile input: the worst time per input, per function.

Run from the repository root: `python bench/bench_fuzz.py [--repeat N] [-v]`. For every hostile
text of `tests/reliability/hostile_inputs.py` (each token issue 5 names repeated up to 10,000
times, alone and around a denial, NUL, lone surrogates, bidi and zero-width marks, emoji...) cut to
Slack's 40,000 characters, it times `core.classify`, `core.redact` and the normaliser, `--repeat`
times (best of N, default 3), and prints per function the worst input, its CPU time and wall
clock, and the issue's goal (250 ms per input). CPU time is what the code costs; wall clock also
counts whatever else runs on the machine, so the load average is printed too.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "reliability"))

from hostile_inputs import DENIAL, SLACK_LIMIT, hostile_texts  # noqa: E402

from core.classifier import classify  # noqa: E402
from core.classifier.normalize import normalize  # noqa: E402
from core.redaction import redact  # noqa: E402

GOAL_MS = 250.0

FUNCTIONS: dict[str, Callable[[str], object]] = {
    "classify": classify,
    "redact": redact,
    "normalize": normalize,
}


def _time(fn: Callable[[str], object], text: str, repeat: int) -> tuple[float, float]:
    """Best (cpu, wall) seconds over `repeat` runs."""
    best_cpu = best_wall = float("inf")
    for _ in range(repeat):
        cpu, wall = time.process_time(), time.perf_counter()
        fn(text)
        best_cpu = min(best_cpu, time.process_time() - cpu)
        best_wall = min(best_wall, time.perf_counter() - wall)
    return best_cpu, best_wall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per input (best is kept)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every input")
    args = parser.parse_args(argv)

    for fn in FUNCTIONS.values():
        fn(DENIAL)  # load catalogs and compile patterns: not part of any figure
    texts = [(name, text[:SLACK_LIMIT]) for name, text in hostile_texts()]
    load = os.getloadavg()
    print(
        f"bench_fuzz: {len(texts)} hostile inputs (<= {SLACK_LIMIT:,} chars), best of "
        f"{args.repeat}; {os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f}"
    )
    worst: dict[str, tuple[float, float, str, int]] = {}
    total_cpu = 0.0
    for name, text in texts:
        for fname, fn in FUNCTIONS.items():
            cpu, wall = _time(fn, text, args.repeat)
            total_cpu += cpu
            if args.verbose:
                print(f"  {fname:<9} {name:<28} {len(text):>6} chars  cpu {cpu * 1000:7.1f} ms")
            if cpu > worst.get(fname, (0.0, 0.0, "", 0))[0]:
                worst[fname] = (cpu, wall, name, len(text))
    print(f"{'function':<10} {'worst cpu':>10} {'its wall':>10}  input")
    for fname, (cpu, wall, name, size) in worst.items():
        flag = "" if cpu * 1000 <= GOAL_MS else f"  (over the {GOAL_MS:.0f} ms goal)"
        print(
            f"{fname:<10} {cpu * 1000:>8.1f}ms {wall * 1000:>8.1f}ms  {name} ({size:,} chars){flag}"
        )
    per_input = max(c for c, *_ in worst.values())
    print(f"max per-input CPU time: {per_input * 1000:.1f} ms (goal {GOAL_MS:.0f} ms)")
    print(f"total CPU: {total_cpu:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
