"""Topics, places and people the source files an address under: kept on import, matched, browsed and searched."""

import datetime
import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from speeches import history, reading, research, search
from speeches.importers import CREATED, UPDATED, import_paths, kremlin_ru_csv
from speeches.importers.base import ParsedParagraph, ParsedSpeech, ParsedTag, ParseError
from speeches.importers.json_format import read_record
from speeches.importers.speakers import SpeakerResolver, name_in_order, split_people
from speeches.importers.tags import cut_russian_names, split_known
from speeches.importers.writer import Writer
from speeches.merging import merge_speakers, merge_topics, possible_duplicate_places
from speeches.models import Place, Speaker, SpeakerAlias, Speech, Topic
from speeches.search import SearchParams, parse_query
from tests.factories import make_speaker, make_speech
from tests.import_samples import kremlin_page
from tests.test_import_kremlin_html import CORPUS, printed_tags
from tests.test_import_kremlin_ru_csv import csv_bytes, row

pytestmark = pytest.mark.django_db

CATALOGUE = "http://en.kremlin.ru/catalog/"
TAG_BLOCK = re.compile(r'<div class="read__tags masha-ignore">.*?(?=<div class="read__status)', re.S)


def tagged_page(tags, **fields):
    """A saved en.kremlin.ru page whose tag block lists `tags`: {heading: [(catalogue path, name)]}."""
    columns = "".join(
        f'<div class="read__tagscol"><h3>{heading}</h3><ul class="read__taglist">'
        + "".join(
            f'<li><a href="http://en.kremlin.ru/catalog/{path}/events" rel="tag">{name}</a></li>'
            for path, name in items
        )
        + "</ul></div>"
        for heading, items in tags.items()
    )
    block = f'<div class="read__tags masha-ignore">{columns}</div>' if tags else ""
    return TAG_BLOCK.sub(block, kremlin_page(**fields))


CATALOGUES = ("keywords", "countries", "regions", "persons")
LUKASHENKO_TAGS = {
    "Geography": [("countries/BY", "Belarus"), ("regions/CR", "Republic of Crimea")],
    "Topics": [("keywords/82", "Foreign policy")],
    "Persons": [("persons/110", "Lukashenko Alexander")],
}
BODY = "<p><b>Vladimir Putin:</b> Good afternoon.</p><p><b>Alexander Lukashenko:</b> Thank you.</p>"


def import_page(tmp_path, page, name="70001.html"):
    (tmp_path / name).write_text(page, "utf-8")
    return import_paths([tmp_path / name])


def tags_of(speech):
    return (
        sorted((t.name, t.catalogue_id) for t in speech.topics.all()),
        sorted((p.name, p.kind, p.catalogue_id) for p in speech.places.all()),
        sorted(s.name for s in speech.people.all()),
    )


# Import and storing


def test_a_tagged_page_files_its_address_under_its_topics_places_and_people(tmp_path):
    import_page(tmp_path, tagged_page(LUKASHENKO_TAGS, body=BODY))
    speech = Speech.objects.get()
    assert tags_of(speech) == (
        [("Foreign policy", "82")],
        [("Belarus", "country", "BY"), ("Republic of Crimea", "region", "CR")],
        ["Alexander Lukashenko"],
    )
    # The person tagged is the speaker who speaks in it, not a second record; the printed form is an alias.
    lukashenko = Speaker.objects.get(name="Alexander Lukashenko")
    assert lukashenko.catalogue_id == "110"
    assert set(lukashenko.speeches.all()) == set(lukashenko.tagged_speeches.all()) == {speech}
    assert SpeakerAlias.objects.filter(speaker=lukashenko, label="Lukashenko Alexander").exists()
    assert Speaker.objects.count() == 2


def test_a_page_without_tags_files_its_address_under_nothing(tmp_path):
    import_page(tmp_path, tagged_page({}, body=BODY))
    speech = Speech.objects.get()
    assert tags_of(speech) == ([], [], [])
    assert Topic.objects.count() == Place.objects.count() == 0


