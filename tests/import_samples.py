"""Hand-written transcript samples in each source format, built from templates."""

import datetime

NBSP = "\u00a0"

PAGE = """<!DOCTYPE html>
<html lang="en">
<head> <meta charset="utf-8"/> <title itemprop="name">{title} • President of Russia</title>
<meta name="keywords" content="{keywords}"/> <meta itemprop="inLanguage" content="en"/>
<meta property="og:title" content="{title}"/>
<meta property="og:url" content="http://en.kremlin.ru/events/president/news/{id}"/>
<link rel="stylesheet" href="../../../../static/css/screen.css%3Fd9293862f7.css"/>
<link rel="alternate" hreflang="ru" href="http://kremlin.ru/events/president/news/{id}"/>
</head>
<body>
<header><nav><ul><li><a href="../../../../index.html">President</a></li>
<li><a href="../by-date/15.12.2012.html">News</a></li><li>Events</li></ul></nav>
<p>Official website of the President of Russia</p></header>
<div class="read" data-href="http://en.kremlin.ru/events/president/news/{id}">
<div class="read__close_wrapper"><a href="{id}.html#" class="read__close" title="Press Esc to close"><i></i></a></div>
<article class="read__in hentry h-entry" id="event-{id}">
<div class="read__content"><div class="read__top"><div class="width_limiter">
<a href="http://en.kremlin.ru/events/president/news" class="read__categ" rel="category">Events</a>
<h1 class="entry-title p-name" itemprop="name">{title}</h1>
<div class="read__lead entry-summary p-summary" itemprop="description">{lead}</div>
<div class="read__meta">{date_markup} {time_markup} {place_markup}<meta itemprop="inLanguage" content="en"/></div>
</div></div>
<div class="entry-content e-content read__internal_content" itemprop="articleBody">
{body}
<div class="read__bottommeta hidden-copy"><div class="width_limiter">
<div class="read__tags masha-ignore"><div class="read__tagscol"><h3>Geography</h3><ul class="read__taglist">
<li><a href="../../../../catalog/regions/CR/events.html" rel="tag">Republic of{nbsp}Crimea</a></li></ul></div>
<div class="read__tagscol"><h3>Topics</h3><ul class="read__taglist">
<li><a href="#" rel="tag">Armed Forces</a></li></ul></div></div>
<div class="read__status masha-ignore"><h3>Publication status</h3>
<p>Published in sections: <a href="http://en.kremlin.ru/events/president/news">News</a>, Transcripts</p></div>
</div></div>
</div></div></article></div>
<footer><p>All content on this site is licensed under Creative Commons Attribution 4.0 International</p></footer>
</body></html>
"""

TOOLTIP = (
    '<a href="../../../../catalog/persons/119/events.html" class="person_tag read__tag">{name}'
    '<span class="read__tooltip tooltip_person hidden masha-ignore"> <span class="tooltip__close"><i></i></span>'
    '<span class="tooltip__image"><img src="x.jpg" alt="{reversed}"></span> <span class="tooltip__text">'
    '<span class="tooltip_title tooltip_link" data-href="/catalog/persons/119/events">{reversed}</span>'
    '<span class="tooltip_description_dark">President of the Republic of Belarus</span></span></span></a>'
)

PHOTOS = (
    '<div class="slider masha-ignore"><div class="slider__item"><img src="p.jpg" alt="Photo caption text">'
    '<p>With Alexander Lukashenko. Photo caption</p></div><div class="slider__prev" role="button"><i></i></div></div>'
)

VIDEO = (
    '<div class="media__container media__container_video u-video masha-ignore"><div class="media__video">'
    '<video id="video-1"><source type="video/mp4" src="v.mp4"></video>'
    '<a href="55882.html#" class="media__videolink" title="Play video"><i></i></a></div>'
    '<div class="video__description masha-ignore">Video of the meeting</div></div>'
)

SEE_ALSO = (
    '<div class="read__cut read__cut_full_size masha-ignore"><div class="cut"><h3 class="cut__title">See also</h3>'
    '<a href="http://en.kremlin.ru/events/president/transcripts/17169" class="cut__item">Press statement</a>'
    "</div></div>"
)


def kremlin_page(
    *,
    id="70001",
    title=f"Meeting with President of{NBSP}Belarus Alexander Lukashenko",
    date=datetime.date(2020, 1, 9),
    time="18:00",
    place=f"The{NBSP}Kremlin, Moscow",
    lead="<div><p>Vladimir\nPutin met with Alexander Lukashenko in the\u00a014<sup>th</sup> round.</p></div>",
    keywords="News ,Transcripts ,President",
    body="<p>Text.</p>",
    announcement=None,
):
    if date:
        date_markup = (
            f'<time class="read__published" datetime="{date.isoformat()}" itemprop="datePublished">'
            f"{date:%B} {date.day}, {date.year}</time>"
        )
    else:
        date_markup = f'<div class="announce_date"><i></i>{announcement}</div>' if announcement else ""
    return PAGE.format(
        id=id,
        title=title,
        keywords=keywords,
        lead=lead,
        date_markup=date_markup,
        time_markup=f'<div class="read__time">{time}</div>' if time else "",
        place_markup=f'<div class="read__place p-location"><i></i>{place}</div>' if place else "",
        body=body,
        nbsp=NBSP,
    )


# A body with every oddity the saved pages show.
ODD_BODY = f"""{VIDEO}
<p>Vladimir Putin held talks with {TOOLTIP.format(name="Alexander Lukashenko", reversed="Lukashenko Alexander")}
in{NBSP}the{NBSP}Kremlin.</p>
{PHOTOS}
<p><b>* * *</b></p>
<p><b>Beginning of{NBSP}meeting with Alexander Lukashenko </b></p>
<p><b>President\nof{NBSP}Russia Vladimir Putin:</b> Mr Lukashenko, friends,</p>
<p>It is the{NBSP}21<sup>st</sup> meeting of{NBSP}this kind, with
{TOOLTIP.format(name="Mr Lukashenko", reversed="Lukashenko Alexander")} here.</p>
{SEE_ALSO}
<p><i>(Applause.)</i></p>
<p><b>Alexander Lukashenko</b>: Thank you, Mr{NBSP}President.</p>
<p><b>Vladimir\nPutin: </b>Please go ahead.</p>
<p>* * *</p>
<p><b>Question:</b> What will you discuss?</p>
<p><b>Vladimir Putin</b>: Everything.</p>
<blockquote><p>A quoted passage, read out.</p></blockquote>
"""
