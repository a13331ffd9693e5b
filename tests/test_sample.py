"""The sample archive: chosen from saved sources by the project's command, loaded into an empty archive only."""

import datetime
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from speeches import sample, search
from speeches.importers.base import ParsedParagraph, ParsedSpeech
from speeches.models import IndexUpdate, Speech, Venue

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / sample.SAMPLE_FILE


def parsed(day, source_id, paragraphs=1):
    return ParsedSpeech(
        title=f"Address {source_id}",
        date=day,
        source_id=source_id,
        source_url=f"http://en.kremlin.ru/events/president/news/{source_id}",
        language="en",
        paragraphs=[ParsedParagraph(f"Paragraph {n}.") for n in range(paragraphs)],
    )


def test_each_year_gets_an_equal_share_or_all_it_has():
    # 2010 has two addresses, 2011 twenty, 2012 forty: of nine, 2010 gives both, and the seven left are shared.
    speeches = [parsed(datetime.date(2010, 1, 1 + n), f"a{n}", paragraphs=5) for n in range(2)]  # the longest
    speeches += [parsed(datetime.date(2011, 1, 1) + datetime.timedelta(n), f"b{n:02d}") for n in range(20)]
    speeches += [parsed(datetime.date(2012, 1, 1) + datetime.timedelta(n), f"c{n:02d}") for n in range(40)]
    chosen = sample.choose(speeches, 9)
    years = [speech.date.year for speech in chosen]
    assert years == [2010] * 2 + [2011] * 3 + [2012] * 4
    # Evenly within a year: every fifth of 2011's twenty, every tenth of 2012's forty.
    assert [speech.source_id for speech in chosen if speech.date.year == 2011] == ["b00", "b06", "b13"]
    assert [speech.source_id for speech in chosen if speech.date.year == 2012] == ["c00", "c10", "c20", "c30"]


def test_the_longest_transcript_is_always_chosen_in_place_of_its_nearest_neighbour():
    speeches = [parsed(datetime.date(2015, 1, 1 + n), f"s{n:02d}") for n in range(20)]
    speeches[7] = parsed(datetime.date(2015, 1, 8), "s07", paragraphs=900)
    chosen = [speech.source_id for speech in sample.choose(speeches, 4)]
    assert chosen == ["s00", "s07", "s10", "s15"]


def test_fewer_sources_than_asked_gives_them_all_oldest_first():
    speeches = [parsed(datetime.date(2020, 5, 1), "late"), parsed(datetime.date(2019, 5, 1), "early")]
    assert [speech.source_id for speech in sample.choose(speeches, 10)] == ["early", "late"]
    assert sample.choose(speeches, 0) == []


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason="the corpus ../shared/corpus is not beside this clone")
def test_the_sample_in_fixtures_is_what_the_command_makes_from_the_corpus(tmp_path):
    output = tmp_path / "sample.jsonl"
    printed = io.StringIO()
    call_command("make_sample", str(CORPUS), output=str(output), stdout=printed)
    assert output.read_bytes() == FIXTURE.read_bytes()
    assert "kremlin-en-html: 200 of 1136 transcripts, 2010 to 2020." in printed.getvalue()
    assert "kremlin-ru-csv: 40 of 191 transcripts, 2025 to 2025." in printed.getvalue()


def test_the_sample_spreads_over_the_years_and_holds_both_languages_and_the_longest_address():
    records = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 240
    assert sum(record["language"] == "en" for record in records) == 200
    assert sum(record["language"] == "ru" for record in records) == 40
    years = {record["date"][:4] for record in records}
    assert {"2010", "2012", "2013", "2016", "2017", "2018", "2019", "2020", "2025"} <= years
    assert max(len(record["paragraphs"]) for record in records) == 897
    assert all(record["source_url"].startswith(("http://en.kremlin.ru/", "http://kremlin.ru/")) for record in records)


def test_an_empty_archive_gets_the_demo_address_and_the_sample(search_index):
    assert sample.load() is True
    assert Speech.objects.count() == 241
    assert Speech.objects.filter(language="ru").count() == 40
    # The user's own example address, as the demo fixture holds it.
    assert Speech.objects.filter(title__startswith="Video address to").exists()
    longest = Speech.objects.get(source_url="http://en.kremlin.ru/events/president/news/17976")
    assert longest.date == datetime.date(2013, 4, 25)
    assert longest.paragraphs.count() == 897


def test_an_archive_with_speeches_is_left_as_it_is(search_index):
    sample.load()
    demo = Speech.objects.get(title__startswith="Video address to")
    demo.venue = Venue.objects.create(name="Sochi, Bocharov Ruchei")
    demo.save()
    before = list(Speech.objects.order_by("pk").values_list("pk", "updated", "venue_id"))

    printed = io.StringIO()
    call_command("load_sample", stdout=printed)
    assert "nothing loaded" in printed.getvalue()
    assert list(Speech.objects.order_by("pk").values_list("pk", "updated", "venue_id")) == before
    assert Speech.objects.get(pk=demo.pk).venue.name == "Sochi, Bocharov Ruchei"


def test_check_index_with_fix_builds_a_missing_index_and_leaves_nothing_queued(settings, tmp_path):
    settings.SEARCH_BACKEND = "whoosh"
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    sample.load()
    assert IndexUpdate.objects.count() == 240  # queued by the import; no index to write them to yet

    printed = io.StringIO()
    call_command("check_index", fix=True, stdout=printed)
    assert "Built the search index of 241 published speech(es)." in printed.getvalue()
    assert IndexUpdate.objects.count() == 0
    assert search.check() == ([], [], [])

    printed = io.StringIO()
    call_command("check_index", fix=True, stdout=printed)
    assert printed.getvalue().splitlines() == ["Drained 0 queued index update(s).", "The search index is up to date."]


def test_the_about_page_credits_the_source_and_its_licence_and_every_page_links_to_it(client):
    about = client.get("/about/")
    assert about.status_code == 200
    html = about.content.decode()
    assert "Texts from kremlin.ru, the website of the President of\nRussia" in html
    licence = '<a href="https://creativecommons.org/licenses/by/4.0/" rel="license">Creative Commons Attribution 4.0'
    assert licence in html
    assert "<code>python manage.py make_sample</code>" in html
    assert '<a href="/about/">About the archive</a>' in client.get("/speeches/").content.decode()
