"""The benchmark scripts still run (at a tiny size; timings are not tested)."""

import subprocess
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).parent.parent / "benchmarks"


def run(script: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return done.stdout


def test_series_benchmark_runs():
    out = run(
        "bench_series.py", "--measurements", "3000", "--ids", "30", "--repeat", "1"
    )
    assert "measurements: 3,000 for 30 ids" in out
    assert "build + index:" in out


def test_evaluate_benchmark_runs():
    out = run("bench_evaluate.py", "--scale", "0.01", "--no-pandas", "--repeat", "2")
    assert "101 objectives, 404 key results, 10,000 check-ins" in out
    assert "okrkit total:" in out


def test_evaluate_benchmark_runs_in_every_mode_and_agrees_with_pandas():
    """rows and frame modes run, and their scores agree with the pandas script."""
    for mode in ("rows", "frame"):
        out = run(
            "bench_evaluate.py", "--scale", "0.01", "--repeat", "1", "--mode", mode
        )
        assert f"mode {mode}" in out
        assert "scores agree" in out


def test_scaling_benchmark_runs_every_size_in_turns():
    """Three sizes, each twice the one before, and a ratio per doubling."""
    out = run("bench_scaling.py", "--scale", "0.005", "--rounds", "1")
    assert "scale 0.005: 51 objectives" in out
    assert "scale 0.02: 201 objectives" in out
    assert out.count("doubling") == 2
