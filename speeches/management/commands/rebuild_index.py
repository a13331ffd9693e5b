import time

from django.core.management.base import BaseCommand

from speeches import search


class Command(BaseCommand):
    help = "Rebuild the search index from the published speeches, aside, then swap it in."

    def handle(self, *args, **options):
        started = time.monotonic()
        count = search.rebuild()
        self.stdout.write(f"Indexed {count} published speeches in {time.monotonic() - started:.1f} s.")
