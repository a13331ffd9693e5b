import datetime
import html
import re

import pytest

from speeches.importers import kremlin_html
from speeches.importers.base import ParsedTag, ParseError
from speeches.models import Paragraph, Speaker, Speech
from tests.corpus import CORPUS
from tests.import_samples import NBSP, ODD_BODY, kremlin_page

pytestmark = pytest.mark.django_db


def paragraphs_of(page):
    return [(p.kind, p.speaker_label, p.text) for p in kremlin_html.read(page.encode()).paragraphs]


def test_kremlin_page_metadata_read_from_its_elements():
    speech = kremlin_html.read(kremlin_page(id="62558", body=ODD_BODY).encode())

    assert speech.title == f"Meeting with President of{NBSP}Belarus Alexander Lukashenko"
    assert speech.date == datetime.date(2020, 1, 9)
    assert speech.time == datetime.time(18, 0)
    assert speech.venue == f"The{NBSP}Kremlin, Moscow"
    assert speech.lead == f"Vladimir Putin met with Alexander Lukashenko in the{NBSP}14th round."
    assert speech.source_url == "http://en.kremlin.ru/events/president/news/62558"
    assert speech.source_id == "62558"
    assert speech.language == "en"
    assert speech.translation_url == "http://kremlin.ru/events/president/news/62558"
    assert speech.sections == ["News", "Transcripts", "President"]
    assert speech.tags == {
        "Geography": [ParsedTag(f"Republic of{NBSP}Crimea", "regions", "CR")],
        "Topics": [ParsedTag("Armed Forces")],
    }
    assert speech.kind == Speech.Kind.MEETING


def test_kremlin_page_body_without_chrome_tooltips_photos_or_video():
    assert paragraphs_of(kremlin_page(body=ODD_BODY)) == [
        ("speech", "", f"Vladimir Putin held talks with Alexander Lukashenko in{NBSP}the{NBSP}Kremlin."),
        ("separator", "", "* * *"),
        ("heading", "", f"Beginning of{NBSP}meeting with Alexander Lukashenko"),
        ("speech", f"President of{NBSP}Russia Vladimir Putin", "Mr Lukashenko, friends,"),
        ("speech", "", f"It is the{NBSP}21st meeting of{NBSP}this kind, with Mr Lukashenko here."),
        ("stage", "", "(Applause.)"),
        ("speech", "Alexander Lukashenko", f"Thank you, Mr{NBSP}President."),
        ("speech", "Vladimir Putin", "Please go ahead."),
        ("separator", "", "* * *"),
        ("speech", "Question", "What will you discuss?"),
        ("speech", "Vladimir Putin", "Everything."),
        ("speech", "", "A quoted passage, read out."),
    ]


def test_kremlin_page_label_spelled_across_bold_runs_and_a_line_break():
    body = "<p><b>Dmitry</b><br/><b>Medvedev</b>: Good afternoon.</p><p><strong>Sergei Lavrov:</strong>Yes.</p>"
    assert paragraphs_of(kremlin_page(body=body)) == [
        ("speech", "Dmitry Medvedev", "Good afternoon."),
        ("speech", "Sergei Lavrov", "Yes."),
    ]


def test_kremlin_page_bold_sentence_ending_in_colon_is_text_not_a_speaker():
    body = "<p><b>Prizes for young culture professionals have been awarded to:</b> five laureates.</p>"
    assert paragraphs_of(kremlin_page(body=body)) == [
        ("speech", "", "Prizes for young culture professionals have been awarded to: five laureates.")
    ]


def test_kremlin_page_label_alone_gives_its_turn_to_the_next_paragraph():
    body = "<p><b>Vladimir Putin:</b></p><p>Colleagues, good afternoon.</p><p>Let us begin.</p>"
    assert paragraphs_of(kremlin_page(body=body)) == [
        ("speech", "Vladimir Putin", "Colleagues, good afternoon."),
        ("speech", "", "Let us begin."),
    ]


def test_kremlin_page_inline_applause_stays_in_the_sentence():
    body = "<p>Thank you. <i>(Applause.)</i></p>"
    assert paragraphs_of(kremlin_page(body=body)) == [("speech", "", "Thank you. (Applause.)")]


def test_kremlin_announcement_without_published_date_takes_the_announced_day():
    page = kremlin_page(
        title="Vladimir Putin will meet with Government members",
        date=None,
        time=None,
        announcement="Announcement, December 14, 2012",
        body="<p>The President will meet with Government members.</p>",
    )
    speech = kremlin_html.read(page.encode())
    assert speech.date == datetime.date(2012, 12, 14)
    assert speech.time is None


