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
    "reported|reports|confirmed|confirms|blamed|blames|promised|promises|vowed|vows|pledged"
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


def normalise_name(raw: str) -> str | None:
    """'Russian President Vladimir Putin' -> 'Vladimir Putin'; 'Dr. Sergey Radchenko' ->
    'Sergey Radchenko'; None when nothing name-like is left."""
    tokens = [t.strip(",.;:’'") if not t.endswith(".") or len(t) > 3 else t for t in raw.split()]
    tokens = [t.rstrip("’'s") if t.endswith(("’s", "'s")) else t for t in tokens]
    last_title = -1
    for index, token in enumerate(tokens):
        if token.lower() in _TITLE_WORDS or _NATIONALITY.match(token):
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
    """The speaker this sentence names through a reporting verb, if any."""
    for pattern in (_NAME_VERB, _VERB_NAME, _ACCORDING):
        for match in pattern.finditer(sentence):
            raw = match["name"]
            if not is_pronoun(raw) and raw.split()[0].lower() in _NOT_NAMES:
                continue
            speaker = tracker.canonical(raw)
            if speaker:
                return speaker
    return None


def dash_credit(paragraph: str, tracker: SpeakerTracker) -> str | None:
    """A credit line such as '— Jane Doe (@jdoe) May 1, 2021' names the previous quote's author."""
    match = _DASH_CREDIT.match(paragraph)
    return tracker.canonical(match["name"]) if match else None