def test_a_page_whose_tags_changed_is_updated_as_a_recorded_version(tmp_path):
    import_page(tmp_path, tagged_page(LUKASHENKO_TAGS, body=BODY))
    speech = Speech.objects.get()
    changed = {**LUKASHENKO_TAGS, "Topics": [("keywords/82", "Foreign policy"), ("keywords/5", "Economy and finance")]}
    assert import_page(tmp_path, tagged_page(changed, body=BODY)).summary().startswith("0 created, 1 updated")
    assert sorted(t.name for t in speech.topics.all()) == ["Economy and finance", "Foreign policy"]
    versions = list(history.versions(speech))
    assert len(versions) == 2  # as first stored, then the change
    kept = history.Snapshot.from_revision(versions[1].revision).fields["topics"]
    assert kept == [Topic.objects.get(catalogue_id="82").pk]
    assert sorted(history.Snapshot.from_revision(versions[0].revision).fields["topics"]) == sorted(
        Topic.objects.values_list("pk", flat=True)
    )
    # Importing the same page again changes nothing and records nothing.
    assert (
        import_page(tmp_path, tagged_page(changed, body=BODY)).summary().startswith("0 created, 0 updated, 1 unchanged")
    )
    assert history.versions(speech).count() == 2
    # A page that lost its tags files the address under nothing any more.
    import_page(tmp_path, tagged_page({}, body=BODY))
    assert tags_of(speech) == ([], [], [])


def test_a_text_transcript_leaves_the_tags_an_address_has(tmp_path):
    import_page(tmp_path, tagged_page(LUKASHENKO_TAGS, body=BODY))
    speech = Speech.objects.get()
    parsed = ParsedSpeech(
        title=speech.title,
        date=speech.date,
        source_url=speech.source_url,
        source_id=speech.source_id,
        paragraphs=[ParsedParagraph("Good afternoon, colleagues.", "Vladimir Putin")],
    )
    assert Writer().write(parsed)[0] == UPDATED
    assert tags_of(speech)[0] == [("Foreign policy", "82")]


def test_one_topic_gets_both_names_from_an_english_page_and_a_russian_record():
    english = ParsedSpeech(
        title="Meeting",
        date=datetime.date(2020, 1, 9),
        language="en",
        source_id="1",
        tags={"Topics": [ParsedTag("Foreign policy", "keywords", "82")]},
        paragraphs=[ParsedParagraph("Text.")],
    )
    russian = read_record(
        {
            "title": "Встреча",
            "date": "2020-01-09",
            "language": "ru",
            "source_id": "2",
            "topics": [{"name_ru": "Внешняя политика", "catalogue_id": "82"}],
            "places": [{"name_ru": "Курская область", "kind": "region"}],
            "paragraphs": [{"text": "Текст."}],
        }
    )
    writer = Writer()
    assert writer.write(english)[0] == writer.write(russian)[0] == CREATED
    topic = Topic.objects.get()
    assert (topic.name, topic.name_ru, topic.catalogue_id, topic.slug) == (
        "Foreign policy",
        "Внешняя политика",
        "82",
        "foreign-policy",
    )
    assert topic.speeches.count() == 2
    with translation.override("ru"):
        assert str(topic) == "Внешняя политика"
    assert str(topic) == "Foreign policy"
    assert Place.objects.get().kind == Place.Kind.REGION


def test_a_country_and_a_region_with_the_same_catalogue_code_are_two_places():
    parsed = ParsedSpeech(
        title="Trip",
        date=datetime.date(2020, 1, 9),
        source_id="1",
        tags={"Geography": [ParsedTag("Andorra", "countries", "AD"), ParsedTag("Republic of Adygea", "regions", "AD")]},
        paragraphs=[ParsedParagraph("Text.")],
    )
    Writer().write(parsed)
    assert sorted(Place.objects.values_list("name", "kind", "catalogue_id")) == [
        ("Andorra", "country", "AD"),
        ("Republic of Adygea", "region", "AD"),
    ]


@pytest.mark.parametrize(
    "record, message",
    [
        ({"topics": ["Foreign policy"]}, "Each of “topics” must be an object with a name."),
        ({"people": [{"catalogue_id": "110"}]}, "Each of “people” must be an object with a name."),
        ({"places": [{"name": "Mars", "kind": "planet"}]}, "Unknown kind of place “planet”: country or region."),
        ({"topics": [{"name": "Energy", "joined": "yes"}]}, "“joined” must be true or false."),
        ({"places": {"name": "Turkey"}}, "“places” must be a list."),
    ],
)
def test_a_json_record_with_bad_tags_is_refused_with_the_reason(record, message):
    with pytest.raises(ParseError) as refused:
        read_record({"title": "Talks", "date": "2020-01-09", **record})
    assert str(refused.value) == message


