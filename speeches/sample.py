"""The sample archive: real transcripts that a new archive starts with, chosen from saved kremlin.ru sources.

`choose` spreads a selection evenly over the dates of what it is given and always keeps the longest transcript,
so that the date archives, the calendar, search facets and the reading tools for long addresses all have
something to show. `write_sample` stores the selection in the archive's JSON Lines format, which
`import_speeches` reads; `load` fills an empty archive with it.
"""

import datetime
import json
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from .importers import ParseError, collect_files, read_source
from .importers.base import ParsedSpeech
from .importers.json_format import parsed_record
from .models import Speech

SAMPLE_FILE = "sample.jsonl"
DEMO_FIXTURE = "demo.json"


def read_transcripts(folder):
    """Every transcript that the archive's readers find under a folder, in a stable order; unreadable files left out."""
    speeches = []
    for path in collect_files([folder]):
        try:
            records = read_source(path.read_bytes(), name=str(path))
        except ParseError:
            continue
        speeches.extend(record for record in records if isinstance(record, ParsedSpeech) and record.date)
    return speeches


def choose(speeches, count):
    """`count` transcripts spread over the years of `speeches`, and evenly over each year, the longest among them.

    Each year gets an equal share, or all it has when that is fewer; so a year with few saved pages is not
    crowded out by the busy ones. Oldest first.
    """
    if count <= 0:
        return []
    ordered = sorted(speeches, key=_chronological)
    if count >= len(ordered):
        return ordered
    years = {}
    for speech in ordered:
        years.setdefault(speech.date.year, []).append(speech)
    # The year with the fewest first: what it cannot use goes to the others.
    left, chosen = count, []
    for done, year in enumerate(sorted(years.values(), key=len)):
        share = min(len(year), left // (len(years) - done))
        chosen.extend(_evenly(year, share))
        left -= share
    longest = max(ordered, key=lambda speech: (len(speech.paragraphs), speech.source_id))
    if longest not in chosen:
        # The longest takes the place of the chosen one nearest to it.
        at = ordered.index(longest)
        chosen.remove(min(chosen, key=lambda speech: abs(ordered.index(speech) - at)))
        chosen.append(longest)
    return sorted(chosen, key=_chronological)


def _evenly(speeches, count):
    step = len(speeches) / count if count else 0
    return [speeches[int(n * step)] for n in range(count)]


def _chronological(speech):
    return (speech.date, speech.time or datetime.time.min, speech.source_id)


def write_sample(speeches, stream):
    """Write the transcripts as JSON Lines, one address per line; return how many."""
    for speech in speeches:
        stream.write(json.dumps(parsed_record(speech), ensure_ascii=False, sort_keys=True) + "\n")
    return len(speeches)


def fixtures_dir():
    return Path(settings.BASE_DIR) / "fixtures"


def load(stdout=None):
    """Fill an empty archive with the demo address and the sample; return False, changing nothing, if it holds any.

    An archive with speeches is an editor's: a start must never load the demo over their work.
    """
    if Speech.objects.exists():
        return False
    call_command("loaddata", str(fixtures_dir() / DEMO_FIXTURE), verbosity=0)
    call_command("import_speeches", str(fixtures_dir() / SAMPLE_FILE), verbosity=1, stdout=stdout)
    return True
