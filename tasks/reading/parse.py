"""Article text and metadata from HTML or plain text, with boilerplate dropped.

Metadata comes from JSON-LD (NewsArticle and kin), then meta tags, then the visible page. The story
is the densest block of paragraphs, preferring <article> and articleBody; navigation, menus, ads,
share bars, newsletter prompts, "read more" and related-headline lines are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag
from bs4.element import Comment, NavigableString, PageElement

from schemas.records import ArticleText, FetchedDocument
from tasks.errors import ParseError
from tasks.reading.decoding import decode
from tasks.reading.markup import strip_non_content
from tasks.reading.metadata import (
    NEWS_TYPES,
    clean_text,
    json_ld_items,
    ld_types,
    page_metadata,
    visible_byline,
)

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
    r"author-bio|tags|topics|pagination|skip|modal|popup|overlay|caption|credits?|donate|"
    r"donation|membership|support-us|contribute|byline)($|[\s_-])",
    re.IGNORECASE,
)
_BOILERPLATE_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "menu"}
_BLOCK_TAGS = ("p", "h2", "h3", "h4", "li", "blockquote", "pre", "dd")
# Prompts and credits that open a line. "Watch" and "Listen" as imperatives; "Related",
# "Subscribe" and kin alone or before a colon or arrow: "Related costs rose ..." is news.
_BOILERPLATE_LINE = re.compile(
    r"^\s*(?:(?:read more|see also|more from|click here|sign up|share (?:this|on)|follow us|"
    r"all rights reserved|\d+\s+comments?|comments?\s*\(\d+\)|image:|photo:|credit:|"
    r"file photo:|(?:additional )?reporting by |editing by |writing by |©|"
    r"copyright\s*(?:\d{4}|©|\(c\))|(?:watch|listen)\b(?!dog|ing|ed|ers?)|"
    r"support [\w ]{1,30} (?:so|and|to) )"
    r"|(?:related|subscribe|advertisement|recommended)\b"
    r"(?:\s*[:|»›>-]|\s*$|[^.!?:]{0,30}$))",
    re.IGNORECASE,
)
_WS = re.compile(r"\s+")
MIN_PARAGRAPH_CHARS = 25


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
    try:
        soup = BeautifulSoup(strip_non_content(html), "lxml", multi_valued_attributes=None)
    except Exception as exc:  # lxml can fail on pathological input; bs4 wraps nothing
        raise ParseError(f"{url}: cannot parse HTML ({exc})") from exc
    article_ld = next((i for i in ld_items if ld_types(i) & NEWS_TYPES), {})
    metadata = page_metadata(soup, article_ld, url)
    author = metadata["author"] or visible_byline(soup)  # before boilerplate removal drops it
    paragraphs, story_source = find_story(soup, article_ld)
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


MAX_URL_CHARS = 2000  # a longer canonical URL is ignored (PostgreSQL indexes ~2.7 KB at most)


def clip(value: str | None, limit: int) -> str | None:
    """Metadata cut to a sane length: a 10 KB site name is a broken or hostile page, and it
    would become a speaker, indexed."""
    if value is None or len(value) <= limit:
        return value
    return value[: limit - 1].rstrip() + "…"


# Page furniture that reads like prose: affiliate disclaimers, cookie banners, comment and
# contact forms, error pages. Only short paragraphs are judged by it (a story may quote one).
_FURNITURE = re.compile(
    r"\b(?:affiliate links?|(?:may|might) (?:earn|receive) (?:a |an )?(?:small )?"
    r"(?:commission|affiliate)|we use cookies|(?:this|our) (?:site|website) uses cookies|"
    r"accept (?:all )?cookies|cookie (?:policy|settings)|your email address will not be "
    r"published|required fields are marked|thank you for (?:your message|contacting us|"
    r"subscribing|signing up)|your message has been sent|page (?:was )?not found|404 error|"
    r"enable javascript|javascript is (?:disabled|required)|upgrade your browser)\b",
    re.IGNORECASE,
)
MAX_FURNITURE_CHARS = 400
# a wire story's credits: "(Reporting by ...; Editing by ...)", or two credits without brackets
_CREDITS = re.compile(
    r"^(?:\(\s*(?:additional )?(?:reporting|writing|editing) by\b[^()]*\)\.?"
    r"|(?:additional )?(?:reporting|writing) by [^.;]+; (?:additional reporting|editing|"
    r"writing) by [^.]+\.?)$",
    re.IGNORECASE,
)


def is_story_paragraph(text: str) -> bool:
    """Drop short scraps, prompts, page furniture and all-capital headlines of other stories."""
    if len(text) < MIN_PARAGRAPH_CHARS or _BOILERPLATE_LINE.match(text):
        return False
    if len(text) <= MAX_FURNITURE_CHARS and (_FURNITURE.search(text) or _CREDITS.match(text)):
        return False
    letters = [c for c in text if c.isalpha()]
    return not (letters and sum(c.isupper() for c in letters) / len(letters) > 0.8)


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
_STRUCTURE_TAGS = frozenset(
    "p div section article li ul ol table blockquote pre h1 h2 h3 h4 h5 h6 dl main".split()
)
MIN_DIV_PARAGRAPH_CHARS = 40


def all_tags(root: Tag) -> list[Tag]:
    """Every element under root in document order (faster than find_all(True))."""
    return [node for node in root.descendants if isinstance(node, Tag)]


def paragraph_chars(root: Tag) -> dict[int, int]:
    """Characters of <p> text under each element (by id), in one pass over the paragraphs."""
    chars: dict[int, int] = {}
    for paragraph in root.find_all("p"):
        length = len(paragraph.get_text(strip=True))
        node: Tag | None = paragraph
        while node is not None:
            chars[id(node)] = chars.get(id(node), 0) + length
            node = node.parent
    return chars


_BOXES = ("div", "section", "article", "main", "td")


def promote_text_divs(root: Tag, soup: BeautifulSoup) -> None:
    """Treat a box that holds only inline text as a paragraph, as many sites (CNN's
    "zn-body__paragraph", for one) write paragraphs that way; and in a box that also holds
    blocks, wrap each run of loose text (text beside a headline, say) in a paragraph."""
    has_blocks: set[int] = set()
    mixed: list[Tag] = []
    for tag in reversed(all_tags(root)):  # children before their parents
        if tag.name in _BOXES:
            if id(tag) not in has_blocks:
                if tag.name in ("div", "section") and (
                    len(tag.get_text(strip=True)) >= MIN_DIV_PARAGRAPH_CHARS
                ):
                    tag.name = "p"
            elif any(isinstance(c, NavigableString) and c.strip() for c in tag.children):
                mixed.append(tag)
        if tag.name in _STRUCTURE_TAGS and tag.parent is not None:
            has_blocks.add(id(tag.parent))
    for box in mixed:
        _wrap_loose_text(box, soup)


def _wrap_loose_text(box: Tag, soup: BeautifulSoup) -> None:
    run: list[PageElement] = []
    for child in [*box.children, None]:
        is_inline = child is not None and (
            (isinstance(child, NavigableString) and not isinstance(child, Comment))
            or (isinstance(child, Tag) and child.name not in _STRUCTURE_TAGS)
        )
        if is_inline:
            run.append(child)  # type: ignore[arg-type]
            continue
        text = "".join(
            str(c) if isinstance(c, NavigableString) else c.get_text() for c in run
        ).strip()
        if len(text) >= MIN_DIV_PARAGRAPH_CHARS:
            paragraph = soup.new_tag("p")
            run[0].insert_before(paragraph)
            for element in run:
                paragraph.append(element.extract())
        run = []


def strip_boilerplate(root: Tag) -> None:
    """Drop boilerplate elements, except one that holds most of the page's paragraph text: that
    is a page-wide wrapper (an ASP.NET <form>, a "content-with-sidebar" div), not a widget."""
    for tag in root.find_all(_NEVER_CONTENT):
        tag.decompose()
    chars = paragraph_chars(root)
    half = chars.get(id(root), 0) / 2
    doomed: list[Tag] = []
    inside_doomed: set[int] = set()
    for tag in all_tags(root):  # parents come before their children
        if tag.parent is not None and id(tag.parent) in inside_doomed:
            inside_doomed.add(id(tag))
            continue
        is_wrapper = chars.get(id(tag), 0) > half > 0
        if not is_wrapper and (tag.name in _DROP_TAGS or _is_boilerplate(tag)):
            doomed.append(tag)
            inside_doomed.add(id(tag))
    for tag in doomed:
        tag.decompose()


def find_story(soup: BeautifulSoup, ld: dict[str, Any]) -> tuple[list[str], str]:
    """The story's paragraphs and where they were found (see ArticleText.story_source)."""
    body = soup.body or soup
    promote_text_divs(body, soup)
    strip_boilerplate(body)
    container, marked = _story_container(body)
    paragraphs = _story_only(_blocks(container)) if container is not None else []
    source = "marked" if marked else "densest block"
    if not paragraphs and isinstance(ld.get("articleBody"), str):
        # an app shell ("Loading…") whose story is only in the page's JSON-LD
        paragraphs = _story_only(map(clean_text, ld["articleBody"].split("\n")))
        source = "json-ld"
    if not paragraphs:
        paragraphs = _story_only(_blocks(body) or [clean_text(body.get_text(" "))])
        source = "whole page"
    return paragraphs, source


