"""Save parsed speeches: one transaction per speech, idempotent by source, with as few statements as it takes.

A speech is identified by (source_url, source_id). Importing the same source again compares every stored field
and paragraph and writes nothing when they match; a changed source updates the speech and its paragraphs in
place (paragraph ids are kept where positions survive). Status is an editorial decision: it is set when a speech
is created and left alone afterwards. Every created or updated speech goes through `Speech.save()` inside its
transaction, so `post_save` receivers see it.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from speeches.models import Paragraph, Speech, unique_slug

from .base import ParsedSpeech, text_source_id
from .speakers import SpeakerResolver, VenueResolver

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"

_PARAGRAPH_FIELDS = ["kind", "speaker", "speaker_label", "text"]


class WriteError(Exception):
    """The speech cannot be stored; the message says why."""


@dataclass
class Attributed:
    """A parsed speech resolved against the archive: what would be stored."""

    speech: Speech
    paragraphs: list[Paragraph]
    speakers: set


class Writer:
    def __init__(self, *, status=None, language=None, dry_run=False):
        self.status = status
        self.language = language
        self.dry_run = dry_run
        self.speakers = SpeakerResolver(save=not dry_run)
        self.venues = VenueResolver(save=not dry_run)
        self._sources = None

    def forget(self):
        """Drop the caches, after a rollback or when others may have written meanwhile."""
        self.speakers.forget()
        self.venues.forget()
        self._sources = None

    def _source_pk(self, source_url, source_id):
        # One query per run instead of one per speech: most imports are of a batch of new or known sources.
        if self._sources is None:
            self._sources = {
                (url, sid): pk
                for pk, url, sid in Speech.objects.exclude(source_id="", source_url="")
                .order_by()
                .values_list("pk", "source_url", "source_id")
            }
        return self._sources.get((source_url, source_id))

    def write(self, parsed: ParsedSpeech):
        """Store one speech; return (outcome, speech)."""
        validate(parsed)
        if self.dry_run:
            existing = self._existing(parsed)
            stored = _snapshot(existing)
            resolved = self.resolve(parsed, existing=existing)
            return self._compare(resolved, stored), resolved.speech
        try:
            with transaction.atomic():
                existing = self._existing(parsed)
                stored = _snapshot(existing)
                resolved = self.resolve(parsed, existing=existing)
                outcome = self._compare(resolved, stored)
                if outcome == CREATED:
                    self._create(resolved, parsed)
                elif outcome == UPDATED:
                    self._update(resolved)
                return outcome, resolved.speech
        except IntegrityError as exc:
            self.forget()
            raise WriteError(f"The database refused the speech: {exc}") from exc
        except Exception:
            self.forget()
            raise

    def resolve(self, parsed, *, existing=None):
        """Build the speech and paragraph rows `parsed` stands for, on top of `existing` if given."""
        speech = existing or Speech(status=self.status or parsed.status or Speech.Status.PUBLISHED)
        speech.title = parsed.title
        speech.date = parsed.date
        speech.time = parsed.time
        speech.kind = parsed.kind or Speech.Kind.OTHER
        speech.venue = self.venues.get(parsed.venue, city=parsed.venue_city, region=parsed.venue_region)
        speech.language = self.language or parsed.language or Speech.Language.ENGLISH
        speech.lead = parsed.lead
        speech.source_url = parsed.source_url
        speech.source_id = parsed.source_id
        speech.translation = self._translation(parsed, speech)
        if not existing and parsed.slug:
            speech.slug = parsed.slug
        paragraphs = []
        if parsed.explicitly_attributed:
            by_reference = {
                record.slug or record.name: self.speakers.by_record(
                    record.name, role=record.role, slug=record.slug, aliases=record.aliases
                )
                for record in parsed.speakers
            }
            attributions = [by_reference.get(p.speaker) if p.speaker else None for p in parsed.paragraphs]
        else:
            attributions = self._attribute(parsed.paragraphs)
        for position, (item, speaker) in enumerate(zip(parsed.paragraphs, attributions, strict=True), start=1):
            paragraphs.append(
                Paragraph(
                    position=position,
                    kind=item.kind,
                    speaker=speaker,
                    speaker_label=item.speaker_label,
                    text=item.text,
                )
            )
        return Attributed(speech, paragraphs, {p.speaker for p in paragraphs if p.speaker is not None})

    def _attribute(self, items):
        by_label = self.speakers.attribute([p.speaker_label for p in items if p.speaker_label])
        current, result = None, []
        for item in items:
            if item.speaker_label:
                current = by_label[item.speaker_label]
            elif item.kind == Paragraph.Kind.SEPARATOR:
                current = None
            result.append(current if item.kind == Paragraph.Kind.SPEECH else None)
        return result

    def _existing(self, parsed):
        if parsed.source_id or parsed.source_url:
            pk = self._source_pk(parsed.source_url, parsed.source_id)
            if pk is None:
                return None
            found = Speech.objects.filter(pk=pk)
        elif parsed.slug:
            found = Speech.objects.filter(source_url="", source_id="", date=parsed.date, slug=parsed.slug)
        else:
            return None
        return found.select_related("venue", "translation").order_by().first()

    def _translation(self, parsed, speech):
        if not (parsed.translation_url or parsed.translation_id):
            return None
        pk = self._source_pk(parsed.translation_url, parsed.translation_id)
        if pk is None or pk == speech.pk:
            return None
        if speech.translation_id == pk:
            return speech.translation
        return Speech.objects.only("id").get(pk=pk)

    def _compare(self, resolved, stored):
        speech = resolved.speech
        if speech.pk is None:
            return CREATED
        if stored != _snapshot(speech):
            return UPDATED
        rows = list(
            Paragraph.objects.filter(speech=speech)
            .order_by("position")
            .values_list("position", "kind", "speaker_id", "speaker_label", "text")
        )
        wanted = [(p.position, p.kind, _pk(p.speaker), p.speaker_label, p.text) for p in resolved.paragraphs]
        if rows != wanted:
            return UPDATED
        speaker_ids = set(speech.speakers.values_list("id", flat=True))
        return UNCHANGED if speaker_ids == {_pk(s) for s in resolved.speakers} else UPDATED

    def _create(self, resolved, parsed):
        speech = resolved.speech
        if speech.slug and Speech.objects.filter(date=speech.date, slug=speech.slug).exists():
            speech.slug = ""
        if not speech.slug:
            speech.slug = unique_slug(Speech.objects.filter(date=speech.date), speech.title)
        speech.save()
        for paragraph in resolved.paragraphs:
            paragraph.speech = speech
        Paragraph.objects.bulk_create(resolved.paragraphs)
        if resolved.speakers:
            through = Speech.speakers.through
            through.objects.bulk_create([through(speech=speech, speaker=speaker) for speaker in resolved.speakers])
        if self._sources is not None and (speech.source_url or speech.source_id):
            self._sources[(speech.source_url, speech.source_id)] = speech.pk

    def _update(self, resolved):
        speech = resolved.speech
        stored = {p.position: p for p in Paragraph.objects.filter(speech=speech)}
        changed, new = [], []
        for paragraph in resolved.paragraphs:
            paragraph.speech = speech
            old = stored.pop(paragraph.position, None)
            if old is None:
                new.append(paragraph)
            elif any(getattr(old, f) != getattr(paragraph, f) for f in _PARAGRAPH_FIELDS):
                paragraph.pk = old.pk
                changed.append(paragraph)
        if stored:
            Paragraph.objects.filter(pk__in=[p.pk for p in stored.values()]).delete()
        if changed:
            Paragraph.objects.bulk_update(changed, _PARAGRAPH_FIELDS)
        if new:
            Paragraph.objects.bulk_create(new)
        speech.speakers.set(resolved.speakers)
        speech.save()


def validate(parsed):
    if not parsed.title.strip():
        raise WriteError("The transcript has no title.")
    if parsed.date is None:
        raise WriteError("The transcript has no date.")
    if not parsed.paragraphs:
        raise WriteError("The transcript has no paragraphs.")
    if len(parsed.title) > Speech._meta.get_field("title").max_length:
        raise WriteError("The title is longer than 500 characters.")
    if not (parsed.source_url or parsed.source_id or parsed.slug):
        parsed.source_id = text_source_id(parsed.date, parsed.title)


def _snapshot(speech):
    if speech is None:
        return None
    return {
        "title": speech.title,
        "date": speech.date,
        "time": speech.time,
        "kind": speech.kind,
        "venue": _pk(speech.venue),
        "language": speech.language,
        "lead": speech.lead,
        "translation": _pk(speech.translation),
    }


def _pk(instance):
    return instance.pk if instance is not None else None
