import csv
import datetime
import io
import re
from pathlib import Path

import pytest

from speeches.importers import import_paths, kremlin_ru_csv
from speeches.importers.base import ParsedTag, ParseError, Rejected
from speeches.models import Paragraph, Speech

pytestmark = pytest.mark.django_db

CSV = (
    Path(__file__).resolve().parents[1].parent
    / "shared"
    / "corpus"
    / "kremlin-ru-csv"
    / "kremlin_articles_ru_enhanced.csv"
)
SEPARATOR, SPEECH = Paragraph.Kind.SEPARATOR, Paragraph.Kind.SPEECH

COLUMNS = [
    "title",
    "date",
    "raw_date",
    "place",
    "summary",
    *[f"article_full_text_{n}" for n in range(1, 11)],
    "url",
    "supplement_url",
    "Name_1",
    "Name_10",
    "Name_2",
]

BODY = (
    "События Встреча с Сергеем Лавровым Президент провёл встречу. 8 мая 2025 года 10:10 Москва, Кремль "
    "В беседе участвовал Министр иностранных дел Сергей Лавров Лавров Сергей Викторович Министр иностранных дел "
    "Российской Федерации , а также Биньямином Нетаньяху Нетаньяху Биньямин Премьер-министр Израиля . "
    "В.Путин: Добрый день! Смотрите также Встреча с Министром обороны 6 февраля 2025 года Начнём. "
    "С.Лавров Лавров Сергей Викторович Министр иностранных дел Российской Федерации : Спасибо, Владимир Владимирович. "
    "В.Путин (обращаясь к С.Лаврову) : Прошу. Реплика: Да. "
    "География Китай Темы Внешняя политика Лица Лавров Сергей Викторович Статус материала Опубликован в разделе: "
    "Новости Дата публикации: 8 мая 2025 года, 10:10 Ссылка на материал: kremlin.ru/d/76870 Текстовая версия"
)


