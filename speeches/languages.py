"""Which language the interface speaks on a page.

The reader's choice, kept with the other view settings, comes first. Without one ("auto"), a page about one address
speaks that address's language, so a Russian transcript gets Russian labels and dates; every other page speaks the
archive's default language. Nothing depends on the browser's Accept-Language: a page is the same for every reader
with the same settings, which is what lets it be cached whole.
"""

from django.conf import settings
from django.utils import translation

AUTO = "auto"


def spoken():
    return dict(settings.LANGUAGES)


def activate_for_request(request):
    """Speak the reader's chosen language, or the default until a page says which address it shows."""
    chosen = request.reading.get("language", AUTO)
    request.language_chosen = chosen in spoken()
    _activate(request, chosen if request.language_chosen else settings.LANGUAGE_CODE)


def follow_address(request, speech):
    """On a page about one address, speak its language unless the reader chose one."""
    if not getattr(request, "language_chosen", True) and speech.language in spoken():
        _activate(request, speech.language)


def _activate(request, language):
    translation.activate(language)
    request.LANGUAGE_CODE = language
