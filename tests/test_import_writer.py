"""Writing imported speeches: idempotence, updates in place, bad files, dry runs and the command."""

import datetime
import json
import sqlite3
from contextlib import contextmanager

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext

from speeches import curation, history
from speeches.importers import import_paths
from speeches.importers.base import ParsedParagraph, ParsedSpeaker, ParsedSpeech
from speeches.importers.speakers import split_role
from speeches.importers.writer import WriteError, Writer, labels_of
from speeches.models import Paragraph, Speaker, SpeakerAlias, Speech, Venue
from tests.factories import make_speaker, make_speech, make_venue
from tests.import_samples import NBSP, ODD_BODY, kremlin_page

pytestmark = pytest.mark.django_db


NOTHING_STORED = {"Speech": 0, "Paragraph": 0, "Speaker": 0, "SpeakerAlias": 0, "Venue": 0, "speakers": 0}


def counts():
    return {model.__name__: model.objects.count() for model in (Speech, Paragraph, Speaker, SpeakerAlias, Venue)} | {
        "speakers": Speech.speakers.through.objects.count()
    }


@pytest.fixture
def pages(tmp_path):
    folder = tmp_path / "news" / "2020"
    folder.mkdir(parents=True)
    (folder / "70001.html").write_text(kremlin_page(id="70001", body=ODD_BODY), encoding="utf-8")
    (folder / "70002.html").write_text(
        kremlin_page(id="70002", title="Meeting with Sergei Shoigu", body="<p><b>Sergei Shoigu:</b> Report.</p>"),
        encoding="utf-8",
    )
    (folder / "screen.css").write_text("body {}", encoding="utf-8")
    return tmp_path


