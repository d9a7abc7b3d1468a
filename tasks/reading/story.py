"""The story's paragraphs, read from the page body with lxml.

The story is the densest block of paragraphs, preferring <article> and articleBody; navigation,
menus, ads, share bars, newsletter prompts and other boilerplate containers are dropped first.
lxml's own tree is walked directly: building BeautifulSoup's tree of the whole page cost more than
all of the rest of the extraction together.

Element proxies of lxml stay the same object only while something holds them, so per-element
tallies are dicts keyed by the elements themselves (which holds them), never by id().
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from lxml import etree

from tasks.reading.metadata import clean_text
from tasks.reading.paragraphs import is_story_paragraph

Element = etree._Element

# Elements that never hold story text.
_DROP_TAGS = frozenset(
    (
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
_BOILERPLATE_ROLES = frozenset(
    ("navigation", "banner", "contentinfo", "complementary", "search", "menu")
)
_BLOCK_TAGS = ("p", "h2", "h3", "h4", "li", "blockquote", "pre", "dd")
_NEVER_CONTENT = ("script", "style", "noscript", "template", "svg", "canvas", "iframe")
_STRUCTURE_TAGS = frozenset(
    "p div section article li ul ol table blockquote pre h1 h2 h3 h4 h5 h6 dl main".split()
)
_BOXES = frozenset(("div", "section", "article", "main", "td"))
_NEVER_BOILERPLATE = frozenset(("html", "body", "article", "main"))
MIN_DIV_PARAGRAPH_CHARS = 40
SPLIT_STORY_SHARE = 0.4  # under this share of the page's paragraph text, look higher up
GATHERED_STORY_SHARE = 0.6
MARKED_STORY_MIN_CHARS = 200

_BREAK = "\u2029"  # stands for a <br> while the text is read
_PARAGRAPH_BREAK = re.compile(rf"\s*{_BREAK}\s*(?:{_BREAK}\s*)+")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([,.;:!?’”)])")


def elements(root: Element) -> Iterator[Element]:
    """Every element under root (root excluded) in document order; comments and processing
    instructions are not elements."""
    return root.iterdescendants(etree.Element)


def drop(element: Element) -> None:
    """Remove the element and what it holds; its tail, the text after it, stays in place,
    set apart by a space as the two were by the element."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + " " + element.tail
        else:
            parent.text = (parent.text or "") + " " + element.tail
    parent.remove(element)


def stripped_length(element: Element) -> int:
    """Characters of the element's text with each string's edges trimmed (its own tail left
    out), as BeautifulSoup's get_text(strip=True) counts them."""
    return sum(len(piece.strip()) for piece in element.itertext())


def spaced_text(element: Element) -> str:
    """The element's strings joined by spaces."""
    return " ".join(element.itertext())


def paragraph_chars(root: Element) -> dict[Element, int]:
    """Characters of <p> text under each element, in one pass over the paragraphs."""
    chars: dict[Element, int] = {}
    for paragraph in root.iter("p"):
        length = stripped_length(paragraph)
        node: Element | None = paragraph
        while node is not None:
            chars[node] = chars.get(node, 0) + length
            node = node.getparent()
    return chars


def find_story(body: Element, ld: dict[str, Any]) -> tuple[list[str], str]:
    """The story's paragraphs and where they were found (see ArticleText.story_source).
    The body is changed on the way (boilerplate dropped, loose text wrapped)."""
    promote_text_divs(body)
    strip_boilerplate(body)
    container, marked = _story_container(body)
    paragraphs = _story_only(_blocks(container)) if container is not None else []
    source = "marked" if marked else "densest block"
    if not paragraphs and isinstance(ld.get("articleBody"), str):
        # an app shell ("Loading…") whose story is only in the page's JSON-LD
        paragraphs = _story_only(map(clean_text, ld["articleBody"].split("\n")))
        source = "json-ld"
    if not paragraphs:
        paragraphs = _story_only(_blocks(body) or [clean_text(spaced_text(body))])
        source = "whole page"
    return paragraphs, source


def _story_only(paragraphs: Iterable[str]) -> list[str]:
    return [p for p in paragraphs if p and is_story_paragraph(p) and not _is_link_list(p)]


def _is_link_list(text: str) -> bool:
    return text.count("|") >= 3


def promote_text_divs(root: Element) -> None:
    """Treat a box that holds only inline text as a paragraph, as many sites (CNN's
    "zn-body__paragraph", for one) write paragraphs that way; and in a box that also holds
    blocks, wrap each run of loose text (text beside a headline, say) in a paragraph."""
    has_blocks: set[Element] = set()
    mixed: list[Element] = []
    for tag in reversed(list(elements(root))):  # children before their parents
        if tag.tag in _BOXES:
            if tag not in has_blocks:
                if tag.tag in ("div", "section") and (
                    stripped_length(tag) >= MIN_DIV_PARAGRAPH_CHARS
                ):
                    tag.tag = "p"
            elif _has_loose_text(tag):
                mixed.append(tag)
        parent = tag.getparent()
        if tag.tag in _STRUCTURE_TAGS and parent is not None:
            has_blocks.add(parent)
    for box in mixed:
        _wrap_loose_text(box)


def _has_loose_text(box: Element) -> bool:
    if box.text and box.text.strip():
        return True
    return any(child.tail and child.tail.strip() for child in box)


def _is_inline(piece: str | Element) -> bool:
    return isinstance(piece, str) or (
        isinstance(piece.tag, str) and piece.tag not in _STRUCTURE_TAGS
    )


