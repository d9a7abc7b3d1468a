from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.records import FetchedDocument
from tasks.errors import ParseError
from tasks.reading.parse import parse_document, parse_html, parse_plain_text
from tests.conftest import FIXTURES

BOILERPLATE = (
    "Advertisement",
    "Share this article",
    "newsletter",
    "Most read",
    "cookies",
    "Related",
    "Read more",
    "Subscribe",
    "comment",
    "Registered in England",
)


def load(name: str):
    path = FIXTURES / "articles" / name
    kind = "text/plain" if name.endswith(".txt") else "text/html"
    return parse_document(FetchedDocument(str(path), path.as_uri(), path.read_bytes(), kind))


def test_json_ld_graph_metadata_and_story_text():
    article = load("01-valley-post-reservoir.html")
    assert article.title == "Reservoir levels fall as drought deepens"
    assert article.author == "Priya Natarajan"
    assert article.published_at == datetime(2023, 7, 3, 7, 0, tzinfo=UTC)
    assert article.canonical_url == "https://valley-post.example/2023/07/03/reservoir-drought"
    assert article.site_name == "The Valley Post"
    assert article.language == "en-GB"
    assert len(article.paragraphs) == 5
    assert article.paragraphs[0].startswith("Water levels at the Kestrel Dale reservoir")


@pytest.mark.parametrize(
    "name",
    [
        "01-valley-post-reservoir.html",
        "02-northern-herald-hosepipe.html",
        "03-valley-post-correction.html",
    ],
)
def test_boilerplate_is_dropped(name):
    text = "\n".join(load(name).paragraphs)
    for phrase in BOILERPLATE:
        assert phrase.lower() not in text.lower(), phrase


def test_meta_tags_byline_and_og_url():
    article = load("02-northern-herald-hosepipe.html")
    assert article.canonical_url == "https://northern-herald.example/news/hosepipe-ban-ruled-out"
    assert article.author == "Tom Ellery"  # from the visible byline
    assert article.site_name == "Northern Herald"
    assert article.published_at is not None and article.published_at.day == 5


def test_plain_text_paragraphs_and_capital_lines():
    article = load("04-plain-wire.txt")
    assert len(article.paragraphs) == 2
    assert all("ADVERTISEMENT" not in p for p in article.paragraphs)


def test_wrapped_plain_text_is_joined():
    text = (
        "The council met on Monday and agreed\nto build a new school for 400 pupils.\n\n"
        "Second paragraph is here and it is long enough."
    )
    article = parse_plain_text(text, "file:///x.txt")
    assert (
        article.paragraphs[0]
        == "The council met on Monday and agreed to build a new school for 400 pupils."
    )


def test_empty_page_is_a_parse_error():
    with pytest.raises(ParseError):
        parse_html("<html><body><nav>Home</nav></body></html>", "https://example.org/x")


@given(
    st.text(max_size=400)
    | st.lists(
        st.sampled_from(
            [
                "<p>",
                "</p>",
                "<div class='ad'>",
                "</div>",
                "<article>",
                "<script>",
                "{",
                "<meta",
                "content='x'>",
                "Text with 20 km.",
                "<h1>",
                "&amp;",
                "<!--",
                "-->",
                "<br>",
                "\x00",
                "“",
            ]
        ),
        max_size=60,
    ).map("".join)
)
@settings(max_examples=200, deadline=None)
def test_arbitrary_html_never_crashes(html):
    try:
        article = parse_html(html, "https://example.org/page")
    except ParseError:
        return
    assert all(isinstance(p, str) and p for p in article.paragraphs)


def test_double_line_breaks_end_paragraphs():
    html = (
        "<html><body><nav>Home | News</nav><div class='text'>"
        "The council will spend $12 million on new schools, the mayor said.<br><br>"
        "Critics said the plan would raise taxes by 4% next year.<br/>\n<br/>"
        "The vote is due in May 2025, with a line<br>break inside.</div></body></html>"
    )
    assert parse_html(html, "https://example.org/a").paragraphs == (
        "The council will spend $12 million on new schools, the mayor said.",
        "Critics said the plan would raise taxes by 4% next year.",
        "The vote is due in May 2025, with a line break inside.",
    )


def test_ads_and_related_links_inside_the_article_are_dropped():
    html = (
        "<html><body><article><p>The plant employs 1,200 people and exports to 14 countries.</p>"
        "<div class='ad-container'><p>Buy cheap flights now! Save 40% on all routes.</p></div>"
        "<p>Its owner plans to hire 300 more workers in 2025, a statement said.</p>"
        "<div class='related-articles'><p>Read more: Owner buys rival firm for $2 billion</p></div>"
        "</article></body></html>"
    )
    assert parse_html(html, "https://example.org/b").paragraphs == (
        "The plant employs 1,200 people and exports to 14 countries.",
        "Its owner plans to hire 300 more workers in 2025, a statement said.",
    )


def test_loose_text_beside_a_headline_becomes_paragraphs():
    html = (
        "<html><body><header>Site</header><article><h1>Flood</h1>Rivers rose by 2 metres "
        "overnight, <b>officials</b> said.<p>Schools will stay closed on Monday, the council "
        "said.</p>Roads north of the town remain shut to all traffic tonight.</article>"
        "<aside>Related: other news</aside></body></html>"
    )
    assert parse_html(html, "https://example.org/c").paragraphs == (
        "Rivers rose by 2 metres overnight, officials said.",
        "Schools will stay closed on Monday, the council said.",
        "Roads north of the town remain shut to all traffic tonight.",
    )


def test_disclaimers_banners_and_forms_are_never_the_story():
    furniture = [
        "This article contains affiliate links; we may earn a commission on purchases.",
        "We use cookies to improve your experience. Accept all cookies to continue.",
        "Your email address will not be published. Required fields are marked *",
        "Thank you for your message. We will get back to you within two days.",
    ]
    story = "The council said the Kestrel Dale bridge will cost $450 million to build by 2027."
    html = "<html><body><article>" + "".join(f"<p>{p}</p>" for p in [*furniture, story])
    article = parse_html(html + "</article></body></html>", "https://example.org/a")
    assert article.paragraphs == (story,)


def test_pages_in_common_news_layouts_are_read_whole():
    """Live blog, gallery, comments, paywall teaser, AMP, React comment markers, div paragraphs,
    another language, cookie banner: scripts/make_fixture_pages.py writes them."""
    from tasks.evaluation.extraction import load_pages, ours, shingle_counts

    for page in load_pages(FIXTURES / "pages"):
        _, false_positive, false_negative = shingle_counts(page.expected, ours(page.html, page.url))
        assert false_positive == 0 and false_negative == 0, page.key
