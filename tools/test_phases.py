"""Run the phases of ``make test`` one after another and time each (``make test``).

Each phase is a Makefile target (lint, unit, notebooks, mutants, book-strict,
html).  The first phase that fails stops the run; either way the table of the
phases' times and the total is printed at the end, so every run of the suite
also measures it.  Usage::

    python tools/test_phases.py lint unit notebooks mutants book-strict html
"""

from __future__ import annotations

import os
import subprocess
import sys
import time


def main(phases: list[str]) -> int:
    make = os.environ.get("MAKE", "make")
    times: list[tuple[str, float, str]] = []
    status = 0
    start = time.perf_counter()
    for phase in phases:
        began = time.perf_counter()
        print(f"\n=== make {phase} ===", flush=True)
        result = subprocess.run([make, "--no-print-directory", phase], check=False)
        seconds = time.perf_counter() - began
        verdict = "ok" if result.returncode == 0 else f"FAILED (exit {result.returncode})"
        times.append((phase, seconds, verdict))
        if result.returncode:
            status = result.returncode
            break
    total = time.perf_counter() - start
    print("\nmake test, phase by phase:")
    for phase, seconds, verdict in times:
        print(f"  {phase:<12} {seconds:7.1f} s  {verdict}")
    skipped = phases[len(times) :]
    for phase in skipped:
        print(f"  {phase:<12} {'':>7}    not run")
    print(f"  {'total':<12} {total:7.1f} s")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
