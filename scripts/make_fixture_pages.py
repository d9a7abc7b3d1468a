# ruff: noqa: E501  (the stories are data: one sentence a line)
"""Write tests/fixtures/pages/: news pages in the layouts news sites use, built from short
stories written for claimtrack, with the expected story text in ground-truth.json (the format of
the Article Extraction Benchmark, so `claimtrack eval extraction tests/fixtures/pages` scores
them). Run again after editing a story or a layout."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "pages"

STORIES = {
    "ferry": (
        "Ferry fares to rise 12% from April",
        [
            "Fares on the Kestrel Sound ferry will rise by 12% from April, the operator said on Tuesday, the largest increase since the route opened in 1998.",
            "A single crossing for a car and driver will cost £48, up from £43, while foot passengers will pay £9.50.",
            "The operator blamed fuel costs, which it said had doubled in two years, and a new agreement with crew that raises wages by 6%.",
            "Islanders' groups said the rise would hit families who rely on the crossing for school and hospital visits.",
            "“People here have no other way to reach the mainland,” said Morag Innes, who chairs the Kestrel Isles Community Council.",
            "The regional transport authority said it would review the subsidy it pays the operator, currently £3.2 million a year.",
        ],
    ),
    "clinic": (
        "Night clinic closes after funding row",
        [
            "The only overnight walk-in clinic in Harlow Bay will close at the end of the month after the health board declined to renew its funding.",
            "The clinic saw about 14,000 patients last year, according to figures released by the board, most of them between midnight and 6 a.m.",
            "Board members said the service cost £1.1 million a year and that patients could use the hospital's emergency department instead.",
            "Doctors at the hospital warned that waiting times, already above four hours on most nights, would grow.",
            "A petition to save the clinic has gathered more than 9,000 signatures in a week.",
        ],
    ),
    "storm": (
        "Storm Brenna: live updates",
        [
            "Winds of up to 110 km/h are expected on the west coast tonight as Storm Brenna moves inland, forecasters said.",
            "About 23,000 homes are without power in the northern districts, the grid operator said in its latest update.",
            "All rail services between Glenmoor and Ashby have been suspended until at least 10 a.m. on Wednesday.",
            "The coastguard said it had rescued two people from a yacht that lost its mast near Fennick Point.",
            "Schools in three counties will stay closed on Wednesday, the education department confirmed.",
        ],
    ),
    "vineyard": (
        "A dry summer leaves growers counting the cost",
        [
            "Growers in the Aldane valley harvested 30% fewer grapes this year after the driest summer on record, the regional wine council said.",
            "Rainfall between June and August was 41 millimetres, less than a quarter of the long-term average.",
            "Some growers picked three weeks earlier than usual to save what fruit they could.",
            "The council said yields had fallen in four of the last six years and urged the government to fund irrigation reservoirs.",
            "Prices for the new vintage are expected to rise, merchants said, though quality is reported to be high.",
        ],
    ),
    "stadium": (
        "Stadium plan wins approval despite objections",
        [
            "Councillors in Brackwater approved a 28,000-seat stadium on the old gasworks site by nine votes to four on Thursday night.",
            "The club says the project will cost £210 million and create 600 permanent jobs once the ground opens in 2028.",
            "Residents' groups objected that the area's roads could not cope with match-day traffic and that no new station was planned.",
            "The planning report said the club had agreed to pay £4 million towards a bus link and to cap parking at 1,500 spaces.",
            "The decision can still be called in by the national planning inspectorate.",
        ],
    ),
    "library": (
        "La biblioteca municipal reabre tras dos años de obras",
        [
            "La biblioteca municipal de Villaclara reabrió el lunes tras dos años de obras que costaron 3,4 millones de euros, según el ayuntamiento.",
            "El edificio, construido en 1927, cuenta ahora con una sala infantil y 60 puestos de estudio nuevos.",
            "La alcaldesa, Carmen Ruiz, dijo que la biblioteca abrirá también los domingos por la mañana.",
            "Durante las obras, los préstamos se trasladaron a un local provisional que recibió unas 200 visitas diarias.",
        ],
    ),
    "tariff": (
        "Water bills to climb as utility seeks record investment",
        [
            "Household water bills in the Eastmarch region will rise by an average of £86 a year from 2026 under plans approved by the regulator.",
            "The increase will pay for a £2.3 billion programme to cut sewage spills, which reached 41,000 last year according to the utility's own monitoring.",
            "The regulator said it had trimmed the company's request by about a fifth.",
            "Campaigners said customers were paying twice for pipes that should already have been fixed.",
            "The utility said the average bill would still be below the national average.",
        ],
    ),
    "census": (
        "Census shows town's population grew by a tenth",
        [
            "The population of Millbridge grew by 10.4% between the last two censuses, to 48,300 people, the statistics office said.",
            "Most of the growth came from people moving from the capital, where house prices are three times as high.",
            "The number of residents over 65 rose by almost a third, while the number of children fell slightly.",
            "The town council said it would use the figures to plan two new primary schools.",
        ],
    ),
}

CHROME_TOP = """<header class="site-header"><a href="/" class="logo">The Kestrel Courier</a>
<nav class="main-nav"><ul><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li>
<li><a href="/business">Business</a></li><li><a href="/opinion">Opinion</a></li></ul></nav></header>"""
CHROME_BOTTOM = """<footer class="site-footer"><p>© 2025 Kestrel Courier Ltd. All rights reserved.</p>
<ul><li><a href="/privacy">Privacy policy</a></li><li><a href="/terms">Terms and conditions</a></li>
<li><a href="/contact">Contact us</a></li></ul></footer>"""
RELATED = """<aside class="related"><h3>More from News</h3><ul>
<li><a href="/a">Council tax set to rise for third year running</a></li>
<li><a href="/b">Police appeal after harbour break-in</a></li>
<li><a href="/c">New cycle lane opens on the coast road</a></li></ul></aside>"""


def ps(paragraphs: list[str]) -> str:
    return "\n".join(f"<p>{p}</p>" for p in paragraphs)


def page(title: str, body: str, head: str = "", lang: str = "en") -> str:
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title} | Kestrel '
        f"Courier</title>{head}</head><body>{CHROME_TOP}{body}{CHROME_BOTTOM}</body></html>"
    )


def plain(title: str, paragraphs: list[str]) -> str:
    byline = '<div class="byline">By Anna Lowe, Transport correspondent</div>'
    body = f"<main><article><h1>{title}</h1>{byline}{ps(paragraphs)}</article>{RELATED}</main>"
    return page(title, body)


def live_blog(title: str, paragraphs: list[str]) -> str:
    posts = "".join(
        f'<div class="live-post"><time datetime="2025-01-14T{18 + i:02d}:00">{18 + i}:00</time>'
        f'<div class="live-post__body"><p>{p}</p></div><div class="share-tools">'
        f'<a href="#">Share</a></div></div>'
        for i, p in enumerate(reversed(paragraphs))
    )
    body = f'<main><h1>{title}</h1><div class="live-feed">{posts}</div></main>'
    return page(title, body)


def gallery(title: str, paragraphs: list[str]) -> str:
    figures = [
        f'<figure><img src="/img/{i}.jpg" alt=""><figcaption>Photo {i}: growers at work in '
        f"the valley. Credit: K. Moss</figcaption></figure>"
        for i in range(1, 4)
    ]
    half = len(paragraphs) // 2
    body = (
        f"<article><h1>{title}</h1>{figures[0]}{ps(paragraphs[:half])}"
        f"{''.join(figures[1:])}{ps(paragraphs[half:])}</article>"
    )
    return page(title, body)


def with_comments(title: str, paragraphs: list[str]) -> str:
    comments = "".join(
        f'<li class="comment"><span class="author">reader{i}</span><p>I think this is a '
        f"disgrace and the council should resign, everyone I know agrees with me.</p></li>"
        for i in range(4)
    )
    body = (
        f"<article><h1>{title}</h1>{ps(paragraphs)}</article>"
        f'<section id="comments"><h2>42 comments</h2><ol>{comments}</ol>'
        f'<form class="comment-form"><p>Your email address will not be published. Required '
        f"fields are marked *</p><textarea></textarea><button>Post comment</button></form>"
        f"</section>"
    )
    return page(title, body)


def paywall(title: str, paragraphs: list[str]) -> str:
    teaser = paragraphs[:3]
    body = (
        f'<article><h1>{title}</h1><div class="article-body">{ps(teaser)}</div>'
        f'<div class="paywall"><h3>Subscribe to keep reading</h3><p>Get unlimited access to '
        f"the Kestrel Courier for just £1 a week. Cancel any time.</p>"
        f'<a class="button" href="/subscribe">Subscribe now</a></div></article>'
    )
    return page(title, body), teaser


def amp(title: str, paragraphs: list[str]) -> str:
    body = (
        f'<article><h1>{title}</h1><amp-img src="/i.jpg" width="600" height="400" '
        f'layout="responsive"></amp-img>{ps(paragraphs[:2])}<amp-ad width="300" height="250" '
        f'type="doubleclick"><div placeholder>Advertisement</div></amp-ad>{ps(paragraphs[2:])}'
        f"</article>"
    )
    head = '<link rel="canonical" href="https://kestrel-courier.example/news/water-bills">'
    return page(title, body, head).replace("<html ", "<html amp ")


def react(title: str, paragraphs: list[str]) -> str:
    def marked(text: str) -> str:
        words = text.split(" ")
        return " ".join(
            w[: len(w) // 2] + "<!-- -->" + w[len(w) // 2 :] if i % 5 == 2 and len(w) > 3 else w
            for i, w in enumerate(words)
        )

    blocks = "".join(
        f'<div class="css-1x2y3z" data-component="text-block"><span>{marked(p)}</span></div>'
        for p in paragraphs
    )
    body = (
        f'<div id="__next"><main><div class="css-a1b2"><h1>{title}</h1>{blocks}</div></main></div>'
    )
    head = '<script id="__NEXT_DATA__" type="application/json">{"props":{}}</script>'
    return page(title, body, head)


def div_story(title: str, paragraphs: list[str]) -> str:
    blocks = "".join(f'<div class="story-text">{p}</div>' for p in paragraphs)
    newsletter = (
        '<div class="newsletter-signup"><p>Sign up to our morning briefing and get the day\'s '
        'top stories in your inbox.</p><input type="email"><button>Sign up</button></div>'
    )
    body = f'<div class="content"><h1>{title}</h1>{blocks}{newsletter}</div>{RELATED}'
    return page(title, body)


def foreign(title: str, paragraphs: list[str]) -> str:
    body = f"<main><article><h1>{title}</h1>{ps(paragraphs)}</article></main>"
    return page(title, body, lang="es")


def cookie_banner(title: str, paragraphs: list[str]) -> str:
    banner = (
        '<div class="cmp-container"><p>We use cookies to give you the best experience on our '
        "website. By continuing you agree to our cookie policy.</p><button>Accept all "
        "cookies</button></div>"
    )
    disclaimer = (
        "<p><em>This article contains affiliate links; we may earn a commission on "
        "purchases.</em></p>"
    )
    body = f"{banner}<article><h1>{title}</h1>{disclaimer}{ps(paragraphs)}</article>"
    return page(title, body)


LAYOUTS: dict[str, tuple[str, Callable[..., object]]] = {
    "01-plain-article": ("ferry", plain),
    "02-live-blog": ("storm", live_blog),
    "03-gallery-captions": ("vineyard", gallery),
    "04-comments": ("clinic", with_comments),
    "05-paywall-teaser": ("stadium", paywall),
    "06-amp": ("tariff", amp),
    "07-react-comment-markers": ("census", react),
    "08-div-paragraphs": ("ferry", div_story),
    "09-spanish": ("library", foreign),
    "10-cookie-banner-disclaimer": ("clinic", cookie_banner),
}


def main() -> None:
    (OUT / "html").mkdir(parents=True, exist_ok=True)
    truth = {}
    for name, (story, layout) in LAYOUTS.items():
        title, paragraphs = STORIES[story]
        made = layout(title, paragraphs)
        html, expected = made if isinstance(made, tuple) else (made, paragraphs)
        if layout is live_blog:
            expected = list(reversed(paragraphs))
        (OUT / "html" / f"{name}.html").write_text(str(html), encoding="utf-8")
        truth[name] = {
            "articleBody": "\n".join(expected),
            "url": f"https://kestrel-courier.example/{name}",
        }
    (OUT / "ground-truth.json").write_text(
        json.dumps(truth, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"wrote {len(truth)} pages to {OUT}")


if __name__ == "__main__":
    main()
