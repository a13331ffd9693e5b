"""Pages as production serves them: cached until what they show changes, compressed, revalidated with ETags,
refused to methods they do not answer, and a friendly 503 when the database does not answer."""

import copy
import datetime
import gzip
import socket
import threading
import time

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.cache import caches
from django.db import connections
from django.test import Client

from speeches import curation, merging, reading, search
from speeches.editors import EDITORS
from speeches.importers import import_paths
from speeches.importers.text import read_transcript
from speeches.models import Paragraph, Speaker, Speech, Venue
from tests.factories import make_speaker, make_speech, make_venue
from tests.import_samples import kremlin_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader():
    return Client()


@pytest.fixture
def editor():
    client = Client()
    user = User.objects.create_user("editor", "editor@example.org", "a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name=EDITORS))
    client.force_login(user)
    return client


@pytest.fixture
def address():
    putin = make_speaker()
    return make_speech(
        "Address on the harvest",
        venue=make_venue("Rostov-on-Don"),
        paragraphs=[("Vladimir Putin", "The harvest was good this year."), "Thank you."],
        speaker=putin,
    )


def test_a_second_reader_gets_the_page_without_the_database(reader, address, django_assert_num_queries):
    first = reader.get(address.get_absolute_url())
    assert first.status_code == 200
    with django_assert_num_queries(0):
        again = Client().get(address.get_absolute_url())
    assert again.status_code == 200
    assert again.content == first.content
    assert "The harvest was good this year." in again.content.decode()


@pytest.mark.parametrize("url", ["/", "/speeches/", "/speeches/2023/", "/speeches/2023/06/", "/speeches/2023/06/28/"])
def test_listings_are_cached_and_follow_a_new_publication(reader, address, url, django_assert_num_queries):
    before = reader.get(url)
    assert before.status_code == 200
    with django_assert_num_queries(0):
        assert reader.get(url).content == before.content
    make_speech("Address on the floods", paragraphs=["Text."])
    after = reader.get(url)
    assert after.status_code == 200
    assert after.content != before.content


def test_edit_publish_and_withdraw_each_show_on_the_next_request(reader, editor, address, indexed):
    url = address.get_absolute_url()
    assert "The harvest was good this year." in reader.get(url).content.decode()

    transcript = "Vladimir Putin: The harvest was excellent this year.\n\nThank you."
    with indexed():
        response = editor.post(
            f"/admin/speeches/speech/{address.pk}/transcript/", {"transcript": transcript, "_publish": "1"}
        )
    assert response.status_code == 302
    page = reader.get(url).content.decode()
    assert "The harvest was excellent this year." in page
    assert "The harvest was good this year." not in page

    draft = make_speech("Address on the railways", status=Speech.Status.DRAFT, paragraphs=["Rails."])
    assert "Address on the railways" not in reader.get("/").content.decode()
    with indexed():
        editor.post("/admin/speeches/speech/", {"action": "publish", "_selected_action": [draft.pk]})
    assert "Address on the railways" in reader.get("/").content.decode()
    assert reader.get(draft.get_absolute_url()).status_code == 200

    with indexed():
        editor.post("/admin/speeches/speech/", {"action": "withdraw", "_selected_action": [address.pk]})
    withdrawn = reader.get(url)
    assert withdrawn.status_code == 410
    assert "The harvest was excellent this year." not in withdrawn.content.decode()
    assert "Address on the harvest" not in reader.get("/").content.decode()


def test_a_renamed_speaker_or_venue_shows_on_the_cached_speech_page(reader, address):
    url = address.get_absolute_url()
    reader.get(url)
    speaker = address.speakers.get()
    speaker.name = "Vladimir Vladimirovich Putin"
    speaker.save()
    assert "Vladimir Vladimirovich Putin" in reader.get(url).content.decode()
    address.venue.name = "Rostov-on-Don, Don Expo"
    address.venue.save()
    assert "Rostov-on-Don, Don Expo" in reader.get(url).content.decode()


def test_an_import_of_a_changed_page_shows_on_the_next_request(reader, tmp_path):
    page = tmp_path / "70200.html"
    page.write_text(kremlin_page(id="70200", title="Greeting", body="<p>First wording.</p>"), encoding="utf-8")
    import_paths([page])
    url = Speech.objects.get(source_id="70200").get_absolute_url()
    assert "First wording." in reader.get(url).content.decode()
    page.write_text(kremlin_page(id="70200", title="Greeting", body="<p>Second wording.</p>"), encoding="utf-8")
    import_paths([page])
    html = reader.get(url).content.decode()
    assert "Second wording." in html
    assert "First wording." not in html


def test_merged_speakers_and_venues_show_on_the_next_request(reader, address):
    url = address.get_absolute_url()
    duplicate = make_speaker("V. Putin", role="")
    Speech.speakers.through.objects.filter(speech=address).update(speaker=duplicate)
    Paragraph.objects.filter(speech=address).update(speaker=duplicate)
    other_venue = make_venue("Rostov")
    Speech.objects.filter(pk=address.pk).update(venue=other_venue)
    assert ">V. Putin</a>" in reader.get(url).content.decode()
    kept = Speaker.objects.get(name="Vladimir Putin")
    merging.merge_speakers(kept, [duplicate])
    merging.merge_venues(Venue.objects.get(name="Rostov-on-Don"), [other_venue])
    html = reader.get(url).content.decode()
    assert ">Vladimir Putin</a>" in html
    assert ">V. Putin</a>" not in html
    assert ">Rostov-on-Don</a>" in html
    assert reader.get(duplicate.get_absolute_url()).status_code == 301


def test_a_change_to_one_speech_keeps_the_other_speech_pages(reader, address, django_assert_num_queries):
    # Far enough apart that neither page links to the other as its neighbour.
    make_speech("Address on the roads", datetime.date(2021, 5, 5), paragraphs=["Roads."])
    other = make_speech("Address on the fleet", datetime.date(2020, 1, 1), paragraphs=["Ships."])
    reader.get(other.get_absolute_url())
    Paragraph.objects.filter(speech=address).update(text="Changed")
    search.queue_speech(address.pk)
    with django_assert_num_queries(0):
        assert reader.get(other.get_absolute_url()).status_code == 200


def test_a_page_is_not_trusted_once_its_change_stamps_are_forgotten(reader, address):
    url = address.get_absolute_url()
    reader.get(url)
    Paragraph.objects.filter(speech=address, position=1).update(text="Rewritten behind the cache's back.")
    caches["page-tags"].clear()
    assert "Rewritten behind the cache&#x27;s back." in reader.get(url).content.decode()


def test_each_reader_gets_the_page_with_their_own_view_settings(address):
    url = address.get_absolute_url()
    large = Client()
    large.cookies[reading.COOKIE_NAME] = reading.cookie_value({**reading.DEFAULTS, "size": "200"})
    plain = Client()
    for client in (large, plain, large, plain):
        html = client.get(url).content.decode()
        if client is large:
            assert 'data-size="200"' in html
        else:
            assert f'data-size="{reading.DEFAULTS["size"]}"' in html


def test_editors_are_never_sent_a_cached_page_nor_readers_an_editors_page(reader, editor, address):
    url = address.get_absolute_url()
    reader.get(url)
    curation.propose(address, curation.as_parsed(address, read_transcript("Vladimir Putin: A shorter text.")))
    assert 'id="pending-banner"' in editor.get(url).content.decode()
    assert 'id="pending-banner"' not in reader.get(url).content.decode()
    draft = make_speech("Draft address", status=Speech.Status.DRAFT, paragraphs=["Unpublished."])
    assert 'id="status-banner"' in editor.get(draft.get_absolute_url()).content.decode()
    assert reader.get(draft.get_absolute_url()).status_code == 404


def test_pages_are_compressed_for_browsers_that_accept_it(reader, address):
    plain = reader.get(address.get_absolute_url())
    for _ in range(2):  # rendered, then from the cache
        packed = reader.get(address.get_absolute_url(), headers={"accept-encoding": "gzip, deflate, br"})
        assert packed["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in packed["Vary"]
        assert gzip.decompress(packed.content) == plain.content


def compression_level(packed):
    """What a gzip stream's header says of its compression: "fast" (level 1), or "other"."""
    return {4: "fast"}.get(packed[8], "other")


def test_a_page_sent_once_is_compressed_quickly_and_a_kept_one_thoroughly(reader, address, settings):
    url = address.get_absolute_url()
    plain = reader.get(url).content  # rendered, kept, sent as kept
    kept = reader.get(url, headers={"accept-encoding": "gzip"})
    assert compression_level(kept.content) == "other"
    settings.PAGE_CACHE = False
    once = reader.get(url, headers={"accept-encoding": "gzip"})
    assert once["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in once["Vary"]
    assert compression_level(once.content) == "fast"
    assert gzip.decompress(once.content) == plain
    assert once["Content-Length"] == str(len(once.content))
    assert "Content-Encoding" not in reader.get(url)  # for a browser that does not accept it


def test_an_editors_page_is_compressed_with_djangos_padding(editor, address):
    packed = editor.get(address.get_absolute_url(), headers={"accept-encoding": "gzip"})
    assert packed["Content-Encoding"] == "gzip"
    assert packed.content[3] & 0x08  # a file name in the header: Django's random padding against BREACH


@pytest.mark.parametrize("cached", [False, True])
def test_a_browser_with_a_current_copy_gets_304(reader, address, settings, cached):
    settings.PAGE_CACHE = cached
    url = address.get_absolute_url()
    first = reader.get(url)
    etag = first["ETag"]
    assert reader.get(url, headers={"if-none-match": etag}).status_code == 304
    Paragraph.objects.filter(speech=address, position=2).update(text="Thank you all.")
    search.queue_speech(address.pk)
    changed = reader.get(url, headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert "Thank you all." in changed.content.decode()


READ_ONLY = ["/", "/speeches/", "/speeches/2023/06/28/", "/search/?q=harvest", "/healthz", "/readyz"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "trace"])
@pytest.mark.parametrize("path", READ_ONLY + ["SPEECH", "SPEAKER", "VENUE"])
def test_read_only_pages_refuse_other_methods_with_405(reader, address, method, path):
    path = {
        "SPEECH": address.get_absolute_url(),
        "SPEAKER": address.speakers.get().get_absolute_url(),
        "VENUE": address.venue.get_absolute_url(),
    }.get(path, path)
    response = reader.generic(method.upper(), path)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert b"harvest" not in response.content


def test_options_says_what_a_page_answers_without_the_page(reader, address):
    response = reader.options(address.get_absolute_url())
    assert response.status_code == 200
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert response.content == b""


# Malformed requests get a clear answer, never a server error


@pytest.mark.parametrize("page", ["²", "9" * 5000])
def test_a_page_number_not_in_plain_digits_shows_the_first_page(reader, backend, indexed, page):
    with indexed():
        make_speech("Address on the harvest", paragraphs=["The harvest was good this year."])
        make_speech("Address on the grain", paragraphs=["The harvest of grain."])
    response = reader.get("/search/", {"q": "harvest", "page": page})
    assert response.status_code == 200
    assert response.context["results"].page == 1
    assert "<mark>harvest</mark> was good" in response.content.decode()


def test_a_speech_page_with_a_page_number_not_in_plain_digits_still_marks_the_words(reader, backend, indexed):
    with indexed():
        speech = make_speech("Address on the grain", paragraphs=["The harvest of grain."])
    response = reader.get(speech.get_absolute_url(), {"q": "grain", "page": "²"})
    assert response.status_code == 200
    assert "The harvest of <mark>grain</mark>." in response.content.decode()


def test_too_many_query_fields_answer_400_or_404_with_the_sites_page(reader, address):
    fields = "&".join(f"f{n}=1" for n in range(1200))
    unknown = reader.get(f"/no-such-page/?{fields}")
    assert unknown.status_code == 404
    assert "Page not found" in unknown.content.decode()
    search = reader.get(f"/search/?q=harvest&{fields}")
    assert search.status_code == 400


@pytest.mark.parametrize("key", ["abcdefgh\x00ijkl", "ABCDEFGHIJKL", "abcdefgh ijkl'--"])
def test_a_malformed_session_cookie_is_no_session(reader, address, key):
    reader.cookies[settings.SESSION_COOKIE_NAME] = key
    response = reader.get(address.get_absolute_url())
    assert response.status_code == 200
    assert "The harvest was good this year." in response.content.decode()


@pytest.fixture
def silent_database():
    """A database server that accepts connections and never answers them."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted, stop = [], threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    kept = connections["default"]
    from django.db.backends.postgresql.base import DatabaseWrapper

    silent = copy.deepcopy(kept.settings_dict)
    silent.update(
        ENGINE="django.db.backends.postgresql",
        HOST="127.0.0.1",
        PORT=str(server.getsockname()[1]),
        NAME="archive",
        USER="archive",
        OPTIONS={"connect_timeout": settings.DB_CONNECT_TIMEOUT},
    )
    connections["default"] = DatabaseWrapper(silent, "default")
    yield
    connections["default"] = kept
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    server.close()


@pytest.mark.timing
def test_a_silent_database_gives_the_friendly_503_within_seconds(silent_database):
    started = time.monotonic()
    response = Client(raise_request_exception=False).get("/speeches/")
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "The archive is briefly unavailable" in response.content.decode()
    assert elapsed < 5


def test_liveness_does_not_depend_on_the_database_and_readiness_does(silent_database):
    client = Client(raise_request_exception=False)
    assert client.get("/healthz").content == b"ok\n"
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.content == b"database unavailable: OperationalError\n"


def test_pages_recover_once_the_database_answers_again(address, database_moved_away):
    client = Client(raise_request_exception=False)
    with database_moved_away():
        assert client.get("/speeches/2023/").status_code == 503
    assert client.get("/speeches/2023/").status_code == 200


def test_security_headers_on_every_page(reader, address):
    response = reader.get(address.get_absolute_url())
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in policy
    assert directives["frame-ancestors"] == "'none'"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def redis_reachable():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.fixture
def redis_caches(settings):
    """Pages and change stamps in a real Redis server, as several app servers share them."""
    if not redis_reachable():
        pytest.skip("no Redis server at 127.0.0.1:6379 to share the page cache through")
    redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/15"}
    settings.CACHES = {
        **settings.CACHES,
        "pages": {**redis, "KEY_PREFIX": "test-pages"},
        "page-tags": {**redis, "KEY_PREFIX": "test-tags"},
    }
    caches["pages"].clear()
    yield
    caches["pages"].clear()


def test_pages_and_stamps_shared_through_redis(redis_caches, reader, address, django_assert_num_queries):
    url = address.get_absolute_url()
    first = reader.get(url)
    with django_assert_num_queries(0):
        assert Client().get(url).content == first.content
    Paragraph.objects.filter(speech=address, position=2).update(text="Thank you, colleagues.")
    search.queue_speech(address.pk)
    assert "Thank you, colleagues." in reader.get(url).content.decode()
