import calendar
import collections
import datetime
import io
import itertools
import logging
import re
import sys

from django.core.paginator import Paginator
from django.db import InterfaceError, OperationalError, connection
from django.db.models import Count, Max, Min, Q
from django.db.models.functions import ExtractMonth, ExtractYear
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from django.views.generic import dates

from . import citations, contents, curation, diffs, exports, history, languages, metadata, page_cache, reading
from . import search as search_index
from .filters import SpeechFilter
from .forms import CiteForm, NameIndexForm, NameSuggestionForm, PersonAddressesForm, ReadingSettingsForm
from .models import (
    CHRONOLOGICAL,
    CHRONOLOGICAL_DESC,
    PendingRevision,
    Place,
    Speaker,
    SpeakerRedirect,
    Speech,
    Topic,
    Venue,
    VenueRedirect,
)
from .search_views import speech_highlights

SPEECHES_PER_PAGE = 50
NAMES_PER_PAGE = 100

logger = logging.getLogger(__name__)


def month_calendar(year, month, days_with_speeches, day_url=None):
    """Weeks of (date, number of speeches or 0, in this month?, link) for a month grid starting on Monday.

    A day with addresses links to `day_url(day)`, by default the day's page in the archive.
    """
    day_url = day_url or (lambda day: reverse("speech_archive_day", args=[day.year, day.month, day.day]))
    weeks = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(year, month)
    return [
        [
            (day, count, day.month == month, day_url(day) if count and day.month == month else "")
            for day in week
            for count in [days_with_speeches.get(day, 0)]
        ]
        for week in weeks
    ]


def archive_link(kind, day):
    """The archive's page of the month or the year of `day`."""
    if kind.endswith("month"):
        return reverse("speech_archive_month", args=[day.year, day.month])
    return reverse("speech_archive_year", args=[day.year])


def calendar_context(published, month, day_url=None, link=archive_link):
    """The calendar of `month` over `published`: its weeks, the months and years it leads to, and their links."""
    moves = calendar_moves(published, month)
    return {
        "calendar_month": month,
        "calendar_weeks": month_calendar(
            month.year, month.month, speech_counts_by_day(published, month.year, month.month), day_url
        ),
        "calendar_moves": moves,
        "calendar_links": {name: link(name, day) for name, day in moves.items() if day},
    }


def speech_counts_by_day(queryset, year, month):
    rows = queryset.filter(date__year=year, date__month=month).values("date").annotate(n=Count("id"))
    return {row["date"]: row["n"] for row in rows}


def calendar_moves(published, month):
    """Where the calendar of `month` leads: the nearest months and years either side that have addresses."""
    following_month = (month + datetime.timedelta(days=31)).replace(day=1)
    year_start, next_year_start = month.replace(month=1), datetime.date(month.year + 1, 1, 1)
    days = published.aggregate(
        previous_month=Max("date", filter=Q(date__lt=month)),
        next_month=Min("date", filter=Q(date__gte=following_month)),
        previous_year=Max("date", filter=Q(date__lt=year_start)),
        next_year=Min("date", filter=Q(date__gte=next_year_start)),
    )
    return {name: day.replace(day=1) if day else None for name, day in days.items()}


def home(request):
    page_cache.depends_on(request, page_cache.LISTINGS)
    published = Speech.objects.published()
    latest = list(published.for_listing()[:10])
    context = {"latest": latest}
    if latest:
        newest = latest[0].date
        context.update(calendar_context(published, newest.replace(day=1)))
    return render(request, "speeches/home.html", context)


class SpeechArchiveMixin:
    date_field = "date"
    allow_future = True
    allow_empty = False
    month_format = "%m"
    paginate_by = SPEECHES_PER_PAGE

    def get_queryset(self):
        page_cache.depends_on(self.request, page_cache.LISTINGS)
        return Speech.objects.published().for_listing()


