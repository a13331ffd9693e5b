"""The research tools on a small archive whose lines, counts and rates are worked out by hand, on every backend.

The archive (published only; a draft and the titles say "sanctions" too, and count for nothing):
    2018-03-01 A ¶1 Putin     "Sanctions hurt. We reject sanctions and sanctioned goods."   8 words, 3 occurrences
               A ¶2 Medvedev  "The economy grows."                                          3 words
    2019-05-07 B ¶1 Medvedev  "New sanctions will not help the Union State."                8 words, 1
    2019-12-20 C ¶1 Putin     "The Union State of Russia and Belarus."                      7 words
               C ¶2 Putin     "Sanctions again."                                            2 words, 1
"""

import csv
import datetime
import io

import pytest

from speeches import research
from speeches.models import Speech
from speeches.search import SearchParams, documents, parse_query
from tests.factories import add_paragraph, make_speaker, make_speech

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(backend, indexed):
    putin = make_speaker()
    medvedev = make_speaker("Dmitry Medvedev", "Prime Minister")
    with indexed():
        a = make_speech(
            "Sanctions in the title",
            datetime.date(2018, 3, 1),
            speaker=putin,
            paragraphs=["Sanctions hurt. We reject sanctions and sanctioned goods."],
        )
        add_paragraph(a, 2, "The economy grows.", medvedev, "Dmitry Medvedev")
        b = make_speech(
            "Talks on sanctions",
            datetime.date(2019, 5, 7),
            speaker=medvedev,
            paragraphs=["New sanctions will not help the Union State."],
        )
        c = make_speech(
            "Meeting in Minsk",
            datetime.date(2019, 12, 20),
            speaker=putin,
            paragraphs=["The Union State of Russia and Belarus.", "Sanctions again."],
        )
        make_speech(
            "Draft",
            datetime.date(2019, 1, 1),
            status=Speech.Status.DRAFT,
            speaker=putin,
            paragraphs=["Sanctions, sanctions, sanctions."],
        )
    return {"a": a, "b": b, "c": c, "putin": putin, "medvedev": medvedev}


def params(text, **options):
    return SearchParams(query=parse_query(text), text=text, **options)


def where(lines):
    """Each line as (speech title, paragraph, keyword)."""
    return [(line.speech.title, line.paragraph.position, line.keyword) for line in lines]


A, B, C = "Sanctions in the title", "Talks on sanctions", "Meeting in Minsk"
# In date order: the three of A's first paragraph as they stand, then B's, then C's second paragraph.
BY_DATE = [(A, 1, "Sanctions"), (A, 1, "sanctions"), (A, 1, "sanctioned"), (B, 1, "sanctions"), (C, 2, "Sanctions")]


def test_concordance_lists_each_occurrence_in_date_order_with_its_context(archive):
    result = research.concordance(params("sanctions"))

    assert result.total == 5
    assert where(result.lines) == BY_DATE
    assert [(line.left, line.right) for line in result.lines[:3]] == [
        ("", "hurt. We reject sanctions and sanctioned goods."),
        ("Sanctions hurt. We reject", "and sanctioned goods."),
        ("Sanctions hurt. We reject sanctions and", "goods."),
    ]
    assert result.lines[3].url == f"{archive['b'].get_absolute_url()}#p1"


def test_concordance_sorts_by_the_words_left_and_right_of_the_keyword(archive):
    # Left: by the word just before the keyword, then the one before it; nothing before comes first.
    left = research.concordance(params("sanctions"), sort="left")
    assert where(left.lines) == [BY_DATE[0], BY_DATE[4], BY_DATE[2], BY_DATE[3], BY_DATE[1]]
    # Right: "" (C), "and" (A, 2nd), "goods" (A, 3rd), "hurt" (A, 1st), "will" (B).
    right = research.concordance(params("sanctions"), sort="right")
    assert where(right.lines) == [BY_DATE[4], BY_DATE[1], BY_DATE[2], BY_DATE[0], BY_DATE[3]]


def test_concordance_sorts_by_speaker_then_date_and_newest_first(archive):
    by_speaker = research.concordance(params("sanctions"), sort="speaker")
    assert where(by_speaker.lines) == [BY_DATE[3], BY_DATE[0], BY_DATE[1], BY_DATE[2], BY_DATE[4]]
    newest = research.concordance(params("sanctions"), sort="newest")
    assert where(newest.lines) == [BY_DATE[4], BY_DATE[3], *BY_DATE[:3]]


