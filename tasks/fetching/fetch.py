"""Get the bytes of an article: a local file, or a URL over HTTP(S).

URLs go through `Fetcher`: the guarded httpx client (no private addresses), robots.txt, per-host
pacing, conditional GET (ETag / Last-Modified), a body-size cap, a content-type check, and retries
with backoff for transient failures only (timeouts, connection errors, 429, 5xx), honouring
Retry-After. A 404, a refused address or a non-article content type fails at once.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx

from schemas.records import FetchedDocument
from schemas.settings import Settings
from tasks.errors import FetchError, InputError
from tasks.fetching import credentials
from tasks.fetching.net import (
    MAX_REDIRECTS,
    BlockedAddress,
    DeadlinePassed,
    guarded_client,
    request_deadline,
)
from tasks.fetching.politeness import HostThrottle, RobotsRules

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_TEXT_TYPES = ("text/plain",)
_FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/xml",
    "text/xml",
    "application/rdf+xml",
    "application/feed+json",
    "application/x-rss+xml",
)
_TEXT_SUFFIXES = (".txt", ".text", ".md")


@dataclass(frozen=True)
class Validators:
    """What we remember of a URL's last good response, for a conditional GET."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


def is_url(target: str) -> bool:
    return urlsplit(target).scheme in ("http", "https")


def local_path(target: str) -> Path:
    """The file a non-URL target names; InputError when it is not a readable file."""
    parts = urlsplit(target)
    if parts.scheme == "file":
        path = Path(unquote(parts.path))
    elif parts.scheme and len(parts.scheme) > 1:
        raise InputError(
            f"{target}: unsupported scheme {parts.scheme!r}; use a path or an http(s) URL"
        )
    else:
        path = Path(target).expanduser()
    if not path.exists():
        raise InputError(f"{target}: no such file")
    if not path.is_file():
        raise InputError(f"{target}: not a file")
    return path.resolve()


def check_target(target: str) -> None:
    """Fail fast, before any work starts, on a target that cannot be ingested."""
    if not is_url(target):
        local_path(target)


def read_file(target: str, settings: Settings) -> FetchedDocument:
    path = local_path(target)
    size = path.stat().st_size
    if size > settings.fetch_max_bytes:
        raise FetchError(
            f"{target}: file is {size} bytes, over the {settings.fetch_max_bytes} limit"
        )
    try:
        body = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{target}: cannot read ({exc.strerror})") from exc
    is_text = path.suffix.lower() in _TEXT_SUFFIXES or not _sniff_html(body)
    return FetchedDocument(
        target=target,
        url=path.as_uri(),
        body=body,
        content_type="text/plain" if is_text else "text/html",
    )


