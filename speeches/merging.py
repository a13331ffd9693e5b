"""Merge speakers (or venues) that are one person (or one place) kept as several records, and find likely ones.

Transcripts print one person many ways: in Cyrillic on kremlin.ru and in Latin letters on en.kremlin.ru, with an
initial or a full first name, in several romanisations (Kleimenov, Kleymenov). Each way an import meets first becomes
a speaker of its own. Merging moves everything that names the merged records to the one kept, leaves their old web
addresses leading to it, and deletes them.
"""

import operator
import re
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count

from . import search
from .models import (
    Paragraph,
    Place,
    Speaker,
    SpeakerAlias,
    SpeakerRedirect,
    Speech,
    Topic,
    Venue,
    VenueRedirect,
    has_cyrillic,
    label_key,
    normalize_label,
)
from .names import fold, one_edit_apart, parse_name, same_first_name, same_surname


class MergeError(Exception):
    """A merge that cannot be done, with the reason in words an editor understands."""


@dataclass(frozen=True)
class Merged:
    """What a merge changed: the speeches that named a merged record, and the paragraphs attributed to one."""

    speeches: int
    paragraphs: int = 0


def merge_speakers(kept, others):
    """Merge the other speakers into kept, delete them, and return what changed."""
    others = _checked(kept, others, "speaker")
    other_ids = [other.pk for other in others]
    with transaction.atomic():
        _lock(Speaker, kept, other_ids)
        attributed = set(Paragraph.objects.filter(speaker_id__in=other_ids).values_list("speech_id", flat=True))
        paragraphs = Paragraph.objects.filter(speaker_id__in=other_ids).update(speaker=kept)
        listed = _move_links(Speech.speakers.through, "speaker", kept, other_ids)
        filed = _move_links(Speech.people.through, "speaker", kept, other_ids)
        _move_aliases(kept, others)
        _move_redirects(SpeakerRedirect, "speaker", kept, others)
        if not kept.role:
            kept.role = next((other.role for other in others if other.role), "")
            kept.save(update_fields=["role"])
        Speaker.objects.filter(pk__in=other_ids).delete()
        touched = listed | attributed | filed
        _reindex(touched)
    return Merged(speeches=len(touched), paragraphs=paragraphs)


def merge_venues(kept, others):
    """Merge the other venues into kept, delete them, and return what changed."""
    others = _checked(kept, others, "venue")
    other_ids = [other.pk for other in others]
    with transaction.atomic():
        _lock(Venue, kept, other_ids)
        touched = set(Speech.objects.filter(venue_id__in=other_ids).values_list("id", flat=True))
        Speech.objects.filter(venue_id__in=other_ids).update(venue=kept)
        _move_redirects(VenueRedirect, "venue", kept, others)
        for field in ("city", "region"):
            if not getattr(kept, field):
                setattr(kept, field, next((getattr(other, field) for other in others if getattr(other, field)), ""))
        kept.save(update_fields=["city", "region"])
        Venue.objects.filter(pk__in=other_ids).delete()
        _reindex(touched)
    return Merged(speeches=len(touched))


def merge_topics(kept, others):
    """Merge the other topics into kept, delete them, and return what changed."""
    return _merge_tags(kept, others, "topic")


def merge_places(kept, others):
    """Merge the other places into kept, delete them, and return what changed."""
    return _merge_tags(kept, others, "place")


def _merge_tags(kept, others, noun):
    others = _checked(kept, others, noun)
    other_ids = [other.pk for other in others]
    model = type(kept)
    with transaction.atomic():
        _lock(model, kept, other_ids)
        touched = _move_links(getattr(Speech, f"{noun}s").through, noun, kept, other_ids)
        # The kept record takes the names and the catalogue entry it lacks: one record per subject in both languages.
        for field in ("name", "name_ru", "catalogue_id"):
            if not getattr(kept, field):
                setattr(kept, field, next((getattr(other, field) for other in others if getattr(other, field)), ""))
        model.objects.filter(pk__in=other_ids).delete()
        kept.save(update_fields=["name", "name_ru", "catalogue_id"])
        _reindex(touched)
    return Merged(speeches=len(touched))


