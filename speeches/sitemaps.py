"""The sitemap: every published address, speaker, venue, topic and place, and the index pages, for search engines.

Django splits each section into pages of `limit` addresses under one sitemap index, so the sitemap grows past the
protocol's 50,000 addresses per file with the archive.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from .models import Place, Speaker, Speech, Topic, Venue


class SpeechSitemap(Sitemap):
    limit = 10_000

    def items(self):
        # Oldest first: an address keeps its place on its page of the sitemap as new ones are added.
        return Speech.objects.published().only("date", "slug", "updated").order_by("date", "id")

    def lastmod(self, speech):
        return speech.updated


class NamedSitemap(Sitemap):
    """Speakers, venues, topics or places of published addresses, each last changed when its newest-changed address
    was."""

    limit = 10_000
    model = None

    def items(self):
        return (
            self.model.objects.filter(speeches__status=Speech.Status.PUBLISHED)
            .annotate(changed=Max("speeches__updated"))
            .only("slug")
            .order_by("pk")
        )

    def lastmod(self, record):
        return record.changed


class SpeakerSitemap(NamedSitemap):
    model = Speaker


class VenueSitemap(NamedSitemap):
    model = Venue


class TopicSitemap(NamedSitemap):
    model = Topic


class PlaceSitemap(NamedSitemap):
    model = Place


class IndexSitemap(Sitemap):
    """The pages that lead to the addresses."""

    def items(self):
        return ["home", "speech_archive", "speaker_index", "venue_index", "topic_index", "place_index", "about"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "pages": IndexSitemap,
    "speeches": SpeechSitemap,
    "speakers": SpeakerSitemap,
    "venues": VenueSitemap,
    "topics": TopicSitemap,
    "places": PlaceSitemap,
}