# People written surname first


@pytest.mark.parametrize(
    "printed, shown",
    [
        ("Lukashenko Alexander", "Alexander Lukashenko"),
        ("Кадыров Рамзан Ахматович", "Рамзан Ахматович Кадыров"),
        ("Erdogan Recep Tayyip", "Erdogan Recep Tayyip"),  # two given names, or two surnames: not told apart
        ("Kirill Patriarch of Moscow and All Russia", "Kirill Patriarch of Moscow and All Russia"),
        ("Al Thani Tamim bin Hamad", "Al Thani Tamim bin Hamad"),
    ],
)
def test_a_name_printed_surname_first_is_shown_in_the_archive_order(printed, shown):
    assert name_in_order(printed) == shown


def test_a_russian_speakers_latin_tag_finds_them_and_a_russian_tag_finds_an_english_speaker():
    lavrov = make_speaker("Сергей Лавров", role="")
    SpeakerAlias.objects.create(speaker=lavrov, label="С.Лавров")
    peskov = make_speaker("Dmitry Peskov", role="")
    resolver = SpeakerResolver()
    assert resolver.by_tag("Lavrov Sergei", catalogue_id="28") == lavrov
    assert resolver.by_tag("Песков Дмитрий Сергеевич") == peskov
    # Known by its catalogue entry from now on, whatever the spelling.
    assert SpeakerResolver().by_tag("Lavrov Sergey", catalogue_id="28") == lavrov
    assert Speaker.objects.get(pk=lavrov.pk).catalogue_id == "28"
    assert Speaker.objects.count() == 2
    assert set(SpeakerAlias.objects.filter(speaker=lavrov).values_list("label", flat=True)) == {
        "С.Лавров",
        "Lavrov Sergei",
        "Lavrov Sergey",
    }


def test_a_tag_prefers_who_speaks_in_the_address_then_the_tags_script_then_a_full_name():
    latin = make_speaker("Vladimir Putin")
    initial = make_speaker("В.Путин", role="")
    cyrillic = make_speaker("Владимир Путин", role="")

    def found(printed, speaking=()):
        # A spelling once found is remembered as an alias: each question is asked afresh.
        SpeakerAlias.objects.filter(label=printed).delete()
        return SpeakerResolver().by_tag(printed, speaking=speaking)

    assert found("Putin Vladimir") == latin
    assert found("Путин Владимир Владимирович") == cyrillic
    assert found("Путин Владимир Владимирович", speaking=[latin]) == latin
    cyrillic.delete()
    assert found("Путин Владимир Владимирович") == initial  # the tag's script before a full name
    assert found("Путин Владимир", speaking=[initial, latin]) == initial


def test_a_name_whose_order_cannot_be_told_finds_the_speaker_of_the_same_words():
    erdogan = make_speaker("Recep Tayyip Erdogan", role="")
    assert SpeakerResolver().by_tag("Erdogan Recep Tayyip", catalogue_id="121") == erdogan
    printed = SpeakerResolver().by_tag("Diaz-Canel Bermudez Miguel")
    assert SpeakerResolver().by_tag("Miguel Diaz-Canel Bermudez") == printed
    assert Speaker.objects.filter(name__contains="Erdogan").count() == 1


def test_a_person_none_fits_becomes_a_speaker_and_a_later_transcript_finds_them(tmp_path):
    make_speaker("Angela Merkel-Schmidt", role="")  # another surname: not her
    merkel = SpeakerResolver().by_tag("Merkel Angela", catalogue_id="200")
    assert (merkel.name, merkel.slug, merkel.catalogue_id) == ("Angela Merkel", "angela-merkel", "200")
    body = "<p><b>Federal Chancellor of Germany Angela Merkel:</b> Thank you.</p>"
    import_page(tmp_path, tagged_page({}, body=body))
    assert Speech.objects.get().speakers.get() == merkel
    # New people feed the duplicate suggestions like any speaker.
    assert Speaker.objects.filter(name__startswith="Angela").count() == 2


