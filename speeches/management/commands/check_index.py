from django.core.management.base import BaseCommand, CommandError

from speeches import search


class Command(BaseCommand):
    help = (
        "Say whether the search index can answer (it may be missing, empty or unreadable), index the speeches "
        "queued for it (what a killed import or a failed index write left behind) and say how many queued "
        "updates that was; then report published speeches still missing from, or stale in, the index, and fail "
        "when there are any."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fix",
            action="store_true",
            help=(
                "Reindex the speeches found out of date; build the index when it is missing, empty or unreadable; "
                "look for the speeches like each one that has no suggestions kept."
            ),
        )

    def handle(self, *args, fix=False, **options):
        try:
            self.check_index(fix)
        except search.IndexUnavailable as error:
            raise CommandError(f"{error} Run “python manage.py rebuild_index” to build it again.") from error

    def check_index(self, fix):
        problem = search.unavailable()
        if problem is not None and fix:
            self.stdout.write(f"{problem} Building it.")
            count = search.rebuild()
            self.stdout.write(f"Built the search index of {count} published speech(es).")
            return
        if problem is not None:
            raise problem
        try:
            drained = search.drain()
        except search.IndexUnavailable:
            raise
        except Exception as exc:
            raise CommandError(f"Could not index the queued updates; they stay queued: {exc}") from exc
        self.stdout.write(f"Drained {drained} queued index update(s).")
        missing, stale, unpublished = search.check()
        for label, ids in [("missing", missing), ("stale", stale), ("no longer published", unpublished)]:
            if ids:
                shown = ", ".join(map(str, ids[:20])) + (" …" if len(ids) > 20 else "")
                self.stdout.write(f"{len(ids)} speech(es) {label} in the index: {shown}")
        out_of_date = sorted({*missing, *stale, *unpublished})
        if fix:
            # An archive from before suggestions were kept has none yet.
            suggesting = search.find_similar(search.without_suggestions())
            if suggesting:
                self.stdout.write(f"Found the speeches like {suggesting} speech(es) that had no suggestions.")
        if not out_of_date:
            self.stdout.write("The search index is up to date.")
            return
        if fix:
            search.index_speeches(out_of_date)
            self.stdout.write(f"Reindexed {len(out_of_date)} speech(es).")
            return
        raise CommandError(f"The search index is out of date for {len(out_of_date)} speech(es).")
