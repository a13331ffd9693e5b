import datetime

import pytest
from django.core.management import call_command

from speeches import page_weight, reading
from speeches.models import Speech
from tests.factories import make_speaker, make_speech

pytestmark = pytest.mark.django_db


def weigh(client, speech):
    html = client.get(speech.get_absolute_url()).content.decode()
    return page_weight.measure(html, [p.text for p in speech.paragraphs.all()])


def test_demo_speech_page_stays_within_the_budget(client):
    call_command("loaddata", "fixtures/demo.json", verbosity=0)
    speech = Speech.objects.get()
    client.cookies[reading.COOKIE_NAME] = "size:200|colours:white-black"
    weight = weigh(client, speech)
    assert weight.transcript_bytes > 5000
    assert weight.overhead_bytes < page_weight.HTML_BUDGET
    assert sorted(weight.asset_bytes) == ["css/archive.css", "css/print.css", "js/reading.js"]
    assert weight.total_asset_bytes < page_weight.ASSET_BUDGET


def _speech_of(count, speaker):
    return make_speech(
        f"A news conference of {count} paragraphs",
        datetime.date(2023, 12, 14),
        paragraphs=[("Vladimir Putin" if n % 5 == 0 else "", f"Answer number {n}. " * 20) for n in range(count)],
        speaker=speaker,
    )


def test_long_speech_page_stays_within_the_budget(client):
    weight = weigh(client, _speech_of(120, make_speaker()))
    assert weight.overhead_bytes < page_weight.HTML_BUDGET


def test_page_markup_is_a_small_fixed_part_plus_a_little_per_paragraph(client):
    putin = make_speaker()
    short, long = weigh(client, _speech_of(50, putin)), weigh(client, _speech_of(250, putin))
    per_paragraph = (long.overhead_bytes - short.overhead_bytes) / 200
    fixed = short.overhead_bytes - 50 * per_paragraph
    # Anchor, id and speaker link of each paragraph; everything else is paid once per page.
    assert per_paragraph < 160
    # Once per page: the header with its view settings and languages, the citations, the downloads, and what other
    # sites read (OpenGraph, schema.org data, feed links). Half the budget, the other half for long transcripts.
    assert fixed < page_weight.HTML_BUDGET / 2


def test_measure_counts_only_the_linked_static_files(client):
    speech = make_speech("Short", paragraphs=["One."])
    html = client.get(speech.get_absolute_url()).content.decode()
    weight = page_weight.measure(html, ["One."])
    assert weight.html_bytes == len(html.encode())
    assert weight.transcript_bytes == 4
    with pytest.raises(FileNotFoundError, match="/static/css/missing.css is linked"):
        page_weight.measure('<link rel="stylesheet" href="/static/css/missing.css">', [])
