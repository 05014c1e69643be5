"""Check that the notebooks notice a change in the mathematics (``make mutants``).

Each mutant is a copy of the project with one tiny change to a formula in
``backprop`` (the sigmoid, or its derivative, off by a relative 1e-9).  nbval
must FAIL on the copy: if every stored output still matched, the book would be
unable to tell a right formula from a slightly wrong one.

Run from the project root; exits non-zero if any mutant survives.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: (name, file, original text, mutated text)
MUTANTS = [
    (
        "sigmoid off by 1e-9",
        "backprop/activations.py",
        "return 1.0 / (1.0 + np.exp(-net))",
        "return 1.0 / (1.0 + np.exp(-net)) * (1 + 1e-9)",
    ),
    (
        "sigmoid derivative off by 1e-9",
        "backprop/activations.py",
        "return out * (1.0 - out)",
        "return out * (1.0 - out) * (1 + 1e-9)",
    ),
    (
        "weight gradient off by 1e-9",
        "backprop/passes.py",
        "return delta.T.dot(out_below)",
        "return delta.T.dot(out_below) * (1 + 1e-9)",
    ),
]


def run_mutant(name: str, path: str, original: str, mutated: str) -> bool:
    """True if nbval fails on the mutated copy (the mutant is caught)."""
    with tempfile.TemporaryDirectory(prefix="backprop-mutant-") as tmp:
        copy = Path(tmp)
        for part in ("backprop", "chapters", "tests"):
            shutil.copytree(
                ROOT / part, copy / part, ignore=shutil.ignore_patterns("__pycache__", "_build")
            )
        source = (copy / path).read_text(encoding="utf-8")
        if original not in source:
            raise SystemExit(
                f"mutant {name!r}: {original!r} not found in {path}; update tools/mutants.py"
            )
        (copy / path).write_text(source.replace(original, mutated, 1), encoding="utf-8")
        env = dict(os.environ, PYTHONPATH=str(copy))
        notebooks = sorted(str(p) for p in (copy / "chapters").glob("*.ipynb"))
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                "--nbval",
                "--nbval-current-env",
                "--nbval-sanitize-with",
                "tests/nbval_sanitize.cfg",
                "-n",
                "2",
                "--dist",
                "loadfile",
                *notebooks,
            ],
            cwd=copy,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        summary = [
            line for line in result.stdout.splitlines() if "failed" in line or "passed" in line
        ]
        failed = [
            line.split("::")[0].rsplit("/", 1)[-1]
            for line in result.stdout.splitlines()
            if line.startswith("FAILED")
        ]
        print(
            f"{name}: {'caught' if result.returncode else 'SURVIVED'}; "
            f"{summary[-1] if summary else result.stdout[-200:]}"
        )
        for notebook in sorted(set(failed)):
            print(f"    failed: {notebook}")
        return result.returncode != 0


def main() -> int:
    caught = [run_mutant(*mutant) for mutant in MUTANTS]
    return 0 if all(caught) else 1


if __name__ == "__main__":
    sys.exit(main())
