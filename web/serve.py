"""Serves web/ (the chat page and widget.js) like `python -m http.server`, plus the headers an embeddable page needs.

`Content-Security-Policy: frame-ancestors` names the sites that may show the chat in their page (widget.js's
iframe): the origins in WEB_ORIGINS, the same variable that tells Rasa's socket.io channel which page origins to
accept (bot/rasa_ext/channels.py). So a clinic's site is allowed in one place:

    WEB_ORIGINS=http://127.0.0.1:8080,https://clinic.example.org make serve

    python web/serve.py [--port 8080] [--bind 127.0.0.1] [--config-server URL]

--config-server: serve config.js with that Rasa address instead of the file's (tests, other hosts).
"""
from __future__ import annotations

import argparse
import functools
import os
import re
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

WEB = Path(__file__).resolve().parent
ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]+)?$")


def frame_ancestors(origins: str | None) -> str:
    """The CSP directive: this site itself and every well-formed origin of the comma-separated list."""
    allowed = [o.strip().rstrip("/") for o in (origins or "").split(",") if ORIGIN.match(o.strip().rstrip("/"))]
    return " ".join(["frame-ancestors 'self'", *allowed])


class Handler(SimpleHTTPRequestHandler):
    """Static files of web/; config.js may be replaced; every answer carries the embedding policy."""

    config_js: bytes | None = None
    policy = frame_ancestors(os.environ.get("WEB_ORIGINS"))

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if self.config_js is not None and self.path.split("?")[0] == "/config.js":
            self.send_response(200)
            self.send_header("Content-Type", "text/javascript")
            self.send_header("Content-Length", str(len(self.config_js)))
            self.end_headers()
            self.wfile.write(self.config_js)
            return
        super().do_GET()

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", self.policy)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "strict-origin")
        super().end_headers()

    def log_message(self, *args: object) -> None:
        pass


def handler(directory: Path = WEB, config_js: bytes | None = None, origins: str | None = None) -> functools.partial:
    """A handler class for ThreadingHTTPServer serving `directory` (tests start one in a thread)."""
    attributes = {"config_js": config_js}
    if origins is not None:
        attributes["policy"] = frame_ancestors(origins)
    configured = type("ConfiguredHandler", (Handler,), attributes)
    return functools.partial(configured, directory=str(directory))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--config-server", help="Rasa's address for config.js (default: web/config.js as it is)")
    args = parser.parse_args()
    config_js = None
    if args.config_server:
        config_js = f"window.MBC_ASSISTANT_CONFIG = {{ server: {args.config_server!r} }};\n".encode()
    server = ThreadingHTTPServer((args.bind, args.port), handler(WEB, config_js))
    print(f"Serving {WEB} on http://{args.bind}:{args.port}/ ({Handler.policy})")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
