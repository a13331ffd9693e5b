import datetime
import re
from pathlib import Path

import pytest

from speeches import citations, reading
from speeches.models import Paragraph, Speaker, Speech
from tests.factories import make_speaker, make_speech, make_venue

pytestmark = pytest.mark.django_db

CSS = Path(__file__).resolve().parents[1] / "static" / "css" / "archive.css"
ACCESSED = datetime.date(2026, 11, 27)
URL = "https://archive.example/speeches/2023/06/28/video-address/"
SOURCE = "http://en.kremlin.ru/events/president/news/71522"


@pytest.fixture
def forum():
    putin = make_speaker()
    speech = make_speech(
        "Video address to\xa0the\xa0final session of\xa0the\xa010th Forum of\xa0Russian and\xa0Belarusian Regions",
        datetime.date(2023, 6, 28),
        kind=Speech.Kind.ADDRESS,
        venue=make_venue("Ufa"),
        slug="video-address",
        source_url=SOURCE,
        paragraphs=[("President of Russia Vladimir Putin", "Friends,"), "I am happy to welcome the participants."],
        speaker=putin,
    )
    return speech


def texts(speech, speakers, paragraph=None):
    return {c.style: str(c.text) for c in citations.cite(speech, speakers, URL, ACCESSED, paragraph=paragraph)}


def test_citations_of_a_speech_name_its_source_and_the_archive_where_it_was_read(forum):
    cited = texts(forum, [Speaker.objects.get()])
    title = "Video address to the final session of the 10th Forum of Russian and Belarusian Regions"
    assert cited["APA"] == (
        f"Putin, V. (2023, June 28). <i>{title}</i> [Transcript of address]. President of Russia. {SOURCE}."
        f" Retrieved November 27, 2026, from Speech archive: {URL}"
    )
    assert cited["Chicago"] == (
        f"Putin, Vladimir. “{title}.” Address, Ufa, June 28, 2023. President of Russia. {SOURCE}."
        f" Accessed November 27, 2026, via Speech archive, {URL}."
    )
    assert cited["MLA"] == (
        f"Putin, Vladimir. “{title}.” <i>President of Russia</i>, 28 June 2023, {SOURCE}."
        f" <i>Speech archive</i>, {URL}. Accessed 27 Nov. 2026."
    )
    assert cited["BibTeX"] == (
        "@misc{putin2023video,\n"
        "  author = {Putin, Vladimir},\n"
        f"  title = {{{title}}},\n"
        "  year = {2023},\n"
        "  month = jun,\n"
        "  howpublished = {Address, Ufa},\n"
        "  organization = {President of Russia},\n"
        f"  url = {{{SOURCE}}},\n"
        "  urldate = {2026-11-27},\n"
        f"  note = {{Read in Speech archive: {URL}}}\n"
        "}"
    )


def test_citations_of_one_paragraph_name_its_speaker_and_link_its_anchor(forum):
    lukyanov = Speaker(name="Fyodor Lukyanov")
    paragraph = Paragraph(position=2, text="x")
    cited = texts(forum, [Speaker.objects.get(), lukyanov], paragraph=paragraph)
    title = "Video address to the final session of the 10th Forum of Russian and Belarusian Regions"
    assert cited["APA"] == (
        f"Putin, V., &amp; Lukyanov, F. (2023, June 28). <i>{title}</i> [Transcript of address, paragraph 2]."
        f" President of Russia. {SOURCE}. Retrieved November 27, 2026, from Speech archive: {URL}#p2"
    )
    assert cited["Chicago"] == (
        f"Putin, Vladimir, and Fyodor Lukyanov. “{title}.” Address, Ufa, June 28, 2023, par. 2. President of Russia."
        f" {SOURCE}. Accessed November 27, 2026, via Speech archive, {URL}#p2."
    )
    assert cited["MLA"] == (
        f"Putin, Vladimir, and Fyodor Lukyanov. “{title}.” <i>President of Russia</i>, 28 June 2023, par. 2,"
        f" {SOURCE}. <i>Speech archive</i>, {URL}#p2. Accessed 27 Nov. 2026."
    )
    assert cited["BibTeX"].startswith("@misc{putin2023video_p2,\n  author = {Putin, Vladimir and Lukyanov, Fyodor},")
    assert f"  url = {{{SOURCE}}},\n" in cited["BibTeX"]
    assert cited["BibTeX"].endswith(f"  note = {{Paragraph 2. Read in Speech archive: {URL}\\#p2}}\n}}")


