"""Article metadata from JSON-LD, meta tags and the visible page: title, author, dates,
canonical URL, site name, language.

BeautifulSoup reads the page's <head>; what the body adds (microdata <meta> tags, the headline,
a <time>, a byline) is read from lxml's tree of the body, which the story is read from too.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag
from dateutil import parser as date_parser
from lxml import etree

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
        _add_meta(found, tag.get("content"), (tag.get(a) for a in _META_KEYS))
    return found


_META_KEYS = ("property", "name", "itemprop")


def _add_meta(found: dict[str, str], content: object, keys: Iterable[object]) -> None:
    if not isinstance(content, str) or not content.strip():
        return
    for key in keys:
        if isinstance(key, str):
            found.setdefault(key.lower(), content)


@dataclass(frozen=True)
class PageHints:
    """What the page outside its <head> says about the article, read before boilerplate goes."""

    metas: dict[str, str]
    heading: str | None
    time: str | None
    canonical: str | None
    language: str | None


def page_hints(root: etree._Element, body: etree._Element) -> PageHints:
    """The <html> element's language and, from the body, its <meta> tags (microdata), first
    <h1>, first <time datetime> and a rel=canonical link."""
    metas: dict[str, str] = {}
    heading = time = canonical = None
    for tag in body.iter("meta", "h1", "time", "link"):
        attributes = tag.attrib
        if tag.tag == "meta":
            _add_meta(metas, attributes.get("content"), (attributes.get(a) for a in _META_KEYS))
        elif tag.tag == "h1":
            heading = heading or clean_text(" ".join(tag.itertext())) or None
        elif tag.tag == "time":
            time = time or attributes.get("datetime")
        elif canonical is None and attributes.get("rel", "").lower() == "canonical":
            canonical = attributes.get("href")
    return PageHints(metas, heading, time, canonical, root.get("lang"))


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


def page_metadata(
    head: BeautifulSoup, hints: PageHints, ld: dict[str, Any], url: str
) -> dict[str, Any]:
    metas = meta_tags(head)
    for key, value in hints.metas.items():
        metas.setdefault(key, value)
    title = _ld_name(ld.get("headline")) or _meta(metas, "og:title", "twitter:title")
    if not title:
        title_tag = head.find("title")
        title = hints.heading or (clean_text(title_tag.get_text(" ")) if title_tag else None)
    canonical = None
    link = head.find("link", rel="canonical")
    if isinstance(link, Tag) and isinstance(link.get("href"), str):
        canonical = str(link["href"]).strip()
    canonical = canonical or (hints.canonical or "").strip()
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
        or hints.time
    )
    return {
        "title": title or None,
        "canonical": canonical,
        "published": published,
        "author": _ld_name(ld.get("author")) or _meta(metas, "author", "article:author", "byl"),
        "site_name": _ld_name(ld.get("publisher")) or _meta(metas, "og:site_name"),
        "language": hints.language or _meta(metas, "og:locale"),
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


_BYLINE_CLASS = re.compile(r"byline|author", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _is_byline_class(classes: str) -> bool:
    """Pages repeat a few hundred class names: each is searched once."""
    return _BYLINE_CLASS.search(classes) is not None


def visible_byline(body: etree._Element) -> str | None:
    """A "By First Last" line in an element whose class says byline or author, else the text
    of a rel=author link."""
    for tag in body.iterfind(".//*[@class]"):
        if _is_byline_class(tag.get("class", "")):
            match = _BYLINE.match(clean_text(" ".join(tag.itertext())))
            if match:
                return match.group(1)
    for link in body.iter("a"):
        if link.get("rel") == "author":
            text = clean_text(" ".join(link.itertext()))
            return text or None
    return None
