"""Whole public pages kept ready to send until something they show changes.

A cached page remembers the tags of what it shows (a speech, a speaker, a venue, the listings) and when its
rendering began. Every change stamps its tags with the time (speech saved or indexed, speaker or venue saved,
a speech entering or leaving the public archive); a page is served from the cache only while none of its tags was
stamped after its rendering began. So a page is never served stale, and a change discards only the pages that
show what changed.

The pages live in the "pages" cache, which may be local to each process; the stamps live in the "page-tags"
cache, which every process shares (a directory under var/ by default, Redis with CACHE_URL), so
that a change made by one process or by an import command reaches every other.

Pages vary by the reader's view settings and by the day (a citation names the day it was read); no page is
cached for a signed-in editor, who sees banners and drafts. Each page is kept compressed and sent compressed to
readers whose browsers accept it, with an ETag that lets a browser ask "has it changed?" and get 304.
"""

import functools
import gzip
import hashlib
import re
import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

from . import reading

LISTINGS = "listings"  # every page that lists or searches addresses: any change to a speech may change it
PUBLIC_SET = "public-set"  # which addresses are public, and their order: neighbours and suggestions follow it

COMPRESS_LEVEL = 6  # for a page kept and sent many times
SENT_ONCE_LEVEL = 1  # for a page rendered for one answer (see _sent_once)
MIN_COMPRESSED = 200  # bytes: a shorter answer gains nothing from compression (Django's threshold too)
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")
# Headers of the view's own response worth keeping; the middleware adds the rest on every answer.
_KEPT_HEADERS = ("Content-Type", "Content-Language", "Content-Disposition", "Link", "X-Robots-Tag")


class StampCache(FileBasedCache):
    """A directory of change stamps, shared by the processes of one machine.

    Django's file cache counts its files before every write, to keep under MAX_ENTRIES; with thousands of stamps
    that listing costs more than the write, and an import writes a few stamps per speech. Here the files are
    counted once every CULL_EVERY writes, which keeps the directory as bounded at a fraction of the cost.
    """

    CULL_EVERY = 500

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._writes = 0

    def _cull(self):
        self._writes += 1
        if self._writes % self.CULL_EVERY == 1:
            super()._cull()


def speech_tag(pk):
    return f"speech:{pk}"


def speaker_tag(pk):
    return f"speaker:{pk}"


def venue_tag(pk):
    return f"venue:{pk}"


def _pages():
    return caches["pages"]


def _stamps():
    return caches["page-tags"]


def changed(*tags, when_committed=True):
    """Stamp tags as changed now and (unless told otherwise) again when the current transaction commits.

    The second stamp discards a page rendered from the old data while the transaction was still open; the first
    keeps a crash between the commit and the second stamp from leaving such pages behind.
    """
    tags = [tag for tag in tags if tag]
    if not tags or not settings.PAGE_CACHE:
        return
    _stamp(tags)
    if when_committed:
        transaction.on_commit(lambda: _stamp(tags))


def _stamp(tags):
    _stamps().set_many(dict.fromkeys(tags, time.time()), timeout=None)


def depends_on(request, *tags):
    """Say that the page being rendered for this request shows what these tags name."""
    shown = getattr(request, "page_tags", None)
    if shown is not None:
        shown.update(tag for tag in tags if tag)


