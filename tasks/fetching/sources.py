"""What a source lists: article URLs from an RSS/Atom feed (feedparser) or a sitemap."""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from time import struct_time
from urllib.parse import urljoin, urlsplit

import feedparser
from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning

from schemas.records import FetchedDocument, SourceKind
from tasks.errors import InputError, ParseError
from tasks.fetching import credentials
from tasks.reading.decoding import decode
from tasks.reading.metadata import parse_date

SOURCE_KINDS: tuple[SourceKind, ...] = ("feed", "sitemap", "url")
MAX_CHILD_SITEMAPS = 5


@dataclass(frozen=True)
class Listing:
    """Article URLs a feed or sitemap lists (newest first when dates are given), and for a
    sitemap index the child sitemaps to read."""

    articles: tuple[str, ...]
    child_sitemaps: tuple[str, ...] = ()


MAX_SOURCE_NAME_CHARS = 200


def check_source_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"{url}: a source needs an http(s) URL")
    if "@" in parts.netloc:
        raise InputError(
            f"{credentials.mask_password(url)}: a source URL with a user name or password would "
            "be stored in plain text; give the URL without them"
        )
    return url


def check_source_name(name: str) -> str:
    """A source name fit to store, index and print."""
    if not name.strip() or len(name) > MAX_SOURCE_NAME_CHARS:
        raise InputError(
            f"a source name must have 1 to {MAX_SOURCE_NAME_CHARS} characters "
            f"(this one has {len(name)})"
        )
    return name


def read_listing(document: FetchedDocument, kind: SourceKind) -> Listing:
    if kind == "feed":
        return read_feed(document)
    if kind == "sitemap":
        return read_sitemap(document)
    return Listing((document.url,))


def _entry_time(entry: feedparser.FeedParserDict) -> datetime:
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    if isinstance(stamp, struct_time):
        return datetime(*stamp[:6], tzinfo=UTC)
    return datetime.min.replace(tzinfo=UTC)


def read_feed(document: FetchedDocument) -> Listing:
    """Links of an RSS or Atom feed's entries, resolved against the feed's URL."""
    parsed = feedparser.parse(document.body, response_headers={"content-location": document.url})
    entries = [e for e in parsed.entries if e.get("link")]
    if not entries:
        problem = parsed.get("bozo_exception")
        detail = f" ({problem})" if problem else ""
        raise ParseError(f"{document.url}: not an RSS or Atom feed with entries{detail}")
    entries.sort(key=_entry_time, reverse=True)
    return Listing(_http_urls(urljoin(document.url, e["link"]) for e in entries))


def read_sitemap(document: FetchedDocument) -> Listing:
    """<loc> URLs of a sitemap (newest <lastmod> first), or the child sitemaps of an index."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(decode(document.body, document.charset), "xml")
    index = soup.find("sitemapindex")
    if index is not None:
        children = [loc.get_text(strip=True) for loc in index.find_all("loc")]
        return Listing((), _http_urls(children)[:MAX_CHILD_SITEMAPS])
    urls = []
    for item in soup.find_all("url"):
        loc = item.find("loc")
        if loc is None:
            continue
        lastmod = item.find("lastmod")
        when = parse_date(lastmod.get_text(strip=True)) if lastmod else None
        urls.append((when or datetime.min.replace(tzinfo=UTC), loc.get_text(strip=True)))
    if not urls:
        raise ParseError(f"{document.url}: not a sitemap with <url><loc> entries")
    urls.sort(key=lambda item: item[0], reverse=True)
    return Listing(_http_urls(urljoin(document.url, url) for _, url in urls))


def _http_urls(urls: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for url in urls:
        if urlsplit(url).scheme in ("http", "https"):
            seen.setdefault(url.split("#")[0], None)
    return tuple(seen)