class SpeechArchiveIndex(SpeechArchiveMixin, dates.ArchiveIndexView):
    allow_empty = True
    date_list_period = "year"
    template_name = "speeches/speech_archive.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = (
            Speech.objects.published()
            .annotate(year=ExtractYear("date"))
            .values("year")
            .annotate(n=Count("id"))
            .order_by("-year")
        )
        context["years"] = [(datetime.date(row["year"], 1, 1), row["n"]) for row in rows]
        return context


class SpeechYearArchive(SpeechArchiveMixin, dates.YearArchiveView):
    # The year's months with their counts, then its addresses, newest first, under their months.
    make_object_list = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = context["year"].year
        rows = (
            Speech.objects.published()
            .filter(date__year=year)
            .annotate(month=ExtractMonth("date"))
            .values("month")
            .annotate(n=Count("id"))
        )
        counts = {row["month"]: row["n"] for row in rows}
        context["months"] = [(month, counts[month.month]) for month in context["date_list"]]
        return context


class SpeechMonthArchive(SpeechArchiveMixin, dates.MonthArchiveView):
    # The calendar's links lead to the months around (calendar_moves, one query for all four): the view's own
    # neighbouring months would cost two queries each and go unused.
    def get_previous_month(self, date):
        return None

    def get_next_month(self, date):
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(calendar_context(Speech.objects.published(), context["month"]))
        return context


class SpeechDayArchive(SpeechArchiveMixin, dates.DayArchiveView):
    pass


class PublishedSpeechView(dates.DateDetailView):
    """One published speech by its date and slug; drafts and unknown slugs are 404.

    Staff see a speech in any status at its address, with a banner saying it is not public.
    """

    date_field = "date"
    allow_future = True
    month_format = "%m"
    context_object_name = "speech"

    def get_queryset(self):
        speeches = Speech.objects.all() if self.request.user.is_staff else Speech.objects.published()
        return speeches.select_related("venue", "translation").prefetch_related("speakers")

    def get_object(self, queryset=None):
        speech = super().get_object(queryset)
        languages.follow_address(self.request, speech)
        return speech


class SpeechDetail(PublishedSpeechView):
    def get_queryset(self):
        # A withdrawn address keeps its page, which then shows the notice instead of the text.
        speeches = super().get_queryset() if self.request.user.is_staff else Speech.objects.public()
        return speeches.select_related("venue", "translation").prefetch_related(
            "speakers", "topics", "places", "people"
        )

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.is_withdrawn and not request.user.is_staff:
            return render(request, "speeches/speech_withdrawn.html", {"speech": self.object}, status=410)
        self.revision = None
        if "revision" in request.GET:
            self.revision = self._pending_revision(request.GET["revision"])
        return self.render_to_response(self.get_context_data(object=self.object))

    def _pending_revision(self, value):
        # A revision is shown only to staff; to everyone else the address does not exist.
        if not self.request.user.is_staff or not value.isdigit():
            raise Http404("No such revision.")
        return get_object_or_404(PendingRevision, pk=int(value), speech=self.object)

    def get_context_data(self, **kwargs):
        if self.revision is not None:
            speech, paragraphs, speakers = curation.preview(self.revision)
            context = super().get_context_data(**kwargs)
            context.update(speech=speech, object=speech, revision=self.revision, revision_speakers=speakers)
            return self._reading_context(context, speech, paragraphs, highlights={})
        context = super().get_context_data(**kwargs)
        speech = self.object
        paragraphs = speech.transcript()
        if self.request.user.is_staff and speech.is_published:
            context["pending_revisions"] = list(
                speech.pending_revisions.filter(status=PendingRevision.Status.PENDING).only("pk", "created")
            )
        return self._reading_context(context, speech, paragraphs, speech_highlights(self.request, speech, paragraphs))

    def _reading_context(self, context, speech, paragraphs, highlights):
        for paragraph in paragraphs:
            paragraph.highlighted = highlights.get(paragraph.position)
        context["paragraphs"] = paragraphs
        context["long_transcript"] = len(paragraphs) >= contents.LONG
        speaking = contents.voices(paragraphs)
        context["contents"] = contents.contents(paragraphs, speaking)
        context["voices"], context["more_voices"] = (
            speaking[: contents.NAMED_SPEAKERS],
            speaking[contents.NAMED_SPEAKERS :],
        )
        context["highlighted_query"] = self.request.GET.get("q", "") if highlights else ""
        context["related_speeches"] = search_index.more_like(speech)
        neighbours = Speech.objects.published().only("title", "slug", "date", "time")
        context["previous_speech"] = neighbours.filter(_earlier_than(speech)).order_by(*CHRONOLOGICAL_DESC).first()
        context["next_speech"] = neighbours.filter(_later_than(speech)).order_by(*CHRONOLOGICAL).first()
        translation = speech.translation
        context["translation"] = translation if translation and translation.is_published else None
        context["url"] = context["permanent_url"] = self.request.build_absolute_uri(speech.get_absolute_url())
        context["accessed"] = timezone.localdate()
        authors = speakers_in_order_of_appearance(speech, paragraphs)
        context["citations"] = citations.cite(speech, authors, context["url"], context["accessed"])
        context["structured_data"] = metadata.structured_data(
            speech, context["url"], authors, self.request.build_absolute_uri
        )
        context["opengraph_locale"] = metadata.opengraph_locale(speech.language)
        shows_speech(
            self.request,
            speech,
            paragraphs,
            others=[context["previous_speech"], context["next_speech"], translation, *context["related_speeches"]],
        )
        # Which addresses neighbour it and which are suggested change when one is published or withdrawn.
        page_cache.depends_on(self.request, page_cache.PUBLIC_SET)
        return context


