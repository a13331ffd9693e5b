from django.core.management.base import BaseCommand

from speeches import sample


class Command(BaseCommand):
    help = (
        "Fill an empty archive with the demo address and the sample of real transcripts in fixtures/. An archive "
        "that holds any speech is left exactly as it is."
    )

    def handle(self, *args, **options):
        if sample.load(stdout=self.stdout):
            self.stdout.write("The archive was empty: loaded the demo address and the sample transcripts.")
        else:
            self.stdout.write("The archive holds speeches already: nothing loaded.")
