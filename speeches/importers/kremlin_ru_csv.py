"""Read kremlin.ru items in Russian from the scraper's CSV (one item per row).

The row's text is cut into chunks of at most 30,000 characters, mid-word, across `article_full_text_1..10`:
the chunks are joined with no separator. The text starts with the page's chrome ("События <title> <summary>
<date> <time> <place>", then the video's caption when it repeats the title) and ends with its tags and
publication status; both are cut, as are the "Смотрите также" and "Дополнительно" boxes of links and the
calendar buttons of announcements. Person links were flattened with their tooltips ("Сергей Лавров Лавров Сергей
Викторович Министр иностранных дел Российской Федерации ,"): the repeated surname-first name is always removed,
the position after it where the text shows where it ends (see `remove_tooltips`).

Paragraph breaks are lost in the source (paragraphs are joined by single spaces), so a paragraph starts where
the print is known to break one: at an inline speaker label (`В.Путин:`), where a box of links stood, at `* * *`
and `<…>` (each printed as a paragraph of its own) and at each point of a numbered or lettered list.
Announcements of future events ("Анонс на 10 мая 2025 года") are not addresses: they are skipped with a reason.
"""

import csv
import datetime
import io
import re

from speeches.models import Paragraph

from .base import (
    ParsedParagraph,
    ParsedSpeech,
    ParsedTag,
    ParseError,
    Rejected,
    decode,
    guess_kind,
    is_separator,
    parse_time,
)
from .tags import PERSONS, PLACES, TOPICS

_CHUNKS = [f"article_full_text_{n}" for n in range(1, 11)]
_REQUIRED = {"title", "date", "url", "article_full_text_1"}
_NAME = r"[A-ZА-ЯЁ][\w’'-]*"
_PATRONYMIC = r"[А-ЯЁ][а-яё]+(?:вич|вна|ична|ич|оглы|кызы)"
_TOOLTIP = re.compile(
    rf"(?<![\w.])(?P<first>{_NAME}) (?P<last>{_NAME}) "
    rf"(?P<tlast>{_NAME}) (?P<tfirst>{_NAME})(?P<patronymic> {_PATRONYMIC})?"
)
# Flattening left a space before the punctuation that followed the link: " ," " ." " ]".
_POSITION_END = re.compile(r"^ .{1,300}? (?=[,.;:\])])")
_SENTENCE_INSIDE = re.compile(r"[^\s.][.!?] ")
# A position printed in title case: "Президент Боливарианской Республики Венесуэла", "Премьер-министр Индии".
_TITLE_CASE_POSITION = re.compile(r"^ [А-ЯЁ][\w-]*(?: [А-ЯЁ][\w-]*)+(?= [а-яё])")
_INITIALS_NAME = r"[A-ZА-ЯЁ]\.(?:[A-ZА-ЯЁ]\.)?\s?(?P<surname>[A-ZА-ЯЁ][a-zа-яё]+(?:-[A-ZА-ЯЁ][a-zа-яё]+)?)"
# A speaker named in full ("Патриарх Кирилл:", "Умару Сиссоку Эмбало:") only where a sentence has just ended:
# at the start of a text two capitalised words before a colon are as likely a heading ("Текст Указа: …").
_WORD = r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?"
_FULL_NAME = rf"(?<=[.!?…] ){_WORD}(?: {_WORD}){{1,2}}(?= ?: [А-ЯЁ«(])"
_LABEL = re.compile(
    rf"(?:(?<=\s)|^)(?P<label>{_INITIALS_NAME}|Вопрос|Реплика|Ответ|Голос|Голоса|Question|Remark|{_FULL_NAME})"
    r"(?: (?P<aside>\([^()]{1,150}\)))? ?:\s"
)
# A flattened tooltip between a label and its colon: "А.Репик Репик Алексей Евгеньевич председатель … :".
_LABEL_TOOLTIP = re.compile(rf"(?:(?<=\s)|^)(?P<label>{_INITIALS_NAME}) (?P=surname) [^:.!?\n]{{1,300}}? :\s")
_TAIL_MARKERS = re.compile(r" (?:География|Темы|Лица|Статус материала) ")
_SENTENCE_END = re.compile(r"[.!?…]\s")
# The head of an announcement: "Анонс на 10 мая 2025 года" (or "на 7 − 10 мая") stands where an event's date is.
_ANNOUNCED = re.compile(r"Анонс на (?:\d{1,2}(?: [а-яё]+)? ?[−–-] ?)?\d{1,2} [а-яё]+ \d{4} года")
_ANNOUNCEMENT_SECTION = re.compile(r" Статус материала Опубликован в разделах?:[^:]*? Анонсы(?= |$)")
_CALENDAR = re.compile(r" ?Добавить в Календарь(?: Календари)?(?: Яндекс)?(?: iCal)?(?: Google)?")
# Boxes of links set between two paragraphs: "Смотрите также" (see also) and "Дополнительно" (additional).
_BOX_HEADER = re.compile(r"(?:^|(?<=[ \n]))(?:Смотрите также|Дополнительно) (?=[^a-zа-яё])")
# A link's date, or the span of a trip ("26 − 27 марта 2025 года"); a title's own "21–22 апреля" has no spaces.
_BOX_DATE = r"(?:\d{1,2}(?: [а-яё]+)? [−–-] )?\d{1,2} [а-яё]+ \d{4} года"
_BOX_FILE = r"(?:pdf|docx?|rtf|xlsx?|zip), \d+(?:[.,]\d+)? [кМГ]?Б"
# A linked title ends with its date, a file with its type and size; the next paragraph starts with no lowercase word.
_BOX_LINK = re.compile(rf"[^!?:;<>*\n]{{1,250}}? (?:{_BOX_DATE}|{_BOX_FILE})(?=$|\n| (?![a-zа-яё]))")
# A link to a council's news has no date: "Новости Совета по науке и образованию". A capitalised word after it
# followed by a lowercase one starts the next paragraph's sentence.
_NOT_HEADER = r"(?!Смотрите также|Дополнительно )"
_BOX_NEWS_LINK = re.compile(
    rf"Новости [А-ЯЁ][\w-]*(?: {_NOT_HEADER}(?:[а-яё][\w-]*|[А-ЯЁ][\w-]*(?![\w-])(?! [a-zа-яё])))*(?=$|\n| )"
)
# "* * *" in any spacing ("***", "*  * *") separates the parts of an item, as a paragraph of its own.
_SEPARATOR_INLINE = re.compile(r"(?:^|(?<=\s))\*(?:[ \u00a0]*\*){2,}(?=\s|$)")
# "<…>" marks words left out; kremlin.ru prints it as a paragraph of its own.
_ELISION = re.compile(r"(?:^|(?<=[.!?…»] ))<…>(?= |$)")
_LIST_POINT = re.compile(
    r"(?:^|(?<=\n)|(?<=[.:;] ))(?:(?P<number>\d{1,2})\. (?=[«\"А-ЯЁA-Z])|(?P<letter>[а-я])\) (?=[а-яё]))"
)
_AROUND_BREAK = re.compile(r" *\n *")
# Lettered points skip the letters lists never use (ё, й, ъ, ы, ь).
_LETTERS = "абвгдежзиклмнопрстуфхцчшщэюя"


