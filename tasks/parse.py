"""Article text and metadata from HTML or plain text, with boilerplate dropped.

Metadata comes from JSON-LD (NewsArticle and kin), then meta tags, then the visible page. The story
is the densest block of paragraphs, preferring <article> and articleBody; navigation, menus, ads,
share bars, newsletter prompts, "read more" and related-headline lines are dropped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag
from dateutil import parser as date_parser

from schemas.records import ArticleText, FetchedDocument
from tasks.errors import ParseError

# Elements that never hold story text.
_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "canvas",
    "iframe",
    "form",
    "button",
    "input",
    "select",
    "textarea",
    "nav",
    "aside",
    "footer",
    "header",
    "menu",
    "dialog",
    "figure",
    "picture",
    "video",
    "audio",
    "object",
    "embed",
)
# class/id/role words that mark boilerplate containers.
_BOILERPLATE_ATTR = re.compile(
    r"(^|[\s_-])(nav|navbar|menu|breadcrumbs?|masthead|site-header|footer|sidebar|side-bar|rail|"
    r"ad|ads|advert|advertisement|adslot|ad-slot|sponsor(ed)?|promo|promotion|banner|cookie|consent|"
    r"share|sharing|social|newsletter|subscribe|subscription|signup|paywall|related|recommended|"
    r"more-stories|read-more|readmore|trending|popular|outbrain|taboola|comments?|disqus|"
    r"author-bio|tags|topics|pagination|skip|modal|popup|overlay)($|[\s_-])",
    re.IGNORECASE,
)
_BOILERPLATE_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "menu"}
_BLOCK_TAGS = ("p", "h2", "h3", "h4", "li", "blockquote", "pre", "dd")
_BOILERPLATE_LINE = re.compile(
    r"^\s*(read more|related|see also|more from|click here|sign up|subscribe|advertisement|"
    r"share (this|on)|follow us|recommended|watch|listen|copyright|©|all rights reserved|"
    r"\d+\s+comments?|comments?\s*\(\d+\)|image:|photo:|credit:)",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"^\s*by\s+([A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3})", re.IGNORECASE)
_WS = re.compile(r"\s+")
_NEWS_TYPES = {
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
MIN_PARAGRAPH_CHARS = 25


def parse_document(document: FetchedDocument) -> ArticleText:
    """Extract the article from a fetched document (HTML or plain text)."""
    if document.content_type == "text/plain":
        text = decode(document.body, document.charset)
        return parse_plain_text(text, document.url)
    return parse_html(decode(document.body, document.charset), document.url)


def decode(body: bytes, charset: str | None) -> str:
    for encoding in (charset, "utf-8"):
        if encoding:
            try:
                return body.decode(encoding)
            except (LookupError, UnicodeDecodeError):
                continue
    return body.decode("cp1252", errors="replace")


def parse_plain_text(text: str, url: str) -> ArticleText:
    """A plain-text article: one paragraph a line, or blank-line separated wrapped blocks."""
    paragraphs = tuple(p for p in text_paragraphs(text) if is_story_paragraph(p))
    if not paragraphs:
        raise ParseError(f"{url}: no article text found")
    title = PurePosixPath(urlsplit(url).path).stem or None
    return ArticleText(url, None, title, None, None, None, None, paragraphs)


def text_paragraphs(text: str) -> list[str]:
    out = []
    for block in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n")):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if _looks_wrapped(lines):
            out.append(clean_text(" ".join(lines)))
        else:
            out.extend(clean_text(line) for line in lines)
    return out


def _looks_wrapped(lines: list[str]) -> bool:
    """Hard-wrapped prose: most lines stop mid-sentence."""
    if len(lines) < 2:
        return False
    open_ends = sum(1 for line in lines[:-1] if not line.endswith((".", "!", "?", "”", '"', ":")))
    return open_ends / (len(lines) - 1) > 0.5


def parse_html(html: str, url: str) -> ArticleText:
    """Extract metadata and story paragraphs from an HTML page."""
    try:
        soup = BeautifulSoup(html, "lxml")
    except Exception as exc:  # lxml can fail on pathological input; bs4 wraps nothing
        raise ParseError(f"{url}: cannot parse HTML ({exc})") from exc
    ld_items = list(json_ld_items(soup))
    article_ld = next((i for i in ld_items if _ld_types(i) & _NEWS_TYPES), {})
    metadata = page_metadata(soup, article_ld, url)
    author = metadata["author"] or visible_byline(soup)  # before boilerplate removal drops it
    paragraphs = story_paragraphs(soup, article_ld)
    if not paragraphs:
        raise ParseError(f"{url}: no article text found in the page")
    return ArticleText(
        url=url,
        canonical_url=metadata["canonical"],
        title=metadata["title"],
        author=author,
        published_at=metadata["published"],
        site_name=metadata["site_name"],
        language=metadata["language"],
        paragraphs=tuple(paragraphs),
    )


def clean_text(text: str) -> str:
    return _WS.sub(" ", text.replace("\u00ad", "")).strip()


def is_story_paragraph(text: str) -> bool:
    """Drop short scraps, prompts and all-capital headlines of other stories."""
    if len(text) < MIN_PARAGRAPH_CHARS or _BOILERPLATE_LINE.match(text):
        return False
    letters = [c for c in text if c.isalpha()]
    return not (letters and sum(c.isupper() for c in letters) / len(letters) > 0.8)


def json_ld_items(soup: BeautifulSoup) -> Iterable[dict[str, Any]]:
    """Every JSON-LD object on the page, @graph members included; broken blocks are skipped."""
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            data = json.loads(script.string or "")
        except (json.JSONDecodeError, TypeError):
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, dict):
                yield item
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(graph)


def _ld_types(item: dict[str, Any]) -> set[str]:
    kind = item.get("@type", [])
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).lower() for k in kinds}


def _ld_name(value: Any) -> str | None:
    if isinstance(value, list):
        names = [n for n in (_ld_name(v) for v in value) if n]
        return ", ".join(names) or None
    if isinstance(value, dict):
        return _ld_name(value.get("name"))
    if isinstance(value, str) and value.strip():
        return clean_text(value)
    return None


def _meta(soup: BeautifulSoup, *keys: str) -> str | None:
    for key in keys:
        tag = soup.find("meta", attrs={"property": key}) or soup.find("meta", attrs={"name": key})
        if isinstance(tag, Tag):
            content = tag.get("content")
            if isinstance(content, str) and content.strip():
                return clean_text(content)
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
    title = _ld_name(ld.get("headline")) or _meta(soup, "og:title", "twitter:title")
    if not title:
        heading = soup.find("h1") or soup.find("title")
        title = clean_text(heading.get_text(" ")) if heading else None
    canonical = None
    link = soup.find("link", rel="canonical")
    if isinstance(link, Tag) and isinstance(link.get("href"), str):
        canonical = str(link["href"]).strip()
    canonical = canonical or _meta(soup, "og:url") or _ld_url(ld)
    if canonical:
        canonical = urljoin(url, canonical)
        if urlsplit(canonical).scheme not in ("http", "https"):
            canonical = None
    published = parse_date(
        _ld_text(ld.get("datePublished"))
        or _meta(
            soup,
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
        "author": _ld_name(ld.get("author")) or _meta(soup, "author", "article:author", "byl"),
        "site_name": _ld_name(ld.get("publisher")) or _meta(soup, "og:site_name"),
        "language": (language if isinstance(language, str) else None) or _meta(soup, "og:locale"),
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


def _is_boilerplate(tag: Tag) -> bool:
    if tag.name in ("html", "body", "article", "main") or tag.attrs is None:
        return False
    if str(tag.get("role", "")).lower() in _BOILERPLATE_ROLES:
        return True
    if tag.get("aria-hidden") == "true" or tag.has_attr("hidden"):
        return True
    classes: object = tag.get("class") or []
    words = " ".join(classes if isinstance(classes, list) else [str(classes)])
    words += " " + str(tag.get("id", ""))
    return bool(_BOILERPLATE_ATTR.search(words))


_NEVER_CONTENT = frozenset(("script", "style", "noscript", "template", "svg", "canvas", "iframe"))


def strip_boilerplate(root: Tag) -> None:
    """Drop boilerplate elements, except one that holds most of the page's paragraph text: that
    is a page-wide wrapper (an ASP.NET <form>, a "content-with-sidebar" div), not a widget."""
    for tag in root.find_all(_NEVER_CONTENT):
        tag.decompose()
    total = _paragraph_chars(root)

    def is_wrapper(tag: Tag) -> bool:
        return total > 0 and _paragraph_chars(tag) > total / 2

    for tag in root.find_all(_DROP_TAGS):
        if not tag.decomposed and not is_wrapper(tag):
            tag.decompose()
    for tag in root.find_all(True):
        if not tag.decomposed and _is_boilerplate(tag) and not is_wrapper(tag):
            tag.decompose()


_STRUCTURE_TAGS = (
    "p",
    "div",
    "section",
    "article",
    "li",
    "ul",
    "ol",
    "table",
    "blockquote",
    "pre",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "dl",
    "main",
)
MIN_DIV_PARAGRAPH_CHARS = 40


def promote_text_divs(root: Tag) -> None:
    """Treat a <div> or <section> that holds only inline text as a paragraph, as many sites
    (CNN's "zn-body__paragraph", for one) write paragraphs that way."""
    for tag in root.find_all(("div", "section")):
        if (
            tag.find(_STRUCTURE_TAGS) is None
            and len(tag.get_text(strip=True)) >= MIN_DIV_PARAGRAPH_CHARS
        ):
            tag.name = "p"


def story_paragraphs(soup: BeautifulSoup, ld: dict[str, Any]) -> list[str]:
    body = soup.body or soup
    promote_text_divs(body)
    strip_boilerplate(body)
    container = _story_container(body)
    paragraphs = _blocks(container) if container is not None else []
    if not paragraphs and isinstance(ld.get("articleBody"), str):
        paragraphs = [p for p in map(clean_text, ld["articleBody"].split("\n")) if p]
    if not paragraphs:
        paragraphs = _blocks(body) or [clean_text(body.get_text(" "))]
    return [p for p in paragraphs if is_story_paragraph(p) and not _is_link_list(p)]


def _is_link_list(text: str) -> bool:
    return text.count("|") >= 3


def _blocks(root: Tag) -> list[str]:
    """Text of block elements under root, innermost wins so nothing is counted twice."""
    out = []
    for tag in root.find_all(_BLOCK_TAGS):
        if tag.find(_BLOCK_TAGS):
            continue
        if _link_density(tag) > 0.5:
            continue
        text = clean_text(tag.get_text(" "))
        text = re.sub(r"\s+([,.;:!?’”)])", r"\1", text)
        if text:
            out.append(text)
    return out


def _link_density(tag: Tag) -> float:
    total = len(tag.get_text(strip=True))
    if not total:
        return 1.0
    linked = sum(len(a.get_text(strip=True)) for a in tag.find_all("a"))
    return linked / total


def _story_container(body: Tag) -> Tag | None:
    """<article>/articleBody when present; otherwise the element holding most paragraph text."""
    for selector in ('[itemprop="articleBody"]', "article", '[role="main"]', "main"):
        candidates = body.select(selector)
        if candidates:
            best = max(candidates, key=_paragraph_chars)
            if _paragraph_chars(best) >= 200:
                return best
    scores: dict[int, tuple[int, Tag]] = {}
    for p in body.find_all("p"):
        parent = p.parent
        if isinstance(parent, Tag):
            chars = len(p.get_text(strip=True))
            previous = scores.get(id(parent), (0, parent))[0]
            scores[id(parent)] = (previous + chars, parent)
    if not scores:
        return None
    return max(scores.values(), key=lambda item: item[0])[1]


def _paragraph_chars(tag: Tag) -> int:
    return sum(len(p.get_text(strip=True)) for p in tag.find_all("p"))