def test_second_import_reports_unchanged_and_writes_nothing(pages):
    first = import_paths([pages])
    assert first.summary() == "2 created, 0 updated, 0 unchanged, 0 skipped, 0 failed"
    before = counts()
    saved = []

    def remember(sender, instance, **kwargs):
        saved.append(instance.pk)

    post_save.connect(remember, sender=Speech)
    try:
        with CaptureQueriesContext(connection) as queries:
            second = import_paths([pages])
    finally:
        post_save.disconnect(remember, sender=Speech)
    assert second.summary() == "0 created, 0 updated, 2 unchanged, 0 skipped, 0 failed"
    assert counts() == before
    writes = [q["sql"] for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert writes == []
    assert saved == []


def test_changed_source_updates_speech_and_paragraphs_in_place(tmp_path):
    page = tmp_path / "70001.html"
    page.write_text(kremlin_page(body="<p><b>Vladimir Putin:</b> One.</p><p>Two.</p><p>Three.</p>"), "utf-8")
    import_paths([page])
    speech = Speech.objects.get()
    first_ids = list(speech.paragraphs.values_list("id", flat=True))
    saved = []

    def remember(sender, instance, **kwargs):
        saved.append(instance.pk)

    post_save.connect(remember, sender=Speech)
    try:
        page.write_text(
            kremlin_page(title="Meeting, corrected", body="<p><b>Vladimir Putin:</b> One.</p><p>Two, fixed.</p>"),
            "utf-8",
        )
        report = import_paths([page])
    finally:
        post_save.disconnect(remember, sender=Speech)

    assert report.summary() == "0 created, 1 updated, 0 unchanged, 0 skipped, 0 failed"
    speech.refresh_from_db()
    assert speech.title == "Meeting, corrected"
    assert [(p.id, p.text) for p in speech.paragraphs.all()] == [(first_ids[0], "One."), (first_ids[1], "Two, fixed.")]
    assert saved == [speech.pk]


def test_editorial_status_survives_a_reimport(tmp_path):
    page = tmp_path / "70001.html"
    page.write_text(kremlin_page(body="<p>One.</p>"), "utf-8")
    import_paths([page], status="draft")
    Speech.objects.update(status="published")
    page.write_text(kremlin_page(body="<p>One, changed.</p>"), "utf-8")
    import_paths([page], status="draft")
    assert Speech.objects.get().status == "published"


def test_bad_file_is_reported_and_the_others_are_imported(pages):
    (pages / "news" / "2020" / "broken.html").write_bytes(b"<html><body><p>No article here</p></body></html>")
    (pages / "news" / "empty.txt").write_text("", "utf-8")
    report = import_paths([pages])
    assert report.summary() == "2 created, 0 updated, 0 unchanged, 0 skipped, 2 failed"
    assert [str(o) for o in report.problems()] == [
        f"failed: {pages}/news/2020/broken.html: No title found: this does not look like a kremlin.ru event page.",
        f"failed: {pages}/news/empty.txt: The file is empty.",
    ]
    assert Speech.objects.count() == 2


def test_missing_path_and_undated_page_fail_with_their_reason(tmp_path):
    undated = tmp_path / "undated.html"
    undated.write_text(kremlin_page(date=None, body="<p>Text.</p>"), "utf-8")
    report = import_paths([tmp_path / "nowhere.html", undated])
    assert [str(o) for o in report.outcomes] == [
        f"failed: {tmp_path}/nowhere.html: No such file or directory",
        f"failed: {undated}: The transcript has no date.",
    ]
    assert Speech.objects.count() == 0


def test_dry_run_writes_nothing(pages):
    with CaptureQueriesContext(connection) as queries:
        report = import_paths([pages], dry_run=True)
    assert report.summary() == "2 created, 0 updated, 0 unchanged, 0 skipped, 0 failed"
    # Only reads: it opens no transaction of its own either.
    assert {q["sql"].split()[0] for q in queries} == {"SELECT"}
    assert counts() == NOTHING_STORED


def test_same_title_and_date_under_two_ids_get_two_slugs(tmp_path):
    for id in ("58001", "58002"):
        (tmp_path / f"{id}.html").write_text(
            kremlin_page(id=id, title="Congratulations to President of Armenia Serzh Sargsyan", body="<p>Hi.</p>"),
            "utf-8",
        )
    report = import_paths([tmp_path])
    assert report.summary() == "2 created, 0 updated, 0 unchanged, 0 skipped, 0 failed"
    assert sorted(Speech.objects.values_list("source_id", "slug")) == [
        ("58001", "congratulations-to-president-of-armenia-serzh-sargsyan"),
        ("58002", "congratulations-to-president-of-armenia-serzh-sargsyan-2"),
    ]


def test_speaker_spellings_are_one_person_with_role_kept(tmp_path):
    body = (
        f"<p><b>President of{NBSP}Russia\nVladimir Putin:</b> One.</p>"
        "<p><b>Vladimir\nPutin:</b> Two.</p>"
        "<p><b>Remark:</b> Three.</p><p><b>Reply:</b> Four.</p><p><b>Answer:</b> Five.</p>"
    )
    (tmp_path / "1.html").write_text(kremlin_page(id="1", body=body), "utf-8")
    import_paths([tmp_path])
    putin = Speaker.objects.get()
    assert (putin.name, putin.role) == ("Vladimir Putin", "President of Russia")
    assert sorted(putin.aliases.values_list("label", flat=True)) == [
        "President of Russia Vladimir Putin",
        "Vladimir Putin",
    ]
    paragraphs = Paragraph.objects.order_by("position")
    assert [(p.speaker_label, p.speaker_id) for p in paragraphs] == [
        (f"President of{NBSP}Russia Vladimir Putin", putin.pk),
        ("Vladimir Putin", putin.pk),
        ("Remark", None),
        ("Reply", None),
        ("Answer", None),
    ]


def test_known_alias_resolves_and_new_spelling_becomes_alias(tmp_path):
    lavrov = make_speaker("Sergei Lavrov", role="")
    SpeakerAlias.objects.create(speaker=lavrov, label="Sergei Lavrov")
    body = "<p><b>Minister of Foreign Affairs Sergei Lavrov:</b> Yes.</p><p><b>S.Lavrov:</b> No.</p>"
    (tmp_path / "1.html").write_text(kremlin_page(id="1", body=body), "utf-8")
    import_paths([tmp_path])
    lavrov.refresh_from_db()
    assert lavrov.role == "Minister of Foreign Affairs"
    assert Speaker.objects.count() == 2  # "S.Lavrov" has no name the archive knows: a speaker of its own
    assert "Minister of Foreign Affairs Sergei Lavrov" in set(lavrov.aliases.values_list("label", flat=True))


@pytest.mark.parametrize(
    ("label", "role", "name"),
    [
        ("Prime Minister Dmitry Medvedev", "Prime Minister", "Dmitry Medvedev"),
        ("Journalist Mikhail Leontyev", "Journalist", "Mikhail Leontyev"),
        ("Hamad bin Isa Al Khalifa", "", "Hamad bin Isa Al Khalifa"),
        ("King of Jordan Abdullah II", "King of Jordan", "Abdullah II"),
        ("DEPUTY CHIEF OF STAFF DMITRY PESKOV", "DEPUTY CHIEF OF STAFF", "Dmitry Peskov"),
        ("Andrei Vandenko", "", "Andrei Vandenko"),
    ],
)
def test_role_split_from_name(label, role, name):
    assert split_role(label, lambda key: False) == (role, name)


def test_venue_spellings_are_one_venue(tmp_path):
    (tmp_path / "1.html").write_text(kremlin_page(id="1", place=f"The{NBSP}Kremlin, Moscow"), "utf-8")
    (tmp_path / "2.html").write_text(kremlin_page(id="2", place="The Kremlin,\nMoscow"), "utf-8")
    import_paths([tmp_path])
    assert list(Venue.objects.values_list("name", flat=True)) == ["The Kremlin, Moscow"]
    assert Speech.objects.filter(venue__isnull=False).count() == 2


def test_new_speech_is_written_with_few_statements():
    parsed = ParsedSpeech(
        title="Meeting",
        date=datetime.date(2020, 1, 1),
        source_url="http://en.kremlin.ru/events/president/news/1",
        source_id="1",
        paragraphs=[ParsedParagraph(f"Paragraph {n}.", speaker_label="Question" if n == 1 else "") for n in range(200)],
    )
    writer = Writer()
    writer.write(
        ParsedSpeech(**{**parsed.__dict__, "title": "Other", "source_id": "0", "paragraphs": parsed.paragraphs[:1]})
    )
    with CaptureQueriesContext(connection) as queries:
        writer.write(parsed)
    statements = [q["sql"] for q in queries]
    paragraph_inserts = [sql for sql in statements if sql.startswith('INSERT INTO "speeches_paragraph"')]
    # savepoint, slug check, insert speech, queue it for the index, release; 200 paragraphs in at most two batches
    # (SQLite's 999 parameters)
    assert len(paragraph_inserts) <= 2
    assert len(statements) - len(paragraph_inserts) <= 5, [s[:50] for s in statements]
    assert sum(sql.startswith('INSERT INTO "speeches_indexupdate"') for sql in statements) == 1


def test_command_reports_counts_and_exits_zero(pages, capsys):
    call_command("import_speeches", str(pages))
    assert capsys.readouterr().out.strip() == "2 created, 0 updated, 0 unchanged, 0 skipped, 0 failed."
    call_command("import_speeches", str(pages), "--dry-run")
    assert capsys.readouterr().out.strip() == (
        "Dry run, nothing written: 0 created, 0 updated, 2 unchanged, 0 skipped, 0 failed."
    )


def test_command_exits_non_zero_when_a_file_failed(pages, capsys):
    (pages / "bad.json").write_text("{not json", "utf-8")
    with pytest.raises(CommandError, match="1 could not be imported") as raised:
        call_command("import_speeches", str(pages), "--status", "draft")
    assert raised.value.returncode == 1
    captured = capsys.readouterr()
    assert captured.out.strip() == "2 created, 0 updated, 0 unchanged, 0 skipped, 1 failed."
    assert f"failed: {pages}/bad.json (line 1): Not valid JSON" in captured.err
    assert set(Speech.objects.values_list("status", flat=True)) == {"draft"}


def test_command_format_and_language_override(tmp_path, capsys):
    transcript = tmp_path / "address.html.bak"
    transcript.write_text("An address\n\nJune 1, 2020\n\nVladimir Putin: Hello.\n", "utf-8")
    call_command("import_speeches", str(transcript), "--format", "text", "--language", "ru")
    speech = Speech.objects.get()
    assert (speech.title, speech.language, speech.status) == ("An address", "ru", "published")


def test_command_without_transcripts_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="No transcript files found"):
        call_command("import_speeches", str(tmp_path))


