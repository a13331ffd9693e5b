"""Read kremlin.ru items in Russian from the scraper's CSV (one item per row).

The row's text is cut into chunks of at most 30,000 characters, mid-word, across `article_full_text_1..10`:
the chunks are joined with no separator. The text starts with the page's chrome ("События <title> <summary>
<date> <time> <place>") and ends with its tags and publication status; both are cut. Person links were
flattened with their tooltips ("Сергей Лавров Лавров Сергей Викторович Министр иностранных дел Российской
Федерации ,"): the repeated surname-first name is always removed, the position after it only where the flattened
text betrays where it ends (a space before the next comma or full stop). Paragraph breaks are lost in the source,
so a paragraph is what lies between two inline speaker labels (`В.Путин:`). Rows without a date are announcements:
they take the announced date ("Анонс на 10 мая 2025 года") or are skipped with a reason.
"""

import csv
import datetime
import io
import re

from .base import ParsedParagraph, ParsedSpeech, ParseError, Rejected, decode, find_date, guess_kind, parse_time

_CHUNKS = [f"article_full_text_{n}" for n in range(1, 11)]
_REQUIRED = {"title", "date", "url", "article_full_text_1"}
_NAME = r"[A-ZА-ЯЁ][\w’'-]*"
_PATRONYMIC = r"[А-ЯЁ][а-яё]+(?:вич|вна|ична|ич|оглы|кызы)"
_TOOLTIP = re.compile(
    rf"(?P<first>{_NAME}) (?P<last>{_NAME}) (?P<tlast>{_NAME}) (?P<tfirst>{_NAME})(?P<patronymic> {_PATRONYMIC})?"
)
_POSITION_END = re.compile(r"^[^.,;:!?«»()]{1,200}? (?=[,.;])")
_INITIALS_NAME = r"[A-ZА-ЯЁ]\.(?:[A-ZА-ЯЁ]\.)?\s?(?P<surname>[A-ZА-ЯЁ][a-zа-яё]+(?:-[A-ZА-ЯЁ][a-zа-яё]+)?)"
_LABEL = re.compile(
    rf"(?:(?<=\s)|^)(?P<label>{_INITIALS_NAME}|Вопрос|Реплика|Ответ|Голос|Голоса|Question|Remark)"
    r"(?: (?P<aside>\([^()]{1,150}\)))? ?:\s"
)
# A flattened tooltip between a label and its colon: "А.Репик Репик Алексей Евгеньевич председатель … :".
_LABEL_TOOLTIP = re.compile(rf"(?:(?<=\s)|^)(?P<label>{_INITIALS_NAME}) (?P=surname) [^:.!?]{{1,300}}? :\s")
_TAIL_MARKERS = re.compile(r" (?:География|Темы|Лица|Статус материала) ")
# "See also" boxes: a list of linked titles, each followed by its date, inside or after the article.
_SEE_ALSO = re.compile(r" ?Смотрите также(?: [^!?:]{1,300}? \d{1,2} [а-яё]+ \d{4} года)+")
_SENTENCE_END = re.compile(r"[.!?…]\s")
_ANNOUNCED = re.compile(r"Анонс на (\d{1,2}\s+[а-яё]+\s+\d{4})")


def read(data, *, name=""):
    """Yield a ParsedSpeech (or a Rejected record) per CSV row."""
    text = decode(data)
    if not text.strip():
        raise ParseError("The file is empty.")
    csv.field_size_limit(max(csv.field_size_limit(), 1 << 26))
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        missing = _REQUIRED - set(reader.fieldnames or [])
    except csv.Error as exc:
        raise ParseError(f"Not a readable CSV file ({exc}).") from exc
    if missing:
        raise ParseError(f"Not a kremlin.ru CSV export: the columns {', '.join(sorted(missing))} are missing.")
    try:
        for number, row in enumerate(reader, start=2):
            where = f"row {number}"
            try:
                yield read_row(row, where=where)
            except ParseError as exc:
                yield Rejected(str(exc), where=where)
    except csv.Error as exc:
        raise ParseError(f"Not a readable CSV file ({exc}).") from exc


def read_row(row, *, where=""):
    title = (row.get("title") or "").strip()
    if not title:
        raise ParseError("The row has no title.")
    text = "".join(row.get(column) or "" for column in _CHUNKS)
    date = _date(row.get("date"))
    body, time = strip_chrome(text, row)
    if date is None:
        announced = _ANNOUNCED.search(text)
        date = find_date(announced[1]) if announced else None
    if date is None:
        raise ParseError("The row has no date (an announcement without a day); skipped.")
    body = _LABEL_TOOLTIP.sub(lambda m: m["label"] + ": ", body)
    body = remove_tooltips(body)
    url = (row.get("url") or "").strip()
    document_id = url.rstrip("/").rsplit("/", 1)[-1] if url else ""
    document_id = document_id if document_id.isdigit() else ""
    return ParsedSpeech(
        title=title,
        date=date,
        time=time,
        kind=guess_kind(title),
        venue=(row.get("place") or "").strip(),
        language="ru",
        lead=(row.get("summary") or "").strip(),
        source_url=url,
        source_id=document_id,
        translation_url=f"http://en.kremlin.ru/events/president/news/{document_id}" if document_id else "",
        translation_id=document_id,
        paragraphs=split_turns(body),
        where=where,
    )


def strip_chrome(text, row):
    """Cut the page chrome before and after the article; return (body, time printed in the chrome)."""
    text = " ".join(text.split())
    time = None
    start = 0
    raw_date = " ".join((row.get("raw_date") or "").split())
    if raw_date and (found := text.find(raw_date)) >= 0:
        start = found + len(raw_date)
        match = re.match(r" (\d{1,2}:\d{2})\b", text[start:])
        if match:
            time = parse_time(match[1])
            start += match.end()
        place = " ".join((row.get("place") or "").split())
        if place and text[start:].startswith(" " + place):
            start += len(place) + 1
    else:
        for prefix in ("События", row.get("title") or "", row.get("summary") or ""):
            prefix = " ".join(prefix.split())
            rest = text[start:].lstrip()
            if prefix and rest.startswith(prefix):
                start = len(text) - len(rest) + len(prefix)
    end = len(text)
    status = text.rfind(" Статус материала ", start)
    if status >= 0:
        end = status
        for marker in _TAIL_MARKERS.finditer(text, start, end):
            # Tag lists (geography, topics, persons) have no sentences in them.
            if not _SENTENCE_END.search(text, marker.end(), end):
                end = marker.start()
                break
    return _SEE_ALSO.sub("", text[start:end]).strip(), time


def remove_tooltips(text):
    """Remove the flattened tooltips of person links, keeping the name as printed in the sentence."""
    tooltips = [match for match in _TOOLTIP.finditer(text) if _is_tooltip(match)]
    out, position = [], 0
    for match, following in zip(tooltips, [*tooltips[1:], None], strict=False):
        out.append(text[position : match.start("tlast") - 1])
        position = match.end()
        window = text[position : following.start() if following else len(text)]
        end = _POSITION_END.match(window)
        if end:
            position += end.end()
    out.append(text[position:])
    return "".join(out)


def _is_tooltip(match):
    first, last, tlast, tfirst = (match[g].casefold() for g in ("first", "last", "tlast", "tfirst"))
    # The sentence may inflect the name ("Биньямином Нетаньяху"); the tooltip prints it surname first.
    return (first, last) == (tlast, tfirst) or (_same_stem(last, tlast) and _same_stem(first, tfirst))


def _same_stem(a, b):
    n = min(len(a), len(b), 4)
    return n >= 2 and a[:n] == b[:n]


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