def test_concordance_pages_cut_through_a_paragraph(archive):
    second = research.concordance(params("sanctions"), page=2, per_page=2)
    third = research.concordance(params("sanctions"), page=3, per_page=2)

    assert (second.page, second.pages) == (2, 3)
    assert where(second.lines) == BY_DATE[2:4]
    assert where(third.lines) == BY_DATE[4:]
    # Past the last page: the last.
    assert where(research.concordance(params("sanctions"), page=9, per_page=2).lines) == BY_DATE[4:]


def test_concordance_reads_the_paragraphs_of_many_speeches_in_batches(archive, monkeypatch):
    monkeypatch.setattr(documents, "SPEECHES_PER_QUERY", 1)

    assert where(research.concordance(params("sanctions"), sort="left").lines) == [
        BY_DATE[0],
        BY_DATE[4],
        BY_DATE[2],
        BY_DATE[3],
        BY_DATE[1],
    ]


def test_concordance_refuses_to_sort_by_context_past_its_limit(archive, monkeypatch):
    monkeypatch.setattr(research, "MAX_CONTEXT_SORT", 4)

    with pytest.raises(research.ResearchError, match="up to 4 lines, and this search has 5"):
        research.concordance(params("sanctions"), sort="left")
    assert research.concordance(params("sanctions"), sort="date").total == 5


def test_overlapping_matches_are_one_occurrence_and_phrases_match_in_order(archive):
    assert research.concordance(params('"Union State"')).total == 2
    # "Union" inside "Union State" is the same stretch of words.
    both = research.concordance(params('"Union State" union'))
    assert [line.keyword for line in both.lines] == ["Union State", "Union State"]
    assert research.concordance(params('"State Union"')).total == 0


def test_exact_words_and_filters_narrow_the_count(archive):
    assert where(research.concordance(params("sanctioned", exact=True)).lines) == [BY_DATE[2]]
    by_medvedev = research.concordance(params("sanctions", speaker=archive["medvedev"].pk))
    assert where(by_medvedev.lines) == [BY_DATE[3]]
    in_2019 = research.concordance(params("sanctions", date_from=datetime.date(2019, 1, 1)))
    assert where(in_2019.lines) == BY_DATE[3:]


def test_counts_follow_an_edit_and_a_withdrawal(archive, indexed):
    with indexed():
        paragraph = archive["a"].paragraphs.get(position=1)
        paragraph.text = "Sanctions, once."
        paragraph.save()
        archive["a"].save()  # a changed transcript is indexed again
    assert where(research.concordance(params("sanctions")).lines) == [(A, 1, "Sanctions"), *BY_DATE[3:]]
    with indexed():
        archive["b"].status = Speech.Status.WITHDRAWN
        archive["b"].save()
    assert where(research.concordance(params("sanctions")).lines) == [(A, 1, "Sanctions"), BY_DATE[4]]
    (series,) = research.trends([("sanctions", params("sanctions"))])
    assert [(p.period, p.count, p.words) for p in series.points] == [((2018,), 1, 5), ((2019,), 1, 9)]


def test_trends_count_occurrences_and_rates_per_year(archive):
    (series,) = research.trends([("sanctions", params("sanctions"))])

    assert series.total == 5
    assert [(p.period, p.count, p.words) for p in series.points] == [((2018,), 3, 11), ((2019,), 2, 17)]
    assert series.points[0].rate == pytest.approx(3 * 10_000 / 11)
    assert series.points[1].rate == pytest.approx(2 * 10_000 / 17)


def test_trends_by_month_fill_every_month_between_and_leave_empty_ones_without_a_rate(archive):
    (series,) = research.trends([("sanctions", params("sanctions", date_from=datetime.date(2019, 1, 1)))], by="month")

    points = {p.period: (p.count, p.words, p.rate) for p in series.points}
    assert list(points) == [(2019, month) for month in range(5, 13)]
    assert points[2019, 5] == (1, 8, pytest.approx(1_250))
    assert points[2019, 6] == (0, 0, None)
    assert points[2019, 12] == (1, 9, pytest.approx(10_000 / 9))


