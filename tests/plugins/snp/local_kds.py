"""A stand-in for AMD KDS on 127.0.0.1: serves bytes by path and query, answers 429 when told, logs requests."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LocalKds:
    """Routes are KDS paths with their query (``/vcek/v1/Milan/<hwid>?blSPL=...``); anything else is 404."""

    def __init__(self) -> None:
        self.routes: dict[str, bytes] = {}
        self.refusals: dict[str, list[tuple[int, dict[str, str]]]] = {}
        self.requests: list[str] = []
        self.base_url = ""
        self._lock = threading.Lock()

    def serve(self, path: str, body: bytes) -> None:
        self.routes[path] = body

    def refuse(self, path: str, status: int = 429, headers: Mapping[str, str] | None = None, times: int = 1) -> None:
        """Answer the next ``times`` requests for ``path`` with ``status`` (and headers) before serving it."""
        self.refusals.setdefault(path, []).extend([(status, dict(headers or {}))] * times)

    def count(self, path: str) -> int:
        return self.requests.count(path)

    def answer(self, path: str) -> tuple[int, dict[str, str], bytes]:
        with self._lock:
            self.requests.append(path)
            queued = self.refusals.get(path)
            if queued:
                status, headers = queued.pop(0)
                return status, headers, b"slow down\n"
        body = self.routes.get(path)
        if body is None:
            return 404, {}, b"not found\n"
        return 200, {"Content-Type": "application/octet-stream"}, body


@contextmanager
def running(kds: LocalKds) -> Iterator[LocalKds]:
    """Run ``kds`` on a free port of 127.0.0.1 in a thread for the duration of the block."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, headers, body = kds.answer(self.path)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # quiet
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    kds.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield kds
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
