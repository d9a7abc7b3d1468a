"""Get the bytes of an article: a local file, or a URL over HTTP(S) with httpx."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx

from schemas.records import FetchedDocument
from schemas.settings import Settings
from tasks.errors import FetchError, InputError

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_TEXT_TYPES = ("text/plain",)
_TEXT_SUFFIXES = (".txt", ".text", ".md")
MAX_REDIRECTS = 5


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


def fetch_document(target: str, settings: Settings) -> FetchedDocument:
    if is_url(target):
        return fetch_url(target, settings)
    return read_file(target, settings)


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


def fetch_url(url: str, settings: Settings) -> FetchedDocument:
    """GET the URL, following a few redirects, refusing bodies over the size limit."""
    headers = {"User-Agent": settings.user_agent, "Accept": "text/html, text/plain;q=0.8"}
    try:
        with (
            httpx.Client(
                timeout=settings.fetch_timeout_s,
                follow_redirects=True,
                max_redirects=MAX_REDIRECTS,
                headers=headers,
            ) as client,
            client.stream("GET", url) as response,
        ):
            _check_status(url, response)
            content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if content_type and content_type not in _HTML_TYPES + _TEXT_TYPES:
                raise FetchError(
                    f"{url}: not an article (content type {content_type})",
                    status=response.status_code,
                )
            body = _read_capped(url, response, settings.fetch_max_bytes)
            return FetchedDocument(
                target=url,
                url=str(response.url),
                body=body,
                content_type="text/plain" if content_type in _TEXT_TYPES else "text/html",
                charset=response.charset_encoding,
            )
    except httpx.TooManyRedirects as exc:
        raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects") from exc
    except httpx.TimeoutException as exc:
        raise FetchError(
            f"{url}: timed out after {settings.fetch_timeout_s:g} s", transient=True
        ) from exc
    except httpx.TransportError as exc:
        raise FetchError(
            f"{url}: cannot connect ({exc.__class__.__name__}: {exc})", transient=True
        ) from exc


def _check_status(url: str, response: httpx.Response) -> None:
    status = response.status_code
    if status < 400:
        return
    transient = status == 429 or status >= 500
    raise FetchError(
        f"{url}: HTTP {status} {response.reason_phrase}", transient=transient, status=status
    )


def _read_capped(url: str, response: httpx.Response, limit: int) -> bytes:
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise FetchError(f"{url}: body of {declared} bytes is over the {limit} limit")
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            raise FetchError(f"{url}: body is over the {limit} byte limit")
        chunks.append(chunk)
    return b"".join(chunks)
