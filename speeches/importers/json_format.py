"""Read and write the archive's own JSON: one object per speech, as a JSON array or as JSON Lines.

Each object holds every field of a speech, the people who speak in it and its paragraphs::

    {
      "title": "Meeting with Government members",     # required
      "slug": "meeting-with-government-members",      # optional; kept when free on that day
      "date": "2023-06-28",                            # required, ISO 8601
      "time": "18:00" | null,
      "kind": "meeting",        # address, speech, meeting, interview, news-conference, statement, message, other
      "language": "en",         # en or ru
      "status": "published",    # draft or published; used when the speech is created
      "lead": "",
      "source_url": "http://en.kremlin.ru/events/president/news/62558",
      "source_id": "62558",     # with source_url, identifies the speech: importing it again updates in place
      "venue": {"name": "The Kremlin, Moscow", "city": "Moscow", "region": ""} | null,
      "translation": {"source_url": "http://kremlin.ru/events/president/news/62558", "source_id": "62558"} | null,
      "topics": [{"name": "Foreign policy", "name_ru": "Внешняя политика", "catalogue_id": "82"}],
      "places": [{"name": "Turkey", "name_ru": "", "kind": "country", "catalogue_id": "TR"}],  # country or region
      "people": [{"name": "Alexander Lukashenko", "slug": "alexander-lukashenko", "catalogue_id": "110"}],
      "speakers": [
        {"name": "Vladimir Putin", "slug": "vladimir-putin", "role": "President of Russia",
         "aliases": ["President of Russia Vladimir Putin", "V.Putin"]}
      ],
      "paragraphs": [
        {"kind": "speech",      # speech, heading, stage or separator
         "speaker": "vladimir-putin" | null,   # the slug of one of "speakers"; null for anonymous turns
         "speaker_label": "President of Russia Vladimir Putin",  # as printed where a turn begins, else ""
         "text": "Good afternoon, colleagues."}
      ]
    }

Topics, places and people are what the source files the speech under; a person is a speaker of the archive, named
by slug, and need not speak in it. A record without any of the three lists leaves a stored speech's tags as they
are; a tag whose names were printed run together carries "joined": true and is split against the names the archive
knows. A speech without source_url and source_id is matched on its date and slug instead. A record without "speakers"
has its paragraphs attributed from their labels, as a plain-text transcript is. `created` and `updated` are
written for reference and not read back: the archive keeps its own history.
"""

import datetime
import json

from speeches.models import Paragraph, Speech

from .base import ParsedParagraph, ParsedSpeaker, ParsedSpeech, ParsedTag, ParseError, Rejected, decode
from .tags import COUNTRIES, PERSONS, PLACES, REGIONS, TOPICS, of_kind

# The record's tag lists, with the catalogue each list's tags come from.
_TAG_LISTS = {"topics": TOPICS, "places": PLACES, "people": PERSONS}
_PLACE_CATALOGUES = {"country": COUNTRIES, "region": REGIONS, "": PLACES}

_KINDS = set(Speech.Kind.values)
_PARAGRAPH_KINDS = set(Paragraph.Kind.values)


def read(data, *, name=""):
    """Yield a ParsedSpeech (or a Rejected record) per object."""
    text = decode(data).strip()
    if not text:
        raise ParseError("The file is empty.")
    records = []
    if text.startswith("["):
        try:
            loaded = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ParseError(f"Not valid JSON ({exc}).") from exc
        records = [(f"record {n}", value) for n, value in enumerate(loaded, start=1)]
    else:
        try:
            records = [("record 1", json.loads(text))]
        except json.JSONDecodeError:
            for number, line in enumerate(text.splitlines(), start=1):
                if not line.strip():
                    continue
                try:
                    records.append((f"line {number}", json.loads(line)))
                except json.JSONDecodeError as exc:
                    records.append((f"line {number}", ParseError(f"Not valid JSON ({exc}).")))
    if not records:
        raise ParseError("The file holds no speeches.")
    for where, value in records:
        try:
            if isinstance(value, Exception):
                raise value
            speech = read_record(value)
            speech.where = where
            yield speech
        except ParseError as exc:
            yield Rejected(str(exc), where=where, failed=True)


