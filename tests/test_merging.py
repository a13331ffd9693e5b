"""Merging speakers and venues that are one person or place, their old addresses, and the suggested pairs."""

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission, User

from speeches import search
from speeches.merging import (
    MergeError,
    merge_speakers,
    merge_venues,
    possible_duplicate_speakers,
    possible_duplicate_venues,
)
from speeches.models import Paragraph, Speaker, SpeakerAlias, SpeakerRedirect, Speech, Venue, VenueRedirect
from speeches.search import SearchParams, parse_query
from tests.factories import make_speaker, make_speech, make_venue

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    editor = User.objects.create_superuser("editor", "editor@example.org", "a-long-test-password")
    client.force_login(editor)
    return client


def speeches_of(speaker):
    return sorted(speaker.speeches.values_list("title", flat=True))


def found_titles(text, **filters):
    results = search.search(SearchParams(query=parse_query(text), text=text, **filters))
    return [hit.speech.title for hit in results.hits]


def suggested(pairs):
    return [(pair.first.name, pair.second.name, pair.reason) for pair in pairs]


def with_speeches(name, count):
    """A speaker with `count` speeches, so that the order of a suggested pair is known."""
    speaker = make_speaker(name, "")
    for n in range(count):
        make_speech(f"{name} {n}", speaker=speaker)
    return speaker


# Merging


def test_merge_speakers_moves_paragraphs_speeches_aliases_and_redirects():
    kept = make_speaker("Kirill Kleimenov", "")
    merged = make_speaker("Kirill Kleymenov", "Anchor of Channel One")
    merged.aliases.create(label="К.Клейменов")
    SpeakerRedirect.objects.create(slug="kirill-kleimenoff", speaker=merged)
    interview = make_speech(
        "Interview to Channel One", speaker=merged, paragraphs=[("Kirill Kleymenov", "Good evening.")]
    )
    both = make_speech("News conference", speaker=kept, paragraphs=[("Kirill Kleimenov", "A first question.")])
    Paragraph.objects.create(speech=both, position=2, speaker=merged, speaker_label="Kirill Kleymenov", text="Another.")
    both.speakers.add(merged)

    merged_result = merge_speakers(kept, [merged])

    assert (merged_result.speeches, merged_result.paragraphs) == (2, 2)
    assert not Speaker.objects.filter(pk=merged.pk).exists()
    assert speeches_of(kept) == ["Interview to Channel One", "News conference"]
    assert list(both.speakers.all()) == [kept]
    assert [p.speaker for p in interview.paragraphs.all()] == [kept]
    assert [p.speaker for p in both.paragraphs.all()] == [kept, kept]
    assert sorted(kept.aliases.values_list("label", flat=True)) == ["Kirill Kleymenov", "К.Клейменов"]
    assert sorted(kept.redirects.values_list("slug", flat=True)) == ["kirill-kleimenoff", "kirill-kleymenov"]
    kept.refresh_from_db()
    assert kept.role == "Anchor of Channel One"


def test_merge_speakers_keeps_one_alias_per_spelling():
    kept = make_speaker("Sergei Brilev", "")
    kept.aliases.create(label="Sergei Brilyov")
    merged = make_speaker("Sergei Brilyov", "")

    merge_speakers(kept, [merged])

    assert list(SpeakerAlias.objects.values_list("label", "speaker__name")) == [("Sergei Brilyov", "Sergei Brilev")]


def test_merge_speakers_refuses_a_speaker_into_itself():
    speaker = make_speaker("Kirill Kleimenov", "")
    other = make_speaker("Kirill Kleymenov", "")

    with pytest.raises(MergeError, match="A speaker cannot be merged into itself."):
        merge_speakers(speaker, [other, speaker])

    assert list(Speaker.objects.values_list("name", flat=True)) == ["Kirill Kleimenov", "Kirill Kleymenov"]


def test_merge_speakers_redirects_what_was_merged_earlier_to_the_new_one():
    first = make_speaker("Mikhail Schugorev", "")
    second = make_speaker("Mikhail Shchugorev", "")
    third = make_speaker("M.Shchugorev", "")
    merge_speakers(second, [first])

    merge_speakers(third, [second])

    assert dict(SpeakerRedirect.objects.values_list("slug", "speaker__name")) == {
        "mikhail-schugorev": "M.Shchugorev",
        "mikhail-shchugorev": "M.Shchugorev",
    }


