"""``python -m okrkit``: print the demo.

The demo is fixed data evaluated at a fixed date (``--as-of`` picks another):
okrkit never reads the clock.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date

from okrkit._demo import DEMO_AS_OF, render_demo


def main(argv: Sequence[str] | None = None) -> int:
    """Run the demo and print it; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m okrkit", description="Print okrkit's demo scorecard."
    )
    parser.add_argument(
        "--as-of",
        type=date.fromisoformat,
        default=DEMO_AS_OF,
        help=f"evaluation date, YYYY-MM-DD (default {DEMO_AS_OF.isoformat()})",
    )
    args = parser.parse_args(argv)
    sys.stdout.write(render_demo(args.as_of))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
