import subprocess
import sys

import pytest

from okrkit.__main__ import main


def test_demo_prints_at_the_default_date(capsys):
    """python -m okrkit prints the demo as of its fixed default date."""
    assert main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("okrkit demo as of 2026-03-16\n")
    assert "82.2 % elapsed" in out  # 74 of 90 days of Q1


def test_demo_as_of_another_date(capsys):
    """--as-of re-evaluates the demo at that date."""
    main(["--as-of", "2026-02-15"])
    out = capsys.readouterr().out
    assert "50.0 % elapsed" in out
    assert "revenue   sum: 410,000 USD" in out


def test_bad_as_of_is_a_usage_error(capsys):
    """An unparseable --as-of exits with argparse's usage error."""
    with pytest.raises(SystemExit) as info:
        main(["--as-of", "soon"])
    assert info.value.code == 2
    assert "--as-of" in capsys.readouterr().err


def test_runs_as_a_module():
    """`python -m okrkit` works as the README says."""
    done = subprocess.run(
        [sys.executable, "-m", "okrkit"], capture_output=True, text=True, check=True
    )
    assert "okrkit demo as of" in done.stdout
