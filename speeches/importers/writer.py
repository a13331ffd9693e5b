"""Save parsed speeches: one transaction per speech, idempotent by source, with as few statements as it takes.

A speech is identified by (source_url, source_id). Importing the same source again compares every stored field
and paragraph and writes nothing when they match; a changed source updates the speech and its paragraphs in
place (paragraph ids are kept where positions survive). Status is an editorial decision: it is set when a speech
is created and left alone afterwards. Every created or updated speech goes through `Speech.save()` inside its
transaction, so `post_save` receivers see it.
"""

from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import cached_property

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from speeches import history
from speeches.models import (
    Paragraph,
    Place,
    Speech,
    Topic,
    check_slug,
    check_source_url,
    label_key,
    normalize_label,
    unique_slug,
)

from .base import ParsedSpeech, ParsedTag, text_source_id
from .speakers import SpeakerResolver, VenueResolver, split_people
from .tags import COUNTRIES, PERSONS, PLACES, REGIONS, TOPICS, TagResolver, of_kind, place_kind

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
UPDATED_FROM_SOURCE = "Updated from the source"

_PARAGRAPH_FIELDS = ["kind", "speaker", "speaker_label", "text"]
# Compared by the speaker's id: reading `speaker` on a stored paragraph would fetch the speaker, once per paragraph.
_COMPARED_FIELDS = ["kind", "speaker_id", "speaker_label", "text"]


class WriteError(Exception):
    """The speech cannot be stored; the message says why."""


@dataclass
class Attributed:
    """A parsed speech resolved against the archive: what would be stored."""

    speech: Speech
    # (position, kind, speaker, speaker_label, text) per paragraph
    rows: list[tuple]
    speakers: list
    existing: Speech | None = None
    # What the source files the speech under, by the Speech field that keeps it; a list left out is left alone.
    tags: dict = field(default_factory=dict)

    @cached_property
    def paragraphs(self):
        # Built only when needed: an unchanged speech is compared on its rows alone.
        return [
            Paragraph(position=position, kind=kind, speaker=speaker, speaker_label=label, text=text)
            for position, kind, speaker, label, text in self.rows
        ]


