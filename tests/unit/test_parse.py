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


STORY_PARAGRAPHS = (
    "The harbour board approved a 12 million pound dredging plan on Tuesday evening.",
    "Work on the northern channel is due to start in the spring of next year.",
)


def test_an_xhtml_page_that_declares_its_encoding_is_read():
    body = "".join(f"<p>{p}</p>" for p in STORY_PARAGRAPHS)
    html = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Dredging</title></head>'
        f"<body><article>{body}</article></body></html>"
    )
    article = parse_html(html, "https://example.org/x")
    assert article.paragraphs == STORY_PARAGRAPHS
    assert article.title == "Dredging"


def test_metadata_in_the_body_counts_and_the_head_comes_first():
    body = "".join(f"<p>{p}</p>" for p in STORY_PARAGRAPHS)
    html = (
        '<html><head><meta name="author" content="Head Writer"></head><body>'
        "<h1></h1><h1>Dredging plan approved</h1><article itemscope>"
        '<meta itemprop="datePublished" content="2024-03-05T10:00:00Z">'
        '<meta name="author" content="Body Writer">'
        f"{body}</article></body></html>"
    )
    article = parse_html(html, "https://example.org/x")
    assert article.published_at == datetime(2024, 3, 5, 10, 0, tzinfo=UTC)
    assert article.author == "Head Writer"
    assert article.title == "Dredging plan approved"  # the first headline with words


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


# Known gaps, kept visible: each still reads at F1 >= 0.85 (`claimtrack eval extraction
# tests/fixtures/pages` prints the totals against trafilatura).
KNOWN_GAPS = {
    "12-subheadings": "a short subheading is dropped with other scraps under 25 characters",
    "13-embeds-read-more": "an embedded social post's text is kept as story",
    "22-fact-list": "short list items ('Cost: £412 million') are dropped as scraps",
}


def test_pages_in_common_news_layouts_are_read_whole():
    """25 layouts (live blog, gallery, comments, paywall, AMP, React markers, div and <br>
    paragraphs, tables, JSON-LD only, app-rendered sections, other languages...):
    scripts/make_fixture_pages.py writes them."""
    from tasks.evaluation.extraction import load_pages, ours, shingle_counts

    pages = load_pages(FIXTURES / "pages")
    assert len(pages) >= 25
    for page in pages:
        right, false_positive, false_negative = shingle_counts(
            page.expected, ours(page.html, page.url)
        )
        if page.key in KNOWN_GAPS:
            assert 2 * right / (2 * right + false_positive + false_negative) >= 0.85, page.key
        else:
            assert false_positive == 0 and false_negative == 0, page.key


def test_where_the_story_was_found_is_said():
    story = "".join(
        f"<p>The council said the bridge would cost ${n} million to repair by 2027.</p>"
        for n in range(3, 7)
    )
    marked = parse_html(f"<html><body><article>{story}</article></body></html>", "https://e.org/a")
    assert marked.story_source == "marked"
    loose = parse_html(f"<html><body><div>{story}</div></body></html>", "https://e.org/b")
    assert loose.story_source == "densest block"
    shell = (
        '<html><head><script type="application/ld+json">{"@type": "NewsArticle", '
        '"articleBody": "The council said the bridge would cost $4 million to repair."}</script>'
        '</head><body><div id="root">Loading…</div></body></html>'
    )
    from_ld = parse_html(shell, "https://e.org/c")
    assert from_ld.story_source == "json-ld"
    assert from_ld.paragraphs == ("The council said the bridge would cost $4 million to repair.",)


def test_a_story_split_into_one_box_per_paragraph_is_gathered():
    paragraphs = [
        f"Paragraph {n}: the council said the bridge would cost ${n} million to repair."
        for n in range(1, 7)
    ]
    sections = "".join(f"<section><div><div><p>{p}</p></div></div></section>" for p in paragraphs)
    html = f"<html><body><div id='app'><div class='col'>{sections}</div></div></body></html>"
    assert parse_html(html, "https://e.org/d").paragraphs == tuple(paragraphs)


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("Watchdog groups said the ferry fares had risen by 40% in two years.", True),
        ("Related costs rose by 12% last year, the council said.", True),
        ("Subscribers to the service grew by 20% in a year.", True),
        ("Listen to the Courier live at 12:45 and 17:45 weekdays", False),
        ("Related: Council tax set to rise again this year", False),
        ("(Reporting by Tom Reyes; Editing by Lena Fox)", False),
        ("Copyright 2025 Kestrel Courier Ltd and partners", False),
    ],
)
def test_prompts_and_credits_are_told_from_news(line, kept):
    from tasks.reading.paragraphs import is_story_paragraph

    assert is_story_paragraph(line) is kept
