from django.apps import AppConfig


class SpeechesConfig(AppConfig):
    name = "speeches"
    verbose_name = "Speech archive"

    def ready(self):
        from .search import signals  # noqa: F401  (connects the index upkeep)
