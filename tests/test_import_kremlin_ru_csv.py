import csv
import datetime
import io

import pytest

from speeches.importers import import_paths, kremlin_ru_csv
from speeches.importers.base import ParseError, Rejected
from speeches.models import Speech

pytestmark = pytest.mark.django_db

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
    assert [(p.speaker_label, p.text) for p in speech.paragraphs] == [
        ("", "В беседе участвовал Министр иностранных дел Сергей Лавров, а также Биньямином Нетаньяху."),
        ("В.Путин", "Добрый день! Начнём."),
        ("С.Лавров", "Спасибо, Владимир Владимирович."),
        ("В.Путин", "(обращаясь к С.Лаврову) Прошу."),
        ("Реплика", "Да."),
    ]


def test_csv_row_without_date_is_skipped_with_reason_and_announcement_takes_its_day(tmp_path):
    announcement = row(
        title="10 мая Владимир Путин проведёт переговоры",
        date="",
        raw_date="",
        body="События 10 мая Владимир Путин проведёт переговоры Анонс на 10 мая 2025 года Президент проведёт их.",
        url="http://kremlin.ru/events/president/news/76900",
    )
    undated = row(title="Без даты", date="", raw_date="", body="События Без даты Текст.", url="http://kremlin.ru/x/1")
    path = tmp_path / "kremlin.csv"
    path.write_bytes(csv_bytes([row(), announcement, undated]))

    report = import_paths([path])

    assert report.summary() == "2 created, 0 updated, 0 unchanged, 1 skipped, 0 failed"
    assert [str(o) for o in report.problems()] == [
        f"skipped: {path} (row 4): The row has no date (an announcement without a day); skipped."
    ]
    assert Speech.objects.get(source_id="76900").date == datetime.date(2025, 5, 10)
    speech = Speech.objects.get(source_id="76870")
    assert [s.name for s in speech.speakers.all()] == ["В.Путин", "С.Лавров"]
    assert import_paths([path]).summary() == "0 created, 0 updated, 2 unchanged, 1 skipped, 0 failed"


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
