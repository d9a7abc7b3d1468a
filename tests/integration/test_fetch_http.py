"""Fetching over real HTTP on 127.0.0.1."""

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from schemas.settings import Settings
from tasks.errors import FetchError
from tasks.fetch import fetch_url
from tests.conftest import FIXTURES

PAGE = (FIXTURES / "articles" / "01-valley-post-reservoir.html").read_bytes()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        routes = {
            "/story": (200, "text/html; charset=utf-8", PAGE),
            "/moved": (301, "text/html", b""),
            "/missing": (404, "text/html", b"not here"),
            "/broken": (503, "text/html", b"down"),
            "/huge": (200, "text/html", b"<p>" + b"x" * 50_000 + b"</p>"),
            "/image": (200, "image/png", b"\x89PNG"),
            "/latin1": (
                200,
                "text/html; charset=iso-8859-1",
                "<p>Caf\u00e9 prices rose 4% in 2023.</p>".encode("latin-1"),
            ),
        }
        if self.path == "/slow":
            time.sleep(2)
        status, kind, body = routes.get(self.path, (200, "text/html", PAGE))
        self.send_response(status)
        self.send_header("Content-Type", kind)
        if self.path == "/moved":
            self.send_header("Location", "/story")
        if self.path == "/ua":
            body = self.headers.get("User-Agent", "").encode()
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


SETTINGS = Settings(database_url="postgresql://unused", fetch_timeout_s=1.0, fetch_max_bytes=20_000)


def test_fetches_a_page_after_a_redirect(base_url):
    document = fetch_url(f"{base_url}/moved", SETTINGS)
    assert document.url.endswith("/story")
    assert document.body == PAGE and document.content_type == "text/html"


def test_sends_our_user_agent(base_url):
    assert fetch_url(f"{base_url}/ua", SETTINGS).body.decode() == SETTINGS.user_agent


def test_declared_charset_is_kept(base_url):
    assert fetch_url(f"{base_url}/latin1", SETTINGS).charset == "iso-8859-1"


@pytest.mark.parametrize(
    ("path", "transient", "words"),
    [
        ("/missing", False, "HTTP 404"),
        ("/broken", True, "HTTP 503"),
        ("/huge", False, "over the 20000"),
        ("/image", False, "not an article"),
        ("/slow", True, "timed out"),
    ],
)
def test_failures_say_why_and_whether_to_retry(base_url, path, transient, words):
    with pytest.raises(FetchError) as caught:
        fetch_url(f"{base_url}{path}", SETTINGS)
    assert caught.value.transient is transient
    assert words in str(caught.value)


def test_unreachable_host_is_transient():
    with pytest.raises(FetchError) as caught:
        fetch_url("http://127.0.0.1:9/nothing", SETTINGS)
    assert caught.value.transient and "cannot connect" in str(caught.value)
