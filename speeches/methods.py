"""Pages that only show things answer GET and HEAD, say so to OPTIONS, and refuse every other method with 405."""

import functools

from django.http import HttpResponse, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt

READ_METHODS = ("GET", "HEAD", "OPTIONS")


def read_only(view):
    # Exempt from the CSRF check, which would otherwise answer a POST with 403 before the view could say 405;
    # no method that could change anything reaches the view.
    @csrf_exempt
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = HttpResponse()
            response["Allow"] = ", ".join(READ_METHODS)
            return response
        if request.method not in ("GET", "HEAD"):
            # Never the page itself: TRACE and the like get this short answer only.
            return HttpResponseNotAllowed(READ_METHODS)
        return view(request, *args, **kwargs)

    return wrapper
