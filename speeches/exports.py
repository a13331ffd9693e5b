"""Addresses in the forms readers and researchers take away: plain text, the archive's JSON, CSV and TEI.

One address is a download from its page; the whole archive, or a filtered part of it, is `export_corpus`. Both
write through the same functions here. The corpus is written speech by speech from an iterator over the database,
so memory stays the same whatever its size.

The TEI is built with the standard library's ElementTree rather than lxml: lxml keeps every xml:id it has seen in a
dictionary that lasts as long as the process, so a corpus of unique ids would grow it without end.

TEI follows the ParlaMint conventions for transcripts of speeches: the speakers in a `listPerson`, each turn an
utterance `<u who="#…">` holding one `<seg>` per paragraph, headings as `<head>`, stage directions as `<note>`, and
the source in the header.
"""

import csv
import json
from xml.etree import ElementTree as etree

from django.db.models import Prefetch

from .citations import source_site
from .importers.json_format import speech_record
from .importers.text import transcript_text
from .models import Paragraph, Speaker

ARCHIVE = "Speech archive"
LICENCE = "https://creativecommons.org/licenses/by/4.0/"
TEI = "http://www.tei-c.org/ns/1.0"
XML = "http://www.w3.org/XML/1998/namespace"
# TEI's elements without a prefix, as TEI documents are written.
etree.register_namespace("", TEI)
CSV_COLUMNS = ["date", "slug", "title", "language", "position", "kind", "speaker", "speaker_label", "text"]
# Formats of one address's download: file extension -> media type.
DOWNLOADS = {
    "txt": "text/plain; charset=utf-8",
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xml": "application/tei+xml",
}


def for_export(speeches):
    """The speeches with everything their exports read, in the archive's order, loaded a chunk at a time."""
    return (
        speeches.order_by("date", "id")
        .select_related("venue", "translation")
        .prefetch_related(
            Prefetch("speakers", queryset=Speaker.objects.prefetch_related("aliases")),
            Prefetch("paragraphs", queryset=Paragraph.objects.order_by("position").select_related("speaker")),
            "paragraphs__speaker__aliases",
            "topics",
            "places",
            "people",
        )
    )


# Plain text


def as_text(speech, url):
    """The address as a reader keeps it: its details, then the transcript in the archive's plain-text form."""
    details = [speech.title, speech.date.isoformat() + (f" {speech.time:%H:%M}" if speech.time else "")]
    if speech.venue:
        details.append(speech.venue.name)
    if speech.source_url:
        details.append(f"Source: {speech.source_url}")
    details.append(f"Archived at: {url}")
    lead = f"{speech.lead}\n\n" if speech.lead else ""
    return "\n".join(details) + "\n\n" + lead + transcript_text(list(speech.paragraphs.all()))


# JSON


def as_json(speech):
    """The archive's own JSON of one address: what import_speeches reads back."""
    return json.dumps(speech_record(speech), ensure_ascii=False, indent=2) + "\n"


# CSV


def csv_rows(speech):
    """One row per paragraph, each with the columns of CSV_COLUMNS."""
    for paragraph in speech.paragraphs.all():
        yield [
            speech.date.isoformat(),
            speech.slug,
            speech.title,
            speech.language,
            paragraph.position,
            paragraph.kind,
            paragraph.speaker.slug if paragraph.speaker else "",
            paragraph.speaker_label,
            paragraph.text,
        ]


def write_csv(stream, speeches):
    writer = csv.writer(stream)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for speech in speeches:
        writer.writerows(csv_rows(speech))
        count += 1
    return count


# TEI


def _tei(tag, parent=None, text=None, **attributes):
    attributes = {
        (f"{{{XML}}}{name[4:]}" if name.startswith("xml_") else name): value for name, value in attributes.items()
    }
    element = (
        etree.Element(f"{{{TEI}}}{tag}", attributes)
        if parent is None
        else etree.SubElement(parent, f"{{{TEI}}}{tag}", attributes)
    )
    if text:
        element.text = text
    return element


def _people(speech, paragraphs, prefix):
    """{who: (xml:id, name, role)} for every speaker of the transcript, known or known only by a label."""
    people = {}
    for speaker in speech.speakers.all():
        people[("speaker", speaker.pk)] = (_xml_id(prefix, speaker.slug), speaker.name, speaker.role)
    unnamed = 0
    for paragraph in paragraphs:
        if paragraph.speaker is not None:
            person = (_xml_id(prefix, paragraph.speaker.slug), paragraph.speaker.name, "")
            people.setdefault(("speaker", paragraph.speaker_id), person)
        elif paragraph.speaker_label and ("label", paragraph.speaker_label) not in people:
            unnamed += 1
            people[("label", paragraph.speaker_label)] = (f"{prefix}unnamed-{unnamed}", paragraph.speaker_label, "")
    return people


def _xml_id(prefix, name):
    # An xml:id begins with a letter or an underscore; a slug may begin with a digit.
    return prefix + (name if prefix or name[:1].isalpha() or name[:1] == "_" else "_" + name)