def test_names_printed_run_together_are_split_at_patronymics():
    assert split_people("Володин Вячеслав Викторович Лукашенко Александр Григорьевич") == [
        "Володин Вячеслав Викторович",
        "Лукашенко Александр Григорьевич",
    ]
    assert split_people("Кирилл Патриарх Московский и всея Руси Собянин Сергей Семёнович") == [
        "Кирилл Патриарх Московский и всея Руси",
        "Собянин Сергей Семёнович",
    ]
    assert split_people("Трамп Дональд") == ["Трамп Дональд"]


@pytest.mark.parametrize(
    "run, names",
    [
        (
            "Великая Отечественная война Внешняя политика Регионы",
            ["Великая Отечественная война", "Внешняя политика", "Регионы"],
        ),
        ("Вооружённые Силы Национальная безопасность", ["Вооружённые Силы", "Национальная безопасность"]),
        ("Здравоохранение Регионы Экономика и финансы", ["Здравоохранение", "Регионы", "Экономика и финансы"]),
        ("Переселение из аварийного жилья", ["Переселение из аварийного жилья"]),
        ("Соединённые Штаты Америки Украина", ["Соединённые Штаты Америки", "Украина"]),
        ("Республика Беларусь Волгоградская область", ["Республика Беларусь", "Волгоградская область"]),
        (
            "Донецкая Народная Республика Луганская Народная Республика",
            ["Донецкая Народная Республика", "Луганская Народная Республика"],
        ),
        ("Объединённые Арабские Эмираты", ["Объединённые Арабские Эмираты"]),
        ("Босния и Герцеговина Сербия", ["Босния и Герцеговина", "Сербия"]),
        ("Чувашская Республика — Чувашия", ["Чувашская Республика — Чувашия"]),
    ],
)
def test_russian_names_run_together_are_cut_where_one_ends(run, names):
    assert cut_russian_names(run) == names


def test_the_names_the_archive_knows_cut_a_run_before_the_form_of_the_words_does():
    known = {"Содружество Независимых Государств", "Экономика"}
    assert split_known("Содружество Независимых Государств Экономика", known.__contains__, cut=cut_russian_names) == [
        "Содружество Независимых Государств",
        "Экономика",
    ]
    # Without the name known, the form of the words is all there is to go by.
    assert split_known("Содружество Независимых Государств Экономика", set().__contains__, cut=cut_russian_names) == [
        "Содружество Независимых",
        "Государств",
        "Экономика",
    ]


def test_a_russian_csv_row_files_its_address_under_each_tag_of_its_run_together_lists():
    body = (
        "События Встреча 8 мая 2025 года 10:10 Москва, Кремль В.Путин: Добрый день. "
        "География Курская область Республика Беларусь Темы Вооружённые Силы Национальная безопасность Регионы "
        "Ещё 2 Лица Володин Вячеслав Викторович Лукашенко Александр Григорьевич Статус материала Опубликован в "
        "разделе: Новости Дата публикации: 8 мая 2025 года, 10:10"
    )
    lukashenko = make_speaker("Alexander Lukashenko", role="")
    (parsed,) = kremlin_ru_csv.read(csv_bytes([row(body=body, title="Встреча", summary="")]))
    assert Writer().write(parsed)[0] == CREATED
    speech = Speech.objects.get()
    assert sorted(t.name_ru for t in speech.topics.all()) == [
        "Вооружённые Силы",
        "Национальная безопасность",
        "Регионы",
    ]
    assert sorted((p.name_ru, p.kind) for p in speech.places.all()) == [
        ("Курская область", "region"),
        ("Республика Беларусь", "country"),
    ]
    assert sorted(s.name for s in speech.people.all()) == ["Alexander Lukashenko", "Вячеслав Викторович Володин"]
    assert lukashenko in speech.people.all()


# Merging


def test_merging_topics_moves_their_addresses_and_keeps_both_names():
    english = Topic.objects.create(name="Foreign policy", catalogue_id="82")
    russian = Topic.objects.create(name_ru="Внешняя политика")
    both = make_speech("Both")
    both.topics.set([english, russian])
    only_russian = make_speech("Russian")
    only_russian.topics.set([russian])
    merged = merge_topics(english, [russian])
    assert merged.speeches == 2
    english.refresh_from_db()
    assert (english.name, english.name_ru, english.catalogue_id) == ("Foreign policy", "Внешняя политика", "82")
    assert set(english.speeches.all()) == {both, only_russian}
    assert Topic.objects.count() == 1


