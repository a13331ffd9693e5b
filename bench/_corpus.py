"""The English corpus for benchmarks: imported with the archive's own command, and enlarged tenfold in place.

Import after Django is set up (see _setup); nothing here touches the database until called.
"""

import datetime
import sys
import time
from pathlib import Path

from django.core.management import call_command
from django.db import transaction

from speeches.models import Paragraph, Speech

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "kremlin-en-html" / "news"


def load_corpus():
    if not CORPUS.is_dir():
        sys.exit(f"The corpus is not at {CORPUS}.")
    call_command("flush", interactive=False, verbosity=0)
    started = time.perf_counter()
    call_command("import_speeches", str(CORPUS), verbosity=0)
    print(
        f"imported {Speech.objects.count()} speeches, {Paragraph.objects.count()} paragraphs "
        f"in {time.perf_counter() - started:.1f} s"
    )


def enlarge(copies=9):
    """Add copies of every speech and paragraph, dated 11 years earlier per copy, in the database directly."""
    started = time.perf_counter()
    originals = list(Speech.objects.filter(source_id__regex=r"^[0-9]+$").order_by("id"))
    through = Speech.speakers.through
    speakers = {}
    for row in through.objects.filter(speech__in=originals).values_list("speech_id", "speaker_id"):
        speakers.setdefault(row[0], []).append(row[1])
    fields = [f.name for f in Paragraph._meta.concrete_fields if f.name not in {"id", "speech"}]
    for copy in range(1, copies + 1):
        with transaction.atomic():
            new = Speech.objects.bulk_create(
                Speech(
                    **{f.attname: getattr(s, f.attname) for f in Speech._meta.concrete_fields if f.name != "id"}
                    | {
                        "date": s.date.replace(year=s.date.year - 11 * copy)
                        if not (s.date.month == 2 and s.date.day == 29)
                        else s.date - datetime.timedelta(days=4018 * copy),
                        "source_id": f"{s.source_id}-copy{copy}",
                        "translation_id": None,
                    }
                )
                for s in originals
            )
            mapping = {old.id: fresh.id for old, fresh in zip(originals, new, strict=True)}
            through.objects.bulk_create(
                through(speech_id=mapping[sid], speaker_id=pk) for sid, pks in speakers.items() for pk in pks
            )
            batch = []
            for paragraph in (
                Paragraph.objects.filter(speech__in=originals)
                .values("speech_id", *[f + "_id" if f == "speaker" else f for f in fields])
                .iterator(chunk_size=5000)
            ):
                paragraph["speech_id"] = mapping[paragraph["speech_id"]]
                batch.append(Paragraph(**paragraph))
                if len(batch) >= 5000:
                    Paragraph.objects.bulk_create(batch)
                    batch = []
            Paragraph.objects.bulk_create(batch)
    print(
        f"enlarged to {Speech.objects.count()} speeches, {Paragraph.objects.count()} paragraphs "
        f"in {time.perf_counter() - started:.1f} s"
    )