def test_kremlin_page_without_any_date_is_read_with_no_date():
    page = kremlin_page(date=None, body="<p>Text.</p>")
    assert kremlin_html.read(page.encode()).date is None


def test_kremlin_page_invalid_utf8_byte_is_replaced_not_fatal():
    page = kremlin_page(body="<p>It was deXXlared open.</p>").encode().replace(b"XX", b"\xe3")
    assert paragraphs_of_bytes(page) == [("speech", "", "It was de\ufffdlared open.")]


def paragraphs_of_bytes(data):
    return [(p.kind, p.speaker_label, p.text) for p in kremlin_html.read(data).paragraphs]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b" \n", "The file is empty."),
        (
            b"<html><body><p>Just a page</p></body></html>",
            "No title found: this does not look like a kremlin.ru event page.",
        ),
        (
            b"<html><body><h1 class='entry-title'>A title</h1></body></html>",
            "No article text found: this does not look like a kremlin.ru event page.",
        ),
    ],
)
def test_kremlin_reader_rejects_what_is_not_an_event_page(data, message):
    with pytest.raises(ParseError) as raised:
        kremlin_html.read(data)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Presidential Address to the Federal Assembly", Speech.Kind.ADDRESS),
        ("Video address to the final session of the 10th Forum", Speech.Kind.ADDRESS),
        ("News conference following Russian-Chinese talks", Speech.Kind.NEWS_CONFERENCE),
        ("Interview to Financial Times", Speech.Kind.INTERVIEW),
        ("Press statements following Russian-Turkish talks", Speech.Kind.STATEMENT),
        ("Greetings to participants in the Games", Speech.Kind.MESSAGE),
        ("Speech at the opening ceremony", Speech.Kind.SPEECH),
        ("Meeting of the Valdai International Discussion Club", Speech.Kind.MEETING),
        ("Victory Day", Speech.Kind.OTHER),
        ("Обращение Президента Российской Федерации", Speech.Kind.ADDRESS),
        ("Российско-китайские переговоры", Speech.Kind.MEETING),
    ],
)
def test_kind_guessed_from_title(title, kind):
    from speeches.importers.base import guess_kind

    assert guess_kind(title) == kind


def test_kremlin_page_imported_with_speakers_resolved(tmp_path):
    from speeches.importers import import_paths

    (tmp_path / "70001.html").write_text(kremlin_page(body=ODD_BODY), encoding="utf-8")
    report = import_paths([tmp_path])

    assert report.summary() == "1 created, 0 updated, 0 unchanged, 0 skipped, 0 failed"
    speech = Speech.objects.get()
    rows = [(p.speaker_label, p.speaker.name if p.speaker else None) for p in speech.paragraphs.all()]
    assert rows == [
        ("", None),
        ("", None),
        ("", None),
        (f"President of{NBSP}Russia Vladimir Putin", "Vladimir Putin"),
        ("", "Vladimir Putin"),
        ("", None),
        ("Alexander Lukashenko", "Alexander Lukashenko"),
        ("Vladimir Putin", "Vladimir Putin"),
        ("", None),
        ("Question", None),
        ("Vladimir Putin", "Vladimir Putin"),
        ("", "Vladimir Putin"),
    ]
    assert Speaker.objects.get(name="Vladimir Putin").role == "President of Russia"
    assert sorted(s.name for s in speech.speakers.all()) == ["Alexander Lukashenko", "Vladimir Putin"]
    assert speech.venue.name == "The Kremlin, Moscow"
    assert Paragraph.objects.filter(speech=speech, kind="stage").get().text == "(Applause.)"


def test_kremlin_page_loose_text_and_lists_are_kept_in_order():
    body = (
        "Loose intro text.<p><b>Vladimir Putin:</b> Hi.</p><!-- a comment -->Trailing loose text <i>in italics</i>."
        "<ul><li>First point;</li><li>second point.</li></ul><hr/><div><b>Sergei Lavrov</b>: In a div.</div>"
        "<h3>Part two</h3><p><b>Vladimir Putin</b><b>:</b> Split bold.</p>"
    )
    assert paragraphs_of(kremlin_page(body=body)) == [
        ("speech", "", "Loose intro text."),
        ("speech", "Vladimir Putin", "Hi."),
        ("speech", "", "Trailing loose text in italics."),
        ("speech", "", "First point;"),
        ("speech", "", "second point."),
        ("speech", "Sergei Lavrov", "In a div."),
        ("heading", "", "Part two"),
        ("speech", "Vladimir Putin", "Split bold."),
    ]