def test_merging_speakers_moves_the_addresses_filed_under_them():
    kept, other = make_speaker("Alexander Lukashenko", role=""), make_speaker("Lukashenko Alexander", role="")
    speech = make_speech("Talks")
    speech.people.set([other])
    merge_speakers(kept, [other])
    assert list(speech.people.all()) == [kept]


def test_places_in_both_scripts_are_suggested_as_duplicates():
    kursk = Place.objects.create(name="Kursk Region", kind=Place.Kind.REGION, catalogue_id="KUR")
    kurskaya = Place.objects.create(name_ru="Курская область", kind=Place.Kind.REGION)
    Place.objects.create(name="Turkey", catalogue_id="TR")
    pairs = possible_duplicate_places()
    assert [(pair.first, pair.second) for pair in pairs] in ([(kursk, kurskaya)], [(kurskaya, kursk)])


# Pages, filters and facets


@pytest.fixture
def filed():
    foreign = Topic.objects.create(name="Foreign policy", name_ru="Внешняя политика", catalogue_id="82")
    economy = Topic.objects.create(name="Economy and finance", catalogue_id="5")
    crimea = Place.objects.create(name="Republic of Crimea", kind=Place.Kind.REGION, catalogue_id="CR")
    turkey = Place.objects.create(name="Turkey", name_ru="Турция", catalogue_id="TR")
    putin = make_speaker()
    erdogan = make_speaker("Recep Tayyip Erdogan", role="")
    speeches = {
        "crimea": make_speech(
            "Address on Crimea", datetime.date(2014, 3, 18), speaker=putin, paragraphs=["Sanctions will not stop us."]
        ),
        "economy": make_speech(
            "Meeting on the economy", datetime.date(2014, 7, 1), speaker=putin, paragraphs=["Sanctions hurt trade."]
        ),
        "turkey": make_speech(
            "Talks with Turkey", datetime.date(2015, 1, 10), speaker=putin, paragraphs=["Sanctions are wrong."]
        ),
        "draft": make_speech(
            "A draft", datetime.date(2014, 5, 1), status=Speech.Status.DRAFT, paragraphs=["Sanctions."]
        ),
    }
    speeches["crimea"].topics.set([foreign])
    speeches["crimea"].places.set([crimea])
    speeches["economy"].topics.set([economy])
    speeches["turkey"].topics.set([foreign])
    speeches["turkey"].places.set([turkey])
    speeches["turkey"].people.set([erdogan, putin])
    speeches["draft"].topics.set([foreign])
    return {**speeches, "foreign_policy": foreign, "erdogan": erdogan}


def titles(response):
    return [speech.title for speech in response.context["page_obj"]]


def in_russian(client):
    client.cookies[reading.COOKIE_NAME] = reading.cookie_value({**reading.DEFAULTS, "language": "ru"})


def test_the_topic_index_lists_topics_with_their_published_addresses_in_both_languages(client, filed):
    html = client.get("/topics/").content.decode()
    assert re.findall(
        r'<li><a href="/topics/([^/]+)/">([^<]+)</a> <span class="name-index__count">\(([^)]+)\)', html
    ) == [
        ("economy-and-finance", "Economy and finance", "1 address"),
        ("foreign-policy", "Foreign policy", "2 addresses"),
    ]
    assert "The published addresses are filed under 2 topics." in html
    in_russian(client)
    html = client.get("/topics/?sort=addresses").content.decode()
    assert re.findall(
        r'<li><a href="/topics/[^/]+/">([^<]+)</a> <span class="name-index__count">\(([^)]+)\)', html
    ) == [
        ("Внешняя политика", "2 выступления"),
        ("Economy and finance", "1 выступление"),
    ]


def test_the_place_index_says_which_are_countries_and_which_regions(client, filed):
    html = client.get("/places/").content.decode()
    assert re.findall(r'<li><a href="/places/([^/]+)/">([^<]+)</a>, ([^<]+) <span', html) == [
        ("republic-of-crimea", "Republic of Crimea", "region of Russia"),
        ("turkey", "Turkey", "country"),
    ]