def test_trends_compare_queries_on_the_same_periods(archive):
    sanctions, union = research.trends([("sanctions", params("sanctions")), ("union", params('"Union State"'))])

    assert [p.period for p in union.points] == [p.period for p in sanctions.points] == [(2018,), (2019,)]
    assert [p.count for p in union.points] == [0, 2]


def test_trends_total_for_a_period_equals_the_concordance_lines_of_that_period(archive):
    (series,) = research.trends([("sanctions", params("sanctions"))])

    for point in series.points:
        first, last = research.period_dates(point.period)
        lines = research.concordance(params("sanctions", date_from=first, date_to=last))
        assert lines.total == point.count


def test_who_says_it_most_ranks_speakers_by_count_and_by_rate(archive, monkeypatch):
    monkeypatch.setattr(research, "MIN_SPEAKER_WORDS", 10)

    found, by_count, by_rate = research.speakers(params("sanctions"))

    assert found.total == 5
    assert [(row.speaker.name, row.count, row.words) for row in by_count] == [
        ("Vladimir Putin", 4, 17),
        ("Dmitry Medvedev", 1, 11),
    ]
    assert [row.speaker.name for row in by_rate] == ["Vladimir Putin", "Dmitry Medvedev"]
    assert by_rate[0].rate == pytest.approx(4 * 10_000 / 17)
    assert by_rate[1].rate == pytest.approx(10_000 / 11)


def test_who_says_it_most_ranks_by_rate_only_speakers_with_enough_words(archive, monkeypatch):
    monkeypatch.setattr(research, "MIN_SPEAKER_WORDS", 12)

    _, by_count, by_rate = research.speakers(params("sanctions"))

    assert len(by_count) == 2
    assert [row.speaker.name for row in by_rate] == ["Vladimir Putin"]


def test_quote_finder_finds_a_garbled_quotation_first(archive):
    # Two words dropped, two swapped, one in another form.
    found = research.find_quote("we sanction reject and goods sanctioned", params("x"))

    assert (found[0].speech.title, found[0].paragraph.position) == (A, 1)


def test_quote_finder_refuses_common_words_only(archive):
    with pytest.raises(research.ResearchError, match="not only words as common"):
        research.find_quote("and the of", params("x"))


# The pages


def test_concordance_page_shows_the_lines_and_links_each_to_its_paragraph(client, archive):
    response = client.get("/concordance/", {"q": "sanctions", "order": "right"})

    assert response.status_code == 200
    body = response.content.decode()
    assert "5 occurrences" in body
    assert (
        body.index(">again.<") < body.index(">and sanctioned goods.<") < body.index(">will not help the Union State.<")
    )
    assert f'href="{archive["b"].get_absolute_url()}#p1"' in body


@pytest.mark.parametrize(
    ("url", "data", "message"),
    [
        ("/concordance/", {"q": "sanctions", "order": "sideways"}, "Choose an order from the list."),
        ("/concordance/", {"q": "the and"}, "Common words such as “the” are not counted on their own"),
        ("/concordance/", {"q": "sanctions", "date_from": "2019-13-45"}, "Enter a valid date."),
        ("/trends/", {"q": "sanctions", "by": "week"}, "Count by year or by month."),
        ("/trends/", {"q": ["a1", "b2", "c3", "d4", "e5", "f6"]}, "Compare at most 5 words or phrases at a time."),
        ("/who-says/", {"q": "sanctions", "speaker": "Nobody Known"}, "Speaker"),
        ("/quote/", {"quote": "the and of"}, "not only words as common"),
        ("/quote/", {"quote": "word " * 300}, "A quotation is at most 1000 characters long here"),
    ],
)
def test_research_pages_answer_bad_input_with_400_and_say_why(client, archive, url, data, message):
    response = client.get(url, data)

    assert response.status_code == 400
    assert message in response.content.decode()