def test_citations_of_a_speech_without_a_source_cite_the_archive(forum):
    forum.source_url = ""
    cited = texts(forum, [Speaker.objects.get()], paragraph=Paragraph(position=2, text="x"))
    title = "Video address to the final session of the 10th Forum of Russian and Belarusian Regions"
    assert cited["APA"] == (
        f"Putin, V. (2023, June 28). <i>{title}</i> [Transcript of address, paragraph 2]. Speech archive."
        f" Retrieved November 27, 2026, from {URL}#p2"
    )
    assert cited["Chicago"] == (
        f"Putin, Vladimir. “{title}.” Address, Ufa, June 28, 2023, par. 2. Speech archive."
        f" Accessed November 27, 2026. {URL}#p2."
    )
    assert cited["MLA"] == (
        f"Putin, Vladimir. “{title}.” <i>Speech archive</i>, 28 June 2023, par. 2, {URL}#p2. Accessed 27 Nov. 2026."
    )
    assert "  organization = {Speech archive},\n" in cited["BibTeX"]
    assert f"  url = {{{URL}#p2}},\n" in cited["BibTeX"]
    assert cited["BibTeX"].endswith("  note = {Paragraph 2}\n}")


@pytest.mark.parametrize(
    "source, site",
    [
        ("http://en.kremlin.ru/events/president/news/17976", "President of Russia"),
        ("http://kremlin.ru/events/president/news/76862", "Президент России"),
        ("https://www.example.org/speeches/1", "example.org"),
    ],
)
def test_citations_name_the_site_that_published_the_source(forum, source, site):
    forum.source_url = source
    cited = texts(forum, [Speaker.objects.get()])
    assert f"[Transcript of address]. {site}. {source}. Retrieved" in cited["APA"]
    assert f"<i>{site}</i>, 28 June 2023, {source}." in cited["MLA"]


def test_citations_without_a_known_speaker_start_with_the_title():
    speech = make_speech("Statement on 50% & more_{x}", datetime.date(2024, 3, 1), kind=Speech.Kind.STATEMENT)
    cited = texts(speech, [])
    assert cited["APA"].startswith(
        "<i>Statement on 50% &amp; more_{x}</i> [Transcript of statement]. (2024, March 1). President of Russia."
    )
    assert cited["Chicago"].startswith("“Statement on 50% &amp; more_{x}.” Statement, March 1, 2024.")
    assert cited["MLA"].startswith("“Statement on 50% &amp; more_{x}.” <i>President of Russia</i>, 1 Mar. 2024,")
    assert "  title = {Statement on 50\\% \\& more\\_\\{x\\}},\n" in cited["BibTeX"]
    assert cited["BibTeX"].startswith("@misc{speech2024statement,")


def test_citations_of_many_speakers_shorten_where_the_style_says():
    names = [Speaker(name=n) for n in ["Vladimir Putin", "Fyodor Lukyanov", "Sergei Lavrov", "Dmitry Peskov"]]
    cited = texts(make_speech("Meeting", datetime.date(2024, 9, 1)), names)
    assert cited["APA"].startswith("Putin, V., Lukyanov, F., Lavrov, S., &amp; Peskov, D. (2024, September 1).")
    assert cited["Chicago"].startswith("Putin, Vladimir, et al. “Meeting.”")
    assert cited["MLA"].startswith("Putin, Vladimir, et al. “Meeting.”")


def test_speech_page_offers_citations_and_a_paragraph_cite_form(client, forum):
    html = client.get(forum.get_absolute_url()).content.decode()
    assert "<summary>Cite this address</summary>" in html
    assert (
        "<dt>APA</dt>" in html and "<dt>Chicago</dt>" in html and "<dt>MLA</dt>" in html and "<dt>BibTeX</dt>" in html
    )
    assert "Putin, V. (2023, June 28). <i>Video address to the final session" in html
    assert 'Permanent address: <a href="http://testserver/speeches/2023/06/28/video-address/">' in html
    assert '<form class="cite__paragraph" method="get" action="/speeches/2023/06/28/video-address/cite/">' in html
    assert '<div class="transcript" lang="en" data-cite="/speeches/2023/06/28/video-address/cite/">' in html
    # Four citations for the speech, none repeated for each paragraph.
    assert html.count("<dt>APA</dt>") == 1


def test_cite_page_for_one_paragraph_quotes_it_and_cites_its_anchor(client, forum):
    response = client.get("/speeches/2023/06/28/video-address/cite/", {"p": 2})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1>Cite paragraph 2 of “<span lang="en">Video address to' in html
    assert "<p>I am happy to welcome the participants.</p>" in html
    assert f"[Transcript of address, paragraph 2]. President of Russia. {SOURCE}. Retrieved" in html
    assert "from Speech archive: http://testserver/speeches/2023/06/28/video-address/#p2" in html
    assert 'Permanent address: <a href="http://testserver/speeches/2023/06/28/video-address/#p2">' in html
    assert '<a href="/speeches/2023/06/28/video-address/#p2">Back to the address, paragraph 2</a>' in html


def test_cite_page_for_a_paragraph_that_does_not_exist_says_so(client, forum):
    response = client.get("/speeches/2023/06/28/video-address/cite/", {"p": 9})
    assert response.status_code == 404
    assert "This address has no paragraph 9; its paragraphs are numbered 1 to 2." in response.content.decode()


