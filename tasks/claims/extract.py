"""Check-worthy claims from an article: sentences, speakers, quantities, polarity, a score and the
reasons behind it. This first version scores with transparent rules; each rule that fires adds its
weight and its reason."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from schemas.records import ArticleText, ClaimDraft, Quantity
from tasks.budget import NO_DEADLINE, Deadline
from tasks.claims.checkworthiness import featurize, load_model
from tasks.claims.frames import build_frame, polarity_of
from tasks.claims.quantities import extract_quantities
from tasks.claims.sentences import split_sentences
from tasks.claims.speakers import SpeakerTracker, attributed_speaker, dash_credit
from tasks.claims.syntax import DEFAULT_SPEAKER_MODEL, load_pipeline, parse_cued, syntactic_speaker

if TYPE_CHECKING:
    from spacy.tokens import Doc

_COMPARISON = re.compile(
    r"\b(?:more|less|fewer|higher|lower|larger|smaller|bigger|largest|biggest|smallest|highest|"
    r"lowest|most|least|record|double[ds]?|tripled?|halved?|increas\w*|decreas\w*|rose|risen|"
    r"fell|fallen|grew|dropped|declined|compared|than|times as|up from|down from)\b",
    re.IGNORECASE,
)
_CAUSAL = re.compile(
    r"\b(?:because|due to|caused?|causing|led to|leads to|result(?:ed)? in|as a result|blamed?|"
    r"responsible for|thanks to|driven by|linked to)\b",
    re.IGNORECASE,
)
_RULE = re.compile(
    r"\b(?:law|laws|illegal|legal|banned?|ban|requires?|required|legislation|treaty|sanctions?|"
    r"regulation|constitution|court|ruled|unconstitutional|mandatory|prohibit\w*)\b",
    re.IGNORECASE,
)
_VOTING = re.compile(
    r"\b(?:voted|vote[sd]?|votes|ballot|elected|record (?:on|of))\b", re.IGNORECASE
)
_PREDICTION = re.compile(
    r"\b(?:will|would|going to|expected to|forecasts?|predicts?|projected|by 20\d\d)\b",
    re.IGNORECASE,
)
_OPINION = re.compile(
    r"\b(?:I think|I believe|we hope|I hope|I feel|in my view|should|ought to|must|we need|"
    r"let us|let's|imperative|terrible|wonderful|amazing)\b",
    re.IGNORECASE,
)
_SOURCED = re.compile(r"\b(?:according to|said|says|told|reported)\b", re.IGNORECASE)
_CITED = re.compile(
    r"\b(?:study|studies|report|survey|data|figures|statistics|census|poll|analysis|research)\b",
    re.IGNORECASE,
)
_PERSONAL = re.compile(r"\b(?:I|my|me|I've|I'm)\b")
_STATE_VERB = re.compile(
    r"\b(?:is|are|was|were|has|have|had|will|would|does|did|do)\b", re.IGNORECASE
)
_VERB_LIKE = re.compile(r"\b(?:is|are|was|were|has|have|had|will|would|does|did|\w{3,}ed)\b")
_ACTOR = re.compile(
    r"\b(?:mayor|minister|president|government|police|company|council|ministry|court|officials?|"
    r"agency|army|military|parliament|senate|congress|commission|authority|department|governor|"
    r"senator|spokes(?:man|woman|person)|party|union|bank|administration|regulator|prosecutors?|"
    r"factory|firm|school|hospital|university|city|state|board)\b",
    re.IGNORECASE,
)
_NO_COMMENT = re.compile(
    r"\b(?:declined to comment|did not respond|could not be reached|request for comment|"
    r"no comment)\b",
    re.IGNORECASE,
)
_NEGATED = re.compile(r"\b(?:not|never|no longer|n[’']t)\b", re.IGNORECASE)
_ENTITY = re.compile(r"(?<=[\w,;:]\s)[A-Z][a-z]+|\b[A-Z]{2,}\b")
_QUOTE_OPEN = '“"‘'
MAX_SENTENCE_CHARS = 1500
# "NEW YORK (Reuters) -", "WASHINGTON, March 3 (AP) —", "LONDON — ": a place in capitals,
# perhaps a date, perhaps an agency in brackets, then a dash, opening a paragraph.
_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z.'’-]+(?:\s[A-Z][A-Z.'’-]+){0,3})"
    r"(?:,\s[A-Z][\w.]*(?:\s\d{1,2})?(?:,\s\d{4})?)?"
    r"(?:\s\([^()]{1,40}\)|\s/[^/]{1,40}/)?\s?[-—–]{1,2}\s+"
)
_QUOTE_CLOSE = '”"’'


@dataclass(frozen=True)
class Rule:
    reason: str
    weight: float
    applies: Callable[[str, tuple[Quantity, ...], bool], bool]


def _has_measure(_s: str, q: tuple[Quantity, ...], _a: bool) -> bool:
    return any(x.kind not in ("year", "date") for x in q)


def _is_declarative(sentence: str) -> bool:
    ending = sentence.rstrip("”\"’' ")
    return ending.endswith(".") and len(sentence.split()) >= 6 and bool(_VERB_LIKE.search(sentence))


def _has_date(_s: str, q: tuple[Quantity, ...], _a: bool) -> bool:
    return any(x.kind in ("year", "date") for x in q)


RULES: tuple[Rule, ...] = (
    Rule("a number or quantity", 0.35, _has_measure),
    Rule("a year or date", 0.2, _has_date),
    Rule("a comparison", 0.12, lambda s, q, a: bool(_COMPARISON.search(s))),
    Rule("a named entity", 0.15, lambda s, q, a: bool(_ENTITY.search(s))),
    Rule("an attribution", 0.1, lambda s, q, a: a or bool(_SOURCED.search(s))),
    Rule("a cited source", 0.15, lambda s, q, a: bool(_CITED.search(s))),
    Rule("a causal phrase", 0.1, lambda s, q, a: bool(_CAUSAL.search(s))),
    Rule("a rule or law", 0.1, lambda s, q, a: bool(_RULE.search(s))),
    Rule("a statement of fact", 0.05, lambda s, q, a: bool(_STATE_VERB.search(s))),
    Rule("a declarative sentence", 0.2, lambda s, q, a: _is_declarative(s)),
    Rule("an institution or office", 0.1, lambda s, q, a: bool(_ACTOR.search(s))),
    Rule("a negation or denial", 0.1, lambda s, q, a: bool(_NEGATED.search(s))),
    Rule("a no-comment line", -0.3, lambda s, q, a: bool(_NO_COMMENT.search(s))),
    Rule("a question", -0.35, lambda s, q, a: s.rstrip("”\"’' ").endswith("?")),
    Rule("an opinion or appeal", -0.15, lambda s, q, a: bool(_OPINION.search(s))),
    Rule("too short to check", -0.3, lambda s, q, a: len(s.split()) < 6),
)
BASE_SCORE = 0.1
RULES_THRESHOLD = 0.4  # for the rule score, when no model file ships
# Lines news has and debates never had, so the model never learned them: they cap the score.
VETOES = ("a no-comment line",)
VETO_CAP = 0.05

_CLAIM_TYPES: tuple[tuple[str, Callable[[str, tuple[Quantity, ...], bool], bool]], ...] = (
    ("voting/record", lambda s, q, a: bool(_VOTING.search(s))),
    ("rule/law", lambda s, q, a: bool(_RULE.search(s))),
    ("personal experience", lambda s, q, a: bool(_PERSONAL.search(s)) and not a),
    ("prediction", lambda s, q, a: bool(_PREDICTION.search(s))),
    ("causal", lambda s, q, a: bool(_CAUSAL.search(s))),
    ("comparison", lambda s, q, a: bool(_COMPARISON.search(s)) and bool(q)),
    ("quantity", lambda s, q, a: _has_measure(s, q, a)),
    ("quote of a position", lambda s, q, a: a),
)


def score_sentence(
    sentence: str, quantities: tuple[Quantity, ...], attributed: bool
) -> tuple[float, tuple[str, ...]]:
    """Check-worthiness in [0, 1] and what drove it."""
    score = BASE_SCORE
    reasons = []
    for rule in RULES:
        if rule.applies(sentence, quantities, attributed):
            score += rule.weight
            reasons.append(rule.reason if rule.weight > 0 else f"not: {rule.reason}")
    return max(0.0, min(1.0, round(score, 3))), tuple(reasons)


def checkworthiness(
    sentence: str, quantities: tuple[Quantity, ...], attributed: bool
) -> tuple[float, tuple[str, ...]]:
    """The learned model's probability when the model ships, else the rule score; with the rules
    that fired and the words that weighed most, as the explanation."""
    rule_score, reasons = score_sentence(sentence, quantities, attributed)
    model = load_model()
    if model is None:
        return rule_score, reasons
    # the model learned from sentences without speaker context
    model_reasons = score_sentence(sentence, quantities, False)[1] if attributed else reasons
    features = featurize(sentence, model_reasons)
    probability = model.probability(features)
    if any(f"not: {veto}" in reasons for veto in VETOES):
        probability = min(probability, VETO_CAP)
    learned = tuple(f for f in model.top_features(features) if f not in reasons)
    return round(probability, 3), reasons + learned


def claim_type_of(sentence: str, quantities: tuple[Quantity, ...], attributed: bool) -> str:
    for name, applies in _CLAIM_TYPES:
        if applies(sentence, quantities, attributed):
            return name
    return "other"


def _quote_state(sentence: str, open_before: bool) -> tuple[bool, bool]:
    """(is the sentence quoted, is a quote still open after it)."""
    opens = sum(sentence.count(c) for c in "“‘") + (sentence.count('"') + 1) // 2
    closes = sum(sentence.count(c) for c in "”") + sentence.count('"') // 2
    quoted = open_before or sentence.lstrip()[:1] in _QUOTE_OPEN or "“" in sentence
    depth = (1 if open_before else 0) + opens - closes
    return quoted, depth > 0


def default_threshold() -> float:
    model = load_model()
    return model.threshold if model else RULES_THRESHOLD


def is_anchored(sentence: str, quantities: tuple[Quantity, ...]) -> bool:
    """States an amount, or denies something in a full sentence: what contradictions hang on."""
    if any(q.kind not in ("year", "date", "number") for q in quantities):
        return True
    return bool(_NEGATED.search(sentence)) and _is_declarative(sentence)


def extract_claims(
    article: ArticleText,
    *,
    publication: str | None,
    threshold: float | None = None,
    keep_anchored: bool = True,
    deadline: Deadline = NO_DEADLINE,
    speaker_model: str = DEFAULT_SPEAKER_MODEL,
) -> list[ClaimDraft]:
    """Score every sentence of the article; keep those at or above the threshold, and (unless
    told not to) those that state a quantity or a negation. Sentences longer than
    MAX_SENTENCE_CHARS (a run-on list, a page's worth of text without a full stop) are skipped.
    Speakers come from a parse with `speaker_model` (a spaCy pipeline, or "none"), then from
    the hand-written patterns."""
    cutoff = default_threshold() if threshold is None else threshold
    pipeline = load_pipeline(speaker_model)
    tracker = SpeakerTracker()
    drafts: list[ClaimDraft] = []
    previous_quoted: list[int] = []
    open_quote_speaker: str | None = None  # whose quote runs on into the next paragraph
    paragraphs = [strip_dateline(p) for p in article.paragraphs]
    split = [[s if is_claim_shaped(s) else "" for s in split_sentences(p)] for p in paragraphs]
    deadline.check("extracting claims (parsing sentences)")
    docs = iter(parse_cued(pipeline, [s for sentences in split for s in sentences]))
    for p_index, paragraph in enumerate(article.paragraphs):
        deadline.check(f"extracting claims (paragraph {p_index + 1} of {len(article.paragraphs)})")
        sentences = split[p_index]
        parsed = [next(docs) for _ in sentences]
        credit = dash_credit(paragraph, tracker)
        if credit:
            _credit_previous(drafts, previous_quoted, credit)
            previous_quoted = []
            continue
        tracker.learn_titled_names(paragraphs[p_index])
        found, open_quote_speaker = _sentence_speakers(
            sentences, parsed, tracker, open_quote_speaker
        )
        drafts_here, previous_quoted = _paragraph_claims(
            p_index, sentences, found, publication, cutoff, keep_anchored, len(drafts)
        )
        drafts.extend(drafts_here)
    return drafts


def strip_dateline(paragraph: str) -> str:
    """The paragraph without a wire dateline ("NEW YORK (Reuters) - ") in front."""
    match = _DATELINE.match(paragraph)
    if match is None or len(match[0]) > 80:
        return paragraph
    plain_hyphen = "(" not in match[0] and not any(dash in match[0] for dash in "—–")
    if plain_hyphen and sum(c.isalpha() for c in match[0].split(",")[0]) < 4:
        return paragraph  # "US - China talks": a short word and a hyphen are no dateline
    rest = paragraph[match.end() :]
    return rest if rest[:1].isupper() or rest[:1] in '“"‘' else paragraph


def is_claim_shaped(sentence: str) -> bool:
    """Not too long to be one claim, and not an aside in brackets ("(Graphic: ...)",
    "(Reporting by ...)"), which is page furniture."""
    if len(sentence) > MAX_SENTENCE_CHARS:
        return False
    stripped = sentence.strip()
    return not (stripped.startswith(("(", "[")) and stripped.endswith((")", "]", ").", "].")))


def _sentence_speakers(
    sentences: Sequence[str],
    parsed: Sequence[Doc | None],
    tracker: SpeakerTracker,
    continued: str | None = None,
) -> tuple[list[tuple[str | None, bool]], str | None]:
    """(speaker, quoted) for each sentence: quoted sentences borrow the paragraph's speaker,
    or, in a paragraph that opens by continuing a quote left open by the previous one (news
    style: no closing mark, a new opening mark), that quote's speaker. Also whose quote is still
    open at the end of this paragraph."""
    own: list[str | None] = []
    quoted: list[bool] = []
    continues = (
        continued is not None
        and sentences[:1] != [""]
        and (next((s for s in sentences if s), "").lstrip()[:1] in _QUOTE_OPEN)
    )
    open_quote = False
    for sentence, doc in zip(sentences, parsed, strict=True):
        is_quoted, open_quote = _quote_state(sentence, open_quote)
        quoted.append(is_quoted)
        from_parse = syntactic_speaker(doc, tracker) if doc is not None else None
        own.append(from_parse or attributed_speaker(sentence, tracker))
    paragraph_speaker = next((s for s in own if s), None)
    if paragraph_speaker is None and continues:
        paragraph_speaker = continued
    speakers = [
        (speaker or (paragraph_speaker if is_quoted else None), is_quoted)
        for speaker, is_quoted in zip(own, quoted, strict=True)
    ]
    return speakers, (paragraph_speaker if open_quote else None)


def _paragraph_claims(
    p_index: int,
    sentences: Sequence[str],
    speakers: Sequence[tuple[str | None, bool]],
    publication: str | None,
    threshold: float,
    keep_anchored: bool,
    offset: int,
) -> tuple[list[ClaimDraft], list[int]]:
    drafts: list[ClaimDraft] = []
    unattributed: list[int] = []
    for s_index, (sentence, (speaker, _quoted)) in enumerate(zip(sentences, speakers, strict=True)):
        if not sentence:
            continue
        quantities = extract_quantities(sentence)
        score, reasons = checkworthiness(sentence, quantities, speaker is not None)
        if score < threshold and not (keep_anchored and is_anchored(sentence, quantities)):
            continue
        if speaker is None:
            unattributed.append(offset + len(drafts))
        drafts.append(
            ClaimDraft(
                paragraph_index=p_index,
                sentence_index=s_index,
                text=sentence,
                speaker=speaker or publication,
                quantities=quantities,
                polarity=polarity_of(sentence),
                checkworthiness=score,
                reasons=reasons,
                frame=build_frame(sentence, quantities, speaker),
                claim_type=claim_type_of(sentence, quantities, speaker is not None),
            )
        )
    return drafts, unattributed


def _credit_previous(drafts: list[ClaimDraft], indexes: Sequence[int], speaker: str) -> None:
    for index in indexes:
        draft = drafts[index]
        drafts[index] = replace(
            draft, speaker=speaker, frame=build_frame(draft.text, draft.quantities, speaker)
        )


def most_checkworthy(drafts: Sequence[ClaimDraft], limit: int) -> list[ClaimDraft]:
    """The `limit` highest-scoring drafts (earlier ones first among equals), in article order."""
    if len(drafts) <= limit:
        return list(drafts)
    ranked = sorted(range(len(drafts)), key=lambda i: (-drafts[i].checkworthiness, i))
    return [drafts[i] for i in sorted(ranked[:limit])]
