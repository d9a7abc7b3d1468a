"""Scans of raw HTML that run before any parser: cut out what never holds story text, and find
the JSON-LD blocks. Both are single left-to-right passes, linear in the page's length whatever it
holds (regexes with lazy `.*?` rescan the rest of the page for every unclosed tag: quadratic).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# Elements whose content is never story text; an unclosed one runs to the end of the page, as
# it does in a browser.
_OPENER = re.compile(r"<!--|<(script|style|svg|noscript|template)\b", re.IGNORECASE)
_CLOSERS = {
    name: re.compile(rf"</{name}\s*>", re.IGNORECASE)
    for name in ("script", "style", "svg", "noscript", "template")
}
_SCRIPT_OPENER = re.compile(r"<script\b", re.IGNORECASE)
_LD_JSON = re.compile(r"application/ld\+json", re.IGNORECASE)


def strip_non_content(html: str) -> str:
    """The page without comments, scripts, styles, inline SVG, noscript and templates.

    A comment is removed without a trace (React writes `tripl<!-- -->e` inside words); an element
    leaves a space behind. Cutting these before the parser builds its tree saves most of the parse
    on script-heavy pages.
    """
    out: list[str] = []
    position = 0
    while True:
        opener = _OPENER.search(html, position)
        if opener is None:
            out.append(html[position:])
            break
        out.append(html[position : opener.start()])
        if opener.group(1) is None:  # a comment
            end = html.find("-->", opener.end())
            if end < 0:
                break
            position = end + 3
        else:
            out.append(" ")
            closer = _CLOSERS[opener.group(1).lower()].search(html, opener.end())
            if closer is None:
                break
            position = closer.end()
    return "".join(out)


def json_ld_blocks(html: str) -> Iterator[str]:
    """The text of every <script type="application/ld+json"> block, in page order."""
    closer = _CLOSERS["script"]
    position = 0
    while True:
        opener = _SCRIPT_OPENER.search(html, position)
        if opener is None:
            return
        tag_end = html.find(">", opener.end())
        if tag_end < 0:
            return
        end = closer.search(html, tag_end + 1)
        if end is None:
            return
        if _LD_JSON.search(html, opener.end(), tag_end):
            yield html[tag_end + 1 : end.start()]
        position = end.end()
