"""A web server on 127.0.0.1 whose answers each test scripts: a path maps to a function that
writes the response (a page, an error, a trickle of bytes...). Every request is recorded."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Answer = Callable[["Handler"], None]


class Handler(BaseHTTPRequestHandler):
    site: ScriptedSite

    def log_message(self, *args: object) -> None:
        pass

    def send(
        self,
        status: int,
        body: bytes = b"",
        kind: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def do_GET(self) -> None:
        site = self.site
        with site.lock:
            site.requests.append((self.path, dict(self.headers)))
            site.hits[self.path] = site.hits.get(self.path, 0) + 1
        answer = site.routes.get(self.path)
        if answer is None:
            if self.path == "/robots.txt":
                self.send(200, b"User-agent: *\nAllow: /\n", "text/plain")
            else:
                self.send(404, b"not found")
            return
        with suppress(BrokenPipeError, ConnectionResetError):
            answer(self)


@dataclass
class ScriptedSite:
    routes: dict[str, Answer] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    hits: dict[str, int] = field(default_factory=dict)
    port: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path


def page(body: bytes, kind: str = "text/html; charset=utf-8", etag: str | None = None) -> Answer:
    """A fixed page; with an ETag, a conditional request for it gets 304."""

    def answer(handler: Handler) -> None:
        if etag and handler.headers.get("If-None-Match") == etag:
            handler.send(304, headers={"ETag": etag})
        else:
            handler.send(200, body, kind, {"ETag": etag} if etag else None)

    return answer


def fails_first(times: int, then: Answer, status: int = 503) -> Answer:
    """An answer that is an HTTP error the first `times` requests, then `then`."""
    seen = {"n": 0}

    def answer(handler: Handler) -> None:
        seen["n"] += 1
        if seen["n"] <= times:
            handler.send(status, b"try later")
        else:
            then(handler)

    return answer


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[int]:
    """Serve with this handler on 127.0.0.1 in a background thread; yields the port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def scripted_site(routes: dict[str, Answer] | None = None) -> Iterator[ScriptedSite]:
    site = ScriptedSite(routes=dict(routes or {}))
    with serving(type("BoundHandler", (Handler,), {"site": site})) as port:
        site.port = port
        yield site