@pytest.mark.parametrize(
    ("label", "role", "name"),
    [
        ("Yevgeny Rozhkov, reporter at VGTRK", "reporter at VGTRK", "Yevgeny Rozhkov"),
        ("Inna Sverdlyukovskaya (Krasnodar Territory)", "Krasnodar Territory", "Inna Sverdlyukovskaya"),
        ("CEO of Royal Dutch Shell Ben van Beurden", "CEO of Royal Dutch Shell", "Ben van Beurden"),
        ("Senior Sergeant Tatyana Kovaleva", "Senior Sergeant", "Tatyana Kovaleva"),
        ("Alexander Van der Bellen", "", "Alexander Van der Bellen"),
    ],
)
def test_role_split_from_name_written_after_it(label, role, name):
    assert split_role(label, lambda key: False) == (role, name)


def test_role_split_at_a_name_printed_alone_in_capitals():
    assert split_role("PRESS SECRETARY DMITRY PESKOV", lambda key: key == "dmitry peskov") == (
        "PRESS SECRETARY",
        "Dmitry Peskov",
    )


def test_saved_speech_is_complete_when_its_transaction_commits(tmp_path, django_capture_on_commit_callbacks):
    seen = []

    def on_save(sender, instance, **kwargs):
        # What a search index does: read the speech once the transaction has committed.
        transaction.on_commit(lambda: seen.append((instance.title, instance.paragraphs.count())))

    (tmp_path / "1.html").write_text(kremlin_page(id="1", title="Meeting", body="<p>One.</p><p>Two.</p>"), "utf-8")
    post_save.connect(on_save, sender=Speech)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            import_paths([tmp_path])
        (tmp_path / "1.html").write_text(kremlin_page(id="1", title="Meeting", body="<p>One.</p>"), "utf-8")
        with django_capture_on_commit_callbacks(execute=True):
            import_paths([tmp_path])
    finally:
        post_save.disconnect(on_save, sender=Speech)
    assert seen == [("Meeting", 2), ("Meeting", 1)]


