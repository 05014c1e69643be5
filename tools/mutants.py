"""Check that the tests notice a change in the mathematics (``make mutants``).

Each mutant is a copy of the project with one small change to a formula in
``backprop`` -- the sigmoid off by a relative 1e-9, a shared bias's gradient no
longer summed over its units, the batch mean's 1/m dropped, and so on.  Some
check must FAIL on the copy: if every check still passed, the book could not tell
a right formula from a slightly wrong one.

A mutant needs only one failure, so its checks run cheapest first (a notebook
under nbval, stopping at its first failing cell, or a single unit test) and
stop at the first that fails.  Mutants run two at a time.  The report says
which check caught each mutant.  Run from the project root; exits non-zero if
any mutant survives.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The notebooks run in the book's kernel with its libraries preloaded
# (tools/kernels/book-python/launch.py), as in `make notebooks`.
NBVAL = ["--nbval", "--nbval-kernel-name", "book-python"]
NBVAL += ["--nbval-sanitize-with", "tests/nbval_sanitize.cfg"]
KERNELS = str(ROOT / "tools")


@dataclass(frozen=True)
class Mutant:
    """One change to one file, and the checks that should catch it, cheapest first.

    A check is a notebook path (run under nbval) or a unit test's node id.
    """

    name: str
    path: str
    original: str
    mutated: str
    checks: tuple[str, ...]


MUTANTS = [
    Mutant(
        "sigmoid off by 1e-9",
        "backprop/functions.py",
        "return 1.0 / (1.0 + np.exp(-net))",
        "return 1.0 / (1.0 + np.exp(-net)) * (1 + 1e-9)",
        ("chapters/01_forward_pass.ipynb",),
    ),
    Mutant(
        "sigmoid derivative off by 1e-9",
        "backprop/functions.py",
        "return out * (1.0 - out)",
        "return out * (1.0 - out) * (1 + 1e-9)",
        ("chapters/03_output_layer.ipynb",),
    ),
    Mutant(
        "weight gradient off by 1e-9",
        "backprop/passes.py",
        "return delta.T.dot(out_below)",
        "return delta.T.dot(out_below) * (1 + 1e-9)",
        ("chapters/03_output_layer.ipynb",),
    ),
    Mutant(
        "shared bias gradient not summed over its units",
        "backprop/passes.py",
        "return per_unit.sum(keepdims=True)",
        "return per_unit[:1]",
        (
            "tests/test_gradients.py::test_shared_bias_gradient_is_the_sum_over_its_units",
            "chapters/05_training.ipynb",
        ),
    ),
    Mutant(
        "sequential order updates after the walk",
        "backprop/training.py",
        'if order == "sequential":',
        'if order == "sequential" and False:',
        (
            "tests/test_network_and_training.py::test_sequential_step_sends_deltas_through_updated_weights",
            "chapters/06_errata.ipynb",
        ),
    ),
    Mutant(
        "batch mean without its 1/m",
        "backprop/functions.py",
        "            dE_dout /= len(targets)\n",
        "            pass\n",
        ("tests/test_gradients.py::test_batch_error_and_gradients_are_means_over_samples",),
    ),
    Mutant(
        "the twin's sigmoid derivative written wrong",
        "backprop/twin.py",
        "return sigma(x) * (1 - sigma(x))",
        "return sigma(x) * (1 + sigma(x))",
        (
            "tests/test_twin.py::test_sigmas_written_in_derivative_is_proved_from_the_exponential",
            "chapters/03_output_layer.ipynb",
        ),
    ),
    Mutant(
        "a wrong adjoint in the miniature engine (sigmoid)",
        "backprop/engine.py",
        'return Value(s, (self,), (s * (1.0 - s),), "sigmoid")',
        'return Value(s, (self,), (s * (1.0 - s) * (1 + 1e-9),), "sigmoid")',
        (
            "tests/test_engine.py::test_adjoints_are_the_named_quantities_of_the_article",
            "chapters/08_computational_graph.ipynb",
        ),
    ),
    Mutant(
        "a wrong difference formula in the gradient check",
        "backprop/gradcheck.py",
        'result[name] = (up - down) / (2 * h if method == "central" else h)',
        'result[name] = (up - down) / (2 * h if method == "forward" else h)',
        (
            "tests/test_gradcheck.py::test_a_correct_gradient_passes",
            "chapters/10_gradient_checking.ipynb",
        ),
    ),
    Mutant(
        "a wrong softmax cross-entropy delta",
        "backprop/functions.py",
        "return dE_dout, None, (out - targets) / m",
        "return dE_dout, None, (out - targets) / m * (1 + 1e-9)",
        (
            "tests/test_functions.py::test_output_deltas_of_the_cross_entropies_are_out_minus_target",
            "chapters/11_cross_entropy.ipynb",
        ),
    ),
]


def _command(check: str) -> list[str]:
    # Only the plugin a check needs is loaded (see _ENV): pytest's start-up then
    # takes about a second less, which is most of a unit test's cost here.
    base = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider"]
    return base + (["-p", "nbval", *NBVAL, check] if check.endswith(".ipynb") else [check])


# pytest loads no installed plugin of its own accord (xdist, hypothesis's, nbval's);
# _command names the one a check needs.  Hypothesis's tests run without its plugin.
_ENV = {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}


def run_mutant(mutant: Mutant) -> tuple[bool, list[str]]:
    """Apply the mutant to a copy; True (and a report) if some check fails on it."""
    start = time.perf_counter()
    lines = []
    with tempfile.TemporaryDirectory(prefix="backprop-mutant-") as tmp:
        copy = Path(tmp)
        for part in ("backprop", "chapters", "tests"):
            shutil.copytree(
                ROOT / part, copy / part, ignore=shutil.ignore_patterns("__pycache__", "_build")
            )
        shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
        source = (copy / mutant.path).read_text(encoding="utf-8")
        if source.count(mutant.original) != 1:
            raise SystemExit(
                f"mutant {mutant.name!r}: {mutant.original!r} is not found exactly once in "
                f"{mutant.path}; update tools/mutants.py"
            )
        (copy / mutant.path).write_text(
            source.replace(mutant.original, mutant.mutated), encoding="utf-8"
        )
        kernels = os.pathsep.join(filter(None, [KERNELS, os.environ.get("JUPYTER_PATH")]))
        env = dict(os.environ, PYTHONPATH=str(copy), JUPYTER_PATH=kernels, **_ENV)
        caught_by = None
        for check in mutant.checks:
            result = subprocess.run(
                _command(check), cwd=copy, env=env, capture_output=True, text=True, check=False
            )
            failed = [line for line in result.stdout.splitlines() if line.startswith("FAILED")]
            if result.returncode == 1 and failed:
                caught_by = failed[0].removeprefix("FAILED ").split(" - ")[0]
                break
            if result.returncode not in (0, 1):
                lines.append(f"    {check}: pytest exited with {result.returncode}")
                lines.append("    " + result.stdout[-400:].replace("\n", "\n    "))
    seconds = time.perf_counter() - start
    verdict = f"caught by {caught_by}" if caught_by else "SURVIVED every check"
    return caught_by is not None, [f"{mutant.name}: {verdict} ({seconds:.1f} s)", *lines]


def main() -> int:
    names = sys.argv[1:]
    chosen = [m for m in MUTANTS if not names or any(n in m.name for n in names)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(run_mutant, chosen))
    for _, lines in results:
        print("\n".join(lines))
    survived = sum(not caught for caught, _ in results)
    print(f"{len(results) - survived} of {len(results)} mutants caught")
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
