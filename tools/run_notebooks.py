"""Run chapter notebooks and store their outputs in place (``make outputs``).

The stored outputs are what readers see and what nbval compares, so they are
produced the same way every time: a fresh kernel per notebook, run from the
notebook's own folder, a cell's printed text in one output per stream, and
execution timestamps and other run-to-run metadata removed.  Usage::

    python tools/run_notebooks.py chapters/01_forward_pass.ipynb [...]
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

KERNEL = {"display_name": "Python 3", "language": "python", "name": "python3"}


def run(path: Path) -> None:
    """Execute one notebook and write it back with clean metadata."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=900,
        resources={"metadata": {"path": str(path.parent)}},
        # One output per stream of a cell, however the kernel's flushes fell.
        coalesce_streams=True,
    )
    client.execute()
    notebook.metadata = {"kernelspec": KERNEL, "language_info": {"name": "python"}}
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            for output in cell.get("outputs", []):
                output.get("metadata", {}).pop("execution", None)
    nbformat.validate(notebook)
    nbformat.write(notebook, path)
    print(f"ran {path}")


def main(paths: list[str]) -> int:
    if not paths:
        print(__doc__)
        return 2
    for name in paths:
        path = Path(name)
        if path.suffix != ".ipynb" or not path.is_file():
            print(f"not a notebook: {name}", file=sys.stderr)
            return 2
        run(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
