"""What editors do to a speech after it is stored: revise it, propose a revision for review, publish, withdraw,
restore an earlier version. Every change goes through the import writer and is kept as a version.

Nothing public changes unseen: a new text for a published speech waits as a `PendingRevision` until an editor
publishes it, unless the editor publishes the correction directly after seeing its differences.
"""

import datetime

from django.db import transaction
from django.utils import timezone, translation

from . import history
from .importers.base import ParsedParagraph, ParsedSpeech
from .importers.json_format import parsed_record, read_record
from .importers.writer import Writer, labels_of
from .models import PendingRevision, Speaker, Speech, Venue, label_key


def as_parsed(speech, paragraphs=None):
    """The speech as the writer reads it: its stored details, with `paragraphs` (ParsedParagraphs) or its own."""
    if paragraphs is None:
        paragraphs = [
            ParsedParagraph(text=p.text, speaker_label=p.speaker_label, kind=p.kind)
            for p in speech.paragraphs.order_by("position")
        ]
    venue, translation = speech.venue, speech.translation
    return ParsedSpeech(
        title=speech.title,
        slug=speech.slug,
        date=speech.date,
        time=speech.time,
        kind=speech.kind,
        venue=venue.name if venue else "",
        venue_city=venue.city if venue else "",
        venue_region=venue.region if venue else "",
        language=speech.language,
        lead=speech.lead,
        source_url=speech.source_url,
        source_id=speech.source_id,
        translation_url=translation.source_url if translation else "",
        translation_id=translation.source_id if translation else "",
        paragraphs=list(paragraphs),
    )


def revise(speech, parsed, *, user=None, note=""):
    """Store `parsed` as the speech's new state, recorded as a version by `user`; return the outcome."""
    outcome, _ = Writer(user=user, note=note).revise(speech, parsed)
    return outcome


def propose(speech, parsed, *, user=None, note=""):
    """Keep `parsed` as a revision of the speech awaiting review; nothing public changes."""
    return PendingRevision.objects.create(speech=speech, record=parsed_record(parsed), note=note, created_by=user)


def revision_parsed(revision):
    return read_record(revision.record)


def preview(revision):
    """The speech and its paragraphs as the revision would make them, without storing anything."""
    speech = Speech.objects.select_related("venue", "translation").get(pk=revision.speech_id)
    writer = Writer(dry_run=True)
    writer.labels = labels_of(revision.speech)
    resolved = writer.resolve(revision_parsed(revision), existing=speech)
    for paragraph in resolved.paragraphs:
        paragraph.speech = speech
    return resolved.speech, resolved.paragraphs, resolved.speakers


def publish_revision(revision, *, user=None):
    """Apply a pending revision to its speech, recorded as a version; return the outcome."""
    with transaction.atomic():
        revision = PendingRevision.objects.select_for_update().get(pk=revision.pk)
        if revision.status != PendingRevision.Status.PENDING:
            raise ValueError(f"This revision was already {revision.get_status_display().lower()}.")
        note = revision.note or "Revision published"
        outcome = revise(revision.speech, revision_parsed(revision), user=user, note=note)
        _decide(revision, PendingRevision.Status.PUBLISHED, user)
    return outcome


def discard_revision(revision, *, user=None):
    with transaction.atomic():
        revision = PendingRevision.objects.select_for_update().get(pk=revision.pk)
        if revision.status != PendingRevision.Status.PENDING:
            raise ValueError(f"This revision was already {revision.get_status_display().lower()}.")
        _decide(revision, PendingRevision.Status.DISCARDED, user)


def _decide(revision, status, user):
    revision.status = status
    revision.decided = timezone.now()
    revision.decided_by = user
    revision.save(update_fields=["status", "decided", "decided_by"])


def set_status(speech, status, *, user=None, note=""):
    """Publish, unpublish or withdraw a speech, recorded as a version; return whether anything changed."""
    if not note:
        # Kept with the version and shown as it is stored: in the archive's own language, not the editor's.
        with translation.override("en"):
            note = f"Status set to {Speech.Status(status).label}"
    with history.recorded_change(speech.pk, user=user, note=note):
        speech = Speech.objects.select_for_update().get(pk=speech.pk)
        if speech.status == status:
            return False
        speech.status = status
        speech.save(update_fields=["status", "updated"])
    return True


def restore(speech, version, *, user=None):
    """Write an earlier version back as the speech's new state (its status stays as it is); return the outcome."""
    snapshot = history.Snapshot.from_revision(version.revision)
    fields = snapshot.fields
    venue = Venue.objects.filter(pk=fields.get("venue")).first()
    translation = Speech.objects.filter(pk=fields.get("translation")).first()
    parsed = ParsedSpeech(
        title=fields["title"],
        slug=fields["slug"],
        date=datetime.date.fromisoformat(fields["date"]),
        time=datetime.time.fromisoformat(fields["time"]) if fields.get("time") else None,
        kind=fields["kind"],
        venue=venue.name if venue else "",
        language=fields["language"],
        lead=fields.get("lead", ""),
        source_url=fields.get("source_url", ""),
        source_id=fields.get("source_id", ""),
        translation_url=translation.source_url if translation else "",
        translation_id=translation.source_id if translation else "",
        paragraphs=[
            ParsedParagraph(text=p.text, speaker_label=p.speaker_label, kind=p.kind) for p in snapshot.paragraphs
        ],
    )
    # The labels go back to the people the version attributed them to, where those still exist.
    speakers = Speaker.objects.in_bulk({p.speaker for p in snapshot.paragraphs if p.speaker})
    writer = Writer(user=user, note=f"Restored the version of {version.revision.date_created:%Y-%m-%d %H:%M}")
    writer.labels = {
        label_key(p.speaker_label): speakers.get(p.speaker) for p in snapshot.paragraphs if p.speaker_label
    }
    outcome, _ = writer.revise(speech, parsed)
    return outcome
