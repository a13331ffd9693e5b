import datetime
import json

import pytest
from django.core.management import call_command

from speeches.importers import import_paths, json_format
from speeches.models import Paragraph, Place, Speaker, SpeakerAlias, Speech, Topic, Venue
from tests.factories import make_speaker, make_venue
from tests.import_samples import ODD_BODY, kremlin_page

pytestmark = pytest.mark.django_db


def archive_snapshot():
    """Everything an export carries, keyed by what survives a round trip (not ids or timestamps)."""
    speeches = []
    for speech in Speech.objects.order_by("date", "slug"):
        speeches.append(
            {
                **{
                    name: getattr(speech, name)
                    for name in (
                        "title",
                        "slug",
                        "date",
                        "time",
                        "kind",
                        "language",
                        "lead",
                        "source_url",
                        "source_id",
                        "status",
                    )
                },
                "venue": (speech.venue.name, speech.venue.slug, speech.venue.city, speech.venue.region)
                if speech.venue
                else None,
                "translation": (speech.translation.source_url, speech.translation.source_id)
                if speech.translation
                else None,
                "speakers": sorted(
                    (s.name, s.slug, s.role, tuple(sorted(s.aliases.values_list("label", flat=True))))
                    for s in speech.speakers.all()
                ),
                "paragraphs": [
                    (p.position, p.kind, p.speaker.slug if p.speaker else None, p.speaker_label, p.text)
                    for p in speech.paragraphs.select_related("speaker")
                ],
                "topics": sorted(speech.topics.values_list("name", "name_ru", "slug", "catalogue_id")),
                "places": sorted(speech.places.values_list("name", "name_ru", "slug", "catalogue_id", "kind")),
                "people": sorted(speech.people.values_list("name", "slug", "catalogue_id")),
            }
        )
    return speeches


@pytest.fixture
def archive(tmp_path):
    (tmp_path / "70001.html").write_text(kremlin_page(id="70001", body=ODD_BODY), "utf-8")
    import_paths([tmp_path])
    english = Speech.objects.get()
    venue = make_venue("Novo-Ogaryovo, Moscow Region", city="Novo-Ogaryovo", region="Moscow Region")
    putin = Speaker.objects.get(name="Vladimir Putin")
    peskov = make_speaker("Dmitry Peskov", role="Press Secretary")
    SpeakerAlias.objects.create(speaker=peskov, label="Д.Песков")
    russian = Speech.objects.create(
        title="Встреча с Александром Лукашенко",
        slug="vstrecha",
        date=datetime.date(2020, 1, 9),
        time=datetime.time(18, 0),
        kind=Speech.Kind.MEETING,
        venue=venue,
        language="ru",
        lead="Краткое описание.",
        source_url="http://kremlin.ru/events/president/news/70001",
        source_id="70001",
        status=Speech.Status.DRAFT,
        translation=english,
    )
    Paragraph.objects.bulk_create(
        [
            Paragraph(speech=russian, position=1, speaker=putin, speaker_label="В.Путин", text="Добрый день."),
            Paragraph(speech=russian, position=2, kind="stage", text="(Аплодисменты.)"),
            Paragraph(speech=russian, position=3, speaker_label="Вопрос", text="Когда?"),
        ]
    )
    russian.speakers.set([putin, peskov])
    russian.topics.set([Topic.objects.create(name="Foreign policy", name_ru="Внешняя политика", catalogue_id="82")])
    russian.places.set(
        [
            Place.objects.create(name_ru="Беларусь", kind=Place.Kind.COUNTRY),
            Place.objects.create(name="Moscow Region", catalogue_id="MOS", kind=Place.Kind.REGION),
        ]
    )
    lukashenko = Speaker.objects.get(name="Alexander Lukashenko")
    lukashenko.catalogue_id = "110"
    lukashenko.save()
    russian.people.set([lukashenko, peskov])
    Speech.objects.create(title="Untitled notes", date=datetime.date(2019, 5, 1), status=Speech.Status.DRAFT)
    Paragraph.objects.create(speech=Speech.objects.get(title="Untitled notes"), position=1, text="Notes.")
    return tmp_path


