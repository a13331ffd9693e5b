"""Downloads of one address (text, JSON, CSV, TEI) and corpus exports that import back exactly."""

import csv
import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from lxml import etree

from speeches import exports
from speeches.importers import import_paths
from speeches.models import Paragraph, Place, Speaker, Speech, Topic, Venue
from tests.factories import make_speaker, make_speech, make_venue
from tests.test_import_corpus import NEWS
from tests.test_import_json import archive_snapshot

pytestmark = pytest.mark.django_db

TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"


@pytest.fixture
def talk():
    """A meeting with a heading, two named speakers, an anonymous questioner, a stage direction and a separator."""
    putin = make_speaker()
    speech = make_speech(
        "Meeting with students",
        datetime.date(2023, 6, 28),
        time=datetime.time(18, 0),
        slug="meeting-with-students",
        venue=make_venue("Sochi"),
        lead="The President met students.",
        source_url="http://en.kremlin.ru/events/president/news/71522",
        source_id="71522",
        speaker=putin,
        paragraphs=[
            "The meeting took place at the Sirius centre.",
            ("Vladimir Putin", "Good afternoon, friends."),
            "Let us begin.",
        ],
    )
    # The account of the event before anyone speaks belongs to no one.
    Paragraph.objects.filter(speech=speech, position=1).update(speaker=None)
    rector = Speaker.objects.create(name="Anna Ivanova", slug="anna-ivanova", role="Rector")
    speech.speakers.add(rector)
    rows = [
        Paragraph(speech=speech, position=4, kind=Paragraph.Kind.STAGE, text="(Applause.)"),
        Paragraph(speech=speech, position=5, kind=Paragraph.Kind.HEADING, text="Questions & <answers>"),
        Paragraph(speech=speech, position=6, speaker=rector, speaker_label="Anna Ivanova", text="Thank you."),
        Paragraph(speech=speech, position=7, speaker_label="Student", text="A question on grants?"),
        Paragraph(speech=speech, position=8, kind=Paragraph.Kind.SEPARATOR, text="* * *"),
        Paragraph(speech=speech, position=9, speaker=putin, speaker_label="Vladimir Putin", text="Grants will grow."),
    ]
    Paragraph.objects.bulk_create(rows)
    return speech


def url(speech, extension):
    return speech.get_absolute_url().rstrip("/") + "." + extension


def download(client, speech, extension):
    response = client.get(url(speech, extension))
    assert response.status_code == 200
    assert response["Content-Type"] == exports.DOWNLOADS[extension]
    assert response["Content-Disposition"] == f'attachment; filename="2023-06-28-meeting-with-students.{extension}"'
    return response.content


def test_the_speech_page_links_every_download(client, talk):
    html = client.get(talk.get_absolute_url()).content.decode()
    for extension in exports.DOWNLOADS:
        assert f'href="{url(talk, extension)}" download' in html


def test_text_download_holds_the_details_and_the_transcript_in_the_archive_form(client, talk):
    text = download(client, talk, "txt").decode()
    lines = text.splitlines()
    assert lines[:5] == [
        "Meeting with students",
        "2023-06-28 18:00",
        "Sochi",
        "Source: http://en.kremlin.ru/events/president/news/71522",
        "Archived at: http://testserver/speeches/2023/06/28/meeting-with-students/",
    ]
    assert "\n\nVladimir Putin: Good afternoon, friends.\n\nLet us begin.\n\n(Applause.)\n\n## Questions" in text
    assert "\n\nStudent: A question on grants?\n\n* * *\n\n" in text


def test_json_download_is_the_archive_format_and_imports_back(client, talk, tmp_path):
    record = json.loads(download(client, talk, "json"))
    assert record["title"] == "Meeting with students"
    assert [p["speaker"] for p in record["paragraphs"]][:3] == [None, "vladimir-putin", "vladimir-putin"]
    before = archive_snapshot()
    path = tmp_path / "talk.json"
    path.write_text(json.dumps(record), "utf-8")
    Speech.objects.all().delete()
    Speaker.objects.all().delete()
    Venue.objects.all().delete()
    assert import_paths([path]).summary() == "1 created, 0 updated, 0 unchanged, 0 skipped, 0 failed"
    assert archive_snapshot() == before


def test_csv_download_has_one_row_per_paragraph(client, talk):
    rows = list(csv.reader(io.StringIO(download(client, talk, "csv").decode())))
    assert rows[0] == exports.CSV_COLUMNS
    assert len(rows) == 1 + 9
    assert rows[2] == [
        "2023-06-28",
        "meeting-with-students",
        "Meeting with students",
        "en",
        "2",
        "speech",
        "vladimir-putin",
        "Vladimir Putin",
        "Good afternoon, friends.",
    ]
    assert rows[7][5:] == ["speech", "", "Student", "A question on grants?"]


