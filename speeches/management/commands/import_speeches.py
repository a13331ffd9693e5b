import sys

from django.core.management.base import BaseCommand, CommandError

from speeches.importers import FAILED, FORMATS, SKIPPED, collect_files, import_paths
from speeches.models import Speech

PROGRESS_EVERY = 100


class Command(BaseCommand):
    help = (
        "Import transcripts from files or folders (searched recursively): saved kremlin.ru pages, plain text, "
        "the archive's JSON or JSON Lines, and the kremlin.ru Russian CSV. Importing a source again updates "
        "its speech in place, or leaves it alone when nothing changed. The search index is brought up to date "
        "at the start (finishing what an interrupted import left queued) and once at the end."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--format", choices=sorted(FORMATS), help="Read every file in this format.")
        parser.add_argument("--dry-run", action="store_true", help="Parse and report; write nothing.")
        parser.add_argument(
            "--status",
            choices=Speech.Status.values,
            help="Status of newly created speeches (default: the record's own, else published). "
            "Existing speeches keep theirs.",
        )
        parser.add_argument("--language", choices=Speech.Language.values, help="Language of every transcript.")

    def handle(self, *args, **options):
        files = collect_files(options["paths"])
        if not files:
            raise CommandError("No transcript files found in the given paths.")
        bar = None
        if self.stdout.isatty() and options["verbosity"] > 0:
            from tqdm import tqdm

            bar = tqdm(total=len(files), unit="file", file=sys.stderr)

        done = 0

        def progress(path, outcomes):
            nonlocal done
            done += 1
            for outcome in outcomes:
                if outcome.result in (FAILED, SKIPPED):
                    (bar.write if bar else self.stderr.write)(str(outcome))
                elif bar is None and options["verbosity"] > 1:
                    self.stdout.write(str(outcome))
            if bar is not None:
                bar.update()
            elif options["verbosity"] > 0 and (done % PROGRESS_EVERY == 0 or done == len(files)):
                # Logs and pipes get a line now and then instead of a bar.
                self.stderr.write(f"{done}/{len(files)} files read")

        try:
            report = import_paths(
                files,
                format=options["format"],
                status=options["status"],
                language=options["language"],
                dry_run=options["dry_run"],
                progress=progress,
            )
        finally:
            if bar is not None:
                bar.close()
        prefix = "Dry run, nothing written: " if options["dry_run"] else ""
        self.stdout.write(f"{prefix}{report.summary()}.")
        if report.failed:
            raise CommandError(f"{report.failed} could not be imported; see the messages above.", returncode=1)