def test_merge_into_a_new_speaker_at_a_merged_address_answers_there_itself(client):
    earlier = make_speaker("Sergei Brilyov", "")
    between = make_speaker("Sergei Brilev", "")
    merge_speakers(between, [earlier])
    again = make_speaker("Sergei Brilyov", "")

    merge_speakers(again, [between])

    assert again.slug == "sergei-brilyov"
    assert dict(SpeakerRedirect.objects.values_list("slug", "speaker__name")) == {"sergei-brilev": "Sergei Brilyov"}
    assert client.get("/speakers/sergei-brilev/")["Location"] == "/speakers/sergei-brilyov/"


def test_merge_venues_moves_speeches_and_redirects():
    kept = make_venue("The Kremlin, Moscow")
    merged = make_venue("Москва, Кремль", city="Москва")
    VenueRedirect.objects.create(slug="kremlin-old", venue=merged)
    make_speech("Заседание Совета Безопасности", venue=merged)
    make_speech("Meeting with the Government", venue=kept)

    merged_result = merge_venues(kept, [merged])

    assert merged_result.speeches == 1
    assert not Venue.objects.filter(pk=merged.pk).exists()
    assert sorted(kept.speeches.values_list("title", flat=True)) == [
        "Meeting with the Government",
        "Заседание Совета Безопасности",
    ]
    assert sorted(kept.redirects.values_list("slug", flat=True)) == ["kremlin-old", "москва-кремль"]
    kept.refresh_from_db()
    assert kept.city == "Москва"


def test_merge_venues_refuses_a_venue_into_itself():
    venue = make_venue()

    with pytest.raises(MergeError, match="A venue cannot be merged into itself."):
        merge_venues(venue, [venue])

    assert Venue.objects.get() == venue


# Old addresses


def test_merged_speaker_address_redirects_permanently_keeping_the_query(client):
    kept = make_speaker("Sergei Brilev", "")
    merged = make_speaker("Sergei Brilyov", "")
    merge_speakers(kept, [merged])

    response = client.get("/speakers/sergei-brilyov/", {"kind": "interview", "page": "2"})

    assert response.status_code == 301
    assert response["Location"] == "/speakers/sergei-brilev/?kind=interview&page=2"
    assert client.get("/speakers/sergei-brilyov/").headers["Location"] == "/speakers/sergei-brilev/"
    assert client.get("/speakers/sergei-brilev/").status_code == 200
    assert client.get("/speakers/sergei-brilyov-2/").status_code == 404


def test_merged_venue_address_redirects_permanently(client):
    kept = make_venue("The Kremlin, Moscow")
    merged = make_venue("Москва, Кремль")
    merge_venues(kept, [merged])

    response = client.get("/venues/москва-кремль/?page=2")

    assert response.status_code == 301
    assert response["Location"] == "/venues/the-kremlin-moscow/?page=2"
    assert client.get("/venues/nowhere/").status_code == 404


# The search index


def test_search_by_kept_speaker_finds_speeches_of_the_merged_one(search_index, django_capture_on_commit_callbacks):
    kept = make_speaker("Sergei Brilev", "")
    merged = make_speaker("Sergei Brilyov", "")
    with django_capture_on_commit_callbacks(execute=True):
        make_speech("Interview to Vesti", speaker=merged, paragraphs=[("Sergei Brilyov", "About the helium plant.")])
    assert found_titles("helium", speaker=kept.pk) == []

    with django_capture_on_commit_callbacks(execute=True):
        merge_speakers(kept, [merged])

    assert found_titles("helium", speaker=kept.pk) == ["Interview to Vesti"]


def test_search_by_kept_venue_finds_speeches_given_at_the_merged_one(search_index, django_capture_on_commit_callbacks):
    kept = make_venue("The Kremlin, Moscow")
    merged = make_venue("Москва, Кремль")
    with django_capture_on_commit_callbacks(execute=True):
        make_speech(
            "Совещание по гелию",
            venue=merged,
            language=Speech.Language.RUSSIAN,
            paragraphs=["Гелиевый завод в Амурской области."],
        )
    assert found_titles("гелиевый", venue=kept.pk) == []

    with django_capture_on_commit_callbacks(execute=True):
        merge_venues(kept, [merged])

    assert found_titles("гелиевый", venue=kept.pk) == ["Совещание по гелию"]


