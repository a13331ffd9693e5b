from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SpeechesConfig(AppConfig):
    name = "speeches"
    verbose_name = "Speech archive"

    def ready(self):
        from . import history  # noqa: F401  (registers the versioned models)
        from .editors import ensure_editors_group
        from .search import signals  # noqa: F401  (connects the index upkeep)

        # After the permissions exist, which Django creates after each migrate.
        post_migrate.connect(ensure_editors_group, sender=self, dispatch_uid="speeches_editors_group")
