"""Article text and metadata from HTML or plain text, with boilerplate dropped.

Metadata comes from JSON-LD (NewsArticle and kin), then meta tags, then the visible page. The story
is the densest block of paragraphs, preferring <article> and articleBody; navigation, menus, ads,
share bars, newsletter prompts, "read more" and related-headline lines are dropped.
"""

from __future__ import annotations

import re
import threading
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from bs4 import BeautifulSoup
from lxml import etree

from schemas.records import ArticleText, FetchedDocument
from tasks.errors import ParseError
from tasks.reading.decoding import decode
from tasks.reading.markup import strip_non_content
from tasks.reading.metadata import (
    NEWS_TYPES,
    clean_text,
    json_ld_items,
    ld_types,
    page_hints,
    page_metadata,
    visible_byline,
)
from tasks.reading.paragraphs import is_story_paragraph
from tasks.reading.story import find_story


def parse_document(document: FetchedDocument) -> ArticleText:
    """Extract the article from a fetched document (HTML or plain text)."""
    if looks_binary(document.body):
        raise ParseError(
            f"{document.url}: this is a binary file (an image, archive or program), not an article"
        )
    if document.content_type == "text/plain":
        text = decode(document.body, document.charset)
        return parse_plain_text(text, document.url)
    return parse_html(decode(document.body, document.charset), document.url)


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13)) + b"\x7f"


def looks_binary(body: bytes) -> bool:
    """More than 10% control bytes in the first 8 KB (text has almost none; UTF-16, full of
    NUL bytes, starts with a byte-order mark)."""
    sample = body[:8192]
    if not sample or sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    control = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return control > len(sample) // 10


def parse_plain_text(text: str, url: str) -> ArticleText:
    """A plain-text article: one paragraph a line, or blank-line separated wrapped blocks."""
    paragraphs = tuple(p for p in text_paragraphs(text) if is_story_paragraph(p))
    if not paragraphs:
        raise ParseError(f"{url}: no article text found")
    title = PurePosixPath(urlsplit(url).path).stem or None
    return ArticleText(
        url, None, title, None, None, None, None, paragraphs, story_source="plain text"
    )


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
    ld_items = list(json_ld_items(html))
    root = _html_tree(strip_non_content(html), url)
    body = root.find("body")
    if body is None:
        body = root
    head = root.find("head")
    head_soup = BeautifulSoup(_metadata_markup(head), "lxml", multi_valued_attributes=None)
    article_ld = next((i for i in ld_items if ld_types(i) & NEWS_TYPES), {})
    metadata = page_metadata(head_soup, page_hints(root, body), article_ld, url)
    author = metadata["author"] or visible_byline(body)  # before boilerplate removal drops it
    paragraphs, story_source = find_story(body, article_ld)
    if not paragraphs:
        raise ParseError(f"{url}: no article text found in the page")
    canonical = metadata["canonical"]
    return ArticleText(
        url=url,
        canonical_url=canonical if canonical and len(canonical) <= MAX_URL_CHARS else None,
        title=clip(metadata["title"], 500),
        author=clip(author, 300),
        published_at=metadata["published"],
        site_name=clip(metadata["site_name"], 200),
        language=clip(metadata["language"], 35),
        paragraphs=tuple(paragraphs),
        modified_at=metadata["modified"],
        claim_reviews=tuple(i for i in ld_items if "claimreview" in ld_types(i)),
        story_source=story_source,
    )


_XML_DECLARATION = re.compile(r"\s*<\?xml[^>]*>")


def _metadata_markup(head: etree._Element | None) -> str:
    """The <head>'s title, <meta> tags with content and canonical link: all BeautifulSoup is
    asked about (a head also holds preloads, icons and viewport settings by the dozen)."""
    if head is None:
        return ""
    return "".join(
        etree.tostring(tag, encoding="unicode", method="html", with_tail=False)
        for tag in _METADATA_TAGS(head)
    )


_METADATA_TAGS = etree.XPath(
    "title | meta[@content] | link[translate(@rel, 'CANONIL', 'canonil') = 'canonical']"
)


def _html_tree(markup: str, url: str) -> etree._Element:
    """lxml's tree of the page (plain elements: lxml.html's element classes cost a Python call
    per element touched). A page with no markup left (empty, or only scripts) has no article."""
    # lxml refuses text that declares its encoding (XHTML's prologue): it is decoded already
    declaration = _XML_DECLARATION.match(markup)
    if declaration:
        markup = markup[declaration.end() :]
    try:
        root = etree.fromstring(markup, _parser())
    except (etree.LxmlError, ValueError) as exc:  # lxml refuses some pathological input
        raise ParseError(f"{url}: cannot parse HTML ({exc})") from exc
    if root is None:
        raise ParseError(f"{url}: no article text found in the page")
    return root


_PARSERS = threading.local()  # lxml asks for a parser per thread (ingestion lanes are threads)


def _parser() -> etree.HTMLParser:
    parser: etree.HTMLParser | None = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = _PARSERS.parser = etree.HTMLParser()
    return parser


MAX_URL_CHARS = 2000  # a longer canonical URL is ignored (PostgreSQL indexes ~2.7 KB at most)


def clip(value: str | None, limit: int) -> str | None:
    """Metadata cut to a sane length: a 10 KB site name is a broken or hostile page, and it
    would become a speaker, indexed."""
    if value is None or len(value) <= limit:
        return value
    return value[: limit - 1].rstrip() + "…"