# The admin


def test_admin_merge_action_asks_which_speaker_to_keep(editor_client):
    few = with_speeches("Kirill Kleymenov", 1)
    many = with_speeches("Kirill Kleimenov", 3)

    response = editor_client.post(
        "/admin/speeches/speaker/", {"action": "merge_selected", "_selected_action": [few.pk, many.pk]}
    )

    html = response.content.decode()
    assert response.templates[0].name == "admin/speeches/merge_confirmation.html"
    assert [(s.name, s.speech_count) for s in response.context["records"]] == [
        ("Kirill Kleimenov", 3),
        ("Kirill Kleymenov", 1),
    ]
    assert f'<input type="radio" name="keep" value="{many.pk}" id="keep-{many.pk}" checked>' in html
    assert f'<input type="radio" name="keep" value="{few.pk}" id="keep-{few.pk}">' in html
    assert 'value="Merge into the chosen speaker"' in html
    assert Speaker.objects.count() == 2


def test_admin_merge_action_merges_into_the_chosen_speaker(editor_client):
    many = with_speeches("Kirill Kleimenov", 2)
    few = with_speeches("Kirill Kleymenov", 1)

    response = editor_client.post(
        "/admin/speeches/speaker/",
        {"action": "merge_selected", "_selected_action": [many.pk, few.pk], "post": "yes", "keep": few.pk},
        follow=True,
    )

    assert "Merged “Kirill Kleimenov” into “Kirill Kleymenov”; 2 speeches were updated." in [
        str(message) for message in response.context["messages"]
    ]
    assert [s.name for s in response.context["cl"].result_list] == ["Kirill Kleymenov"]
    assert speeches_of(few) == ["Kirill Kleimenov 0", "Kirill Kleimenov 1", "Kirill Kleymenov 0"]
    entry = LogEntry.objects.get()
    assert (entry.object_id, entry.get_change_message()) == (
        str(few.pk),
        "Merged “Kirill Kleimenov” (kirill-kleimenov) into this speaker; 2 speeches were updated.",
    )


def test_admin_merge_action_counts_paragraphs(editor_client):
    kept = make_speaker("Sergei Brilev", "")
    merged = make_speaker("Sergei Brilyov", "")
    make_speech("Interview", speaker=merged, paragraphs=[("Sergei Brilyov", "One."), "Two.", "Three."])

    response = editor_client.post(
        "/admin/speeches/speaker/",
        {"action": "merge_selected", "_selected_action": [kept.pk, merged.pk], "post": "yes", "keep": kept.pk},
        follow=True,
    )

    assert "Merged “Sergei Brilyov” into “Sergei Brilev”; 1 speech and 3 paragraphs were updated." in [
        str(message) for message in response.context["messages"]
    ]


def test_admin_merge_action_refuses_a_choice_outside_the_selection(editor_client):
    one, other, outsider = (make_speaker(name, "") for name in ["Sergei Brilev", "Sergei Brilyov", "Vladimir Putin"])

    response = editor_client.post(
        "/admin/speeches/speaker/",
        {"action": "merge_selected", "_selected_action": [one.pk, other.pk], "post": "yes", "keep": outsider.pk},
    )

    assert "The one chosen to keep is not among those selected." in response.content.decode()
    assert Speaker.objects.count() == 3


def test_admin_merge_action_warns_when_fewer_than_two_are_selected(editor_client):
    speaker = make_speaker()

    response = editor_client.post(
        "/admin/speeches/speaker/", {"action": "merge_selected", "_selected_action": [speaker.pk]}, follow=True
    )

    assert [str(message) for message in response.context["messages"]] == [
        "Select at least two speakers to merge: one to keep, and others to merge into it."
    ]
    assert Speaker.objects.get() == speaker


