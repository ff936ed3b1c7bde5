"""A news site on 127.0.0.1 for the web-import tests: pages, feeds and the ways fetching fails.

`site.route(path, body, content_type, status=200, headers={})` serves a response; a route may
be a list of responses served in turn (the last one repeats): 500 then 200, a page that
changes. `site.slow(path, seconds)` holds a response back; `site.requests` records every
(path, User-Agent) asked for. Nothing here reaches beyond 127.0.0.1.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Response:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class LocalSite:
    def __init__(self) -> None:
        self.routes: dict[str, list[Response]] = {}
        self.requests: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.requests.append((self.path, self.headers.get("User-Agent", "")))
                response = site._next(self.path)
                if response.delay:
                    time.sleep(response.delay)
                try:
                    self.send_response(response.status)
                    self.send_header("Content-Type", response.content_type)
                    self.send_header("Content-Length", str(len(response.body)))
                    for name, value in response.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(response.body)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, *responses: Response | bytes | str) -> str:
        """Serve these responses at `path` in turn (the last repeats); returns the full URL."""
        made = [
            r if isinstance(r, Response) else Response(r.encode() if isinstance(r, str) else r)
            for r in responses
        ]
        with self._lock:
            self.routes[path] = made
        return self.url(path)

    def redirect(self, path: str, to: str, status: int = 301) -> str:
        return self.route(path, Response(b"", status=status, headers={"Location": to}))

    def _next(self, path: str) -> Response:
        with self._lock:
            queue = self.routes.get(path)
            if not queue:
                return Response(b"<h1>Nicht gefunden</h1>", status=404)
            return queue.pop(0) if len(queue) > 1 else queue[0]

    def __enter__(self) -> LocalSite:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
