import datetime
import json

import pytest
from django.core.management import call_command

from speeches.importers import import_paths, json_format
from speeches.models import Paragraph, Speaker, SpeakerAlias, Speech, Venue
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
    report = import_paths([output])

    assert report.summary() == "3 created, 0 updated, 0 unchanged, 0 skipped, 0 failed"
    assert archive_snapshot() == before
    again = import_paths([output])
    assert again.summary() == "0 created, 0 updated, 3 unchanged, 0 skipped, 0 failed"


def test_export_record_shape(archive):
    russian = Speech.objects.get(language="ru")
    record = json_format.speech_record(russian)
    assert {k: record[k] for k in ("title", "date", "time", "kind", "language", "status", "venue", "translation")} == {
        "title": "Встреча с Александром Лукашенко",
        "date": "2020-01-09",
        "time": "18:00",
        "kind": "meeting",
        "language": "ru",
        "status": "draft",
        "venue": {"name": "Novo-Ogaryovo, Moscow Region", "city": "Novo-Ogaryovo", "region": "Moscow Region"},
        "translation": {"source_url": "http://en.kremlin.ru/events/president/news/70001", "source_id": "70001"},
    }
    assert record["paragraphs"][0] == {
        "kind": "speech",
        "speaker": "vladimir-putin",
        "speaker_label": "В.Путин",
        "text": "Добрый день.",
    }
    assert [s["name"] for s in record["speakers"]] == ["Dmitry Peskov", "Vladimir Putin"]


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
