"""Definitions: the cost of building one KeyResult and one Objective.

Run: python benchmarks/bench_definitions.py [--repeat 3] [--objectives 10000]

Builds 40,000 linear key results (start, target, weight) and 10,000
objectives of 4 key results each (parent, weight, a period), as
bench_evaluate.py does from its tuples, and prints the best of --repeat runs
in microseconds per value.  Target (issue 12): at most 2 µs each.
"""

from __future__ import annotations

import argparse
import gc
import time
from collections.abc import Callable
from typing import TypeVar

from okrkit import KeyResult, Objective, Period

Q1 = Period.quarter(2026, 1)
OBJECTIVES = 10_000
KRS_PER_OBJECTIVE = 4
T = TypeVar("T")


KeyResultRow = tuple[str, float, float, float]
ObjectiveRow = tuple[str, str | None, float]


def rows(objectives: int) -> tuple[list[KeyResultRow], list[ObjectiveRow]]:
    """Plain tuples, as an application would load them."""
    key_results = [
        (f"o{i}-k{k}", float(k * 10), float(k * 10 + 100), (1.0, 2.0)[k % 2])
        for i in range(objectives)
        for k in range(KRS_PER_OBJECTIVE)
    ]
    objectives = [
        (f"o{i}", None if i == 0 else f"o{(i - 1) // 4}", (1.0, 2.0)[i % 2])
        for i in range(objectives)
    ]
    return key_results, objectives


def build_key_results(
    key_results: list[KeyResultRow],
) -> list[KeyResult]:
    return [
        KeyResult(id_, id_, start=start, target=target, weight=weight)
        for id_, start, target, weight in key_results
    ]


def group(key_results: list[KeyResult]) -> list[list[KeyResult]]:
    """Each objective's key results, as an application would collect them."""
    n = KRS_PER_OBJECTIVE
    return [key_results[i : i + n] for i in range(0, len(key_results), n)]


def build_objectives(
    objectives: list[ObjectiveRow], key_results: list[list[KeyResult]]
) -> list[Objective]:
    return [
        Objective(id_, id_, period=Q1, parent=parent, weight=weight, key_results=krs)
        for (id_, parent, weight), krs in zip(objectives, key_results, strict=True)
    ]


def best(repeat: int, run: Callable[[], T]) -> tuple[float, float, T]:
    """Best wall-clock and best CPU seconds of ``repeat`` runs, and a result.

    Each run starts from a freshly collected heap, the garbage collector on.
    CPU time is shown as well: on a shared machine it varies less.
    """
    walls, cpus = [], []
    result = run()
    for _ in range(repeat):
        del result
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        result = run()
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    return min(walls), min(cpus), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--objectives", type=int, default=OBJECTIVES)
    arguments = parser.parse_args()
    kr_rows, objective_rows = rows(arguments.objectives)
    wall, cpu, krs = best(arguments.repeat, lambda: build_key_results(kr_rows))
    print(
        f"KeyResult: {wall / len(kr_rows) * 1e6:.2f} µs each "
        f"(CPU {cpu / len(kr_rows) * 1e6:.2f} µs; {len(kr_rows):,} linear)"
    )
    grouped = group(krs)
    wall, cpu, _ = best(
        arguments.repeat, lambda: build_objectives(objective_rows, grouped)
    )
    print(
        f"Objective: {wall / len(objective_rows) * 1e6:.2f} µs each "
        f"(CPU {cpu / len(objective_rows) * 1e6:.2f} µs; {len(objective_rows):,}, "
        f"{KRS_PER_OBJECTIVE} key results each)"
    )


if __name__ == "__main__":
    main()
