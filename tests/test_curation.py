"""Curation in the admin: the transcript editor, review before publication, versions, statuses and the Editors group."""

import datetime
import json
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from speeches import curation, diffs, history
from speeches.editors import EDITORS, codenames
from speeches.importers import FAILED, import_paths
from speeches.importers.text import read_transcript, transcript_text
from speeches.models import Paragraph, PendingRevision, Speaker, Speech
from tests.factories import make_speaker, make_speech
from tests.import_samples import kremlin_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader():
    """A visitor who is not logged in."""
    return Client()


@pytest.fixture
def editor(client):
    user = User.objects.create_user("editor", "editor@example.org", "a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name=EDITORS))
    client.force_login(user)
    client.user = user
    return client


def dialogue(n=6):
    """A published speech with turns, a heading, a stage direction and a separator."""
    putin = make_speaker()
    host = make_speaker("Kirill Kleymenov", "Presenter")
    speech = make_speech("Direct Line", status=Speech.Status.PUBLISHED)
    rows = [
        (Paragraph.Kind.SPEECH, host, "Kirill Kleymenov", "Good afternoon."),
        (Paragraph.Kind.HEADING, None, "", "On the economy"),
        (Paragraph.Kind.SPEECH, putin, "Vladimir Putin", "Growth was 3.6 percent last year."),
        (Paragraph.Kind.SPEECH, putin, "", "And inflation slowed down."),
        (Paragraph.Kind.STAGE, None, "", "(Applause.)"),
        (Paragraph.Kind.SEPARATOR, None, "", "* * *"),
    ][:n]
    Paragraph.objects.bulk_create(
        Paragraph(speech=speech, position=n, kind=kind, speaker=speaker, speaker_label=label, text=text)
        for n, (kind, speaker, label, text) in enumerate(rows, start=1)
    )
    speech.speakers.add(putin, host)
    return speech


def stored(speech):
    return list(
        speech.paragraphs.order_by("position").values_list("position", "kind", "speaker_id", "speaker_label", "text")
    )


def transcript_url(speech):
    return f"/admin/speeches/speech/{speech.pk}/transcript/"


def test_plain_text_form_reads_back_every_kind_of_paragraph():
    speech = dialogue()
    Paragraph.objects.filter(speech=speech, position=4).update(text="Note: this reads like a turn.")
    paragraphs = list(speech.paragraphs.order_by("position"))
    paragraphs.append(Paragraph(kind=Paragraph.Kind.SPEECH, text="(Not a stage direction) but a sentence"))
    paragraphs.append(Paragraph(kind=Paragraph.Kind.SPEECH, text="## not a heading"))
    paragraphs.append(Paragraph(kind=Paragraph.Kind.SPEECH, text="\\ a backslash"))

    text = transcript_text(paragraphs)
    read = read_transcript(text)

    assert [(p.kind, p.speaker_label, p.text) for p in read] == [(p.kind, p.speaker_label, p.text) for p in paragraphs]
    assert "\n\n## On the economy\n\n" in text
    assert "\n\n\\Note: this reads like a turn.\n\n" in text


def test_change_page_has_no_field_per_paragraph_and_links_the_editor(editor):
    speech = dialogue()
    Paragraph.objects.bulk_create(Paragraph(speech=speech, position=n, text=f"Paragraph {n}.") for n in range(7, 1201))
    page = editor.get(f"/admin/speeches/speech/{speech.pk}/change/").content.decode()

    assert "paragraphs-TOTAL_FORMS" not in page
    assert page.count("<select") < 12
    assert f'<a class="button" href="{transcript_url(speech)}">Edit transcript</a> 1,200 paragraphs' in page


def test_transcript_editor_posts_two_fields_whatever_the_length(editor):
    speech = dialogue()
    Paragraph.objects.bulk_create(Paragraph(speech=speech, position=n, text=f"Paragraph {n}.") for n in range(7, 1201))
    page = editor.get(transcript_url(speech)).content.decode()
    names = set(re.findall(r'<(?:input|textarea)[^>]* name="([^"]+)"', page))

    assert names == {"csrfmiddlewaretoken", "transcript", "note", "_preview"}
    assert "Paragraph 1200." in page


def test_editing_one_paragraph_shows_the_word_difference_before_saving(editor):
    speech = dialogue()
    text = editor.get(transcript_url(speech)).context_data["form"].initial["transcript"]
    edited = text.replace("Growth was 3.6 percent", "Growth was 3.7 percent")

    response = editor.post(transcript_url(speech), {"transcript": edited, "_preview": "Show changes"})
    page = response.content.decode()

    assert '<p id="changes-summary">1 paragraph differs.</p>' in page
    assert "Vladimir Putin: Growth was <del>3.6</del><ins>3.7</ins> percent last year." in page
    assert 'name="_publish" value="Publish this correction"' in page
    assert 'name="_propose" value="Save as a revision to review"' in page
    assert Paragraph.objects.get(speech=speech, position=3).text == "Growth was 3.6 percent last year."


def test_publishing_a_correction_keeps_positions_speakers_and_records_a_version(reader, editor):
    speech = dialogue()
    before = stored(speech)
    text = transcript_text(speech.paragraphs.order_by("position"))
    edited = text.replace("Growth was 3.6 percent", "Growth was 3.7 percent")

    response = editor.post(
        transcript_url(speech), {"transcript": edited, "note": "Figure checked against the video", "_publish": "1"}
    )

    assert response.status_code == 302
    after = stored(speech)
    assert after[2] == (3, "speech", before[2][2], "Vladimir Putin", "Growth was 3.7 percent last year.")
    assert after[:2] + after[3:] == before[:2] + before[3:]
    latest = history.versions(speech).first()
    assert latest.revision.comment == "Figure checked against the video"
    assert latest.revision.user == editor.user
    assert [v.revision.comment for v in history.versions(speech)] == [
        "Figure checked against the video",
        history.FIRST_VERSION_NOTE,
    ]
    page = reader.get(speech.get_absolute_url()).content.decode()
    assert "Growth was 3.7 percent last year." in page
    assert 'id="corrected">Corrected on' in page
    versions = reader.get(speech.get_absolute_url() + "versions/").content.decode()
    assert "Figure checked against the video" in versions
    assert "Growth was <del>3.6</del><ins>3.7</ins> percent last year." in versions


def test_editor_keeps_attributions_made_by_hand(editor):
    speech = dialogue()
    other = make_speaker("Dmitry Peskov", "Press Secretary")
    # An editor attributed the presenter's label to someone else by hand; editing the text keeps that.
    Paragraph.objects.filter(speech=speech, position=1).update(speaker=other)
    text = transcript_text(speech.paragraphs.order_by("position"))

    editor.post(transcript_url(speech), {"transcript": text.replace("afternoon", "evening"), "_publish": "1"})

    first = Paragraph.objects.get(speech=speech, position=1)
    assert (first.text, first.speaker) == ("Good evening.", other)


def test_inserted_paragraph_renumbers_the_ones_after_it(editor):
    speech = dialogue()
    text = transcript_text(speech.paragraphs.order_by("position"))
    edited = text.replace("## On the economy\n\n", "## On the economy\n\nVladimir Putin: Let me start.\n\n")

    page = editor.post(transcript_url(speech), {"transcript": edited, "_preview": "1"}).content.decode()
    assert '<p id="changes-summary">1 paragraph differs.</p>' in page
    assert "Added as paragraph 3" in page
    editor.post(transcript_url(speech), {"transcript": edited, "_publish": "1"})

    rows = stored(speech)
    assert [r[0] for r in rows] == list(range(1, 8))
    assert rows[2][3:] == ("Vladimir Putin", "Let me start.")
    assert rows[3][3:] == ("Vladimir Putin", "Growth was 3.6 percent last year.")


def test_empty_or_unchanged_transcript_saves_nothing(editor):
    speech = dialogue()
    before = stored(speech)
    empty = editor.post(transcript_url(speech), {"transcript": "  \n\n ", "_publish": "1"})
    assert "The transcript is empty: a speech needs at least one paragraph." in empty.content.decode()
    same = editor.post(
        transcript_url(speech), {"transcript": transcript_text(speech.paragraphs.order_by("position")), "_publish": "1"}
    )
    assert "The transcript is unchanged; nothing was saved." in same.content.decode()
    assert stored(speech) == before
    assert not history.versions(speech).exists()


def test_revision_to_review_changes_nothing_public_until_published(reader, editor):
    speech = dialogue()
    # One person under two labels: the preview still lists him once.
    Paragraph.objects.filter(speech=speech, position=4).update(speaker_label="President Vladimir Putin")
    text = transcript_text(speech.paragraphs.order_by("position"))
    edited = text.replace("Good afternoon.", "Good afternoon, everyone.")

    response = editor.post(transcript_url(speech), {"transcript": edited, "note": "Fuller greeting", "_propose": "1"})
    revision = PendingRevision.objects.get()
    assert response.url == f"/admin/speeches/pendingrevision/{revision.pk}/change/"
    assert "Good afternoon, everyone." not in reader.get(speech.get_absolute_url()).content.decode()
    assert reader.get(revision.get_absolute_url()).status_code == 404

    response = editor.get(revision.get_absolute_url())
    preview = response.content.decode()
    assert sorted(s.name for s in response.context["revision_speakers"]) == ["Kirill Kleymenov", "Vladimir Putin"]
    assert 'id="revision-banner">Revision waiting for review: “Fuller greeting”' in preview
    assert "Good afternoon, everyone." in preview
    review = editor.get(f"/admin/speeches/pendingrevision/{revision.pk}/change/").content.decode()
    assert "Kirill Kleymenov: Good afternoon<ins>, everyone</ins>." in review

    editor.post(f"/admin/speeches/pendingrevision/{revision.pk}/change/", {"_publish": "1"})

    revision.refresh_from_db()
    assert (revision.status, revision.decided_by) == (PendingRevision.Status.PUBLISHED, editor.user)
    assert "Good afternoon, everyone." in reader.get(speech.get_absolute_url()).content.decode()
    assert history.versions(speech).first().revision.comment == "Fuller greeting"


def test_discarded_revision_leaves_the_speech_alone(editor):
    speech = dialogue()
    before = stored(speech)
    revision = curation.propose(speech, curation.as_parsed(speech, read_transcript("Vladimir Putin: Shorter.")))

    editor.post(f"/admin/speeches/pendingrevision/{revision.pk}/change/", {"_discard": "1"})

    revision.refresh_from_db()
    assert revision.status == PendingRevision.Status.DISCARDED
    assert stored(speech) == before
    with pytest.raises(ValueError, match="already discarded"):
        curation.publish_revision(revision)


def test_add_transcript_of_a_published_source_becomes_a_revision(reader, editor):
    speech = make_speech(
        "Meeting on the economy",
        source_url="http://en.kremlin.ru/events/president/news/70100",
        source_id="70100",
        paragraphs=["Good afternoon."],
    )
    changed = kremlin_page(
        id="70100",
        title="Meeting on the economy",
        date=datetime.date(2023, 6, 28),
        body="<p>Good afternoon, colleagues.</p>",
    )

    preview = editor.post(
        "/admin/speeches/speech/add-transcript/", {"source": changed, "source_name": "70100.html", "_preview": "1"}
    ).content.decode()
    assert "Saving keeps the public text as it is" in preview
    assert 'name="_save" value="Save as a revision to review"' in preview
    editor.post(
        "/admin/speeches/speech/add-transcript/", {"source": changed, "source_name": "70100.html", "_save": "1"}
    )

    assert PendingRevision.objects.filter(speech=speech, status="pending").count() == 1
    assert "Good afternoon, colleagues." not in reader.get(speech.get_absolute_url()).content.decode()
    assert stored(speech)[0][4] == "Good afternoon."


def test_draft_is_seen_by_staff_at_its_address_with_a_banner(reader, editor):
    draft = make_speech("Unfinished address", status=Speech.Status.DRAFT, paragraphs=["Draft text."])

    assert reader.get(draft.get_absolute_url()).status_code == 404
    page = editor.get(draft.get_absolute_url()).content.decode()
    assert 'id="status-banner">Draft: this address is not public.' in page
    assert "Draft text." in page


def test_withdrawn_address_keeps_its_url_with_a_notice_and_leaves_listings(reader, editor):
    speech = make_speech("Retracted address", paragraphs=["Text that was taken down."])
    Speech.objects.filter(pk=speech.pk).update(withdrawal_note="It was published by mistake.")

    editor.post("/admin/speeches/speech/", {"action": "withdraw", "_selected_action": [speech.pk]})

    response = reader.get(speech.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 410
    assert "This address has been withdrawn from the archive.</strong> It was published by mistake." in page
    assert "Text that was taken down." not in page
    assert "Retracted address" not in reader.get("/").content.decode()
    assert reader.get(speech.get_absolute_url() + "cite/").status_code == 404


def test_status_actions_leave_history_of_who_did_what(editor):
    speech = make_speech("Address to publish", status=Speech.Status.DRAFT, paragraphs=["Text."])

    response = editor.post(
        "/admin/speeches/speech/", {"action": "publish", "_selected_action": [speech.pk]}, follow=True
    )

    assert "1 speech was published." in response.content.decode()
    entry = LogEntry.objects.get(object_id=str(speech.pk))
    assert (entry.user, entry.get_change_message()) == (editor.user, "Published")
    assert [v.revision.comment for v in history.versions(speech)] == ["Published", history.FIRST_VERSION_NOTE]
    assert history.versions(speech).first().revision.user == editor.user
    speech.refresh_from_db()
    assert speech.first_published is not None and speech.corrected is None


def test_restoring_a_version_writes_it_back_as_a_new_version(editor):
    speech = dialogue()
    text = transcript_text(speech.paragraphs.order_by("position"))
    editor.post(transcript_url(speech), {"transcript": text.replace("3.6", "9.9"), "note": "Wrong", "_publish": "1"})
    first = history.versions(speech).last()

    page = editor.get(f"/admin/speeches/speech/{speech.pk}/versions/{first.pk}/").content.decode()
    assert "Growth was <del>9.9</del><ins>3.6</ins> percent last year." in page
    editor.post(f"/admin/speeches/speech/{speech.pk}/versions/{first.pk}/")

    assert Paragraph.objects.get(speech=speech, position=3).text == "Growth was 3.6 percent last year."
    assert history.versions(speech).count() == 3
    assert history.versions(speech).first().revision.comment.startswith("Restored the version of ")


def test_details_form_edit_is_a_version(editor):
    speech = dialogue()
    form = editor.get(f"/admin/speeches/speech/{speech.pk}/change/").context_data["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name not in {"speakers"}}
    data.update(
        title="Direct Line with Vladimir Putin",
        date="2023-06-28",
        speakers=[s.pk for s in speech.speakers.all()],
        time="",
    )

    response = editor.post(f"/admin/speeches/speech/{speech.pk}/change/", data)

    assert response.status_code == 302, response.context_data["adminform"].form.errors
    assert history.versions(speech).first().revision.comment == "Details edited"
    speech.refresh_from_db()
    assert speech.corrected is not None


def test_import_of_a_changed_published_page_is_a_recorded_correction(tmp_path):
    page = tmp_path / "70200.html"
    page.write_text(kremlin_page(id="70200", title="Greeting", body="<p>First wording.</p>"), encoding="utf-8")
    import_paths([page])
    page.write_text(kremlin_page(id="70200", title="Greeting", body="<p>Second wording.</p>"), encoding="utf-8")

    import_paths([page])

    speech = Speech.objects.get(source_id="70200")
    assert [v.revision.comment for v in history.versions(speech)] == [
        "Updated from the source",
        history.FIRST_VERSION_NOTE,
    ]
    assert speech.corrected is not None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("slug", "a/b", "The slug “a/b” cannot be used"),
        ("source_url", "javascript:alert(document.domain)", "The source address “javascript:alert(document.domain)”"),
    ],
)
def test_import_refuses_slugs_and_source_addresses_that_break_pages(tmp_path, field, value, message):
    record = {"title": "Bad record", "date": "2024-01-02", "paragraphs": [{"text": "Hello."}], field: value}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(record), encoding="utf-8")

    report = import_paths([path])

    assert [o.result for o in report.outcomes] == [FAILED]
    assert message in report.outcomes[0].reason
    assert not Speech.objects.exists()


