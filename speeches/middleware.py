from django.urls import reverse
from django.utils.cache import patch_vary_headers

from . import reading


class ReadingSettingsMiddleware:
    """Attach the reader's view settings to the request; pages differ by them, so they vary on Cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.reading = reading.parse_cookie(request.COOKIES.get(reading.COOKIE_NAME))
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        return response


class AdminStylesMiddleware:
    """Let the admin's pages apply inline styles, which Django's admin scripts (and jQuery within them) set.

    Scripts stay restricted to the archive's own files everywhere; the readers' pages allow no inline style either.
    Placed after django-csp's middleware, so that the policy it writes on the way out includes this.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(reverse("admin:index")):
            response._csp_update = {"style-src": ["'unsafe-inline'"]}
        return response