class Writer:
    """Store parsed speeches; `user` and `note` say who made the change and why, for the speech's history."""

    def __init__(self, *, status=None, language=None, dry_run=False, user=None, note=UPDATED_FROM_SOURCE):
        self.status = status
        self.language = language
        self.dry_run = dry_run
        self.user = user
        self.note = note
        # Label key -> speaker (or None) that take precedence over the archive's aliases: how the speech being
        # edited already attributes its labels.
        self.labels = {}
        self.speakers = SpeakerResolver(save=not dry_run)
        self.venues = VenueResolver(save=not dry_run)
        self.topics = TagResolver(Topic, save=not dry_run)
        self.places = TagResolver(Place, save=not dry_run)
        self._sources = None

    def forget(self):
        """Drop the caches, after a rollback or when others may have written meanwhile."""
        for resolver in (self.speakers, self.venues, self.topics, self.places):
            resolver.forget()
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
        """Store one speech; return (outcome, speech).

        When another importer stores the same source, speaker, venue or slug meanwhile, the transaction fails on a
        unique constraint (or, on SQLite, waits out the lock); it is tried again on fresh caches and finds those rows.
        """
        validate(parsed)
        attempts = 4
        for attempt in range(1, attempts + 1):
            try:
                with nullcontext() if self.dry_run else transaction.atomic():
                    existing = self.find_existing(parsed)
                    stored = _snapshot(existing)
                    resolved = self.resolve(parsed, existing=existing)
                    if existing is not None and not parsed.explicitly_attributed:
                        # A source that names no speakers of its own leaves those an editor added alone.
                        _keep_added_by_hand(resolved, existing)
                    outcome = self._compare(resolved, stored)
                    if outcome == CREATED and not self.dry_run:
                        self._create(resolved)
                    elif outcome == UPDATED and not self.dry_run:
                        self._update(resolved)
                    return outcome, resolved.speech
            except DatabaseError as exc:
                self.forget()
                # Unique violation, deadlock or serialization failure (PostgreSQL), or their SQLite counterparts:
                # what two writers of the same rows cause. Anything else is about the speech itself.
                raced = getattr(exc.__cause__, "sqlstate", None) in ("23505", "40P01", "40001") or any(
                    message in str(exc) for message in ("UNIQUE constraint failed", "database is locked")
                )
                if raced and attempt < attempts:
                    continue
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
        rows = [
            (position, item.kind, speaker, item.speaker_label, item.text)
            for position, (item, speaker) in enumerate(zip(parsed.paragraphs, attributions, strict=True), start=1)
        ]
        # Keyed by primary key, else by identity: speakers a dry run would create have no primary key yet.
        speakers = list({_pk(row[2]) or id(row[2]): row[2] for row in rows if row[2] is not None}.values())
        if parsed.explicitly_attributed:
            # The record's list is the speech's list, including people an editor added by hand.
            speakers = list({id(s): s for s in by_reference.values()}.values())
        return Attributed(speech, rows, speakers, tags=self._tags(parsed.tags, speech.language, speakers))

    def _tags(self, tags, language, speakers):
        """The topics, places and people records the parsed tags stand for; nothing where the source gives none."""
        if tags is None:
            return {}
        topics = [self.topics.get(tag, language) for tag in self._split(of_kind(tags, TOPICS), self.topics.split)]
        places = [
            self.places.get(tag, language, kind=place_kind(tag))
            for tag in self._split(of_kind(tags, COUNTRIES, REGIONS, PLACES), self.places.split)
        ]
        people = [
            self.speakers.by_tag(tag.name, catalogue_id=tag.catalogue_id, slug=tag.slug, speaking=speakers)
            for tag in self._split(of_kind(tags, PERSONS), split_people)
        ]
        # Keyed by primary key, else by identity, as speakers are: a dry run's new records have no key yet.
        return {
            name: list({_pk(record) or id(record): record for record in records}.values())
            for name, records in (("topics", topics), ("places", places), ("people", people))
        }

    @staticmethod
    def _split(tags, split):
        for tag in tags:
            named = [ParsedTag(name, tag.catalogue) for name in split(tag.name)] if tag.joined else [tag]
            # A tag without a name (blank in the source) names nothing.
            yield from (
                tag for tag in named if normalize_label(tag.name) or any(map(normalize_label, tag.names.values()))
            )

    def _attribute(self, items):
        by_label = self.speakers.attribute([p.speaker_label for p in items if p.speaker_label], self.labels)
        current, result = None, []
        for item in items:
            if item.speaker_label:
                current = by_label[item.speaker_label]
            elif item.kind == Paragraph.Kind.SEPARATOR:
                current = None
            result.append(current if item.kind == Paragraph.Kind.SPEECH else None)
        return result

    def find_existing(self, parsed):
        """The stored speech `parsed` comes from, or None."""
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
        wanted = [(position, kind, _pk(speaker), label, text) for position, kind, speaker, label, text in resolved.rows]
        if rows != wanted:
            return UPDATED
        speaker_ids = set(speech.speakers.values_list("id", flat=True))
        if speaker_ids != {_pk(s) for s in resolved.speakers}:
            return UPDATED
        for name, records in resolved.tags.items():
            if set(getattr(speech, name).values_list("id", flat=True)) != {_pk(record) for record in records}:
                return UPDATED
        return UNCHANGED

    def _create(self, resolved):
        speech = resolved.speech
        if speech.slug and Speech.objects.filter(date=speech.date, slug=speech.slug).exists():
            speech.slug = ""
        if not speech.slug:
            speech.slug = unique_slug(Speech.objects.filter(date=speech.date), speech.title)
        speech.save()
        for paragraph in resolved.paragraphs:
            paragraph.speech_id = speech.pk
        Paragraph.objects.bulk_create(resolved.paragraphs)
        if resolved.speakers:
            through = Speech.speakers.through
            through.objects.bulk_create([through(speech=speech, speaker=speaker) for speaker in resolved.speakers])
        for name, records in resolved.tags.items():
            getattr(speech, name).set(records)
        if self._sources is not None and (speech.source_url or speech.source_id):
            self._sources[(speech.source_url, speech.source_id)] = speech.pk

    def revise(self, speech, parsed):
        """Store `parsed` as the new state of a stored speech an editor chose; return (outcome, speech).

        Labels keep the speakers the speech already attributes them to; new labels are resolved as on import.
        """
        validate(parsed)
        with transaction.atomic():
            existing = (
                Speech.objects.select_for_update(of=("self",)).select_related("venue", "translation").get(pk=speech.pk)
            )
            self.labels = {**labels_of(existing), **self.labels}
            stored = _snapshot(existing)
            resolved = self.resolve(parsed, existing=existing)
            _keep_added_by_hand(resolved, existing)
            outcome = self._compare(resolved, stored)
            if outcome == UPDATED:
                self._update(resolved)
            return outcome, resolved.speech

    def _update(self, resolved):
        with history.recorded_change(resolved.speech.pk, user=self.user, note=self.note):
            self._replace(resolved)

    def _replace(self, resolved):
        speech = resolved.speech
        stored = {p.position: p for p in Paragraph.objects.filter(speech=speech)}
        changed, new = [], []
        for paragraph in resolved.paragraphs:
            paragraph.speech_id = speech.pk
            old = stored.pop(paragraph.position, None)
            if old is None:
                new.append(paragraph)
            elif any(getattr(old, f) != getattr(paragraph, f) for f in _COMPARED_FIELDS):
                paragraph.pk = old.pk
                changed.append(paragraph)
        if stored:
            Paragraph.objects.filter(pk__in=[p.pk for p in stored.values()]).delete()
        if changed:
            Paragraph.objects.bulk_update(changed, _PARAGRAPH_FIELDS)
        if new:
            Paragraph.objects.bulk_create(new)
        speech.speakers.set(resolved.speakers)
        for name, records in resolved.tags.items():
            getattr(speech, name).set(records)
        speech.save()