def test_model_refuses_a_slug_or_source_address_from_any_path():
    with pytest.raises(ValidationError):
        Speech.objects.create(title="x", slug="a/b", date=datetime.date(2024, 1, 1))
    with pytest.raises(ValidationError):
        Speech.objects.create(title="x", date=datetime.date(2024, 1, 1), source_url="javascript:alert(1)")
    with pytest.raises(ValidationError):
        Speaker.objects.create(name="x", slug="a b")
    assert not Speech.objects.exists()


def test_editors_group_has_exactly_the_curating_permissions():
    group = Group.objects.get(name=EDITORS)
    granted = sorted(group.permissions.values_list("codename", flat=True))

    assert granted == sorted(codenames())
    assert "delete_speech" not in granted and "publish_speech" in granted


def test_staff_without_the_publish_permission_cannot_publish(client):
    user = User.objects.create_user("viewer", password="a-long-test-password", is_staff=True)
    user.user_permissions.set(Group.objects.get(name=EDITORS).permissions.exclude(codename="publish_speech"))
    client.force_login(user)
    draft = make_speech("Draft", status=Speech.Status.DRAFT, paragraphs=["Text."])

    client.post("/admin/speeches/speech/", {"action": "publish", "_selected_action": [draft.pk]})

    draft.refresh_from_db()
    assert draft.status == Speech.Status.DRAFT


