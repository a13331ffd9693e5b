"""Read kremlin.ru event pages as saved by a browser or a mirror.

The article sits in `div.read__internal_content`; everything marked `masha-ignore` inside it (photo sliders,
video blocks, "See also" boxes, the hidden tooltips of person links) is site chrome, not transcript.
A paragraph that opens with bold text ending in a colon (`<b>Name:</b>` or `<b>Name</b>:`) starts a speaker's
turn; a paragraph that is bold throughout is a sub-heading; `* * *` separates parts; a paragraph that is only a
parenthesis, such as `(Applause.)`, is a stage direction.
"""

import copy
import datetime
import re
from urllib.parse import urlsplit

import lxml.etree
import lxml.html

from speeches.models import Paragraph

from .base import (
    ParsedParagraph,
    ParsedSpeech,
    ParsedTag,
    ParseError,
    collapse,
    decode,
    find_date,
    guess_kind,
    is_separator,
    is_stage_direction,
    parse_time,
)

_BOLD = {"b", "strong"}

_xpath = lxml.etree.XPath


class _Page:
    # Searches run inside <head> or the <article>, not over the ~30 KB of menus around them.
    og_title = _xpath("meta[@property='og:title']/@content")
    head_title = _xpath("title")
    og_url = _xpath("meta[@property='og:url']/@content")
    canonical = _xpath("link[@rel='canonical']/@href")
    head_language = _xpath("meta[@itemprop='inLanguage']/@content")
    alternate_ru = _xpath("link[@rel='alternate'][@hreflang='ru']/@href")
    alternate_en = _xpath("link[@rel='alternate'][@hreflang='en']/@href")
    keywords = _xpath("meta[@name='keywords']/@content")

    title = _xpath(".//h1[contains(concat(' ', @class, ' '), ' entry-title ')]")
    published = _xpath(".//time[contains(@class, 'read__published')]")
    announce_date = _xpath(".//*[contains(@class, 'announce_date')]")
    time = _xpath(".//*[contains(@class, 'read__time')]")
    place = _xpath(".//*[contains(@class, 'read__place')]")
    lead = _xpath(".//*[contains(concat(' ', @class, ' '), ' read__lead ')]")
    language = _xpath(".//meta[@itemprop='inLanguage']/@content")
    tag_columns = _xpath(".//*[contains(@class, 'read__tagscol')]")
    tag_links = _xpath(".//a[contains(concat(' ', normalize-space(@rel), ' '), ' tag ')]")
    body = _xpath(".//*[contains(concat(' ', @class, ' '), ' read__internal_content ') or @itemprop='articleBody']")
    chrome = _xpath(
        ".//*[contains(concat(' ', @class, ' '), ' masha-ignore ') or contains(@class, 'read__bottommeta')"
        " or self::script or self::style or self::noscript]"
    )


