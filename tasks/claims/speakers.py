"""Who said it: attribution patterns, pronoun resolution and speaker-name normalisation."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

REPORTING_VERBS = (
    "said|says|say|told|tells|added|adds|complained|complains|claimed|claims|argued|argues|"
    "warned|warns|wrote|writes|stated|states|noted|notes|insisted|insists|accused|accuses|"
    "asserted|asserts|maintained|maintains|explained|explains|announced|announces|declared|"
    "declares|tweeted|posted|stressed|stresses|emphasized|emphasised|acknowledged|admitted|"
    "denied|denies|alleged|alleges|suggested|suggests|predicted|predicts|estimated|estimates|"
    "reported|reports|confirmed|confirms|blamed|blames|promised|promises|vowed|vows|pledged|"
    "urged|urges|believes|contended|contends|countered|counters"
)
_NAME_TOKEN = r"[A-Z][\w'’.-]*"
_NAME = rf"{_NAME_TOKEN}(?:\s+(?:of\s+|de\s+|van\s+|von\s+|al-)?{_NAME_TOKEN}){{0,6}}"
_PRONOUN = r"[Hh]e|[Ss]he|[Tt]hey"
_SUBJECT = rf"(?P<name>{_NAME}|{_PRONOUN})"
_APPOSITIVE = r"(?:,[^,“”\"]{1,200},)?"
_TIME_WORDS = (
    r"(?:\s+(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today|"
    r"yesterday|earlier|later|recently|also|again|previously|then|once))?"
)

# "Putin said", "Radchenko, a professor, wrote", "he added"
_NAME_VERB = re.compile(rf"{_SUBJECT}{_APPOSITIVE}{_TIME_WORDS}\s+(?:{REPORTING_VERBS})\b")
# "said Secretary of State Antony Blinken"
_VERB_NAME = re.compile(rf"\b(?:{REPORTING_VERBS}){_TIME_WORDS}\s+(?P<name>{_NAME})")
# "according to the Kremlin", "according to Putin"
_ACCORDING = re.compile(rf"\baccording to\s+(?:the\s+)?(?P<name>{_NAME})")
# "officials said", "a senior campaign source told", "scientists say", "the report found": a
# described source, not a name (credited as written, without its article)
_GROUP_NOUNS = (
    r"officials?|sources?|spokes(?:man|woman|person)|scientists?|experts?|researchers?|"
    r"analysts?|doctors?|critics?|residents?|witnesses|witness|police|authorities|"
    r"investigators?|prosecutors?|economists?|lawmakers?|legislators?|aides?|advisers?|"
    r"advisors?|diplomats?|observers?|supporters?|opponents?|activists?|organizers?|"
    r"organisers?|historians?|epidemiologists?|virologists?|report|study|survey|poll|"
    r"statement|data|figures|documents?|memo|filing|lawsuit|complaint|campaign|administration|"
    r"government|company|ministry|department|agency|committee|council|court|city|party|union|"
    r"board|office|club|operator|inspectors?|regulators?|officers?|firefighters?|paramedics?"
)
_GROUP = (
    r"(?P<name>(?:(?:a|an|the|some|many|most|other|two|three|several)\s+)?"
    rf"(?:[a-z][a-z.'’-]+\s+){{0,2}}(?:{_GROUP_NOUNS}))"
)
_GROUP_VERB = re.compile(
    rf"(?<![\w-]){_GROUP}{_APPOSITIVE}{_TIME_WORDS}\s+(?:have\s+|has\s+)?"
    rf"(?:{REPORTING_VERBS}|think|believe|found|find|shows?|showed|concluded)\b",
    re.IGNORECASE,
)
_VERB_GROUP = re.compile(rf"\b(?:{REPORTING_VERBS}){_TIME_WORDS}\s+{_GROUP}\b")
# "said grower Tomas Ferrer", "said emergency physician Ben Achebe": a lower-case role first
_FUNCTION_WORD = (
    r"(?:the|a|an|that|this|these|those|his|her|its|their|our|my|your|on|in|at|to|for|of|by|"
    r"with|from|it|he|she|they|we|i|you|there|and|but|or|if|when|while|after|before|since)\b"
)
_VERB_ROLE_NAME = re.compile(
    rf"\b(?:{REPORTING_VERBS}){_TIME_WORDS}\s+(?:(?!{_FUNCTION_WORD})[a-z][a-z-]+\s+){{1,2}}"
    rf"(?P<name>{_NAME})"
)
_ACCORDING_GROUP = re.compile(rf"\baccording to\s+{_GROUP}\b", re.IGNORECASE)
_LEADING_ARTICLE = re.compile(r"^(?:a|an|the)\s+", re.IGNORECASE)

# "— Sergey Radchenko (@DrRadchenko) November 17, 2021"
_DASH_CREDIT = re.compile(rf"^[—―–-]\s*(?P<name>{_NAME})")

_TITLE_WORDS = frozenset(
    """
    president vice prime minister foreign defense defence secretary state of general gen
    gen. dr dr. mr mr. mrs mrs. ms ms. professor prof prof. senator sen sen. representative
    rep rep. governor gov gov. mayor chancellor king queen prince princess chief executive
    officer spokesman spokeswoman spokesperson director chairman chairwoman chair ambassador
    commissioner judge justice pope sir lord lady deputy assistant ceo leader speaker house
    senate attorney health finance economy interior home treasury army navy commander
    colonel col col. captain lieutenant sergeant premier dictator strongman analyst
    economist official officials the former acting incoming outgoing u.s. us un eu nato
    white
    """.split()
)
_NOT_NAMES = frozenset(
    """
    it this that these those there here what which who we i you our their his her its monday
    tuesday wednesday thursday friday saturday sunday but and or so yet if when while
    although because however meanwhile moreover
    """.split()
)
_NATIONALITY = re.compile(r"^[A-Z][a-z]+(?:ian|ean|ese|ish|can|ish|i)$")


def is_pronoun(name: str) -> bool:
    return name.lower() in ("he", "she", "they")


_INSTITUTION = re.compile(
    r"\b(?:Ministry|Department|Office|Agency|Council|Commission|Committee|Court|Police|"
    r"Government|Party|Union|Bank|Services?|Authority|Administration|Organi[sz]ation|Institute|"
    r"University|Board|Bureau|Corporation|Company|Group|Foundation|Association|Center|Centre|"
    r"Inc|Ltd|Agency|Assembly|Parliament|Congress|Senate|Kremlin|Pentagon)\b"
)
# a ticker or an index code ("Nasdaq Composite.IXIC", "US10YT", ".SPX") is never a speaker
_TICKER = re.compile(r"\.[A-Z]{2,}|^[A-Z]*\d[A-Z\d]*$|^[A-Z]{2,}\d")


def normalise_name(raw: str) -> str | None:
    """'Russian President Vladimir Putin' -> 'Vladimir Putin'; 'Dr. Sergey Radchenko' ->
    'Sergey Radchenko'; 'the Foreign Ministry' -> 'Foreign Ministry' (an institution keeps its
    whole name); None when nothing name-like is left, or for a ticker symbol."""
    if any(_TICKER.search(token) for token in raw.split()):
        return None
    if _INSTITUTION.search(raw):
        words = _LEADING_ARTICLE.sub("", raw.strip(" ,.;:")).split()
        words = [w.rstrip("’'s") if w.endswith(("’s", "'s")) else w for w in words]
        if words and words[0][:1].isupper() and words[0].lower() not in _NOT_NAMES:
            return " ".join(words[-8:])
    tokens = [t.strip(",.;:’'") if not t.endswith(".") or len(t) > 3 else t for t in raw.split()]
    tokens = [t.rstrip("’'s") if t.endswith(("’s", "'s")) else t for t in tokens]
    last_title = -1
    for index, token in enumerate(tokens):
        # "Russian President ...", but not "Ravi Mehta" or "Brian Jones": a nationality counts
        # only before a title
        next_is_title = index + 1 < len(tokens) and tokens[index + 1].lower() in _TITLE_WORDS
        if token.lower() in _TITLE_WORDS or (_NATIONALITY.match(token) and next_is_title):
            last_title = index
    name = [t for t in tokens[last_title + 1 :] if t]
    if not name or name[0].lower() in _NOT_NAMES or not name[0][:1].isupper():
        return None
    return " ".join(name[-3:])


@dataclass
class SpeakerTracker:
    """Remembers the people an article has named, to expand surnames and resolve pronouns."""

    full_names: dict[str, str] = field(default_factory=dict)  # surname -> full name
    last_person: str | None = None

    def remember(self, name: str) -> str:
        parts = name.split()
        if len(parts) >= 2:
            self.full_names.setdefault(parts[-1], name)
        canonical = self.full_names.get(parts[-1], name) if parts else name
        self.last_person = canonical
        return canonical

    def canonical(self, raw: str) -> str | None:
        if is_pronoun(raw):
            return self.last_person
        name = normalise_name(raw)
        return self.remember(name) if name else None

    def learn_titled_names(self, text: str) -> None:
        """Note people introduced with a title ("Foreign Minister Sergey Lavrov")."""
        for match in re.finditer(_NAME, text):
            tokens = match[0].split()
            if len(tokens) >= 3 and any(t.lower() in _TITLE_WORDS for t in tokens[:-2]):
                name = normalise_name(match[0])
                if name and len(name.split()) >= 2:
                    self.remember(name)


def attributed_speaker(sentence: str, tracker: SpeakerTracker) -> str | None:
    """The speaker this sentence names through a reporting verb, if any: a person or body by
    name, else a described source ("officials", "a campaign source") as written."""
    for pattern in (_NAME_VERB, _VERB_NAME, _ACCORDING, _VERB_ROLE_NAME):
        for match in pattern.finditer(sentence):
            raw = match["name"]
            if not is_pronoun(raw) and raw.split()[0].lower() in _NOT_NAMES:
                continue
            speaker = tracker.canonical(raw)
            if speaker:
                return speaker
    for group_pattern in (_GROUP_VERB, _VERB_GROUP, _ACCORDING_GROUP):
        found = group_pattern.search(sentence)
        if found:
            return described_source(found["name"])
    return None


def described_source(words: str) -> str | None:
    """A described source as written, without its article: 'the conservative-leaning Tax
    Foundation' -> 'Conservative-leaning Tax Foundation'; None when nothing is left."""
    described = _LEADING_ARTICLE.sub("", " ".join(words.split()))
    return described[:1].upper() + described[1:] if described else None


def dash_credit(paragraph: str, tracker: SpeakerTracker) -> str | None:
    """A credit line such as '— Jane Doe (@jdoe) May 1, 2021' names the previous quote's author."""
    match = _DASH_CREDIT.match(paragraph)
    return tracker.canonical(match["name"]) if match else None