def test_cite_page_rejects_a_paragraph_that_is_not_a_number(client, forum):
    response = client.get("/speeches/2023/06/28/video-address/cite/", {"p": "two"})
    assert response.status_code == 400
    assert "The paragraph must be given as a number, e.g. 5." in response.content.decode()
    assert client.get("/speeches/2023/06/28/video-address/cite/", {"p": "0"}).status_code == 400


def test_cite_page_of_a_draft_is_not_found(client):
    draft = make_speech("Draft", datetime.date(2023, 1, 5), status=Speech.Status.DRAFT)
    assert client.get(draft.get_absolute_url() + "cite/").status_code == 404


def test_print_stylesheet_is_linked_for_print_and_the_page_carries_its_address(client, forum):
    html = client.get(forum.get_absolute_url()).content.decode()
    assert '<link rel="stylesheet" href="/static/css/print.css" media="print">' in html
    assert '<p class="print-only">Permanent address: http://testserver/speeches/2023/06/28/video-address/</p>' in html
    assert re.search(r"<dt>Venue</dt><dd><a [^>]+>Ufa</a>", html)


@pytest.fixture
def pair():
    english = make_speech(
        "Address to the Federal Assembly",
        datetime.date(2024, 2, 29),
        paragraphs=[("Vladimir Putin", "Good afternoon."), "First point.", "Second point."],
    )
    russian = make_speech(
        "Послание Федеральному Собранию",
        datetime.date(2024, 2, 29),
        language="ru",
        paragraphs=[("Владимир Путин", "Добрый день."), "Первое.", "Второе.", "Третье."],
    )
    english.translation = russian
    english.save()
    russian.refresh_from_db()
    return english, russian


def test_side_by_side_pairs_paragraphs_by_position(client, pair):
    english, russian = pair
    url = english.get_absolute_url() + "side-by-side/"
    response = client.get(url)
    assert response.status_code == 200
    assert [(left and left.text, right and right.text) for left, right in response.context["rows"]] == [
        ("Good afternoon.", "Добрый день."),
        ("First point.", "Первое."),
        ("Second point.", "Второе."),
        (None, "Третье."),
    ]
    html = response.content.decode()
    rows = re.findall(r'<div class="parallel__row" role="row" id="p(\d)">(.*?)</div>\s*</div>', html, re.S)
    assert [n for n, _ in rows] == ["1", "2", "3", "4"]
    first = rows[0][1]
    assert re.search(r'<div role="cell" class="parallel__cell" lang="en">.*Good afternoon\.', first, re.S)
    assert re.search(r'<div role="cell" class="parallel__cell" lang="ru">.*Добрый день\.', first, re.S)
    assert first.index("Good afternoon.") < first.index("Добрый день.")
    assert f'href="{russian.get_absolute_url()}#p4"' in html


def test_side_by_side_from_the_other_language_puts_it_first(client, pair):
    english, russian = pair
    rows = client.get(russian.get_absolute_url() + "side-by-side/").context["rows"]
    assert (rows[0][0].text, rows[0][1].text) == ("Добрый день.", "Good afternoon.")
    assert rows[3][1] is None


def test_speech_page_links_the_side_by_side_view(client, pair):
    english, _ = pair
    html = client.get(english.get_absolute_url()).content.decode()
    assert f'<a href="{english.get_absolute_url()}side-by-side/">Both side by side</a>' in html


def test_side_by_side_needs_a_published_translation(client, pair):
    english, russian = pair
    russian.status = Speech.Status.DRAFT
    russian.save()
    assert client.get(english.get_absolute_url() + "side-by-side/").status_code == 404
    alone = make_speech("Alone", datetime.date(2024, 3, 1))
    assert client.get(alone.get_absolute_url() + "side-by-side/").status_code == 404


def test_side_by_side_renders_in_constant_queries(client, django_assert_max_num_queries, pair):
    english, _ = pair
    # The speech with its translation, each one's speakers, each one's paragraphs.
    with django_assert_max_num_queries(5):
        response = client.get(english.get_absolute_url() + "side-by-side/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Second point." in html and "Третье." in html  # both transcripts, not an error page


def _luminance(colour):
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a, b):
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_every_colour_scheme_has_strong_contrast():
    css = CSS.read_text()
    for scheme in reading.BY_NAME["colours"].values:
        block = re.search(r'\[data-colours="' + scheme + r'"\] \{(.*?)\}', css, re.S).group(1)
        colours = dict(re.findall(r"--([a-z-]+): (#[0-9a-f]{6})", block))
        for background in ("bg", "accent-bg"):
            assert _contrast(colours["fg"], colours[background]) >= 7, (scheme, background)
            assert _contrast(colours["link"], colours[background]) >= 7, (scheme, background)
            assert _contrast(colours["muted"], colours[background]) >= 7, (scheme, background)
        # Outlines and control borders are not text: WCAG asks 3:1 of them.
        assert _contrast(colours["focus"], colours["bg"]) >= 3, scheme
        assert _contrast(colours["rule"], colours["bg"]) >= 3, scheme