def shows_speech(request, speech, paragraphs=(), others=(), listed_speakers=True):
    """Say that the page shows this speech, its speakers and venue, and the titles of some other speeches.

    The speakers are those of its paragraphs, and those listed with the speech unless the page leaves them out.
    """
    speakers = {speaker.pk for speaker in speech.speakers.all()} if listed_speakers else set()
    speakers.update(paragraph.speaker_id for paragraph in paragraphs if paragraph.speaker_id)
    page_cache.depends_on(
        request,
        page_cache.speech_tag(speech.pk),
        page_cache.venue_tag(speech.venue_id) if speech.venue_id else None,
        *map(page_cache.speaker_tag, speakers),
        *(page_cache.speech_tag(other.pk) for other in others if other is not None),
    )


def _earlier_than(speech):
    if speech.time is None:
        same_day = Q(time__isnull=True, id__lt=speech.id)
    else:
        same_day = Q(time__isnull=True) | Q(time__lt=speech.time) | Q(time=speech.time, id__lt=speech.id)
    return Q(date__lt=speech.date) | (Q(date=speech.date) & same_day)


def _later_than(speech):
    if speech.time is None:
        same_day = Q(time__isnull=False) | Q(id__gt=speech.id)
    else:
        same_day = Q(time__gt=speech.time) | Q(time=speech.time, id__gt=speech.id)
    return Q(date__gt=speech.date) | (Q(date=speech.date) & same_day)


def _moved(request, kept):
    """Send a merged speaker's or venue's old address, query and all, to the record it was merged into."""
    query = request.META.get("QUERY_STRING", "")
    return redirect(kept.get_absolute_url() + (f"?{query}" if query else ""), permanent=True)