def test_command_lists_every_file_at_verbosity_two(pages, capsys):
    call_command("import_speeches", str(pages), verbosity=2)
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"created: {pages}/news/2020/70001.html",
        f"created: {pages}/news/2020/70002.html",
        "2 created, 0 updated, 0 unchanged, 0 skipped, 0 failed.",
    ]


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"title": "T" * 501}, "The title is longer than 500 characters."),
        ({"source_id": "9" * 101}, "The source id is longer than 100 characters."),
        ({"paragraphs": [{"text": "x", "speaker_label": "L" * 301}]}, "The speaker label of paragraph 1 is longer"),
    ],
)
def test_overlong_fields_fail_cleanly_on_every_database(tmp_path, record, message):
    import json

    path = tmp_path / "speech.json"
    path.write_text(json.dumps({"title": "T", "date": "2020-01-01", "paragraphs": [{"text": "x"}], **record}), "utf-8")
    report = import_paths([path])
    assert report.summary() == "0 created, 0 updated, 0 unchanged, 0 skipped, 1 failed"
    assert report.problems()[0].reason.startswith(message)
    assert counts()["Speech"] == 0


def test_command_reports_progress_in_plain_lines_when_not_on_a_terminal(tmp_path, capsys):
    for n in range(101):
        (tmp_path / f"{n}.txt").write_text(f"Address {n}\n\nJune 1, 2020\n\nVladimir Putin: Hello.\n", "utf-8")
    call_command("import_speeches", str(tmp_path))
    captured = capsys.readouterr()
    assert captured.err.splitlines() == ["100/101 files read", "101/101 files read"]
    assert captured.out.strip() == "101 created, 0 updated, 0 unchanged, 0 skipped, 0 failed."


def record(**fields):
    return ParsedSpeech(
        **{
            "title": "Meeting",
            "date": datetime.date(2020, 1, 1),
            "source_url": "http://en.kremlin.ru/events/president/news/70001",
            "source_id": "70001",
            "paragraphs": [ParsedParagraph("One."), ParsedParagraph("Two.")],
            **fields,
        }
    )


def refusal(error, cause):
    """The error Django raises when the database driver raised `cause`."""
    refused = error(*cause.args)
    refused.__cause__ = cause
    return refused


@contextmanager
def paragraphs_refused(errors):
    """The database refuses the speech's paragraphs with each of `errors` in turn, then takes them."""
    pending = list(errors)

    def refuse(execute, sql, params, many, context):
        if pending and sql.startswith('INSERT INTO "speeches_paragraph"'):
            raise pending.pop(0)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse):
        yield pending


# What a second import writing the same rows at the same time makes each database say.
CONFLICTS = {
    "sqlite-unique": lambda: refusal(
        IntegrityError, sqlite3.IntegrityError("UNIQUE constraint failed: speeches_speech.date, speeches_speech.slug")
    ),
    "sqlite-locked": lambda: refusal(OperationalError, sqlite3.OperationalError("database is locked")),
    "postgres-unique": lambda: refusal(
        IntegrityError,
        psycopg.errors.UniqueViolation('duplicate key value violates unique constraint "speech_unique_slug_per_day"'),
    ),
    "postgres-deadlock": lambda: refusal(OperationalError, psycopg.errors.DeadlockDetected("deadlock detected")),
    "postgres-serialization": lambda: refusal(
        OperationalError, psycopg.errors.SerializationFailure("could not serialize access due to concurrent update")
    ),
}