def test_kremlin_announcement_with_only_a_lead_imports_it_as_its_text(tmp_path):
    from speeches.importers import import_paths

    page = kremlin_page(
        id="17000",
        title="Vladimir Putin will meet with Government members",
        date=None,
        time=None,
        announcement="Announcement, December 14, 2012",
        lead="<p>The meeting will discuss the budget.</p>",
    )
    start = page.index('<div class="entry-content')
    page = page[:start] + page[page.index('<div class="read__bottommeta') :]
    (tmp_path / "17000.html").write_text(page, "utf-8")

    assert import_paths([tmp_path]).summary() == "1 created, 0 updated, 0 unchanged, 0 skipped, 0 failed"
    speech = Speech.objects.get()
    assert (speech.date, speech.kind, list(speech.paragraphs.values_list("text", flat=True))) == (
        datetime.date(2012, 12, 14),
        Speech.Kind.MEETING,
        ["The meeting will discuss the budget."],
    )


def test_russian_kremlin_page_reads_in_russian_with_its_english_translation_link():
    page = (
        kremlin_page(
            id="17001",
            title="Совещание с членами Правительства",
            date=None,
            announcement="Анонс, 14 декабря 2012 года",
            body="<p><b>В.Путин:</b> Добрый день!</p><p><b>Д.Медведев</b>: Спасибо.</p>",
        )
        .replace('content="en"', 'content="ru"')
        .replace("http://en.kremlin.ru/events/president/news/17001", "http://kremlin.ru/events/president/news/17001")
        .replace('hreflang="ru" href="http://kremlin.ru/', 'hreflang="en" href="http://en.kremlin.ru/')
    )
    speech = kremlin_html.read(page.encode())
    assert (speech.language, speech.date, speech.kind, speech.source_url, speech.translation_url) == (
        "ru",
        datetime.date(2012, 12, 14),
        Speech.Kind.MEETING,
        "http://kremlin.ru/events/president/news/17001",
        "http://en.kremlin.ru/events/president/news/17001",
    )
    assert [(p.speaker_label, p.text) for p in speech.paragraphs] == [
        ("В.Путин", "Добрый день!"),
        ("Д.Медведев", "Спасибо."),
    ]


def test_english_and_russian_pages_of_one_event_are_linked_as_translations(tmp_path):
    from speeches.importers import import_paths

    english = kremlin_page(id="17001", body="<p>Good afternoon.</p>")
    russian = (
        kremlin_page(id="17001", title="Совещание", body="<p>Добрый день.</p>")
        .replace('content="en"', 'content="ru"')
        .replace("http://en.kremlin.ru/events/president/news/17001", "http://kremlin.ru/events/president/news/17001")
        .replace('hreflang="ru" href="http://kremlin.ru/', 'hreflang="en" href="http://en.kremlin.ru/')
    )
    (tmp_path / "en.html").write_text(english, "utf-8")
    (tmp_path / "ru.html").write_text(russian, "utf-8")

    assert import_paths([tmp_path]).summary() == "2 created, 0 updated, 0 unchanged, 0 skipped, 0 failed"
    en, ru = Speech.objects.get(language="en"), Speech.objects.get(language="ru")
    assert (en.translation, ru.translation) == (ru, en)
    assert import_paths([tmp_path]).summary() == "0 created, 0 updated, 2 unchanged, 0 skipped, 0 failed"


# Pages saved some other way lack some of the elements an event page usually has; each fallback below reads what
# such a page still carries. The pages are built bare, with only what each test is about.
def bare_page(
    *,
    head="",
    article='class="read__in"',
    inside="<div class='read__internal_content'><p>Text.</p></div>",
    outside="",
    lang="",
):
    lang_attribute = f' lang="{lang}"' if lang else ""
    head_markup = f"<head>{head}</head>" if head is not None else ""
    article_markup = f"<article {article}>{inside}</article>" if article is not None else inside
    return f"<html{lang_attribute}>{head_markup}<body>{outside}{article_markup}</body></html>".encode()


H1 = "<h1 class='entry-title'>The heading</h1>"