def read_record(record):
    if not isinstance(record, dict):
        raise ParseError("A speech must be a JSON object.")
    title = _string(record, "title")
    if not title:
        raise ParseError("The speech has no title.")
    # Without a list of speakers, paragraphs are attributed from their labels, as in a plain-text transcript.
    speakers = [_speaker(value) for value in _list(record, "speakers")] if "speakers" in record else None
    references = {s.slug or s.name for s in speakers or []}
    paragraphs = []
    for value in _list(record, "paragraphs"):
        if not isinstance(value, dict):
            raise ParseError("A paragraph must be a JSON object.")
        kind = _string(value, "kind") or Paragraph.Kind.SPEECH
        if kind not in _PARAGRAPH_KINDS:
            raise ParseError(f"Unknown paragraph kind “{kind}”.")
        speaker = value.get("speaker") or None
        if speaker is not None and speaker not in references:
            raise ParseError(f"A paragraph names the speaker “{speaker}”, who is not among the speech's speakers.")
        paragraphs.append(
            ParsedParagraph(
                text=_string(value, "text"),
                speaker_label=_string(value, "speaker_label"),
                kind=kind,
                speaker=speaker,
            )
        )
    kind = _string(record, "kind")
    if kind and kind not in _KINDS:
        raise ParseError(f"Unknown kind “{kind}”.")
    status = _string(record, "status")
    if status and status not in Speech.Status.values:
        raise ParseError(f"Unknown status “{status}”.")
    venue = record.get("venue") or {}
    if not isinstance(venue, dict):
        raise ParseError("The venue must be an object with a name.")
    translation = record.get("translation") or {}
    if not isinstance(translation, dict):
        raise ParseError("The translation must be an object with source_url and source_id.")
    return ParsedSpeech(
        title=title,
        slug=_string(record, "slug"),
        date=_date(record.get("date")),
        time=_time(record.get("time")),
        kind=kind,
        language=_string(record, "language"),
        status=status,
        lead=_string(record, "lead"),
        source_url=_string(record, "source_url"),
        source_id=_string(record, "source_id"),
        venue=_string(venue, "name"),
        venue_city=_string(venue, "city"),
        venue_region=_string(venue, "region"),
        translation_url=_string(translation, "source_url"),
        translation_id=_string(translation, "source_id"),
        tags=_tags(record),
        speakers=speakers,
        paragraphs=paragraphs,
    )


def _tags(record):
    if not any(key in record for key in _TAG_LISTS):
        return None
    tags = {}
    for key, catalogue in _TAG_LISTS.items():
        items = []
        for value in _list(record, key):
            if not isinstance(value, dict):
                raise ParseError(f"Each of “{key}” must be an object with a name.")
            names = {"en": _string(value, "name"), "ru": _string(value, "name_ru")}
            if not any(names.values()):
                raise ParseError(f"Each of “{key}” must be an object with a name.")
            kind = _string(value, "kind")
            if key == "places" and kind not in _PLACE_CATALOGUES:
                raise ParseError(f"Unknown kind of place “{kind}”: country or region.")
            joined = value.get("joined", False)
            if not isinstance(joined, bool):
                raise ParseError("“joined” must be true or false.")
            items.append(
                ParsedTag(
                    name=names["en"] or names["ru"],
                    catalogue=_PLACE_CATALOGUES[kind] if key == "places" else catalogue,
                    catalogue_id=_string(value, "catalogue_id"),
                    joined=joined,
                    slug=_string(value, "slug") if key == "people" else "",
                    names={} if key == "people" else names,
                )
            )
        tags[key] = items
    return tags


def _speaker(value):
    if not isinstance(value, dict) or not _string(value, "name"):
        raise ParseError("Each speaker must be an object with a name.")
    aliases = value.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise ParseError("A speaker's aliases must be a list of strings.")
    return ParsedSpeaker(
        name=_string(value, "name"), role=_string(value, "role"), slug=_string(value, "slug"), aliases=aliases
    )


def _string(record, key):
    value = record.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ParseError(f"“{key}” must be a string.")
    return value


def _list(record, key):
    value = record.get(key) or []
    if not isinstance(value, list):
        raise ParseError(f"“{key}” must be a list.")
    return value


def _date(value):
    return _iso(value, datetime.date, "The date “{}” is not YYYY-MM-DD.")


def _time(value):
    return _iso(value, datetime.time, "The time “{}” is not HH:MM.")