def test_export_then_import_into_an_empty_archive_round_trips_every_field(archive, tmp_path):
    before = archive_snapshot()
    assert len(before) == 3 and before[2]["translation"] == (
        "http://en.kremlin.ru/events/president/news/70001",
        "70001",
    )
    output = tmp_path / "archive.jsonl"
    call_command("export_corpus", "--include-unpublished", "--output", str(output))
    assert len(output.read_text("utf-8").splitlines()) == 3

    Speech.objects.all().delete()
    Speaker.objects.all().delete()
    Venue.objects.all().delete()
    Topic.objects.all().delete()
    Place.objects.all().delete()
    report = import_paths([output])

    assert report.summary() == "3 created, 0 updated, 0 unchanged, 0 skipped, 0 failed"
    assert before[2]["topics"] == [("Foreign policy", "Внешняя политика", "foreign-policy", "82")]
    assert [person[0] for person in before[2]["people"]] == ["Alexander Lukashenko", "Dmitry Peskov"]
    assert archive_snapshot() == before
    again = import_paths([output])
    assert again.summary() == "0 created, 0 updated, 3 unchanged, 0 skipped, 0 failed"


def test_json_array_file_is_read_like_json_lines(tmp_path):
    records = [
        {"title": "First", "date": "2020-01-01", "source_id": "a", "paragraphs": [{"text": "One."}]},
        {"title": "Second", "date": "2020-01-02", "source_id": "b", "paragraphs": [{"text": "Two."}]},
    ]
    (tmp_path / "speeches.json").write_text(json.dumps(records), "utf-8")
    report = import_paths([tmp_path])
    assert report.summary() == "2 created, 0 updated, 0 unchanged, 0 skipped, 0 failed"
    assert list(Speech.objects.values_list("title", "kind", "status")) == [
        ("Second", "other", "published"),
        ("First", "other", "published"),
    ]


def test_json_bad_records_fail_one_by_one(tmp_path):
    lines = [
        json.dumps({"title": "Good", "date": "2020-01-01", "source_id": "g", "paragraphs": [{"text": "Fine."}]}),
        json.dumps({"title": "Bad date", "date": "01/02/2020", "paragraphs": [{"text": "x"}]}),
        json.dumps({"title": "Ghost", "date": "2020-01-01", "paragraphs": [{"text": "x", "speaker": "nobody"}]}),
        "[1, 2",
        json.dumps({"title": "Wrong kind", "date": "2020-01-01", "kind": "sermon", "paragraphs": []}),
    ]
    path = tmp_path / "speeches.jsonl"
    path.write_text("\n".join(lines), "utf-8")
    report = import_paths([path])
    assert report.summary() == "1 created, 0 updated, 0 unchanged, 0 skipped, 4 failed"
    assert [(o.where, o.reason[:40]) for o in report.problems()] == [
        ("line 2", "The date “01/02/2020” is not YYYY-MM-DD."),
        ("line 3", "A paragraph names the speaker “nobody”, "),
        ("line 4", "Not valid JSON (Expecting ',' delimiter:"),
        ("line 5", "Unknown kind “sermon”."),
    ]


def read_all(text):
    return list(json_format.read(text.encode()))


GOOD = {"title": "Good", "date": "2020-01-01", "paragraphs": [{"text": "Fine."}]}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"title": ""}, "The speech has no title."),
        ({"title": 7}, "“title” must be a string."),
        ({"date": "2020-13-01"}, "The date “2020-13-01” is not YYYY-MM-DD."),
        ({"time": "25:00"}, "The time “25:00” is not HH:MM."),
        ({"kind": "sermon"}, "Unknown kind “sermon”."),
        ({"status": "hidden"}, "Unknown status “hidden”."),
        ({"venue": "The Kremlin"}, "The venue must be an object with a name."),
        ({"translation": "http://kremlin.ru/1"}, "The translation must be an object with source_url and source_id."),
        ({"speakers": {"name": "X"}}, "“speakers” must be a list."),
        ({"speakers": ["Vladimir Putin"]}, "Each speaker must be an object with a name."),
        ({"speakers": [{"role": "President"}]}, "Each speaker must be an object with a name."),
        ({"speakers": [{"name": "V", "aliases": "V.P."}]}, "A speaker's aliases must be a list of strings."),
        ({"speakers": [{"name": "V", "aliases": ["V.P.", 1]}]}, "A speaker's aliases must be a list of strings."),
        ({"paragraphs": ["Fine."]}, "A paragraph must be a JSON object."),
        ({"paragraphs": [{"text": "x", "kind": "aside"}]}, "Unknown paragraph kind “aside”."),
        (
            {"speakers": [{"name": "V", "slug": "v"}], "paragraphs": [{"text": "x", "speaker": "V"}]},
            "A paragraph names the speaker “V”, who is not among the speech's speakers.",
        ),
        ({"paragraphs": [{"text": ["x"]}]}, "“text” must be a string."),
    ],
)
def test_json_record_refusals_say_what_is_wrong(change, reason):
    (rejected,) = read_all(json.dumps({**GOOD, **change}))
    assert rejected == json_format.Rejected(reason, where="record 1", failed=True)


