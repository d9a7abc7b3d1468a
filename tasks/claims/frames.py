"""A claim's frame: its content words, stemmed, with numbers, negation, hedges and attribution
taken out. Two claims that say the same thing about the same subject have similar frames even when
their numbers, polarity, speaker or wording differ."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from schemas.records import Polarity, Quantity
from tasks.claims.quantities import spell_out_numbers
from tasks.claims.speakers import REPORTING_VERBS

STOPWORDS = frozenset(
    """
    a an the and or but if then than that this these those there here of in on at to for
    from by with as into onto over under about after before during since until while within
    without through between among against across per via is are was were be been being am
    has have had having do does did doing will would shall should can could may might must
    it its it's they them their theirs he him his she her hers we us our ours you your yours
    i me my who whom whose which what when where why how all any both each few more
    most other some such own same so too very just only also even still yet already again
    ever almost nearly about around roughly approximately some up out off once here there
    now today yesterday tomorrow monday tuesday wednesday thursday friday saturday sunday
    said says say told according mr mrs ms dr s t d ll re ve m o y ago one
    """.split()
)
_NEGATION = re.compile(
    r"\b(?:not|never|no longer|no|none|nobody|nothing|neither|nor|cannot|without)\b|n[’']t\b",
    re.IGNORECASE,
)
_NOT_NEGATION = re.compile(
    r"\b(?:no (?:more|less|fewer|later|earlier|sooner) than|not only|no doubt|nothing but)\b",
    re.IGNORECASE,
)
_REPORTING = re.compile(rf"\b(?:{REPORTING_VERBS})\b", re.IGNORECASE)
# Attribution clauses: "..., the mayor said." / "according to officials" / "Officials said that"
_ATTRIBUTION_CLAUSES = (
    re.compile(r"\baccording to [^,.;:”\"]+", re.IGNORECASE),
    re.compile(rf"[,”\"]\s*(?:[\w.'’-]+\s+){{0,5}}(?:{REPORTING_VERBS})\b[^,.;:]*[.!]?\s*$"),
    re.compile(rf"^\s*(?:[\w.'’-]+\s+){{0,5}}(?:{REPORTING_VERBS})\s+(?:that\s+)?(?=\S)"),
)
_WORD = re.compile(r"[a-z][a-z'’-]*[a-z]|[a-z]")
_IRREGULAR = {
    "flew": "fly",
    "flown": "fly",
    "flies": "fly",
    "rose": "rise",
    "risen": "rise",
    "fell": "fall",
    "fallen": "fall",
    "grew": "grow",
    "grown": "grow",
    "went": "go",
    "gone": "go",
    "made": "make",
    "took": "take",
    "taken": "take",
    "gave": "give",
    "given": "give",
    "began": "begin",
    "begun": "begin",
    "won": "win",
    "lost": "lose",
    "paid": "pay",
    "built": "build",
    "sold": "sell",
    "bought": "buy",
    "spent": "spend",
    "left": "leave",
    "held": "hold",
    "kept": "keep",
    "met": "meet",
    "brought": "bring",
    "thought": "think",
    "saw": "see",
    "seen": "see",
    "knew": "know",
    "known": "know",
    "wrote": "write",
    "written": "write",
    "drove": "drive",
    "driven": "drive",
    "ran": "run",
    "stood": "stand",
    "sent": "send",
    "came": "come",
    "became": "become",
    "killed": "kill",
    "children": "child",
    "people": "person",
    "men": "man",
    "women": "woman",
    "mice": "mouse",
    "feet": "foot",
    "teeth": "tooth",
    "geese": "goose",
}
# Words that say the same thing in news copy; each maps to one representative.
_SYNONYMS = {
    "climb": "rise",
    "increase": "rise",
    "jump": "rise",
    "surge": "rise",
    "soar": "rise",
    "grow": "rise",
    "hike": "rise",
    "drop": "fall",
    "decline": "fall",
    "decrease": "fall",
    "plunge": "fall",
    "slide": "fall",
    "shrink": "fall",
    "frontier": "border",
    "kilometre": "kilometer",
    "metre": "meter",
    "centre": "center",
    "colour": "color",
    "defence": "defense",
    "organisation": "organization",
    "price": "cost",
    "expense": "cost",
    "jet": "plane",
    "aircraft": "plane",
    "airplane": "plane",
    "kid": "child",
    "youngster": "child",
    "down": "fall",
    "reduce": "cut",
    "lower": "cut",
    "jobless": "unemployment",
    "unemployed": "unemployment",
}
_SUFFIXES = (
    "ations",
    "ation",
    "ments",
    "ment",
    "ingly",
    "ings",
    "ing",
    "edly",
    "ied",
    "ies",
    "ed",
    "es",
    "ly",
    "s",
    "e",
)


def polarity_of(sentence: str) -> Polarity:
    """'negative' when the sentence is negated (does not, never, no longer...)."""
    text = _NOT_NEGATION.sub(" ", sentence)
    return "negative" if _NEGATION.search(text) else "positive"


def negation_cues(sentence: str) -> list[str]:
    text = _NOT_NEGATION.sub(" ", sentence)
    return [m[0].lower() for m in _NEGATION.finditer(text)]


def _strip_suffix(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            if suffix in ("ied", "ies"):
                word += "y"
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "ls":
        word = word[:-1]  # "stopp" -> "stop"
    return word


_STEMMED_SYNONYMS = {_strip_suffix(k): _strip_suffix(v) for k, v in _SYNONYMS.items()}


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light stemmer: enough to join inflections and British/American spellings."""
    word = word.replace("’", "'").strip("'-")
    if word.endswith("'s"):
        word = word[:-2]
    word = _strip_suffix(_IRREGULAR.get(word, word))
    return _STEMMED_SYNONYMS.get(word, word)


