import datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client

from speeches.models import Speech
from tests.factories import make_speaker, make_speech

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    editor = User.objects.create_superuser("editor", "editor@example.org", "a-long-test-password")
    client.force_login(editor)
    return client


def test_admin_publish_action_makes_drafts_public(editor_client):
    reader = Client()
    draft = make_speech("Draft address", status=Speech.Status.DRAFT)
    assert reader.get(draft.get_absolute_url()).status_code == 404
    response = editor_client.post(
        "/admin/speeches/speech/",
        {"action": "publish", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert "1 speech was published." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Speech.Status.PUBLISHED
    assert reader.get(draft.get_absolute_url()).status_code == 200


def test_admin_unpublish_action_hides_speeches(editor_client):
    speeches = [make_speech(f"Public {n}") for n in range(2)]
    response = editor_client.post(
        "/admin/speeches/speech/",
        {"action": "unpublish", "_selected_action": [s.pk for s in speeches]},
        follow=True,
    )
    assert "2 speeches were unpublished." in response.content.decode()
    assert not Speech.objects.published().exists()


def test_admin_transcript_editor_shows_paragraphs_in_order(editor_client):
    speech = make_speech(paragraphs=["Alpha paragraph.", "Beta paragraph.", "Gamma paragraph."])
    html = editor_client.get(f"/admin/speeches/speech/{speech.pk}/transcript/").content.decode()
    assert "Alpha paragraph.\n\nBeta paragraph.\n\nGamma paragraph.\n" in html


def test_admin_search_finds_speech_by_text(editor_client):
    make_speech("Union State forum", paragraphs=["Regional cooperation is the heart of allied relations."])
    make_speech("Navy meeting", paragraphs=["Good afternoon, comrade officers."])
    response = editor_client.get("/admin/speeches/speech/", {"q": "allied relations"})
    assert [s.title for s in response.context["cl"].result_list] == ["Union State forum"]


def test_admin_speaker_autocomplete_finds_by_alias(editor_client):
    putin = make_speaker()
    putin.aliases.create(label="В.Путин")
    response = editor_client.get(
        "/admin/autocomplete/",
        {"term": "Путин", "app_label": "speeches", "model_name": "paragraph", "field_name": "speaker"},
    )
    assert [r["text"] for r in response.json()["results"]] == ["Vladimir Putin"]


def test_admin_transcript_edit_attributes_labels_and_keeps_speakers_added_by_hand(editor_client):
    putin = make_speaker()
    guest = make_speaker("Alexander Lukashenko", "President of Belarus")
    speech = make_speech("Statement", datetime.date(2020, 1, 9), status=Speech.Status.DRAFT, paragraphs=["Hello."])
    speech.speakers.add(guest)

    response = editor_client.post(
        f"/admin/speeches/speech/{speech.pk}/transcript/",
        {"transcript": "Vladimir Putin: Good afternoon.\n\nWelcome.", "_save": "1"},
    )

    assert response.status_code == 302
    assert [(p.speaker, p.speaker_label, p.text) for p in speech.paragraphs.order_by("position")] == [
        (putin, "Vladimir Putin", "Good afternoon."),
        (putin, "", "Welcome."),
    ]
    assert set(speech.speakers.all()) == {putin, guest}


def test_admin_fields_editors_touch_have_help_text():
    from speeches.models import Paragraph, Speaker, Venue

    for model, skip in (
        (Speech, {"id", "created", "updated"}),
        (Paragraph, {"id", "speech"}),
        (Speaker, {"id"}),
        (Venue, {"id", "key"}),
    ):
        for field in model._meta.get_fields():
            if field.concrete and field.editable and field.name not in skip:
                assert field.help_text, f"{model.__name__}.{field.name} has no help text"
