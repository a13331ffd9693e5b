import datetime
import re

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from speeches.importers.forms import MAX_UPLOAD_BYTES
from speeches.models import Paragraph, Speaker, Speech
from tests.import_samples import ODD_BODY, kremlin_page

pytestmark = pytest.mark.django_db

URL = "/admin/speeches/speech/add-transcript/"
PASTED = """Meeting with Government members

March 3, 2021

President of Russia Vladimir Putin: Good afternoon, colleagues.

Let us begin.

Anton Siluanov: Thank you.
"""


@pytest.fixture
def editor(client):
    user = User.objects.create_superuser("editor", "editor@example.org", "a-long-test-password")
    client.force_login(user)
    return client


def test_changelist_links_to_add_transcript(editor):
    page = editor.get("/admin/speeches/speech/").content.decode()
    assert f'<a href="{URL}" class="addlink">Add transcript</a>' in page
    form = editor.get(URL)
    assert form.status_code == 200
    assert '<input type="file" name="upload"' in form.content.decode()
    assert '<textarea name="pasted"' in form.content.decode()


def test_add_transcript_needs_an_editor(client):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith("/admin/login/")


def test_preview_of_pasted_text_shows_metadata_speakers_and_marked_labels(editor):
    call_command("loaddata", "fixtures/demo.json", verbosity=0)
    response = editor.post(URL, {"pasted": PASTED, "_preview": "Preview"})
    page = response.content.decode()

    assert response.status_code == 200
    assert '<dd id="preview-title">Meeting with Government members</dd>' in page
    assert '<dd id="preview-date">2021-03-03</dd>' in page
    assert "Vladimir Putin (President of Russia);" in page
    assert 'Anton Siluanov <span class="speaker-new">new</span>' in page
    assert (
        '<span class="speaker-label" title="Vladimir Putin">President of Russia Vladimir Putin:</span> '
        "Good afternoon, colleagues." in page
    )
    assert '<span class="speaker-label" title="Anton Siluanov">Anton Siluanov:</span> Thank you.' in page
    assert 'name="title" value="Meeting with Government members"' in page
    assert response.context["form"]["source"].value() == ""  # the pasted text is not carried twice
    assert Speech.objects.count() == 1 and Speaker.objects.count() == 1  # nothing written by a preview


def test_save_uses_corrected_metadata_and_lands_as_draft(editor):
    response = editor.post(
        URL,
        {"pasted": PASTED, "title": "Meeting with members of the Government", "venue": "Novo-Ogaryovo", "_save": "1"},
    )
    speech = Speech.objects.get()
    assert response.status_code == 302
    assert response.url == f"/admin/speeches/speech/{speech.pk}/change/"
    assert (speech.title, speech.date, speech.status, speech.venue.name) == (
        "Meeting with members of the Government",
        datetime.date(2021, 3, 3),
        "draft",
        "Novo-Ogaryovo",
    )
    assert list(speech.paragraphs.values_list("speaker_label", "text")) == [
        ("President of Russia Vladimir Putin", "Good afternoon, colleagues."),
        ("", "Let us begin."),
        ("Anton Siluanov", "Thank you."),
    ]
    follow = editor.get(response.url).content.decode()
    assert "The transcript “Meeting with members of the Government” was saved as a draft." in follow


def test_uploaded_page_previewed_then_saved_without_uploading_again(editor):
    upload = SimpleUploadedFile("70001.html", kremlin_page(body=ODD_BODY).encode(), content_type="text/html")
    preview = editor.post(URL, {"upload": upload, "_preview": "Preview"})
    page = preview.content.decode()
    assert '<dd id="preview-venue">The Kremlin, Moscow</dd>' in page
    assert "Using the uploaded file “70001.html”" in page
    source = preview.context["form"]["source"].value()

    saved = editor.post(URL, {"source": source, "source_name": "70001.html", "_save": "1"})

    speech = Speech.objects.get()
    assert saved.status_code == 302
    assert (speech.source_id, speech.status, speech.paragraphs.count()) == ("70001", "draft", 12)


