import datetime
from pathlib import Path

import pytest
from django.core.management import call_command

from speeches.importers import import_paths, text
from speeches.importers.base import ParsedParagraph, ParseError
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
        ("Xi Jinping", True),
        ("Malcolm X", True),
        ("Vladimir Putin (Russia)", True),
        ("Deputy Prime Minister – Minister of Industry and Trade Denis Manturov", True),
        ("Commander of the 1st Guards Tank Army Sergei Kisel", True),
        ("ВГТРК correspondent Pavel Zarubin", True),
        ("Question from the audience", True),
        ("Реплика из зала", True),
        ("question", False),
        ("So I said to Vladimir Putin", False),
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


WRAPPED = (
    "Meeting with Government members\n\nMarch 3, 2021\n\n"
    "Minister of Finance Anton Siluanov: Mr President, the budget\nis balanced.\n\nLet us begin.\n"
)


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["windows", "old-mac"])
def test_windows_and_old_mac_line_endings_read_like_unix_ones(newline):
    speech = text.read(WRAPPED.replace("\n", newline).encode())
    assert (speech.title, speech.date) == ("Meeting with Government members", datetime.date(2021, 3, 3))
    assert rows(speech) == [
        ("speech", "Minister of Finance Anton Siluanov", "Mr President, the budget is balanced."),
        ("speech", "", "Let us begin."),
    ]


def test_text_time_on_the_date_line_is_the_speech_time():
    speech = text.read("A title\n\nJune 1, 2020, 18:30\n\nVladimir Putin: Hello.\n")
    assert (speech.date, speech.time) == (datetime.date(2020, 6, 1), datetime.time(18, 30))
    assert rows(speech) == [("speech", "Vladimir Putin", "Hello.")]


def test_text_impossible_date_line_leaves_the_speech_undated():
    # February 30 looks like a date line but is none: the first line is still the title.
    speech = text.read("A title\n\nFebruary 30, 2021\n\nVladimir Putin: Hello.\n")
    assert (speech.title, speech.date) == ("A title", None)
    assert rows(speech) == [("speech", "", "February 30, 2021"), ("speech", "Vladimir Putin", "Hello.")]


NO_TITLE = "No title found: the transcript should start with its title."


@pytest.mark.parametrize(
    "transcript",
    [
        "June 1, 2020\n\nVladimir Putin: Hello.\n",
        "View settings\n\nNews /\n\nJune 1, 2020\n\nVladimir Putin: Hello.\n",
        "View settings\n\nFont size:\n\nNews /\n",
    ],
    ids=["date-first", "only-site-chrome-before-the-date", "only-site-chrome"],
)
def test_text_without_a_title_is_rejected_with_a_message_for_the_editor(transcript):
    with pytest.raises(ParseError) as error:
        text.read(transcript)
    assert str(error.value) == NO_TITLE


@pytest.mark.parametrize(
    "chrome",
    [
        "View settings",
        "Font size:",
        "Президент России",
        "News /",
        "Transcripts /",
        "News / Transcripts",
        "/",
    ],
)
def test_undated_text_skips_site_chrome_around_the_transcript(chrome):
    speech = text.read(f"{chrome}\n\nJust a title\n\nVladimir Putin: Hello.\n\nLet us begin.\n\n{chrome}\n")
    assert (speech.title, speech.date) == ("Just a title", None)
    assert rows(speech) == [("speech", "Vladimir Putin", "Hello."), ("speech", "", "Let us begin.")]


def test_transcript_form_writes_a_known_oddly_shaped_speaker_as_a_turn():
    paragraphs = [ParsedParagraph(text="Welcome.", speaker_label="the moderator")]

    def known(label):
        return label == "the moderator"

    written = text.transcript_text(paragraphs, known)

    assert written == "the moderator: Welcome.\n"
    assert text.read_transcript(written, known) == paragraphs
    # Without the archive knowing the speaker the label would read as text, so it is marked literal.
    assert text.transcript_text(paragraphs) == "\\the moderator: Welcome.\n"


ROLE = "Deputy Prime Minister of the Russian Federation and Minister of Industry and Trade"


@pytest.mark.parametrize(
    ("label", "shaped"),
    [
        (f"{ROLE} Denis Valentinovich Manturov", True),
        (f"{ROLE} of Russia Denis Manturov", False),
        ("Speaker " + "Z" * 142, True),
        ("Speaker " + "Z" * 143, False),
    ],
    ids=["16-words", "17-words", "150-characters", "151-characters"],
)
def test_speaker_label_of_more_than_16_words_or_150_characters_reads_as_prose(label, shaped):
    assert text.looks_like_label(label) is shaped


@pytest.mark.parametrize(
    "transcript",
    [
        "Vladimir Putin: Good afternoon,\ncolleagues.\n\nLet us begin.\n",
        "Vladimir Putin: Good afternoon,\r\ncolleagues.\r\n\r\nLet us begin.\r\n",
        "Vladimir Putin: Good afternoon,\rcolleagues.\r\rLet us begin.\r",
        "Vladimir Putin: Good afternoon, colleagues.\nLet us begin.\n",
    ],
    ids=["unix", "windows", "old-mac", "no-blank-lines"],
)
def test_transcript_form_joins_wrapped_lines_whatever_the_line_endings(transcript):
    # With blank lines between paragraphs a line break is wrapping; without any, each line is a paragraph.
    assert [(p.kind, p.speaker_label, p.text) for p in text.read_transcript(transcript)] == [
        ("speech", "Vladimir Putin", "Good afternoon, colleagues."),
        ("speech", "", "Let us begin."),
    ]


@pytest.mark.parametrize("block", ["\\* * *", "\\ * * *"], ids=["backslash", "backslash-and-space"])
def test_transcript_form_backslash_makes_a_literal_paragraph_without_its_leading_space(block):
    assert text.read_transcript(block) == [ParsedParagraph(text="* * *")]


def test_transcript_form_keeps_every_letter_of_labels_and_turns():
    transcript = "Vladimir Putin: Xi Jinping and I agreed.\n\nXi Jinping: We did.\n\nMalcolm X: By any means.\n"
    assert [(p.kind, p.speaker_label, p.text) for p in text.read_transcript(transcript)] == [
        ("speech", "Vladimir Putin", "Xi Jinping and I agreed."),
        ("speech", "Xi Jinping", "We did."),
        ("speech", "Malcolm X", "By any means."),
    ]


@pytest.mark.parametrize(
    ("label", "said"),
    [(f"{NBSP}Vladimir Putin", "Hello."), ("Vladimir Putin", f"Hello.{NBSP}")],
    ids=["space-before-the-label", "space-after-the-text"],
)
def test_transcript_form_keeps_a_turn_whose_stored_label_or_text_has_a_stray_space(label, said):
    # The form is read back with its lines trimmed, so such a turn is written as a turn, not as a literal paragraph.
    written = text.transcript_text([ParsedParagraph(text=said, speaker_label=label)])
    assert text.read_transcript(written) == [ParsedParagraph(text="Hello.", speaker_label="Vladimir Putin")]
