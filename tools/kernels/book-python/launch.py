"""A Python kernel that starts without importing NumPy, SymPy and matplotlib again.

The book's tests run every chapter in a fresh kernel (nbval, and the mutation
check), and each kernel used to spend about two seconds starting IPython and
importing the same libraries before the chapter's first line ran: a third of the
notebooks' time in ``make test``.  This kernel spec (``make`` puts tools/ on
JUPYTER_PATH and names it to nbval) starts each kernel as a copy of one process
that has imported them already: a *fork server*.

What a chapter sees is a fresh kernel: a new process, an empty namespace, the
working folder, environment and ``sys.path`` of the process that asked for the
kernel (so a mutant's copy of ``backprop`` is the one imported), and none of the
book's own modules: only third-party libraries, which a chapter imports anyway,
are loaded before it starts.  Every output is compared by nbval as before.

How: the first launch starts the server (``launch.py --serve``), which imports
the libraries and waits on a Unix socket; each launch (this script, started by
jupyter_client as the kernel's process) asks the server for a kernel, passes on
the signals it gets (an interrupt, say) and exits when the kernel has exited.
The kernel exits if its launcher is killed.  The server exits after a minute
without requests.  ``BOOK_PRELOADED_KERNELS=0``, a system other than Linux, or
any failure to reach the server starts an ordinary kernel instead, with the same
outputs.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve()
IDLE_SECONDS = 60
# Imported by the server before any kernel is made: third-party libraries only.
# matplotlib is imported with the kernel's backend already chosen, and pyplot is
# left to the chapter (importing it hooks matplotlib into the running IPython).
PRELOAD = (
    "numpy",
    "sympy",
    "matplotlib",
    "matplotlib.figure",
    "matplotlib.axes",
    "matplotlib.backend_bases",
    "matplotlib.image",
    "IPython",
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
)
INLINE = "module://matplotlib_inline.backend_inline"


def _address() -> str:
    """The server's socket: one per user, Python, version of this file and set of packages.

    Installing or removing a package changes its folder's time, so a server that
    imported the old versions is not asked again.
    """
    packages = [p for p in sys.path if p.endswith("site-packages") and os.path.isdir(p)]
    stamp = [sys.executable, str(HERE.stat().st_mtime_ns)]
    stamp += [f"{p}:{os.stat(p).st_mtime_ns}" for p in packages]
    digest = hashlib.sha1("\n".join(stamp).encode()).hexdigest()[:12]
    return os.path.join(tempfile.gettempdir(), f"book-kernels-{os.getuid()}-{digest}.sock")


def _plain_kernel(argv: list[str]) -> None:
    os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", *argv])


def _connect(address: str) -> socket.socket | None:
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        client.connect(address)
    except OSError:
        client.close()
        return None
    return client


def _server_connection(address: str) -> socket.socket | None:
    """A connection to the server, started first if none is running.

    None if there cannot be one: the socket's path is too long for this system, or a
    server started in the last ten minutes never answered (``.failed`` says so, and
    the kernels of a whole run then start the ordinary way without waiting for it).
    """
    if len(address.encode()) > 100:
        return None
    client = _connect(address)
    if client is not None:
        return client
    failed = Path(address + ".failed")
    if failed.exists() and time.time() - failed.stat().st_mtime < 600:
        return None
    import fcntl  # POSIX only: launch() sends other systems to an ordinary kernel

    with open(address + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one launcher starts it; the others wait
        client = _connect(address)
        if client is None:
            subprocess.Popen(
                [sys.executable, str(HERE), "--serve", address],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
                close_fds=True,
            )
            deadline = time.monotonic() + 10
            while client is None and time.monotonic() < deadline:
                time.sleep(0.02)
                client = _connect(address)
            if client is None:
                failed.touch()
    return client


def _alive(pid: int) -> bool:
    """Whether the process runs (a zombie, dead but not yet waited for, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (OSError, IndexError):
        return True  # no /proc here: alive as far as we can tell
    return state not in ("Z", "X")


def launch(argv: list[str]) -> None:
    """Be the kernel's process for jupyter_client: ask the server for one, wait for it."""
    # Only on Linux: elsewhere a forked process may not keep every library working
    # (macOS's Accelerate, under NumPy, is not safe across fork; Windows has none).
    if os.environ.get("BOOK_PRELOADED_KERNELS", "1") == "0" or sys.platform != "linux":
        _plain_kernel(argv)
    client = _server_connection(_address())
    if client is None:
        _plain_kernel(argv)
    env = dict(os.environ)
    env.pop("JPY_PARENT_PID", None)  # the kernel watches this launcher instead
    # sys.path as `python -m ipykernel_launcher` would have it: without this folder.
    path = [p for p in sys.path if Path(p or ".").resolve() != HERE.parent]
    request = {"argv": argv, "cwd": os.getcwd(), "env": env, "path": path, "launcher": os.getpid()}
    try:
        with client:
            client.settimeout(30)  # the server imports in a few seconds, or is broken
            client.sendall(json.dumps(request).encode() + b"\n")
            reply = client.makefile().readline()
    except OSError:
        reply = ""
    if not reply:
        _plain_kernel(argv)
    kernel = json.loads(reply)["pid"]
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(number, lambda number, frame: os.kill(kernel, number))
    while _alive(kernel):
        time.sleep(0.02)


def _watch(launcher: int) -> None:
    while _alive(launcher):
        time.sleep(0.2)
    os._exit(1)  # the launcher was killed: nobody is left to talk to this kernel


def _become_kernel(request: dict) -> None:
    """In the forked child: take the asker's place, and run an IPython kernel."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    os.environ.setdefault("MPLBACKEND", INLINE)
    sys.path[:] = request["path"]
    threading.Thread(target=_watch, args=(request["launcher"],), daemon=True).start()
    from ipykernel import kernelapp

    sys.argv = [sys.argv[0], *request["argv"]]
    kernelapp.launch_new_instance(argv=request["argv"])


def serve(address: str) -> None:
    """Import the libraries once, then fork a kernel for every request."""
    try:
        os.unlink(address)
    except FileNotFoundError:
        pass
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(address)
    listener.listen(16)
    # Nothing of the project: a mutant's copy of the package must be imported fresh.
    project = set(filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep)))
    here = HERE.parent
    sys.path[:] = [p for p in sys.path if p not in project and Path(p or ".").resolve() != here]
    os.environ["MPLBACKEND"] = os.environ.get("MPLBACKEND") or INLINE
    import importlib

    for name in PRELOAD:
        importlib.import_module(name)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernels' exits need no waiting for
    listener.settimeout(IDLE_SECONDS)
    while True:
        try:
            connection, _ = listener.accept()
        except TimeoutError:
            break
        with connection:
            request = json.loads(connection.makefile().readline())
            child = os.fork()
            if child == 0:
                listener.close()
                connection.close()
                try:
                    _become_kernel(request)
                finally:
                    os._exit(0)
            connection.sendall(json.dumps({"pid": child}).encode() + b"\n")
    listener.close()
    os.unlink(address)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        serve(sys.argv[2])
    else:
        launch(sys.argv[1:])