@pytest.mark.parametrize(
    ("head", "inside", "title"),
    [
        (
            "<meta property='og:title' content='The og title'/><title>The head title • President</title>",
            H1 + "<div class='read__internal_content'><p>Text.</p></div>",
            "The heading",
        ),
        (
            "<meta property='og:title' content='  The og title '/><title>The head title • President</title>",
            "<div class='read__internal_content'><p>Text.</p></div>",
            "The og title",
        ),
        (
            "<title>\n  The head\n title  • President of Russia • Events</title>",
            "<div class='read__internal_content'><p>Text.</p></div>",
            "The head title",
        ),
        (
            "<title>A title with no site name</title>",
            "<div class='read__internal_content'><p>Text.</p></div>",
            "A title with no site name",
        ),
    ],
    ids=["heading first", "then og:title", "then the head title before its site name", "or the whole head title"],
)
def test_kremlin_page_title_falls_back_from_heading_to_og_title_to_head_title(head, inside, title):
    assert kremlin_html.read(bare_page(head=head, inside=inside)).title == title


def test_kremlin_page_without_head_or_article_is_read_from_the_whole_document():
    page = bare_page(head=None, article=None, inside=H1 + "<div itemprop='articleBody'><p>Loose page.</p></div>")
    speech = kremlin_html.read(page)
    assert (speech.title, [p.text for p in speech.paragraphs], speech.source_url, speech.language, speech.sections) == (
        "The heading",
        ["Loose page."],
        "",
        "",
        [],
    )


def test_kremlin_page_whose_article_lacks_the_body_is_read_from_the_whole_document():
    page = bare_page(
        inside=H1 + "<p>Article without a body.</p>",
        outside="<div class='read__internal_content'><p>Body outside.</p></div>",
    )
    assert [p.text for p in kremlin_html.read(page).paragraphs] == ["Body outside."]


@pytest.mark.parametrize(
    ("head", "article", "source_url", "source_id"),
    [
        (
            "<meta property='og:url' content='http://en.kremlin.ru/events/president/news/101'/>"
            "<link rel='canonical' href='http://en.kremlin.ru/events/president/news/202'/>",
            "id='event-303'",
            "http://en.kremlin.ru/events/president/news/101",
            "101",
        ),
        (
            "<link rel='canonical' href='http://en.kremlin.ru/events/president/news/202.html'/>",
            "id='event-303'",
            "http://en.kremlin.ru/events/president/news/202.html",
            "202",
        ),
        (
            "<link rel='canonical' href='http://en.kremlin.ru/events/president/news/204/'/>",
            "",
            "http://en.kremlin.ru/events/president/news/204/",
            "204",
        ),
        (
            "<link rel='canonical' href='http://en.kremlin.ru/events/president/news/205.htm?print=1#top'/>",
            "",
            "http://en.kremlin.ru/events/president/news/205.htm?print=1#top",
            "205",
        ),
        ("", "id='event-303'", "", "303"),
        ("", "id='article-303'", "", ""),
        (
            "<link rel='canonical' href='http://en.kremlin.ru/events/president/news'/>",
            "id='event-303'",
            "http://en.kremlin.ru/events/president/news",
            "303",
        ),
        (
            "<link rel='canonical' href='http://en.kremlin.ru/events/president/news/206x'/>",
            "",
            "http://en.kremlin.ru/events/president/news/206x",
            "",
        ),
    ],
    ids=[
        "og:url first",
        "then canonical",
        "trailing slash",
        "query and fragment",
        "then the article's event id",
        "not an event id",
        "address without a number",
        "number not at the end",
    ],
)
def test_kremlin_page_address_and_catalogue_number_fall_back(head, article, source_url, source_id):
    speech = kremlin_html.read(bare_page(head="<title>T</title>" + head, article=article))
    assert (speech.source_url, speech.source_id) == (source_url, source_id)


ARTICLE_LANGUAGE = "class='read__in'><meta itemprop='inLanguage' content=' EN-gb '/"