def test_source_stored_by_another_import_meanwhile_is_found_and_left_unchanged():
    ours = Writer()
    # This run has already read which sources the archive holds when the other import stores the speech.
    ours.write(record(source_id="70000", source_url="http://en.kremlin.ru/events/president/news/70000"))
    assert Writer().write(record())[0] == "created"
    outcome, speech = ours.write(record())
    assert (outcome, speech) == ("unchanged", Speech.objects.get(source_id="70001"))
    assert Speech.objects.count() == 2


@pytest.mark.parametrize("conflict", CONFLICTS.values(), ids=CONFLICTS.keys())
def test_speech_refused_for_a_concurrent_import_is_stored_on_a_later_attempt(conflict):
    with paragraphs_refused([conflict() for _ in range(3)]) as pending:
        outcome, speech = Writer().write(record())
    assert pending == []
    assert outcome == "created"
    assert list(Speech.objects.values_list("pk", flat=True)) == [speech.pk]
    assert list(speech.paragraphs.values_list("position", "text")) == [(1, "One."), (2, "Two.")]


def test_speech_refused_four_times_is_given_up_with_the_databases_reason():
    refusals = [CONFLICTS["sqlite-unique"]() for _ in range(4)]
    with paragraphs_refused(refusals) as pending, pytest.raises(WriteError) as raised:
        Writer().write(record())
    assert pending == []
    assert str(raised.value) == (
        "The database refused the speech: UNIQUE constraint failed: speeches_speech.date, speeches_speech.slug"
    )
    assert counts() == NOTHING_STORED


def test_speech_the_database_refuses_for_itself_fails_at_once_and_leaves_nothing_behind():
    # Not what a concurrent import causes: trying again would meet the same refusal.
    refused = refusal(IntegrityError, sqlite3.IntegrityError("NOT NULL constraint failed: speeches_paragraph.text"))
    with (
        paragraphs_refused([refused]),
        pytest.raises(WriteError, match="^The database refused the speech: NOT NULL constraint failed: "),
    ):
        Writer().write(record())
    assert counts() == NOTHING_STORED


def test_slug_taken_that_day_gives_way_to_one_made_from_the_title():
    title = "Address to the Federal Assembly"
    day, other_day = datetime.date(2020, 1, 15), datetime.date(2021, 4, 21)
    for source_id, date in [("1", day), ("2", day), ("3", other_day)]:
        Writer().write(record(title=title, slug="address", source_id=source_id, date=date))
    assert sorted(Speech.objects.values_list("source_id", "date", "slug")) == [
        ("1", day, "address"),
        ("2", day, "address-to-the-federal-assembly"),
        ("3", other_day, "address"),
    ]


def test_speech_known_only_by_its_address_is_stored_once_when_met_twice_in_a_run(tmp_path):
    line = {
        "title": "Meeting",
        "date": "2020-01-01",
        "source_url": "http://en.kremlin.ru/events/president/news/70001",
        "paragraphs": [{"text": "One."}],
    }
    path = tmp_path / "speeches.jsonl"
    path.write_text(f"{json.dumps(line)}\n{json.dumps(line)}\n", "utf-8")
    report = import_paths([path])
    assert report.summary() == "1 created, 0 updated, 1 unchanged, 0 skipped, 0 failed"
    assert list(Speech.objects.values_list("source_url", "source_id", "slug")) == [
        ("http://en.kremlin.ru/events/president/news/70001", "", "meeting")
    ]


def test_revising_a_speech_with_its_own_transcript_and_details_changes_nothing():
    putin = make_speaker()
    english = make_speech("Address to the Federal Assembly", paragraphs=["Good afternoon."])
    speech = make_speech(
        "Послание Федеральному Собранию",
        language="ru",
        venue=make_venue(),
        translation=english,
        paragraphs=[("Владимир Путин", "Добрый день."), "Уважаемые коллеги!"],
        speaker=putin,
    )
    outcome, revised = Writer(note="Transcript edited").revise(speech, curation.as_parsed(speech))
    assert (outcome, revised) == ("unchanged", speech)
    assert not history.versions(speech).exists()
    assert list(speech.paragraphs.values_list("speaker_label", "speaker", "text")) == [
        ("Владимир Путин", putin.pk, "Добрый день."),
        ("", putin.pk, "Уважаемые коллеги!"),
    ]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": " "}, "The transcript has no title."),
        ({"date": None}, "The transcript has no date."),
        ({"paragraphs": []}, "The transcript has no paragraphs."),
    ],
)
def test_transcript_without_a_title_a_date_or_paragraphs_is_refused_with_its_reason(fields, message):
    with pytest.raises(WriteError) as raised:
        Writer().write(record(**fields))
    assert str(raised.value) == message
    assert counts() == NOTHING_STORED