def test_a_topic_page_lists_its_published_addresses_newest_first_with_their_calendar(client, filed):
    response = client.get("/topics/foreign-policy/")
    assert response.status_code == 200
    assert titles(response) == ["Talks with Turkey", "Address on Crimea"]
    html = response.content.decode()
    assert "<h1>Foreign policy</h1>" in html
    # The calendar of the newest address's month; its days and moves stay within the topic.
    assert (
        '<a href="?date_from=2015-01-10&amp;date_to=2015-01-10" aria-label="10 January 2015: 1 address">10</a>' in html
    )
    assert '<a rel="prev" href="?date_from=2014-03-01&amp;date_to=2014-03-31">‹ March 2014</a>' in html
    assert '<a href="?date_from=2014-01-01&amp;date_to=2014-12-31">« 2014</a>' in html
    month = client.get("/topics/foreign-policy/?date_from=2014-03-01&date_to=2014-03-31")
    assert titles(month) == ["Address on Crimea"]
    assert month.context["calendar_month"] == datetime.date(2014, 3, 1)
    assert (
        '<a rel="next" href="?date_from=2015-01-01&amp;date_to=2015-01-31">January 2015 ›</a>' in month.content.decode()
    )


def test_a_place_page_lists_its_addresses_and_refuses_a_bad_date_with_the_reason(client, filed):
    assert titles(client.get("/places/turkey/")) == ["Talks with Turkey"]
    refused = client.get("/places/turkey/?date_from=2015-13-01")
    assert refused.status_code == 400
    assert "From: Enter a valid date." in refused.content.decode()
    assert client.get("/places/mars/").status_code == 404
    assert client.get("/topics/turkey/").status_code == 404


def test_a_topic_page_is_paged_and_costs_the_same_queries_however_many_addresses(client, filed):
    counts = []
    for more in (0, 60):
        for n in range(more):
            make_speech(f"More {n}", datetime.date(2016, 1, 1) + datetime.timedelta(days=n)).topics.add(
                filed["foreign_policy"]
            )
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/topics/foreign-policy/?page=2")
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
    # 62 addresses, 50 to a page: the second holds the 12 oldest.
    assert titles(response) == [f"More {n}" for n in range(9, -1, -1)] + [
        "Talks with Turkey",
        "Address on Crimea",
    ]


def test_the_speech_page_links_what_it_is_filed_under(client, filed):
    html = client.get(filed["turkey"].get_absolute_url()).content.decode()
    assert '<a href="/topics/foreign-policy/" rel="tag">Foreign policy</a>' in html
    assert '<a href="/places/turkey/" rel="tag">Turkey</a>' in html
    assert '<a href="/speakers/recep-tayyip-erdogan/?addresses=filed" rel="tag">Recep Tayyip Erdogan</a>' in html
    in_russian(client)
    assert (
        '<a href="/places/turkey/" rel="tag">Турция</a>'
        in client.get(filed["turkey"].get_absolute_url()).content.decode()
    )


def test_a_persons_page_shows_what_they_said_and_what_they_are_filed_under(client, filed):
    erdogan = filed["erdogan"]
    assert titles(client.get(erdogan.get_absolute_url())) == []
    assert titles(client.get(erdogan.get_absolute_url() + "?addresses=filed")) == ["Talks with Turkey"]
    putin = "/speakers/vladimir-putin/"
    assert titles(client.get(putin + "?addresses=filed")) == ["Talks with Turkey"]
    both = client.get(putin + "?addresses=all")
    assert titles(both) == ["Talks with Turkey", "Meeting on the economy", "Address on Crimea"]
    assert "Addresses they speak in: 3" in both.content.decode()
    assert "Addresses filed under them: 1" in both.content.decode()
    refused = client.get(putin + "?addresses=some")
    assert refused.status_code == 400
    assert (
        "“some” is not a list of this person&#x27;s addresses: choose spoken, filed or all." in refused.content.decode()
    )


def test_lists_and_exports_narrow_by_topic_and_place(client, filed):
    assert titles(client.get("/speakers/vladimir-putin/?topic=foreign-policy&place=republic-of-crimea")) == [
        "Address on Crimea"
    ]
    refused = client.get("/speakers/vladimir-putin/?topic=no-such-topic")
    assert refused.status_code == 400
    assert "Topic: Select a valid choice." in refused.content.decode()