@pytest.mark.parametrize(
    ("head", "article", "lang", "language"),
    [
        ("<meta itemprop='inLanguage' content='ru'/>", ARTICLE_LANGUAGE, "ru", "en"),
        ("<meta itemprop='inLanguage' content='RU'/>", "", "en", "ru"),
        ("", "", "ru-RU", "ru"),
        ("<meta property='og:url' content='http://en.kremlin.ru/events/president/news/1'/>", "", "", "en"),
        ("<meta property='og:url' content='http://kremlin.ru/events/president/news/1'/>", "", "", "ru"),
        ("<meta property='og:url' content='/events/president/news/1'/>", "", "", ""),
    ],
    ids=[
        "article's meta",
        "then the head's",
        "then the document's lang",
        "then an English host",
        "or a Russian one",
        "or none",
    ],
)
def test_kremlin_page_language_falls_back_from_metadata_to_the_host(head, article, lang, language):
    page = bare_page(head="<title>T</title>" + head, article=article or 'class="read__in"', lang=lang)
    assert kremlin_html.read(page).language == language


@pytest.mark.parametrize(
    ("language", "translation_url", "translation_id"),
    [
        ("en", "http://kremlin.ru/events/president/news/7", "7"),
        ("ru", "http://en.kremlin.ru/events/president/news/8", "8"),
    ],
)
def test_kremlin_page_translation_is_the_alternate_in_the_other_language(language, translation_url, translation_id):
    head = (
        f"<title>T</title><meta itemprop='inLanguage' content='{language}'/>"
        "<link rel='alternate' hreflang='ru' href='http://kremlin.ru/events/president/news/7'/>"
        "<link rel='alternate' hreflang='en' href='http://en.kremlin.ru/events/president/news/8'/>"
    )
    speech = kremlin_html.read(bare_page(head=head))
    assert (speech.translation_url, speech.translation_id) == (translation_url, translation_id)


def test_kremlin_page_sections_are_the_keywords_without_blanks():
    head = "<title>T</title><meta name='keywords' content=' Transcripts , ,News,'/>"
    assert kremlin_html.read(bare_page(head=head)).sections == ["Transcripts", "News"]


@pytest.mark.parametrize(
    ("inside", "outside", "date"),
    [
        ("<time class='read__published' datetime='2014-03-18T15:00'>whatever</time>", "", datetime.date(2014, 3, 18)),
        ("<time class='read__published' datetime='soon'>March 18, 2014</time>", "", datetime.date(2014, 3, 18)),
        (
            "<time class='read__published' datetime=''>no date here</time>"
            "<time class='read__published'>March 19, 2014</time>",
            "",
            datetime.date(2014, 3, 19),
        ),
        (
            "<time class='read__published' datetime='x'>no date</time><div class='announce_date'>Announcement</div>"
            "<div class='announce_date'>Announcement, May 7, 2012</div>",
            "",
            datetime.date(2012, 5, 7),
        ),
        ("", "<div class='announce_date'>Анонс, 7 мая 2012 года</div>", datetime.date(2012, 5, 7)),
    ],
    ids=[
        "datetime attribute",
        "else the element's text",
        "else the next element",
        "else an announced day",
        "announced outside the article",
    ],
)
def test_kremlin_page_date_falls_back_from_datetime_to_text_to_announcement(inside, outside, date):
    page = bare_page(
        head="<title>T</title>", inside=inside + "<div class='read__internal_content'><p>T.</p></div>", outside=outside
    )
    assert kremlin_html.read(page).date == date


@pytest.mark.parametrize(
    ("lead", "text"),
    [
        ("<div class='read__lead'>A lead\n  without paragraphs.</div>", "A lead without paragraphs."),
        ("<div class='read__lead'><p>First.</p><p> </p><p>Second\nline.</p></div>", "First.\n\nSecond line."),
        ("<div class='read__leading'>Not a lead.</div>", ""),
    ],
    ids=["plain", "paragraphs, blanks left out", "a class that only starts the same"],
)
def test_kremlin_page_lead_is_its_paragraphs_or_its_text(lead, text):
    page = bare_page(head="<title>T</title>", inside=lead + "<div class='read__internal_content'><p>T.</p></div>")
    assert kremlin_html.read(page).lead == text