def cached(timeout_setting):
    """Serve a view's pages from the cache while current, keeping each at most the seconds a setting names.

    A view marks what its page shows with `depends_on`; a page that marks nothing is not kept.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _cacheable(request):
                return _sent_once(request, view(request, *args, **kwargs))
            key = _key(request)
            entry = _pages().get(key)
            if entry is not None and _current(entry):
                return _answer(request, entry)
            started = time.time()
            request.page_tags = set()
            response = _rendered(view(request, *args, **kwargs))
            if not _keepable(request, response):
                return _sent_once(request, response)
            entry = _entry(response, request.page_tags, started)
            _pages().set(key, entry, getattr(settings, timeout_setting))
            return _answer(request, entry)

        return wrapper

    return decorator


def _cacheable(request):
    return (
        settings.PAGE_CACHE
        and request.method in ("GET", "HEAD")
        # An editor's session: banners, drafts and revisions that no reader may be sent.
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def _key(request):
    variant = reading.cookie_value(request.reading) if hasattr(request, "reading") else ""
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"page:{request.get_host()}:{path}:{variant}:{timezone.localdate().isoformat()}"


def _keepable(request, response):
    return (
        response.status_code == 200
        and request.page_tags
        and not response.streaming
        and not response.cookies
        and not response.has_header("Content-Encoding")
    )


def _entry(response, tags, started):
    body = response.content
    return {
        "tags": sorted(tags),
        # Servers compare their own clocks with stamps another wrote: a page begun within the margin of a change
        # counts as older than it.
        "rendered": started - settings.PAGE_CACHE_CLOCK_MARGIN,
        # The language the page was rendered in; an answer from the cache runs no view to say it again.
        "headers": {"Content-Language": translation.get_language()}
        | {name: response[name] for name in _KEPT_HEADERS if response.has_header(name)},
        "etag": hashlib.md5(body, usedforsecurity=False).hexdigest(),
        "gzip": gzip.compress(body, compresslevel=COMPRESS_LEVEL, mtime=0),
    }


def _rendered(response):
    if hasattr(response, "render") and callable(response.render):
        response = response.render()
    return response


def _sent_once(request, response):
    """A reader's page that is not kept, compressed for this one answer.

    Level 6, Django's, compresses the longest transcript in 11 ms and level 1 in 3 ms, for a fifth more bytes: worth
    it for a page kept and sent many times, not for one sent once (level 1 is also nginx's default for compressing on
    the fly). An editor's pages are left to Django's middleware, which pads pages that may hold a secret such as a
    CSRF token against BREACH; a reader's pages hold none.
    """
    if settings.SESSION_COOKIE_NAME in request.COOKIES or request.method not in ("GET", "HEAD"):
        return response
    response = _rendered(response)
    if response.streaming or response.has_header("Content-Encoding") or len(response.content) < MIN_COMPRESSED:
        return response
    patch_vary_headers(response, ("Accept-Encoding",))
    if _ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
        response.content = gzip.compress(response.content, compresslevel=SENT_ONCE_LEVEL, mtime=0)
        response["Content-Length"] = str(len(response.content))
        response["Content-Encoding"] = "gzip"
    return response


def _current(entry):
    """True when no tag of the page was stamped since its rendering began."""
    stamps = _stamps()
    found = stamps.get_many(entry["tags"])
    missing = [tag for tag in entry["tags"] if tag not in found]
    if missing:
        # A tag never stamped, or forgotten by the cache: from now on it counts as changed at this moment, so the
        # page is rendered anew rather than trusted without a stamp to compare with.
        now = time.time()
        for tag in missing:
            stamps.add(tag, now, timeout=None)
        return False
    return all(found[tag] < entry["rendered"] for tag in entry["tags"])


def _answer(request, entry):
    compressed = bool(_ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))
    body = entry["gzip"] if compressed else gzip.decompress(entry["gzip"])
    response = HttpResponse(body)
    for name, value in entry["headers"].items():
        response[name] = value
    if compressed:
        response["Content-Encoding"] = "gzip"
        # The same text, encoded otherwise: a weak validator, as for any compressed answer.
        response["ETag"] = f'W/"{entry["etag"]}"'
    else:
        response["ETag"] = f'"{entry["etag"]}"'
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


# Changes to speeches reach the stamps through the search index's queue, which every change to a speech passes
# (see speeches.search.queue_speech); speakers and venues, shown by name on many pages, are stamped here.
@receiver(post_save, sender="speeches.Speaker", dispatch_uid="page_cache_speaker_saved")
@receiver(post_delete, sender="speeches.Speaker", dispatch_uid="page_cache_speaker_deleted")
def _speaker_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        changed(speaker_tag(instance.pk), LISTINGS)


@receiver(post_save, sender="speeches.Venue", dispatch_uid="page_cache_venue_saved")
@receiver(post_delete, sender="speeches.Venue", dispatch_uid="page_cache_venue_deleted")
def _venue_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        changed(venue_tag(instance.pk), LISTINGS)


@receiver(post_save, sender="speeches.Topic", dispatch_uid="page_cache_topic_saved")
@receiver(post_delete, sender="speeches.Topic", dispatch_uid="page_cache_topic_deleted")
@receiver(post_save, sender="speeches.Place", dispatch_uid="page_cache_place_saved")
@receiver(post_delete, sender="speeches.Place", dispatch_uid="page_cache_place_deleted")
def _tag_changed(sender, instance, raw=False, **kwargs):
    # Topics and places are named on the speech pages and the lists that link them.
    if not raw:
        changed(PUBLIC_SET, LISTINGS)


# What an address is filed under shows on its page and decides the lists and searches it is in.
@receiver(m2m_changed, sender="speeches.Speech_topics", dispatch_uid="page_cache_speech_topics")
@receiver(m2m_changed, sender="speeches.Speech_places", dispatch_uid="page_cache_speech_places")
@receiver(m2m_changed, sender="speeches.Speech_people", dispatch_uid="page_cache_speech_people")
def _filed_under_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action.startswith("post_"):
        speeches = (pk_set or ()) if reverse else [instance.pk]
        changed(*map(speech_tag, speeches), LISTINGS)


@receiver(post_delete, sender="speeches.Speech", dispatch_uid="page_cache_speech_deleted")
def _speech_deleted(sender, instance, **kwargs):
    changed(speech_tag(instance.pk), PUBLIC_SET, LISTINGS)