@pytest.fixture
def searchable(filed, backend):
    """The filed addresses indexed by each backend in turn."""
    search.rebuild()
    return filed


def test_sanctions_within_a_topic_in_a_year_is_one_url_on_each_backend(client, searchable):
    response = client.get("/search/?q=sanctions&topic=foreign-policy&date_from=2014-01-01&date_to=2014-12-31")
    assert [hit.speech.title for hit in response.context["results"].hits] == ["Address on Crimea"]
    every = client.get("/search/?q=sanctions").context
    facets = dict(every["facets"])
    assert [(v.label, v.count, v.url) for v in facets["Topics"]] == [
        ("Foreign policy", 2, "?q=sanctions&topic=foreign-policy"),
        ("Economy and finance", 1, "?q=sanctions&topic=economy-and-finance"),
    ]
    assert [(v.label, v.count) for v in facets["Countries and regions"]] == [("Republic of Crimea", 1), ("Turkey", 1)]
    narrowed = client.get("/search/?q=sanctions&place=turkey").context
    assert [hit.speech.title for hit in narrowed["results"].hits] == ["Talks with Turkey"]
    assert [(v.label, v.selected) for v in dict(narrowed["facets"])["Countries and regions"]] == [("Turkey", True)]


def test_a_search_follows_a_change_of_tags_at_once(client, searchable):
    filed = searchable
    assert len(client.get("/search/?q=sanctions&topic=foreign-policy").context["results"].hits) == 2
    filed["economy"].topics.add(filed["foreign_policy"])
    response = client.get("/search/?q=sanctions&topic=foreign-policy")
    assert sorted(hit.speech.title for hit in response.context["results"].hits) == [
        "Address on Crimea",
        "Meeting on the economy",
        "Talks with Turkey",
    ]


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the English corpus is not at {CORPUS}")
def test_every_tag_of_every_imported_page_is_stored_on_its_address():
    import_paths([CORPUS])
    speeches = {s.source_id: s for s in Speech.objects.prefetch_related("topics", "places", "people")}
    tagged = 0
    for path in sorted(CORPUS.glob("*.html")):
        printed = [tag for column in printed_tags(path.read_text("utf-8", errors="replace")).values() for tag in column]
        speech = speeches[path.stem]
        wanted = {kind: sorted(t.catalogue_id for t in printed if t.catalogue == kind) for kind in CATALOGUES}
        assert {
            "keywords": sorted(topic.catalogue_id for topic in speech.topics.all()),
            "countries": sorted(p.catalogue_id for p in speech.places.all() if p.kind == Place.Kind.COUNTRY),
            "regions": sorted(p.catalogue_id for p in speech.places.all() if p.kind == Place.Kind.REGION),
            # Each person is a speaker of their own, known by their entry: two people are never taken for one.
            "persons": sorted(person.catalogue_id for person in speech.people.all()),
        } == wanted, path.name
        tagged += bool(printed)
    assert tagged == 1063
    assert (Topic.objects.count(), Place.objects.count(), Speaker.objects.exclude(catalogue_id="").count()) == (
        76,
        121,
        218,
    )


# The admin


@pytest.fixture
def editor(client):
    client.force_login(User.objects.create_superuser("editor", "editor@example.org", "a-long-test-password"))
    return client


def test_an_editor_files_an_address_under_a_topic_as_a_recorded_version(editor, filed):
    speech = filed["economy"]
    form = editor.get(f"/admin/speeches/speech/{speech.pk}/change/").context_data["adminform"].form
    many = {"speakers", "topics", "places", "people"}
    data = {name: value for name, value in form.initial.items() if value is not None and name not in many}
    data.update(
        date="2014-07-01",
        time="",
        speakers=[s.pk for s in speech.speakers.all()],
        topics=[t.pk for t in speech.topics.all()] + [filed["foreign_policy"].pk],
        places=[Place.objects.get(slug="turkey").pk],
    )
    response = editor.post(f"/admin/speeches/speech/{speech.pk}/change/", data)
    assert response.status_code == 302, response.context_data["adminform"].form.errors
    assert tags_of(speech)[:2] == (
        [("Economy and finance", "5"), ("Foreign policy", "82")],
        [("Turkey", "country", "TR")],
    )
    version = history.versions(speech).first()
    assert version.revision.comment == "Details edited"
    assert history.Snapshot.from_revision(version.revision).fields["places"] == [Place.objects.get(slug="turkey").pk]
    # The public pages follow at once.
    assert "Meeting on the economy" in editor.get("/places/turkey/").content.decode()