def test_fields_exactly_as_long_as_the_archive_allows_are_stored():
    address = "http://en.kremlin.ru/events/president/news/"
    parsed = record(
        title="T" * 500,
        slug="s" * 200,
        source_url=address + "7" * (500 - len(address)),
        source_id="7" * 100,
        paragraphs=[ParsedParagraph("When?", speaker_label="Question " + "q" * 291)],
    )
    outcome, speech = Writer().write(parsed)
    assert outcome == "created"
    speech.refresh_from_db()
    label = speech.paragraphs.get().speaker_label
    assert [len(value) for value in (speech.title, speech.slug, speech.source_url, speech.source_id, label)] == [
        500,
        200,
        500,
        100,
        300,
    ]


def test_speech_known_only_by_its_address_is_found_again_by_a_later_run():
    address = {"source_url": "http://en.kremlin.ru/events/president/news/70001", "source_id": ""}
    _, first = Writer().write(record(**address))
    outcome, speech = Writer().write(record(**address))
    assert (outcome, speech) == ("unchanged", first)
    assert list(Speech.objects.values_list("slug", flat=True)) == ["meeting"]


def test_transcript_without_a_source_matches_only_a_sourceless_speech_of_its_day_and_slug():
    day, other_day = datetime.date(2020, 1, 1), datetime.date(2020, 1, 2)
    no_source = {"source_url": "", "source_id": ""}
    assert Writer().write(record(title="Notes", slug="notes", date=day, **no_source))[0] == "created"
    # Each shares a slug with a transcript below but lacks one of the conditions for being the same speech.
    make_speech("Remarks", day, slug="remarks", source_id="")
    make_speech("Statement", day, slug="statement", source_url="")
    make_speech("Greeting", other_day, slug="greeting", **no_source)
    outcomes = [
        Writer().write(record(title=slug.title(), slug=slug, date=day, **no_source))[0]
        for slug in ("remarks", "statement", "greeting", "other", "notes")
    ]
    assert outcomes == ["created", "created", "created", "created", "unchanged"]
    assert sorted(Speech.objects.values_list("date", "slug")) == [
        (day, "greeting"),
        (day, "notes"),
        (day, "other"),
        (day, "remarks"),
        (day, "remarks-2"),
        (day, "statement"),
        (day, "statement-2"),
        (other_day, "greeting"),
    ]


# A value before and after for every detail of a speech that a source can change.
DETAILS = {
    "title": ("Meeting", "Meeting, corrected"),
    "date": (datetime.date(2020, 1, 1), datetime.date(2020, 1, 2)),
    "time": (None, datetime.time(18, 0)),
    "kind": ("meeting", "speech"),
    "venue": ("The Kremlin, Moscow", "Novo-Ogaryovo"),
    "language": ("en", "ru"),
    "lead": ("", "A short summary."),
    "translation_id": ("", "1"),
}


def details(speech):
    return {
        "title": speech.title,
        "date": speech.date,
        "time": speech.time,
        "kind": speech.kind,
        "venue": speech.venue.name,
        "language": speech.language,
        "lead": speech.lead,
        "translation_id": speech.translation.source_id if speech.translation else "",
    }


@pytest.mark.parametrize("changed", DETAILS)
def test_a_change_to_one_detail_alone_updates_the_speech(changed):
    make_speech(language="ru", source_url="", source_id="1")
    before = {name: values[0] for name, values in DETAILS.items()}
    after = {**before, changed: DETAILS[changed][1]}
    assert Writer().write(record(**before))[0] == "created"
    outcome, speech = Writer().write(record(**after))
    assert outcome == "updated"
    assert details(Speech.objects.get(pk=speech.pk)) == after


