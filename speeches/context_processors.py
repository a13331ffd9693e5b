from . import reading


def reading_settings(request):
    """The reader's view settings for `<html>` and for the panel that changes them."""
    chosen = getattr(request, "reading", None) or reading.parse_cookie(request.COOKIES.get(reading.COOKIE_NAME))
    return {
        "reading": chosen,
        "reading_panel": [(setting, chosen[setting.name]) for setting in reading.SETTINGS],
    }