def test_an_editor_merges_a_topic_met_in_russian_into_its_english_record(editor, filed):
    russian = Topic.objects.create(name_ru="Экономика и финансы")
    filed["crimea"].topics.add(russian)
    english = Topic.objects.get(slug="economy-and-finance")
    listing = editor.get("/admin/speeches/topic/").content.decode()
    assert "Экономика и финансы" in listing and "Economy and finance" in listing
    confirmed = editor.post(
        "/admin/speeches/topic/",
        {"action": "merge_selected", "_selected_action": [english.pk, russian.pk], "keep": english.pk, "post": "yes"},
    )
    assert confirmed.status_code == 302
    assert not Topic.objects.filter(pk=russian.pk).exists()
    english.refresh_from_db()
    assert english.name_ru == "Экономика и финансы"
    assert set(english.speeches.values_list("title", flat=True)) == {"Meeting on the economy", "Address on Crimea"}


def test_the_duplicate_places_page_offers_a_place_met_in_both_scripts(editor, filed):
    Place.objects.create(name_ru="Турецкая Республика")
    Place.objects.create(name_ru="Республика Крым", kind=Place.Kind.REGION)
    page = editor.get("/admin/speeches/place/duplicates/").content.decode()
    assert "Республика Крым" in page and "Republic of Crimea" in page


def test_each_topic_and_place_has_a_feed_and_a_place_in_the_sitemap(client, filed):
    feed = client.get("/topics/foreign-policy/feed/").content.decode()
    assert re.findall(r"<entry><title>([^<]+)</title>", feed) == ["Talks with Turkey", "Address on Crimea"]
    assert '<category term="Foreign policy"/>' in feed
    assert "Talks with Turkey" in client.get("/places/turkey/rss/").content.decode()
    assert client.get("/places/mars/feed/").status_code == 404
    sitemap = client.get("/sitemap-topics.xml").content.decode()
    assert re.findall(r"<loc>http://testserver(/topics/[^<]+)</loc>", sitemap) == [
        "/topics/foreign-policy/",
        "/topics/economy-and-finance/",
    ]
    assert "<loc>http://testserver/places/</loc>" in client.get("/sitemap-pages.xml").content.decode()


def test_a_tag_without_a_name_names_nothing():
    parsed = read_record(
        {
            "title": "Talks",
            "date": "2020-01-09",
            "topics": [{"name": " \u00a0 "}, {"name": "Energy"}],
            "people": [{"name": "\n", "joined": True}],
            "paragraphs": [{"text": "Text."}],
        }
    )
    assert Writer().write(parsed)[0] == CREATED
    assert tags_of(Speech.objects.get()) == ([("Energy", "")], [], [])
    assert Topic.objects.count() == 1


def test_the_research_tools_narrow_by_topic_and_place(searchable):
    def lines(**filters):
        result = research.concordance(SearchParams(query=parse_query("sanctions"), text="sanctions", **filters))
        return sorted(line.speech.title for line in result.lines)

    assert lines() == ["Address on Crimea", "Meeting on the economy", "Talks with Turkey"]
    foreign = searchable["foreign_policy"]
    assert lines(topic=foreign.pk) == ["Address on Crimea", "Talks with Turkey"]
    assert lines(topic=foreign.pk, place=Place.objects.get(slug="turkey").pk) == ["Talks with Turkey"]


@pytest.mark.parametrize(
    "url", ["/topics/", "/places/?sort=addresses", "/places/turkey/", "/speakers/vladimir-putin/?addresses=all"]
)
def test_the_new_pages_cost_the_same_queries_however_many_records(client, filed, url):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    few = queries()
    turkey = Place.objects.get(slug="turkey")
    putin = Speaker.objects.get(slug="vladimir-putin")
    for n in range(30):
        speech = make_speech(f"More {n}", datetime.date(2016, 1, 1) + datetime.timedelta(days=n), speaker=putin)
        speech.topics.add(Topic.objects.create(name=f"Topic {n}"))
        speech.places.add(turkey, Place.objects.create(name=f"Place {n}"))
        speech.people.add(putin)
    assert queries() == few