def test_stored_speech_keeps_its_slug_when_its_record_names_another():
    Writer().write(record(slug="meeting"))
    outcome, speech = Writer().write(record(slug="meeting-in-the-kremlin", paragraphs=[ParsedParagraph("One, fixed.")]))
    assert outcome == "updated"
    speech.refresh_from_db()
    # The speech's web address stays the one readers already know.
    assert (speech.slug, list(speech.paragraphs.values_list("text", flat=True))) == ("meeting", ["One, fixed."])


def test_paragraph_rewritten_in_every_field_keeps_its_id_and_takes_the_new_values():
    Writer().write(
        record(paragraphs=[ParsedParagraph("Good afternoon.", speaker_label="Vladimir Putin"), ParsedParagraph("Two.")])
    )
    speech = Speech.objects.get()
    ids = list(speech.paragraphs.values_list("id", flat=True))
    outcome, _ = Writer().write(
        record(paragraphs=[ParsedParagraph("(Applause.)", kind="stage"), ParsedParagraph("Two.")])
    )
    assert outcome == "updated"
    assert list(speech.paragraphs.values_list("id", "kind", "speaker", "speaker_label", "text")) == [
        (ids[0], "stage", None, "", "(Applause.)"),
        (ids[1], "speech", None, "", "Two."),
    ]
    assert list(speech.speakers.all()) == []


def test_translation_known_only_by_its_address_is_linked_both_ways():
    russian = make_speech(language="ru", source_url="http://kremlin.ru/events/president/news/70001", source_id="")
    outcome, speech = Writer().write(record(translation_url="http://kremlin.ru/events/president/news/70001"))
    assert (outcome, speech.translation) == ("created", russian)
    russian.refresh_from_db()
    assert russian.translation == speech


def test_record_naming_itself_as_its_translation_is_stored_without_one():
    itself = {"translation_url": "http://en.kremlin.ru/events/president/news/70001", "translation_id": "70001"}
    writer = Writer()
    # A speech cannot be its own translation: the link is left out rather than the speech refused.
    assert writer.write(record(**itself))[0] == "created"
    outcome, speech = writer.write(record(**itself))
    assert (outcome, speech.translation) == ("unchanged", None)


def test_record_speakers_are_found_by_their_slug_and_new_ones_keep_theirs():
    make_speaker("D. Peskov", role="Press Secretary", slug="dmitry-peskov")
    speakers = [ParsedSpeaker("Vladimir Putin", slug="putin"), ParsedSpeaker("Dmitry Peskov", slug="dmitry-peskov")]
    paragraphs = [
        ParsedParagraph("Good afternoon.", speaker_label="Vladimir Putin", speaker="putin"),
        ParsedParagraph("Thank you.", speaker_label="Dmitry Peskov", speaker="dmitry-peskov"),
    ]
    _, speech = Writer().write(record(speakers=speakers, paragraphs=paragraphs))
    assert list(speech.paragraphs.values_list("speaker__slug", "speaker__name")) == [
        ("putin", "Vladimir Putin"),
        ("dmitry-peskov", "D. Peskov"),
    ]
    assert Speaker.objects.count() == 2


def test_a_person_added_to_the_records_speakers_alone_updates_the_speech():
    putin = ParsedSpeaker("Vladimir Putin", role="President of Russia", slug="vladimir-putin")
    peskov = ParsedSpeaker("Dmitry Peskov", role="Press Secretary", slug="dmitry-peskov")
    paragraphs = [ParsedParagraph("Good afternoon.", speaker_label="Vladimir Putin", speaker="vladimir-putin")]
    Writer().write(record(speakers=[putin], paragraphs=paragraphs))
    outcome, speech = Writer().write(record(speakers=[putin, peskov], paragraphs=paragraphs))
    assert outcome == "updated"
    assert sorted(speech.speakers.values_list("slug", flat=True)) == ["dmitry-peskov", "vladimir-putin"]


def test_dry_run_lists_each_new_speaker_once_in_order_of_appearance():
    # Speakers a dry run would create have no primary key yet, and the preview still tells them apart.
    parsed = record(
        paragraphs=[
            ParsedParagraph("Good afternoon.", speaker_label="Vladimir Putin"),
            ParsedParagraph("Colleagues."),
            ParsedParagraph("Thank you.", speaker_label="Dmitry Peskov"),
            ParsedParagraph("Next question."),
        ]
    )
    resolved = Writer(dry_run=True).resolve(parsed)
    assert [(s.pk, s.name) for s in resolved.speakers] == [(None, "Vladimir Putin"), (None, "Dmitry Peskov")]
    assert counts() == NOTHING_STORED