def test_transcript_editor_reads_in_constant_queries(editor):
    speech = dialogue()
    Paragraph.objects.bulk_create(Paragraph(speech=speech, position=n, text=f"Paragraph {n}.") for n in range(7, 1001))
    small_speech = make_speech(paragraphs=["One paragraph."])
    with CaptureQueriesContext(connection) as small:
        editor.get(transcript_url(small_speech))
    with CaptureQueriesContext(connection) as large:
        editor.get(transcript_url(speech))
    assert len(large.captured_queries) == len(small.captured_queries)


def test_details_form_refuses_a_source_address_that_is_not_a_web_page(editor):
    speech = make_speech("Statement", paragraphs=["Text."])
    data = {
        "title": "Statement",
        "slug": speech.slug,
        "date": "2023-06-28",
        "kind": "speech",
        "language": "en",
        "status": "published",
        "source_url": "ftp://files.example.org/statement.txt",
        "source_id": speech.source_id,
    }

    response = editor.post(f"/admin/speeches/speech/{speech.pk}/change/", data)

    assert response.status_code == 200
    assert response.context_data["adminform"].form.errors == {
        "source_url": ["The source address must start with http:// or https://."]
    }
    assert "The source address must start with http:// or https://." in response.content.decode()
    speech.refresh_from_db()
    assert speech.source_url.startswith("http://en.kremlin.ru/")


def test_diff_shows_a_label_that_became_text_and_a_changed_kind():
    old = [
        Paragraph(kind="speech", speaker_label="Kirill Kleymenov", text="Good afternoon."),
        Paragraph(kind="speech", text="On the economy"),
    ]
    new = [
        Paragraph(kind="speech", text="Kirill Kleymenov: Good afternoon."),
        Paragraph(kind="heading", text="On the economy"),
    ]

    changes = diffs.paragraph_changes(old, new)

    assert [(c.change, c.old_position, c.new_position, c.words) for c in changes] == [
        ("changed", 1, 1, "<del>Kirill Kleymenov:</del> <ins>Kirill Kleymenov: </ins>Good afternoon."),
        ("changed", 2, 2, "<del>[speech]</del><ins>[heading]</ins> On the economy"),
    ]
