import datetime
from pathlib import Path

import pytest
from django.core.management import call_command

from speeches.importers import import_paths, text
from speeches.importers.base import ParseError
from speeches.models import Paragraph, Speaker, SpeakerAlias, Speech
from tests.import_samples import NBSP

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seed" / "000_f4946fa41d8de7af.txt"
needs_seed = pytest.mark.skipif(not SEED.exists(), reason="the seed transcript ../shared/seed is not beside this clone")

pytestmark = pytest.mark.django_db

TRANSCRIPT = f"""View settings

Font size:
Site colours:


Official website of the President of Russia

News{NBSP} /

Meeting with Government members

March 3, 2021

18:00

President of{NBSP}Russia Vladimir Putin: Good afternoon, colleagues.

Let us begin.

Minister of Finance Anton Siluanov: Mr President, the budget
is balanced.

Question: When?

V.Putin: Soon. The thing is: we wait.

(Applause.)

* * *

The thing is: this line is not a turn.

March 3, 2021
"""


def rows(speech):
    return [(p.kind, p.speaker_label, p.text) for p in speech.paragraphs]


def test_text_transcript_title_date_and_turns_by_label_shape():
    speech = text.read(TRANSCRIPT.encode())
    assert speech.title == "Meeting with Government members"
    assert speech.date == datetime.date(2021, 3, 3)
    assert speech.time == datetime.time(18, 0)
    assert speech.kind == Speech.Kind.MEETING
    assert speech.language == "en"
    assert rows(speech) == [
        ("speech", f"President of{NBSP}Russia Vladimir Putin", "Good afternoon, colleagues."),
        ("speech", "", "Let us begin."),
        ("speech", "Minister of Finance Anton Siluanov", "Mr President, the budget is balanced."),
        ("speech", "Question", "When?"),
        ("speech", "V.Putin", "Soon. The thing is: we wait."),
        ("stage", "", "(Applause.)"),
        ("separator", "", "* * *"),
        ("speech", "", "The thing is: this line is not a turn."),
    ]


@pytest.mark.parametrize(
    ("label", "shaped"),
    [
        ("President of Russia Vladimir Putin", True),
        ("Question", True),
        ("V.Putin", True),
        ("В.Путин", True),
        ("Министр иностранных дел Сергей Лавров", True),
        ("Hamad bin Isa Al Khalifa", True),
        ("The thing is", False),
        ("Mr President, here is my point", False),
        ("What I said was clear. And so", False),
        ("first of all", False),
    ],
)
def test_speaker_label_recognised_by_shape(label, shaped):
    assert text.looks_like_label(label) is shaped


def test_text_label_known_to_the_archive_counts_even_when_oddly_shaped():
    transcript = "A title\n\nJune 1, 2020\n\nthe moderator: Welcome.\n"
    assert rows(text.read(transcript)) == [("speech", "", "the moderator: Welcome.")]
    known = rows(text.read(transcript, known_label=lambda label: label == "the moderator"))
    assert known == [("speech", "the moderator", "Welcome.")]


def test_text_lines_without_blank_lines_are_paragraphs():
    speech = text.read("A title\nJune 1, 2020\nVladimir Putin: One.\nTwo.\n")
    assert rows(speech) == [("speech", "Vladimir Putin", "One."), ("speech", "", "Two.")]


def test_text_without_date_line_reads_title_and_no_date():
    speech = text.read("Just a title\n\nVladimir Putin: Hello.\n")
    assert (speech.title, speech.date) == ("Just a title", None)


def test_text_empty_is_rejected():
    with pytest.raises(ParseError, match="The file is empty."):
        text.read(b"  \n\n")


def test_text_russian_transcript_is_russian():
    speech = text.read("Совещание с членами Правительства\n\n3 марта 2021 года\n\nВ.Путин: Добрый день.\n")
    assert (speech.date, speech.language, rows(speech)) == (
        datetime.date(2021, 3, 3),
        "ru",
        [("speech", "В.Путин", "Добрый день.")],
    )


def speech_fields(speech):
    return {
        "speech": [
            getattr(speech, name)
            for name in (
                "title",
                "slug",
                "date",
                "time",
                "kind",
                "venue",
                "language",
                "lead",
                "source_url",
                "source_id",
                "status",
            )
        ],
        "paragraphs": [(p.position, p.kind, p.speaker.name, p.speaker_label, p.text) for p in speech.paragraphs.all()],
        "speakers": [(s.name, s.role) for s in speech.speakers.all()],
    }


@needs_seed
def test_seed_imports_as_the_demo_fixture_and_reports_it_unchanged():
    call_command("loaddata", "fixtures/demo.json", verbosity=0)
    before = (Speech.objects.count(), Paragraph.objects.count(), Speaker.objects.count(), SpeakerAlias.objects.count())
    updated = Speech.objects.get().updated

    report = import_paths([SEED], format="text")

    assert report.summary() == "0 created, 0 updated, 1 unchanged, 0 skipped, 0 failed"
    after = (Speech.objects.count(), Paragraph.objects.count(), Speaker.objects.count(), SpeakerAlias.objects.count())
    assert after == before
    assert Speech.objects.get().updated == updated


@needs_seed
def test_seed_imported_into_an_empty_archive_matches_the_fixture_field_by_field():
    import_paths([SEED])
    imported = speech_fields(Speech.objects.get())
    Speech.objects.all().delete()
    Speaker.objects.all().delete()
    call_command("loaddata", "fixtures/demo.json", verbosity=0)
    expected = speech_fields(Speech.objects.get())

    assert imported == expected
    assert expected["speech"][9] == "text:5d2d6226dec5a058"
    assert len(expected["paragraphs"]) == 20