def read(data, *, name=""):
    """Turn one saved kremlin.ru page (bytes or text) into a ParsedSpeech."""
    text = decode(data)
    if not text.strip():
        raise ParseError("The file is empty.")
    try:
        root = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ParseError(f"Not a readable HTML page ({exc}).") from exc

    head = root.find("head")
    if head is None:
        head = root
    # A saved event page holds one <article>; pages saved some other way are searched whole.
    article = next(root.iter("article"), None)
    if article is None or not _Page.body(article):
        article = root

    for br in article.iter("br"):
        # A line break shows as a space between the words it separates.
        br.tail = "\n" + (br.tail or "")

    title = _first_text(_Page.title(article)) or _first(_Page.og_title(head))
    if not title:
        head_title = _first_text(_Page.head_title(head))
        title = head_title.split(" • ")[0].strip() if head_title else ""
    if not title:
        raise ParseError("No title found: this does not look like a kremlin.ru event page.")

    lead = _lead(_Page.lead(article))
    tags = _tags(article)  # before read_body, which drops the tag lists with the rest of the chrome
    bodies = _Page.body(article)
    if bodies:
        paragraphs = read_body(bodies[0])
    elif lead:
        # Announcements and short news items carry their only text in the lead.
        paragraphs = [ParsedParagraph(text=text) for text in lead.split("\n\n")]
    else:
        raise ParseError("No article text found: this does not look like a kremlin.ru event page.")

    source_url = _first(_Page.og_url(head)) or _first(_Page.canonical(head))
    source_id = _document_id(source_url)
    if not source_id and (article.get("id") or "").startswith("event-"):
        source_id = article.get("id").removeprefix("event-")

    language = (
        (_first(_Page.language(article)) or _first(_Page.head_language(head)) or root.get("lang") or "")
        .strip()[:2]
        .lower()
    )
    if not language:
        host = urlsplit(source_url).hostname or ""
        language = "en" if host.startswith("en.") else "ru" if host else ""
    translation_url = _first(_Page.alternate_ru(head) if language != "ru" else _Page.alternate_en(head))

    return ParsedSpeech(
        title=title,
        date=_date(article, root),
        time=parse_time(_first_text(_Page.time(article))),
        kind=guess_kind(title),
        venue=_first_text(_Page.place(article)),
        language=language,
        lead=lead,
        source_url=source_url,
        source_id=source_id,
        translation_url=translation_url,
        translation_id=_document_id(translation_url),
        sections=[s.strip() for s in _first(_Page.keywords(head)).split(",") if s.strip()],
        tags=tags,
        paragraphs=paragraphs,
    )


def read_body(body):
    """Return the paragraphs of an article body element, without site chrome."""
    for element in _Page.chrome(body):
        element.drop_tree()
    paragraphs = []
    pending_label = ""
    for block in _blocks(body):
        paragraph = _paragraph(block)
        if paragraph is None:
            continue
        if paragraph.speaker_label and not paragraph.text:
            # A label printed alone on its line: the turn's words follow in the next paragraph.
            pending_label = paragraph.speaker_label
            continue
        if pending_label and paragraph.kind == Paragraph.Kind.SPEECH and not paragraph.speaker_label:
            paragraph.speaker_label = pending_label
        pending_label = ""
        paragraphs.append(paragraph)
    return paragraphs


_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_PARAGRAPH_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "td", "th", "pre"})
_BLOCK_TAGS = _PARAGRAPH_TAGS | {
    "div",
    "blockquote",
    "section",
    "figure",
    "ul",
    "ol",
    "dl",
    "table",
    "tbody",
    "tr",
    "hr",
}


def _blocks(container):
    """Yield the paragraph-level elements of a container in reading order.

    Text standing loose in a container (between blocks, or in a body without any <p>) is gathered into a
    paragraph of its own, so that no visible text is lost whatever markup a page uses.
    """
    loose = _loose(container.text)
    for child in container:
        if isinstance(child.tag, str) and child.tag in _BLOCK_TAGS:
            if _visible_text(loose):
                yield loose
            if child.tag in _PARAGRAPH_TAGS and next(child.iterdescendants(*_BLOCK_TAGS), None) is None:
                yield child
            elif child.tag != "hr":
                yield from _blocks(child)
            loose = _loose(child.tail)
        elif isinstance(child.tag, str):
            loose.append(copy.deepcopy(child))
        elif child.tail:
            # A comment: keep the text after it.
            _append_text(loose, child.tail)
    if _visible_text(loose):
        yield loose


def _loose(text):
    """A paragraph to gather loose text into; one with only whitespace is never yielded."""
    element = lxml.html.Element("p")
    element.text = text
    return element


def _append_text(element, text):
    if len(element):
        element[-1].tail = (element[-1].tail or "") + text
    else:
        element.text = (element.text or "") + text


