"""history() against one evaluate(): an analyst's organisation, every day of Q1.

250 objectives in a 3-level cascade, 1,250 key results, 50,000 check-ins in
a Checkins table; 91 daily dates. Prints the time of one evaluate() at the
quarter's end, of history() over the 91 days, and their ratio; checks that
history[d] equals evaluate(..., as_of=d) on a few dates. Best of --repeat.

Run: python benchmarks/bench_history.py [--scale 1.0] [--repeat 3]
Target (issue 14): the 91 dates in at most 3 x the time of one evaluate.
evaluate and history run in turns, so both meet the same machine; the
ratio is printed for wall-clock and for CPU time (steadier when the
machine is shared).
"""

from __future__ import annotations

import argparse
import gc
import random
import time
from datetime import date, timedelta

from okrkit import Checkins, KeyResult, Objective, Period, evaluate, history, to_dict

Q1 = Period.quarter(2026, 1)
LEVELS = (5, 45, 200)  # objectives per level: 250 in all
KRS_PER_OBJECTIVE = 5
CHECKINS = 50_000


def organisation(scale: float) -> tuple[list[Objective], Checkins]:
    rnd = random.Random(14)
    objectives: list[Objective] = []
    previous: list[str] = []
    kr_ids: list[str] = []
    for level, count in enumerate(LEVELS):
        current = [f"o{level}-{i}" for i in range(max(1, round(count * scale)))]
        for id_ in current:
            krs = [
                KeyResult(f"{id_}-k{k}", f"{id_} k{k}", start=0, target=100)
                for k in range(KRS_PER_OBJECTIVE)
            ]
            kr_ids += [kr.id for kr in krs]
            parent = rnd.choice(previous) if previous else None
            objectives.append(
                Objective(id_, id_, period=Q1, parent=parent, key_results=krs)
            )
        previous = current
    days = [Q1.start + timedelta(days=d) for d in range(90)]
    rows = [
        (rnd.choice(kr_ids), rnd.choice(days), rnd.uniform(0, 120))
        for _ in range(round(CHECKINS * scale))
    ]
    return objectives, Checkins.from_rows(rows)


def best(repeat: int, work) -> float:
    """The best wall-clock seconds of ``repeat`` runs."""
    return min(timed(work)[0] for _ in range(repeat))


def timed(work) -> tuple[float, float]:
    """The wall-clock and CPU seconds of one run, from a collected heap."""
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    objectives, table = organisation(args.scale)
    dates = [Q1.start + timedelta(days=d) for d in range(1, 92)]
    krs = sum(len(o.key_results) for o in objectives)
    print(
        f"{len(objectives):,} objectives, {krs:,} key results, {len(table):,} "
        f"check-ins; {len(dates)} daily dates"
    )
    end = date(2026, 4, 1)
    # Taken in turns, so both see the same machine (on a shared one its
    # speed drifts); the best of each, wall clock and CPU time.
    ones, manys = [], []
    for _ in range(args.repeat):
        ones.append(timed(lambda: evaluate(objectives, measurements=table, as_of=end)))
        manys.append(
            timed(lambda: history(objectives, measurements=table, dates=dates))
        )
    one, one_cpu = min(w for w, _ in ones), min(c for _, c in ones)
    many, many_cpu = min(w for w, _ in manys), min(c for _, c in manys)
    # What an analyst reads next: every id's row at every date, forecasts
    # included (made on demand, as a scorecard's are).
    rows = best(
        args.repeat,
        lambda: history(objectives, measurements=table, dates=dates).records(),
    )
    # Or straight to a data frame (polars here, when it is installed).
    frame = None
    try:
        import polars  # noqa: F401

        frame = best(
            args.repeat,
            lambda: history(objectives, measurements=table, dates=dates).to_frame(
                backend="polars"
            ),
        )
    except ImportError:
        pass
    past = history(objectives, measurements=table, dates=dates)
    for day in dates[::30]:
        alone = evaluate(objectives, measurements=table, as_of=day)
        assert to_dict(past[day]) == to_dict(alone), day
    print(f"one evaluate:        {one:6.3f} s")
    print(f"history, 91 dates:   {many:6.3f} s   (history[d] == evaluate at d)")
    print(f"  ... and records():  {rows:6.3f} s   ({len(past.records()):,} rows)")
    if frame is not None:
        print(f"  ... and to_frame(): {frame:6.3f} s   (polars)")
    print(
        f"ratio history / one evaluate: {many / one:.1f} (target at most 3; "
        f"CPU time {many_cpu / one_cpu:.1f})"
    )
    print(f"ratio with records():         {rows / one:.1f}")


if __name__ == "__main__":
    main()