def frame_tokens(sentence: str, quantities: tuple[Quantity, ...], speaker: str | None) -> list[str]:
    """The stemmed content words of a claim, in order."""
    return list(_frame_tokens(sentence, quantities, speaker))


@lru_cache(maxsize=65536)
def _frame_tokens(
    sentence: str, quantities: tuple[Quantity, ...], speaker: str | None
) -> tuple[str, ...]:
    text = spell_out_numbers(sentence)
    for clause in _ATTRIBUTION_CLAUSES:
        text = clause.sub(" ", text)
    for quantity in quantities:
        text = text.replace(quantity.surface, " ")
    text = _NOT_NEGATION.sub(" ", text)
    text = _NEGATION.sub(" ", text)
    text = _REPORTING.sub(" ", text)
    if speaker:
        for part in speaker.split():
            text = re.sub(rf"\b{re.escape(part)}(?:['’]s)?\b", " ", text)
    tokens = []
    for word in _WORD.findall(text.lower()):
        if word in STOPWORDS or len(word) < 2:
            continue
        stemmed = stem(word)
        if stemmed and stemmed not in STOPWORDS:
            tokens.append(stemmed)
    return tuple(tokens)


# "critics posted messages claiming that ...", "he attacked the plan, saying that ...",
# "citing the figure ...": everything up to the claim itself
_LEADING_FRAME = re.compile(
    rf"^.{{0,120}}?\b(?:(?:{REPORTING_VERBS})\s+that|claiming(?:\s+that)?|saying(?:\s+that)?|"
    r"alleging(?:\s+that)?|insisting(?:\s+that)?|arguing(?:\s+that)?|citing)\s+",
    re.IGNORECASE,
)
_QUOTE_MARKS = re.compile(r"[“”\"‘]|(?<!\w)[’']|[’'](?!\w)")
MIN_CORE_WORDS = 4


def claim_core(sentence: str) -> str:
    """The claim without its attribution frame and quote marks: what is compared for meaning.
    "Critics posted messages claiming that the jab is unsafe" -> "the jab is unsafe"."""
    core = _QUOTE_MARKS.sub("", sentence)
    framed = _LEADING_FRAME.sub("", core, count=1)
    if len(framed.split()) >= MIN_CORE_WORDS:
        core = framed
    for clause in _ATTRIBUTION_CLAUSES:
        stripped = clause.sub(" ", core)
        if len(stripped.split()) >= MIN_CORE_WORDS:
            core = stripped
    core = re.sub(r"\s*,\s*(?=[.!?]|$)", "", " ".join(core.split())).strip(" ,;:-—")
    return core[:1].upper() + core[1:] if core else sentence


def build_frame(sentence: str, quantities: tuple[Quantity, ...], speaker: str | None) -> str:
    return " ".join(frame_tokens(sentence, quantities, speaker))


@dataclass(frozen=True)
class Clause:
    """One clause of a claim: its frame tokens, the quantities written in it, and its polarity."""

    tokens: tuple[str, ...]
    quantities: tuple[Quantity, ...]
    polarity: Polarity
    text: str

    @cached_property
    def has_predicate(self) -> bool:
        """A verb or a number: "a former council official" states nothing on its own."""
        return bool(self.quantities) or bool(_VERB_LIKE.search(self.text))


_VERB_LIKE = re.compile(
    r"\b(?:is|are|was|were|be|been|being|has|have|had|will|would|can|could|may|might|must|"
    r"shall|should|does|did|do|says|said|\w{3,}ed|" + "|".join(_IRREGULAR) + r")\b",
    re.IGNORECASE,
)
_CAPITALISED = re.compile(r"(?<=[\w,;:’'”)]\s)([A-Z][\w'’-]*)|\b([A-Z]{2,})\b")


@lru_cache(maxsize=16384)
def entity_stems(text: str) -> frozenset[str]:
    """Stems of the names in a text: words capitalised mid-sentence, and acronyms. Two claims
    that share only names ("President Donald Trump") do not yet say the same thing."""
    found = set()
    for match in _CAPITALISED.finditer(text):
        word = (match.group(1) or match.group(2)).lower()
        if word not in STOPWORDS:
            found.add(stem(word))
    return frozenset(found)


_CLAUSE_BREAK = re.compile(
    r"\s*(?:,(?!\d{3}\b)|[;:()—–]|\band\b|\bbut\b|\bwhile\b|\bwhereas\b|\bafter\b)\s*"
)
_HAS_DIGIT = re.compile(r"\d")
MIN_CLAUSE_TOKENS = 3


@lru_cache(maxsize=16384)
def split_clauses(
    sentence: str, quantities: tuple[Quantity, ...], speaker: str | None
) -> tuple[Clause, ...]:
    """The sentence's clauses, so that the part of a sentence that states the claim can be
    compared on its own, apart from attribution and side remarks. A short piece that holds a
    number ("and to finish in 2029") joins the clause before it."""
    text = spell_out_numbers(sentence)
    merged: list[str] = []
    for piece in (p for p in _CLAUSE_BREAK.split(text) if p.strip()):
        short = len(frame_tokens(piece, (), speaker)) < MIN_CLAUSE_TOKENS
        if merged and short and _HAS_DIGIT.search(piece):
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    clauses = []
    for piece in merged:
        inside = tuple(q for q in quantities if q.surface in piece)
        clauses.append(
            Clause(tuple(frame_tokens(piece, inside, speaker)), inside, polarity_of(piece), piece)
        )
    return tuple(clauses)
