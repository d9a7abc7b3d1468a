"""Credentials in URLs (`https://user:pass@host/...`) never reach storage, logs or output.

A target given with credentials is remembered here, in this process's memory only, under its
URL without them; the fetcher then sends them as HTTP Basic auth to that origin (httpx drops the
header on a redirect to another origin). Everything else sees the stripped URL. Passwords in
database URLs are masked before they are printed.
"""

from __future__ import annotations

import re
import threading
from urllib.parse import SplitResult, unquote, urlsplit, urlunsplit

_lock = threading.Lock()
_by_origin: dict[tuple[str, str, int | None], tuple[str, str]] = {}


def _without_userinfo(parts: SplitResult) -> str:
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port is not None else "")
    return urlunsplit(parts._replace(netloc=netloc))


def _origin(parts: SplitResult) -> tuple[str, str, int | None]:
    return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port


def without_credentials(url: str) -> str:
    """The URL without user name and password (unchanged when it has none or is no URL)."""
    try:
        parts = urlsplit(url)
        if "@" not in parts.netloc:
            return url
        return _without_userinfo(parts)
    except ValueError:
        return url


def remember(url: str) -> str:
    """Keep a URL's credentials for its origin (in memory) and return the URL without them."""
    stripped = without_credentials(url)
    if stripped == url:
        return url
    parts = urlsplit(url)
    with _lock:
        _by_origin[_origin(parts)] = (unquote(parts.username or ""), unquote(parts.password or ""))
    return stripped


def auth_for(url: str) -> tuple[str, str] | None:
    """The credentials remembered for this URL's origin, if any."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    with _lock:
        return _by_origin.get(_origin(parts))


_CONNINFO_PASSWORD = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)


def mask_password(url: str) -> str:
    """A database URL (or key=value conninfo) for display: its password replaced by ***."""
    if "://" not in url:
        return _CONNINFO_PASSWORD.sub(r"\1***", url)
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
    except ValueError:
        return url
    user = parts.username or ""
    host = _without_userinfo(parts)
    netloc = urlsplit(host).netloc
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))
