"""Read kremlin.ru event pages as saved by a browser or a mirror.

The article sits in `div.read__internal_content`; everything marked `masha-ignore` inside it (photo sliders,
video blocks, "See also" boxes, the hidden tooltips of person links) is site chrome, not transcript.
A paragraph that opens with bold text ending in a colon (`<b>Name:</b>` or `<b>Name</b>:`) starts a speaker's
turn; a paragraph that is bold throughout is a sub-heading; `* * *` separates parts; a paragraph that is only a
parenthesis, such as `(Applause.)`, is a stage direction.
"""

import datetime
import re
from urllib.parse import urlsplit

import lxml.etree
import lxml.html

from speeches.models import Paragraph

from .base import ParsedParagraph, ParsedSpeech, ParseError, collapse, decode, find_date, guess_kind, parse_time

_BOLD = {"b", "strong"}
_SEPARATOR = re.compile(r"^[*\s\u00a0]*\*[*\s\u00a0]*\*[*\s\u00a0]*$")
_STAGE = re.compile(r"^\(.*\)$", re.DOTALL)

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
    body = _xpath(".//*[contains(concat(' ', @class, ' '), ' read__internal_content ')]")
    chrome = _xpath(
        ".//*[contains(concat(' ', @class, ' '), ' masha-ignore ') or contains(@class, 'read__bottommeta')"
        " or self::script or self::style or self::noscript]"
    )
    blocks = _xpath(".//p | .//h2 | .//h3 | .//h4 | .//li")


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

    title = _first_text(_Page.title(article)) or _first(_Page.og_title(head))
    if not title:
        head_title = _first_text(_Page.head_title(head))
        title = head_title.split(" • ")[0].strip() if head_title else ""
    if not title:
        raise ParseError("No title found: this does not look like a kremlin.ru event page.")

    bodies = _Page.body(article)
    if not bodies:
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
        date=_date(article),
        time=parse_time(_first_text(_Page.time(article))),
        kind=guess_kind(title),
        venue=_first_text(_Page.place(article)),
        language=language,
        lead=_lead(_Page.lead(article)),
        source_url=source_url,
        source_id=source_id,
        translation_url=translation_url,
        translation_id=_document_id(translation_url),
        sections=[s.strip() for s in _first(_Page.keywords(head)).split(",") if s.strip()],
        tags=_tags(article),
        paragraphs=read_body(bodies[0]),
    )


def read_body(body):
    """Return the paragraphs of an article body element, without site chrome."""
    for element in _Page.chrome(body):
        element.drop_tree()
    paragraphs = []
    pending_label = ""
    for block in _Page.blocks(body):
        if block.tag != "p" and block.find(".//p") is not None:
            continue
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


def _paragraph(block):
    text = _visible_text(block)
    if not text:
        return None
    if _SEPARATOR.match(text):
        return ParsedParagraph(text="* * *", kind=Paragraph.Kind.SEPARATOR)
    if _STAGE.match(text) and _is_italic_or_plain_parenthesis(block):
        return ParsedParagraph(text=text, kind=Paragraph.Kind.STAGE)

    bold = _leading_bold(block)
    if bold:
        rest = text[len(bold) :] if text.startswith(bold) else None
        if rest is not None:
            label, remainder = None, ""
            if bold.rstrip().endswith(":"):
                label, remainder = bold, rest
            elif rest.lstrip(" \u00a0").startswith(":"):
                label, remainder = bold, rest.lstrip(" \u00a0")[1:]
            if label is not None and _label_shaped(label):
                return ParsedParagraph(text=_trim(remainder), speaker_label=_clean_label(label))
            if not rest.strip(" \u00a0"):
                return ParsedParagraph(text=_trim(text), kind=Paragraph.Kind.HEADING)
    return ParsedParagraph(text=text)


def _label_shaped(label):
    # Bold text before a colon is a label unless it reads as the start of a sentence ("… awarded to:").
    words = _clean_label(label).split()
    return bool(words) and len(words) <= 40 and not words[-1][:1].islower()


def _leading_bold(block):
    """The visible text of the bold runs a paragraph starts with, or ""."""
    if (block.text or "").strip(" \t\r\n\u00a0"):
        return ""
    parts = []
    for child in block:
        if not isinstance(child.tag, str):
            continue
        if child.tag in _BOLD:
            parts.append(_raw_text(child))
            if (child.tail or "").strip(" \t\r\n\u00a0"):
                break
            parts.append(child.tail or "")
            continue
        if child.tag == "br" and parts:
            parts.append("\n")
            continue
        break
    return _collapse_keep_breaks("".join(parts)).rstrip() if parts else ""


def _is_italic_or_plain_parenthesis(block):
    # "(Applause.)" is printed in italics; a bold parenthesis would be a heading.
    return not any(child.tag in _BOLD for child in block if isinstance(child.tag, str))


def _visible_text(element):
    return _collapse_keep_breaks(_raw_text(element))


def _raw_text(element):
    parts = []
    if element.text:
        parts.append(element.text)
    for child in element:
        if isinstance(child.tag, str):
            if child.tag == "br":
                parts.append("\n")
            else:
                parts.append(_raw_text(child))
        if child.tail:
            parts.append(child.tail)
    return "".join(parts)


def _collapse_keep_breaks(text):
    # Newlines in the HTML source are wrapping and a <br> is a soft break: the page shows both as a space.
    return collapse(text)


def _trim(text):
    return text.strip(" \t\r\n\u00a0")


def _clean_label(label):
    label = collapse(label).rstrip(" \u00a0")
    return label[:-1].rstrip(" \u00a0") if label.endswith(":") else label


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


def _date(root):
    for element in _Page.published(root):
        value = element.get("datetime", "")
        try:
            return datetime.date.fromisoformat(value[:10])
        except ValueError:
            found = find_date(element.text_content())
            if found:
                return found
    if not _Page.announce_date(root) and root.tag == "article":
        root = root.getroottree().getroot()
    for element in _Page.announce_date(root):
        found = find_date(element.text_content())
        if found:
            return found
    return None


def _document_id(url):
    match = re.search(r"/(\d+)(?:\.html?)?/?(?:[?#].*)?$", url or "")
    return match[1] if match else ""


def _tags(root):
    tags = {}
    for column in _Page.tag_columns(root):
        heading = column.find(".//h3")
        items = [collapse(a.text_content()) for a in column.iterfind(".//li")]
        if heading is not None and items:
            tags[collapse(heading.text_content())] = [item for item in items if item]
    return tags
