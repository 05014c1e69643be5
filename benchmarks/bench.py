"""How fast is the package?  (``make bench``; a benchmark, not a test.)

(a) The article's 10,000 training steps with ``backprop.train`` against the same
    steps written as a plain pure-Python loop over scalars, and their ratio.
(b) A 64-32-10 network trained on random data (fixed seed) in minibatches of
    32 for 1,000 steps.

Each timing is the best of several runs, to keep the other core's noise out.
"""

from __future__ import annotations

import math
import platform
import time

import numpy as np

import backprop as bp

REPEATS = 7


def best_time(run, repeats: int = REPEATS) -> tuple[float, object]:
    """The fastest of ``repeats`` calls of ``run``, and its last result."""
    best, result = math.inf, None
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def scalar_loop(steps: int) -> list[float]:
    """The article's training, hand-written with Python floats (simultaneous update)."""
    i1, i2 = bp.published("i1").value, bp.published("i2").value
    t1, t2 = bp.published("t1").value, bp.published("t2").value
    w1, w2, w3, w4, w5, w6, w7, w8 = (bp.published(f"w{k}").value for k in range(1, 9))
    b1, b2, eta = bp.published("b1").value, bp.published("b2").value, bp.published("eta").value
    errors = []
    for _ in range(steps + 1):
        h1 = 1 / (1 + math.exp(-(w1 * i1 + w2 * i2 + b1)))
        h2 = 1 / (1 + math.exp(-(w3 * i1 + w4 * i2 + b1)))
        o1 = 1 / (1 + math.exp(-(w5 * h1 + w6 * h2 + b2)))
        o2 = 1 / (1 + math.exp(-(w7 * h1 + w8 * h2 + b2)))
        errors.append(0.5 * (t1 - o1) ** 2 + 0.5 * (t2 - o2) ** 2)
        d1 = (o1 - t1) * o1 * (1 - o1)
        d2 = (o2 - t2) * o2 * (1 - o2)
        e1 = (d1 * w5 + d2 * w7) * h1 * (1 - h1)
        e2 = (d1 * w6 + d2 * w8) * h2 * (1 - h2)
        w5, w6, w7, w8 = (
            w5 - eta * d1 * h1,
            w6 - eta * d1 * h2,
            w7 - eta * d2 * h1,
            w8 - eta * d2 * h2,
        )
        w1, w2, w3, w4 = (
            w1 - eta * e1 * i1,
            w2 - eta * e1 * i2,
            w3 - eta * e2 * i1,
            w4 - eta * e2 * i2,
        )
    return errors


def article_with_package(steps: int) -> np.ndarray:
    run = bp.train(
        bp.article_network(),
        bp.article_inputs(),
        bp.article_targets(),
        steps=steps,
        learning_rate=bp.article_learning_rate(),
        order="simultaneous",
        train_biases=False,
    )
    return run.errors


def minibatch_run(steps: int = 1000, batch: int = 32, samples: int = 1024, seed: int = 0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(samples, 64))
    labels = rng.integers(0, 10, samples)
    t = np.full((samples, 10), 0.01)
    t[np.arange(samples), labels] = 0.99
    net = bp.Network.random((64, 32, 10), seed=seed)
    return bp.train(net, x, t, steps=steps, learning_rate=0.5, batch_size=batch, seed=seed)


def main() -> None:
    steps = 10_000
    print(
        f"Python {platform.python_version()}, NumPy {np.__version__}, "
        f"{platform.machine()}; best of {REPEATS} runs\n"
    )
    t_scalar, scalar_errors = best_time(lambda: scalar_loop(steps))
    t_package, package_errors = best_time(lambda: article_with_package(steps))
    same = np.allclose(scalar_errors, package_errors, rtol=1e-12, atol=0)
    print(f"(a) article, {steps:,} steps")
    print(f"    pure-Python scalar loop : {t_scalar * 1e3:8.1f} ms")
    print(
        f"    backprop.train          : {t_package * 1e3:8.1f} ms "
        f"({t_package / steps * 1e6:.1f} us per step)"
    )
    print(f"    ratio                   : {t_package / t_scalar:8.1f} x  (target: at most 15 x)")
    print(f"    same errors             : {'yes' if same else 'NO'}")
    t_batch, run = best_time(minibatch_run, repeats=3)
    print("\n(b) 64-32-10, random data (seed 0), batch 32, 1,000 steps")
    print(
        f"    backprop.train          : {t_batch * 1e3:8.1f} ms "
        f"({t_batch / 1000 * 1e6:.1f} us per step)"
    )
    print(f"    error                   : {run.errors[0]:.4f} -> {run.errors[-1]:.4f}")


if __name__ == "__main__":
    main()