def _paragraph(block):
    text = _visible_text(block)
    if not text:
        return None
    if is_separator(text):
        return ParsedParagraph(text="* * *", kind=Paragraph.Kind.SEPARATOR)
    if block.tag in _HEADING_TAGS:
        return ParsedParagraph(text=text, kind=Paragraph.Kind.HEADING)
    if is_stage_direction(text) and not _has_bold(block):
        # "(Applause.)" is printed in italics or plain; a bold parenthesis is a heading.
        return ParsedParagraph(text=text, kind=Paragraph.Kind.STAGE)

    bold = _leading_bold(block)
    if bold:
        rest = text[len(bold) :] if text.startswith(bold) else None
        if rest is not None:
            label, remainder = None, ""
            if bold.endswith(":"):
                label, remainder = bold, rest
            elif rest.lstrip().startswith(":"):
                label, remainder = bold, rest.lstrip()[1:]
            if label is not None and _label_shaped(label):
                return ParsedParagraph(text=remainder.strip(), speaker_label=_clean_label(label))
            if not rest.strip():
                return ParsedParagraph(text=text, kind=Paragraph.Kind.HEADING)
    return ParsedParagraph(text=text)


def _label_shaped(label):
    # Bold text before a colon is a label unless it reads as the start of a sentence ("… awarded to:").
    words = _clean_label(label).split()
    return bool(words) and len(words) <= 40 and not words[-1][:1].islower()


def _leading_bold(block):
    """The visible text of the bold runs a paragraph starts with, or ""."""
    if (block.text or "").strip():
        return ""
    parts = []
    for child in block:
        if not isinstance(child.tag, str):
            continue
        if child.tag in _BOLD:
            parts.append(_raw_text(child))
            if (child.tail or "").strip():
                break
            parts.append(child.tail or "")
            continue
        if child.tag == "br":
            # A line break before the label is a blank line; within it, a space.
            if parts:
                parts.append("\n")
            continue
        break
    return collapse("".join(parts)) if parts else ""


def _has_bold(block):
    return any(child.tag in _BOLD for child in block if isinstance(child.tag, str))


def _visible_text(element):
    # Newlines in the HTML source are wrapping and a <br> is a soft break: the page shows both as a space.
    return collapse(_raw_text(element))


def _raw_text(element):
    return element.text_content()


def _clean_label(label):
    label = collapse(label)
    return label[:-1].rstrip() if label.endswith(":") else label


def _first(values):
    return str(values[0]).strip() if values else ""


def _first_text(elements):
    return collapse(elements[0].text_content()) if elements else ""


def _lead(elements):
    if not elements:
        return ""
    blocks = elements[0].findall(".//p")
    if blocks:
        return "\n\n".join(text for text in (_visible_text(p) for p in blocks) if text)
    return _visible_text(elements[0])


def _date(article, root):
    for element in _Page.published(article):
        value = element.get("datetime", "")
        try:
            return datetime.date.fromisoformat(value[:10])
        except ValueError:
            found = find_date(element.text_content())
            if found:
                return found
    # Announcements have no <time>, only text such as "Announcement, December 14, 2012".
    for element in _Page.announce_date(article) or _Page.announce_date(root):
        found = find_date(element.text_content())
        if found:
            return found
    return None


def _document_id(url):
    match = re.search(r"/(\d+)(?:\.html?)?/?(?:[?#].*)?$", url or "")
    return match[1] if match else ""


# A tag links to its entry's events: ".../catalog/keywords/82/events", "../catalog/regions/CR/events.html".
_CATALOGUE_ENTRY = re.compile(r"(?:^|/)catalog/(keywords|countries|regions|persons)/([^/?#.]+)")


def _tags(root):
    tags = {}
    for column in _Page.tag_columns(root):
        heading = column.find(".//h3")
        # A tag is a link marked rel="tag"; the list's "1 more" button is not one.
        items = [tag for tag in map(_tag, _Page.tag_links(column)) if tag.name]
        if heading is not None and items:
            tags[collapse(heading.text_content())] = items
    return tags


def _tag(link):
    entry = _CATALOGUE_ENTRY.search(link.get("href") or "")
    return ParsedTag(collapse(link.text_content()), *(entry.groups() if entry else ()))
