"""Keep the index in step with the database: every saved or deleted speech or paragraph queues its speech.

The queued row is written in the change's own transaction; loading a fixture (raw) queues nothing.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from speeches.models import Paragraph, Speech

from . import queue_speech


@receiver(post_save, sender=Speech, dispatch_uid="search_speech_saved")
@receiver(post_delete, sender=Speech, dispatch_uid="search_speech_deleted")
def speech_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        queue_speech(instance.pk)


@receiver(post_save, sender=Paragraph, dispatch_uid="search_paragraph_saved")
@receiver(post_delete, sender=Paragraph, dispatch_uid="search_paragraph_deleted")
def paragraph_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        queue_speech(instance.speech_id)