def test_admin_merge_action_needs_change_permission(client):
    viewer = User.objects.create_user("viewer", "viewer@example.org", "a-long-test-password", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_speaker"))
    client.force_login(viewer)
    one, other = make_speaker("Sergei Brilev", ""), make_speaker("Sergei Brilyov", "")

    page = client.get("/admin/speeches/speaker/").content.decode()
    client.post(
        "/admin/speeches/speaker/",
        {"action": "merge_selected", "_selected_action": [one.pk, other.pk], "post": "yes", "keep": one.pk},
    )

    assert "Merge selected speakers…" not in page
    assert "Possible duplicates" not in page
    assert Speaker.objects.count() == 2
    assert client.get("/admin/speeches/speaker/duplicates/").status_code == 403


def test_admin_venue_merge_action_merges_into_the_chosen_venue(editor_client):
    kept = make_venue("The Kremlin, Moscow")
    merged = make_venue("Москва, Кремль")
    make_speech("Заседание Госсовета", venue=merged)

    page = editor_client.get("/admin/speeches/venue/").content.decode()
    response = editor_client.post(
        "/admin/speeches/venue/",
        {"action": "merge_selected", "_selected_action": [kept.pk, merged.pk], "post": "yes", "keep": kept.pk},
        follow=True,
    )

    assert "Merge selected venues…" in page
    assert "Merged “Москва, Кремль” into “The Kremlin, Moscow”; 1 speech was updated." in [
        str(message) for message in response.context["messages"]
    ]
    assert list(Venue.objects.values_list("name", flat=True)) == ["The Kremlin, Moscow"]


def test_admin_possible_duplicates_page_leads_to_the_merge(editor_client):
    with_speeches("Vladimir Putin", 1)
    cyrillic = with_speeches("А.Лукашенко", 2)
    latin = with_speeches("Alexander Lukashenko", 3)

    changelist = editor_client.get("/admin/speeches/speaker/").content.decode()
    page = editor_client.get("/admin/speeches/speaker/duplicates/")
    confirmation = editor_client.post(
        "/admin/speeches/speaker/",
        {"action": "merge_selected", "_selected_action": [latin.pk, cyrillic.pk], "from_duplicates": "1"},
    )
    merged = editor_client.post(
        "/admin/speeches/speaker/",
        {
            "action": "merge_selected",
            "_selected_action": [latin.pk, cyrillic.pk],
            "from_duplicates": "1",
            "post": "yes",
            "keep": latin.pk,
        },
        follow=True,
    )

    assert 'href="/admin/speeches/speaker/duplicates/">Possible duplicates</a>' in changelist
    assert suggested(page.context["pairs"]) == [("Alexander Lukashenko", "А.Лукашенко", "initial and surname")]
    html = page.content.decode()
    assert "<td>3</td>" in html and "<td>2</td>" in html and "<td>initial and surname</td>" in html
    assert f'<input type="hidden" name="_selected_action" value="{cyrillic.pk}">' in html
    assert 'value="Merge into the chosen speaker"' in confirmation.content.decode()
    assert merged.redirect_chain == [("/admin/speeches/speaker/duplicates/", 302)]
    assert merged.context["pairs"] == []
    assert "Merged “А.Лукашенко” into “Alexander Lukashenko”; 2 speeches were updated." in [
        str(message) for message in merged.context["messages"]
    ]


# Suggested pairs


@pytest.mark.parametrize(
    "names, expected",
    [
        pytest.param(
            ["Kirill Kleimenov", "Kirill Kleymenov"],
            [("Kirill Kleimenov", "Kirill Kleymenov", "close spelling")],
            id="y-and-i",
        ),
        pytest.param(
            ["Mikhail Schugorev", "Mikhail Shchugorev"],
            [("Mikhail Schugorev", "Mikhail Shchugorev", "close spelling")],
            id="shch-and-sch",
        ),
        pytest.param(
            ["Vasily Shchur", "Vasily Schur"],
            [("Vasily Shchur", "Vasily Schur", "close spelling")],
            id="shch-and-sch-short",
        ),
        pytest.param(
            ["Sergei Brilev", "Sergei Brilyov"],
            [("Sergei Brilev", "Sergei Brilyov", "close spelling")],
            id="yo-and-e",
        ),
        pytest.param(
            ["Alexander Lukashenko", "А.Лукашенко", "A.Lukashenko"],
            [
                ("Alexander Lukashenko", "А.Лукашенко", "initial and surname"),
                ("Alexander Lukashenko", "A.Lukashenko", "initial and surname"),
                ("А.Лукашенко", "A.Lukashenko", "same name in Cyrillic and Latin"),
            ],
            id="initials",
        ),
        pytest.param(
            ["Alexander Lukashenko", "Александр Лукашенко"],
            [("Alexander Lukashenko", "Александр Лукашенко", "same name in Cyrillic and Latin")],
            id="cyrillic-and-latin",
        ),
        pytest.param(
            ["Yuri Ushakov", "Юрий Ушаков", "Ю.Ушаков"],
            [
                ("Yuri Ushakov", "Юрий Ушаков", "same name in Cyrillic and Latin"),
                ("Yuri Ushakov", "Ю.Ушаков", "initial and surname"),
                ("Юрий Ушаков", "Ю.Ушаков", "initial and surname"),
            ],
            id="yu-initial",
        ),
        pytest.param(["Alexander Lukashenko", "Andrei Lukashenko"], [], id="other-first-name"),
        pytest.param(["Alexander Lukashenko", "Андрей Лукашенко", "В.Лукашенко"], [], id="other-first-name-cyrillic"),
        pytest.param(["Dmitry Peskov", "Dmitry Peskova"], [], id="feminine-surname"),
        pytest.param(["Aleksandr Sokolov", "Aleksandra Sokolov"], [], id="feminine-name"),
        pytest.param(["Mikhail Mishustin", "Mikhail Lavrov", "Moderator"], [], id="other-surname"),
    ],
)
def test_possible_duplicate_speakers(names, expected):
    # Fewer speeches down the list, so each pair's order is the order of the names given.
    for position, name in enumerate(names):
        with_speeches(name, len(names) - position)

    assert suggested(possible_duplicate_speakers()) == expected


def test_possible_duplicate_speakers_most_speeches_first_with_counts(django_assert_num_queries):
    with_speeches("Kirill Kleymenov", 1)
    with_speeches("Kirill Kleimenov", 2)
    with_speeches("Sergei Brilyov", 4)
    with_speeches("Sergei Brilev", 1)

    with django_assert_num_queries(1):
        pairs = possible_duplicate_speakers()

    assert [(p.first.name, p.first.speech_count, p.second.name, p.second.speech_count) for p in pairs] == [
        ("Sergei Brilyov", 4, "Sergei Brilev", 1),
        ("Kirill Kleimenov", 2, "Kirill Kleymenov", 1),
    ]


def test_possible_duplicate_speakers_leaves_out_merged_ones():
    kept = make_speaker("Kirill Kleimenov", "")
    merge_speakers(kept, [make_speaker("Kirill Kleymenov", "")])

    assert possible_duplicate_speakers() == []


@pytest.mark.parametrize(
    "names, expected",
    [
        pytest.param(
            ["The Kremlin, Moscow", "Москва, Кремль"],
            [("The Kremlin, Moscow", "Москва, Кремль", "same name in Cyrillic and Latin")],
            id="cyrillic-and-latin",
        ),
        pytest.param(
            ["Novo-Ogaryovo, Moscow Region", "Ново-Огарёво, Московская область"],
            [("Novo-Ogaryovo, Moscow Region", "Ново-Огарёво, Московская область", "same name in Cyrillic and Latin")],
            id="region",
        ),
        pytest.param(
            ["St Petersburg", "Санкт-Петербург"],
            [("St Petersburg", "Санкт-Петербург", "same name in Cyrillic and Latin")],
            id="saint",
        ),
        pytest.param(
            ["The Kremlin, Moscow", "Moscow, the Kremlin"],
            [("The Kremlin, Moscow", "Moscow, the Kremlin", "same words in another order")],
            id="order",
        ),
        pytest.param(["Moskva", "Moscow"], [("Moskva", "Moscow", "close spelling")], id="moskva"),
        pytest.param(["The Kremlin, Moscow", "Moscow", "Grand Kremlin Palace, Moscow"], [], id="more-words"),
        pytest.param(["Minsk", "Pinsk"], [], id="other-city"),
    ],
)
def test_possible_duplicate_venues(names, expected):
    for position, name in enumerate(names):
        venue = make_venue(name)
        for n in range(len(names) - position):
            make_speech(f"{name} {n}", venue=venue)

    assert suggested(possible_duplicate_venues()) == expected


def test_possible_duplicate_venues_page(editor_client):
    kremlin = make_venue("The Kremlin, Moscow")
    make_speech("Address", datetime.date(2024, 2, 29), venue=kremlin)
    make_venue("Москва, Кремль")

    response = editor_client.get("/admin/speeches/venue/duplicates/")

    assert suggested(response.context["pairs"]) == [
        ("The Kremlin, Moscow", "Москва, Кремль", "same name in Cyrillic and Latin")
    ]
