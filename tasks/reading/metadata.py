"""Article metadata from JSON-LD, meta tags and the visible page: title, author, dates,
canonical URL, site name, language."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag
from dateutil import parser as date_parser

from tasks.reading.markup import json_ld_blocks

_WS = re.compile(r"\s+")
_BYLINE = re.compile(r"^\s*by\s+([A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3})", re.IGNORECASE)
NEWS_TYPES = {
    "newsarticle",
    "article",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "blogposting",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "webpage",
    "report",
    "claimreview",
}


def clean_text(text: str) -> str:
    return _WS.sub(" ", text.replace("\u00ad", "")).strip()


def _finite_float(text: str) -> float | str:
    """A JSON number as a float, or as its text when it overflows (1e400): PostgreSQL's jsonb
    has no Infinity."""
    value = float(text)
    return value if math.isfinite(value) else text


def _no_constant(name: str) -> None:
    """NaN and Infinity are not JSON; read them as null."""
    return None


def json_ld_items(html: str) -> Iterable[dict[str, Any]]:
    """Every JSON-LD object on the page, @graph members included; broken blocks (bad syntax,
    nesting too deep to read) are skipped."""
    for block in json_ld_blocks(html):
        try:
            data = json.loads(block, parse_float=_finite_float, parse_constant=_no_constant)
        except (ValueError, TypeError, RecursionError):
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, dict):
                yield item
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(graph)


def ld_types(item: dict[str, Any]) -> set[str]:
    kind = item.get("@type", [])
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).lower() for k in kinds}


def _ld_name(value: Any, depth: int = 0) -> str | None:
    if depth > 4:  # a name is a string, a list of them, or an object holding one
        return None
    if isinstance(value, list):
        names = [n for n in (_ld_name(v, depth + 1) for v in value) if n]
        return ", ".join(names) or None
    if isinstance(value, dict):
        return _ld_name(value.get("name"), depth + 1)
    if isinstance(value, str) and value.strip():
        return clean_text(value)
    return None


def meta_tags(soup: BeautifulSoup) -> dict[str, str]:
    """<meta> contents by property/name/itemprop (lower-cased), first one wins; one pass."""
    found: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        content = tag.get("content")
        if not isinstance(content, str) or not content.strip():
            continue
        for attribute in ("property", "name", "itemprop"):
            key = tag.get(attribute)
            if isinstance(key, str):
                found.setdefault(key.lower(), content)
    return found


def _meta(metas: dict[str, str], *keys: str) -> str | None:
    for key in keys:
        value = metas.get(key.lower())
        if value:
            return clean_text(value)
    return None


def parse_date(value: str | None) -> datetime | None:
    """An ISO or human date as an aware datetime (UTC when no zone is given)."""
    if not value:
        return None
    try:
        parsed = date_parser.parse(value, fuzzy=True)
    except (ValueError, OverflowError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def page_metadata(soup: BeautifulSoup, ld: dict[str, Any], url: str) -> dict[str, Any]:
    metas = meta_tags(soup)
    title = _ld_name(ld.get("headline")) or _meta(metas, "og:title", "twitter:title")
    if not title:
        heading = soup.find("h1") or soup.find("title")
        title = clean_text(heading.get_text(" ")) if heading else None
    canonical = None
    link = soup.find("link", rel="canonical")
    if isinstance(link, Tag) and isinstance(link.get("href"), str):
        canonical = str(link["href"]).strip()
    canonical = canonical or _meta(metas, "og:url") or _ld_url(ld)
    if canonical:
        canonical = urljoin(url, canonical)
        if urlsplit(canonical).scheme not in ("http", "https"):
            canonical = None
    published = parse_date(
        _ld_text(ld.get("datePublished"))
        or _meta(
            metas,
            "article:published_time",
            "datePublished",
            "pubdate",
            "publishdate",
            "date",
            "dc.date",
            "DC.date.issued",
            "sailthru.date",
            "parsely-pub-date",
        )
        or _time_datetime(soup)
    )
    html_tag = soup.find("html")
    language = html_tag.get("lang") if isinstance(html_tag, Tag) else None
    return {
        "title": title or None,
        "canonical": canonical,
        "published": published,
        "author": _ld_name(ld.get("author")) or _meta(metas, "author", "article:author", "byl"),
        "site_name": _ld_name(ld.get("publisher")) or _meta(metas, "og:site_name"),
        "language": (language if isinstance(language, str) else None) or _meta(metas, "og:locale"),
        "modified": parse_date(
            _ld_text(ld.get("dateModified"))
            or _meta(
                metas, "article:modified_time", "og:updated_time", "datemodified", "last-modified"
            )
        ),
    }


def _ld_text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _ld_url(ld: dict[str, Any]) -> str | None:
    for key in ("url", "mainEntityOfPage"):
        value = ld.get(key)
        if isinstance(value, dict):
            value = value.get("@id") or value.get("url")
        if isinstance(value, str) and value.startswith("http"):
            return value
    return None


def _time_datetime(soup: BeautifulSoup) -> str | None:
    tag = soup.find("time", attrs={"datetime": True})
    if isinstance(tag, Tag):
        value = tag.get("datetime")
        return value if isinstance(value, str) else None
    return None


def visible_byline(soup: BeautifulSoup) -> str | None:
    for tag in soup.find_all(class_=re.compile(r"byline|author", re.IGNORECASE)):
        match = _BYLINE.match(clean_text(tag.get_text(" ")))
        if match:
            return match.group(1)
    rel = soup.find("a", rel="author")
    return (
        clean_text(rel.get_text(" ")) if isinstance(rel, Tag) and rel.get_text().strip() else None
    )
