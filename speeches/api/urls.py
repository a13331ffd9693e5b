from django.urls import path

# Imported for its path converters (<name:…>), which the archive's own addresses register.
import speeches.urls  # noqa: F401
from speeches import page_cache

from . import views


def answer(view, timeout_setting="PAGE_CACHE_TIMEOUT"):
    """An API address: kept by the page cache until what it shows changes, as the pages are.

    The views refuse every method but GET, HEAD and OPTIONS themselves, with 405 and the API's errors.
    """
    return page_cache.cached(timeout_setting)(view.as_view())


urlpatterns = [
    path("", views.Root.as_view(), name="api_root"),
    path("speeches/", answer(views.SpeechList), name="api_speech_list"),
    path("speeches/<name:id>/", answer(views.SpeechDetail), name="api_speech_detail"),
    path("search/", answer(views.SearchView, "SEARCH_CACHE_TIMEOUT"), name="api_search"),
    path("concordance/", answer(views.ConcordanceView, "SEARCH_CACHE_TIMEOUT"), name="api_concordance"),
    path("speakers/", answer(views.SpeakerList), name="api_speaker_list"),
    path("speakers/<name:slug>/", answer(views.SpeakerDetail), name="api_speaker_detail"),
    path("venues/", answer(views.VenueList), name="api_venue_list"),
    path("venues/<name:slug>/", answer(views.VenueDetail), name="api_venue_detail"),
    path("openapi.json", views.Document.as_view(), name="api_schema"),
    path("docs/", views.Documentation.as_view(url_name="api_schema"), name="api_docs"),
    # After every address, and after the slash Django's CommonMiddleware would add to one of them.
    path("<path:path>", views.no_such_address, name="api_no_such_address"),
]
