"""How long each notebook takes to execute in a fresh kernel (``make bench``).

Runs each notebook top to bottom with nbclient, from its own folder, without
writing anything back, and prints a table of seconds.  Timings vary from run to
run (and with whatever else the machine does), which is why they live here and
in the README, never in a notebook's stored outputs.  Usage::

    python tools/time_notebooks.py [--repeat N] [chapters/01_forward_pass.ipynb ...]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def execution_time(path: Path) -> tuple[float, float]:
    """(seconds to run every cell, seconds including the kernel's start) for one notebook."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=900,
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    with client.setup_kernel():
        started = time.perf_counter()
        for index, cell in enumerate(notebook.cells):
            client.execute_cell(cell, index)
    end = time.perf_counter()
    return end - started, end - start


def main(paths: list[str], repeats: int = 1) -> int:
    """Print each notebook's time, the best of ``repeats`` runs (the machine is noisy)."""
    notebooks = [Path(p) for p in paths] or sorted((ROOT / "chapters").glob("*.ipynb"))
    best = f", best of {repeats}" if repeats > 1 else ""
    # The kernels inherit the environment: `make bench` runs them with one BLAS thread.
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "unset")
    print(f"OPENBLAS_NUM_THREADS={threads}")
    print(f"{'notebook':<34} {'cells (s)':>10} {'with kernel start (s)':>22}{best}")
    total = 0.0
    for path in notebooks:
        cells, whole = min(execution_time(path) for _ in range(repeats))
        total += whole
        print(f"{path.name:<34} {cells:>10.1f} {whole:>22.1f}", flush=True)
    print(f"{'total':<34} {'':>10} {total:>22.1f}")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="default: every chapter")
    parser.add_argument("--repeat", type=int, default=1, help="runs per notebook; the best counts")
    args = parser.parse_args()
    sys.exit(main(args.notebooks, args.repeat))
