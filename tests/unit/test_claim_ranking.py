"""The fact-check ranker on a small collection written for the test."""

from tasks.matching.claim_ranking import ClaimRanker, VerifiedClaim, clean_post, ranking_tokens

COLLECTION = [
    VerifiedClaim(
        "dam",
        "The Lowfield dam holds 18 billion litres of water.",
        "Does the dam hold 18bn litres?",
    ),
    VerifiedClaim(
        "bridge", "The Harbour Bridge toll rose to $9 in 2021.", "Did the bridge toll rise?"
    ),
    VerifiedClaim(
        "vaccine", "A vaccine trial in Norway was halted after 12 deaths.", "Was a trial halted?"
    ),
    VerifiedClaim(
        "bees", "Bee colonies fell by half in Ontario since 2010.", "Are Ontario bees vanishing?"
    ),
    VerifiedClaim(
        "moon", "The moon landing footage was filmed in a studio.", "Was the landing staged?"
    ),
    VerifiedClaim(
        "tax", "The mayor cut the property tax by 4 percent.", "Did the mayor cut taxes?"
    ),
]


def test_posts_are_cleaned_of_links_and_bylines():
    post = (
        "Huge news about the dam! https://t.co/abc pic.twitter.com/xyz "
        "— Jo Bloggs (@jobloggs) May 3, 2021"
    )
    assert clean_post(post) == "Huge news about the dam!"
    assert ranking_tokens("The bridges were closed in 2021") == ranking_tokens(
        "bridge closing 2021"
    )


def test_the_fact_check_a_post_is_about_ranks_first():
    ranker = ClaimRanker(COLLECTION)
    cases = {
        "wow, Lowfield dam apparently holds 18 billion litres?? #water": "dam",
        "They halted the Norway vaccine trial after 12 people died. Why the silence": "vaccine",
        "Ontario has lost half of its bee colonies since 2010, scientists say": "bees",
        "The mayor cut property tax by 4%, finally": "tax",
    }
    for post, expected in cases.items():
        ranked = ranker.rank(post)
        assert ranked[0][0].id == expected, (post, ranked[:3])
        assert ranked[0][1] >= ranked[-1][1]


def test_a_pair_about_the_same_claim_scores_above_an_unrelated_pair():
    ranker = ClaimRanker(COLLECTION)
    post = "The Harbour Bridge toll went up to $9 in 2021, outrageous"
    same = "Did the bridge toll rise? The Harbour Bridge toll rose to $9 in 2021."
    other = "Was the landing staged? The moon landing footage was filmed in a studio."
    assert ranker.pair_score(post, same) > ranker.pair_score(post, other)
    assert ranker.same_claim(post, same)
    assert not ranker.same_claim(post, other)
