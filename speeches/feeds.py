"""Atom and RSS feeds of the newest addresses: of the whole archive, of one speaker, of one venue, of a search.

Every feed comes in both formats, from one class each: the Atom one at …/feed/, the RSS one at …/rss/.
"""

import dataclasses
import datetime
import re

from django.contrib.syndication.views import Feed
from django.db.models import prefetch_related_objects
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from . import page_cache
from . import search as search_index
from .models import CHRONOLOGICAL_DESC, Place, Speaker, Speech, Topic, Venue
from .search_views import read_search

ENTRIES = 30  # addresses per feed: a month or more of the archive's usual pace
SUMMARY_WORDS = 60
RETRY_AFTER = 60


class LatestSpeeches(Feed):
    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        # Which addresses a feed lists changes with any publication; it is kept until then.
        page_cache.depends_on(request, page_cache.LISTINGS)
        return super().__call__(request, *args, **kwargs)

    def title(self, obj=None):
        return _("Speech archive: the latest addresses")

    def subtitle(self, obj=None):
        return _("Transcripts of the addresses of the head of state, newest first.")

    description = subtitle

    def link(self, obj=None):
        return reverse("home")

    def speeches(self, obj):
        return Speech.objects.published()

    def items(self, obj=None):
        return self.speeches(obj).for_listing().prefetch_related("topics").order_by(*CHRONOLOGICAL_DESC)[:ENTRIES]

    def item_title(self, speech):
        return speech.title

    def item_description(self, speech):
        return Truncator(speech.lead).words(SUMMARY_WORDS) if speech.lead else speech.title

    def item_pubdate(self, speech):
        # An address without a time is dated at the start of its day, in the archive's time zone.
        moment = datetime.datetime.combine(speech.date, speech.time or datetime.time())
        return timezone.make_aware(moment)

    def item_updateddate(self, speech):
        return speech.updated

    def item_author_name(self, speech):
        return ", ".join(speaker.name for speaker in speech.speakers.all()) or None

    def item_categories(self, speech):
        return [speech.get_kind_display(), *map(str, speech.topics.all())]


class SpeakerSpeeches(LatestSpeeches):
    def get_object(self, request, slug):
        return get_object_or_404(Speaker, slug=slug)

    def title(self, speaker):
        return _("Speech archive: the latest addresses of %(name)s") % {"name": speaker.name}

    def subtitle(self, speaker):
        return _("Transcripts of the addresses %(name)s speaks in, newest first.") % {"name": speaker.name}

    description = subtitle

    def link(self, speaker):
        return speaker.get_absolute_url()

    def speeches(self, speaker):
        return Speech.objects.published().filter(speakers=speaker)


class VenueSpeeches(LatestSpeeches):
    def get_object(self, request, slug):
        return get_object_or_404(Venue, slug=slug)

    def title(self, venue):
        return _("Speech archive: the latest addresses at %(name)s") % {"name": venue.name}

    def subtitle(self, venue):
        return _("Transcripts of the addresses given at %(name)s, newest first.") % {"name": venue.name}

    description = subtitle

    def link(self, venue):
        return venue.get_absolute_url()

    def speeches(self, venue):
        return Speech.objects.published().filter(venue=venue)


class TopicSpeeches(LatestSpeeches):
    def get_object(self, request, slug):
        return get_object_or_404(Topic, slug=slug)

    def title(self, topic):
        return _("Speech archive: the latest addresses on %(name)s") % {"name": topic}

    def subtitle(self, topic):
        return _("Transcripts of the addresses filed under %(name)s, newest first.") % {"name": topic}

    description = subtitle

    def link(self, topic):
        return topic.get_absolute_url()

    def speeches(self, topic):
        return Speech.objects.published().filter(topics=topic)


class PlaceSpeeches(TopicSpeeches):
    def get_object(self, request, slug):
        return get_object_or_404(Place, slug=slug)

    def speeches(self, place):
        return Speech.objects.published().filter(places=place)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclasses.dataclass
class Search:
    """A search, as the feed of its newest matches shows it."""

    text: str
    query_string: str
    speeches: list


class SearchSpeeches(LatestSpeeches):
    """The newest addresses matching a search: the same query and filters as the search page, newest first."""

    def __call__(self, request, *args, **kwargs):
        form, filterset, errors = read_search(request.GET)
        if not errors and form.cleaned_data["query"] is None:
            errors.append(_("A search feed needs the words to search for (q)."))
        if errors:
            return HttpResponseBadRequest("\n".join(map(str, errors)), content_type="text/plain; charset=utf-8")
        params = dataclasses.replace(
            form.search_params(filterset.form.cleaned_data), sort="newest", page=1, per_page=ENTRIES
        )
        try:
            results = search_index.search(params)
        except search_index.QueryError as error:
            return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
        except (search_index.IndexUnavailable, search_index.SearchTimeout):
            response = HttpResponse(
                _("Search cannot answer just now; try again in a minute."),
                status=503,
                content_type="text/plain; charset=utf-8",
            )
            response["Retry-After"] = str(RETRY_AFTER)
            return response
        query = request.GET.copy()
        query.pop("page", None)
        speeches = [hit.speech for hit in results.hits]
        prefetch_related_objects(speeches, "topics")
        # XML 1.0 cannot hold control characters: the feed names the search without them.
        text = " ".join(_CONTROL.sub(" ", form.cleaned_data["q"]).split())
        request.found = Search(text, query.urlencode(), speeches)
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request):
        return request.found

    def title(self, found):
        return _("Speech archive: the latest addresses matching “%(query)s”") % {"query": found.text}

    def subtitle(self, found):
        return _("Transcripts matching the search “%(query)s”, newest first.") % {"query": found.text}

    description = subtitle

    def link(self, found):
        return f"{reverse('search')}?{found.query_string}"

    def items(self, found):
        return found.speeches


def rss(feed_class):
    """The same feed in RSS 2.0."""
    return type(f"{feed_class.__name__}Rss", (feed_class,), {"feed_type": Rss201rev2Feed})