def test_concordance_csv_holds_every_line(client, archive):
    response = client.get("/concordance/csv/", {"q": "sanctions", "speaker": "Vladimir Putin"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["date", "title", "url", "paragraph", "speaker", "left", "keyword", "right"]
    assert [(row[0], row[3], row[4], row[6]) for row in rows[1:]] == [
        ("2018-03-01", "1", "Vladimir Putin", "Sanctions"),
        ("2018-03-01", "1", "Vladimir Putin", "sanctions"),
        ("2018-03-01", "1", "Vladimir Putin", "sanctioned"),
        ("2019-12-20", "2", "Vladimir Putin", "Sanctions"),
    ]
    assert rows[4][2] == f"http://testserver{archive['c'].get_absolute_url()}#p2"


def test_concordance_csv_answers_bad_input_as_the_page_does(client, archive):
    response = client.get("/concordance/csv/", {"q": "sanctions", "order": "x", "date_to": "no"})

    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()


def test_trends_page_draws_a_point_per_period_linked_to_its_concordance_and_a_table(client, archive):
    response = client.get("/trends/", {"q": ["sanctions", '"Union State"']})

    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<polyline") == 2
    assert "/concordance/?q=sanctions&amp;date_from=2019-01-01&amp;date_to=2019-12-31" in body
    # The table: words said per year, then each query's count and rate.
    assert (
        '<td>11</td><td>3 <span class="rate">(2727.27)</span></td><td>0 <span class="rate">(0.00)</span></td>' in body
    )
    assert (
        '<td>17</td><td>2 <span class="rate">(1176.47)</span></td><td>2 <span class="rate">(1176.47)</span></td>'
        in body
    )


def test_trends_csv_has_a_row_per_period_and_query(client, archive):
    response = client.get("/trends/csv/", {"q": ["sanctions", '"Union State"']})

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows == [
        ["period", "query", "occurrences", "words", "per_10000_words"],
        ["2018", "sanctions", "3", "11", "2727.2727"],
        ["2019", "sanctions", "2", "17", "1176.4706"],
        ["2018", '"Union State"', "0", "11", "0.0000"],
        ["2019", '"Union State"', "2", "17", "1176.4706"],
    ]


def test_who_says_page_ranks_the_speakers(client, archive):
    response = client.get("/who-says/", {"q": "sanctions"})

    assert response.status_code == 200
    body = response.content.decode()
    assert body.index("Vladimir Putin</a></td><td>4</td>") < body.index("Dmitry Medvedev</a></td><td>1</td>")


def test_quote_page_shows_the_paragraph_with_its_permalink_and_citation(client, archive):
    response = client.get("/quote/", {"quote": "we reject sanction and sanctioned goods"})

    assert response.status_code == 200
    body = response.content.decode()
    url = archive["a"].get_absolute_url()
    assert f'href="{url}#p1"' in body
    assert "Putin, V. (2018, March 1). <i>Sanctions in the title</i> [Transcript of" in body
    assert "paragraph 1]. President of Russia" in body


# The API


def test_api_concordance_gives_the_lines_with_their_addresses(client, archive):
    answer = client.get("/api/concordance/", {"q": "sanctions", "order": "speaker"}).json()

    assert answer["count"] == 5
    assert (answer["next"], answer["previous"]) == (None, None)
    assert [(line["title"], line["paragraph"], line["keyword"]) for line in answer["results"]] == [
        BY_DATE[3],
        *BY_DATE[:3],
        BY_DATE[4],
    ]
    assert answer["results"][0] == {
        "speech": archive["b"].pk,
        "title": B,
        "date": "2019-05-07",
        "paragraph": 1,
        "speaker": "Dmitry Medvedev",
        "url": f"http://testserver{archive['b'].get_absolute_url()}#p1",
        "left": "New",
        "keyword": "sanctions",
        "right": "will not help the Union State.",
    }


@pytest.mark.parametrize(
    ("data", "status", "parameter", "message"),
    [
        (
            {"q": "sanctions", "order": "up"},
            400,
            "order",
            "order must be one of date, newest, speaker, left, right; got “up”.",
        ),
        ({"order": "date"}, 400, "q", "A search needs the words to search for."),
        ({"q": "sanctions", "page": "2"}, 404, None, "There is no page “2”: pages run from 1 to 1."),
    ],
)
def test_api_concordance_refuses_bad_parameters_naming_them(client, archive, data, status, parameter, message):
    response = client.get("/api/concordance/", data)

    assert response.status_code == status
    errors = response.json()["errors"]
    assert [(e["parameter"], e["message"]) for e in errors] == [(parameter, message)]
