"""The body of a transcript as HTML, built in one pass.

A long address has a thousand paragraphs and more; rendered through template tags, each costs dozens of node
evaluations and a URL lookup per speaker link. Here each paragraph is one string format, each speaker's address
is looked up once, and every text is escaped as the template would escape it.
"""

import functools

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()

# {0} is the paragraph's number; the link's label, in the reader's language, is filled in by _formats.
ANCHOR = '<a class="anchor" href="#p{0}" aria-label="{label}">{1}</a>'
HEADING = '\n<h2 class="transcript__heading" id="p{0}">' + ANCHOR.replace("{1}", "¶") + " {1}</h2>"
SEPARATOR = '\n<p class="transcript__separator" id="p{0}"><span aria-hidden="true">{1}</span></p>'
PARAGRAPH = '\n<p class="transcript__p{1}" id="p{0}">' + ANCHOR.replace("{1}", "{0}") + " {2}{3}</p>"
CONTENTS_ENTRY = '\n<li><a href="#p{0}" lang="{1}">{2}{3}</a></li>'


@functools.lru_cache(maxsize=16)
def _formats(anchor_label):
    """The heading's and the paragraph's formats with the anchor's label (one per language) in place."""
    # Escaped for the attribute, braces doubled for str.format, and the number left for format to fill in.
    label = conditional_escape(anchor_label).replace("{", "{{").replace("}", "}}") % {"number": "{0}"}
    return HEADING.replace("{label}", label), PARAGRAPH.replace("{label}", label)


@register.simple_tag
def transcript(paragraphs):
    """Every paragraph with its anchor and number, the speaker linked to their page, search hits marked."""
    heading, paragraph_format = _formats(gettext("Link to paragraph %(number)s"))
    speaker_urls = {}
    parts = []
    for paragraph in paragraphs:
        position = paragraph.position
        if paragraph.kind == "separator":
            parts.append(SEPARATOR.format(position, conditional_escape(paragraph.text or "* * *")))
            continue
        text = conditional_escape(getattr(paragraph, "highlighted", None) or paragraph.text)
        if paragraph.kind == "heading":
            parts.append(heading.format(position, text))
        else:
            classes = (" transcript__stage" if paragraph.kind == "stage" else "") + (
                " transcript__hit" if getattr(paragraph, "highlighted", None) else ""
            )
            parts.append(paragraph_format.format(position, classes, _speaker(paragraph, speaker_urls), text))
    return mark_safe("".join(parts))


def _speaker(paragraph, speaker_urls):
    if not paragraph.speaker_label:
        return ""
    label = conditional_escape(paragraph.speaker_label)
    if paragraph.speaker_id is None:
        return f'<b class="speaker">{label}:</b> '
    url = speaker_urls.get(paragraph.speaker_id)
    if url is None:
        url = speaker_urls[paragraph.speaker_id] = conditional_escape(paragraph.speaker.get_absolute_url())
    return f'<b class="speaker"><a href="{url}">{label}</a>:</b> '


@register.simple_tag
def contents_entries(entries, language):
    """The entries of a long transcript's contents as list items, each linking to its paragraph.

    The contents of a "Direct Line" run to hundreds of entries, as costly through template tags as the paragraphs.
    """
    language = conditional_escape(language)
    return mark_safe(
        "".join(
            CONTENTS_ENTRY.format(
                entry.position,
                language,
                f"<b>{conditional_escape(entry.label)}:</b> " if entry.label else "",
                conditional_escape(entry.text),
            )
            for entry in entries
        )
    )
