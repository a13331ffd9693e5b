"""Every version of a speech: its details and its paragraphs, with who changed it, when and why.

Versions are kept by django-reversion, one revision per change, holding the speech and all its paragraphs.
A speech is stored without a version when it is first created (an import of a thousand pages would otherwise
store every paragraph twice); the state it was created in is recorded as its first version just before it first
changes, dated when it was stored. Restoring a version writes it back as a new change, so history only grows.
"""

import contextlib
import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy
from reversion.models import Version

from .models import Paragraph, Speech, Venue

# What readers see of a speech; a change to any of these after first publication is a public correction.
PUBLIC_FIELDS = ["title", "date", "time", "kind", "venue", "language", "lead", "source_url"]
PUBLIC_FIELD_LABELS = {
    "title": gettext_lazy("Title"),
    "date": gettext_lazy("Date"),
    "time": gettext_lazy("Time"),
    "kind": gettext_lazy("Kind"),
    "venue": gettext_lazy("Venue"),
    "language": gettext_lazy("Language"),
    "lead": gettext_lazy("Summary"),
    "source_url": gettext_lazy("Source"),
}
_PARAGRAPH_FIELDS = ["position", "kind", "speaker", "speaker_label", "text"]
# Dates the archive keeps about itself are not part of a version.
_SPEECH_FIELDS = [
    f.name
    for f in [*Speech._meta.fields, *Speech._meta.many_to_many]
    if f.name not in {"id", "created", "updated", "first_published", "corrected"}
]

# The records a speech is linked to: who speaks, and what the source files it under.
_LISTS = [f.name for f in Speech._meta.many_to_many]

reversion.register(Paragraph, fields=_PARAGRAPH_FIELDS + ["speech"])
reversion.register(Speech, follow=["paragraphs"], fields=_SPEECH_FIELDS)

FIRST_VERSION_NOTE = "As first stored"


@dataclass(frozen=True)
class _State:
    status: str
    public: str  # a digest of what readers see
    whole: str  # a digest of everything a version holds


def _state(speech_id):
    """Digests of a speech as it stands in the database; None if it is gone."""
    columns = [name for name in _SPEECH_FIELDS if name not in _LISTS]
    row = Speech.objects.filter(pk=speech_id).values(*columns).first()
    if row is None:
        return None
    public = hashlib.sha256(repr([row[name] for name in PUBLIC_FIELDS]).encode())
    whole = hashlib.sha256(repr(sorted(row.items())).encode())
    for name in _LISTS:
        field = Speech._meta.get_field(name)
        linked = field.remote_field.through.objects.filter(speech_id=speech_id)
        whole.update(repr((name, sorted(linked.values_list(field.m2m_reverse_name(), flat=True)))).encode())
    rows = Paragraph.objects.filter(speech_id=speech_id).order_by("position").values_list(*_PARAGRAPH_FIELDS)
    for position, kind, speaker, label, text in rows:
        public.update(repr((kind, label, text)).encode())
        whole.update(repr((position, kind, speaker, label, text)).encode())
    return _State(row["status"], public.hexdigest(), whole.hexdigest())


def record_first_version(speech_id):
    """Keep the speech as it stands now as its first version, if it has none yet."""
    if Version.objects.get_for_object_reference(Speech, speech_id).exists():
        return
    speech = Speech.objects.filter(pk=speech_id).first()
    if speech is None:
        return
    with reversion.create_revision(manage_manually=True):
        reversion.set_comment(FIRST_VERSION_NOTE)
        reversion.set_date_created(speech.updated)
        reversion.add_to_revision(speech)


@contextlib.contextmanager
def recorded_change(speech_id, *, user=None, note=""):
    """Record the speech as it stands after the block as a new version, with who changed it and why.

    A published speech whose public text or details the block changed is marked corrected. Nothing is
    recorded when the block changed nothing.
    """
    with transaction.atomic():
        record_first_version(speech_id)
        before = _state(speech_id)
        yield
        after = _state(speech_id)
        if after is None or after == before:
            return
        published = Speech.Status.PUBLISHED
        if before and before.status == published and after.status == published and before.public != after.public:
            Speech.objects.filter(pk=speech_id).update(corrected=timezone.now())
        speech = Speech.objects.get(pk=speech_id)
        with reversion.create_revision(manage_manually=True):
            if user is not None and user.is_authenticated:
                reversion.set_user(user)
            reversion.set_comment(note)
            reversion.add_to_revision(speech)


def versions(speech):
    """The speech's versions, newest first, with their revision and its user."""
    return (
        Version.objects.get_for_object(speech)
        .select_related("revision", "revision__user")
        .order_by("-revision__date_created", "-pk")
    )


@dataclass(frozen=True)
class ParagraphState:
    position: int
    kind: str
    speaker: int | None
    speaker_label: str
    text: str


@dataclass
class Snapshot:
    """A speech as one version holds it: its stored fields and its paragraphs in order."""

    fields: dict
    paragraphs: list = field(default_factory=list)

    @classmethod
    def of(cls, speech):
        """The speech as it stands in the database now, in the same form as a stored version."""
        serialized = serializers.serialize("json", [speech], fields=_SPEECH_FIELDS)
        rows = Paragraph.objects.filter(speech=speech).order_by("position").values_list(*_PARAGRAPH_FIELDS)
        return cls(
            fields=json.loads(serialized)[0]["fields"],
            paragraphs=[ParagraphState(*row) for row in rows],
        )

    @classmethod
    def from_revision(cls, revision):
        speech_type = ContentType.objects.get_for_model(Speech)
        fields, paragraphs = {}, []
        for version in revision.version_set.all():
            data = json.loads(version.serialized_data)[0]["fields"]
            if version.content_type_id == speech_type.pk:
                fields = data
            else:
                paragraphs.append(ParagraphState(*(data.get(name) for name in _PARAGRAPH_FIELDS)))
        paragraphs.sort(key=lambda p: p.position)
        return cls(fields=fields, paragraphs=paragraphs)

    @cached_property
    def public(self):
        """What readers see: the public details and the paragraphs without who they are attributed to."""
        return (
            tuple(self.fields.get(name) for name in PUBLIC_FIELDS),
            tuple((p.kind, p.speaker_label, p.text) for p in self.paragraphs),
        )

    @property
    def status(self):
        return self.fields.get("status")

    def public_details(self):
        """The public details by field name, with the venue by its name."""
        details = {name: self.fields.get(name) for name in PUBLIC_FIELDS}
        if details["venue"] is not None:
            venue = Venue.objects.filter(pk=details["venue"]).values_list("name", flat=True).first()
            details["venue"] = venue or ""
        return details
