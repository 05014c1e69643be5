"""Run the phases of ``make test`` and time each (``make test``).

Each phase is a Makefile target (lint, unit, notebooks, mutants, book-strict,
html).  Phases joined by ``+`` run at the same time, which keeps both cores busy
while one of them (the single-threaded book build, say) could not; ``a>b`` inside
such a group runs ``b`` as soon as ``a`` has passed, beside the rest of the group
(``b`` needs what ``a`` made).  Such a chain cannot share itself out between the
cores, so the other phases of its group run at a lower priority (``nice`` 5): the
chain keeps a core to itself and ends before them, not alone at the end with the
other core idle.  The first step that fails stops the run; either
way the table of the phases' times and the total is printed at the end, so every
run of the suite also measures it.  Usage::

    python tools/test_phases.py lint 'book-strict-en>book-strict-zh+unit+notebooks' html
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time


def _run(
    make: str, phase: str, results: dict, lock: threading.Lock, prefix: bool, nice: int = 0
) -> None:
    began = time.perf_counter()
    process = subprocess.Popen(
        ["nice", "-n", str(nice), make, "--no-print-directory", phase]
        if nice
        else [make, "--no-print-directory", phase],
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


def _run_chain(
    make: str, chain: list[str], results: dict, lock, prefix: bool, nice: int = 0
) -> None:
    """Run the phases of ``a>b>...`` one after another, stopping at the first that fails."""
    for phase in chain:
        _run(make, phase, results, lock, prefix, nice)
        if results[phase][1]:
            return


def _chains(step: str) -> list[list[str]]:
    """The chains of a step: ``a>b+c`` is [[a, b], [c]]."""
    return [chain.split(">") for chain in step.split("+")]


def main(steps: list[str]) -> int:
    make = os.environ.get("MAKE", "make")
    results: dict[str, tuple[float, int]] = {}
    lock = threading.Lock()
    start = time.perf_counter()
    done: list[str] = []
    status = 0
    for step in steps:
        chains = _chains(step)
        phases = [phase for chain in chains for phase in chain]
        print(f"\n=== make {' & make '.join(step.split('+'))} ===", flush=True)
        has_chain = any(len(chain) > 1 for chain in chains)
        threads = [
            threading.Thread(
                target=_run_chain,
                args=(make, chain, results, lock, len(phases) > 1),
                kwargs={"nice": 5 if has_chain and len(chain) == 1 else 0},
            )
            for chain in chains
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        done.append(step)
        failed = [p for p in phases if p in results and results[p][1]]
        if failed:
            status = results[failed[0]][1]
            break
    total = time.perf_counter() - start
    print(
        "\nmake test, phase by phase (+ ran beside the phases above it, > after the one above it):"
    )
    for step in steps:
        for i, chain in enumerate(_chains(step)):
            for j, phase in enumerate(chain):
                joined = "> " if j else ("+ " if i else "  ")
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
