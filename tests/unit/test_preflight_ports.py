"""The preflight names a busy port in one line, instead of Sanic's traceback."""
from __future__ import annotations

import socket
import subprocess
import sys

from bot.paths import ROOT


def test_a_busy_port_is_named_in_one_line():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "bot.ops.preflight", "--ports", str(port)],
                                cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"port {port}" in lines[0] and "already in use" in lines[0], result.stderr
