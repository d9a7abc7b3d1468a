"""A small news site on 127.0.0.1 for the fetching tests: a feed and a sitemap of our own pages,
some broken in the ways real sites break. Every request is recorded with its headers."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

from tests.conftest import FIXTURES
from tests.scriptedserver import Handler as ScriptedHandler
from tests.scriptedserver import serving

PAGES = {
    "/news/reservoir": (FIXTURES / "articles" / "01-valley-post-reservoir.html").read_bytes(),
    "/news/hosepipe": (FIXTURES / "articles" / "02-northern-herald-hosepipe.html").read_bytes(),
    "/news/ban": (FIXTURES / "articles" / "03-valley-post-correction.html").read_bytes(),
}
LATIN1_PAGE = (
    "<html><head><title>Caf\u00e9 prices</title></head><body><article>"
    "<p>Caf\u00e9 owners in Kestrel Dale raised the price of a coffee by 12% in 2023, the "
    "traders' association said.</p></article></body></html>"
)
BROKEN_PAGE = b"<html><body><nav><a href='/'>Home</a></nav><div class='ad'>Buy now</div>"

GOOD = [
    "/news/reservoir",
    "/news/hosepipe",
    "/news/ban",
    "/moved",
    "/flaky",
    "/latin1",
    "/utf8-as-latin1",
]
BAD = {
    "/missing": "HTTP 404",
    "/down": "HTTP 503",
    "/slow": "timed out",
    "/huge": "byte limit",
    "/to-private": "refused",
    "/private/secret": "disallowed by",
    "/image": "not an article",
    "/broken": "no article text",
}


@dataclass
class Site:
    port: int = 0
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    feed_etag: bool = False
    hits: dict[str, int] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def requests_for(self, path: str) -> list[dict[str, str]]:
        return [headers for p, headers in self.requests if p == path]

    def feed(self) -> bytes:
        items = "".join(
            f"<item><title>{path}</title><link>{self.base}{path}</link>"
            f"<pubDate>Mon, 0{i % 9 + 1} Jul 2023 10:00:00 GMT</pubDate></item>"
            for i, path in enumerate(GOOD + list(BAD))
        )
        return (
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>Kestrel news</title>'
            f"<link>{self.base}/</link>{items}</channel></rss>"
        ).encode()

    def sitemap(self) -> bytes:
        urls = "".join(f"<url><loc>{self.base}{p}</loc></url>" for p in GOOD[:3])
        return (
            f'<?xml version="1.0" encoding="UTF-8"?><urlset '
            f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
        ).encode()


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(ScriptedHandler):  # its quiet log and send()
        def send_cacheable(self, body: bytes, kind: str = "text/html; charset=utf-8") -> None:
            etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == etag:
                self.send(304, headers={"ETag": etag})
            else:
                self.send(200, body, kind, {"ETag": etag})

        def do_GET(self) -> None:
            path = self.path
            site.requests.append((path, dict(self.headers)))
            site.hits[path] = site.hits.get(path, 0) + 1
            if path == "/robots.txt":
                self.send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
            elif path == "/feed.xml":
                if site.feed_etag:
                    self.send_cacheable(site.feed(), "application/rss+xml")
                else:
                    self.send(200, site.feed(), "application/rss+xml")
            elif path == "/sitemap.xml":
                self.send(200, site.sitemap(), "application/xml")
            elif path in PAGES:
                self.send_cacheable(PAGES[path])
            elif path == "/moved":
                self.send(301, headers={"Location": "/news/moved-here"})
            elif path == "/news/moved-here":
                self.send_cacheable(
                    PAGES["/news/reservoir"]
                    .replace(b"38%", b"39%")
                    .replace(b"reservoir-drought", b"moved-here")
                )
            elif path == "/flaky":
                if site.hits[path] % 2 == 1:
                    self.send(429, b"slow down", headers={"Retry-After": "1"})
                else:
                    self.send_cacheable(
                        PAGES["/news/hosepipe"]
                        .replace(b"hosepipe-ban-ruled-out", b"flaky")
                        .replace(b"38 percent", b"37 percent")
                    )
            elif path == "/latin1":  # declared UTF-8, really Latin-1
                self.send_cacheable(LATIN1_PAGE.replace("coffee", "tea").encode("latin-1"))
            elif path == "/utf8-as-latin1":  # declared Latin-1, really UTF-8
                self.send_cacheable(LATIN1_PAGE.encode("utf-8"), "text/html; charset=iso-8859-1")
            elif path == "/down":
                self.send(503, b"maintenance")
            elif path == "/slow":
                time.sleep(1.5)
                self.send(200, PAGES["/news/ban"])
            elif path == "/huge":
                self.send(200, b"<html><body><p>" + b"word " * 40_000 + b"</p></body></html>")
            elif path == "/to-private":
                self.send(302, headers={"Location": "http://10.255.255.1/internal"})
            elif path == "/image":
                self.send(200, b"\x89PNG\r\n", "image/png")
            elif path == "/broken":
                self.send(200, BROKEN_PAGE)
            else:
                self.send(404, b"not found")

    return Handler


@contextmanager
def news_site(feed_etag: bool = False) -> Iterator[Site]:
    site = Site(feed_etag=feed_etag)
    with serving(_handler(site)) as port:
        site.port = port
        yield site
