"""Scaling: what doubling the organisation costs (issue 12: at most 2.1 times).

The organisation of bench_evaluate.py at three sizes, each twice the one
before (objectives, key results and check-ins alike), from rows through
``Checkins.from_rows``, definitions included. The sizes run in turns,
round after round, so a machine that slows down for a while slows every
size alike; each size keeps its best CPU time, and the ratios of
neighbouring sizes are printed.

Run: python benchmarks/bench_scaling.py [--scale 0.1] [--rounds 7]
"""

from __future__ import annotations

import argparse
import gc
import time

from bench_evaluate import AS_OF, definitions, make_rows

from okrkit import Checkins, evaluate


def run_once(objectives, key_results, checkins) -> float:
    """CPU seconds of definitions, table and evaluation, from a collected heap."""
    gc.collect()
    began = time.process_time()
    built = definitions(objectives, key_results)
    card = evaluate(built, measurements=Checkins.from_rows(checkins), as_of=AS_OF)
    spent = time.process_time() - began
    assert len(card.objectives) == len(objectives)
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=0.1, help="the smallest size")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    scales = [args.scale, 2 * args.scale, 4 * args.scale]
    data = [make_rows(scale) for scale in scales]
    best = [float("inf")] * len(scales)
    for _ in range(args.rounds):
        for i, rows in enumerate(data):
            best[i] = min(best[i], run_once(*rows))
    for scale, rows, seconds in zip(scales, data, best, strict=True):
        objectives, key_results, checkins = rows
        print(
            f"scale {scale:g}: {len(objectives):,} objectives, "
            f"{len(key_results):,} key results, {len(checkins):,} check-ins: "
            f"{seconds:.3f} s CPU"
        )
    for i in range(1, len(scales)):
        print(
            f"doubling {scales[i - 1]:g} -> {scales[i]:g}: "
            f"{best[i] / best[i - 1]:.2f} x (target at most 2.1)"
        )


if __name__ == "__main__":
    main()
