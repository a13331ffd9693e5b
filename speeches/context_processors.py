from django.core.exceptions import SuspiciousOperation

from . import reading


def reading_settings(request):
    """The reader's view settings for `<html>` and for the panel that changes them."""
    chosen = getattr(request, "reading", None) or reading.parse_cookie(request.COOKIES.get(reading.COOKIE_NAME))
    return {
        "reading": chosen,
        "reading_panel": [(setting, chosen[setting.name]) for setting in reading.SETTINGS],
    }


def site_search(request):
    """What the header's search box shows: the words of the search on screen, if any."""
    try:
        return {"site_query": request.GET.get("q", "")}
    except SuspiciousOperation:
        # A query string Django refuses to read (too many fields) still gets its error page.
        return {"site_query": ""}
