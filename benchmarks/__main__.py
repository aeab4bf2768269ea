"""Every benchmark, one after the other: python -m benchmarks [--quick]."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from benchmarks import api_writes, budget, load_time, portfolio, reminders
from benchmarks.common import argument_parser


def main(argv: Sequence[str] | None = None) -> int:
    args = argument_parser("Run every benchmark (load_time, api_writes, portfolio).").parse_args(
        argv
    )
    passed = ["--quick"] if args.quick else []
    status = 0
    for benchmark in (load_time, api_writes):
        status = max(status, benchmark.main(passed))
    budget.main(quick=args.quick)
    portfolio.main(quick=args.quick)
    reminders.main(quick=args.quick)
    return status


if __name__ == "__main__":
    sys.exit(main())
