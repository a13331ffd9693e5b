"""What other sites read of an address's page: schema.org structured data (JSON-LD) and OpenGraph."""

import json

from django.utils import translation
from django.utils.safestring import mark_safe

from .citations import source_site

# Where the archive takes its texts from, and under which licence they may be reused.
LICENCES = {"President of Russia": "https://creativecommons.org/licenses/by/4.0/"}
LICENCES["Президент России"] = LICENCES["President of Russia"]
OPENGRAPH_LOCALES = {"en": "en_GB", "ru": "ru_RU"}


def structured_data(speech, url, speakers, absolute):
    """The address as a schema.org CreativeWork: its date, its speakers as Persons, its source as `isBasedOn`.

    `absolute` turns a path of the archive into a full address. The result is safe inside a <script> element.
    """
    when = speech.date.isoformat() + (f"T{speech.time:%H:%M}" if speech.time else "")
    with translation.override("en"):
        genre = str(speech.get_kind_display())
    data = {
        "@context": "https://schema.org",
        "@type": "CreativeWork",
        "name": speech.title,
        "headline": speech.title,
        "genre": genre,
        "dateCreated": when,
        "inLanguage": speech.language,
        "url": url,
        "author": [
            {"@type": "Person", "name": speaker.name, "url": absolute(speaker.get_absolute_url())}
            for speaker in speakers
        ],
    }
    if speech.lead:
        data["description"] = speech.lead
    if speech.venue:
        data["locationCreated"] = {"@type": "Place", "name": speech.venue.name}
    if speech.source_url:
        publisher = source_site(speech.source_url)
        data["isBasedOn"] = {"@type": "CreativeWork", "url": speech.source_url, "publisher": publisher}
        if publisher in LICENCES:
            data["license"] = LICENCES[publisher]
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # Nothing in the data may close the script element or open a comment in it.
    return mark_safe(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def opengraph_locale(language):
    return OPENGRAPH_LOCALES.get(language, language)