def speaker_detail(request, slug):
    page_cache.depends_on(request, page_cache.LISTINGS)
    speaker = Speaker.objects.filter(slug=slug).first()
    if speaker is None:
        return _moved(request, get_object_or_404(SpeakerRedirect.objects.select_related("speaker"), slug=slug).speaker)
    # The addresses they speak in, those the source files under them, or both.
    spoken = Q(pk__in=Speech.speakers.through.objects.filter(speaker=speaker).values("speech_id"))
    filed = Q(pk__in=Speech.people.through.objects.filter(speaker=speaker).values("speech_id"))
    published = Speech.objects.published()
    shown = PersonAddressesForm(request.GET)
    chosen = (shown.is_valid() and shown.cleaned_data["addresses"]) or "spoken"
    which = {"spoken": spoken, "filed": filed, "all": spoken | filed}[chosen]
    filterset = SpeechFilter(request.GET, queryset=published.for_listing().filter(which))
    context = {
        "speaker": speaker,
        "filterset": filterset,
        "addresses": chosen,
        "counts": published.aggregate(spoken=Count("pk", filter=spoken), filed=Count("pk", filter=filed)),
    }
    if not filterset.is_valid() or not shown.is_valid():
        context["errors"] = [*filterset.clean_form_errors(), *shown.errors.get("addresses", [])]
        context["name_lists"] = filterset.name_lists(venue=[])
        return render(request, "speeches/speaker_detail.html", context, status=400)
    query = request.GET.copy()
    query.pop("page", None)
    context["page_query"] = query.urlencode()
    page = context["page_obj"] = Paginator(filterset.qs, SPEECHES_PER_PAGE).get_page(request.GET.get("page"))
    # The venues of the listed addresses, most frequent first, for readers without script to choose from.
    venues = collections.Counter(speech.venue.name for speech in page.object_list if speech.venue)
    context["name_lists"] = filterset.name_lists(venue=[name for name, _ in venues.most_common()])
    return render(request, "speeches/speaker_detail.html", context)


# Names change rarely and belong to no reader: a browser may keep an answer for a few minutes.
@cache_control(max_age=300)
def name_suggestions(request, field):
    """Answer the names that begin like ?q= for the speaker or venue filter, as JSON."""
    form = NameSuggestionForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"error": " ".join(form.errors["q"])}, status=400)
    names = SpeechFilter.base_filters[field].extra["names"]
    return JsonResponse({"q": form.cleaned_data["q"], "names": names.suggest(form.cleaned_data["q"])})


def speaker_index(request):
    """Everyone who speaks in a published address, by family name or by number of addresses."""
    return _name_index(request, Speaker, "speeches/speaker_index.html", by=_family_name)


def venue_index(request):
    """Every place a published address was given, by name or by number of addresses."""
    return _name_index(request, Venue, "speeches/venue_index.html", by=lambda venue: venue.name)


def _family_name(speaker):
    # People are listed as a reference book lists them: by the last word of the name, which in the archive's
    # names, English or Russian, is the family name; "М.Кузнецов", as Russian transcripts write it, too.
    words = re.split(r"[\s.]+", speaker.name.strip(" ."))
    return " ".join(words[-1:] + words[:-1])


def _name_index(request, model, template, by):
    page_cache.depends_on(request, page_cache.LISTINGS)
    form = NameIndexForm(request.GET)
    if not form.is_valid():
        errors = [error for field_errors in form.errors.values() for error in field_errors]
        return render(request, template, {"form": form, "errors": errors}, status=400)
    published = Count("speeches", filter=Q(speeches__status=Speech.Status.PUBLISHED))
    # A thousand names or so: sorted and grouped here, where every script's letters compare as people expect.
    entries = list(model.objects.annotate(addresses=published).filter(addresses__gt=0))
    for entry in entries:
        entry.sort_name = by(entry)
        entry.initial = entry.sort_name[:1].upper()
    letters = sorted({entry.initial for entry in entries if entry.initial.isalpha()})
    letter, sort = form.cleaned_data["letter"], form.cleaned_data["sort"] or "name"
    shown = [entry for entry in entries if entry.initial == letter] if letter else entries
    shown.sort(key=lambda entry: entry.sort_name.casefold())
    if sort == "addresses":
        shown.sort(key=lambda entry: entry.addresses, reverse=True)  # stable: names in order within a count
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        template,
        {
            "form": form,
            "total": len(entries),
            "letter": letter,
            "sort": sort,
            "letter_groups": _by_script(letters),
            "page_obj": Paginator(shown, NAMES_PER_PAGE).get_page(form.cleaned_data["page"]),
            "page_query": query.urlencode(),
        },
    )


def _by_script(letters):
    """The letters in rows: Latin, Cyrillic, then any other."""
    rows = {"Latin": [], "Cyrillic": [], "Other": []}
    for letter in letters:
        script = "Latin" if "A" <= letter <= "Z" else "Cyrillic" if "\u0400" <= letter <= "\u04ff" else "Other"
        rows[script].append(letter)
    return [(script, row) for script, row in rows.items() if row]


