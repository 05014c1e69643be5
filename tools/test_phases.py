"""Run the phases of ``make test`` and time each (``make test``).

Each phase is a Makefile target (lint, unit, notebooks, mutants, book-strict,
html).  Phases joined by ``+`` run at the same time, which keeps both cores busy
while one of them (the single-threaded book build, say) could not.  The first
step that fails stops the run; either way the table of the phases' times and the
total is printed at the end, so every run of the suite also measures it.
Usage::

    python tools/test_phases.py lint unit+notebooks book-strict+mutants html
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time


def _run(make: str, phase: str, results: dict, lock: threading.Lock, prefix: bool) -> None:
    began = time.perf_counter()
    process = subprocess.Popen(
        [make, "--no-print-directory", phase],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    )
    assert process.stdout is not None
    for line in process.stdout:
        with lock:
            sys.stdout.write(f"[{phase}] {line}" if prefix else line)
            sys.stdout.flush()
    code = process.wait()
    results[phase] = (time.perf_counter() - began, code)


def main(steps: list[str]) -> int:
    make = os.environ.get("MAKE", "make")
    results: dict[str, tuple[float, int]] = {}
    lock = threading.Lock()
    start = time.perf_counter()
    done: list[str] = []
    status = 0
    for step in steps:
        phases = step.split("+")
        print(f"\n=== make {' & make '.join(phases)} ===", flush=True)
        threads = [
            threading.Thread(target=_run, args=(make, p, results, lock, len(phases) > 1))
            for p in phases
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        done.append(step)
        failed = [p for p in phases if results[p][1]]
        if failed:
            status = results[failed[0]][1]
            break
    total = time.perf_counter() - start
    print("\nmake test, phase by phase (phases joined by + ran at the same time):")
    for step in steps:
        for i, phase in enumerate(step.split("+")):
            joined = "+ " if i else "  "
            if phase in results:
                seconds, code = results[phase]
                verdict = "ok" if code == 0 else f"FAILED (exit {code})"
                print(f"  {joined}{phase:<15} {seconds:7.1f} s  {verdict}")
            else:
                print(f"  {joined}{phase:<15} {'':>7}    not run")
    print(f"    {'total':<15} {total:7.1f} s")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
