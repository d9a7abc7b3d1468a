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
    "tram": (
        "Tram extension delayed by two years",
        [
            "The extension of the Harlow Bay tram line to the airport will open in 2029, two years later than planned, the transport authority said on Monday.",
            "Its cost has risen to £412 million from the £305 million approved in 2021, mainly because of a longer tunnel under the rail yards.",
            "The authority blamed ground conditions that surveys had not found and a shortage of tunnelling crews.",
            "Opposition councillors called for an independent review of the project's budget.",
            "About 9,000 passengers a day are expected to use the new stretch in its first year.",
        ],
    ),
    "school": (
        "Fewer pupils, fewer schools: board plans three mergers",
        [
            "The Brackwater education board has proposed merging six primary schools into three after pupil numbers fell by 14% in a decade.",
            "The board said 1,100 places were empty across the district, costing about £2.6 million a year to keep.",
            "Parents at Fenwick Road primary have started a petition against the plan, saying their children would face a 40-minute walk.",
            "A public consultation will run until the end of March, and a final decision is due in June.",
        ],
    ),
    "harbour": (
        "Harbour dredging finds wartime mine",
        [
            "Navy divers made safe a German mine found by dredgers in Kestrel harbour on Saturday, the coastguard said.",
            "The mine, thought to date from 1941, held about 300 kilograms of explosive.",
            "About 200 homes near the quay were evacuated for six hours while the divers worked.",
            "The harbour master said dredging would resume on Wednesday after a survey of the channel.",
        ],
    ),
    "budget": (
        "Council budget: what it means for you",
        [
            "Council tax in Eastmarch will rise by 4.99% from April, the maximum allowed without a local vote.",
            "A band D household will pay £2,140 a year, up £102.",
            "The council says it faces a £31 million gap over three years, driven by the cost of adult social care.",
            "Libraries will keep their opening hours, but two recycling centres will close on Mondays.",
            "The budget was approved by 38 votes to 21 on Wednesday evening.",
        ],
    ),
    "marathon": (
        "Record field for city marathon",
        [
            "A record 21,400 runners took part in the Millbridge marathon on Sunday, organisers said.",
            "The men's race was won by Tomas Eriksen in 2 hours 9 minutes, a course record.",
            "Organisers said the event had raised more than £3 million for local charities.",
            "Two runners were treated in hospital for heat exhaustion as temperatures reached 24C.",
        ],
    ),
    "fromage": (
        "La production de fromage recule de 8 % dans la vallée",
        [
            "La production de fromage de la vallée de l'Arve a reculé de 8 % l'an dernier, selon la chambre d'agriculture.",
            "Les éleveurs expliquent cette baisse par la sécheresse de l'été, qui a réduit la quantité de fourrage.",
            "Le prix du lait payé aux producteurs a pourtant augmenté de 5 % sur la même période.",
            "La coopérative prévoit d'investir 2 millions d'euros dans une nouvelle cave d'affinage.",
        ],
    ),
    "bruecke": (
        "Sanierung der Rheinbrücke kostet 40 Millionen Euro mehr",
        [
            "Die Sanierung der alten Rheinbrücke in Kestrelheim wird rund 40 Millionen Euro teurer als geplant, teilte das Verkehrsministerium am Dienstag mit.",
            "Die Gesamtkosten steigen damit auf 185 Millionen Euro.",
            "Grund seien Schäden an den Pfeilern, die erst bei den Bauarbeiten entdeckt worden seien.",
            "Die Brücke soll nun Ende 2028 wieder für den Verkehr freigegeben werden.",
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


def wire_copy(title: str, paragraphs: list[str]) -> tuple[str, list[str]]:
    first = f"HARLOW, Jan 14 (Kestrel Wire) - {paragraphs[0]}"
    credit = "<p>(Reporting by Tom Reyes; Editing by Lena Fox)</p>"
    body = (
        f"<main><article><h1>{title}</h1><p class='byline'>By Tom Reyes</p>"
        f"<p>{first}</p>{ps(paragraphs[1:])}{credit}</article>{RELATED}</main>"
    )
    return page(title, body), [first, *paragraphs[1:]]


def subheadings(title: str, paragraphs: list[str]) -> tuple[str, list[str]]:
    heading = "What happens next"
    body = (
        f"<article><h1>{title}</h1>{ps(paragraphs[:2])}<h2>{heading}</h2>"
        f"{ps(paragraphs[2:])}</article>"
    )
    return page(title, body), [*paragraphs[:2], heading, *paragraphs[2:]]


def embeds_and_read_more(title: str, paragraphs: list[str]) -> str:
    tweet = (
        '<blockquote class="twitter-tweet"><p lang="en">Huge thanks to everyone who turned out '
        'today! <a href="https://t.example/x">pic.example/abc</a></p>&mdash; Run Millbridge '
        "(@runmillbridge)</blockquote>"
    )
    read_more = '<p class="read-more">Read more: <a href="/x">Road closures for race day</a></p>'
    body = (
        f"<article><h1>{title}</h1>{ps(paragraphs[:2])}{read_more}{tweet}"
        f"{ps(paragraphs[2:])}</article>"
    )
    return page(title, body)


def pull_quote(title: str, paragraphs: list[str]) -> str:
    quote = f'<aside class="pullquote"><p>{paragraphs[2]}</p></aside>'
    body = f"<article><h1>{title}</h1>{ps(paragraphs[:2])}{quote}{ps(paragraphs[2:])}</article>"
    return page(title, body)


def json_ld_only(title: str, paragraphs: list[str]) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": title,
        "articleBody": "\n".join(paragraphs),
    }
    head = f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'
    body = '<div id="root"><div class="spinner">Loading…</div></div>'
    return page(title, body, head)


def br_paragraphs(title: str, paragraphs: list[str]) -> str:
    text = "<br><br>".join(paragraphs)
    body = f'<div class="wrapper"><h1>{title}</h1><div class="text">{text}</div></div>{RELATED}'
    return page(title, body)


def table_layout(title: str, paragraphs: list[str]) -> str:
    menu = "".join(f'<a href="/s{i}">Section {i}</a><br>' for i in range(1, 9))
    story = "".join(f"<p><font face='Arial'>{p}</font></p>" for p in paragraphs)
    body = (
        f"<table width='100%'><tr><td class='nav' width='20%'>{menu}</td>"
        f"<td class='story'><b>{title}</b>{story}</td></tr></table>"
    )
    return page(title, body)


def french(title: str, paragraphs: list[str]) -> str:
    body = f"<main><article><h1>{title}</h1>{ps(paragraphs)}</article></main>"
    return page(title, body, lang="fr")


def german(title: str, paragraphs: list[str]) -> str:
    blocks = ps(paragraphs)
    body = (
        f'<div class="artikel"><h1>{title}</h1><div class="artikel-text">{blocks}</div></div>'
        '<div class="teaser"><p>Mehr zum Thema: Verkehr</p></div>'
    )
    return page(title, body, lang="de")


def interview(title: str, paragraphs: list[str]) -> tuple[str, list[str]]:
    lines = []
    for i, p in enumerate(paragraphs):
        question = f"Q: What does the figure in point {i + 1} mean for readers?"
        lines += [question, f"A: {p}"]
    body = "".join(f"<p><strong>{line[:2]}</strong>{line[2:]}</p>" for line in lines)
    return page(title, f"<article><h1>{title}</h1>{body}</article>"), lines


def most_read_sidebar(title: str, paragraphs: list[str]) -> str:
    most_read = "".join(
        f'<li><a href="/m{i}">A long headline about another story on the site, number {i}, '
        f"that readers clicked on today</a></li>"
        for i in range(12)
    )
    body = (
        f'<div class="page"><div class="story-body"><h1>{title}</h1>{ps(paragraphs)}</div>'
        f'<div class="sidebar"><h3>Most read</h3><ol>{most_read}</ol></div></div>'
    )
    return page(title, body)


def fact_list(title: str, paragraphs: list[str]) -> tuple[str, list[str]]:
    facts = ["Opening: 2029", "Cost: £412 million", "Daily passengers: about 9,000"]
    items = "".join(f"<li>{f}</li>" for f in facts)
    body = (
        f"<article><h1>{title}</h1>{ps(paragraphs[:2])}<ul class='key-facts'>{items}</ul>"
        f"{ps(paragraphs[2:])}</article>"
    )
    return page(title, body), [*paragraphs[:2], *facts, *paragraphs[2:]]


def ads_between(title: str, paragraphs: list[str]) -> str:
    ad = (
        '<div class="ad-slot"><p class="ad-label">Advertisement</p></div>'
        '<p class="ad-note">Story continues below advertisement</p>'
    )
    body = f"<article><h1>{title}</h1>" + ad.join(f"<p>{p}</p>" for p in paragraphs) + "</article>"
    return page(title, body)


def author_bio(title: str, paragraphs: list[str]) -> str:
    bio = (
        '<div class="author-bio"><p>Anna Lowe is the Courier\'s education correspondent. She '
        "has covered schools in the region since 2015 and previously worked for the Brackwater "
        "Echo.</p><p>Follow her on social media.</p></div>"
    )
    body = f"<main><article><h1>{title}</h1>{ps(paragraphs)}{bio}</article></main>"
    return page(title, body)


def nested_app(title: str, paragraphs: list[str]) -> str:
    mega_menu = "".join(
        f'<div class="menu-col"><p>Explore our {topic} coverage, with the latest news, '
        f"analysis and opinion from our reporters across the region.</p></div>"
        for topic in ("politics", "business", "sport", "culture")
    )
    blocks = "".join(
        f'<section class="block"><div class="inner"><div><p>{p}</p></div></div></section>'
        for p in paragraphs
    )
    body = (
        f'<div id="app"><nav class="mega">{mega_menu}</nav><div class="layout"><div class="col">'
        f"<h1>{title}</h1>{blocks}</div></div></div>"
    )
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
    "11-wire-copy-credits": ("tram", wire_copy),
    "12-subheadings": ("school", subheadings),
    "13-embeds-read-more": ("marathon", embeds_and_read_more),
    "14-pull-quote": ("harbour", pull_quote),
    "15-json-ld-only": ("budget", json_ld_only),
    "16-br-paragraphs": ("harbour", br_paragraphs),
    "17-table-layout": ("marathon", table_layout),
    "18-french": ("fromage", french),
    "19-german": ("bruecke", german),
    "20-interview": ("budget", interview),
    "21-most-read-sidebar": ("school", most_read_sidebar),
    "22-fact-list": ("tram", fact_list),
    "23-ads-between": ("census", ads_between),
    "24-author-bio": ("school", author_bio),
    "25-nested-app": ("storm", nested_app),
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
