"""Long transcripts: contents from headings or from the questioners' turns, who speaks how much, go to a paragraph."""

import re

import pytest

from speeches.models import Paragraph
from tests.factories import make_direct_line, make_speaker, make_speech

pytestmark = pytest.mark.django_db


@pytest.fixture
def direct_line():
    return make_direct_line(make_speaker())


def test_a_long_transcript_without_headings_lists_the_turns_of_the_other_speakers(client, direct_line):
    html = client.get(direct_line.get_absolute_url()).content.decode()
    assert "<summary>Contents: 20 turns of the other speakers</summary>" in html
    entries = re.findall(r'<li><a href="#p(\d+)" lang="en"><b>([^<]+):</b> ([^<]+)</a></li>', html)
    assert len(entries) == 20
    assert entries[0] == ("1", "Kirill Kleimenov", "Question number 0 about the harvest and the roads.")
    assert entries[1] == ("4", "Maria Sittel", "Question number 1 about the harvest and the roads.")
    assert entries[-1] == ("58", "Caller 6", "Question number 19 about the harvest and the roads.")
    assert 'id="p58"' in html


def test_who_speaks_puts_the_main_speaker_first_then_the_others_by_turns(client, direct_line):
    html = client.get(direct_line.get_absolute_url()).content.decode()
    voices = html[html.index('<dd class="voices">') : html.index("</dd>", html.index('<dd class="voices">'))]
    named = re.findall(r"(?:<a [^>]+>)?([^<>,]+?)(?:</a>)? <span class=\"voices__turns\">\((\d+) turns?\)", voices)
    assert [(name.strip(), int(turns)) for name, turns in named] == [
        ("Vladimir Putin", 20),
        ("Kirill Kleimenov", 7),
        ("Maria Sittel", 7),
        ("Caller 1", 1),
        ("Caller 2", 1),
        ("Caller 3", 1),
        ("Caller 4", 1),
        ("Caller 5", 1),
        ("Caller 6", 1),
    ]
    assert "<summary>and 4 more</summary>" in voices
    assert '<a href="/speakers/vladimir-putin/">Vladimir Putin</a>' in voices


def test_a_long_transcript_with_headings_lists_them(client):
    speech = make_speech("Address to the Federal Assembly", paragraphs=[f"Paragraph {n}." for n in range(1, 46)])
    Paragraph.objects.filter(speech=speech, position__in=[1, 20]).update(kind=Paragraph.Kind.HEADING)
    Paragraph.objects.filter(speech=speech, position=1).update(text="The economy")
    Paragraph.objects.filter(speech=speech, position=20).update(text="Defence")
    html = client.get(speech.get_absolute_url()).content.decode()
    assert "<summary>Contents: 2 parts</summary>" in html
    assert re.findall(r'<li><a href="#p(\d+)" lang="en">([^<]+)</a></li>', html) == [
        ("1", "The economy"),
        ("20", "Defence"),
    ]
    assert '<p class="to-top"><a href="#content">Back to the top</a></p>' in html


def test_contents_entries_print_their_words_as_text(client):
    speech = make_speech("Address", paragraphs=[f"Paragraph {n}." for n in range(1, 46)])
    Paragraph.objects.filter(speech=speech, position=3).update(kind=Paragraph.Kind.HEADING, text="<b>Tax</b> & <i>")
    html = client.get(speech.get_absolute_url()).content.decode()
    assert '<li><a href="#p3" lang="en">&lt;b&gt;Tax&lt;/b&gt; &amp; &lt;i&gt;</a></li>' in html
    caller = make_speech(
        "Questions", paragraphs=[("Vladimir Putin", f"Answer {n}.") for n in range(1, 46)], speaker=make_speaker()
    )
    turn = Paragraph.objects.filter(speech=caller, position=7)
    turn.update(speaker=None, speaker_label="<Caller>", text="Why <now>?")
    html = client.get(caller.get_absolute_url()).content.decode()
    assert '<li><a href="#p7" lang="en"><b>&lt;Caller&gt;:</b> Why &lt;now&gt;?</a></li>' in html


def test_a_short_transcript_has_no_contents_nor_paragraph_finder(client):
    speech = make_speech("Greeting", paragraphs=[f"Paragraph {n}." for n in range(1, 11)])
    html = client.get(speech.get_absolute_url()).content.decode()
    assert 'class="contents"' not in html
    assert "Go to paragraph" not in html
    assert "Back to the top" not in html


def test_go_to_a_paragraph_leads_to_its_anchor(client, direct_line):
    html = client.get(direct_line.get_absolute_url()).content.decode()
    url = direct_line.get_absolute_url() + "paragraph/"
    assert f'<form class="goto" method="get" action="{url}">' in html
    assert 'max="60"' in html
    response = client.get(url, {"p": 12})
    assert response.status_code == 302
    assert response["Location"] == direct_line.get_absolute_url() + "#p12"


@pytest.mark.parametrize(
    "value, status, message",
    [
        ("61", 404, "This address has no paragraph 61; its paragraphs are numbered 1 to 60."),
        ("twelve", 400, "The paragraph must be given as a number, e.g. 5."),
        ("0", 400, "Ensure this value is greater than or equal to 1."),
        ("", 400, "Give the number of a paragraph, from 1 to 60."),
    ],
)
def test_a_paragraph_that_is_not_there_is_said_so(client, direct_line, value, status, message):
    response = client.get(direct_line.get_absolute_url() + "paragraph/", {"p": value})
    assert response.status_code == status
    assert message in response.content.decode()
