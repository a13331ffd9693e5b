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
