"""`python -m tlo.bench generate --scale 0.1 [--seed 1]` and
`python -m tlo.bench run [--repeat 5] [--json results.json]`, on TLO_DATABASE_URL."""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

from tlo import db
from tlo.config import get_settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tlo.bench",
        description="Generate the largest office and measure tlo on it (issue 15).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    generate = commands.add_parser(
        "generate", help="fill an empty database (TLO_DATABASE_URL) with a generated office"
    )
    generate.add_argument(
        "--scale", type=float, default=0.1, help="1.0 is the largest office (default 0.1)"
    )
    generate.add_argument("--seed", type=int, default=1, help="the same seed, the same office")
    measure = commands.add_parser("run", help="measure pages and operations on it")
    measure.add_argument("--repeat", type=int, default=5, help="runs per operation (median)")
    measure.add_argument("--timeout", type=float, default=120, help="seconds per operation")
    measure.add_argument("--json", type=Path, help="also write the results to this file")
    measure.add_argument("--import-rows", type=int, help="disclosures to import (rolled back)")
    measure.add_argument(
        "--only",
        choices=["all", "services", "pages", "docket", "charts", "statements", "exports"],
        default="all",
        help="what to measure (or one part of the services)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    url = get_settings().database_url
    if args.command == "generate":
        from tlo.bench.generate import NotEmpty, generate

        db.migrate(url)
        try:
            generate(db.get_engine(url), args.scale, seed=args.seed)
        except NotEmpty as refusal:
            print(str(refusal), file=sys.stderr)
            return 2
        return 0
    from tlo.bench import run

    started = time.perf_counter()
    results = run.run(
        url,
        repeat=args.repeat,
        timeout=args.timeout,
        import_rows=args.import_rows,
        only=args.only,
    )
    print()
    print(run.markdown_table(results))
    if args.json:
        run.write_json(
            results,
            args.json,
            database=db.get_engine(url).url.render_as_string(hide_password=True),
            python=platform.python_version(),
            seconds=round(time.perf_counter() - started, 1),
        )
        print(f"\nResults written to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