def _story_only(paragraphs: Iterable[str]) -> list[str]:
    return [p for p in paragraphs if p and is_story_paragraph(p) and not _is_link_list(p)]


def _is_link_list(text: str) -> bool:
    return text.count("|") >= 3


_BREAK = "\u2029"  # stands for a <br> while the text is read
_PARAGRAPH_BREAK = re.compile(rf"\s*{_BREAK}\s*(?:{_BREAK}\s*)+")


def _blocks(root: Tag) -> list[str]:
    """Text of block elements under root, innermost wins so nothing is counted twice; two or
    more <br> in a row end a paragraph, as on sites that write paragraphs that way."""
    for br in root.find_all("br"):
        br.replace_with(_BREAK)
    out = []
    for tag in root.find_all(_BLOCK_TAGS):
        if tag.find(_BLOCK_TAGS):
            continue
        if _link_density(tag) > 0.5:
            continue
        for piece in _PARAGRAPH_BREAK.split(tag.get_text(" ")):
            text = clean_text(piece.replace(_BREAK, " "))
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


SPLIT_STORY_SHARE = 0.4  # under this share of the page's paragraph text, look higher up
GATHERED_STORY_SHARE = 0.6


def _story_container(body: Tag) -> tuple[Tag | None, bool]:
    """<article>/articleBody when present (True: the page marks its story); otherwise the
    element holding most paragraph text (False)."""
    chars = paragraph_chars(body)
    marked: dict[str, list[Tag]] = {"articlebody": [], "article": [], "role-main": [], "main": []}
    for tag in all_tags(body):
        if "articlebody" in (
            str(tag.get("itemprop", "")).lower(),
            str(tag.get("property", "")).lower(),
        ):
            marked["articlebody"].append(tag)
        if tag.name in ("article", "main"):
            marked[tag.name].append(tag)
        if tag.get("role") == "main":
            marked["role-main"].append(tag)
    for kind in ("articlebody", "article", "role-main", "main"):
        if marked[kind]:
            best = max(marked[kind], key=lambda tag: chars.get(id(tag), 0))
            if chars.get(id(best), 0) >= 200:
                return best, True
    direct: dict[int, tuple[int, Tag]] = {}
    for paragraph in body.find_all("p"):
        parent = paragraph.parent
        if isinstance(parent, Tag):
            total = direct.get(id(parent), (0, parent))[0]
            direct[id(parent)] = (total + len(paragraph.get_text(strip=True)), parent)
    if not direct:
        return None, False
    densest = max(direct.values(), key=lambda item: item[0])[1]
    return _gather_split_story(densest, chars, chars.get(id(body), 0)), False


def _gather_split_story(densest: Tag, chars: dict[int, int], total: int) -> Tag:
    """The densest paragraph box, or, when it holds little of the page's paragraph text (a
    story written one paragraph per <section><div>, as app-rendered pages do), its deepest
    ancestor that holds most of it."""
    if chars.get(id(densest), 0) >= SPLIT_STORY_SHARE * total:
        return densest
    best = densest
    node = densest.parent
    while isinstance(node, Tag):
        if chars.get(id(node), 0) >= GATHERED_STORY_SHARE * total:
            return node
        best = node
        node = node.parent
    return best