def csv_bytes(rows):
    stream = io.StringIO()
    writer = csv.DictWriter(stream, fieldnames=COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({column: row.get(column, "") for column in COLUMNS})
    return b"\xef\xbb\xbf" + stream.getvalue().encode("utf-8")


def row(body=BODY, **fields):
    # Cut into chunks mid-word, as the scraper did.
    chunks = {f"article_full_text_{n + 1}": body[n * 97 : (n + 1) * 97] for n in range(len(body) // 97 + 1)}
    return {
        "title": "Встреча с Сергеем Лавровым",
        "date": "2025-05-08",
        "raw_date": "8 мая 2025 года",
        "place": "Москва, Кремль",
        "summary": "Президент провёл встречу.",
        "url": "http://kremlin.ru/events/president/news/76870",
        **chunks,
        **fields,
    }


def test_csv_row_joined_cleaned_and_split_into_turns():
    assert row()["article_full_text_2"][:3] != " "  # the sample really is cut mid-word
    (speech,) = list(kremlin_ru_csv.read(csv_bytes([row()])))

    assert (speech.title, speech.date, speech.time, speech.venue, speech.language) == (
        "Встреча с Сергеем Лавровым",
        datetime.date(2025, 5, 8),
        datetime.time(10, 10),
        "Москва, Кремль",
        "ru",
    )
    assert (speech.source_url, speech.source_id, speech.lead) == (
        "http://kremlin.ru/events/president/news/76870",
        "76870",
        "Президент провёл встречу.",
    )
    # The "see also" box stood between two paragraphs of the same turn; the second continues Putin's turn.
    assert [(p.speaker_label, p.text) for p in speech.paragraphs] == [
        ("", "В беседе участвовал Министр иностранных дел Сергей Лавров, а также Биньямином Нетаньяху."),
        ("В.Путин", "Добрый день!"),
        ("", "Начнём."),
        ("С.Лавров", "Спасибо, Владимир Владимирович."),
        ("В.Путин", "(обращаясь к С.Лаврову) Прошу."),
        ("Реплика", "Да."),
    ]


def test_csv_announcements_of_future_events_are_skipped_not_imported(tmp_path):
    announcement = row(
        title="10 мая Владимир Путин проведёт переговоры с То Ламом",
        date="",
        raw_date="",
        place="",
        summary="",
        body="События 10 мая Владимир Путин проведёт переговоры с То Ламом Анонс на 10 мая 2025 года "
        "Добавить в Календарь Календари Яндекс iCal Google 10 мая Президент России проведёт переговоры. "
        "География Вьетнам Статус материала Опубликован в разделах: Новости , Анонсы "
        "Дата публикации: 6 мая 2025 года, 16:10",
        url="http://kremlin.ru/events/president/news/76855",
    )
    # Dated by the scraper and without the heading, but published among the announcements: still one.
    published_as_announcement = row(
        title="Визит Президента Индии",
        date="2025-05-06",
        raw_date="6 мая 2025 года",
        place="",
        summary="",
        body="События Визит Президента Индии 6 мая 2025 года 16:05 Президент Индии посетит Россию. "
        "Статус материала Опубликован в разделах: Новости , Анонсы Дата публикации: 6 мая 2025 года, 16:05",
        url="http://kremlin.ru/events/president/news/76854",
    )
    undated = row(title="Без даты", date="", raw_date="", body="События Без даты Текст.", url="http://kremlin.ru/x/1")
    path = tmp_path / "kremlin.csv"
    path.write_bytes(csv_bytes([row(), announcement, published_as_announcement, undated]))

    report = import_paths([path])

    assert report.summary() == "1 created, 0 updated, 0 unchanged, 3 skipped, 0 failed"
    assert [str(o) for o in report.problems()] == [
        f"skipped: {path} (row 3): An announcement of a future event, not an address (Анонс на 10 мая 2025 года).",
        f"skipped: {path} (row 4): An announcement of a future event, not an address (published in Анонсы).",
        f"skipped: {path} (row 5): The row has no date.",
    ]
    assert list(Speech.objects.values_list("source_id", flat=True)) == ["76870"]
    speech = Speech.objects.get(source_id="76870")
    assert [s.name for s in speech.speakers.all()] == ["В.Путин", "С.Лавров"]
    assert import_paths([path]).summary() == "0 created, 0 updated, 1 unchanged, 3 skipped, 0 failed"


def test_csv_announcement_spanning_days_is_skipped_even_with_a_lead():
    announcement = row(
        title="7–10 мая Председатель КНР посетит Россию",
        date="",
        raw_date="",
        place="",
        summary="Председатель КНР посетит Россию с визитом.",
        body="События 7–10 мая Председатель КНР посетит Россию Председатель КНР посетит Россию с визитом. "
        "Анонс на 7 − 10 мая 2025 года Состоится обсуждение.",
    )

    (record,) = list(kremlin_ru_csv.read(csv_bytes([announcement])))

    assert record == Rejected(
        "An announcement of a future event, not an address (Анонс на 7 − 10 мая 2025 года).", where="row 2"
    )
    assert not record.failed


def test_csv_page_furniture_is_removed_and_each_box_breaks_the_paragraph():
    body = (
        "События Совещание с членами Правительства Президент провёл совещание. 5 марта 2025 года 12:00 "
        "Москва, Кремль Совещание с членами Правительства Добавить в Календарь Календари Яндекс iCal Google "
        "В.Путин: Добрый день! Смотрите также Все новости о поездке в Мурманск. Международный форум «Арктика – "
        "территория диалога» 27 марта 2025 года Поездка в Бурятию 26 − 27 марта 2025 года Дополнительно "
        "Совместное заявление по итогам визита 21–22 апреля 2025 года 22 апреля 2025 года Указ № 179 pdf, 53.2 кБ "
        "Дополнительно прорабатываем механизмы поддержки. Смотрите, как выросли закупки. "
        "Дополнительно Новости Совета по науке и образованию Хочу особо подчеркнуть: это важно. "
        "Дополнительно – в этом году – выделено 42 миллиарда рублей. Смотрите также Новости Совета Безопасности "
        "Темы Экономика Статус материала Опубликован в разделе: Новости Дата публикации: 5 марта 2025 года, 12:00"
    )

    meeting = row(body, title="Совещание с членами Правительства", date="2025-03-05", raw_date="5 марта 2025 года")

    (speech,) = list(kremlin_ru_csv.read(csv_bytes([meeting])))

    # Gone: the video's caption (the title again), the calendar buttons, the "see also" and "additional" boxes
    # (dated links, a file, links to a council's news). Kept: the same words where they are the speaker's.
    assert [(p.speaker_label, p.text) for p in speech.paragraphs] == [
        ("В.Путин", "Добрый день!"),
        ("", "Дополнительно прорабатываем механизмы поддержки. Смотрите, как выросли закупки."),
        ("", "Хочу особо подчеркнуть: это важно. Дополнительно – в этом году – выделено 42 миллиарда рублей."),
    ]
    assert speech.time == datetime.time(12, 0)


def test_csv_separators_in_any_spacing_become_separator_paragraphs(tmp_path):
    body = (
        "События Встреча с Сергеем Лавровым 8 мая 2025 года 10:10 Москва, Кремль Переговоры начались. "
        "* * * В.Путин: Добрый день! *** Состоялся обмен документами. *  * \u00a0* Ю.Ушаков: Спасибо."
    )
    path = tmp_path / "kremlin.csv"
    path.write_bytes(csv_bytes([row(body)]))

    (speech,) = list(kremlin_ru_csv.read(path.read_bytes()))
    import_paths([path])

    assert [(p.kind, p.speaker_label, p.text) for p in speech.paragraphs] == [
        (SPEECH, "", "Переговоры начались."),
        (SEPARATOR, "", "* * *"),
        (SPEECH, "В.Путин", "Добрый день!"),
        (SEPARATOR, "", "* * *"),
        (SPEECH, "", "Состоялся обмен документами."),
        (SEPARATOR, "", "* * *"),
        (SPEECH, "Ю.Ушаков", "Спасибо."),
    ]
    # A separator ends the turn: the report after it is nobody's words.
    stored = Speech.objects.get(source_id="76870").paragraphs.order_by("position")
    assert [(p.kind, p.speaker.name if p.speaker else None) for p in stored] == [
        (SPEECH, None),
        (SEPARATOR, None),
        (SPEECH, "В.Путин"),
        (SEPARATOR, None),
        (SPEECH, None),
        (SEPARATOR, None),
        (SPEECH, "Ю.Ушаков"),
    ]


def test_csv_paragraphs_split_where_kremlin_ru_prints_them():
    decree = row(
        title="Указ о Службе",
        place="",
        url="http://kremlin.ru/events/president/news/76612",
        body="События Указ о Службе 8 мая 2025 года 10:10 Текст Указа: В целях совершенствования постановляю: "
        "1. Образовать Службу. 2. Правительству в 3-месячный срок: а) представить предложения; б) привести свои "
        "акты в соответствие. 3. Настоящий Указ вступает в силу со дня его подписания.",
    )
    meeting = row(
        title="Встреча с Патриархом",
        place="",
        url="http://kremlin.ru/events/president/news/76775",
        body="События Встреча с Патриархом 8 мая 2025 года 10:10 В.Путин: Вы: а) сами при хорошем деле; и б) "
        "помогаете другим. Рост составил 5. Это хорошо. Патриарх Кирилл: Совершенно верно. В.Путин: Прошу Вас. "
        "<…> В.Путин: Спасибо.",
    )

    speeches = list(kremlin_ru_csv.read(csv_bytes([decree, meeting])))

    # A decree's points are printed one to a paragraph; a lone "а)" or "5." in speech is not a list.
    assert [[(p.speaker_label, p.text) for p in speech.paragraphs] for speech in speeches] == [
        [
            ("", "Текст Указа: В целях совершенствования постановляю:"),
            ("", "1. Образовать Службу."),
            ("", "2. Правительству в 3-месячный срок:"),
            ("", "а) представить предложения;"),
            ("", "б) привести свои акты в соответствие."),
            ("", "3. Настоящий Указ вступает в силу со дня его подписания."),
        ],
        [
            ("В.Путин", "Вы: а) сами при хорошем деле; и б) помогаете другим. Рост составил 5. Это хорошо."),
            ("Патриарх Кирилл", "Совершенно верно."),
            ("В.Путин", "Прошу Вас."),
            ("", "<…>"),
            ("В.Путин", "Спасибо."),
        ],
    ]


def test_csv_without_the_scrapers_columns_is_rejected():
    with pytest.raises(ParseError, match="the columns article_full_text_1, date, url are missing"):
        list(kremlin_ru_csv.read(b"title,author\nA,B\n"))


def test_csv_row_without_title_is_rejected_and_the_rest_read():
    records = list(kremlin_ru_csv.read(csv_bytes([row(title=""), row()])))
    assert isinstance(records[0], Rejected) and records[0].reason == "The row has no title."
    assert records[1].title == "Встреча с Сергеем Лавровым"


def test_csv_tooltip_positions_without_a_stray_space_are_removed_where_the_format_tells():
    first = row(
        body="События Переговоры 8 мая 2025 года Москва, Кремль "
        "Николас Мадуро Мадуро Николас Президент Боливарианской Республики Венесуэла обсудили отношения. "
        "Приняли участие Председатель Правительства Михаил Мишустин Мишустин Михаил Владимирович "
        "Председатель Правительства Российской Федерации , Министр финансов Антон Силуанов.",
    )
    second = row(
        title="Совещание",
        url="http://kremlin.ru/events/president/news/76871",
        body="События Совещание 8 мая 2025 года Москва, Кремль "
        "Выступил Михаил Мишустин Мишустин Михаил Владимирович Председатель Правительства Российской Федерации "
        "и другие.",
    )
    speeches = list(kremlin_ru_csv.read(csv_bytes([first, second])))
    assert [[p.text for p in speech.paragraphs] for speech in speeches] == [
        [
            "Николас Мадуро обсудили отношения. Приняли участие Председатель Правительства Михаил Мишустин, "
            "Министр финансов Антон Силуанов."
        ],
        ["Выступил Михаил Мишустин и другие."],
    ]


@pytest.mark.corpus
@pytest.mark.skipif(not CSV.exists(), reason="the Russian CSV in ../shared/corpus is not beside this clone")
def test_csv_corpus_reads_without_announcements_furniture_or_glued_paragraphs():
    records = list(kremlin_ru_csv.read(CSV.read_bytes()))

    rejected = [r for r in records if isinstance(r, Rejected)]
    speeches = [r for r in records if not isinstance(r, Rejected)]
    assert [(r.where, r.failed) for r in rejected] == [
        (f"row {n}", False) for n in (9, 10, 15, 28, 48, 56, 128, 149, 155)
    ]
    assert rejected[0].reason == "An announcement of a future event, not an address (Анонс на 10 мая 2025 года)."
    assert all(r.reason.startswith("An announcement of a future event, not an address (Анонс на ") for r in rejected)
    assert len(speeches) == 191

    paragraphs = [p for speech in speeches for p in speech.paragraphs]
    furniture = re.compile(
        r"Добавить в Календарь|Календари Яндекс|iCal|Анонс на|Смотрите также|Дополнительно (?:Все|Новости|Указ)|"
        r"pdf, \d|Статус материала|Дата публикации"
    )
    assert [p.text for p in paragraphs if furniture.search(p.text)] == []
    # The one article that opens with its title goes on with a sentence, not a new paragraph: no caption.
    assert [s.paragraphs[0].text[:80] for s in speeches if s.paragraphs[0].text.startswith(s.title)] == [
        "Совещание с постоянными членами Совета Безопасности (в режиме видеоконференции)."
    ]
    assert [(p.kind, p.text) for p in paragraphs if "*" in p.text] == [(SEPARATOR, "* * *")] * 48
    assert [p.text for p in paragraphs if "<…>" in p.text] == ["<…>"] * 68

    by_id = {speech.source_id: speech for speech in speeches}
    decree = [p.text[:40] for p in by_id["76612"].paragraphs]
    assert decree[:5] == [
        "Текст Указа: В целях совершенствования г",
        "1. Образовать на базе Главного управлени",
        "2. Правительству Российской Федерации в ",
        "а) представить предложения по уточнению ",
        "б) представить предложения по приведению",
    ]
    assert len(decree) == 11
    patriarchs = [p.speaker_label for p in by_id["76775"].paragraphs[:8]]
    assert patriarchs == [
        "",
        "",
        "В.Путин",
        "Патриарх Порфирий",
        "Патриарх Кирилл",
        "Патриарх Порфирий",
        "Митрополит Ириней",
        "Патриарх Порфирий",
    ]
    # The "additional" box stood between two paragraphs of Putin's opening remarks.
    council = by_id["76525"].paragraphs
    assert [(p.speaker_label, p.text[:30]) for p in council[1:3]] == [
        ("", "Сегодня День работника культур"),
        ("", "Здания и кварталы, имеющие ист"),
    ]


def test_csv_row_read_into_every_field():
    spaced = {
        "title": "Встреча\r\nс  Сергеем Лавровым",
        "place": " Москва,\r\nКремль",
        "summary": "Президент\r\nпровёл встречу. ",
    }
    (speech,) = list(kremlin_ru_csv.read(csv_bytes([row(**spaced)])))
    paragraphs = list(kremlin_ru_csv.read(csv_bytes([row()])))[0].paragraphs
    assert speech == kremlin_ru_csv.ParsedSpeech(
        title="Встреча с Сергеем Лавровым",
        date=datetime.date(2025, 5, 8),
        time=datetime.time(10, 10),
        kind=Speech.Kind.MEETING,
        venue="Москва, Кремль",
        language="ru",
        lead="Президент провёл встречу.",
        source_url="http://kremlin.ru/events/president/news/76870",
        source_id="76870",
        translation_url="http://en.kremlin.ru/events/president/news/76870",
        translation_id="76870",
        tags={
            "География": [ParsedTag("Китай", "places", joined=True)],
            "Темы": [ParsedTag("Внешняя политика", "keywords", joined=True)],
            "Лица": [ParsedTag("Лавров Сергей Викторович", "persons", joined=True)],
        },
        paragraphs=paragraphs,
        where="row 2",
    )
    assert len(paragraphs) == 6


def test_csv_row_without_place_time_address_or_printed_date_reads_from_its_head():
    # The lead is not printed in the text and the date is not either: the head ends after the title, and a box
    # of links right after it is cut as anywhere else.
    statement = row(
        title="Заявление",
        raw_date="",
        place="",
        summary="Описание, которого нет в тексте.",
        url="",
        body="События Заявление Смотрите также Встреча с Министром обороны 6 февраля 2025 года Текст заявления.",
    )
    (speech,) = list(kremlin_ru_csv.read(csv_bytes([statement])))
    assert speech == kremlin_ru_csv.ParsedSpeech(
        title="Заявление",
        date=datetime.date(2025, 5, 8),
        time=None,
        kind=Speech.Kind.STATEMENT,
        venue="",
        language="ru",
        lead="Описание, которого нет в тексте.",
        paragraphs=[kremlin_ru_csv.ParsedParagraph(text="Текст заявления.")],  # no tail, so no tags either
        where="row 2",
    )


@pytest.mark.parametrize(
    ("url", "source_id", "translation_url"),
    [
        ("http://kremlin.ru/events/president/news/76870/", "76870", "http://en.kremlin.ru/events/president/news/76870"),
        ("76870", "76870", "http://en.kremlin.ru/events/president/news/76870"),
        ("http://kremlin.ru/events/president/news/76870X", "", ""),
        ("http://kremlin.ru/events/president/news", "", ""),
    ],
)
def test_csv_catalogue_number_is_the_last_part_of_the_address_when_a_number(url, source_id, translation_url):
    (speech,) = list(kremlin_ru_csv.read(csv_bytes([row(url=url)])))
    assert (speech.source_url, speech.source_id, speech.translation_url, speech.translation_id) == (
        url,
        source_id,
        translation_url,
        source_id,
    )


@pytest.mark.parametrize(
    ("body", "place", "texts"),
    [
        ("8 мая 2025 года 10:10 Москва, Кремль Текст.", "Москва, Кремль", ["Текст."]),
        ("События Встреча 8 мая 2025 года 10:10 Текст о встрече.", "Сочи", ["Текст о встрече."]),
        (
            "События Совещание 8 мая 2025 года 10:10 Москва, Кремль Совещание Совещание прошло. Совещание Завершено.",
            "Москва, Кремль",
            ["Совещание прошло. Совещание Завершено."],
        ),
        (
            "События Встреча 8 мая 2025 года 10:10 В.Путин: Статус материала определит суд. Темы разговора "
            "известны. География Китай Темы Внешняя политика Статус материала Опубликован в разделе: Новости "
            "Дата публикации: 8 мая 2025 года, 10:10",
            "",
            ["Статус материала определит суд. Темы разговора известны."],
        ),
        (
            "События Встреча 8 мая 2025 года 10:10 В.Путин: Начнём. Смотрите также Встреча 6 февраля 2025 года "
            "Новости Совета Безопасности Продолжим.",
            "",
            ["Начнём.", "Продолжим."],
        ),
    ],
    ids=[
        "the text starts with the date",
        "a place not printed",
        "the caption and the title said again",
        "the status and tag words said in a turn",
        "a box of a dated link and a council's news",
    ],
)
def test_csv_chrome_is_cut_where_the_text_shows_it(body, place, texts):
    (speech,) = list(kremlin_ru_csv.read(csv_bytes([row(body, title="Совещание", place=place)])))
    assert ([p.text for p in speech.paragraphs], speech.time) == (texts, datetime.time(10, 10))


TWO_TOOLTIPS = (
    "Встречались Сергей Лавров Лавров Сергей Викторович и Антон Силуанов Силуанов Антон Германович "
    "Министр финансов , обсудили. Биньямином Нетаньяху Нетаньяху Биньямин Премьер-министр Израиля ."
)


def test_csv_positions_are_learned_only_where_a_tooltip_shows_where_its_own_ends():
    assert kremlin_ru_csv.learn_positions([TWO_TOOLTIPS]) == {
        "Силуанов Антон Германович": " Министр финансов",
        "Нетаньяху Биньямин": " Премьер-министр Израиля",
    }


@pytest.mark.parametrize(
    ("text", "printed"),
    [
        (TWO_TOOLTIPS, "Встречались Сергей Лавров и Антон Силуанов, обсудили. Биньямином Нетаньяху."),
        ("Встреча с Сергеем Лавровым Лавров Сергей Викторович и другими.", "Встреча с Сергеем Лавровым и другими."),
        ("с Ольгой Любимовой Любимова Ольга Борисовна и другими.", "с Ольгой Любимовой и другими."),
        ("с Яном Кубишем Кубиш Ян и другими.", "с Яном Кубишем и другими."),
        ("Тим Кук Кук Тимоти и другие.", "Тим Кук и другие."),
        ("Иван Петров Петров Николай пришли.", "Иван Петров Петров Николай пришли."),
    ],
    ids=[
        "each position ends before the next tooltip",
        "a position with no end shown stays",
        "a name inflected after four letters",
        "a name of two letters",
        "a short name and its full form",
        "one name alike is not a tooltip",
    ],
)
def test_csv_tooltips_are_told_from_names_and_removed(text, printed):
    assert kremlin_ru_csv.remove_tooltips(text) == printed


def test_csv_position_learned_in_one_row_is_removed_in_another():
    second = row(
        title="Совещание",
        url="http://kremlin.ru/events/president/news/76871",
        body="События Совещание 8 мая 2025 года Москва, Кремль "
        "Выступил Антон Силуанов Силуанов Антон Германович Министр финансов и другие.",
    )
    first = row(body=f"События Встреча 8 мая 2025 года Москва, Кремль {TWO_TOOLTIPS}")
    speeches = list(kremlin_ru_csv.read(csv_bytes([first, second])))
    assert [p.text for p in speeches[1].paragraphs] == ["Выступил Антон Силуанов и другие."]


@pytest.mark.parametrize(
    ("text", "paragraphs"),
    [
        ("1. Образовать Службу. 2. Утвердить положение.", ["1. Образовать Службу.", "2. Утвердить положение."]),
        ("Вступление.\n1. Первое. 2. Второе.", ["Вступление.", "1. Первое.", "2. Второе."]),
        ("Вступление. * * * 1. Первое. 2. Второе.", ["Вступление.", "* * *", "1. Первое.", "2. Второе."]),
        ("Сначала важно. 1. Рост. 2. Спад.", ["Сначала важно. 1. Рост. 2. Спад."]),
        ("Решено: 2. Второе. 3. Третье.", ["Решено: 2. Второе. 3. Третье."]),
    ],
    ids=["at the start", "after a break", "after a separator", "not after a sentence", "not from its second point"],
)
def test_csv_list_opens_at_a_paragraph_start_or_after_a_colon_from_its_first_point(text, paragraphs):
    assert [p.text for p in kremlin_ru_csv.split_paragraphs(text)] == paragraphs


@pytest.fixture
def default_field_limit():
    limit = csv.field_size_limit()
    csv.field_size_limit(131072)  # Python's own default
    yield
    csv.field_size_limit(limit)


def test_csv_field_longer_than_pythons_default_limit_is_read(default_field_limit):
    long = "Текст. " * 30000
    chunks = {f"article_full_text_{n}": "" for n in range(2, 11)}
    (speech,) = list(kremlin_ru_csv.read(csv_bytes([{**row(), **chunks, "article_full_text_1": long}])))
    assert [p.text for p in speech.paragraphs] == [long.strip()]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xef\xbb\xbf \r\n", "The file is empty."),
        (
            b"title,author\nA,B\n",
            "Not a kremlin.ru CSV export: the columns article_full_text_1, date, url are missing.",
        ),
        (
            b"title,date,url,article_full_text_1\nT,2025-05-08,u," + b"x" * ((1 << 26) + 1) + b"\n",
            "Not a readable CSV file (field larger than field limit (67108864)).",
        ),
    ],
    ids=["empty", "not the scraper's columns", "a field past any transcript's size"],
)
def test_csv_file_refusals_say_why(data, message):
    with pytest.raises(ParseError) as raised:
        list(kremlin_ru_csv.read(data))
    assert str(raised.value) == message


def test_csv_row_without_a_lead_has_none():
    (speech,) = list(kremlin_ru_csv.read(csv_bytes([row(summary="")])))
    assert (speech.lead, speech.paragraphs[0].text) == (
        "",
        "В беседе участвовал Министр иностранных дел Сергей Лавров, а также Биньямином Нетаньяху.",
    )