def test_json_record_that_is_not_an_object_is_refused_in_an_array():
    first, second = read_all(json.dumps([GOOD, ["Good"]]))
    assert (first.title, first.where) == ("Good", "record 1")
    assert second == json_format.Rejected("A speech must be a JSON object.", where="record 2", failed=True)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("  \n ", "The file is empty."),
        ("[]", "The file holds no speeches."),
        ("[1, 2", "Not valid JSON (Expecting ',' delimiter: line 1 column 6 (char 5))."),
    ],
)
def test_json_file_refusals(text, reason):
    with pytest.raises(json_format.ParseError) as raised:
        read_all(text)
    assert str(raised.value) == reason


def test_json_lines_skip_blank_lines_and_a_pretty_printed_object_is_one_record():
    lines = "\n".join([json.dumps(GOOD), "  ", json.dumps({**GOOD, "title": "Third line"})])
    assert [(s.title, s.where) for s in read_all(lines)] == [("Good", "line 1"), ("Third line", "line 3")]
    (pretty,) = read_all(json.dumps(GOOD, indent=2))
    assert (pretty.title, pretty.where, [p.text for p in pretty.paragraphs]) == ("Good", "record 1", ["Fine."])


def test_json_record_read_into_every_field():
    record = {
        "title": "Talks",
        "slug": "talks",
        "date": "2020-01-09",
        "time": "18:05",
        "kind": "meeting",
        "language": "ru",
        "status": "draft",
        "lead": "A lead.",
        "source_url": "http://kremlin.ru/events/president/news/1",
        "source_id": "1",
        "venue": {"name": "The Kremlin", "city": "Moscow", "region": "Central"},
        "translation": {"source_url": "http://en.kremlin.ru/events/president/news/1", "source_id": "1"},
        "speakers": [{"name": "Vladimir Putin", "slug": "vladimir-putin", "role": "President", "aliases": ["V.P."]}],
        "paragraphs": [
            {"kind": "speech", "speaker": "vladimir-putin", "speaker_label": "V.P.", "text": "Hello."},
            {"kind": "stage", "speaker": None, "text": "(Applause.)"},
            {"speaker": "", "text": "Untitled turn."},
        ],
    }
    (speech,) = read_all(json.dumps(record))
    assert speech == json_format.ParsedSpeech(
        title="Talks",
        slug="talks",
        date=datetime.date(2020, 1, 9),
        time=datetime.time(18, 5),
        kind="meeting",
        language="ru",
        status="draft",
        lead="A lead.",
        source_url="http://kremlin.ru/events/president/news/1",
        source_id="1",
        venue="The Kremlin",
        venue_city="Moscow",
        venue_region="Central",
        translation_url="http://en.kremlin.ru/events/president/news/1",
        translation_id="1",
        speakers=[
            json_format.ParsedSpeaker(name="Vladimir Putin", role="President", slug="vladimir-putin", aliases=["V.P."])
        ],
        paragraphs=[
            json_format.ParsedParagraph(text="Hello.", speaker_label="V.P.", kind="speech", speaker="vladimir-putin"),
            json_format.ParsedParagraph(text="(Applause.)", kind="stage"),
            json_format.ParsedParagraph(text="Untitled turn.", kind="speech"),
        ],
        where="record 1",
    )


def test_json_speakers_are_named_by_slug_or_by_name_and_absent_speakers_mean_labels():
    record = {
        **GOOD,
        "speakers": [{"name": "Dmitry Peskov"}],
        "paragraphs": [{"speaker": "Dmitry Peskov", "text": "Yes."}],
    }
    (speech,) = read_all(json.dumps(record))
    assert (speech.explicitly_attributed, speech.paragraphs[0].speaker) == (True, "Dmitry Peskov")
    (unattributed,) = read_all(json.dumps({**GOOD, "date": None, "time": ""}))
    assert (unattributed.explicitly_attributed, unattributed.date, unattributed.time) == (False, None, None)


