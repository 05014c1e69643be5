"""The book's test kernel (tools/kernels/book-python) is a fresh kernel like any other.

It starts as a copy of a process that has imported NumPy, SymPy and matplotlib
(see its launch.py).  A chapter must not be able to tell: the same working folder,
``sys.path`` and environment as an ordinary kernel, an empty namespace, none of the
book's own modules loaded, figures shown inline; and the kernel goes when its
launcher is killed.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbval.kernel import CURRENT_ENV_KERNEL_NAME, NbvalKernelspecManager

ROOT = Path(__file__).resolve().parents[1]
# Elsewhere the kernel spec starts ordinary kernels (see launch.py), which the
# other tests of the suite already use.
pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="kernels are preloaded on Linux")

PROBE = """
import json as _json, os as _os, sys as _sys
print(_json.dumps({
    "cwd": _os.getcwd(),
    "path": _sys.path,
    "names": sorted(n for n in globals() if not n.startswith("_")),
    "probe": _os.environ.get("BOOK_KERNEL_PROBE"),
    "parent": _os.environ.get("JPY_PARENT_PID") is not None,
    "book": sorted(m for m in _sys.modules if m.split(".")[0] in ("backprop", "tools", "tests")),
    "backend": _os.environ.get("MPLBACKEND"),
}))
"""


def _kernel(name: str, specs, cwd: Path) -> tuple[KernelManager, object]:
    manager = KernelManager(kernel_name=name, kernel_spec_manager=specs)
    manager.start_kernel(cwd=str(cwd), env=dict(os.environ, BOOK_KERNEL_PROBE="yes"))
    client = manager.client()
    client.start_channels()
    client.wait_for_ready(timeout=60)
    return manager, client


def _run(client, code: str) -> list[dict]:
    outputs = []
    client.execute_interactive(code, timeout=60, output_hook=outputs.append)
    return outputs


def _printed(outputs: list[dict]) -> str:
    return "".join(m["content"]["text"] for m in outputs if m["msg_type"] == "stream")


@pytest.fixture(scope="module")
def kernels():
    cwd = ROOT / "chapters"
    preloaded = _kernel(
        "book-python", KernelSpecManager(kernel_dirs=[str(ROOT / "tools" / "kernels")]), cwd
    )
    ordinary = _kernel(CURRENT_ENV_KERNEL_NAME, NbvalKernelspecManager(), cwd)
    yield {"preloaded": preloaded, "ordinary": ordinary}
    for manager, client in (preloaded, ordinary):
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def test_a_preloaded_kernel_sees_what_an_ordinary_one_sees(kernels):
    seen = {
        name: json.loads(_printed(_run(client, PROBE))) for name, (_, client) in kernels.items()
    }
    preloaded, ordinary = seen["preloaded"], seen["ordinary"]
    assert preloaded["cwd"] == ordinary["cwd"] == str(ROOT / "chapters")
    assert preloaded["path"] == ordinary["path"]
    assert preloaded["names"] == ordinary["names"]  # no name defined before the first cell
    assert preloaded["probe"] == ordinary["probe"] == "yes"  # the asker's environment
    assert preloaded["book"] == ordinary["book"] == []  # none of the book's modules
    assert preloaded["backend"] == ordinary["backend"]
    assert not preloaded["parent"]  # watched by its launcher, not by jupyter_client's pid


def test_a_preloaded_kernel_shows_figures_inline(kernels):
    _, client = kernels["preloaded"]
    shown = _run(client, "import matplotlib.pyplot as plt\nplt.plot([0, 1])\nplt.show()")
    assert any(
        m["msg_type"] == "display_data" and "image/png" in m["content"]["data"] for m in shown
    ), [m["msg_type"] for m in shown]


def test_the_kernel_goes_when_its_launcher_is_killed():
    specs = KernelSpecManager(kernel_dirs=[str(ROOT / "tools" / "kernels")])
    manager, client = _kernel("book-python", specs, ROOT)
    try:
        kernel = json.loads(_printed(_run(client, "import os; print(os.getpid())")))
        os.kill(manager.provisioner.process.pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.kill(kernel, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        else:
            pytest.fail(f"kernel {kernel} still runs 10 s after its launcher was killed")
    finally:
        client.stop_channels()
        manager.cleanup_resources()
