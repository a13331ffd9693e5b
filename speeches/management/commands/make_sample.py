from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from speeches import sample


class Command(BaseCommand):
    help = (
        "Choose the sample archive from saved kremlin.ru sources (the folder of English pages and the Russian CSV "
        "under CORPUS), spread evenly over their dates with the longest transcript kept, and write it in the "
        "archive's JSON Lines format."
    )

    def add_arguments(self, parser):
        parser.add_argument("corpus", metavar="CORPUS", help="Folder holding kremlin-en-html/ and kremlin-ru-csv/.")
        parser.add_argument("--output", "-o", default=str(sample.fixtures_dir() / sample.SAMPLE_FILE))
        parser.add_argument("--english", type=int, default=200, help="English addresses to choose (default 200).")
        parser.add_argument("--russian", type=int, default=40, help="Russian addresses to choose (default 40).")

    def handle(self, *args, corpus, output, english, russian, **options):
        corpus = Path(corpus)
        chosen = []
        for folder, count in [(corpus / "kremlin-en-html", english), (corpus / "kremlin-ru-csv", russian)]:
            if not folder.is_dir():
                raise CommandError(f"No folder {folder}: CORPUS must hold kremlin-en-html/ and kremlin-ru-csv/.")
            found = sample.read_transcripts(folder)
            picked = sample.choose(found, count)
            years = sorted({speech.date.year for speech in picked})
            span = f", {years[0]} to {years[-1]}" if years else ""
            self.stdout.write(f"{folder.name}: {len(picked)} of {len(found)} transcripts{span}.")
            chosen.extend(picked)
        with open(output, "w", encoding="utf-8") as stream:
            count = sample.write_sample(chosen, stream)
        self.stdout.write(f"{count} addresses written to {output}.")
