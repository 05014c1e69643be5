"""How fast is the package?  (``make bench``; a benchmark, not a test.)

(a) The article's 10,000 training steps with ``backprop.train`` against the same
    steps written as a plain pure-Python loop over scalars, and their ratio.
(b) A 64-32-10 network trained on random data (fixed seed) in minibatches of
    32 for 1,000 steps.
(c) Names cost nothing: building and copying a 784-256-10 network (203,530
    parameters, every one with a name) and reading one of its gradients by name.
(d) The handwritten digits (scikit-learn's copy, shipped inside the package):
    64-32-10 in minibatches of 32 with ``backprop.train``, against the same
    network and batches hand-written in numpy, and scikit-learn's
    ``MLPClassifier`` per epoch.
(e) Each chapter's execution time in a fresh kernel (tools/time_notebooks.py).

Each timing is the best of several runs, to keep the other core's noise out.
Timings are printed here and recorded in the README; they never go into a
notebook's stored outputs.
"""

from __future__ import annotations

import math
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np

import backprop as bp

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

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


def naming(repeats: int = REPEATS) -> dict[str, float]:
    """Seconds to build, copy and replace in a 784-256-10 network and read a gradient by name."""
    rng = np.random.default_rng(0)
    weights = [rng.normal(0, 0.05, (256, 784)), rng.normal(0, 0.05, (10, 256))]
    biases = [np.zeros(256), np.zeros(10)]
    x, t = rng.uniform(0, 1, 784), np.full(10, 0.1)
    times = {}
    times["build from arrays"], net = best_time(lambda: bp.Network(weights, biases), repeats)
    times["copy"], _ = best_time(net.copy, repeats)
    times["replace one weight"], net2 = best_time(lambda: net.replace({"w123456": 0.5}), repeats)
    times["backward, one sample"], bwd = best_time(lambda: bp.backward(net2, x, t), repeats)
    times["read dE_total/dw200000"], _ = best_time(lambda: bwd["dE_total/dw200000"], repeats)
    return times


def digits_data():
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = digits.data / 16.0
    t = np.eye(10)[digits.target]
    return x, t, digits.target


def numpy_loop(x, t, steps: int, batch: int, seed: int, rate: float):
    """The same 64-32-10 sigmoid network, squared error, minibatches: plain numpy."""
    net = bp.Network.random((64, 32, 10), seed=seed)
    W1, W2 = (W.copy() for W in net.weights)
    b1, b2 = (b.copy() for b in net.biases)
    rng = np.random.default_rng(seed)
    per_pass = len(x) // batch
    for k in range(steps):
        if k % per_pass == 0:
            order = rng.permutation(len(x))
        rows = order[(k % per_pass) * batch : (k % per_pass + 1) * batch]
        xb, tb = x[rows], t[rows]
        h = 1.0 / (1.0 + np.exp(-(xb.dot(W1.T) + b1)))
        o = 1.0 / (1.0 + np.exp(-(h.dot(W2.T) + b2)))
        d2 = (o - tb) / batch * o * (1.0 - o)
        d1 = d2.dot(W2) * h * (1.0 - h)
        W2 -= rate * d2.T.dot(h)
        b2 -= rate * d2.sum(axis=0)
        W1 -= rate * d1.T.dot(xb)
        b1 -= rate * d1.sum(axis=0)
    return W1, W2, b1, b2


def digits_bench(steps: int = 2000, batch: int = 32, seed: int = 0, rate: float = 2.0):
    x, t, labels = digits_data()
    net = bp.Network.random((64, 32, 10), seed=seed)

    def package():
        return bp.train(net, x, t, steps=steps, learning_rate=rate, batch_size=batch, seed=seed)

    t_package, run = best_time(package, 5)
    t_numpy, weights = best_time(lambda: numpy_loop(x, t, steps, batch, seed, rate), 5)
    same = np.allclose(run.network.weights[0], weights[0], rtol=1e-10, atol=1e-12)

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    epochs = 10

    def sklearn_fit():
        model = MLPClassifier(
            hidden_layer_sizes=(32,), batch_size=batch, max_iter=epochs, random_state=seed
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return model.fit(x, labels)

    t_sklearn, _ = best_time(sklearn_fit, 3)
    return t_package / steps, t_numpy / steps, same, t_sklearn / epochs, len(x) // batch


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

    print("\n(c) 784-256-10 (203,530 named parameters; target: under 10 ms in all)")
    times = naming()
    for what, seconds in times.items():
        print(f"    {what:<24}: {seconds * 1e3:8.3f} ms")
    print(f"    {'total':<24}: {sum(times.values()) * 1e3:8.3f} ms")

    per_step, per_step_numpy, same, per_epoch, steps_per_epoch = digits_bench()
    print("\n(d) handwritten digits, 64-32-10, batch 32")
    print(f"    backprop.train          : {per_step * 1e6:8.1f} us per step")
    print(f"    hand-written numpy      : {per_step_numpy * 1e6:8.1f} us per step")
    print(
        f"    ratio                   : {per_step / per_step_numpy:8.2f} x  (target: at most 1.2 x)"
    )
    print(f"    same weights            : {'yes' if same else 'NO'}")
    epoch = per_step * steps_per_epoch
    print(
        f"    sklearn MLPClassifier   : {per_epoch * 1e3:8.1f} ms per epoch "
        f"({steps_per_epoch} steps of 32; backprop.train: {epoch * 1e3:.1f} ms)"
    )

    from time_notebooks import main as time_notebooks

    print("\n(e) each chapter in a fresh kernel (target: at most 5 s of cells)")
    time_notebooks([], repeats=3)


if __name__ == "__main__":
    main()
