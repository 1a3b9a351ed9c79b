"""Benchmark: the audit trail's cost — appending an entry (one transaction each, as a page
view does) and verifying a chain. Uses a throw-away SQLite database under a temporary
``CLINWELL_VAR_DIR`` (or ``DATABASE_URL`` if set). Usage::

    .venv/bin/python benchmarks/bench_audit_trail.py --entries 5000
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

import django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=5000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinwell.web.settings")
    os.environ.setdefault("CLINWELL_VAR_DIR", tempfile.mkdtemp(prefix="bench-audit-"))
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from clinwell.web.audit.queries import verify_chain
    from clinwell.web.audit.services import record

    chain_org = 999_999
    start = time.perf_counter()
    for _ in range(args.entries):
        record(
            "view",
            organization_id=chain_org,
            route="results:index",
            path="/o/bench/results/",
            detail={"query": {"unit": "3"}},
        )
    append = time.perf_counter() - start
    start = time.perf_counter()
    report = verify_chain(f"org-{chain_org}")
    verify = time.perf_counter() - start
    print(
        f"append: {append / args.entries * 1000:.2f} ms per entry over {args.entries}; "
        f"verify: {verify:.2f} s for {report.entries} entries (intact: {report.ok})"
    )


if __name__ == "__main__":
    main()
