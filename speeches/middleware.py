from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from . import languages, reading


class ReadingSettingsMiddleware:
    """Attach the reader's view settings to the request and speak their language; pages vary on Cookie.

    The view may switch the language to the address it shows (see speeches.languages); the answer says which it
    spoke in Content-Language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.reading = reading.parse_cookie(request.COOKIES.get(reading.COOKIE_NAME))
        languages.activate_for_request(request)
        try:
            response = self.get_response(request)
            patch_vary_headers(response, ("Cookie",))
            response.headers.setdefault("Content-Language", translation.get_language())
        finally:
            # The thread serves other requests next, and other code (an index update after commit) in between.
            translation.deactivate()
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