def test_pasted_text_without_date_asks_for_one_and_keeps_the_input(editor):
    transcript = "A title only\n\nVladimir Putin: Hello.\n"
    response = editor.post(URL, {"pasted": transcript, "title": "My own title", "lead": "My summary", "_save": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "The transcript has no date." in page
    # Every field comes back as the editor typed it.
    assert '<input type="text" name="title" value="My own title"' in page
    assert re.search(r'<textarea name="lead"[^>]*>\s*My summary</textarea>', page)
    assert re.search(r'<textarea name="pasted"[^>]*>\s*A title only\s+Vladimir Putin: Hello.\s*</textarea>', page)
    assert Speech.objects.count() == 0

    fixed = editor.post(URL, {"pasted": transcript, "date": "2020-06-01", "_save": "1"})
    assert fixed.status_code == 302
    assert Speech.objects.get().date == datetime.date(2020, 6, 1)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "speech.pdf",
            b"%PDF-1.4",
            "“speech.pdf” is not a transcript file: upload .html, .txt, .json, .jsonl or .csv.",
        ),
        ("empty.txt", b"", "The submitted file is empty."),
        ("binary.txt", b"\x00\x01\x02 text", "“binary.txt” is not a text file (it holds binary data)."),
        ("latin1.txt", "Réunion à l'Élysée, déjà été".encode("latin-1"), "“latin1.txt” is not UTF-8 text"),
        ("page.html", b"<html><body><p>Not a page</p></body></html>", "The transcript could not be read: No title"),
        ("bad.json", b"{broken", "The transcript could not be read: line 1: Not valid JSON"),
    ],
)
def test_bad_upload_gets_a_clear_message_and_writes_nothing(editor, name, content, message):
    upload = SimpleUploadedFile(name, content)
    response = editor.post(URL, {"upload": upload, "title": "Kept title", "_save": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert 'value="Kept title"' in page
    assert Speech.objects.count() == 0 and Paragraph.objects.count() == 0


def test_too_large_upload_is_refused(editor):
    upload = SimpleUploadedFile("huge.txt", b"a" * (MAX_UPLOAD_BYTES + 1024 * 1024))
    response = editor.post(URL, {"upload": upload, "_preview": "Preview"})
    assert response.status_code == 200
    assert "“huge.txt” is 3.0\xa0MB; the limit is 2.0\xa0MB." in response.content.decode()


def test_nothing_submitted_asks_for_a_transcript(editor):
    response = editor.post(URL, {"_preview": "Preview"})
    assert response.status_code == 200
    assert "Paste a transcript or choose a file." in response.content.decode()


def test_file_with_several_speeches_is_sent_to_the_command(editor):
    records = b'{"title": "A", "date": "2020-01-01", "paragraphs": [{"text": "x"}]}\n' * 2
    response = editor.post(URL, {"upload": SimpleUploadedFile("many.jsonl", records), "_preview": "Preview"})
    assert "The file holds 2 speeches; this page takes one." in response.content.decode()


def test_preview_of_a_source_already_in_the_archive_says_so(editor):
    call_command("loaddata", "fixtures/demo.json", verbosity=0)
    demo = Speech.objects.get()
    seed_like = (
        "Video address to\xa0the\xa0final session of\xa0the\xa010th Forum of\xa0Russian and\xa0Belarusian Regions"
    )
    response = editor.post(
        URL, {"pasted": f"{seed_like}\n\nJune 28, 2023\n\nVladimir Putin: Hello.\n", "_preview": "1"}
    )
    page = response.content.decode()
    assert (
        f'as\n          <a href="/admin/speeches/speech/{demo.pk}/change/">{demo.title}</a>\n          (published).'
        in page
    )
    assert "Saving keeps the public text as it is and stores this transcript as a revision" in page
    assert 'name="_save" value="Save as a revision to review"' in page


def test_preview_of_a_saved_page_lists_its_sections_and_tags(editor):
    upload = SimpleUploadedFile("70001.html", kremlin_page(body=ODD_BODY).encode())
    page = editor.post(URL, {"upload": upload, "_preview": "Preview"}).content.decode()
    assert "<dt>Sections</dt><dd>News, Transcripts, President</dd>" in page
    assert "<dt>Geography</dt><dd>Republic of\xa0Crimea</dd>" in page