def _sniff_html(body: bytes) -> bool:
    head = body[:2048].lower()
    return b"<html" in head or b"<!doctype html" in head or b"<body" in head or b"<p>" in head


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds: either a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class Fetcher:
    """Fetches files and URLs politely and safely; safe to share between threads."""

    def __init__(
        self,
        settings: Settings,
        *,
        sleep: Callable[[float], None] = time.sleep,
        client: httpx.Client | None = None,
    ):
        self.settings = settings
        self.sleep = sleep
        self.client = client or guarded_client(settings)
        self.throttle = HostThrottle(
            settings.fetch_host_concurrency, settings.fetch_host_delay_s, sleep=sleep
        )
        self._robots: dict[str, RobotsRules | FetchError] = {}
        self._robots_lock = threading.Lock()

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fetch(
        self, target: str, validators: Validators | None = None, *, accept_feeds: bool = False
    ) -> FetchedDocument:
        """A file or URL; for URLs, retries transient failures with backoff. Credentials in
        the URL (or remembered for its origin) are sent as Basic auth and appear nowhere else."""
        if not is_url(target):
            return read_file(target, self.settings)
        target = credentials.remember(target)
        attempt = 0
        while True:
            attempt += 1
            try:
                document = self._fetch_once(target, validators, accept_feeds)
                return replace(document, attempts=attempt)
            except FetchError as exc:
                may_retry = exc.transient and attempt <= self.settings.fetch_retries
                delay = self._retry_delay(exc, attempt) if may_retry else None
                if delay is None:
                    exc.attempts = attempt
                    raise
                self.sleep(delay)

    def _retry_delay(self, exc: FetchError, attempt: int) -> float | None:
        if exc.retry_after is not None:
            if exc.retry_after > self.settings.fetch_max_retry_after_s:
                return None
            return exc.retry_after
        backoff: float = self.settings.fetch_backoff_s * 2 ** (attempt - 1)
        return backoff * (1 + random.random() / 4)

    def _fetch_once(
        self, url: str, validators: Validators | None, accept_feeds: bool
    ) -> FetchedDocument:
        host = urlsplit(url).netloc.lower()
        if self.settings.respect_robots:
            self._check_robots(url)
        conditional = validators.headers() if validators else {}
        headers = {
            "Accept": "text/html, application/xhtml+xml, text/plain;q=0.8, */*;q=0.5",
            **conditional,
        }
        with self.throttle.slot(host):
            return self._get(url, headers, bool(conditional), accept_feeds)

    def _get(
        self, url: str, headers: dict[str, str], conditional: bool, accept_feeds: bool
    ) -> FetchedDocument:
        limit = self.settings.fetch_max_bytes
        auth = credentials.auth_for(url)
        try:
            with (
                request_deadline(self.settings.request_deadline_s),
                self.client.stream(
                    "GET", url, headers=headers, auth=auth or httpx.USE_CLIENT_DEFAULT
                ) as response,
            ):
                if response.status_code == 304:
                    return FetchedDocument(
                        target=url,
                        url=str(response.url),
                        body=b"",
                        content_type="",
                        status=304,
                        conditional=True,
                        etag=response.headers.get("etag"),
                        last_modified=response.headers.get("last-modified"),
                    )
                _check_status(url, response)
                content_type = _content_type(response)
                allowed = _HTML_TYPES + _TEXT_TYPES + (_FEED_TYPES if accept_feeds else ())
                if content_type and content_type not in allowed:
                    raise FetchError(
                        f"{url}: not an article (content type {content_type})",
                        status=response.status_code,
                    )
                body = _read_capped(url, response, limit)
                return FetchedDocument(
                    target=url,
                    url=str(response.url),
                    body=body,
                    content_type=content_type or "text/html",
                    charset=response.charset_encoding,
                    status=response.status_code,
                    etag=response.headers.get("etag"),
                    last_modified=response.headers.get("last-modified"),
                    conditional=conditional,
                )
        except BlockedAddress as exc:
            raise FetchError(f"{url}: {exc}") from exc
        except httpx.TooManyRedirects as exc:
            raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects") from exc
        except httpx.UnsupportedProtocol as exc:
            raise FetchError(f"{url}: redirected to an unsupported URL ({exc})") from exc
        except DeadlinePassed as exc:
            raise FetchError(
                f"{url}: not complete after {self.settings.request_deadline_s:g} s, the deadline "
                "for one request (CLAIMTRACK_FETCH_DEADLINE_S)",
                transient=True,
            ) from exc
        except httpx.TimeoutException as exc:
            raise FetchError(
                f"{url}: timed out after {self.settings.fetch_timeout_s:g} s", transient=True
            ) from exc
        except httpx.TransportError as exc:
            raise FetchError(
                f"{url}: cannot connect ({exc.__class__.__name__}: {exc})", transient=True
            ) from exc

    def _check_robots(self, url: str) -> None:
        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc}"
        with self._robots_lock:
            rules = self._robots.get(site)
        if rules is None:
            rules = self._load_robots(site)
            with self._robots_lock:
                self._robots[site] = rules
        if isinstance(rules, FetchError):
            raise rules
        if not rules.allows(url):
            raise FetchError(f"{url}: disallowed by {site}/robots.txt")

    def _load_robots(self, site: str) -> RobotsRules | FetchError:
        """robots.txt rules; a missing file allows everything, an unreachable one fails the
        site's targets for this run (transiently), as crawlers conventionally do."""
        url = f"{site}/robots.txt"
        host = urlsplit(site).netloc.lower()
        try:
            with self.throttle.slot(host):
                response = self.client.get(url)
        except BlockedAddress as exc:
            return FetchError(f"{url}: {exc}")
        except httpx.HTTPError as exc:
            return FetchError(
                f"{url}: robots.txt unreachable ({exc.__class__.__name__})", transient=True
            )
        if response.status_code >= 500 or response.status_code == 429:
            return FetchError(
                f"{url}: robots.txt answered HTTP {response.status_code}", transient=True
            )
        text = response.text if response.status_code == 200 else None
        rules = RobotsRules(text, self.settings.user_agent)
        delay = rules.crawl_delay()
        if delay:
            self.throttle.set_delay(host, delay)
        return rules


def _content_type(response: httpx.Response) -> str:
    value: str = response.headers.get("content-type", "")
    return value.split(";")[0].strip().lower()


def _check_status(url: str, response: httpx.Response) -> None:
    status = response.status_code
    if status < 400:
        return
    transient = status in (408, 425, 429) or status >= 500
    retry_after = retry_after_seconds(response.headers.get("retry-after")) if transient else None
    raise FetchError(
        f"{url}: HTTP {status} {response.reason_phrase}",
        transient=transient,
        status=status,
        retry_after=retry_after,
    )


def _read_capped(url: str, response: httpx.Response, limit: int) -> bytes:
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise FetchError(f"{url}: body of {declared} bytes is over the {limit} byte limit")
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            raise FetchError(f"{url}: body is over the {limit} byte limit")
        chunks.append(chunk)
    return b"".join(chunks)


def fetch_document(target: str, settings: Settings) -> FetchedDocument:
    """One file or URL with a short-lived Fetcher (for single targets and tests)."""
    with Fetcher(settings) as fetcher:
        return fetcher.fetch(target)