def _move_links(through, field, kept, other_ids):
    """Link the speeches linked to the others to kept instead; return the ids of the speeches that changed."""
    column = f"{field}_id"
    moved = set(through.objects.filter(**{f"{column}__in": other_ids}).values_list("speech_id", flat=True))
    already = set(
        through.objects.filter(**{column: kept.pk, "speech_id__in": moved}).values_list("speech_id", flat=True)
    )
    through.objects.filter(**{f"{column}__in": other_ids}).delete()
    through.objects.bulk_create(
        through(speech_id=speech_id, **{column: kept.pk}) for speech_id in sorted(moved - already)
    )
    return moved


def _checked(kept, others, noun):
    others = list({other.pk: other for other in others}.values())
    if any(other.pk == kept.pk for other in others):
        raise MergeError(f"A {noun} cannot be merged into itself.")
    if not others:
        raise MergeError(f"Choose at least one {noun} to merge into “{kept}”.")
    return others


def _lock(model, kept, other_ids):
    # Two editors merging the same records at once: the second waits, then finds some of them gone.
    found = set(model.objects.select_for_update().filter(pk__in=[kept.pk, *other_ids]).values_list("pk", flat=True))
    if len(found) != len(other_ids) + 1:
        noun = model._meta.verbose_name
        raise MergeError(f"A {noun} to merge is no longer in the archive; it may have been merged already.")


def _move_aliases(kept, others):
    SpeakerAlias.objects.filter(speaker__in=others).update(speaker=kept)
    # The merged names become spellings of the kept speaker, so that the next import that prints one finds it.
    labels = {label_key(other.name): normalize_label(other.name) for other in others}
    labels.pop(label_key(kept.name), None)
    taken = set(SpeakerAlias.objects.filter(key__in=labels).values_list("key", flat=True))
    SpeakerAlias.objects.bulk_create(
        SpeakerAlias(speaker=kept, label=label, key=key) for key, label in labels.items() if key and key not in taken
    )


def _move_redirects(model, field, kept, others):
    model.objects.filter(**{f"{field}__in": others}).update(**{field: kept})
    # A record merged back into one that was merged into it earlier answers at its own address again.
    model.objects.filter(slug=kept.slug).delete()
    for other in others:
        model.objects.update_or_create(slug=other.slug, defaults={field: kept})


def _reindex(speech_ids):
    # Bulk updates send no post_save, so the index upkeep does not hear of these speeches unless told.
    for speech_id in sorted(speech_ids):
        search.queue_speech(speech_id)


# Finding records that may be one person or one place

CLOSE_SPELLING = "close spelling"
INITIAL_AND_SURNAME = "initial and surname"
CYRILLIC_AND_LATIN = "same name in Cyrillic and Latin"
SAME_NAME = "same name"
OTHER_ORDER = "same words in another order"


@dataclass(frozen=True)
class PossibleDuplicate:
    """Two records that may be one; `first` has more speeches, so it is the one to keep by default."""

    first: object
    second: object
    reason: str


def _speaker_reason(first, second, a, b):
    if a.initial != b.initial:
        return INITIAL_AND_SURNAME
    if a.cyrillic != b.cyrillic:
        return CYRILLIC_AND_LATIN
    if label_key(first.name) == label_key(second.name):
        return SAME_NAME
    return CLOSE_SPELLING


def _deletions(word):
    """The word and every form of it with one letter dropped: words one edit apart share one of these."""
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


def possible_duplicate_speakers():
    """Suggest pairs of speakers that may be one person, with the reason, most speeches first."""
    speakers = list(Speaker.objects.annotate(speech_count=Count("speeches", distinct=True)).only("name", "slug"))
    names = {speaker.pk: parse_name(speaker.name) for speaker in speakers}
    # Only speakers whose surnames are at most one letter apart are compared, not every pair.
    blocks = defaultdict(list)
    for speaker in speakers:
        name = names[speaker.pk]
        if name is not None:
            for key in _deletions(name.surname):
                blocks[key].append(speaker)
    compared, pairs = set(), []
    for block in blocks.values():
        for i, one in enumerate(block):
            for other in block[i + 1 :]:
                # Two surnames can share several of the forms with a letter dropped: compare them once.
                pair_key = (min(one.pk, other.pk), max(one.pk, other.pk))
                if pair_key in compared:
                    continue
                compared.add(pair_key)
                a, b = names[one.pk], names[other.pk]
                if same_surname(a.surname, b.surname) and same_first_name(a, b):
                    pairs.append(_pair(one, other, _speaker_reason(one, other, a, b)))
    return _ordered(pairs)