def read(data, *, name=""):
    """Yield a ParsedSpeech (or a Rejected record) per CSV row."""
    text = decode(data)
    if not text.strip():
        raise ParseError("The file is empty.")
    csv.field_size_limit(max(csv.field_size_limit(), 1 << 26))
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        missing = _REQUIRED - set(reader.fieldnames or [])
        if missing:
            raise ParseError(f"Not a kremlin.ru CSV export: the columns {', '.join(sorted(missing))} are missing.")
        rows = list(reader)
    except csv.Error as exc:
        raise ParseError(f"Not a readable CSV file ({exc}).") from exc
    positions = learn_positions(" ".join(_joined(row).split()) for row in rows)
    for number, row in enumerate(rows, start=2):
        where = f"row {number}"
        try:
            yield read_row(row, where=where, positions=positions)
        except ParseError as exc:
            yield Rejected(str(exc), where=where)


def _cell(row, column):
    """A cell's text on one line, as the page prints it."""
    return " ".join((row.get(column) or "").split())


def _joined(row):
    return "".join(row.get(column) or "" for column in _CHUNKS)


def read_row(row, *, where="", positions=None):
    """Read one row as a ParsedSpeech, or as a Rejected record when it announces a future event."""
    title = _cell(row, "title")
    if not title:
        raise ParseError("The row has no title.")
    text = " ".join(_joined(row).split())
    announced = announcement(text, row)
    if announced is not None:
        return Rejected(f"An announcement of a future event, not an address ({announced}).", where=where)
    date = _date(row.get("date"))
    if date is None:
        raise ParseError("The row has no date.")
    body, time, tags = strip_chrome(text, row)
    body = _LABEL_TOOLTIP.sub(lambda m: m["label"] + ": ", body)
    body = remove_tooltips(body, positions)
    url = (row.get("url") or "").strip()
    document_id = url.rstrip("/").rsplit("/", 1)[-1] if url else ""
    document_id = document_id if document_id.isdigit() else ""
    return ParsedSpeech(
        title=title,
        date=date,
        time=time,
        kind=guess_kind(title),
        venue=_cell(row, "place"),
        language="ru",
        lead=_cell(row, "summary"),
        source_url=url,
        source_id=document_id,
        translation_url=f"http://en.kremlin.ru/events/president/news/{document_id}" if document_id else "",
        translation_id=document_id,
        tags=tags,
        paragraphs=split_paragraphs(body),
        where=where,
    )


