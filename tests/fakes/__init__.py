"""Local stand-ins for third-party chat APIs: small HTTP servers on 127.0.0.1 that record requests."""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl


@dataclass
class Recorded:
    """One request the fake received: its path, headers and decoded parameters."""

    path: str
    headers: dict[str, str]
    params: dict[str, Any] = field(default_factory=dict)


def decode_body(content_type: str | None, body: bytes) -> dict[str, Any]:
    """Parameters of a JSON or URL-encoded body, as an API server reads them."""
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind == "application/json":
        return json.loads(body or b"{}")
    if kind == "application/x-www-form-urlencoded":
        return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    return {}


class FakeAPI:
    """A threaded HTTP server on a free loopback port; subclasses answer with ``reply``."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                self._handle()

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                self._handle()

            def _handle(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                recorded = Recorded(self.path, dict(self.headers), decode_body(self.headers.get("Content-Type"), body))
                with fake._lock:
                    fake.requests.append(recorded)
                status, payload = fake.reply(recorded)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def reply(self, request: Recorded) -> tuple[int, dict]:
        raise NotImplementedError

    def start(self) -> FakeAPI:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def calls(self, path_end: str) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.path.split("?")[0].endswith(path_end)]

    def wait_for(self, predicate, timeout: float = 30) -> list[Recorded]:
        """Waits until ``predicate(requests)`` is true; returns the requests then."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                seen = list(self.requests)
            if predicate(seen) or time.monotonic() > deadline:
                return seen
            time.sleep(0.1)
