from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Make a local archive ready to serve, in one process: apply the migrations, load the sample into an empty "
        "archive (never over an editor's work), bring the search index up to date (building it when missing) "
        "and collect the static files. What `make run` does before it starts the server."
    )

    def handle(self, *args, verbosity=1, **options):
        call_command("migrate", interactive=False, verbosity=verbosity, stdout=self.stdout)
        call_command("load_sample", verbosity=verbosity, stdout=self.stdout)
        call_command("check_index", fix=True, verbosity=verbosity, stdout=self.stdout)
        call_command("collectstatic", interactive=False, verbosity=0, stdout=self.stdout)