# Words that say what sort of place, not which (г. is "city"); Russian place words and the English the archive uses.
_PLACE_STOP_WORDS = {fold(word) for word in ["the", "of", "in", "at", "and", "on", "city", "g", "gorod", "v", "na"]}
_PLACE_WORDS = {
    fold(russian): fold(english)
    for russian, english in [
        ("oblast", "region"),
        ("krai", "territory"),
        ("respublika", "republic"),
        ("sankt", "saint"),
        ("st", "saint"),
    ]
}
_VOWELS = "aeiou"
_PREFIX = 3


def _place_words(name):
    words = []
    for word in re.split(r"[\s-]+", fold(name)):
        if not word or word in _PLACE_STOP_WORDS:
            continue
        word = _PLACE_WORDS.get(word, word)
        # Russian case and gender endings: Moskva against Moscow, Kreml against Kremlin.
        if len(word) > 4 and word[-1] in _VOWELS:
            word = word[:-1]
        words.append(word)
    return words


def _same_place_word(a, b):
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    # "kreml" and "kremlin", "moskov" and "moskovskai" (Московская, of Moscow)
    if len(short) >= 4 and long.startswith(short):
        return True
    return len(short) >= 5 and a[0] == b[0] and one_edit_apart(a, b)


def _same_place(a, b):
    return all(any(_same_place_word(x, y) for y in b) for x in a) and all(
        any(_same_place_word(y, x) for x in a) for y in b
    )


def _venue_reason(first, second, a, b):
    if has_cyrillic(first.name) != has_cyrillic(second.name):
        return CYRILLIC_AND_LATIN
    if a != b and sorted(a) == sorted(b):
        return OTHER_ORDER
    return CLOSE_SPELLING


def possible_duplicate_venues():
    """Suggest pairs of venues that may be one place, with the reason, most speeches first."""
    venues = list(Venue.objects.annotate(speech_count=Count("speeches")).only("name", "slug"))
    words = {venue.pk: _place_words(venue.name) for venue in venues}
    # Matching words begin alike, so only venues whose words begin with the same letters are compared.
    blocks = defaultdict(list)
    for venue in venues:
        if words[venue.pk]:
            blocks[frozenset(word[:_PREFIX] for word in words[venue.pk])].append(venue)
    pairs = []
    for block in blocks.values():
        for i, one in enumerate(block):
            for other in block[i + 1 :]:
                a, b = words[one.pk], words[other.pk]
                if _same_place(a, b):
                    pairs.append(_pair(one, other, _venue_reason(one, other, a, b)))
    return _ordered(pairs)


def possible_duplicate_topics():
    """Suggest pairs of topics that may be one: the same name, whatever its case and spacing."""
    return _possible_duplicate_tags(Topic, fold, operator.eq)


def possible_duplicate_places():
    """Suggest pairs of places that may be one, in either script: "Курская область" and "Kursk Region"."""
    return _possible_duplicate_tags(Place, _place_words, lambda a, b: bool(a and b) and _same_place(a, b))


def _possible_duplicate_tags(model, spelled, same):
    """Pairs of records one of whose names each `same` finds alike, the names `spelled` once per record."""
    records = list(model.objects.annotate(speech_count=Count("speeches")))
    spellings = {record.pk: [spelled(name) for name in (record.name, record.name_ru) if name] for record in records}
    pairs = []
    for i, one in enumerate(records):
        for other in records[i + 1 :]:
            if one.catalogue_id and other.catalogue_id:
                continue  # two entries of the source's catalogue are two subjects
            if any(same(a, b) for a in spellings[one.pk] for b in spellings[other.pk]):
                reason = CYRILLIC_AND_LATIN if bool(one.name) != bool(other.name) else SAME_NAME
                pairs.append(_pair(one, other, reason))
    return _ordered(pairs)


def _pair(one, other, reason):
    first, second = sorted((one, other), key=lambda record: (-record.speech_count, record.name, record.pk))
    return PossibleDuplicate(first, second, reason)


def _ordered(pairs):
    return sorted(
        pairs,
        key=lambda pair: (-pair.first.speech_count - pair.second.speech_count, pair.first.name, pair.second.name),
    )
