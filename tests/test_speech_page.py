import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from speeches.models import Paragraph, Speaker, Speech
from tests.factories import make_speaker, make_speech, make_venue

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting():
    putin = make_speaker()
    lukyanov = Speaker.objects.create(name="Fyodor Lukyanov", role="Moderator")
    speech = make_speech(
        "Meeting of the Valdai International Discussion Club",
        datetime.date(2017, 10, 19),
        time=datetime.time(20, 10),
        venue=make_venue("Sochi"),
        kind=Speech.Kind.MEETING,
        lead="Vladimir Putin took part in the final plenary session.",
        source_url="http://en.kremlin.ru/events/president/news/55882",
        source_id="55882",
    )
    rows = [
        (lukyanov, "Fyodor Lukyanov", "Thank you very much, Mr President.", Paragraph.Kind.SPEECH),
        (putin, "Vladimir Putin", "The things you mentioned are important.", Paragraph.Kind.SPEECH),
        (putin, "", "Let me continue with a second paragraph of the same turn.", Paragraph.Kind.SPEECH),
        (None, "", "(Applause.)", Paragraph.Kind.STAGE),
        (None, "Question", "What about <script>alert(1)</script> & the rest?", Paragraph.Kind.SPEECH),
        (None, "", "Beginning of meeting with officials", Paragraph.Kind.HEADING),
    ]
    Paragraph.objects.bulk_create(
        Paragraph(speech=speech, position=n, speaker=who, speaker_label=label, text=text, kind=kind)
        for n, (who, label, text, kind) in enumerate(rows, start=1)
    )
    speech.refresh_speakers()
    return speech


def test_speech_page_shows_metadata(client, meeting):
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert '<h1 lang="en">Meeting of the Valdai International Discussion Club</h1>' in html
    assert '<time datetime="2017-10-19T20:10">19 October 2017, 20:10</time>' in html
    assert ">Sochi</a>" in html
    assert "<dd>Meeting</dd>" in html
    assert "Vladimir Putin took part in the final plenary session." in html
    assert 'href="http://en.kremlin.ru/events/president/news/55882"' in html
    assert 'href="/speakers/fyodor-lukyanov/">Fyodor Lukyanov</a>' in html


def test_speech_page_labels_speaker_once_per_turn(client, meeting):
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert html.count(">Vladimir Putin</a>:</b>") == 1
    p3 = re.search(r'<p class="transcript__p" id="p3">(.*?)</p>', html, re.S).group(1)
    assert "Let me continue" in p3 and "<b" not in p3
    assert '<b class="speaker">Question:</b>' in html


def test_speech_page_paragraphs_have_stable_anchors_linking_to_themselves(client, meeting):
    html = client.get(meeting.get_absolute_url()).content.decode()
    for n in range(1, 7):
        assert f'id="p{n}"' in html
    assert '<a class="anchor" href="#p2" aria-label="Link to paragraph 2">2</a>' in html
    assert re.search(r'<h2 class="transcript__heading" id="p6">', html)
    assert re.search(r'id="p4">.*?\(Applause\.\)', html, re.S)


def test_speech_page_escapes_transcript_text(client, meeting):
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; the rest?" in html


def test_speech_page_links_previous_and_next_address(client, meeting):
    earlier = make_speech("Earlier the same day", datetime.date(2017, 10, 19), time=datetime.time(9, 0))
    later = make_speech("Next week", datetime.date(2017, 10, 26))
    make_speech("Unpublished in between", datetime.date(2017, 10, 20), status=Speech.Status.DRAFT)
    response = client.get(meeting.get_absolute_url())
    assert response.context["previous_speech"] == earlier
    assert response.context["next_speech"] == later
    assert f'href="{later.get_absolute_url()}"' in response.content.decode()


def test_speech_page_orders_untimed_speeches_of_a_day_first(client):
    untimed = make_speech("Untimed", datetime.date(2020, 1, 9))
    morning = make_speech("Morning", datetime.date(2020, 1, 9), time=datetime.time(10, 0))
    response = client.get(morning.get_absolute_url())
    assert response.context["previous_speech"] == untimed
    assert client.get(untimed.get_absolute_url()).context["next_speech"] == morning


def test_speech_page_links_published_translation(client, meeting):
    russian = make_speech("Заседание клуба «Валдай»", meeting.date, language="ru")
    meeting.translation = russian
    meeting.save()
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert f'<a href="{russian.get_absolute_url()}" hreflang="ru" lang="ru">Russian version</a>' in html
    russian.status = Speech.Status.DRAFT
    russian.save()
    assert "Russian version" not in client.get(meeting.get_absolute_url()).content.decode()


def test_speech_page_sets_language_of_the_text(client):
    speech = make_speech("Обращение", language="ru", paragraphs=["Добрый день."])
    html = client.get(speech.get_absolute_url()).content.decode()
    assert '<h1 lang="ru">Обращение</h1>' in html
    assert '<div class="transcript" lang="ru"' in html
    # The interface speaks the address's language too (see test_languages); the text is marked either way.
    assert '<html lang="ru"' in html


def test_speech_page_of_500_paragraphs_renders_in_constant_queries(client):
    putin = make_speaker()
    short = make_speech("Short", paragraphs=[("Vladimir Putin", "One.")], speaker=putin)
    long = make_speech(
        "Long",
        paragraphs=[("Vladimir Putin" if n % 7 == 0 else "", f"Paragraph {n}.") for n in range(500)],
        speaker=putin,
    )
    counts = []
    for speech in (short, long):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(speech.get_absolute_url())
        counts.append(len(ctx.captured_queries))
    assert 'id="p500"' in response.content.decode()
    assert counts[0] == counts[1]
    assert counts[1] <= 9  # the speech, its paragraphs, speakers, and the topics, places and people it is filed under
