"""Every benchmark, one after the other: python -m benchmarks [--quick]."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from benchmarks import api_writes, as_of, audit_chain, budget, load_time, portfolio, reminders
from benchmarks.common import argument_parser


def main(argv: Sequence[str] | None = None) -> int:
    args = argument_parser(
        "Run every benchmark (load_time, as_of, budget, api_writes, portfolio, reminders, "
        "audit_chain)."
    ).parse_args(argv)
    passed = ["--quick"] if args.quick else []
    status = 0
    for benchmark in (load_time, as_of):
        status = max(status, benchmark.main(passed))
    budget.main(quick=args.quick)
    status = max(status, api_writes.main(passed))
    portfolio.main(quick=args.quick)
    reminders.main(quick=args.quick)
    audit_chain.main(quick=args.quick)
    return status


if __name__ == "__main__":
    sys.exit(main())
