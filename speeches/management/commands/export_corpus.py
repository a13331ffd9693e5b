import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from speeches import exports
from speeches.filters import SpeechFilter
from speeches.models import Speech

WRITERS = {"jsonl": exports.write_jsonl, "csv": exports.write_csv, "tei": exports.write_tei}
BINARY = {"tei"}
CHUNK = 100  # speeches read from the database at a time: memory stays flat whatever the archive's size


class Command(BaseCommand):
    help = (
        "Write the published speeches, or those the filters choose, as JSON Lines (the archive's own format, which "
        "import_speeches reads back), CSV (one row per paragraph) or a TEI corpus. Written one speech at a time."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=sorted(WRITERS), default="jsonl")
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")
        parser.add_argument("--date-from", help="Only speeches on or after this day (YYYY-MM-DD).")
        parser.add_argument("--date-to", help="Only speeches on or before this day (YYYY-MM-DD).")
        parser.add_argument("--speaker", help="Only speeches this speaker (name or slug) speaks in.")
        parser.add_argument("--venue", help="Only speeches given at this venue (name or slug).")
        parser.add_argument("--language", choices=Speech.Language.values)
        parser.add_argument("--kind", choices=Speech.Kind.values)
        parser.add_argument(
            "--include-unpublished",
            action="store_true",
            help="Drafts and withdrawn speeches too, as a backup of the whole archive needs.",
        )

    def handle(self, *args, **options):
        speeches = Speech.objects.all() if options["include_unpublished"] else Speech.objects.published()
        chosen = {
            "date_from": options["date_from"],
            "date_to": options["date_to"],
            "speaker": options["speaker"],
            "venue": options["venue"],
            "lang": options["language"],
            "kind": options["kind"],
        }
        # The archive's own filter set: the same names, dates and errors as its pages.
        filterset = SpeechFilter({name: value for name, value in chosen.items() if value}, queryset=speeches)
        if not filterset.is_valid():
            raise CommandError(" ".join(map(str, filterset.clean_form_errors())))
        selected = filterset.qs
        total = selected.count()
        speeches = exports.for_export(selected).iterator(chunk_size=CHUNK)
        progress = tqdm(speeches, total=total, unit="speech", file=sys.stderr, disable=not sys.stderr.isatty())
        writer = WRITERS[options["format"]]
        output = options["output"]
        if output:
            mode = "wb" if options["format"] in BINARY else "w"
            with open(Path(output), mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": ""})) as stream:
                count = writer(stream, progress)
            self.stderr.write(f"{count} speeches written to {output}.")
        else:
            stream = sys.stdout.buffer if options["format"] in BINARY else self.stdout
            count = writer(stream, progress)
            self.stderr.write(f"{count} speeches written.")
