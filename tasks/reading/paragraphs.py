"""Which lines of text are story paragraphs: the rule HTML pages and plain text share."""

from __future__ import annotations

import re

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
MIN_PARAGRAPH_CHARS = 25

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
    return not _mostly_capitals(text)


_WITHOUT_ASCII_SMALL = str.maketrans("", "", "abcdefghijklmnopqrstuvwxyz")


def _mostly_capitals(text: str) -> bool:
    """Over 80% of the letters are capitals. Counting ASCII small letters first (in C) settles
    almost every line without a Python loop over its characters: a fifth of all characters
    being small letters is a fifth of the letters at least."""
    if len(text) - len(text.translate(_WITHOUT_ASCII_SMALL)) >= 0.2 * len(text):
        return False
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.8
