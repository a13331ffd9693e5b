from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, register_converter
from django.views.generic import TemplateView

from . import feeds, page_cache, research_views, search_views, views
from .exports import DOWNLOADS
from .methods import read_only
from .sitemaps import SITEMAPS


class FourDigitYear:
    regex = "[0-9]{4}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return f"{int(value):04d}"


class TwoDigits:
    regex = "[0-9]{2}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return f"{int(value):02d}"


class Name:
    """A path segment naming a speech, speaker or venue: anything but a slash or a NUL character.

    No name holds a NUL, and PostgreSQL cannot even compare text that does: such an address is simply not found.
    """

    regex = "[^/\x00]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(FourDigitYear, "yyyy")
register_converter(TwoDigits, "dd")
register_converter(Name, "name")


def page(view, timeout_setting="PAGE_CACHE_TIMEOUT"):
    """A public page: read-only, and cached until what it shows changes."""
    return read_only(page_cache.cached(timeout_setting)(view))


def listing(view):
    """A public page that lists addresses, whichever change to any of them it must follow."""

    def listed(request, *args, **kwargs):
        page_cache.depends_on(request, page_cache.LISTINGS)
        return view(request, *args, **kwargs)

    return page(listed)


def both_formats(name, feed_class, prefix="", timeout_setting="PAGE_CACHE_TIMEOUT"):
    """The Atom feed at …/feed/ and the same feed in RSS at …/rss/."""
    return [
        path(f"{prefix}feed/", page(feed_class(), timeout_setting), name=f"{name}_feed"),
        path(f"{prefix}rss/", page(feeds.rss(feed_class)(), timeout_setting), name=f"{name}_rss"),
    ]


urlpatterns = [
    path("", page(views.home), name="home"),
    path("speeches/", page(views.SpeechArchiveIndex.as_view()), name="speech_archive"),
    path("speeches/<yyyy:year>/", page(views.SpeechYearArchive.as_view()), name="speech_archive_year"),
    path("speeches/<yyyy:year>/<dd:month>/", page(views.SpeechMonthArchive.as_view()), name="speech_archive_month"),
    path(
        "speeches/<yyyy:year>/<dd:month>/<dd:day>/",
        page(views.SpeechDayArchive.as_view()),
        name="speech_archive_day",
    ),
    path(
        "speeches/<yyyy:year>/<dd:month>/<dd:day>/<name:slug>/",
        page(views.SpeechDetail.as_view()),
        name="speech_detail",
    ),
    path(
        "speeches/<yyyy:year>/<dd:month>/<dd:day>/<name:slug>/cite/",
        page(views.SpeechCite.as_view()),
        name="speech_cite",
    ),
    path(
        "speeches/<yyyy:year>/<dd:month>/<dd:day>/<name:slug>/paragraph/",
        page(views.SpeechParagraph.as_view()),
        name="speech_paragraph",
    ),
    path(
        "speeches/<yyyy:year>/<dd:month>/<dd:day>/<name:slug>/side-by-side/",
        page(views.SpeechSideBySide.as_view()),
        name="speech_side_by_side",
    ),
    path(
        "speeches/<yyyy:year>/<dd:month>/<dd:day>/<name:slug>/versions/",
        page(views.SpeechVersions.as_view()),
        name="speech_versions",
    ),
    *(
        path(
            f"speeches/<yyyy:year>/<dd:month>/<dd:day>/<name:slug>.{file_format}",
            page(views.SpeechDownload.as_view(file_format=file_format)),
            name=f"speech_download_{file_format}",
        )
        for file_format in DOWNLOADS
    ),
    path("settings/", views.reading_settings, name="reading_settings"),
    path("about/", read_only(TemplateView.as_view(template_name="about.html")), name="about"),
    path("search/", page(search_views.search, "SEARCH_CACHE_TIMEOUT"), name="search"),
    path("concordance/", page(research_views.concordance, "SEARCH_CACHE_TIMEOUT"), name="concordance"),
    path("concordance/csv/", read_only(research_views.concordance_csv), name="concordance_csv"),
    path("trends/", page(research_views.trends, "SEARCH_CACHE_TIMEOUT"), name="trends"),
    path("trends/csv/", read_only(research_views.trends_csv), name="trends_csv"),
    path("who-says/", page(research_views.who_says, "SEARCH_CACHE_TIMEOUT"), name="who_says"),
    path("quote/", page(research_views.quote, "SEARCH_CACHE_TIMEOUT"), name="quote"),
    path("search/speakers/", read_only(views.name_suggestions), {"field": "speaker"}, name="speaker_names"),
    path("search/venues/", read_only(views.name_suggestions), {"field": "venue"}, name="venue_names"),
    path("speakers/", page(views.speaker_index), name="speaker_index"),
    path("speakers/<name:slug>/", page(views.speaker_detail), name="speaker_detail"),
    path("venues/", page(views.venue_index), name="venue_index"),
    path("venues/<name:slug>/", page(views.venue_detail), name="venue_detail"),
    path("topics/", page(views.topic_index), name="topic_index"),
    path("topics/<name:slug>/", page(views.topic_detail), name="topic_detail"),
    path("places/", page(views.place_index), name="place_index"),
    path("places/<name:slug>/", page(views.place_detail), name="place_detail"),
    *both_formats("latest", feeds.LatestSpeeches),
    *both_formats("speaker", feeds.SpeakerSpeeches, "speakers/<name:slug>/"),
    *both_formats("venue", feeds.VenueSpeeches, "venues/<name:slug>/"),
    *both_formats("topic", feeds.TopicSpeeches, "topics/<name:slug>/"),
    *both_formats("place", feeds.PlaceSpeeches, "places/<name:slug>/"),
    *both_formats("search", feeds.SearchSpeeches, "search/", "SEARCH_CACHE_TIMEOUT"),
    path(
        "sitemap.xml",
        listing(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path("sitemap-<name:section>.xml", listing(sitemap_views.sitemap), {"sitemaps": SITEMAPS}, name="sitemap_section"),
    path("robots.txt", read_only(views.robots_txt), name="robots_txt"),
]
