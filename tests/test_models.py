import datetime

import pytest
from django.db import IntegrityError, transaction

from speeches.models import Paragraph, Speaker, SpeakerAlias, Speech, Venue, normalize_label
from tests.factories import make_speaker, make_speech

pytestmark = pytest.mark.django_db


def test_speech_duplicate_source_is_rejected():
    make_speech(source_url="http://en.kremlin.ru/events/president/news/1", source_id="1")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_speech(source_url="http://en.kremlin.ru/events/president/news/1", source_id="1")


def test_speech_same_id_from_another_source_is_allowed():
    make_speech(source_url="http://en.kremlin.ru/events/president/news/1", source_id="1")
    make_speech(source_url="http://kremlin.ru/events/president/news/1", source_id="1")
    assert Speech.objects.filter(source_id="1").count() == 2


def test_speech_without_source_id_needs_no_uniqueness():
    make_speech(source_url="", source_id="")
    make_speech(source_url="", source_id="")
    assert Speech.objects.filter(source_id="").count() == 2


def test_paragraph_duplicate_position_is_rejected():
    speech = make_speech(paragraphs=["First."])
    with pytest.raises(IntegrityError), transaction.atomic():
        Paragraph.objects.create(speech=speech, position=1, text="Second, at the same place.")


def test_paragraph_position_starts_at_one():
    speech = make_speech()
    with pytest.raises(IntegrityError), transaction.atomic():
        Paragraph.objects.create(speech=speech, position=0, text="Nowhere.")


def test_published_excludes_drafts():
    make_speech("Published address")
    make_speech("Draft address", status=Speech.Status.DRAFT)
    assert [s.title for s in Speech.objects.published()] == ["Published address"]


def test_speech_slug_comes_from_title_and_is_unique_per_day():
    first = make_speech("Congratulations to President of Armenia", date=datetime.date(2017, 4, 3))
    second = make_speech("Congratulations to President of Armenia", date=datetime.date(2017, 4, 3))
    other_day = make_speech("Congratulations to President of Armenia", date=datetime.date(2017, 4, 4))
    assert first.slug == "congratulations-to-president-of-armenia"
    assert second.slug == "congratulations-to-president-of-armenia-2"
    assert other_day.slug == "congratulations-to-president-of-armenia"


def test_speech_url_is_dated():
    speech = make_speech("Video address", date=datetime.date(2023, 6, 8))
    assert speech.get_absolute_url() == "/speeches/2023/06/08/video-address/"


def test_translation_link_is_kept_on_both_sides():
    english = make_speech("Meeting", language="en")
    russian = make_speech("Встреча", language="ru")
    english.translation = russian
    english.save()
    russian.refresh_from_db()
    assert russian.translation == english


def test_speech_cannot_be_its_own_translation():
    speech = make_speech()
    with pytest.raises(IntegrityError), transaction.atomic():
        Speech.objects.filter(pk=speech.pk).update(translation=speech.pk)


def test_venue_names_differing_in_spaces_are_one_place():
    Venue.objects.create(name="The\u00a0Kremlin,  Moscow")
    with pytest.raises(IntegrityError), transaction.atomic():
        Venue.objects.create(name="The Kremlin, Moscow")
    assert Venue.objects.get().name == "The Kremlin, Moscow"


def test_speaker_alias_is_normalised_and_unique():
    putin = make_speaker()
    SpeakerAlias.objects.create(speaker=putin, label="President of\u00a0Russia\nVladimir  Putin:")
    assert SpeakerAlias.objects.get().label == "President of Russia Vladimir Putin"
    with pytest.raises(IntegrityError), transaction.atomic():
        SpeakerAlias.objects.create(speaker=putin, label="president of russia vladimir putin")


def test_normalize_label_collapses_whitespace_and_colon():
    assert normalize_label(" Vladimir\nPutin\u00a0: ") == "Vladimir Putin"


def test_refresh_speakers_follows_paragraphs():
    putin = make_speaker()
    lukyanov = Speaker.objects.create(name="Fyodor Lukyanov")
    speech = make_speech(paragraphs=[("Vladimir Putin", "Good afternoon.")], speaker=putin)
    Paragraph.objects.create(
        speech=speech, position=2, speaker=lukyanov, speaker_label="Fyodor Lukyanov", text="Thank you."
    )
    speech.refresh_speakers()
    assert sorted(s.name for s in speech.speakers.all()) == ["Fyodor Lukyanov", "Vladimir Putin"]


def test_transcript_gives_paragraphs_in_order_with_each_speaker_loaded_once(django_assert_num_queries):
    putin = make_speaker()
    lukyanov = Speaker.objects.create(name="Fyodor Lukyanov")
    speech = make_speech(paragraphs=[("Vladimir Putin", f"Answer {n}.") for n in range(1, 301)], speaker=putin)
    Paragraph.objects.create(speech=speech, position=301, speaker=lukyanov, speaker_label="Lukyanov", text="Thanks.")
    Paragraph.objects.create(speech=speech, position=302, text="(Applause.)", kind=Paragraph.Kind.STAGE)

    # Lukyanov is not on the speech's list yet: he is looked up on his own.
    fetched = Speech.objects.get(pk=speech.pk)
    with django_assert_num_queries(3):
        transcript = fetched.transcript()
        speakers = [paragraph.speaker for paragraph in transcript]
    assert [paragraph.position for paragraph in transcript] == list(range(1, 303))
    assert [paragraph.text for paragraph in transcript[:2]] == ["Answer 1.", "Answer 2."]
    assert speakers == [putin] * 300 + [lukyanov, None]
    # One speaker object for all his paragraphs, not one per paragraph.
    assert len({id(speaker) for speaker in speakers[:300]}) == 1

    # Once listed, the speakers loaded with the speech serve: one query for the paragraphs alone.
    speech.refresh_speakers()
    speech = Speech.objects.prefetch_related("speakers").get(pk=speech.pk)
    with django_assert_num_queries(1):
        assert [paragraph.speaker for paragraph in speech.transcript()] == speakers
