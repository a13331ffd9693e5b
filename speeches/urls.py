from django.urls import path, register_converter

from . import search_views, views


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

urlpatterns = [
    path("", views.home, name="home"),
    path("speeches/", views.SpeechArchiveIndex.as_view(), name="speech_archive"),
    path("speeches/<yyyy:year>/", views.SpeechYearArchive.as_view(), name="speech_archive_year"),
    path("speeches/<yyyy:year>/<dd:month>/", views.SpeechMonthArchive.as_view(), name="speech_archive_month"),
    path("speeches/<yyyy:year>/<dd:month>/<dd:day>/", views.SpeechDayArchive.as_view(), name="speech_archive_day"),
    path("speeches/<yyyy:year>/<dd:month>/<dd:day>/<name:slug>/", views.SpeechDetail.as_view(), name="speech_detail"),
    path(
        "speeches/<yyyy:year>/<dd:month>/<dd:day>/<name:slug>/cite/",
        views.SpeechCite.as_view(),
        name="speech_cite",
    ),
    path(
        "speeches/<yyyy:year>/<dd:month>/<dd:day>/<name:slug>/side-by-side/",
        views.SpeechSideBySide.as_view(),
        name="speech_side_by_side",
    ),
    path(
        "speeches/<yyyy:year>/<dd:month>/<dd:day>/<name:slug>/versions/",
        views.SpeechVersions.as_view(),
        name="speech_versions",
    ),
    path("settings/", views.reading_settings, name="reading_settings"),
    path("search/", search_views.search, name="search"),
    path("search/speakers/", views.name_suggestions, {"field": "speaker"}, name="speaker_names"),
    path("search/venues/", views.name_suggestions, {"field": "venue"}, name="venue_names"),
    path("speakers/<name:slug>/", views.speaker_detail, name="speaker_detail"),
    path("venues/<name:slug>/", views.venue_detail, name="venue_detail"),
]
