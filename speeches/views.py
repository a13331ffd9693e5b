import calendar
import datetime

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, F, Q
from django.db.models.functions import ExtractMonth, ExtractYear
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.generic import dates

from .filters import SpeechFilter
from .models import Speaker, Speech, Venue
from .search_views import related_speeches, speech_highlights

SPEECHES_PER_PAGE = 50


def month_calendar(year, month, days_with_speeches):
    """Weeks of (date, number of speeches or 0, in this month?) for a month grid starting on Monday."""
    weeks = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(year, month)
    return [[(day, days_with_speeches.get(day, 0), day.month == month) for day in week] for week in weeks]


def speech_counts_by_day(queryset, year, month):
    rows = queryset.filter(date__year=year, date__month=month).values("date").annotate(n=Count("id"))
    return {row["date"]: row["n"] for row in rows}


def home(request):
    published = Speech.objects.published()
    latest = list(published.for_listing()[:10])
    context = {"latest": latest}
    if latest:
        newest = latest[0].date
        context["calendar_month"] = datetime.date(newest.year, newest.month, 1)
        context["calendar_weeks"] = month_calendar(
            newest.year, newest.month, speech_counts_by_day(published, newest.year, newest.month)
        )
    return render(request, "speeches/home.html", context)


class SpeechArchiveMixin:
    date_field = "date"
    allow_future = True
    allow_empty = False
    month_format = "%m"
    paginate_by = SPEECHES_PER_PAGE

    def get_queryset(self):
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
    # A year page lists its months, not its speeches: nothing to paginate.
    make_object_list = False
    paginate_by = None

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
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        month = context["month"]
        context["calendar_weeks"] = month_calendar(
            month.year, month.month, speech_counts_by_day(Speech.objects.published(), month.year, month.month)
        )
        return context


class SpeechDayArchive(SpeechArchiveMixin, dates.DayArchiveView):
    pass


class SpeechDetail(dates.DateDetailView):
    date_field = "date"
    allow_future = True
    month_format = "%m"
    context_object_name = "speech"

    def get_queryset(self):
        return Speech.objects.published().select_related("venue", "translation").prefetch_related("speakers")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        speech = self.object
        paragraphs = list(speech.paragraphs.select_related("speaker"))
        highlights = speech_highlights(self.request, speech, paragraphs)
        for paragraph in paragraphs:
            paragraph.highlighted = highlights.get(paragraph.position)
        context["paragraphs"] = paragraphs
        context["highlighted_query"] = self.request.GET.get("q", "") if highlights else ""
        context["related_speeches"] = related_speeches(speech)
        neighbours = Speech.objects.published().only("title", "slug", "date", "time")
        context["previous_speech"] = neighbours.filter(_earlier_than(speech)).order_by(*CHRONOLOGICAL_DESC).first()
        context["next_speech"] = neighbours.filter(_later_than(speech)).order_by(*CHRONOLOGICAL).first()
        translation = speech.translation
        context["translation"] = translation if translation and translation.is_published else None
        return context


# Within a day, speeches without a time come first, then by time, then in the order they were added.
CHRONOLOGICAL = [F("date").asc(), F("time").asc(nulls_first=True), F("id").asc()]
CHRONOLOGICAL_DESC = [F("date").desc(), F("time").desc(nulls_last=True), F("id").desc()]


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


def speaker_detail(request, slug):
    speaker = get_object_or_404(Speaker, slug=slug)
    speeches = Speech.objects.published().for_listing().filter(speakers=speaker)
    filterset = SpeechFilter(request.GET, queryset=speeches)
    context = {"speaker": speaker, "filterset": filterset}
    if not filterset.is_valid():
        context["errors"] = filterset.clean_form_errors()
        return render(request, "speeches/speaker_detail.html", context, status=400)
    query = request.GET.copy()
    query.pop("page", None)
    context["page_query"] = query.urlencode()
    context["page_obj"] = Paginator(filterset.qs, SPEECHES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "speeches/speaker_detail.html", context)


def venue_detail(request, slug):
    venue = get_object_or_404(Venue, slug=slug)
    speeches = Speech.objects.published().for_listing().filter(venue=venue)
    page = Paginator(speeches, SPEECHES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "speeches/venue_detail.html", {"venue": venue, "page_obj": page})


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # any database failure makes the instance unhealthy
        return HttpResponse(
            f"database unavailable: {error.__class__.__name__}\n", status=503, content_type="text/plain"
        )
    return HttpResponse("ok\n", content_type="text/plain")