def test_revision_drops_people_who_no_longer_speak_and_keeps_those_added_by_hand():
    putin, peskov = make_speaker(), make_speaker("Dmitry Peskov", "Press Secretary")
    lavrov = make_speaker("Sergei Lavrov", "Minister of Foreign Affairs")
    speech = make_speech(paragraphs=[("Vladimir Putin", "Good afternoon.")], speaker=putin)
    Paragraph.objects.create(speech=speech, position=2, speaker=peskov, speaker_label="Dmitry Peskov", text="Thanks.")
    speech.speakers.add(peskov, lavrov)
    parsed = curation.as_parsed(speech, [ParsedParagraph("Good afternoon.", speaker_label="Vladimir Putin")])
    outcome, _ = Writer().revise(speech, parsed)
    assert outcome == "updated"
    assert sorted(speech.speakers.values_list("name", flat=True)) == ["Sergei Lavrov", "Vladimir Putin"]


def test_labels_of_a_speech_are_its_printed_labels_with_their_speakers():
    putin = make_speaker()
    speech = make_speech()
    Paragraph.objects.bulk_create(
        [
            Paragraph(
                speech=speech, position=1, speaker=putin, speaker_label="Vladimir  Putin:", text="Good afternoon."
            ),
            Paragraph(speech=speech, position=2, speaker=putin, text="Colleagues."),
            Paragraph(speech=speech, position=3, speaker_label="Question", text="When?"),
        ]
    )
    # A paragraph that goes on without a label attributes nothing an edit should keep.
    assert labels_of(speech) == {"vladimir putin": putin, "question": None}


def test_unchanged_speech_is_read_with_its_venue_and_translation_in_one_statement():
    make_speech(language="ru", source_url="", source_id="1")
    writer = Writer()
    writer.write(record(venue="The Kremlin, Moscow", translation_id="1"))
    with CaptureQueriesContext(connection) as queries:
        outcome, _ = writer.write(record(venue="The Kremlin, Moscow", translation_id="1"))
    assert outcome == "unchanged"
    # savepoint, the speech joined with its venue and translation, the people added to it by hand, its paragraphs,
    # its speakers, release
    assert len(queries) == 6, [q["sql"][:60] for q in queries]


def test_revising_reads_a_speech_in_the_same_statements_however_many_labelled_paragraphs_it_has():
    putin, venue = make_speaker(), make_venue()
    statements = []
    for size in (2, 20):
        speech = make_speech(
            venue=venue,
            translation=make_speech(language="ru"),
            paragraphs=[("Vladimir Putin", f"Paragraph {n}.") for n in range(size)],
            speaker=putin,
        )
        parsed = curation.as_parsed(speech)
        with CaptureQueriesContext(connection) as queries:
            assert Writer().revise(speech, parsed)[0] == "unchanged"
        statements.append(len(queries))
    # savepoint; the speech with its venue and translation; its labels with their speakers; the archive's venues,
    # sources, speakers and aliases; people added by hand; the paragraphs and speakers compared; release
    assert statements == [11, 11], [q["sql"][:60] for q in queries]


def test_a_speech_pointed_at_another_translation_lets_go_of_the_first():
    first = make_speech(language="ru", source_url="", source_id="1")
    second = make_speech(language="ru", source_url="", source_id="2")
    Writer().write(record(translation_id="1"))
    outcome, speech = Writer().write(record(translation_id="2"))
    assert outcome == "updated"
    first.refresh_from_db()
    second.refresh_from_db()
    speech.refresh_from_db()
    assert (speech.translation, second.translation, first.translation) == (second, speech, None)


def test_reimporting_an_unchanged_page_keeps_people_an_editor_added_and_records_nothing(tmp_path):
    page = tmp_path / "70300.html"
    body = "<p><b>Vladimir Putin:</b> Good afternoon.</p>"
    page.write_text(kremlin_page(id="70300", title="Greeting", body=body), encoding="utf-8")
    import_paths([page])
    speech = Speech.objects.get(source_id="70300")
    speech.speakers.add(make_speaker("Dmitry Peskov", "Press Secretary"))
    versions = history.versions(speech).count()

    report = import_paths([page])

    assert report.summary() == "0 created, 0 updated, 1 unchanged, 0 skipped, 0 failed"
    assert sorted(speech.speakers.values_list("name", flat=True)) == ["Dmitry Peskov", "Vladimir Putin"]
    assert history.versions(speech).count() == versions