def announcement(text, row):
    """Return how an announcement of a future event is marked ("Анонс на 10 мая 2025 года"), or None."""
    # An announcement's head carries "Анонс на <day>" where an event's date and time stand, and the page is
    # published in the "Анонсы" section; either tells.
    heading = _ANNOUNCED.match(text, _head_end(text, row))
    if heading:
        return heading[0]
    if _ANNOUNCEMENT_SECTION.search(text):
        return "published in Анонсы"
    return None


def _head_end(text, row):
    """Return where the head "События <title> <summary>" ends."""
    start = 0
    for prefix in ("События", _cell(row, "title"), _cell(row, "summary")):
        rest = text[start:].lstrip()
        if prefix and rest.startswith(prefix):
            start = len(text) - len(rest) + len(prefix)
    return len(text) - len(text[start:].lstrip())


def strip_chrome(text, row):
    """Cut the page chrome before, inside and after the article; return (body, time printed in the chrome, tags).

    The body keeps a newline where a box of links stood, between two paragraphs.
    """
    text = " ".join(text.split())
    time = None
    start = 0
    raw_date = _cell(row, "raw_date")
    if raw_date and (found := text.find(raw_date)) >= 0:
        start = found + len(raw_date)
        match = re.match(r" (\d{1,2}:\d{2})\b", text[start:])
        if match:
            time = parse_time(match[1])
            start += match.end()
        place = _cell(row, "place")
        if place and text[start:].startswith(" " + place):
            start += len(place) + 1
    else:
        start = _head_end(text, row)
    # The video at the top of the article is captioned with the item's title; the article goes on with a new
    # paragraph, not with the rest of a sentence ("Совещание … (в режиме видеоконференции). В совещании …").
    title = _cell(row, "title")
    if title and re.match(rf" ?{re.escape(title)} (?=[А-ЯЁA-Z«\d])", text[start:]):
        start = text.index(title, start) + len(title)
    end = len(text)
    status = text.rfind(" Статус материала ", start)
    tags = None
    if status >= 0:
        end = status
        for marker in _TAIL_MARKERS.finditer(text, start, end):
            # Tag lists (geography, topics, persons) have no sentences in them.
            if not _SENTENCE_END.search(text, marker.end(), end):
                end = marker.start()
                break
        tags = printed_tags(text[end:status])
    body = _CALENDAR.sub("", text[start:end])
    return remove_boxes(body).strip(), time, tags


_TAG_LISTS = {"География": PLACES, "Темы": TOPICS, "Лица": PERSONS}
_TAG_HEADING = re.compile(r"(?:^| )(География|Темы|Лица) ")
# The page shows a few tags of a long list and a button for the rest: "Ещё 3" (3 more).
_MORE_TAGS = re.compile(r" Ещё \d+$")


def printed_tags(block):
    """The tag lists of the text's tail by heading; each list's names run together, as the page's text has them."""
    parts = _TAG_HEADING.split(block)
    tags = {}
    for heading, names in zip(parts[1::2], parts[2::2], strict=True):
        names = _MORE_TAGS.sub("", names.strip()).strip()
        if names:
            tags[heading] = [ParsedTag(names, _TAG_LISTS[heading], joined=True)]
    return tags


def remove_boxes(text):
    """Replace each box of links ("Смотрите также", "Дополнительно") with a paragraph break."""
    out, position = [], 0
    for header in _BOX_HEADER.finditer(text):
        if header.start() < position:
            continue
        end = _box_end(text, header.end())
        if end is None:
            continue
        out += [text[position : header.start()].rstrip(), "\n"]
        position = end
    out.append(text[position:].lstrip())
    return "".join(out)


def _box_end(text, position):
    """Return where the list of links after a box's header ends, or None if no link follows the header."""
    end = None
    while item := _BOX_NEWS_LINK.match(text, position) or _BOX_LINK.match(text, position):
        end = item.end()
        position = end + 1
    return end