def test_tei_download_is_well_formed_and_follows_the_transcript(client, talk):
    root = etree.fromstring(download(client, talk, "xml"))
    assert root.tag == f"{TEI}TEI"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    header = root.find(f"{TEI}teiHeader")
    assert header.findtext(f".//{TEI}titleStmt/{TEI}title") == "Meeting with students"
    source = header.find(f".//{TEI}sourceDesc/{TEI}bibl")
    assert source.findtext(f"{TEI}idno") == "http://en.kremlin.ru/events/president/news/71522"
    assert source.findtext(f"{TEI}publisher") == "President of Russia"
    people = {p.get(XML_ID): p.findtext(f"{TEI}persName") for p in header.iter(f"{TEI}person")}
    assert people == {"vladimir-putin": "Vladimir Putin", "anna-ivanova": "Anna Ivanova", "unnamed-1": "Student"}
    body = root.find(f"{TEI}text/{TEI}body/{TEI}div")
    shape = [
        (child.tag.removeprefix(TEI), child.get("who") or child.get("type") or child.get("unit"), child.get("n"))
        for child in body
    ]
    assert shape == [
        ("note", "narrative", "1"),
        ("u", "#vladimir-putin", None),
        ("head", None, "5"),
        ("u", "#anna-ivanova", None),
        ("u", "#unnamed-1", None),
        ("milestone", "section", "8"),
        ("u", "#vladimir-putin", None),
    ]
    first_turn = body[1]
    assert [(seg.tag.removeprefix(TEI), seg.get("n"), seg.text) for seg in first_turn] == [
        ("seg", "2", "Good afternoon, friends."),
        ("seg", "3", "Let us begin."),
        ("note", "4", "(Applause.)"),
    ]
    assert body[2].text == "Questions & <answers>"
    # Every utterance names someone in the list of persons, and every paragraph is there once, in order.
    assert {u.get("who")[1:] for u in body.iter(f"{TEI}u")} <= set(people)
    assert [int(e.get("n")) for e in body.iter() if e.get("n")] == list(range(1, 10))


def test_downloads_of_a_draft_are_not_found(client, talk):
    talk.status = Speech.Status.DRAFT
    talk.save()
    for extension in exports.DOWNLOADS:
        assert client.get(url(talk, extension)).status_code == 404


def export(*args):
    out = io.StringIO()
    err = io.StringIO()
    call_command("export_corpus", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_export_corpus_writes_each_format_with_the_archive_filters(talk, tmp_path):
    make_speech("Interview", datetime.date(2019, 1, 1), kind=Speech.Kind.INTERVIEW, paragraphs=["Yes."])
    make_speech("Draft", datetime.date(2020, 1, 1), status=Speech.Status.DRAFT, paragraphs=["Not yet."])
    lines, err = export()
    assert [json.loads(line)["title"] for line in lines.splitlines()] == ["Interview", "Meeting with students"]
    assert err.strip() == "2 speeches written."
    lines, _ = export("--include-unpublished")
    assert len(lines.splitlines()) == 3
    lines, _ = export("--kind", "interview")
    assert [json.loads(line)["title"] for line in lines.splitlines()] == ["Interview"]
    lines, _ = export("--date-from", "2023-01-01", "--speaker", "Anna Ivanova")
    assert [json.loads(line)["title"] for line in lines.splitlines()] == ["Meeting with students"]
    table = tmp_path / "corpus.csv"
    export("--format", "csv", "--output", str(table))
    rows = list(csv.reader(table.open(encoding="utf-8", newline="")))
    assert rows[0] == exports.CSV_COLUMNS and len(rows) == 1 + 1 + 9
    corpus = tmp_path / "corpus.xml"
    export("--format", "tei", "--output", str(corpus))
    # Parsed with the ids checked: every xml:id is unique across the corpus.
    root = etree.parse(str(corpus)).getroot()
    assert root.tag == f"{TEI}teiCorpus"
    meeting = root.findall(f"{TEI}TEI")[1]
    assert meeting.get(XML_ID) == "d20230628-meeting-with-students"
    assert meeting.find(f".//{TEI}seg").get(XML_ID) == "d20230628-meeting-with-students.p2"
    assert meeting.find(f".//{TEI}u").get("who") == "#d20230628-meeting-with-students.vladimir-putin"
    assert [tei.findtext(f".//{TEI}titleStmt/{TEI}title") for tei in root.findall(f"{TEI}TEI")] == [
        "Interview",
        "Meeting with students",
    ]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--date-from", "2023-02-30"], "Enter a valid date."),
        (["--speaker", "Nobody Known"], "No speaker is known as “Nobody Known”"),
    ],
)
def test_export_corpus_says_what_is_wrong_with_a_filter(talk, args, message):
    with pytest.raises(CommandError, match=message):
        export(*args)


@pytest.mark.corpus
@pytest.mark.skipif(not NEWS.is_dir(), reason="the corpus ../shared/corpus is not beside this clone")
def test_the_english_corpus_exported_and_imported_into_an_empty_archive_is_the_same(tmp_path):
    import_paths([NEWS])
    before = archive_snapshot()
    assert len(before) == 1136
    assert sum(1 for speech in before if speech["topics"] or speech["places"] or speech["people"]) == 1063
    path = tmp_path / "corpus.jsonl"
    export("--include-unpublished", "--output", str(path))
    Speech.objects.all().delete()
    Speaker.objects.all().delete()
    Venue.objects.all().delete()
    Topic.objects.all().delete()
    Place.objects.all().delete()
    assert import_paths([path]).summary() == "1136 created, 0 updated, 0 unchanged, 0 skipped, 0 failed"
    after = archive_snapshot()
    # Field by field, speech by speech, so that a difference names where it is.
    for old, new in zip(before, after, strict=True):
        assert old == new, old["title"]