def test_kremlin_page_tags_keep_their_catalogue_entries_and_empty_columns_are_left_out():
    columns = (
        "<div class='read__tagscol'><ul><li><a rel='tag'>No heading</a></li></ul></div>"
        "<div class='read__tagscol'><h3>Persons</h3><ul><li><a rel='tag'> </a></li></ul></div>"
        "<div class='read__tagscol'><h3>Geography</h3><ul><li>Not a link</li></ul></div>"
        "<div class='read__tagscol'><h3> Topics\n</h3><ul>"
        "<li><a href='http://en.kremlin.ru/catalog/keywords/82/events' rel='tag'><i></i> Energy\n sector</a></li>"
        "<li><a rel='tag'>Economy</a></li>"
        "<li><a href='../../../../catalog/countries/AM/events.html' rel='nofollow tag'>Armenia</a></li>"
        "<li class='hidden'><a href='http://kremlin.ru/catalog/persons/110/biography' rel='tag'>Саргсян Серж</a></li>"
        "<li><a href='http://en.kremlin.ru/acatalog/keywords/1/events' rel='tag'>Not the catalogue</a></li>"
        "<li class='read__tagsmore'><a><i></i>1 more</a></li>"
        "</ul></div>"
    )
    page = bare_page(head="<title>T</title>", inside=columns + "<div class='read__internal_content'><p>T.</p></div>")
    assert kremlin_html.read(page).tags == {
        "Topics": [
            ParsedTag("Energy sector", "keywords", "82"),
            ParsedTag("Economy"),
            ParsedTag("Armenia", "countries", "AM"),
            ParsedTag("Саргсян Серж", "persons", "110"),
            ParsedTag("Not the catalogue"),
        ]
    }


def test_kremlin_page_that_is_not_html_at_all_is_refused():
    with pytest.raises(ParseError, match=r"Not a readable HTML page \(Document is empty\)"):
        kremlin_html.read("<!-- nothing but a comment -->")


def test_kremlin_announcement_lead_of_several_paragraphs_gives_as_many():
    page = kremlin_page(lead="<p>The first part.</p><p>The second part.</p>", body="")
    page = page.replace("entry-content e-content read__internal_content", "entry-content")
    page = page.replace('itemprop="articleBody"', "")
    assert paragraphs_of(page) == [("speech", "", "The first part."), ("speech", "", "The second part.")]


@pytest.mark.parametrize(
    ("body", "paragraphs"),
    [
        (
            "<p>One.</p><p> </p><p><i></i></p><p>Two.</p>",
            [("speech", "", "One."), ("speech", "", "Two.")],
        ),
        (
            "<p><b>Vladimir Putin:</b></p><h3>Part two</h3><p>Colleagues.</p>",
            [("heading", "", "Part two"), ("speech", "", "Colleagues.")],
        ),
        (
            "<p><b>Vladimir Putin:</b></p><p><b>Sergei Lavrov:</b> Yes.</p><p>Go on.</p>",
            [("speech", "Sergei Lavrov", "Yes."), ("speech", "", "Go on.")],
        ),
    ],
    ids=["empty paragraphs are passed over", "a heading takes no label", "a label of its own wins"],
)
def test_kremlin_page_label_alone_is_given_only_to_a_turn_without_one(body, paragraphs):
    assert paragraphs_of(kremlin_page(body=body)) == paragraphs


@pytest.mark.parametrize(
    ("body", "paragraphs"),
    [
        ("<p>One.</p>Loose tail.<p>Two.</p>", ["One.", "Loose tail.", "Two."]),
        ("<a href='#'>A link</a> starts the text.<p>Two.</p>", ["A link starts the text.", "Two."]),
        ("Before <!-- a comment --> after.<p>Two.</p>", ["Before after.", "Two."]),
        ("<p>One.</p><i>Inline</i><!-- a comment --> after.", ["One.", "Inline after."]),
        ("<p>One.</p>XX<p>Two.</p>", ["One.", "XX", "Two."]),
    ],
    ids=[
        "a block's tail",
        "an inline element first",
        "text on both sides of a comment",
        "a comment after an inline",
        "a Roman numeral standing loose",
    ],
)
def test_kremlin_page_loose_text_around_blocks_inlines_and_comments_is_kept(body, paragraphs):
    texts = [text for _, _, text in paragraphs_of(kremlin_page(body=body))]
    assert texts == paragraphs


FORTY_WORDS = " ".join(["Word"] * 40)