def remove_tooltips(text, positions=None):
    """Remove the flattened tooltips of person links, keeping the name as printed in the sentence.

    The surname-first name is always removed. The position after it is removed up to the stray space before
    the next punctuation; failing that, as printed after the same person elsewhere (`positions`, from
    `learn_positions`); failing that, when it is a run of capitalised words. Otherwise it stays.
    """
    tooltips = _tooltips(text)
    out, position = [], 0
    for match, following in zip(tooltips, [*tooltips[1:], None], strict=False):
        out.append(text[position : match.start("tlast") - 1])
        position = match.end()
        window = text[position : following.start() if following else len(text)]
        position += _position_length(window, (positions or {}).get(_person(match), ""))
    out.append(text[position:])
    return "".join(out)


def learn_positions(texts):
    """Map each person to the position their tooltips print, where a tooltip shows where it ends."""
    learned = {}
    for text in texts:
        tooltips = _tooltips(text)
        for match, following in zip(tooltips, [*tooltips[1:], None], strict=False):
            window = text[match.end() : following.start() if following else len(text)]
            end = _marked_end(window)
            if end:
                learned.setdefault(_person(match), window[:end].rstrip())
    return learned


def _tooltips(text):
    # Searched one start at a time: four capitalised words that are not a tooltip may hide the start of one.
    found, position = [], 0
    while match := _TOOLTIP.search(text, position):
        if _is_tooltip(match):
            found.append(match)
            position = match.end()
        else:
            position = match.start() + 1
    return found


def _position_length(window, known):
    end = _marked_end(window)
    if end:
        return end
    if known and window.startswith(known):
        return len(known)
    title_case = _TITLE_CASE_POSITION.match(window)
    return title_case.end() if title_case else 0


def _marked_end(window):
    end = _POSITION_END.match(window)
    return end.end() if end and not _SENTENCE_INSIDE.search(end.group()) else 0


def _person(match):
    return f"{match['tlast']} {match['tfirst']}{match['patronymic'] or ''}"


def _is_tooltip(match):
    first, last, tlast, tfirst = (match[g].casefold() for g in ("first", "last", "tlast", "tfirst"))
    # The sentence may inflect the name ("Биньямином Нетаньяху"); the tooltip prints it surname first.
    return (first, last) == (tlast, tfirst) or (_same_stem(last, tlast) and _same_stem(first, tfirst))


def _same_stem(a, b):
    n = min(len(a), len(b), 4)
    return n >= 2 and a[:n] == b[:n]


def split_paragraphs(text):
    """Split an article's text into paragraphs where the print breaks them."""
    text = _SEPARATOR_INLINE.sub("\n* * *\n", text)
    text = _ELISION.sub("\n<…>\n", text)
    # Each break starts its paragraph with its first word, where a list's first point is looked for.
    text = _AROUND_BREAK.sub("\n", text)
    text = mark_list_points(text)
    paragraphs = []
    for block in text.split("\n"):
        if is_separator(block):
            paragraphs.append(ParsedParagraph(text="* * *", kind=Paragraph.Kind.SEPARATOR))
        else:
            paragraphs += split_turns(block)
    return paragraphs


def mark_list_points(text):
    """Start a new line at each point of a list numbered "1. 2. …" or lettered "а) б) …", as decrees print them."""
    runs, current = [], {}
    for match in _LIST_POINT.finditer(text):
        kind = "number" if match["number"] else "letter"
        value = int(match["number"]) if match["number"] else _LETTERS.find(match["letter"])
        run = current.get(kind)
        if run and value == run[-1][0] + 1:
            run.append((value, match.start()))
        elif value == (1 if kind == "number" else 0) and _opens_list(text, match.start()):
            current[kind] = [(value, match.start())]
            runs.append(current[kind])
    # A single "1." or "а)" is more likely a figure or an aside in speech than a list.
    starts = sorted(start for run in runs if len(run) > 1 for _, start in run)
    out, position = [], 0
    for start in starts:
        out += [text[position:start].rstrip(), "\n"]
        position = start
    out.append(text[position:])
    return "".join(out)


def _opens_list(text, start):
    # A list opens after a colon ("постановляю: 1. …") or at the start of a paragraph.
    return start == 0 or text[start - 1] == "\n" or text[start - 2 : start] == ": "


def split_turns(text):
    """Split run-together text into paragraphs at each inline speaker label."""
    paragraphs = []
    matches = list(_LABEL.finditer(text))
    intro = text[: matches[0].start()] if matches else text
    if intro.strip():
        paragraphs.append(ParsedParagraph(text=intro.strip()))
    for match, following in zip(matches, [*matches[1:], None], strict=False):
        words = text[match.end() : following.start() if following else len(text)].strip()
        if match["aside"]:
            words = f"{match['aside']} {words}"
        paragraphs.append(ParsedParagraph(text=words, speaker_label=match["label"]))
    return [p for p in paragraphs if p.text]


def _date(value):
    try:
        return datetime.date.fromisoformat((value or "").strip())
    except ValueError:
        return None