def topic_index(request):
    """Every subject the published addresses are filed under, by name or by number of addresses."""
    return _name_index(request, Topic, "speeches/topic_index.html", by=str)


def place_index(request):
    """Every country and region the published addresses are filed under, by name or by number of addresses."""
    return _name_index(request, Place, "speeches/place_index.html", by=str)


def topic_detail(request, slug):
    return _filed_under(request, get_object_or_404(Topic, slug=slug), "topic")


def place_detail(request, slug):
    return _filed_under(request, get_object_or_404(Place, slug=slug), "place")


def _filed_under(request, tag, field):
    """The published addresses filed under a topic or a place, newest first, with the calendar of their months."""
    page_cache.depends_on(request, page_cache.LISTINGS)
    filed = Speech.objects.published().filter(**{f"{field}s": tag})
    filterset = SpeechFilter(request.GET, queryset=filed.for_listing())
    context = {"tag": tag, "field": field, "filterset": filterset}
    if not filterset.is_valid():
        context["errors"] = filterset.clean_form_errors()
        context["name_lists"] = filterset.name_lists(speaker=[], venue=[])
        return render(request, "speeches/tag_detail.html", context, status=400)
    query = request.GET.copy()
    query.pop("page", None)
    context["page_query"] = query.urlencode()
    page = context["page_obj"] = Paginator(filterset.qs, SPEECHES_PER_PAGE).get_page(request.GET.get("page"))
    context["name_lists"] = filterset.name_lists(speaker=None, venue=None)
    # The calendar shows the month asked for, else the month of the first address listed.
    shown = filterset.form.cleaned_data.get("date_from") or (page.object_list[0].date if page.object_list else None)
    if shown:
        context.update(calendar_context(filed, shown.replace(day=1), day_url=_day_range, link=_range_link))
    return render(request, "speeches/tag_detail.html", context)


def _day_range(day):
    return f"?date_from={day.isoformat()}&date_to={day.isoformat()}"


def _range_link(kind, day):
    """The same list narrowed to the month or the year of `day`."""
    if kind.endswith("month"):
        last = day.replace(day=calendar.monthrange(day.year, day.month)[1])
        return f"?date_from={day.isoformat()}&date_to={last.isoformat()}"
    return f"?date_from={day.year:04d}-01-01&date_to={day.year:04d}-12-31"


def venue_detail(request, slug):
    page_cache.depends_on(request, page_cache.LISTINGS)
    venue = Venue.objects.filter(slug=slug).first()
    if venue is None:
        return _moved(request, get_object_or_404(VenueRedirect.objects.select_related("venue"), slug=slug).venue)
    speeches = Speech.objects.published().for_listing().filter(venue=venue)
    page = Paginator(speeches, SPEECHES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "speeches/venue_detail.html", {"venue": venue, "page_obj": page})


# Search result pages, the research tools' pages and the API's searches are endless variations of the archive's own
# pages, and each costs a search; crawlers find the addresses by the sitemap.
ROBOTS = """User-agent: *
Disallow: /search/
Disallow: /api/search/
Disallow: /concordance/
Disallow: /api/concordance/
Disallow: /trends/
Disallow: /who-says/
Disallow: /quote/
Disallow: /settings/
Disallow: /admin/
Sitemap: {sitemap}
"""


def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    return HttpResponse(ROBOTS.format(sitemap=sitemap), content_type="text/plain; charset=utf-8")


@never_cache
def healthz(request):
    """Answer "ok" while the process can answer at all: restarting it would not bring a lost database back."""
    return HttpResponse("ok\n", content_type="text/plain")


@never_cache
def readyz(request):
    """Answer "ready" when the database and the search index answer, else 503 and which does not."""
    # /healthz says whether to restart the process; this says whether to send it readers.
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # any database failure makes the instance unready
        return _not_ready(f"database unavailable: {error.__class__.__name__}")
    try:
        problem = search_index.unavailable()
    except Exception as error:  # whatever keeps the index from answering makes the instance unready
        logger.exception("Could not check the search index")
        return _not_ready(f"search index unavailable: {error.__class__.__name__}")
    if problem is not None:
        return _not_ready(f"search index {problem.reason}")
    return HttpResponse("ready\n", content_type="text/plain")


