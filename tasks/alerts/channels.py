"""Where alerts go: an http(s) URL gets the alert as a JSON POST (a webhook), an smtp:// URL an
email (the standard library's smtplib), and any other URL goes through apprise, which knows a
hundred services (Slack, Matrix, Telegram, ntfy...; the optional `alerts` extra)."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import httpx

from tasks.errors import ConfigurationError

TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Channel:
    url: str

    @property
    def name(self) -> str:
        """The URL with any password masked: what is stored and shown."""
        parts = urlsplit(self.url)
        if parts.password:
            netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
            return parts._replace(netloc=netloc).geturl()
        return self.url


def parse_channels(setting: str) -> list[Channel]:
    channels = [Channel(url.strip()) for url in setting.split(",") if url.strip()]
    for channel in channels:
        if "://" not in channel.url:
            raise ConfigurationError(
                f"CLAIMTRACK_ALERT_CHANNELS: {channel.name!r} is not a URL (http(s)://, "
                "smtp://host?from=..&to=.., or an apprise URL)"
            )
    return channels


def send(channel: Channel, title: str, body: str, payload: dict[str, Any]) -> None:
    """Deliver one alert; raises on failure (the caller records it and retries later)."""
    scheme = urlsplit(channel.url).scheme.lower()
    if scheme in ("http", "https"):
        answer = httpx.post(
            channel.url, json={"title": title, "text": body, **payload}, timeout=TIMEOUT_S
        )
        answer.raise_for_status()
    elif scheme == "smtp":
        _email(channel.url, title, body)
    else:
        _apprise(channel, title, body)


def _email(url: str, title: str, body: str) -> None:
    parts = urlsplit(url)
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    if not parts.hostname or "from" not in query or "to" not in query:
        raise ConfigurationError(f"email channel {url!r}: give smtp://host[:port]?from=..&to=..")
    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = title, query["from"], query["to"]
    message.set_content(body)
    with smtplib.SMTP(parts.hostname, parts.port or 25, timeout=TIMEOUT_S) as smtp:
        if query.get("starttls") in ("1", "true", "yes"):
            smtp.starttls()
        if parts.username:
            smtp.login(unquote(parts.username), unquote(parts.password or ""))
        smtp.send_message(message)


def _apprise(channel: Channel, title: str, body: str) -> None:
    try:
        import apprise
    except ImportError:
        raise ConfigurationError(
            f"alert channel {channel.name}: other URLs than http(s):// and smtp:// need apprise "
            "(pip install 'claimtrack[alerts]')"
        ) from None
    notifier = apprise.Apprise()
    if not notifier.add(channel.url):
        raise ConfigurationError(f"alert channel {channel.name}: apprise does not know this URL")
    if not notifier.notify(title=title, body=body):
        raise RuntimeError(f"apprise could not deliver to {channel.name}")