def test_parsed_record_is_the_json_of_a_transcript_attributed_by_labels():
    parsed = json_format.ParsedSpeech(
        title="Talks",
        slug="talks",
        date=datetime.date(2020, 1, 9),
        time=datetime.time(18, 5, 30),
        kind="meeting",
        language="en",
        lead="A lead.",
        source_url="http://en.kremlin.ru/events/president/news/1",
        source_id="1",
        venue="The Kremlin",
        venue_city="Moscow",
        venue_region="",
        translation_id="9",
        paragraphs=[json_format.ParsedParagraph(text="Hello.", speaker_label="Vladimir Putin")],
    )
    assert json_format.parsed_record(parsed) == {
        "title": "Talks",
        "slug": "talks",
        "date": "2020-01-09",
        "time": "18:05",
        "kind": "meeting",
        "language": "en",
        "lead": "A lead.",
        "source_url": "http://en.kremlin.ru/events/president/news/1",
        "source_id": "1",
        "venue": {"name": "The Kremlin", "city": "Moscow", "region": ""},
        "translation": {"source_url": "", "source_id": "9"},
        "paragraphs": [{"kind": "speech", "speaker_label": "Vladimir Putin", "text": "Hello."}],
    }
    bare = json_format.parsed_record(json_format.ParsedSpeech(title="Notes", date=None))
    assert (bare["date"], bare["time"], bare["venue"], bare["translation"], bare["paragraphs"]) == (
        None,
        None,
        None,
        None,
        [],
    )
    assert json_format.read_record(json_format.parsed_record(parsed)) == json_format.ParsedSpeech(
        **{**parsed.__dict__, "time": datetime.time(18, 5)}
    )


def test_speech_record_holds_every_field_and_speakers_named_only_in_paragraphs(archive):
    russian = Speech.objects.get(language="ru")
    peskov = Speaker.objects.get(name="Dmitry Peskov")
    lukashenko = Speaker.objects.get(name="Alexander Lukashenko")
    russian.speakers.set([peskov])  # Putin and Lukashenko are then named only by paragraphs
    russian.people.set([lukashenko])
    Paragraph.objects.filter(speech=russian, position=3).update(speaker=lukashenko)
    record = json_format.speech_record(Speech.objects.get(pk=russian.pk))
    assert record == {
        "title": "Встреча с Александром Лукашенко",
        "slug": "vstrecha",
        "date": "2020-01-09",
        "time": "18:00",
        "kind": "meeting",
        "language": "ru",
        "status": "draft",
        "lead": "Краткое описание.",
        "source_url": "http://kremlin.ru/events/president/news/70001",
        "source_id": "70001",
        "venue": {"name": "Novo-Ogaryovo, Moscow Region", "city": "Novo-Ogaryovo", "region": "Moscow Region"},
        "translation": {"source_url": "http://en.kremlin.ru/events/president/news/70001", "source_id": "70001"},
        "topics": [{"name": "Foreign policy", "name_ru": "Внешняя политика", "catalogue_id": "82"}],
        "places": [
            {"name": "", "name_ru": "Беларусь", "catalogue_id": "", "kind": "country"},
            {"name": "Moscow Region", "name_ru": "", "catalogue_id": "MOS", "kind": "region"},
        ],
        "people": [{"name": "Alexander Lukashenko", "slug": "alexander-lukashenko", "catalogue_id": "110"}],
        "speakers": [
            {
                "name": "Alexander Lukashenko",
                "slug": "alexander-lukashenko",
                "role": "",
                "aliases": ["Alexander Lukashenko"],
            },
            {"name": "Dmitry Peskov", "slug": "dmitry-peskov", "role": "Press Secretary", "aliases": ["Д.Песков"]},
            {
                "name": "Vladimir Putin",
                "slug": "vladimir-putin",
                "role": "President of Russia",
                "aliases": ["President of Russia Vladimir Putin", "Vladimir Putin"],
            },
        ],
        "paragraphs": [
            {"kind": "speech", "speaker": "vladimir-putin", "speaker_label": "В.Путин", "text": "Добрый день."},
            {"kind": "stage", "speaker": None, "speaker_label": "", "text": "(Аплодисменты.)"},
            {"kind": "speech", "speaker": "alexander-lukashenko", "speaker_label": "Вопрос", "text": "Когда?"},
        ],
        "created": russian.created.isoformat(),
        "updated": Speech.objects.get(pk=russian.pk).updated.isoformat(),
    }
    notes = json_format.speech_record(Speech.objects.get(title="Untitled notes"))
    assert (notes["time"], notes["venue"], notes["translation"], notes["speakers"]) == (None, None, None, [])