# Seconds a reader (or a crawler) is asked to wait when the database does not answer: about a restart of it.
RETRY_AFTER_DATABASE = 30


def server_error(request):
    """The page for an error no view handled: "try again shortly" when the database failed, else "went wrong"."""
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        logger.warning("Database unavailable: %s", error)
        # Rendered without the database: the template reads nothing from it.
        response = render(request, "503.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_DATABASE)
        return response
    return render(request, "500.html", status=500)


def _not_ready(reason):
    return HttpResponse(f"{reason}\n", status=503, content_type="text/plain")


def _safe_next(request, url):
    """Return `url` if it points back into this site, else the home page: never an open redirect."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("home")


# The view only sets the reader's own display preferences in their own browser: a forged post can do no more than
# the reader's own click, and leaving out a CSRF token keeps every page free of a per-reader token.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def reading_settings(request):
    if request.method == "GET":
        form = ReadingSettingsForm(initial={"next": _safe_next(request, request.GET.get("next"))})
        return render(request, "speeches/reading_settings.html", {"form": form})
    form = ReadingSettingsForm(request.POST)
    if not form.is_valid():
        return render(request, "speeches/reading_settings.html", {"form": form}, status=400)
    if form.cleaned_data["reset"]:
        chosen = dict(reading.DEFAULTS)
    else:
        chosen = reading.clean({**request.reading, **form.settings_given()})
    response = HttpResponseRedirect(_safe_next(request, form.cleaned_data["next"]))
    response.status_code = 303  # See Other: the reader's browser fetches the page again with GET
    value = reading.cookie_value(chosen)
    if value:
        response.set_cookie(
            reading.COOKIE_NAME, value, max_age=reading.COOKIE_MAX_AGE, secure=request.is_secure(), samesite="Lax"
        )
    else:
        response.delete_cookie(reading.COOKIE_NAME, samesite="Lax")
    return response


def speakers_in_order_of_appearance(speech, paragraphs=None):
    """Who a citation names as authors: the speakers in the order they first speak."""
    if paragraphs is None:
        paragraphs = speech.paragraphs.exclude(speaker=None).select_related("speaker").order_by("position")
    seen = {}
    for paragraph in paragraphs:
        if paragraph.speaker_id:
            seen.setdefault(paragraph.speaker_id, paragraph.speaker)
    return list(seen.values()) or list(speech.speakers.all())


class SpeechDownload(PublishedSpeechView):
    """The address as a file: plain text, the archive's JSON, CSV of its paragraphs, or TEI (see speeches.exports)."""

    file_format = None

    def get(self, request, *args, **kwargs):
        # Drafts and withdrawn addresses are not found, except by editors, as on the address's page.
        speech = exports.for_export(Speech.objects.filter(pk=self.get_object().pk)).get()
        if self.file_format == "txt":
            body = exports.as_text(speech, request.build_absolute_uri(speech.get_absolute_url()))
        elif self.file_format == "json":
            body = exports.as_json(speech)
        elif self.file_format == "csv":
            stream = io.StringIO()
            exports.write_csv(stream, [speech])
            body = stream.getvalue()
        else:
            body = exports.as_tei(speech)
        response = HttpResponse(body, content_type=exports.DOWNLOADS[self.file_format])
        name = f"{speech.date.isoformat()}-{speech.slug}.{self.file_format}"
        response["Content-Disposition"] = content_disposition_header(True, name)
        shows_speech(request, speech, speech.paragraphs.all())
        return response


class SpeechCite(PublishedSpeechView):
    template_name = "speeches/speech_cite.html"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        speech = self.object
        url = request.build_absolute_uri(speech.get_absolute_url())
        accessed = timezone.localdate()
        form = CiteForm(request.GET)
        shows_speech(request, speech)
        context = self.get_context_data(object=speech, form=form, url=url, accessed=accessed)
        if not form.is_valid():
            return self.render_to_response(context, status=400)
        position = form.cleaned_data["p"]
        if position is None:
            context["citations"] = citations.cite(speech, speakers_in_order_of_appearance(speech), url, accessed)
            return self.render_to_response(context)
        paragraph = speech.paragraphs.select_related("speaker").filter(position=position).first()
        if paragraph is None:
            context["error"] = no_paragraph(position, speech.paragraphs.count())
            return self.render_to_response(context, status=404)
        speakers = [paragraph.speaker] if paragraph.speaker else speakers_in_order_of_appearance(speech)
        context["paragraph"] = paragraph
        context["citations"] = citations.cite(speech, speakers, url, accessed, paragraph=paragraph)
        return self.render_to_response(context)


def no_paragraph(position, count):
    return gettext("This address has no paragraph %(number)s; its paragraphs are numbered 1 to %(count)s.") % {
        "number": position,
        "count": count,
    }


class SpeechParagraph(PublishedSpeechView):
    """ "Go to paragraph N" of a long transcript, without script: a redirect to the paragraph's anchor."""

    template_name = "speeches/speech_paragraph.html"

    def get(self, request, *args, **kwargs):
        speech = self.object = self.get_object()
        shows_speech(request, speech)
        form = CiteForm(request.GET)
        count = speech.paragraphs.count()
        context = self.get_context_data(object=speech, form=form, count=count)
        if not form.is_valid():
            return self.render_to_response(context, status=400)
        position = form.cleaned_data["p"]
        if position is None or position > count:
            context["error"] = (
                no_paragraph(position, count)
                if position
                else gettext("Give the number of a paragraph, from 1 to %(count)s.") % {"count": count}
            )
            return self.render_to_response(context, status=404 if position else 400)
        return HttpResponseRedirect(f"{speech.get_absolute_url()}#p{position}")


class SpeechVersions(PublishedSpeechView):
    """The public history of a published speech: each version since first publication and what it changed."""

    template_name = "speeches/speech_versions.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["entries"] = public_versions(self.object)
        shows_speech(self.request, self.object)
        return context


def public_versions(speech):
    """The versions readers saw, oldest first as numbered but listed newest first, each against the one before."""
    entries, previous = [], None
    for version in reversed(list(history.versions(speech))):
        snapshot = history.Snapshot.from_revision(version.revision)
        if snapshot.status != Speech.Status.PUBLISHED:
            continue
        if previous is not None and snapshot.public == previous.public:
            continue
        entry = {
            "number": len(entries) + 1,
            "first": previous is None,
            "date": version.revision.date_created,
            "note": version.revision.comment,
            "fields": [],
            "changes": [],
        }
        if previous is not None:
            entry["fields"] = diffs.field_changes(
                previous.public_details(), snapshot.public_details(), history.PUBLIC_FIELD_LABELS
            )
            entry["changes"] = diffs.paragraph_changes(previous.paragraphs, snapshot.paragraphs)
        entries.append(entry)
        previous = snapshot
    if not entries:
        # Published and never changed since: its only version is the one on the page.
        entries.append({"number": 1, "first": True, "date": speech.first_published or speech.created, "note": ""})
    return list(reversed(entries))


class SpeechSideBySide(PublishedSpeechView):
    """The speech and its translation in parallel columns, paired paragraph by paragraph by position."""

    template_name = "speeches/speech_side_by_side.html"

    def get_queryset(self):
        # The translation's speakers too, for its column.
        return super().get_queryset().prefetch_related("translation__speakers")

    def get_object(self, queryset=None):
        speech = super().get_object(queryset)
        if speech.translation is None or not speech.translation.is_published:
            raise Http404("This address has no published translation.")
        return speech

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        speech = self.object
        translation = speech.translation
        context["translation"] = translation
        context["rows"] = list(itertools.zip_longest(speech.transcript(), translation.transcript()))
        shows_speech(self.request, speech, [row[0] for row in context["rows"] if row[0]])
        shows_speech(self.request, translation, [row[1] for row in context["rows"] if row[1]], listed_speakers=False)
        return context