def _wrap_loose_text(box: Element) -> None:
    """Rebuild the box's content with each run of inline text and elements of 40 characters or
    more inside a new <p>."""
    pieces: list[str | Element] = [box.text] if box.text else []
    for child in box:
        pieces.append(child)
        if child.tail:
            pieces.append(child.tail)
            child.tail = None
    box.text = None
    for child in list(box):
        box.remove(child)
    run: list[str | Element] = []
    for piece in [*pieces, None]:
        if piece is not None and _is_inline(piece):
            run.append(piece)
            continue
        text = "".join(p if isinstance(p, str) else "".join(p.itertext()) for p in run).strip()
        if len(text) >= MIN_DIV_PARAGRAPH_CHARS:
            paragraph = box.makeelement("p", {})
            box.append(paragraph)
            for element in run:
                _append(paragraph, element)
        else:
            for element in run:
                _append(box, element)
        if piece is not None:
            _append(box, piece)
        run = []


def _append(parent: Element, piece: str | Element) -> None:
    if not isinstance(piece, str):
        parent.append(piece)
    elif len(parent):
        last = parent[-1]
        last.tail = (last.tail or "") + piece
    else:
        parent.text = (parent.text or "") + piece


def _is_boilerplate(tag: Element) -> bool:
    if tag.tag in _NEVER_BOILERPLATE:
        return False
    attributes = tag.attrib
    if attributes.get("role", "").lower() in _BOILERPLATE_ROLES:
        return True
    if attributes.get("aria-hidden") == "true" or "hidden" in attributes:
        return True
    return _boilerplate_words(attributes.get("class", "") + " " + attributes.get("id", ""))


@lru_cache(maxsize=4096)
def _boilerplate_words(words: str) -> bool:
    """Class and id words name boilerplate; pages repeat a few hundred class names."""
    return bool(_BOILERPLATE_ATTR.search(words))


def strip_boilerplate(root: Element) -> None:
    """Drop boilerplate elements, except one that holds most of the page's paragraph text: that
    is a page-wide wrapper (an ASP.NET <form>, a "content-with-sidebar" div), not a widget."""
    for tag in list(root.iterdescendants(*_NEVER_CONTENT)):
        drop(tag)
    chars = paragraph_chars(root)
    half = chars.get(root, 0) / 2
    doomed: list[Element] = []
    inside_doomed: set[Element] = set()
    for tag in elements(root):  # parents come before their children
        parent = tag.getparent()
        if parent is not None and parent in inside_doomed:
            inside_doomed.add(tag)
            continue
        is_wrapper = chars.get(tag, 0) > half > 0
        if not is_wrapper and (tag.tag in _DROP_TAGS or _is_boilerplate(tag)):
            doomed.append(tag)
            inside_doomed.add(tag)
    for tag in doomed:
        drop(tag)


def _blocks(root: Element) -> list[str]:
    """Text of block elements under root, innermost wins so nothing is counted twice; two or
    more <br> in a row end a paragraph, as on sites that write paragraphs that way."""
    for br in list(root.iterdescendants("br")):
        br.tail = _BREAK + (br.tail or "")
        drop(br)
    out = []
    for tag in root.iterdescendants(*_BLOCK_TAGS):
        if next(tag.iterdescendants(*_BLOCK_TAGS), None) is not None:
            continue
        if _link_density(tag) > 0.5:
            continue
        for piece in _PARAGRAPH_BREAK.split(spaced_text(tag)):
            text = clean_text(piece.replace(_BREAK, " "))
            text = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", text)
            if text:
                out.append(text)
    return out


def _link_density(tag: Element) -> float:
    total = stripped_length(tag)
    if not total:
        return 1.0
    linked = sum(stripped_length(link) for link in tag.iterdescendants("a"))
    return linked / total


def _story_container(body: Element) -> tuple[Element | None, bool]:
    """<article>/articleBody when present (True: the page marks its story); otherwise the
    element holding most paragraph text (False)."""
    chars = paragraph_chars(body)
    marked: dict[str, list[Element]] = {
        "articlebody": [],
        "article": [],
        "role-main": [],
        "main": [],
    }
    for tag in elements(body):
        attributes = tag.attrib
        if "articlebody" in (
            attributes.get("itemprop", "").lower(),
            attributes.get("property", "").lower(),
        ):
            marked["articlebody"].append(tag)
        if tag.tag in ("article", "main"):
            marked[tag.tag].append(tag)
        if attributes.get("role") == "main":
            marked["role-main"].append(tag)
    for kind in ("articlebody", "article", "role-main", "main"):
        if marked[kind]:
            best = max(marked[kind], key=lambda tag: chars.get(tag, 0))
            if chars.get(best, 0) >= MARKED_STORY_MIN_CHARS:
                return best, True
    direct: dict[Element, int] = {}
    for paragraph in body.iterdescendants("p"):
        parent = paragraph.getparent()
        if parent is not None:
            direct[parent] = direct.get(parent, 0) + stripped_length(paragraph)
    if not direct:
        return None, False
    densest = max(direct, key=lambda parent: direct[parent])
    return _gather_split_story(densest, chars, chars.get(body, 0)), False


def _gather_split_story(densest: Element, chars: dict[Element, int], total: int) -> Element:
    """The densest paragraph box, or, when it holds little of the page's paragraph text (a
    story written one paragraph per <section><div>, as app-rendered pages do), its deepest
    ancestor that holds most of it."""
    if chars.get(densest, 0) >= SPLIT_STORY_SHARE * total:
        return densest
    best = densest
    node = densest.getparent()
    while node is not None:
        if chars.get(node, 0) >= GATHERED_STORY_SHARE * total:
            return node
        best = node
        node = node.getparent()
    return best
