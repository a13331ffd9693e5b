"""Import transcripts into the archive: one reader per source format, one writer.

    report = import_paths(["transcripts/"], status="draft")
    print(report.summary())

Readers (`kremlin_html`, `text`, `json_format`, `kremlin_ru_csv`) turn a file into `ParsedSpeech` records;
`writer.Writer` stores them. A file that cannot be read is recorded in the report with its reason and the
import goes on.
"""

import logging
from collections import Counter
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from speeches import search

from . import json_format, kremlin_html, kremlin_ru_csv, text
from .base import ParsedSpeech, ParseError, Rejected, decode
from .writer import CREATED, UNCHANGED, UPDATED, WriteError, Writer

logger = logging.getLogger(__name__)

SKIPPED, FAILED = "skipped", "failed"
OUTCOMES = [CREATED, UPDATED, UNCHANGED, SKIPPED, FAILED]

FORMATS = {
    "kremlin-html": kremlin_html.read,
    "text": text.read,
    "json": json_format.read,
    "kremlin-ru-csv": kremlin_ru_csv.read,
}
EXTENSIONS = {
    ".html": "kremlin-html",
    ".htm": "kremlin-html",
    ".txt": "text",
    ".json": "json",
    ".jsonl": "json",
    ".ndjson": "json",
    ".csv": "kremlin-ru-csv",
}


@dataclass
class Outcome:
    path: str
    result: str
    reason: str = ""
    where: str = ""
    speech_id: int | None = None

    def __str__(self):
        place = f"{self.path} ({self.where})" if self.where else self.path
        return f"{self.result}: {place}" + (f": {self.reason}" if self.reason else "")


@dataclass
class ImportReport:
    outcomes: list[Outcome] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)

    def add(self, outcome):
        self.outcomes.append(outcome)
        self.counts[outcome.result] += 1

    @property
    def failed(self):
        return self.counts[FAILED]

    def problems(self):
        return [o for o in self.outcomes if o.result in (SKIPPED, FAILED)]

    def summary(self):
        return ", ".join(f"{self.counts[name]} {name}" for name in OUTCOMES)


def detect_format(name, data):
    """The format a file is in, from its extension, else from its first characters; None if unknown."""
    found = EXTENSIONS.get(Path(name).suffix.lower())
    if found:
        return found
    head = decode(data[:2048]).lstrip()
    lowered = head.lower()
    if lowered.startswith(("<!doctype html", "<html")) or "<html" in lowered[:500]:
        return "kremlin-html"
    if head.startswith(("[", "{")):
        return "json"
    if head.startswith("title,") or "article_full_text_1" in head.split("\n", 1)[0]:
        return "kremlin-ru-csv"
    return None


def collect_files(paths):
    """Expand folders (recursively) into the transcript files they hold, in a stable order."""
    files = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file()
                    and p.suffix.lower() in EXTENSIONS
                    and not any(part.startswith(".") for part in p.relative_to(path).parts)
                )
            )
        else:
            files.append(path)
    return files


def read_source(data, *, name="", format=None, known_label=None):
    """Parse one source into a list of ParsedSpeech and Rejected records; raise ParseError if unreadable."""
    format = format or detect_format(name, data)
    if format is None:
        raise ParseError("Unknown file type: expected .html, .txt, .json, .jsonl or .csv (or pass a format).")
    if format not in FORMATS:
        raise ParseError(f"Unknown format “{format}”.")
    if format == "text":
        return [text.read(data, name=name, known_label=known_label)]
    result = FORMATS[format](data, name=name)
    return [result] if isinstance(result, ParsedSpeech) else list(result)


def import_paths(paths, *, format=None, status=None, language=None, dry_run=False, progress=None):
    """Import every transcript file under `paths`; return an ImportReport.

    `status` applies to speeches created by this run (default: the record's own status, else published);
    `progress(path, outcomes)` is called after each file. The search index queue is drained before the first file
    and after the last, once the surrounding transaction (if any) commits.
    """
    writer = Writer(status=status, language=language, dry_run=dry_run)
    report = ImportReport()
    if not dry_run:
        # A run killed part-way leaves committed speeches queued for the index; this run finds them unchanged and
        # would not queue them again, so it finishes that work first.
        search.drain_when_committed()
    # One index commit for the whole import, not one per speech.
    with nullcontext() if dry_run else search.bulk_indexing():
        for path in collect_files(paths):
            outcomes = list(_import_file(path, writer, format))
            for outcome in outcomes:
                report.add(outcome)
            if progress is not None:
                progress(path, outcomes)
    return report


def _import_file(path, writer, format):
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield Outcome(name, FAILED, exc.strerror or str(exc))
        return
    try:
        records = read_source(data, name=name, format=format, known_label=writer.speakers.known)
    except ParseError as exc:
        yield Outcome(name, FAILED, str(exc))
        return
    except Exception as exc:  # A reader bug must not stop the other files.
        logger.exception("Could not read %s", name)
        yield Outcome(name, FAILED, f"Unexpected error while reading: {exc!r}")
        return
    for record in records:
        if isinstance(record, Rejected):
            yield Outcome(name, FAILED if record.failed else SKIPPED, record.reason, record.where)
            continue
        try:
            result, speech = writer.write(record)
        except WriteError as exc:
            yield Outcome(name, FAILED, str(exc), record.where)
        except Exception as exc:
            logger.exception("Could not store %s", name)
            yield Outcome(name, FAILED, f"Unexpected error while saving: {exc!r}", record.where)
        else:
            yield Outcome(name, result, where=record.where, speech_id=speech.pk)


__all__ = [
    "CREATED",
    "FAILED",
    "SKIPPED",
    "UNCHANGED",
    "UPDATED",
    "ImportReport",
    "Outcome",
    "ParseError",
    "collect_files",
    "detect_format",
    "import_paths",
    "read_source",
]