def _who(paragraph):
    return ("speaker", paragraph.speaker_id) if paragraph.speaker_id else ("label", paragraph.speaker_label)


def tei_document(speech, prefix=""):
    """The address as a TEI P5 document (an lxml element).

    Its paragraphs are p1, p2, … as on its page, and its speakers go by their slugs; within a corpus, where an
    xml:id is unique across all its documents, each is prefixed with the document's own.
    """
    paragraphs = list(speech.paragraphs.all())
    people = _people(speech, paragraphs, prefix)
    root = _tei("TEI", xml_lang=speech.language)
    if prefix:
        root.set(f"{{{XML}}}id", prefix.rstrip("."))
    header = _tei("teiHeader", root)
    file_desc = _tei("fileDesc", header)
    _tei("title", _tei("titleStmt", file_desc), speech.title)
    publication = _tei("publicationStmt", file_desc)
    _tei("publisher", publication, ARCHIVE)
    _tei("licence", _tei("availability", publication), "CC BY 4.0", target=LICENCE)
    source = _tei("bibl", _tei("sourceDesc", file_desc))
    _tei("title", source, speech.title)
    if speech.source_url:
        _tei("publisher", source, source_site(speech.source_url))
        _tei("idno", source, speech.source_url, type="URI")
    _tei("date", source, speech.date.isoformat(), when=speech.date.isoformat())
    profile = _tei("profileDesc", header)
    setting = _tei("setting", _tei("settingDesc", profile))
    if speech.venue:
        _tei("name", setting, speech.venue.name, type="place")
    when = speech.date.isoformat() + (f"T{speech.time:%H:%M}" if speech.time else "")
    _tei("date", setting, when, when=when)
    persons = _tei("listPerson", _tei("particDesc", profile))
    for xml_id, name, role in people.values():
        person = _tei("person", persons, xml_id=xml_id)
        _tei("persName", person, name)
        if role:
            _tei("roleName", person, role)
    _tei("language", _tei("langUsage", profile), speech.get_language_display(), ident=speech.language)
    _tei("term", _tei("keywords", _tei("textClass", profile)), speech.kind)

    body = _tei("div", _tei("body", _tei("text", root)), type="transcript")
    turn = None  # the utterance the next paragraph of the same speaker continues
    for paragraph in paragraphs:
        n = str(paragraph.position)
        if paragraph.kind == Paragraph.Kind.HEADING:
            _tei("head", body, paragraph.text, n=n, xml_id=f"{prefix}p{n}")
            turn = None
        elif paragraph.kind == Paragraph.Kind.SEPARATOR:
            _tei("milestone", body, unit="section", n=n, xml_id=f"{prefix}p{n}")
            turn = None
        elif paragraph.kind == Paragraph.Kind.STAGE:
            # A stage direction stands between turns or within one, where it was heard.
            _tei("note", turn if turn is not None else body, paragraph.text, type="stage", n=n, xml_id=f"{prefix}p{n}")
        elif paragraph.speaker_label or paragraph.speaker_id:
            if paragraph.speaker_label or turn is None or turn.get("who") != "#" + people[_who(paragraph)][0]:
                turn = _tei("u", body, who="#" + people[_who(paragraph)][0])
            _tei("seg", turn, paragraph.text, n=n, xml_id=f"{prefix}p{n}")
        elif turn is not None:
            _tei("seg", turn, paragraph.text, n=n, xml_id=f"{prefix}p{n}")
        else:
            # Words before anyone speaks: the account of the event, not an utterance.
            _tei("note", body, paragraph.text, type="narrative", n=n, xml_id=f"{prefix}p{n}")
    return root


def _serialized(element, declaration=False):
    etree.indent(element)
    return etree.tostring(element, encoding="UTF-8", xml_declaration=declaration) + b"\n"


def as_tei(speech):
    return _serialized(tei_document(speech), declaration=True)


def write_tei(stream, speeches):
    """Many addresses as one teiCorpus, written one TEI document at a time."""
    stream.write(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(f'<teiCorpus xmlns="{TEI}">\n'.encode())
    header = _tei("teiHeader")
    file_desc = _tei("fileDesc", header)
    _tei("title", _tei("titleStmt", file_desc), f"{ARCHIVE}: transcripts")
    publication = _tei("publicationStmt", file_desc)
    _tei("publisher", publication, ARCHIVE)
    _tei("licence", _tei("availability", publication), "CC BY 4.0", target=LICENCE)
    _tei("p", _tei("sourceDesc", file_desc), "Each transcript's header names its source.")
    stream.write(_serialized(header))
    count = 0
    for speech in speeches:
        # The day and the slug name one address in the archive, and in the corpus.
        document = tei_document(speech, prefix=f"d{speech.date:%Y%m%d}-{speech.slug}.")
        stream.write(_serialized(document))
        count += 1
    stream.write(b"</teiCorpus>\n")
    return count


def write_jsonl(stream, speeches):
    count = 0
    for speech in speeches:
        stream.write(json.dumps(speech_record(speech), ensure_ascii=False) + "\n")
        count += 1
    return count
