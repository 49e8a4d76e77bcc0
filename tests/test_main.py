import subprocess
import sys
from pathlib import Path

import pytest

from okrkit.__main__ import main

DATA = Path(__file__).parent / "data"


def test_demo_prints_at_the_default_date(capsys):
    """`python -m okrkit` prints the demo scorecard as of its fixed date."""
    assert main([]) == 0
    out = capsys.readouterr().out
    assert out == (DATA / "demo-2026-03-16.txt").read_text(encoding="utf-8")


def test_demo_as_of_another_date(capsys):
    """--as-of re-evaluates the demo at that date."""
    main(["--as-of", "2026-02-15"])
    out = capsys.readouterr().out
    assert out == (DATA / "demo-2026-02-15.txt").read_text(encoding="utf-8")


def test_demo_numbers_by_hand(capsys):
    """Spot checks of the demo against numbers worked out by hand."""
    main([])
    out = capsys.readouterr().out
    # Value roll-up: EMEA 18 + 22 and Americas 6 + 9 new customers by March 16.
    assert "Win 300 new customers: 55 of 300 customers (18 %)" in out
    # 74 of 181 days of H1 have passed.
    assert "at 41 % of 2026-H1" in out
    # Visits +20 % on December's 40,000: target 48,000, February at 43,900.
    assert "43,900 visits from 40,000 visits toward 48,000 visits (49 %)" in out
    # Conversion sums orders and sessions: (1,100 + 1,240) / (41,200 + 43,900).
    assert "Conversion rate 2.7 % is amber" in out
    # The company objective: mean of 2 key results and 4 team objectives.
    assert "A   38 %      41 %  Increase turnover by 20 % within six months" in out


def test_bad_as_of_is_a_usage_error(capsys):
    """An unparseable --as-of exits with argparse's usage error."""
    with pytest.raises(SystemExit) as info:
        main(["--as-of", "soon"])
    assert info.value.code == 2
    assert "--as-of" in capsys.readouterr().err


def test_runs_as_a_module():
    """`python -m okrkit` works as the README says."""
    done = subprocess.run(
        [sys.executable, "-m", "okrkit"],
        capture_output=True,
        text=True,
        check=True,
        encoding="utf-8",
    )
    assert done.stdout.startswith("Scorecard as of 2026-03-16")