def _iso(value, kind, message):
    if not value:
        return None
    try:
        return kind.fromisoformat(str(value))
    except ValueError as exc:
        raise ParseError(message.format(value)) from exc


def speech_record(speech):
    """The JSON object for one speech (with venue, translation, speakers and paragraphs prefetched)."""
    paragraphs = list(speech.paragraphs.all())
    speakers = {s.pk: s for s in speech.speakers.all()}
    for paragraph in paragraphs:
        if paragraph.speaker is not None:
            speakers.setdefault(paragraph.speaker_id, paragraph.speaker)
    return {
        "title": speech.title,
        "slug": speech.slug,
        "date": speech.date.isoformat(),
        "time": speech.time.isoformat(timespec="minutes") if speech.time else None,
        "kind": speech.kind,
        "language": speech.language,
        "status": speech.status,
        "lead": speech.lead,
        "source_url": speech.source_url,
        "source_id": speech.source_id,
        "venue": (
            {"name": speech.venue.name, "city": speech.venue.city, "region": speech.venue.region}
            if speech.venue
            else None
        ),
        "translation": (
            {"source_url": speech.translation.source_url, "source_id": speech.translation.source_id}
            if speech.translation
            else None
        ),
        "topics": [_tag_record(topic) for topic in speech.topics.all()],
        "places": [{**_tag_record(place), "kind": place.kind} for place in speech.places.all()],
        "people": [
            {"name": person.name, "slug": person.slug, "catalogue_id": person.catalogue_id}
            for person in speech.people.all()
        ],
        "speakers": [
            {
                "name": speaker.name,
                "slug": speaker.slug,
                "role": speaker.role,
                "aliases": sorted(alias.label for alias in speaker.aliases.all()),
            }
            for speaker in sorted(speakers.values(), key=lambda s: s.slug)
        ],
        "paragraphs": [
            {
                "kind": paragraph.kind,
                "speaker": paragraph.speaker.slug if paragraph.speaker else None,
                "speaker_label": paragraph.speaker_label,
                "text": paragraph.text,
            }
            for paragraph in paragraphs
        ],
        "created": speech.created.isoformat() if speech.created else None,
        "updated": speech.updated.isoformat() if speech.updated else None,
    }


def _tag_record(tag):
    return {"name": tag.name, "name_ru": tag.name_ru, "catalogue_id": tag.catalogue_id}


def _parsed_tag(tag, language):
    """A tag as the source printed it, under the name of the address's language."""
    record = {"name_ru" if language == Speech.Language.RUSSIAN else "name": tag.name, "catalogue_id": tag.catalogue_id}
    if tag.catalogue in (COUNTRIES, REGIONS):
        record["kind"] = "country" if tag.catalogue == COUNTRIES else "region"
    if tag.joined:
        record["joined"] = True
    return record


def _parsed_tags(parsed):
    if parsed.tags is None:
        return {}
    language = parsed.language
    return {
        "topics": [_parsed_tag(tag, language) for tag in of_kind(parsed.tags, TOPICS)],
        "places": [_parsed_tag(tag, language) for tag in of_kind(parsed.tags, COUNTRIES, REGIONS, PLACES)],
        # The source prints a person surname first: the name is kept as printed, to be found among the speakers.
        "people": [
            {"name": tag.name, "catalogue_id": tag.catalogue_id, **({"joined": True} if tag.joined else {})}
            for tag in of_kind(parsed.tags, PERSONS)
        ],
    }


def parsed_record(parsed):
    """The JSON object for a parsed speech whose paragraphs are attributed from their labels."""
    return {
        "title": parsed.title,
        "slug": parsed.slug,
        "date": parsed.date.isoformat() if parsed.date else None,
        "time": parsed.time.isoformat(timespec="minutes") if parsed.time else None,
        "kind": parsed.kind,
        "language": parsed.language,
        "lead": parsed.lead,
        "source_url": parsed.source_url,
        "source_id": parsed.source_id,
        "venue": (
            {"name": parsed.venue, "city": parsed.venue_city, "region": parsed.venue_region} if parsed.venue else None
        ),
        "translation": (
            {"source_url": parsed.translation_url, "source_id": parsed.translation_id}
            if parsed.translation_url or parsed.translation_id
            else None
        ),
        **_parsed_tags(parsed),
        "paragraphs": [{"kind": p.kind, "speaker_label": p.speaker_label, "text": p.text} for p in parsed.paragraphs],
    }
