"""Sentence splitting that survives abbreviations, initials, decimals and closing quotes."""

from __future__ import annotations

import re

_ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof sr jr st mt gen lt col sgt capt cmdr adm gov sen rep rev hon pres supt
    insp jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs
    fri sat sun inc ltd co corp dept univ assn bros vol fig est approx vs etc al ft pp cf
    """.split()
)
# A sentence ends at . ! or ?, possibly followed by closing quotes or brackets, then space and an
# opening quote, bracket, capital letter or digit.
_BOUNDARY = re.compile(r"""([.!?]+["'”’)\]]*)\s+(?=["'“‘(\[]?[A-Z0-9])""")
_INITIALISM = re.compile(r"(?:\b[A-Za-z]\.){2,}$")
_TAIL_CHARS = 80


def split_sentences(paragraph: str) -> list[str]:
    """Split one paragraph into sentences."""
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(paragraph):
        end = match.end(1)
        # only the ends of the candidate are read: it grows with every boundary an abbreviation
        # rejects, and copying all of it each time made runs of "Dr. Dr. ..." quadratic
        head = paragraph[start : min(end, start + _TAIL_CHARS)]
        tail = paragraph[max(start, end - _TAIL_CHARS) : end]
        next_char = paragraph[match.end() : match.end() + 1]
        if _ends_with_abbreviation(head, tail, match.group(1), next_char):
            continue
        sentences.append(paragraph[start:end].strip())
        start = match.end()
    tail = paragraph[start:].strip()
    if tail:
        sentences.append(tail)
    return [s for s in sentences if s]


def _ends_with_abbreviation(head: str, tail: str, terminator: str, next_char: str) -> bool:
    """Whether the candidate sentence (its first and last characters given) ends with an
    abbreviation rather than a full stop."""
    if terminator != ".":
        return False
    words = tail[:-1].split()
    if not words:
        return False
    last = words[-1].lstrip("\"'“‘([")
    if last.lower().rstrip(".") in _ABBREVIATIONS:
        return True
    if last.lower() in ("no", "nos") and next_char.isdigit():  # "No. 5"
        return True
    if len(last) == 1 and last.isupper():  # an initial: "John F. Kennedy"
        return True
    # "U.S." closes a sentence only rarely; keep it inside unless the sentence is long already
    return bool(_INITIALISM.search(last + ".")) and len(head.split()) < 6
