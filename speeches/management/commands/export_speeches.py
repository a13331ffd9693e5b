import sys

from django.core.management.base import BaseCommand

from speeches.importers.json_format import export_speeches


class Command(BaseCommand):
    help = "Write every speech, with its speakers, venue and paragraphs, as JSON Lines (import_speeches reads it)."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")

    def handle(self, *args, **options):
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as stream:
                count = export_speeches(stream)
            self.stderr.write(f"{count} speeches written to {options['output']}.")
        else:
            count = export_speeches(sys.stdout if self.stdout._out is sys.stdout else self.stdout._out)
            self.stderr.write(f"{count} speeches written.")