def validate(parsed):
    if not parsed.title.strip():
        raise WriteError("The transcript has no title.")
    if parsed.date is None:
        raise WriteError("The transcript has no date.")
    if not parsed.paragraphs:
        raise WriteError("The transcript has no paragraphs.")
    for name, value in [
        ("title", parsed.title),
        ("slug", parsed.slug),
        ("source_url", parsed.source_url),
        ("source_id", parsed.source_id),
    ]:
        limit = Speech._meta.get_field(name).max_length
        if len(value) > limit:
            raise WriteError(f"The {name.replace('_', ' ')} is longer than {limit} characters.")
    for check, value in [(check_slug, parsed.slug), (check_source_url, parsed.source_url)]:
        try:
            if value:
                check(value)
        except ValidationError as exc:
            name = "slug" if check is check_slug else "source address"
            raise WriteError(f"The {name} “{value}” cannot be used: {' '.join(exc.messages)}") from exc
    _check_labels(parsed.paragraphs)
    ensure_identity(parsed)


def _check_labels(paragraphs):
    limit = Paragraph._meta.get_field("speaker_label").max_length
    for position, paragraph in enumerate(paragraphs, start=1):
        if len(paragraph.speaker_label) > limit:
            raise WriteError(f"The speaker label of paragraph {position} is longer than {limit} characters.")


def _keep_added_by_hand(resolved, existing):
    """Keep on the speech the people an editor added to it by hand: those who speak in none of its paragraphs."""
    attributed = Paragraph.objects.filter(speech=existing).exclude(speaker=None).values("speaker_id")
    by_hand = existing.speakers.exclude(pk__in=attributed)
    resolved.speakers += [s for s in by_hand if s not in resolved.speakers]


def labels_of(speech):
    """How a stored speech attributes its labels: {label key: speaker or None}."""
    paragraphs = Paragraph.objects.filter(speech=speech).exclude(speaker_label="").select_related("speaker")
    return {label_key(p.speaker_label): p.speaker for p in paragraphs.only("speaker_label", "speaker")}


def ensure_identity(parsed):
    """Give a transcript without a source address an id made of its day and title."""
    if parsed.date and not (parsed.source_url or parsed.source_id or parsed.slug):
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
