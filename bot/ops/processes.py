"""Starting and stopping local servers: one place for the tests, `make scale` and `make bench`."""
from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Callable, Sequence

from bot.paths import ROOT


def server_env(**extra: str) -> dict:
    """The environment for a Rasa or action server: no telemetry, bound to 127.0.0.1, our code importable."""
    return dict(os.environ, RASA_TELEMETRY_ENABLED="false", PYTHONPATH=str(ROOT), SANIC_HOST="127.0.0.1", **extra)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(
    check: Callable[[], bool], timeout: float, what: str, procs: Sequence[subprocess.Popen] = ()
) -> None:
    """Poll `check` until it is true; fail early if one of `procs` exits, or after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for proc in procs:
            if proc.poll() is not None:
                raise RuntimeError(f"{what} exited early with code {proc.returncode}")
        try:
            if check():
                return
        except Exception:  # noqa: BLE001 - not up yet, whatever the client says
            pass
        time.sleep(0.3)
    raise TimeoutError(f"{what} did not come up within {timeout:.0f} s")


def stop_process(proc: subprocess.Popen, timeout: float = 20) -> None:
    """Terminate a process, and kill it if it does not stop within `timeout` seconds."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