@pytest.mark.parametrize(
    ("paragraph", "read_as"),
    [
        ("<p><b>Vladimir Putin</b>\u00a0: Thank you.</p>", ("speech", "Vladimir Putin", "Thank you.")),
        ("<p><b>Vladimir Putin</b>:Thank you.</p>", ("speech", "Vladimir Putin", "Thank you.")),
        ("<p><b>Vladimir Putin:</b> Xi Jinping is here.</p>", ("speech", "Vladimir Putin", "Xi Jinping is here.")),
        ("<p><b>Article</b> XX: the last article.</p>", ("speech", "", "Article XX: the last article.")),
        ("<p><b>Chapter</b> XX</p>", ("speech", "", "Chapter XX")),
        ("<p><b>Chapter XX</b></p>", ("heading", "", "Chapter XX")),
        ("<p><b>Dmitry</b><br/>and <b>Peskov:</b> Yes.</p>", ("speech", "", "Dmitry and Peskov: Yes.")),
        ("<p><b>Article</b> XX <b>Part:</b> text.</p>", ("speech", "", "Article XX Part: text.")),
        ("<p><!-- turn --><b>Vladimir Putin:</b> Yes.</p>", ("speech", "Vladimir Putin", "Yes.")),
        ("<p><br/><b>Vladimir Putin:</b> Yes.</p>", ("speech", "Vladimir Putin", "Yes.")),
        ("<p><b>Vladimir Putin:</b><i>(laughs)</i> Yes.</p>", ("speech", "Vladimir Putin", "(laughs) Yes.")),
        ("<p><b>Vladimir Putin\u00a0:</b> Yes.</p>", ("speech", "Vladimir Putin", "Yes.")),
        ("<p><b>Vladimir Putin:\u00a0</b>Yes.</p>", ("speech", "Vladimir Putin", "Yes.")),
        ("<p><b>Participant X:</b> Yes.</p>", ("speech", "Participant X", "Yes.")),
        ("<p><b>Participant X</b>: Yes.</p>", ("speech", "Participant X", "Yes.")),
        (f"<p><b>{FORTY_WORDS}:</b> Yes.</p>", ("speech", FORTY_WORDS, "Yes.")),
        (f"<p><b>{FORTY_WORDS} Word:</b> Yes.</p>", ("speech", "", f"{FORTY_WORDS} Word: Yes.")),
        ("<p><b>The prize went to eBay:</b> a surprise.</p>", ("speech", "", "The prize went to eBay: a surprise.")),
    ],
    ids=[
        "space before the colon",
        "no space after it",
        "words starting with X",
        "words between bold and colon",
        "bold then plain words",
        "bold throughout",
        "plain words between bold runs",
        "a Roman numeral between bold runs",
        "a comment before the label",
        "a line break before the label",
        "an aside after the label",
        "no-break space inside the bold",
        "no-break space after the colon",
        "a label ending in X",
        "a label ending in X, colon outside",
        "forty words",
        "forty-one words",
        "a last word starting lowercase",
    ],
)
def test_kremlin_page_paragraph_read_as_turn_heading_or_text(paragraph, read_as):
    assert paragraphs_of(kremlin_page(body=paragraph)) == [read_as]


# Tags as the saved pages print them, read with patterns of their own rather than with the reader's parser.
TAG_BLOCK = re.compile(r'<div class="read__tags\b.*?<div class="read__status', re.S)
TAG_COLUMN = re.compile(r'<h3>(.*?)</h3>\s*<ul class="read__taglist">(.*?)</ul>', re.S)
TAG_LINK = re.compile(r'<a\s+href="[^"]*/catalog/(\w+)/([^/"]+)/[^"]*"\s+rel="tag"><i></i>(.*?)</a>', re.S)


def printed_tags(page):
    block = TAG_BLOCK.search(page)
    columns = TAG_COLUMN.findall(block[0]) if block else []
    return {
        heading: [
            ParsedTag(re.sub(r"[ \t\r\n]+", " ", html.unescape(name)).strip(), kind, id) for kind, id, name in links
        ]
        for heading, items in columns
        if (links := TAG_LINK.findall(items))
    }


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the English corpus is not at {CORPUS}")
def test_every_tag_of_every_saved_page_is_kept_with_its_catalogue_entry():
    pages, entries = 0, {}
    for path in sorted(CORPUS.glob("*.html")):
        page = path.read_text("utf-8", errors="replace")  # a few pages hold a stray byte, as the reader allows
        tags = kremlin_html.read(page).tags
        assert tags == printed_tags(page), path.name
        pages += bool(tags)
        for tag in (tag for column in tags.values() for tag in column):
            entries.setdefault(tag.catalogue, set()).add(tag.catalogue_id)
    # The pages' own count: 1,063 of the 1,136 are tagged, with 76 topics, 121 places and 218 people.
    assert (pages, {kind: len(ids) for kind, ids in entries.items()}) == (
        1063,
        {"keywords": 76, "countries": 61, "regions": 60, "persons": 218},
    )
